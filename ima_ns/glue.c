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
#include <linux/fsverity.h>
#include <linux/iversion.h>
#include <linux/fs.h>
#include <linux/fsnotify.h>
#include <linux/kernel_read_file.h>
#include <linux/key.h>
#include <linux/livepatch.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/mman.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/posix_acl.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/wait.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/secure_boot.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xattr.h>
#include <crypto/hash.h>
#include <keys/asymmetric-type.h>
#include <keys/encrypted-type.h>
#include <linux/magic.h>
#include <crypto/public_key.h>
#include <linux/audit.h>

#include "compat.h"
#include "glue.h"

/* A writer's ToMToU check reads the kernel's count of read-only opens. */
#if !defined(CONFIG_IMA) && !defined(CONFIG_FILE_LOCKING)
#error "ima_ns needs inode->i_readcount: CONFIG_FILE_LOCKING or CONFIG_IMA"
#endif

MODULE_INFO(livepatch, "Y");

/*
 * Module parameters stay in C: 6.12's Rust module! has none, and 7.3's
 * takes integers only, while most of these are strings. Rust copies and
 * parses them once at init (ima_ns/params.rs, the ima_params crate);
 * nothing else reads them.
 */

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

/* Upstream's ima_appraise= boot parameter. */
char ima_ns_param_appraise[16] = "enforce";
module_param_string(ima_appraise, ima_ns_param_appraise, sizeof(ima_ns_param_appraise), 0444);
MODULE_PARM_DESC(ima_appraise, "appraise rules: enforce (default), log, fix, off");

/* CONFIG_INTEGRITY_TRUSTED_KEYRING, per load. */
bool ima_ns_param_keyring_restrict;
module_param_named(keyring_restrict, ima_ns_param_keyring_restrict, bool, 0444);
MODULE_PARM_DESC(keyring_restrict,
	"the host's .ima keyring takes only keys signed by the builtin or secondary trusted keys (default N)");

/*
 * Measurement cannot be switched off with lock=1: the livepatch's
 * "enabled" file is removed, so nothing can disable the hooks and the
 * patch's module reference keeps the module loaded. With lock=0 an
 * unpatch is recorded in the host's list (and PCR 10) before it begins.
 */
bool ima_ns_param_lock;
module_param_named(lock, ima_ns_param_lock, bool, 0444);
MODULE_PARM_DESC(lock,
	"measurement cannot be turned off and the module cannot be unloaded (default N: turning it off is recorded first)");

/* Upstream's CONFIG_IMA_X509_PATH / CONFIG_IMA_LOAD_X509, per load. */
char ima_ns_param_x509[256] = "";
module_param_string(ima_x509, ima_ns_param_x509, sizeof(ima_ns_param_x509), 0444);
MODULE_PARM_DESC(ima_x509, "DER X.509 certificate loaded into the host's .ima keyring at load");

/*
 * Coexistence with built-in IMA: empty (or pcr=-1) means "choose": the
 * defaults depend on whether the kernel has IMA (coexist/src/lib.rs).
 * Rust reads these once at init; the chosen values are written back, so
 * /sys/module/ima_ns/parameters shows what the module uses.
 */
char ima_ns_param_securityfs_dir[33] = "";
module_param_string(securityfs_dir, ima_ns_param_securityfs_dir,
		    sizeof(ima_ns_param_securityfs_dir), 0444);
MODULE_PARM_DESC(securityfs_dir,
	"securityfs directory (default: ima when free, else ima-ns)");

char ima_ns_param_keyring_prefix[17] = "";
module_param_string(keyring_prefix, ima_ns_param_keyring_prefix,
		    sizeof(ima_ns_param_keyring_prefix), 0444);
MODULE_PARM_DESC(keyring_prefix,
	"keyring names are <prefix>ima, <prefix>evm, <prefix>ima_ns<id> (default: '.' without built-in IMA, else '.ima_ns.')");

int ima_ns_param_pcr = -1;
module_param_named(pcr, ima_ns_param_pcr, int, 0444);
MODULE_PARM_DESC(pcr, "PCR of the host list, 8-15 (default: 10 without built-in IMA, else 15)");

char ima_ns_param_host[8] = "";
module_param_string(host, ima_ns_param_host, sizeof(ima_ns_param_host), 0444);
MODULE_PARM_DESC(host,
	"own: the module measures the host itself; ima: built-in IMA does, the module runs namespaces (default: own without built-in IMA, else ima)");

/* Whose user-visible IMA behaviour to follow (Documentation/kernel-differences.md). */
char ima_ns_param_upstream[8] = "";
module_param_string(upstream, ima_ns_param_upstream, sizeof(ima_ns_param_upstream), 0444);
MODULE_PARM_DESC(upstream,
	"follow upstream IMA 6.12 or 7.3 where they differ (default: the running kernel's line)");

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

