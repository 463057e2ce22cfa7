// SPDX-License-Identifier: GPL-2.0
//! The bytes an EVM HMAC or signature covers (`evm_calc_hmac_or_hash()`,
//! `hmac_add_misc()`): the value of each protected xattr the file has, in
//! the list's order, then `struct h_misc`, then the filesystem UUID for
//! non-portable values when `EVM_ATTR_FSUUID` is set.

use crate::value::ValueKind;
use crate::xattrs::XATTR_NAME_IMA;

/// `sizeof(struct h_misc)` on x86_64 (LP64): `unsigned long` ino, then
/// u32 generation, uid, gid, u16 mode, and two bytes of padding.
pub const MISC_LEN: usize = 24;

/// The inode metadata EVM binds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// `i_ino`.
    pub ino: u64,
    /// `i_generation`.
    pub generation: u32,
    /// `i_uid` in the initial user namespace.
    pub uid: u32,
    /// `i_gid` in the initial user namespace.
    pub gid: u32,
    /// `i_mode`, file type bits included.
    pub mode: u16,
}

impl Metadata {
    /// `struct h_misc` as `hmac_add_misc()` fills it: a portable
    /// signature leaves the inode number and generation zero (and the
    /// padding is zero, from its `memset`).
    pub fn misc(&self, kind: ValueKind) -> [u8; MISC_LEN] {
        let mut m = [0u8; MISC_LEN];
        if kind != ValueKind::Portable {
            m[0..8].copy_from_slice(&self.ino.to_le_bytes());
            m[8..12].copy_from_slice(&self.generation.to_le_bytes());
        }
        m[12..16].copy_from_slice(&self.uid.to_le_bytes());
        m[16..20].copy_from_slice(&self.gid.to_le_bytes());
        m[20..22].copy_from_slice(&self.mode.to_le_bytes());
        m
    }
}

/// Whether the filesystem UUID follows `h_misc`.
pub fn covers_uuid(kind: ValueKind, fsuuid_attr: bool) -> bool {
    fsuuid_attr && kind != ValueKind::Portable
}

/// Why the input cannot be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputError {
    /// No protected xattr at all (`-ENODATA`: `INTEGRITY_NOXATTRS`).
    NoXattrs,
    /// A portable signature of a file without `security.ima` (`-EPERM`).
    PortableWithoutIma,
}

/// Which protected xattrs went into the input, as the walk goes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Coverage {
    any: bool,
    ima: bool,
}

impl Coverage {
    /// Whether the walk reads the listed xattr `name` (`enabled` in the
    /// list): locally computed values skip disabled xattrs, portable
    /// signatures cover every listed one.
    pub fn includes(kind: ValueKind, enabled: bool) -> bool {
        enabled || kind == ValueKind::Portable
    }

    /// Records that `name`'s value (present on the file) went in.
    pub fn add(&mut self, name: &[u8]) {
        self.any = true;
        self.ima |= name == XATTR_NAME_IMA.as_bytes();
    }

    /// The walk's outcome.
    pub fn finish(self, kind: ValueKind) -> Result<(), InputError> {
        if !self.any {
            Err(InputError::NoXattrs)
        } else if kind == ValueKind::Portable && !self.ima {
            Err(InputError::PortableWithoutIma)
        } else {
            Ok(())
        }
    }
}
