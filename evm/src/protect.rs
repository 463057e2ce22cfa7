// SPDX-License-Identifier: GPL-2.0
//! Which metadata changes EVM lets through (`evm_protect_xattr()`,
//! `evm_inode_setxattr()`, `evm_inode_setattr()`), given the file's
//! current EVM status. The refusal is `EPERM`, with the audit `op=` of
//! the AUDIT_INTEGRITY_METADATA record upstream writes.

use crate::flags::Flags;
use crate::status::Status;

/// The xattr a `setxattr`/`removexattr` touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XattrClass {
    /// `security.evm` itself.
    Evm,
    /// A protected xattr (enabled in the list).
    Protected,
    /// A POSIX ACL (`system.posix_acl_*`): it may change the mode.
    PosixAcl,
    /// Anything else: never EVM's business.
    Other,
}

/// Why a change is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// An empty `security.evm` value (`EINVAL`).
    Invalid,
    /// `EPERM`, audited as AUDIT_INTEGRITY_METADATA with this `op=`
    /// (`None`: not audited, as upstream).
    Denied(Option<&'static str>),
}

impl Refusal {
    /// The (positive) errno.
    pub const fn errno(self) -> i32 {
        match self {
            Self::Invalid => 22,
            Self::Denied(_) => 1,
        }
    }
}

/// `evm_inode_setxattr()` / `evm_inode_removexattr()` after the
/// privilege check for `security.evm` (`CAP_SYS_ADMIN`, the caller's):
/// `status` is the file's current EVM status (computed only when this
/// asks, through the closure, as upstream computes it lazily), `value`
/// the new value for `security.evm` writes (`None` for removals),
/// `unchanged` whether the new value equals the current one,
/// `new_file`/`pseudo_fs` upstream's exceptions for files without
/// protected xattrs.
#[allow(clippy::too_many_arguments)]
pub fn protect_xattr(
    flags: Flags,
    class: XattrClass,
    value: Option<&[u8]>,
    status: impl FnOnce() -> Status,
    unchanged: impl FnOnce() -> bool,
    new_file: bool,
    pseudo_fs: bool,
) -> Result<(), Refusal> {
    if flags.metadata_writes_allowed() {
        return Ok(());
    }
    if class == XattrClass::Evm {
        if let Some(v) = value {
            // Userspace may write signatures, never an HMAC.
            match v.first() {
                None => return Err(Refusal::Invalid),
                Some(3 | 5) => {}
                Some(_) => return Err(Refusal::Denied(None)),
            }
        }
    }
    if class == XattrClass::Other {
        return Ok(());
    }
    if !flags.key_loaded() {
        // evm_verify_current_integrity(): PASS before EVM is set up.
        return Ok(());
    }
    let status = status();
    if class == XattrClass::PosixAcl && matches!(status, Status::Pass | Status::NoXattrs) {
        return Ok(());
    }
    if class != XattrClass::PosixAcl && status == Status::NoXattrs {
        if flags.hmac_disabled() || new_file || pseudo_fs {
            return Ok(());
        }
        return Err(Refusal::Denied(Some("update_metadata")));
    }
    if flags.hmac_disabled() && matches!(status, Status::NoLabel | Status::Unknown) {
        return Ok(());
    }
    // Portable signatures never change, so other xattrs may.
    if status == Status::FailImmutable {
        return Ok(());
    }
    if status == Status::PassImmutable && unchanged() {
        return Ok(());
    }
    match status {
        Status::Pass => Ok(()),
        Status::PassImmutable => Err(Refusal::Denied(None)),
        _ => Err(Refusal::Denied(Some("appraise_metadata"))),
    }
}

/// `evm_inode_setattr()` for a change of mode, uid or gid
/// (`changes`: whether any of them actually differs).
pub fn protect_attr(
    flags: Flags,
    status: impl FnOnce() -> Status,
    changes: bool,
) -> Result<(), Refusal> {
    if flags.metadata_writes_allowed() || !flags.key_loaded() {
        return Ok(());
    }
    let status = status();
    let ok = matches!(
        status,
        Status::Pass | Status::NoXattrs | Status::FailImmutable
    ) || (flags.hmac_disabled() && matches!(status, Status::NoLabel | Status::Unknown))
        || (status == Status::PassImmutable && !changes);
    if ok {
        Ok(())
    } else {
        Err(Refusal::Denied(Some("appraise_metadata")))
    }
}
