// SPDX-License-Identifier: GPL-2.0
//! Two small decisions of EVM's LSM hooks that the kernel shell once made
//! in C: what overlayfs may copy up (`evm_inode_copy_up_xattr()`) and
//! whether a POSIX ACL change changes the mode (`evm_inode_set_acl_change()`),
//! both in security/integrity/evm/evm_main.c, the same in 6.12 and 7.3.

use crate::xattrs::XATTR_NAME_EVM;

/// `EVM_XATTR_PORTABLE_DIGSIG`: the type byte of a portable signature.
const PORTABLE_DIGSIG: u8 = 5;

/// What overlayfs does with one xattr of the lower inode on copy-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyUp {
    /// Not EVM's: other LSMs decide (`-EOPNOTSUPP`).
    NotEvms,
    /// Copied (0): a portable signature binds no inode.
    Copy,
    /// Discarded (`-ECANCELED`): an HMAC or an inode-bound signature.
    Discard,
    /// The copy-up fails (`-EPERM`): `security.evm` cannot be read.
    Fail,
}

impl CopyUp {
    /// Whether EVM must read the xattr to decide (only `security.evm`).
    pub fn needs_value(name: &[u8]) -> bool {
        name == XATTR_NAME_EVM.as_bytes()
    }
}

/// `evm_inode_copy_up_xattr()`: `value` is the lower `security.evm`
/// (`None`: reading it failed or it is absent), read only when
/// [`CopyUp::needs_value`].
pub fn copy_up_xattr(name: &[u8], value: Option<&[u8]>) -> CopyUp {
    if !CopyUp::needs_value(name) {
        return CopyUp::NotEvms;
    }
    match value.and_then(|v| v.first()) {
        None => CopyUp::Fail,
        Some(&PORTABLE_DIGSIG) => CopyUp::Copy,
        Some(_) => CopyUp::Discard,
    }
}

/// What the kernel says about a POSIX ACL change (`inode_set_acl` /
/// `inode_remove_acl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AclChange {
    /// The kernel has no POSIX ACLs (`!CONFIG_FS_POSIX_ACL`).
    Unsupported,
    /// The ACL is removed (`kacl == NULL`).
    Removed,
    /// `posix_acl_update_mode()` failed.
    UpdateFailed,
    /// `posix_acl_update_mode()` gave `new_mode`; the inode has `mode`.
    Set { mode: u32, new_mode: u32 },
}

/// `evm_inode_set_acl_change()`: whether the change (may) change the
/// mode, which EVM's HMAC and signatures cover.
pub fn acl_changes_mode(change: AclChange) -> bool {
    match change {
        AclChange::Unsupported => false,
        AclChange::Removed | AclChange::UpdateFailed => true,
        AclChange::Set { mode, new_mode } => mode != new_mode,
    }
}

/// Whether an `evm-key` payload is the one built-in EVM has burnt: it
/// zeroes the key's plain text once it has read it, so an all-zero key
/// (or an empty one) would key every HMAC with zeros and is refused.
pub fn key_is_burnt(key: &[u8]) -> bool {
    key.iter().all(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burnt_key_is_all_zeros() {
        assert!(key_is_burnt(&[0; 32]) && key_is_burnt(&[]));
        assert!(!key_is_burnt(&[0, 0, 1]) && !key_is_burnt(b"evm-key"));
    }

    /// `evm_inode_copy_up_xattr()`, row by row: every `evm_ima_xattr_type`
    /// value, an empty and an unreadable value, and other names.
    #[test]
    fn copy_up_table() {
        let evm = b"security.evm";
        for name in [
            &b"security.ima"[..],
            b"security.selinux",
            b"user.x",
            b"security.evmx",
            b"",
        ] {
            assert_eq!(copy_up_xattr(name, Some(&[5])), CopyUp::NotEvms);
            assert_eq!(copy_up_xattr(name, None), CopyUp::NotEvms);
            assert!(!CopyUp::needs_value(name));
        }
        assert!(CopyUp::needs_value(evm));
        assert_eq!(copy_up_xattr(evm, None), CopyUp::Fail);
        assert_eq!(copy_up_xattr(evm, Some(&[])), CopyUp::Fail);
        for ty in 0..=255u8 {
            let want = if ty == 5 {
                CopyUp::Copy
            } else {
                CopyUp::Discard
            };
            assert_eq!(copy_up_xattr(evm, Some(&[ty, 1, 2])), want, "type {ty}");
        }
    }

    /// `evm_inode_set_acl_change()` (and its `!CONFIG_FS_POSIX_ACL` stub).
    #[test]
    fn acl_change_table() {
        assert!(!acl_changes_mode(AclChange::Unsupported));
        assert!(acl_changes_mode(AclChange::Removed));
        assert!(acl_changes_mode(AclChange::UpdateFailed));
        assert!(!acl_changes_mode(AclChange::Set {
            mode: 0o100644,
            new_mode: 0o100644
        }));
        assert!(acl_changes_mode(AclChange::Set {
            mode: 0o100644,
            new_mode: 0o100664
        }));
    }
}
