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
#include <linux/livepatch.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/stat.h>
#include <linux/workqueue.h>
#include <crypto/hash.h>

#include "glue.h"

MODULE_INFO(livepatch, "Y");

char ima_ns_param_hash[16] = "sha256";
module_param_string(ima_hash, ima_ns_param_hash, sizeof(ima_ns_param_hash), 0444);
MODULE_PARM_DESC(ima_hash, "file hash: sha1, sha256 (default), sha384, sha512");

char ima_ns_param_policy[16] = "";
module_param_string(ima_policy, ima_ns_param_policy, sizeof(ima_ns_param_policy), 0444);
MODULE_PARM_DESC(ima_policy, "built-in policy: tcb, or empty for none");

/* --- hook trampolines: same signatures as the bpf_lsm_* stubs they replace */

static int ima_ns_bprm_check_security(struct linux_binprm *bprm)
{
	return ima_ns_rust_file_event(bprm->file, IMA_NS_BPRM_CHECK, MAY_EXEC);
}

static int ima_ns_mmap_file(struct file *file, unsigned long reqprot,
			    unsigned long prot, unsigned long flags)
{
	if (!file || !(prot & PROT_EXEC))
		return 0;
	return ima_ns_rust_file_event(file, IMA_NS_MMAP_CHECK, MAY_EXEC);
}

static int ima_ns_file_post_open(struct file *file, int mask)
{
	return ima_ns_rust_file_event(file, IMA_NS_FILE_CHECK,
			mask & (MAY_READ | MAY_WRITE | MAY_EXEC | MAY_APPEND));
}

static void ima_ns_file_release(struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
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
	{ .old_name = "bpf_lsm_mmap_file", .new_func = ima_ns_mmap_file },
	{ .old_name = "bpf_lsm_file_post_open", .new_func = ima_ns_file_post_open },
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
}

void ima_ns_current_subject(struct ima_ns_subject *out)
{
	const struct cred *cred = current_cred();

	out->uid = from_kuid(&init_user_ns, cred->uid);
	out->euid = from_kuid(&init_user_ns, cred->euid);
	out->suid = from_kuid(&init_user_ns, cred->suid);
	out->gid = from_kgid(&init_user_ns, cred->gid);
	out->egid = from_kgid(&init_user_ns, cred->egid);
	out->sgid = from_kgid(&init_user_ns, cred->sgid);
	out->cap_setuid = has_capability_noaudit(current, CAP_SETUID);
	out->cap_setgid = has_capability_noaudit(current, CAP_SETGID);
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
