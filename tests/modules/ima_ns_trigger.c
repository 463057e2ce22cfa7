// SPDX-License-Identifier: GPL-2.0
/*
 * ima_ns_trigger.ko - a module the func tests load to cause kernel reads:
 * loading it is MODULE_CHECK (finit_module) or critical data "modules"
 * (init_module); with firmware=NAME its init requests that firmware
 * (FIRMWARE_CHECK) and fails the load with the result if there is none;
 * with leak=1 its init allocates 16 x 64 bytes and forgets them (the load
 * test's proof that kmemleak reports what it should).
 */
#include <linux/slab.h>
#include <linux/firmware.h>
#include <linux/module.h>

static char *firmware;
module_param(firmware, charp, 0444);
MODULE_PARM_DESC(firmware, "firmware file to request at load");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak 16 x 64 bytes at load");

/*
 * Sixteen objects, not one: a pointer left in a dead task's stack (which
 * the kernel may cache and kmemleak then scans) hides one leak now and
 * then, and the control must not depend on that.
 */
static void ima_ns_trigger_leak(void)
{
	volatile void *p;
	int i;

	for (i = 0; i < 16; i++)
		p = kmalloc(64, GFP_KERNEL);
	p = NULL;
}

static int __init ima_ns_trigger_init(void)
{
	const struct firmware *fw;
	int ret;

	if (leak)
		ima_ns_trigger_leak();
	if (!firmware)
		return 0;
	/* No device: the direct filesystem lookup needs none. */
	ret = request_firmware_direct(&fw, firmware, NULL);
	if (ret)
		return ret;
	pr_info("ima_ns_trigger: firmware %s: %zu bytes\n", firmware, fw->size);
	release_firmware(fw);
	return 0;
}

static void __exit ima_ns_trigger_exit(void)
{
}

module_init(ima_ns_trigger_init);
module_exit(ima_ns_trigger_exit);
MODULE_DESCRIPTION("ima-ns test helper: kernel file reads on demand");
MODULE_LICENSE("GPL");
