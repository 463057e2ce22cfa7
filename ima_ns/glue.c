// SPDX-License-Identifier: GPL-2.0
/*
 * glue.c - livepatch table, module parameters and static-inline helpers.
 *
 * Linux 6.12 cannot register LSM hooks from a module, so ima_ns.ko
 * livepatches the BPF-LSM stubs, which the LSM framework calls in normal
 * (sleepable) hook context when "bpf" is in the LSM list. Each
 * replacement below only unpacks its arguments and calls Rust.
 */
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/key.h>
#include <linux/livepatch.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/wait.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/stat.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xattr.h>
#include <crypto/hash.h>
#include <keys/asymmetric-type.h>

#include "glue.h"

MODULE_INFO(livepatch, "Y");

char ima_ns_param_hash[16] = "sha256";
module_param_string(ima_hash, ima_ns_param_hash, sizeof(ima_ns_param_hash), 0444);
MODULE_PARM_DESC(ima_hash, "file hash: sha1, sha256 (default), sha384, sha512");

char ima_ns_param_policy[64] = "";
module_param_string(ima_policy, ima_ns_param_policy, sizeof(ima_ns_param_policy), 0444);
MODULE_PARM_DESC(ima_policy,
	"built-in policies, joined by '|': tcb, original_tcb, appraise_tcb, secure_boot, critical_data");

/* Upstream's ima_template= and ima_template_fmt= boot parameters. */
char ima_ns_param_template[32] = "ima-ng";
module_param_string(ima_template, ima_ns_param_template, sizeof(ima_ns_param_template), 0444);
MODULE_PARM_DESC(ima_template,
	"host template: ima, ima-ng (default), ima-sig, ima-ngv2, ima-sigv2, ima-buf, ima-modsig, evm-sig");

char ima_ns_param_template_fmt[256] = "";
module_param_string(ima_template_fmt, ima_ns_param_template_fmt,
		    sizeof(ima_ns_param_template_fmt), 0444);
MODULE_PARM_DESC(ima_template_fmt,
	"host template as fields joined by '|' (e.g. d-ng|n-ng|sig|iuid|igid|imode); overrides ima_template");

/* Upstream's CONFIG_IMA_WRITE_POLICY and CONFIG_IMA_READ_POLICY, per load. */
bool ima_ns_param_write_policy = true;
module_param_named(write_policy, ima_ns_param_write_policy, bool, 0444);
MODULE_PARM_DESC(write_policy, "policy updates after the first one (default Y)");

bool ima_ns_param_read_policy = true;
module_param_named(read_policy, ima_ns_param_read_policy, bool, 0444);
MODULE_PARM_DESC(read_policy, "the policy file can be read back, with CAP_SYS_ADMIN (default Y)");

/* --- hook trampolines: same signatures as the bpf_lsm_* stubs they replace */

/* As ima_bprm_check(): BPRM_CHECK with the caller's credentials. */
static int ima_ns_bprm_check_security(struct linux_binprm *bprm)
{
	return ima_ns_rust_file_event(bprm->file, NULL, IMA_NS_BPRM_CHECK,
				      MAY_EXEC, NULL, 0);
}

/*
 * CREDS_CHECK with the credentials the program will run with. Upstream
 * 6.12 evaluates it in bprm_check, which since 5.8 runs before exec
 * applies setuid/setgid, so uid conditions there see the caller's ids;
 * here it runs once they are final, as CREDS_CHECK was added to do.
 */
static int ima_ns_bprm_creds_from_file(struct linux_binprm *bprm,
				       const struct file *file)
{
	return ima_ns_rust_file_event((struct file *)file, bprm->cred,
				      IMA_NS_CREDS_CHECK, MAY_EXEC, NULL, 0);
}

/* As ima_file_mmap(): the protection asked for, then the one applied. */
static int ima_ns_mmap_file(struct file *file, unsigned long reqprot,
			    unsigned long prot, unsigned long flags)
{
	int ret;

	if (!file)
		return 0;
	if (reqprot & PROT_EXEC) {
		ret = ima_ns_rust_file_event(file, NULL, IMA_NS_MMAP_CHECK_REQPROT,
					     MAY_EXEC, NULL, 0);
		if (ret)
			return ret;
	}
	if (prot & PROT_EXEC)
		return ima_ns_rust_file_event(file, NULL, IMA_NS_MMAP_CHECK,
					      MAY_EXEC, NULL, 0);
	return 0;
}

/*
 * As ima_file_mprotect(): a file mapping made executable after mmap()
 * escapes MMAP_CHECK. The mmap lock is held here, so the file cannot be
 * read (filesystems take their own locks in read_iter, in the opposite
 * order on write faults): Rust reports it instead.
 */
