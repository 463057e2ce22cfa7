/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue.h - the C side of ima_ns.ko, as seen from Rust (through bindgen).
 *
 * Only what Rust cannot reach directly lives in C: the livepatch table,
 * module parameters, and wrappers for static inline functions and macros
 * (current, file_inode(), IS_ERR(), FMODE_*, SHASH descriptors).
 */
#ifndef IMA_NS_GLUE_H
#define IMA_NS_GLUE_H

#include <linux/types.h>
#include <linux/kernel_read_file.h>
#include <linux/security.h>

struct cred;
struct file;
struct inode;
struct crypto_shash;
struct shash_desc;
struct task_struct;
struct poll_table_struct;
struct wait_queue_head;
struct workqueue_struct;
struct dentry;
struct key;

/*
 * Module parameters (module_param* in glue.c). Rust reads them once, at
 * init (ima_ns/params.rs), and nothing else does.
 */
extern char ima_ns_param_hash[16];
extern char ima_ns_param_policy[64];
extern char ima_ns_param_template[32];
extern char ima_ns_param_template_fmt[256];
extern bool ima_ns_param_write_policy;
extern bool ima_ns_param_read_policy;
extern char ima_ns_param_appraise[16];
extern bool ima_ns_param_keyring_restrict;
extern char ima_ns_param_x509[256];
extern bool ima_ns_param_lock;
/* Coexistence with built-in IMA (ima_ns/coexist.rs, Documentation/coexistence.md). */
extern char ima_ns_param_securityfs_dir[33];
extern char ima_ns_param_keyring_prefix[17];
extern int ima_ns_param_pcr;
extern char ima_ns_param_host[8];
extern char ima_ns_param_upstream[8];

/* What a policy rule and the inode cache need to know about an open file. */
struct ima_ns_file_facts {
	const void *inode;	/* identity only; never dereferenced by Rust */
	u64 fsmagic;
	u32 fowner;		/* i_uid through the mount's idmap, init_user_ns view */
	u32 fgroup;		/* i_gid, likewise */
	const char *fsname;	/* s_type->name; lives as long as the superblock */
	u8 fsuuid[16];		/* s_uuid */
	bool regular;		/* S_ISREG */
	bool readable;		/* FMODE_READ */
	bool writable;		/* FMODE_WRITE */
	bool last_writer;	/* i_writecount == 1 */
	u64 ino;
	u32 dev_major, dev_minor;	/* s_dev */
	u32 mode;		/* i_mode */
	u32 iuid, igid;		/* i_uid_read(), i_gid_read(): the sb's user ns view */
	bool open_for_write;	/* inode_is_open_for_write() */
	bool readers;		/* i_readcount: read-only opens of the inode */
	bool created;		/* FMODE_CREATED: this open created the file */
	bool xattrs;		/* IOP_XATTR: the filesystem keeps xattrs */
	u64 size;		/* i_size */
};

/* The credentials of current that rules test. */
struct ima_ns_subject {
	u32 uid, euid, suid;	/* init_user_ns view */
	u32 gid, egid, sgid;
	bool cap_setuid, cap_setgid;
};

/* The acting task, for event records (external modeling). */
struct ima_ns_task_facts {
	s32 pid, tgid;		/* as the task's own pid namespace sees them */
	u32 uid, euid, gid, egid;	/* init_user_ns view */
	u64 cap_eff;
	char comm[16];		/* TASK_COMM_LEN, NUL-terminated */
};

void ima_ns_file_facts(struct file *file, struct ima_ns_file_facts *out);
struct mnt_idmap;
/* The fields rules test (and inode, ino, mode) of an inode with no file. */
void ima_ns_inode_facts(struct mnt_idmap *idmap, struct inode *inode,
			struct ima_ns_file_facts *out);
void ima_ns_task_facts(struct ima_ns_task_facts *out);
/* current's executable with a reference (fput it), NULL for kernel threads. */
struct file *ima_ns_exe_file(void);
void ima_ns_fput(struct file *file);

/* Wait queues, for the external-model channel (ima_ns/waitqueue.rs). */
void ima_ns_waitq_init(struct wait_queue_head *wq);
void ima_ns_waitq_wake_all(struct wait_queue_head *wq);
/*
 * Sleeps until done(ctx) (which must not sleep) or timeout jiffies pass:
 * interruptibly, or killably if !interruptible. Returns as the
 * wait_event_*_timeout() macros: >0 done, 0 timed out, -ERESTARTSYS.
 */
long ima_ns_waitq_wait(struct wait_queue_head *wq, bool (*done)(const void *ctx),
		       const void *ctx, long timeout, bool interruptible);
