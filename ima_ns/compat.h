/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - what differs between Linux 6.12 and 7.x for glue.c, in one
 * place (the Rust side is compat.rs). The module supports exactly these
 * two lines: 6.12 LTS and 7.x.
 */
#ifndef IMA_NS_COMPAT_H
#define IMA_NS_COMPAT_H

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/kernel_read_file.h>
#include <linux/namei.h>
#include <linux/string.h>
#include <linux/version.h>

#define IMA_NS_KERNEL_7 (LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0))

/* A child of @parent by name, without permission checks. */
static inline struct dentry *ima_ns_lookup_noperm(const char *name,
						  struct dentry *parent)
{
#if IMA_NS_KERNEL_7
	return lookup_noperm_unlocked(&QSTR(name), parent);
#else
	return lookup_one_len_unlocked(name, parent, strlen(name));
#endif
}

/*
 * has_capability_noaudit(current, cap), which ima_match_rules() asks for
 * the setuid/setgid conditions. 7.x no longer exports it; there this is
 * commoncap's answer for the initial user namespace (a credential of
 * another user namespace never holds a capability there), without asking
 * other LSMs' capable hooks.
 */
static inline bool ima_ns_current_has_cap(int cap)
{
#if IMA_NS_KERNEL_7
	const struct cred *cred = current_real_cred();

	return cred->user_ns == &init_user_ns && cap_raised(cred->cap_effective, cap);
#else
	return has_capability_noaudit(current, cap);
#endif
}

/*
 * The crypto template name of RSA PKCS#1 v1.5 signatures, whose module
 * request IMA refuses (ima_kernel_module_request()).
 */
#if IMA_NS_KERNEL_7
#define IMA_NS_RSA_PKCS1_MODULE "crypto-pkcs1(rsa,"
#else
#define IMA_NS_RSA_PKCS1_MODULE "crypto-pkcs1pad(rsa,"
#endif

/*
 * A read IMA leaves to a later one: 7.x reads a compressed module as
 * READING_MODULE_COMPRESSED, then passes its decompressed image to
 * kernel_post_read_file as READING_MODULE, which alone is measured and
 * appraised (7.3's process_measurement(), "Defer measuring/appraising
 * kernel modules to READING_MODULE"). 6.12 has no such id.
 */
static inline bool ima_ns_read_deferred(enum kernel_read_file_id id)
{
#if IMA_NS_KERNEL_7
	return id == READING_MODULE_COMPRESSED;
#else
	return false;
#endif
}

#endif /* IMA_NS_COMPAT_H */