#if IMA_NS_KERNEL_7
/*
 * As 7.3's ima_bprm_creds_for_exec(): execveat(AT_EXECVE_CHECK) asks
 * whether a script interpreter may run a file (bprm->is_check); it is
 * measured and appraised as BPRM_CHECK, and the interpreter enforces the
 * answer. Plain exec is left to bprm_check_security. With upstream=6.12
 * (ima_ns_rust_execve_check decides) nothing is done, as 6.12 has no such
 * check.
 */
static int ima_ns_bprm_creds_for_exec(struct linux_binprm *bprm)
{
	if (!bprm->is_check)
		return 0;
	return ima_ns_rust_execve_check(bprm->file);
}
#endif

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
 * order on write faults): Rust refuses the change (-EPERM) when an
 * appraise rule covers the mapping, and reports it when a measure rule
 * does.
 */
static int ima_ns_file_mprotect(struct vm_area_struct *vma,
				unsigned long reqprot, unsigned long prot)
{
	if (!vma->vm_file || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	return ima_ns_rust_mprotect(vma->vm_file);
}

static int ima_ns_file_post_open(struct file *file, int mask)
{
	return ima_ns_rust_file_event(file, NULL, IMA_NS_FILE_CHECK,
			mask & (MAY_READ | MAY_WRITE | MAY_EXEC | MAY_APPEND),
			NULL, 0);
}

/* As ima_read_file() and ima_post_read_file(): Rust decides (read_idmap). */
static int ima_ns_kernel_read_file(struct file *file,
				   enum kernel_read_file_id id, bool contents)
{
	return ima_ns_rust_kernel_read_file(file, id, contents);
}

static int ima_ns_kernel_post_read_file(struct file *file, char *buf,
					loff_t size, enum kernel_read_file_id id)
{
	return ima_ns_rust_kernel_post_read_file(file, buf, size, id);
}

/*
 * As ima_load_data() and ima_post_load_data(): Rust decides what data with
 * no file (init_module(2), kexec_load(2), the firmware sysfs fallback) is
 * refused, asking the kernel what it enforces itself (below).
 */
static int ima_ns_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	return ima_ns_rust_kernel_load_data(id, contents);
}

static int ima_ns_kernel_post_load_data(char *buf, loff_t size,
					enum kernel_load_data_id id,
					char *description)
{
	return ima_ns_rust_kernel_post_load_data(buf, size, id);
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
/*
 * Only a writer's release changes the state (the last writer's close):
 * readers are counted by the kernel, in i_readcount, as for upstream IMA.
 */
static void ima_ns_file_release(struct file *file)
{
	if (S_ISREG(file_inode(file)->i_mode) && (file->f_mode & FMODE_WRITE))
		ima_ns_rust_file_release(file);
}

/*
 * As ima_file_truncate() and ima_path_truncate() (ima_reset_action_flags()):
 * the contents are about to change with no writer's close to tell, so
 * every namespace measures, appraises and audits the file again.
 * truncate(2) by path reaches only path_truncate (CONFIG_SECURITY_PATH).
 */
static int ima_ns_file_truncate(struct file *file)
{
	if (S_ISREG(file_inode(file)->i_mode))
		ima_ns_rust_truncate(file_inode(file));
	return 0;
}

static int ima_ns_path_truncate(const struct path *path)
{
	struct inode *inode = d_backing_inode(path->dentry);

	if (inode && S_ISREG(inode->i_mode))
		ima_ns_rust_truncate(inode);
	return 0;
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
	/*
	 * Born into another PID namespace than its parent's: CLONE_NEWPID, or
	 * after the parent's unshare(CLONE_NEWPID)/setns() (pid_ns_for_children
	 * is only changed by current itself, so reading it here is safe).
	 */
	bool new_pidns = (clone_flags & CLONE_NEWPID) ||
			 current->nsproxy->pid_ns_for_children != task_active_pid_ns(current);

	return ima_ns_rust_task_alloc(task, clone_flags & CLONE_THREAD, new_pidns);
}

static void ima_ns_task_free(struct task_struct *task)
{
	ima_ns_rust_task_free(task);
}


/* As ima_inode_setxattr(): security.ima writes are checked, and every
 * protected xattr change makes the next access appraise again. */
static int ima_ns_inode_setxattr(struct mnt_idmap *idmap, struct dentry *dentry,
				 const char *name, const void *value,
				 size_t size, int flags)
{
	unsigned int nofs = memalloc_nofs_save();	/* the inode lock is held */
	int ret = ima_ns_rust_setxattr(d_backing_inode(dentry), dentry, name,
				       value, size);

	memalloc_nofs_restore(nofs);
	return ret;
}

static void ima_ns_inode_post_setxattr(struct dentry *dentry, const char *name,
				       const void *value, size_t size, int flags)
{
	unsigned int nofs = memalloc_nofs_save();

	ima_ns_rust_xattr_changed(d_backing_inode(dentry), dentry, name);
	memalloc_nofs_restore(nofs);
}

static int ima_ns_inode_removexattr(struct mnt_idmap *idmap,
				    struct dentry *dentry, const char *name)
{
	unsigned int nofs = memalloc_nofs_save();
	int ret = ima_ns_rust_setxattr(d_backing_inode(dentry), dentry, name,
				       NULL, 0);

	memalloc_nofs_restore(nofs);
	return ret;
}

static void ima_ns_inode_post_removexattr(struct dentry *dentry, const char *name)
{
	unsigned int nofs = memalloc_nofs_save();

	ima_ns_rust_xattr_changed(d_backing_inode(dentry), dentry, name);
	memalloc_nofs_restore(nofs);
}

/* As evm_inode_setattr(): only mode, uid and gid are EVM's. */
static int ima_ns_inode_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
				struct iattr *attr)
{
	struct inode *inode = d_backing_inode(dentry);
	unsigned int valid = attr->ia_valid;
	unsigned int nofs;
	int ret;

