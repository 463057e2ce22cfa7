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

#endif /* IMA_NS_COMPAT_H */
