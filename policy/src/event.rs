// SPDX-License-Identifier: GPL-2.0
//! An event as the policy sees it: the arguments of `ima_match_policy()`
//! reduced to plain values.

use crate::rule::{Func, Uuid};

/// `MAY_EXEC` from `include/linux/fs.h`.
pub const MAY_EXEC: u32 = 0x1;
/// `MAY_WRITE`.
pub const MAY_WRITE: u32 = 0x2;
/// `MAY_READ`.
pub const MAY_READ: u32 = 0x4;
/// `MAY_APPEND`.
pub const MAY_APPEND: u32 = 0x8;

/// The attributes of one hook call that rules can test. Build it with the
/// fields the hook knows and `..Default::default()` for the rest; a
/// [`PolicySummary`](crate::PolicySummary) tells which ones the rules in
/// force look at. Ids are values in the initial user namespace, as
/// `__kuid_val()` gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Event<'a> {
    /// The hook.
    pub func: Func,
    /// `MAY_*` access mask.
    pub mask: u32,
    /// Real uid of the subject (`cred->uid`).
    pub uid: u32,
    /// Effective uid (`cred->euid`).
    pub euid: u32,
    /// Saved uid (`cred->suid`).
    pub suid: u32,
    /// The subject has CAP_SETUID (`euid=` then also tests `suid`, `uid`).
    pub cap_setuid: bool,
    /// Real gid of the subject (`cred->gid`).
    pub gid: u32,
    /// Effective gid (`cred->egid`).
    pub egid: u32,
    /// Saved gid (`cred->sgid`).
    pub sgid: u32,
    /// The subject has CAP_SETGID (`egid=` then also tests `sgid`, `gid`).
    pub cap_setgid: bool,
    /// Owner of the file as seen through the mount
    /// (`i_uid_into_vfsuid(idmap, inode)`).
    pub fowner: u32,
    /// Group of the file as seen through the mount
    /// (`i_gid_into_vfsgid(idmap, inode)`).
    pub fgroup: u32,
    /// Magic of the file's filesystem (`sb->s_magic`).
    pub fsmagic: u64,
    /// Name of the filesystem type (`sb->s_type->name`), without NUL.
    pub fsname: &'a [u8],
    /// UUID of the filesystem (`sb->s_uuid`).
    pub fsuuid: Uuid,
    /// `func_data` of `KEY_CHECK` (the keyring's name) and `CRITICAL_DATA`
    /// (the data's label); `None` when the hook passes NULL.
    pub func_data: Option<&'a [u8]>,
}