	if (!(valid & (ATTR_MODE | ATTR_UID | ATTR_GID)))
		return 0;
	nofs = memalloc_nofs_save();
	ret = ima_ns_rust_setattr(dentry,
		i_uid_needs_update(idmap, attr, inode) ||
		i_gid_needs_update(idmap, attr, inode) ||
		((valid & ATTR_MODE) && attr->ia_mode != inode->i_mode));
	memalloc_nofs_restore(nofs);
	return ret;
}

static void ima_ns_inode_post_setattr(struct mnt_idmap *idmap,
				      struct dentry *dentry, int ia_valid)
{
	unsigned int nofs = memalloc_nofs_save();

	ima_ns_rust_post_setattr(dentry, ia_valid & (ATTR_MODE | ATTR_UID | ATTR_GID));
	memalloc_nofs_restore(nofs);
}

/*
 * As ima_post_path_mknod() and ima_post_create_tmpfile(): regular files
 * made without an open that file_post_open sees are marked when a
 * namespace must appraise them. tmpfile runs with the new inode only.
 */
static void ima_ns_new_file(struct mnt_idmap *idmap, struct inode *inode,
			    bool tmpfile)
{
	struct ima_ns_file_facts facts = {};

	if (!inode || !S_ISREG(inode->i_mode))
		return;
	ima_ns_inode_facts(idmap, inode, &facts);
	ima_ns_rust_new_file(&facts, tmpfile);
}

static void ima_ns_path_post_mknod(struct mnt_idmap *idmap, struct dentry *dentry)
{
	ima_ns_new_file(idmap, d_backing_inode(dentry), false);
}

static void ima_ns_inode_post_create_tmpfile(struct mnt_idmap *idmap,
					     struct inode *inode)
{
	ima_ns_new_file(idmap, inode, true);
}

/* What evm_inode_set_acl_change() asks the kernel; Rust decides. */
static void ima_ns_acl_change(struct mnt_idmap *idmap, struct dentry *dentry,
			      struct posix_acl *kacl, struct ima_ns_acl_change *out)
{
#ifdef CONFIG_FS_POSIX_ACL
	struct inode *inode = d_backing_inode(dentry);
	umode_t mode = inode->i_mode;

	out->posix_acl = true;
	out->removed = !kacl;
	out->mode = inode->i_mode;
	/* Only for an ACL. May set our copy of kacl to NULL; the caller's stays. */
	if (kacl)
		out->update_err = posix_acl_update_mode(idmap, inode, &mode, &kacl);
	out->new_mode = mode;
#endif
}

/* As ima_inode_set_acl() + evm_inode_set_acl(); the inode lock is held. */
static int ima_ns_inode_set_acl(struct mnt_idmap *idmap, struct dentry *dentry,
				const char *acl_name, struct posix_acl *kacl)
{
	struct ima_ns_acl_change change = {};
	unsigned int nofs;
	int ret;

	ima_ns_acl_change(idmap, dentry, kacl, &change);
	nofs = memalloc_nofs_save();
	ret = ima_ns_rust_set_acl(d_backing_inode(dentry), dentry,
				  ima_ns_rust_acl_changes_mode(&change));

	memalloc_nofs_restore(nofs);
	return ret;
}

static int ima_ns_inode_remove_acl(struct mnt_idmap *idmap,
				   struct dentry *dentry, const char *acl_name)
{
	return ima_ns_inode_set_acl(idmap, dentry, acl_name, NULL);
}

static void ima_ns_acl_changed(struct dentry *dentry)
{
	unsigned int nofs = memalloc_nofs_save();

	ima_ns_rust_acl_changed(d_backing_inode(dentry), dentry);
	memalloc_nofs_restore(nofs);
}

static void ima_ns_inode_post_set_acl(struct dentry *dentry, const char *acl_name,
				      struct posix_acl *kacl)
{
	ima_ns_acl_changed(dentry);
}

