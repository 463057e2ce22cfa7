// SPDX-License-Identifier: GPL-2.0
//! `security.evm` values (`enum evm_ima_xattr_type`, `struct evm_xattr`,
//! `struct signature_v2_hdr`), judged as `evm_verify_hmac()` judges them
//! before computing anything.

/// `SHA1_DIGEST_SIZE`: EVM's HMAC is always `hmac(sha1)`.
pub const HMAC_LEN: usize = 20;

/// What the value's HMAC or signature is computed like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `EVM_XATTR_HMAC` (2): HMAC-SHA1 with the EVM key.
    Hmac,
    /// `EVM_IMA_XATTR_DIGSIG` (3): a v2 signature; covers the inode
    /// number, generation and (with `EVM_ATTR_FSUUID`) the fs UUID.
    Signature,
    /// `EVM_XATTR_PORTABLE_DIGSIG` (5): a v2 signature without inode
    /// number, generation or UUID, over every listed xattr (enabled or
    /// not); immutable once it verifies.
    Portable,
}

impl ValueKind {
    /// The xattr type byte.
    pub const fn type_byte(self) -> u8 {
        match self {
            Self::Hmac => 2,
            Self::Signature => 3,
            Self::Portable => 5,
        }
    }
}

/// A `security.evm` value, checked as far as can be without the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvmValue<'a> {
    /// A well-formed HMAC value: the 20 HMAC bytes.
    Hmac(&'a [u8; HMAC_LEN]),
    /// A signature value (type 3 or 5) with a non-empty signature field;
    /// the whole value, for `ima_appraise::SigHeader::parse` and the
    /// keyring.
    Signature(ValueKind, &'a [u8]),
    /// An HMAC of the wrong length, a signature no longer than its
    /// header (`INTEGRITY_FAIL`, or `FAIL_IMMUTABLE` for type 5).
    Malformed(Option<ValueKind>),
    /// Empty, or a type EVM does not know (`-EINVAL`: `INTEGRITY_FAIL`).
    Unknown,
}

/// `sizeof(struct signature_v2_hdr)`.
const SIG_HEADER_LEN: usize = 9;

impl<'a> EvmValue<'a> {
    /// Classifies a whole `security.evm` value.
    pub fn parse(value: &'a [u8]) -> Self {
        match value.first() {
            Some(2) => match value[1..].try_into() {
                Ok(hmac) => Self::Hmac(hmac),
                Err(_) => Self::Malformed(Some(ValueKind::Hmac)),
            },
            Some(&t @ (3 | 5)) => {
                let kind = if t == 3 {
                    ValueKind::Signature
                } else {
                    ValueKind::Portable
                };
                if value.len() <= SIG_HEADER_LEN {
                    Self::Malformed(Some(kind))
                } else {
                    Self::Signature(kind, value)
                }
            }
            _ => Self::Unknown,
        }
    }

    /// The kind of computation the value asks for, if it is one.
    pub fn kind(&self) -> Option<ValueKind> {
        match *self {
            Self::Hmac(_) => Some(ValueKind::Hmac),
            Self::Signature(k, _) => Some(k),
            Self::Malformed(k) => k,
            Self::Unknown => None,
        }
    }

    /// The hash algorithm byte a signature names (`hdr->hash_algo`),
    /// which its digest is computed in.
    pub fn sig_hash_algo(&self) -> Option<u8> {
        match *self {
            Self::Signature(_, v) => v.get(2).copied(),
            _ => None,
        }
    }
}