void ima_ns_poll_wait(struct file *file, struct wait_queue_head *wq,
		      struct poll_table_struct *pt);
unsigned long ima_ns_msecs_to_jiffies(u32 ms);
/* cred's ids (current's if NULL); the capabilities only if want_caps. */
void ima_ns_cred_subject(const struct cred *cred, bool want_caps,
			 struct ima_ns_subject *out);
/*
 * STATX_CHANGE_COOKIE of the file (the i_version of the inode holding
 * its data, on stacked filesystems too); false if the filesystem has none.
 */
bool ima_ns_change_cookie(struct file *file, u64 *cookie);
/* The inode behind a file of a stacked filesystem (overlayfs). */
struct ima_ns_real_inode {
	u64 ino;
	u32 dev;
	bool versioned;	/* IS_I_VERSION: its changes move the change cookie */
};
/* true and *out filled if file's data lives in another inode (d_real_inode). */
bool ima_ns_real_inode(struct file *file, struct ima_ns_real_inode *out);
/* A readable instance of file (file itself, or a new O_RDONLY open). */
struct file *ima_ns_open_for_read(struct file *file);
/* Copies the dentry's name (a snapshot, not NUL-terminated); returns its length. */
size_t ima_ns_file_dentry_name(struct file *file, char *buf, size_t size);
size_t ima_ns_dentry_name(struct dentry *dentry, char *buf, size_t size);
void ima_ns_close_for_read(struct file *file, struct file *opened);

bool ima_ns_capable_sys_admin(void);
/* local_bh_disable()/local_bh_enable(): for locks task_free takes in softirq. */
void ima_ns_bh_disable(void);
void ima_ns_bh_enable(void);
/* The module's own workqueue (namespace teardown); destroy_workqueue() frees it. */
struct workqueue_struct *ima_ns_alloc_workqueue(void);

/* Kernel crypto API hashing, by algorithm name ("sha256"). */
struct crypto_shash *ima_ns_shash_alloc(const char *name);
void ima_ns_shash_free(struct crypto_shash *tfm);
size_t ima_ns_shash_descsize(struct crypto_shash *tfm);
int ima_ns_shash_init(struct shash_desc *desc, struct crypto_shash *tfm);
int ima_ns_shash_update(struct shash_desc *desc, const u8 *data, unsigned int len);
int ima_ns_shash_final(struct shash_desc *desc, u8 *out);

/* Appraisal (ima_ns/appraise.rs). current_cred(), for keyrings/kernel.rs. */
const struct cred *ima_ns_current_cred(void);
struct public_key;
/* asymmetric_key_public_key(), for keyrings/kernel.rs. */
const struct public_key *ima_ns_key_public_key(const struct key *key);
/* Writes security.ima (fix mode, hash rules): 0 or -errno. */
int ima_ns_set_ima_xattr(struct file *file, const void *value, size_t size);
/*
 * fsverity_get_digest(): the file's fs-verity digest into digest (64
 * bytes of room) and its HASH_ALGO_* into *algo; returns its size, 0 if
 * fs-verity is not enabled on the file.
 */
int ima_ns_verity_digest(struct file *file, u8 *digest, u8 *algo);
bool ima_ns_crypto_has_hash(const char *name);
struct inode *ima_ns_file_inode(struct file *file);
/* An AUDIT_INTEGRITY_* record: the task's fields, then text (ima_ns/audit.rs). */
void ima_ns_audit_integrity(int type, const char *text);
/* The AUDIT_INTEGRITY_RULE record of the audit action: head, the task, tail. */
void ima_ns_audit_rule(const char *head, const char *tail);

/*
 * EVM (evm/kernel.rs). What the HMAC and signatures bind of an inode:
 * hmac_add_misc()'s fields, the fs UUID, and what decides whether EVM
 * applies to the filesystem at all.
 */
struct ima_ns_evm_inode {
	u64 ino;
	u32 generation;
	u32 uid;	/* in the initial user namespace */
	u32 gid;
	u16 mode;
	u8 uuid[16];
	bool xattrs;	/* IOP_XATTR, superblock of the initial user ns */
	bool regular;
	bool pseudo_fs;	/* tmpfs, sysfs: no protected-xattr refusals */
	bool immutable;	/* read-only or immutable: never rewritten */
};
void ima_ns_evm_inode_facts(struct dentry *dentry, struct ima_ns_evm_inode *out);
/* __vfs_getxattr(): size, or -errno (-ENODATA: none). size 0 asks the size. */
ssize_t ima_ns_dentry_getxattr(struct dentry *dentry, const char *name,
			       void *buf, size_t size);
/*
 * Writes security.evm (size 0: removes it) without permission checks,
 * the inode lock held by the caller: 0 or -errno.
 */