static void ima_ns_inode_post_remove_acl(struct mnt_idmap *idmap,
					 struct dentry *dentry, const char *acl_name)
{
	ima_ns_acl_changed(dentry);
}

/* As evm_inode_copy_up_xattr() and ima_kernel_module_request(): Rust decides. */
static int ima_ns_inode_copy_up_xattr(struct dentry *src, const char *name)
{
	unsigned int nofs = memalloc_nofs_save();	/* overlayfs holds locks */
	int ret = ima_ns_rust_copy_up_xattr(src, name);

	memalloc_nofs_restore(nofs);
	return ret;
}

static int ima_ns_kernel_module_request(char *kmod_name)
{
	return ima_ns_rust_kernel_module_request(kmod_name);
}

/*
 * The namespace an IMA or EVM keyring of ours belongs to, from its name
 * (<prefix>ima, <prefix>ima_ns<id>, ...; see keyring_prefix). The prefix
 * starts with '.', and userspace cannot create keyrings whose name starts
 * with '.', so the name cannot be forged.
 */
static bool ima_ns_keyring_owner(const struct key *key, u64 *id)
{
	const char *d = key->description;

	return key->type == &key_type_keyring && d &&
	       ima_ns_rust_keyring_owner(d, strlen(d), id);
}

/*
 * An IMA keyring is reachable by name only from its own namespace (and,
 * before it is active, from the task holding it for children). Kernel
 * searches hold a possessed reference and are not restricted.
 */
static int ima_ns_key_permission(key_ref_t key_ref, const struct cred *cred,
				 enum key_need_perm need_perm)
{
	u64 id;

	if (is_key_possessed(key_ref) ||
	    !ima_ns_keyring_owner(key_ref_to_ptr(key_ref), &id))
		return 0;
	return ima_ns_rust_keyring_permission(id);
}

static struct klp_func ima_ns_funcs[] = {
	{ .old_name = "bpf_lsm_bprm_check_security", .new_func = ima_ns_bprm_check_security },
	{ .old_name = "bpf_lsm_bprm_creds_from_file", .new_func = ima_ns_bprm_creds_from_file },
#if IMA_NS_KERNEL_7
	{ .old_name = "bpf_lsm_bprm_creds_for_exec", .new_func = ima_ns_bprm_creds_for_exec },
#endif
	{ .old_name = "bpf_lsm_mmap_file", .new_func = ima_ns_mmap_file },
	{ .old_name = "bpf_lsm_file_post_open", .new_func = ima_ns_file_post_open },
	{ .old_name = "bpf_lsm_file_mprotect", .new_func = ima_ns_file_mprotect },
	{ .old_name = "bpf_lsm_kernel_read_file", .new_func = ima_ns_kernel_read_file },
	{ .old_name = "bpf_lsm_kernel_post_read_file", .new_func = ima_ns_kernel_post_read_file },
	{ .old_name = "bpf_lsm_kernel_load_data", .new_func = ima_ns_kernel_load_data },
	{ .old_name = "bpf_lsm_kernel_post_load_data", .new_func = ima_ns_kernel_post_load_data },
	{ .old_name = "bpf_lsm_key_post_create_or_update", .new_func = ima_ns_key_post_create_or_update },
	{ .old_name = "bpf_lsm_file_release", .new_func = ima_ns_file_release },
	{ .old_name = "bpf_lsm_file_truncate", .new_func = ima_ns_file_truncate },
	/* Exists only with CONFIG_SECURITY_PATH: without it, klp_enable_patch() fails. */
	{ .old_name = "bpf_lsm_path_truncate", .new_func = ima_ns_path_truncate },
	{ .old_name = "bpf_lsm_inode_free_security", .new_func = ima_ns_inode_free_security },
	{ .old_name = "bpf_lsm_task_alloc", .new_func = ima_ns_task_alloc },
	{ .old_name = "bpf_lsm_task_free", .new_func = ima_ns_task_free },
	{ .old_name = "bpf_lsm_inode_setxattr", .new_func = ima_ns_inode_setxattr },
	{ .old_name = "bpf_lsm_inode_post_setxattr", .new_func = ima_ns_inode_post_setxattr },
	{ .old_name = "bpf_lsm_inode_removexattr", .new_func = ima_ns_inode_removexattr },
	{ .old_name = "bpf_lsm_inode_post_removexattr", .new_func = ima_ns_inode_post_removexattr },
	{ .old_name = "bpf_lsm_key_permission", .new_func = ima_ns_key_permission },
	{ .old_name = "bpf_lsm_inode_setattr", .new_func = ima_ns_inode_setattr },
	{ .old_name = "bpf_lsm_inode_post_setattr", .new_func = ima_ns_inode_post_setattr },
	{ .old_name = "bpf_lsm_kernel_module_request", .new_func = ima_ns_kernel_module_request },
	/* Exists only with CONFIG_SECURITY_PATH, as path_truncate. */
	{ .old_name = "bpf_lsm_path_post_mknod", .new_func = ima_ns_path_post_mknod },
	{ .old_name = "bpf_lsm_inode_post_create_tmpfile", .new_func = ima_ns_inode_post_create_tmpfile },
	{ .old_name = "bpf_lsm_inode_set_acl", .new_func = ima_ns_inode_set_acl },
	{ .old_name = "bpf_lsm_inode_post_set_acl", .new_func = ima_ns_inode_post_set_acl },
	{ .old_name = "bpf_lsm_inode_remove_acl", .new_func = ima_ns_inode_remove_acl },
	{ .old_name = "bpf_lsm_inode_post_remove_acl", .new_func = ima_ns_inode_post_remove_acl },
	/* In bpf_lsm_disabled_hooks (no BPF program may attach), still a stub. */
	{ .old_name = "bpf_lsm_inode_copy_up_xattr", .new_func = ima_ns_inode_copy_up_xattr },
	{ }
};