static int ima_ns_file_mprotect(struct vm_area_struct *vma,
				unsigned long reqprot, unsigned long prot)
{
	if (!vma->vm_file || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	ima_ns_rust_mprotect(vma->vm_file, reqprot & PROT_EXEC, prot & PROT_EXEC);
	return 0;
}

static int ima_ns_file_post_open(struct file *file, int mask)
{
	return ima_ns_rust_file_event(file, NULL, IMA_NS_FILE_CHECK,
			mask & (MAY_READ | MAY_WRITE | MAY_EXEC | MAY_APPEND),
			NULL, 0);
}

/* As read_idmap[]: what the kernel reads a file for. */
static u32 ima_ns_read_func(enum kernel_read_file_id id)
{
	switch (id) {
	case READING_FIRMWARE:
		return IMA_NS_FIRMWARE_CHECK;
	case READING_MODULE:
		return IMA_NS_MODULE_CHECK;
	case READING_KEXEC_IMAGE:
		return IMA_NS_KEXEC_KERNEL_CHECK;
	case READING_KEXEC_INITRAMFS:
		return IMA_NS_KEXEC_INITRAMFS_CHECK;
	case READING_POLICY:
		return IMA_NS_POLICY_CHECK;
	default:
		return IMA_NS_FILE_CHECK;
	}
}

/*
 * As ima_read_file(): a whole read is measured from the buffer in
 * kernel_post_read_file; a partial one from the file, here.
 */
static int ima_ns_kernel_read_file(struct file *file,
				   enum kernel_read_file_id id, bool contents)
{
	if (contents)
		return 0;
	return ima_ns_rust_file_event(file, NULL, ima_ns_read_func(id),
				      MAY_READ, NULL, 0);
}

static int ima_ns_kernel_post_read_file(struct file *file, char *buf,
					loff_t size, enum kernel_read_file_id id)
{
	if (!file || !buf || size <= 0)
		return 0;
	return ima_ns_rust_file_event(file, NULL, ima_ns_read_func(id),
				      MAY_READ, buf, size);
}

/*
 * As ima_post_load_data(): the init_module() image has no file; it is
 * measured as critical data "modules", by its digest.
 */
static int ima_ns_kernel_post_load_data(char *buf, loff_t size,
					enum kernel_load_data_id id,
					char *description)
{
	if (id == LOADING_MODULE && buf && size > 0)
		ima_ns_rust_buffer_event(buf, size, IMA_NS_CRITICAL_DATA,
					 "init_module", "modules", true);
	return 0;
}

/* As ima_post_key_create_or_update(): asymmetric keys, by keyring name. */
static void ima_ns_key_post_create_or_update(struct key *keyring,
					     struct key *key,
					     const void *payload,
					     size_t payload_len,
					     unsigned long flags, bool create)
{
	if (key->type != &key_type_asymmetric || !payload || !payload_len ||
	    !keyring || !keyring->description)
		return;
	ima_ns_rust_buffer_event(payload, payload_len, IMA_NS_KEY_CHECK,
				 keyring->description, keyring->description,
				 false);
}

/* Writers may have changed the file; readers stop holding it (ToMToU). */
static void ima_ns_file_release(struct file *file)
{
	if (S_ISREG(file_inode(file)->i_mode))
		ima_ns_rust_file_release(file);
}

static void ima_ns_inode_free_security(struct inode *inode)
{
	ima_ns_rust_inode_free(inode);
}

/*
 * Namespace membership: a child task joins its parent's namespace, or the
 * parent's namespace for children. task_free runs from an RCU callback
 * (softirq) for most tasks; Rust handles that (see ima_ns/tasks.rs).
 */
static int ima_ns_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	return ima_ns_rust_task_alloc(task, clone_flags & CLONE_THREAD);
}

static void ima_ns_task_free(struct task_struct *task)
{
	ima_ns_rust_task_free(task);
}

static struct klp_func ima_ns_funcs[] = {
	{ .old_name = "bpf_lsm_bprm_check_security", .new_func = ima_ns_bprm_check_security },
	{ .old_name = "bpf_lsm_bprm_creds_from_file", .new_func = ima_ns_bprm_creds_from_file },
	{ .old_name = "bpf_lsm_mmap_file", .new_func = ima_ns_mmap_file },
	{ .old_name = "bpf_lsm_file_post_open", .new_func = ima_ns_file_post_open },
	{ .old_name = "bpf_lsm_file_mprotect", .new_func = ima_ns_file_mprotect },
	{ .old_name = "bpf_lsm_kernel_read_file", .new_func = ima_ns_kernel_read_file },
	{ .old_name = "bpf_lsm_kernel_post_read_file", .new_func = ima_ns_kernel_post_read_file },
	{ .old_name = "bpf_lsm_kernel_post_load_data", .new_func = ima_ns_kernel_post_load_data },
	{ .old_name = "bpf_lsm_key_post_create_or_update", .new_func = ima_ns_key_post_create_or_update },
	{ .old_name = "bpf_lsm_file_release", .new_func = ima_ns_file_release },
	{ .old_name = "bpf_lsm_inode_free_security", .new_func = ima_ns_inode_free_security },
	{ .old_name = "bpf_lsm_task_alloc", .new_func = ima_ns_task_alloc },
	{ .old_name = "bpf_lsm_task_free", .new_func = ima_ns_task_free },
	{ }
};