int ima_ns_evm_write_xattr(struct dentry *dentry, const void *value, size_t size);
/*
 * The decrypted payload of the encrypted key "evm-key" the writer can
 * reach, copied to buf (max bytes): its length, or -errno.
 */
int ima_ns_evm_load_key(u8 *buf, size_t max);
int ima_ns_shash_setkey(struct crypto_shash *tfm, const u8 *key, unsigned int len);
unsigned int ima_ns_shash_digestsize(struct crypto_shash *tfm);
struct dentry *ima_ns_file_dentry(struct file *file);
struct inode *ima_ns_d_backing_inode(struct dentry *dentry);
/* Which LSMs enable their default EVM xattr: IMA_NS_EVM_LSM_* bits. */
u32 ima_ns_evm_lsm_config(void);
#define IMA_NS_EVM_LSM_SELINUX 1
#define IMA_NS_EVM_LSM_SMACK 2
#define IMA_NS_EVM_LSM_SMACK_EXTRA 4
#define IMA_NS_EVM_LSM_APPARMOR 8
/*
 * securityfs "integrity": created (*created true), or, when the kernel
 * has it (CONFIG_INTEGRITY), looked up beside sibling (a top-level
 * securityfs dentry) with a reference to drop with ima_ns_dput(). An
 * ERR_PTR on failure.
 */
struct dentry *ima_ns_securityfs_integrity_dir(struct dentry *sibling, bool *created);
void ima_ns_dput(struct dentry *dentry);
/* securityfs_create_symlink(): the dentry, or an ERR_PTR. */
struct dentry *ima_ns_securityfs_symlink(const char *name, const char *target);
/*
 * Sets a directory inode's operations (NULL: simple_dir_inode_operations,
 * simple_dir_operations) under i_lock, forgetting IOP_FASTPERM.
 */
void ima_ns_dir_set_ops(struct dentry *dir, const struct inode_operations *iop,
			const struct file_operations *fop);

/* Livepatch over the BPF-LSM stubs: enable once, at init; lock: lock=1. */
int ima_ns_hooks_enable(bool lock);

/* Rust entry points the hook trampolines call (ima_ns/hooks.rs). */
/*
 * A file event: cred is the subject the rules test (NULL: current's);
 * buf/len, if set, are the contents the kernel read (measured instead of
 * reading the file again).
 */
int ima_ns_rust_file_event(struct file *file, const struct cred *cred,
			   u32 func, u32 mask, const void *buf, u64 len);
/* execveat(AT_EXECVE_CHECK) of @file (7.x): BPRM_CHECK if following 7.3. */
int ima_ns_rust_execve_check(struct file *file);
/*
 * A buffer event (KEY_CHECK, CRITICAL_DATA): name is the entry's name,
 * func_data the keyring or label rules test. hash_buf: record the
 * buffer's digest instead of the buffer (ima_measure_critical_data(hash)).
 */
void ima_ns_rust_buffer_event(const void *buf, u64 len, u32 func,
			      const char *name, const char *func_data,
			      bool hash_buf);
/* mprotect() adds PROT_EXEC to a mapping of file: 0 or -EPERM to refuse. */
int ima_ns_rust_mprotect(struct file *file);
/*
 * The kernel reads a file for itself (ima_ns/kernel_hooks.rs): a partial
 * read (!contents) is measured from the file, a whole one from buf.
 */
int ima_ns_rust_kernel_read_file(struct file *file, enum kernel_read_file_id id,
				 bool contents);
int ima_ns_rust_kernel_post_read_file(struct file *file, char *buf, loff_t size,
				      enum kernel_read_file_id id);
/* Data from userspace with no file: 0 or -EACCES. */
int ima_ns_rust_kernel_load_data(enum kernel_load_data_id id, bool contents);
/* What the kernel enforces itself, which ima_load_data() asks. */
bool ima_ns_kexec_sig_secure_boot(void);	/* CONFIG_KEXEC_SIG && secure boot */
bool ima_ns_module_sig_enforced(void);		/* is_module_sig_enforced() */
int ima_ns_rust_kernel_post_load_data(char *buf, loff_t size,
				      enum kernel_load_data_id id);