/*
 * During the patch transition some tasks already run the replacements and
 * others do not; measuring starts only once every task does, and stops
 * before any task goes back to the stubs.
 */
static void ima_ns_post_patch(struct klp_object *obj)
{
	ima_ns_rust_hooks_on();
}

/* Runs in the task that asked for the unpatch, with every hook still live. */
static void ima_ns_pre_unpatch(struct klp_object *obj)
{
	ima_ns_rust_hooks_off();
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

/*
 * lock=1: take away the patch's "enabled" attribute (the only way
 * userspace can start an unpatch or reverse the patch transition). The
 * attribute is livepatch's own, found through the patch kobject's type.
 */
static int ima_ns_lock_patch(void)
{
	const struct attribute_group *const *groups = ima_ns_patch.kobj.ktype->default_groups;
	struct attribute **attr;

	for (; groups && *groups; groups++)
		for (attr = (*groups)->attrs; attr && *attr; attr++)
			if (!strcmp((*attr)->name, "enabled")) {
				sysfs_remove_file(&ima_ns_patch.kobj, *attr);
				return 0;
			}
	return -ENOENT;
}

int ima_ns_hooks_enable(bool lock)
{
	int ret = klp_enable_patch(&ima_ns_patch);

	if (ret || !lock)
		return ret;
	ret = ima_ns_lock_patch();
	if (ret)
		/* The patch stays: measurement is on, only not locked. */
		pr_err("ima_ns: lock=1: livepatch has no \"enabled\" attribute to remove; not locked\n");
	else
		pr_info("ima_ns: lock=1: measurement cannot be turned off, the module cannot be unloaded\n");
	return 0;
}

/* --- built-in IMA, found at run time */

typedef int (*ima_ns_critical_data_fn)(const char *event_label,
				       const char *event_name,
				       const void *buf, size_t buf_len,
				       bool hash, u8 *digest, size_t digest_len);
/* Set once at init, cleared at unload; NULL without built-in IMA. */
static ima_ns_critical_data_fn ima_ns_critical_data;

bool ima_ns_builtin_ima_probe(void)
{
	/*
	 * By name, not symbol_get(ima_measure_critical_data): that would
	 * need the declaration, a static inline without CONFIG_IMA.
	 * vmlinux symbols take no module reference.
	 */
	ima_ns_critical_data = __symbol_get("ima_measure_critical_data");
	return ima_ns_critical_data;
}

void ima_ns_builtin_ima_release(void)
{
	if (ima_ns_critical_data)
		__symbol_put("ima_measure_critical_data");
	ima_ns_critical_data = NULL;
}

/*
 * Built-in EVM: evm_verifyxattr() is exported exactly with CONFIG_EVM
 * (a static inline without it). Only asked whether it is there: the
 * module never calls it (vmlinux symbols take no module reference).
 */
bool ima_ns_builtin_evm_probe(void)
{
	bool found = __symbol_get("evm_verifyxattr");

	if (found)
		__symbol_put("evm_verifyxattr");
	return found;
}

int ima_ns_builtin_critical_data(const char *name, const void *buf, size_t len)
{
	if (!ima_ns_critical_data)
		return -ENOENT;
	return ima_ns_critical_data("ima-ns", name, buf, len, false, NULL, 0);
}

bool ima_ns_kexec_sig_secure_boot(void)
{
	return IS_ENABLED(CONFIG_KEXEC_SIG) && arch_get_secureboot();
}

bool ima_ns_module_sig_enforced(void)
{
	return is_module_sig_enforced();
}

u64 ima_ns_boottime_ns(void)
{
	return ktime_get_boottime_ns();
}

void ima_ns_publish_settings(const char *dir, const char *keyring_prefix,
			     int pcr, const char *host)
{
	kernel_param_lock(THIS_MODULE);
	strscpy(ima_ns_param_securityfs_dir, dir, sizeof(ima_ns_param_securityfs_dir));
	strscpy(ima_ns_param_keyring_prefix, keyring_prefix,
		sizeof(ima_ns_param_keyring_prefix));
	ima_ns_param_pcr = pcr;
	strscpy(ima_ns_param_host, host, sizeof(ima_ns_param_host));
	kernel_param_unlock(THIS_MODULE);
}

/* --- helpers for static inlines and macros */

/*
 * An id as init_user_ns sees it: from_kuid(&init_user_ns, k), whose uid
 * map is the identity (one extent, 0 to 4294967294; the invalid id stays
 * -1), so the value itself, without map_id_up()'s extent search, which
 * every event paid for four to ten times.
 */
static inline u32 init_uid(kuid_t k)
{
	return __kuid_val(k);
}

static inline u32 init_gid(kgid_t k)
{
	return __kgid_val(k);
}

/* i_uid_read() / i_gid_read(), without map_id_up() for init_user_ns's superblocks. */
static inline u32 sb_uid(const struct inode *inode)
{
	return i_user_ns(inode) == &init_user_ns ? init_uid(inode->i_uid) : i_uid_read(inode);
}

static inline u32 sb_gid(const struct inode *inode)
{
	return i_user_ns(inode) == &init_user_ns ? init_gid(inode->i_gid) : i_gid_read(inode);
}

/* What rules test about an inode with no open file (new files). */
void ima_ns_inode_facts(struct mnt_idmap *idmap, struct inode *inode,
			struct ima_ns_file_facts *out)
{
	vfsuid_t owner = i_uid_into_vfsuid(idmap, inode);
	vfsgid_t group = i_gid_into_vfsgid(idmap, inode);

	out->inode = inode;
	out->fsmagic = inode->i_sb->s_magic;
	out->fowner = init_uid(vfsuid_into_kuid(owner));
	out->fgroup = init_gid(vfsgid_into_kgid(group));
	out->fsname = inode->i_sb->s_type->name;
	memcpy(out->fsuuid, &inode->i_sb->s_uuid, sizeof(out->fsuuid));
	out->regular = S_ISREG(inode->i_mode);
	out->ino = inode->i_ino;
	out->mode = inode->i_mode;
}

/* What rules and templates test about an open file. */
void ima_ns_file_facts(struct file *file, struct ima_ns_file_facts *out)
{
	struct inode *inode = file_inode(file);

	ima_ns_inode_facts(file_mnt_idmap(file), inode, out);
	out->readable = file->f_mode & FMODE_READ;
	out->writable = file->f_mode & FMODE_WRITE;
	out->last_writer = atomic_read(&inode->i_writecount) == 1;
	out->dev_major = MAJOR(inode->i_sb->s_dev);
	out->dev_minor = MINOR(inode->i_sb->s_dev);
	out->iuid = sb_uid(inode);
	out->igid = sb_gid(inode);
	out->open_for_write = inode_is_open_for_write(inode);
	out->readers = atomic_read(&inode->i_readcount) > 0;
	out->created = file->f_mode & FMODE_CREATED;
	out->size = i_size_read(inode);
	out->xattrs = inode->i_opflags & IOP_XATTR;
}

void ima_ns_task_facts(struct ima_ns_task_facts *out)
{
	const struct cred *cred = current_cred();

	out->pid = task_pid_vnr(current);
	out->tgid = task_tgid_vnr(current);
	out->uid = init_uid(cred->uid);
	out->euid = init_uid(cred->euid);
	out->gid = init_gid(cred->gid);
	out->egid = init_gid(cred->egid);
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

	out->uid = init_uid(cred->uid);
	out->euid = init_uid(cred->euid);
	out->suid = init_uid(cred->suid);
	out->gid = init_gid(cred->gid);
	out->egid = init_gid(cred->egid);
	out->sgid = init_gid(cred->sgid);
	/* As ima_match_rules(): current's capabilities, whatever cred is. */
	if (want_caps) {
		out->cap_setuid = ima_ns_current_has_cap(CAP_SETUID);
		out->cap_setgid = ima_ns_current_has_cap(CAP_SETGID);
	}
}

/*
 * Apart, so that the kstat is zeroed (CONFIG_INIT_STACK_ALL_ZERO) only
 * when it is used, not on every event.
 */
static noinline bool ima_ns_statx_change_cookie(struct file *file, u64 *cookie)
{
	struct kstat stat;

	if (vfs_getattr_nosec(&file->f_path, &stat, STATX_CHANGE_COOKIE,
			      AT_STATX_SYNC_AS_STAT) ||
	    !(stat.result_mask & STATX_CHANGE_COOKIE))
		return false;
	*cookie = stat.change_cookie;
	return true;
}

bool ima_ns_change_cookie(struct file *file, u64 *cookie)
{
	struct inode *real = d_real_inode(file_dentry(file));

	/*
	 * What vfs_getattr_nosec() reports for filesystems that keep
	 * i_version (generic_fillattr(); overlayfs passes its real inode's
	 * on), without a getattr call on every event.
	 */
	if (IS_I_VERSION(real)) {
		*cookie = inode_query_iversion(real);
		return true;
	}
	return ima_ns_statx_change_cookie(file, cookie);
}

bool ima_ns_real_inode(struct file *file, struct ima_ns_real_inode *out)
{
	struct inode *inode = file_inode(file);
	struct inode *real = d_real_inode(file_dentry(file));

	if (real == inode)
		return false;
	out->ino = real->i_ino;
	out->dev = real->i_sb->s_dev;
	out->versioned = IS_I_VERSION(real);
	return true;
}

size_t ima_ns_dentry_name(struct dentry *dentry, char *buf, size_t size)
{
	struct name_snapshot name;
	size_t len;

	take_dentry_name_snapshot(&name, dentry);
	len = min_t(size_t, name.name.len, size);
	memcpy(buf, name.name.name, len);
	release_dentry_name_snapshot(&name);
	return len;
}

size_t ima_ns_file_dentry_name(struct file *file, char *buf, size_t size)
{
	return ima_ns_dentry_name(file->f_path.dentry, buf, size);
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

/* Exported functions in 6.12, static inline wrappers of finup in 7.x. */
int ima_ns_shash_update(struct shash_desc *desc, const u8 *data, unsigned int len)
{
	return crypto_shash_update(desc, data, len);
}

int ima_ns_shash_final(struct shash_desc *desc, u8 *out)
{
	return crypto_shash_final(desc, out);
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

/* --- appraisal: keyrings, signatures, security.ima, audit */

/* A static inline: the struct public_key of an asymmetric key. */
const struct public_key *ima_ns_key_public_key(const struct key *key)
{
	return asymmetric_key_public_key(key);
}

/* current_cred() is a macro: for keyring_alloc() (keyrings/kernel.rs). */
const struct cred *ima_ns_current_cred(void)
{
	return current_cred();
}

/* As ima_fix_xattr(): write security.ima without permission checks. */
int ima_ns_set_ima_xattr(struct file *file, const void *value, size_t size)
{
	struct dentry *dentry = file_dentry(file);
	struct inode *inode = d_backing_inode(dentry);
	int ret;

	if (IS_RDONLY(inode))
		return -EROFS;
	if (IS_IMMUTABLE(inode))
		return -EPERM;
	inode_lock(inode);
	ret = __vfs_setxattr(&nop_mnt_idmap, dentry, inode, XATTR_NAME_IMA,
			     value, size, 0);
	inode_unlock(inode);
	return ret;
}

int ima_ns_verity_digest(struct file *file, u8 *digest, u8 *algo)
{
	enum hash_algo alg;
	int len = fsverity_get_digest(file_inode(file), digest, NULL, &alg);

	if (len > 0)
		*algo = alg;
	return len;
}

bool ima_ns_crypto_has_hash(const char *name)
{
	return crypto_has_alg(name, 0, 0);
}

/*
 * An AUDIT_INTEGRITY_* record as integrity_audit_message() (not exported)
 * opens it: the task fields only audit's static inlines reach, then text
 * (ima_audit::Integrity: op, cause, comm, name, dev, ino, res, ima_ns).
 */
void ima_ns_audit_integrity(int type, const char *text)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, type);
	if (!ab)
		return;
	audit_log_format(ab, "pid=%d uid=%u auid=%u ses=%u",
			 task_pid_nr(current),
			 init_uid(current_uid()),
			 init_uid(audit_get_loginuid(current)),
			 audit_get_sessionid(current));
	audit_log_task_context(ab);
	audit_log_format(ab, "%s", text);
	audit_log_end(ab);
}

/* As ima_audit_measurement(): head (file, hash), the task, tail (ima_ns). */
void ima_ns_audit_rule(const char *head, const char *tail)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_INTEGRITY_RULE);
	if (!ab)
		return;
	audit_log_format(ab, "%s", head);
	audit_log_task_info(ab);
	audit_log_format(ab, "%s", tail);
	audit_log_end(ab);
}