/*
 * During the patch transition some tasks already run the replacements and
 * others do not; measuring starts only once every task does, and stops
 * before any task goes back to the stubs.
 */
static void ima_ns_post_patch(struct klp_object *obj)
{
	ima_ns_rust_set_active(true);
}

static void ima_ns_pre_unpatch(struct klp_object *obj)
{
	ima_ns_rust_set_active(false);
}

static struct klp_object ima_ns_objs[] = {
	{
		.funcs = ima_ns_funcs,	/* name NULL: vmlinux */
		.callbacks = {
			.post_patch = ima_ns_post_patch,
			.pre_unpatch = ima_ns_pre_unpatch,
		},
	},
	{ }
};

static struct klp_patch ima_ns_patch = {
	.mod = THIS_MODULE,
	.objs = ima_ns_objs,
};

int ima_ns_hooks_enable(void)
{
	return klp_enable_patch(&ima_ns_patch);
}

/* --- helpers for static inlines and macros */

void ima_ns_file_facts(struct file *file, struct ima_ns_file_facts *out)
{
	struct inode *inode = file_inode(file);
	vfsuid_t owner = i_uid_into_vfsuid(file_mnt_idmap(file), inode);
	vfsgid_t group = i_gid_into_vfsgid(file_mnt_idmap(file), inode);

	out->inode = inode;
	out->fsmagic = inode->i_sb->s_magic;
	out->fowner = from_kuid(&init_user_ns, vfsuid_into_kuid(owner));
	out->fgroup = from_kgid(&init_user_ns, vfsgid_into_kgid(group));
	out->fsname = inode->i_sb->s_type->name;
	memcpy(out->fsuuid, &inode->i_sb->s_uuid, sizeof(out->fsuuid));
	out->regular = S_ISREG(inode->i_mode);
	out->readable = file->f_mode & FMODE_READ;
	out->writable = file->f_mode & FMODE_WRITE;
	out->last_writer = atomic_read(&inode->i_writecount) == 1;
	out->ino = inode->i_ino;
	out->dev_major = MAJOR(inode->i_sb->s_dev);
	out->dev_minor = MINOR(inode->i_sb->s_dev);
	out->mode = inode->i_mode;
	out->iuid = i_uid_read(inode);
	out->igid = i_gid_read(inode);
	out->open_for_write = inode_is_open_for_write(inode);
}

void ima_ns_task_facts(struct ima_ns_task_facts *out)
{
	const struct cred *cred = current_cred();

	out->pid = task_pid_vnr(current);
	out->tgid = task_tgid_vnr(current);
	out->uid = from_kuid(&init_user_ns, cred->uid);
	out->euid = from_kuid(&init_user_ns, cred->euid);
	out->gid = from_kgid(&init_user_ns, cred->gid);
	out->egid = from_kgid(&init_user_ns, cred->egid);
	out->cap_eff = cred->cap_effective.val;
	get_task_comm(out->comm, current);
}

/* get_task_exe_file() is not exported; current's own mm needs no task_lock. */
struct file *ima_ns_exe_file(void)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;

	if (!mm || (current->flags & PF_KTHREAD))
		return NULL;
	rcu_read_lock();
	exe = get_file_rcu(&mm->exe_file);
	rcu_read_unlock();
	return exe;
}

void ima_ns_fput(struct file *file)
{
	fput(file);
}

void ima_ns_waitq_init(struct wait_queue_head *wq)
{
	init_waitqueue_head(wq);
}

void ima_ns_waitq_wake_all(struct wait_queue_head *wq)
{
	wake_up_all(wq);
}

long ima_ns_waitq_wait(struct wait_queue_head *wq, bool (*done)(const void *ctx),
		       const void *ctx, long timeout, bool interruptible)
{
	if (interruptible)
		return wait_event_interruptible_timeout(*wq, done(ctx), timeout);
	return wait_event_killable_timeout(*wq, done(ctx), timeout);
}

void ima_ns_poll_wait(struct file *file, struct wait_queue_head *wq,
		      struct poll_table_struct *pt)
{
	poll_wait(file, wq, pt);
}