/* overlayfs copies up xattr name of src: 0, -ECANCELED, -EOPNOTSUPP, -EPERM. */
int ima_ns_rust_copy_up_xattr(struct dentry *src, const char *name);
/* A request to load module name: 0, or -EINVAL to refuse it. */
int ima_ns_rust_kernel_module_request(const char *name);
void ima_ns_rust_file_release(struct file *file);
void ima_ns_rust_inode_free(struct inode *inode);
void ima_ns_rust_hooks_on(void);
void ima_ns_rust_hooks_off(void);
/* A regular file made by mknod(2) or O_TMPFILE (facts from ima_ns_inode_facts). */
void ima_ns_rust_new_file(const struct ima_ns_file_facts *facts, bool tmpfile);
/* What posix_acl_update_mode() says of an ACL change (glue.c). */
struct ima_ns_acl_change {
	bool posix_acl;		/* CONFIG_FS_POSIX_ACL; else nothing below is set */
	bool removed;		/* no ACL: inode_remove_acl */
	int update_err;		/* posix_acl_update_mode()'s error */
	u32 mode, new_mode;	/* i_mode, and the mode the ACL gives */
};
/* Whether the change (may) change the mode (evm_inode_set_acl_change()). */
bool ima_ns_rust_acl_changes_mode(const struct ima_ns_acl_change *change);
/* A POSIX ACL change (the inode lock held): 0 or -EPERM to refuse. */
int ima_ns_rust_set_acl(struct inode *inode, struct dentry *dentry, bool mode_changes);
void ima_ns_rust_acl_changed(struct inode *inode, struct dentry *dentry);
/* A regular file is about to be truncated: forget what its contents gave. */
void ima_ns_rust_truncate(struct inode *inode);
int ima_ns_rust_task_alloc(struct task_struct *task, bool thread, bool new_pidns);
void ima_ns_rust_task_free(struct task_struct *task);
/* setxattr/removexattr (value NULL) of name: 0 or -errno to refuse. */
int ima_ns_rust_setxattr(struct inode *inode, struct dentry *dentry,
			 const char *name, const void *value, size_t size);
void ima_ns_rust_xattr_changed(struct inode *inode, struct dentry *dentry,
			       const char *name);
/* chmod/chown: 0 or -EPERM; changes: the mode, uid or gid really differs. */
int ima_ns_rust_setattr(struct dentry *dentry, bool changes);
/* After a change of mode, uid or gid (changed) or of other attributes. */
void ima_ns_rust_post_setattr(struct dentry *dentry, bool changed);
/* Access by name to the IMA keyring of namespace id: 0 or -EACCES. */
int ima_ns_rust_keyring_permission(u64 id);
/* The namespace whose IMA or EVM keyring is named name[0..len], if it is one of ours. */
bool ima_ns_rust_keyring_owner(const char *name, size_t len, u64 *id);

/*
 * Built-in IMA, found at run time (no link-time dependency: the module
 * loads on kernels without it). probe: whether ima_measure_critical_data()
 * is exported, taking it if so; release: gives it back (at unload).
 */
bool ima_ns_builtin_ima_probe(void);
void ima_ns_builtin_ima_release(void);
bool ima_ns_builtin_evm_probe(void);
/*
 * ima_measure_critical_data("ima-ns", name, buf, len, false, NULL, 0):
 * 0 if built-in IMA listed it, -ENOENT if its policy has no rule for
 * label ima-ns (or no IMA), else its error.
 */
int ima_ns_builtin_critical_data(const char *name, const void *buf, size_t len);
/* ktime_get_boottime_ns(): makes repeated critical-data events distinct. */
u64 ima_ns_boottime_ns(void);
/* Shows the settings in use under /sys/module/ima_ns/parameters. */
void ima_ns_publish_settings(const char *dir, const char *keyring_prefix,
			     int pcr, const char *host);

/* func values shared with Rust: upstream's enum ima_hooks. */
#define IMA_NS_FILE_CHECK 1
#define IMA_NS_MMAP_CHECK 2
#define IMA_NS_MMAP_CHECK_REQPROT 3
#define IMA_NS_BPRM_CHECK 4
#define IMA_NS_CREDS_CHECK 5
#define IMA_NS_MODULE_CHECK 7
#define IMA_NS_FIRMWARE_CHECK 8
#define IMA_NS_KEXEC_KERNEL_CHECK 9
#define IMA_NS_KEXEC_INITRAMFS_CHECK 10
#define IMA_NS_POLICY_CHECK 11
#define IMA_NS_KEY_CHECK 13
#define IMA_NS_CRITICAL_DATA 14

/* Audit record types (uapi/linux/audit.h). */
#define IMA_NS_AUDIT_INTEGRITY_DATA 1800
#define IMA_NS_AUDIT_INTEGRITY_STATUS 1804
#define IMA_NS_AUDIT_INTEGRITY_RULE 1805
#define IMA_NS_AUDIT_INTEGRITY_METADATA 1801
#define IMA_NS_AUDIT_INTEGRITY_EVM_XATTR 1806

#endif /* IMA_NS_GLUE_H */