struct inode *ima_ns_file_inode(struct file *file)
{
	return file_inode(file);
}

/* --- EVM */

void ima_ns_evm_inode_facts(struct dentry *dentry, struct ima_ns_evm_inode *out)
{
	struct inode *inode = d_backing_inode(dentry);
	struct super_block *sb = inode->i_sb;

	out->ino = inode->i_ino;
	out->generation = inode->i_generation;
	out->uid = init_uid(inode->i_uid);
	out->gid = init_gid(inode->i_gid);
	out->mode = inode->i_mode;
	memcpy(out->uuid, &sb->s_uuid, sizeof(out->uuid));
	out->xattrs = (inode->i_opflags & IOP_XATTR) && sb->s_user_ns == &init_user_ns;
	out->regular = S_ISREG(inode->i_mode);
	out->pseudo_fs = sb->s_magic == TMPFS_MAGIC || sb->s_magic == SYSFS_MAGIC;
	out->immutable = IS_RDONLY(inode) || IS_IMMUTABLE(inode) ||
			 sb->s_readonly_remount ||
			 (sb->s_iflags & SB_I_EVM_HMAC_UNSUPPORTED);
}

ssize_t ima_ns_dentry_getxattr(struct dentry *dentry, const char *name,
			       void *buf, size_t size)
{
	/* As EVM reads them: no permission checks or LSM hooks. */
	return __vfs_getxattr(dentry, d_backing_inode(dentry), name, buf, size);
}