unsigned long ima_ns_msecs_to_jiffies(u32 ms)
{
	return msecs_to_jiffies(ms);
}

void ima_ns_cred_subject(const struct cred *cred, bool want_caps,
			 struct ima_ns_subject *out)
{
	if (!cred)
		cred = current_cred();

	out->uid = from_kuid(&init_user_ns, cred->uid);
	out->euid = from_kuid(&init_user_ns, cred->euid);
	out->suid = from_kuid(&init_user_ns, cred->suid);
	out->gid = from_kgid(&init_user_ns, cred->gid);
	out->egid = from_kgid(&init_user_ns, cred->egid);
	out->sgid = from_kgid(&init_user_ns, cred->sgid);
	/* As ima_match_rules(): current's capabilities, whatever cred is. */
	if (want_caps) {
		out->cap_setuid = has_capability_noaudit(current, CAP_SETUID);
		out->cap_setgid = has_capability_noaudit(current, CAP_SETGID);
	}
}

bool ima_ns_change_cookie(struct file *file, u64 *cookie)
{
	struct kstat stat;

	if (vfs_getattr_nosec(&file->f_path, &stat, STATX_CHANGE_COOKIE,
			      AT_STATX_SYNC_AS_STAT) ||
	    !(stat.result_mask & STATX_CHANGE_COOKIE))
		return false;
	*cookie = stat.change_cookie;
	return true;
}

const char *ima_ns_file_path(struct file *file, char *buf, int buflen)
{
	/*
	 * d_absolute_path(), which upstream uses, is not exported to modules:
	 * d_path() gives the same name unless the task is chrooted, where it
	 * is the name as the task sees it.
	 */
	char *p = d_path(&file->f_path, buf, buflen);

	/* As ima_d_path(): fall back to the dentry name. */
	if (IS_ERR(p) || p[0] != '/')
		return file->f_path.dentry->d_name.name;
	return p;
}

ssize_t ima_ns_file_getxattr(struct file *file, const char *name, void *buf, size_t size)
{
	/* As EVM reads them: no permission checks or LSM hooks. */
	return __vfs_getxattr(file_dentry(file), file_inode(file), name, buf, size);
}

size_t ima_ns_file_dentry_name(struct file *file, char *buf, size_t size)
{
	struct name_snapshot name;
	size_t len;

	take_dentry_name_snapshot(&name, file->f_path.dentry);
	len = min_t(size_t, name.name.len, size);
	memcpy(buf, name.name.name, len);
	release_dentry_name_snapshot(&name);
	return len;
}

struct file *ima_ns_open_for_read(struct file *file)
{
	struct file *f;
	int flags;

	if (file->f_mode & FMODE_READ)
		return file;
	/* As ima_calc_file_hash(): a private read-only instance. */
	flags = file->f_flags & ~(O_WRONLY | O_APPEND | O_TRUNC | O_CREAT |
				  O_NOCTTY | O_EXCL);
	f = dentry_open(&file->f_path, flags | O_RDONLY, file->f_cred);
	return IS_ERR(f) ? NULL : f;
}

void ima_ns_close_for_read(struct file *file, struct file *opened)
{
	if (opened != file)
		fput(opened);
}

struct crypto_shash *ima_ns_shash_alloc(const char *name)
{
	struct crypto_shash *tfm = crypto_alloc_shash(name, 0, 0);

	return IS_ERR(tfm) ? NULL : tfm;
}

void ima_ns_shash_free(struct crypto_shash *tfm)
{
	crypto_free_shash(tfm);
}

size_t ima_ns_shash_descsize(struct crypto_shash *tfm)
{
	return sizeof(struct shash_desc) + crypto_shash_descsize(tfm);
}

int ima_ns_shash_init(struct shash_desc *desc, struct crypto_shash *tfm)
{
	desc->tfm = tfm;
	return crypto_shash_init(desc);
}

const void *ima_ns_current_task(void)
{
	return current;
}

bool ima_ns_capable_sys_admin(void)
{
	return capable(CAP_SYS_ADMIN);
}

long ima_ns_read_policy_file(const char *path, void **data)
{
	*data = NULL;
	return kernel_read_file_from_path(path, 0, data, INT_MAX, NULL,
					  READING_POLICY);
}

void ima_ns_vfree(void *data)
{
	vfree(data);
}

void ima_ns_bh_disable(void)
{
	local_bh_disable();
}

void ima_ns_bh_enable(void)
{
	local_bh_enable();
}

struct workqueue_struct *ima_ns_alloc_workqueue(void)
{
	return alloc_workqueue("ima_ns", WQ_UNBOUND, 0);
}
