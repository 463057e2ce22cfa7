//! An event as the policy sees it.

use crate::rule::Func;

/// `MAY_EXEC` from `include/linux/fs.h`.
pub const MAY_EXEC: u32 = 0x1;
/// `MAY_WRITE`.
pub const MAY_WRITE: u32 = 0x2;
/// `MAY_READ`.
pub const MAY_READ: u32 = 0x4;
/// `MAY_APPEND`.
pub const MAY_APPEND: u32 = 0x8;

/// The attributes of one hook call that rules can test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The hook.
    pub func: Func,
    /// `MAY_*` access mask.
    pub mask: u32,
    /// Real uid of the subject.
    pub uid: u32,
    /// Effective uid.
    pub euid: u32,
    /// Saved uid.
    pub suid: u32,
    /// The subject has CAP_SETUID (widens `euid=` as upstream does).
    pub cap_setuid: bool,
    /// Owner of the file.
    pub fowner: u32,
    /// Magic of the file's filesystem.
    pub fsmagic: u64,
}