/*
 * As evm_update_evmxattr()'s write; the caller holds the inode lock.
 * __vfs_setxattr_noperm() is not exported: the same minus the LSM post
 * hook, which for security.evm would only reset what the caller resets.
 */
int ima_ns_evm_write_xattr(struct dentry *dentry, const void *value, size_t size)
{
	int ret;

	if (!size)
		return __vfs_removexattr(&nop_mnt_idmap, dentry, XATTR_NAME_EVM);
	ret = __vfs_setxattr(&nop_mnt_idmap, dentry, d_backing_inode(dentry),
			     XATTR_NAME_EVM, value, size, 0);
	if (!ret)
		fsnotify_xattr(dentry);
	return ret;
}

/*
 * As evm_init_key(), without burning the key: each namespace view may load
 * it. Built-in EVM's evm_init_key() does burn it (zeroes its plain
 * contents): a key it loaded first is refused, not taken as zeros.
 */
int ima_ns_evm_load_key(u8 *buf, size_t max)
{
	struct encrypted_key_payload *ekp;
	struct key *key;
	int ret;

	key = request_key(&key_type_encrypted, "evm-key", NULL);
	if (IS_ERR(key))
		return -ENOENT;
	down_read(&key->sem);
	ekp = key->payload.data[0];
	if (!ekp || ekp->decrypted_datalen > max) {
		ret = -EINVAL;
	} else {
		memcpy(buf, ekp->decrypted_data, ekp->decrypted_datalen);
		ret = ekp->decrypted_datalen;
	}
	up_read(&key->sem);
	key_put(key);
	return ret;
}

int ima_ns_shash_setkey(struct crypto_shash *tfm, const u8 *key, unsigned int len)
{
	return crypto_shash_setkey(tfm, key, len);
}

unsigned int ima_ns_shash_digestsize(struct crypto_shash *tfm)
{
	return crypto_shash_digestsize(tfm);
}

struct dentry *ima_ns_file_dentry(struct file *file)
{
	return file_dentry(file);
}

struct inode *ima_ns_d_backing_inode(struct dentry *dentry)
{
	return d_backing_inode(dentry);
}

struct dentry *ima_ns_securityfs_symlink(const char *name, const char *target)
{
	return securityfs_create_symlink(name, NULL, target, NULL);
}

void ima_ns_dir_set_ops(struct dentry *dir, const struct inode_operations *iop,
			const struct file_operations *fop)
{
	struct inode *inode = d_inode(dir);

	spin_lock(&inode->i_lock);
	WRITE_ONCE(inode->i_op, iop ?: &simple_dir_inode_operations);
	WRITE_ONCE(inode->i_fop, fop ?: &simple_dir_operations);
	/*
	 * do_inode_permission() sets IOP_FASTPERM (under i_lock) once it saw
	 * no ->permission, and then never calls one: a walk before this call
	 * must not make our check invisible.
	 */
	inode->i_opflags &= ~IOP_FASTPERM;
	spin_unlock(&inode->i_lock);
}

/* Upstream enables these by Kconfig option (evm_config_default_xattrnames). */
u32 ima_ns_evm_lsm_config(void)
{
	return (IS_ENABLED(CONFIG_SECURITY_SELINUX) ? IMA_NS_EVM_LSM_SELINUX : 0) |
	       (IS_ENABLED(CONFIG_SECURITY_SMACK) ? IMA_NS_EVM_LSM_SMACK : 0) |
	       (IS_ENABLED(CONFIG_EVM_EXTRA_SMACK_XATTRS) ? IMA_NS_EVM_LSM_SMACK_EXTRA : 0) |
	       (IS_ENABLED(CONFIG_SECURITY_APPARMOR) ? IMA_NS_EVM_LSM_APPARMOR : 0);
}

struct dentry *ima_ns_securityfs_integrity_dir(struct dentry *sibling, bool *created)
{
	struct dentry *d = securityfs_create_dir("integrity", NULL);

	*created = !IS_ERR(d);
	if (*created || PTR_ERR(d) != -EEXIST)
		return d;
	d = ima_ns_lookup_noperm("integrity", sibling->d_parent);
	if (!IS_ERR(d) && d_is_negative(d)) {
		dput(d);
		return ERR_PTR(-ENOENT);
	}
	return d;
}

void ima_ns_dput(struct dentry *dentry)
{
	dput(dentry);
}
