// SPDX-License-Identifier: GPL-2.0
//! `security.ima` values: `enum evm_ima_xattr_type`, `struct
//! signature_v2_hdr`, `struct ima_file_id` (security/integrity/integrity.h).

use crate::algo::KernelHashAlgo;
use ima_policy::Upstream;

/// `enum evm_ima_xattr_type`: the first byte of `security.ima` (and of
/// `security.evm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XattrType {
    /// `IMA_XATTR_DIGEST` (1): a SHA-1 (or, historically, MD5) digest.
    ImaDigest = 1,
    /// `EVM_XATTR_HMAC` (2).
    EvmHmac = 2,
    /// `EVM_IMA_XATTR_DIGSIG` (3): a v1 or v2 signature of the file digest,
    /// or (7.3) a v3 signature of its `ima_file_id`.
    DigSig = 3,
    /// `IMA_XATTR_DIGEST_NG` (4): algorithm byte, then the digest.
    ImaDigestNg = 4,
    /// `EVM_XATTR_PORTABLE_DIGSIG` (5).
    EvmPortableDigSig = 5,
    /// `IMA_VERITY_DIGSIG` (6): a v3 signature of an fs-verity digest's
    /// `ima_file_id`.
    ImaVeritySig = 6,
}

impl XattrType {
    /// The type a value's first byte names.
    pub fn of(value: &[u8]) -> Option<Self> {
        Some(match *value.first()? {
            1 => Self::ImaDigest,
            2 => Self::EvmHmac,
            3 => Self::DigSig,
            4 => Self::ImaDigestNg,
            5 => Self::EvmPortableDigSig,
            6 => Self::ImaVeritySig,
            _ => return None,
        })
    }
}

/// `sizeof(struct signature_v2_hdr)`: type, version, hash_algo, a
/// big-endian 32-bit keyid and 16-bit sig_size, packed.
pub const SIG_HEADER_LEN: usize = 9;

/// A signature's header and payload, checked as `asymmetric_verify()`
/// checks them before looking for the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigHeader<'a> {
    /// `EVM_IMA_XATTR_DIGSIG`, `IMA_VERITY_DIGSIG` or the EVM types.
    pub xattr_type: u8,
    /// 2 (file digest) or 3 (`ima_file_id`).
    pub version: u8,
    /// The algorithm of the signed digest.
    pub hash_algo: KernelHashAlgo,
    /// The low 32 bits of the key's subject key identifier: the kernel
    /// looks the key up as `id:%08x`.
    pub keyid: u32,
    /// The signature itself (PKCS#1 v1.5 for RSA, X9.62 DER for ECDSA).
    pub sig: &'a [u8],
}

/// Why a signature value cannot be verified at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigError {
    /// Shorter than its header plus one byte (`-EBADMSG`).
    TooShort,
    /// `sig_size` is not the payload's length (`-EBADMSG`).
    SizeMismatch,
    /// `hash_algo` is not an algorithm (`-ENOPKG`).
    UnknownHashAlgo,
}

impl SigError {
    /// The (positive) errno upstream returns.
    pub const fn errno(self) -> i32 {
        match self {
            Self::TooShort | Self::SizeMismatch => 74, // EBADMSG
            Self::UnknownHashAlgo => 65,               // ENOPKG
        }
    }
}

impl<'a> SigHeader<'a> {
    /// Parses a whole xattr value holding a signature.
    pub fn parse(value: &'a [u8]) -> Result<Self, SigError> {
        if value.len() <= SIG_HEADER_LEN {
            return Err(SigError::TooShort);
        }
        let (hdr, sig) = value.split_at(SIG_HEADER_LEN);
        if usize::from(u16::from_be_bytes([hdr[7], hdr[8]])) != sig.len() {
            return Err(SigError::SizeMismatch);
        }
        Ok(Self {
            xattr_type: hdr[0],
            version: hdr[1],
            hash_algo: KernelHashAlgo::new(hdr[2]).ok_or(SigError::UnknownHashAlgo)?,
            keyid: u32::from_be_bytes([hdr[3], hdr[4], hdr[5], hdr[6]]),
            sig,
        })
    }
}

/// What a `security.ima` value holds, without judging it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImaXattr<'a> {
    /// Type 1 or 4: the bytes after the header (they may be longer than
    /// the digest: upstream compares the digest's length only).
    Digest {
        /// `ImaDigest` or `ImaDigestNg`.
        xattr_type: XattrType,
        /// The algorithm byte of a type 4 value (`None` for type 1).
        algo: Option<u8>,
        /// The digest bytes.
        digest: &'a [u8],
    },
    /// Type 3 or 6, the raw value (checked by [`SigHeader::parse`] when
    /// it is verified, as upstream does).
    Signature(XattrType, &'a [u8]),
    /// Empty, an EVM type, or an unknown type.
    Other,
}

impl<'a> ImaXattr<'a> {
    /// Classifies a value.
    pub fn parse(value: &'a [u8]) -> Self {
        match XattrType::of(value) {
            Some(t @ XattrType::ImaDigest) => Self::Digest {
                xattr_type: t,
                algo: None,
                digest: &value[1..],
            },
            Some(t @ XattrType::ImaDigestNg) => Self::Digest {
                xattr_type: t,
                algo: value.get(1).copied(),
                digest: value.get(2..).unwrap_or(&[]),
            },
            Some(t @ (XattrType::DigSig | XattrType::ImaVeritySig)) => Self::Signature(t, value),
            _ => Self::Other,
        }
    }
}

/// `ima_get_hash_algo()`: the algorithm the file must be hashed with to
/// appraise it against `value`, else `default` (the namespace's hash). A
/// type 3 signature names it in version 2, and in 7.3 also in version 3.
pub fn hash_algo_for(
    value: Option<&[u8]>,
    default: KernelHashAlgo,
    upstream: Upstream,
) -> KernelHashAlgo {
    let Some(value) = value.filter(|v| v.len() >= 2) else {
        return default;
    };
    let sig_algo = |version: &[u8]| {
        // The header must be whole and followed by something.
        if value.len() <= SIG_HEADER_LEN || !version.contains(&value[1]) {
            return None;
        }
        KernelHashAlgo::new(value[2])
    };
    let algo = match XattrType::of(value) {
        Some(XattrType::ImaVeritySig) => sig_algo(&[3]),
        Some(XattrType::DigSig) if upstream.sigv3_any_file() => sig_algo(&[2, 3]),
        Some(XattrType::DigSig) => sig_algo(&[2]),
        Some(XattrType::ImaDigestNg) => KernelHashAlgo::new(value[1]),
        Some(XattrType::ImaDigest) => match value.len() {
            // An MD5 digest padded to SHA-1's 20 bytes, for compatibility.
            21 if value[17..21] == [0; 4] => Some(KernelHashAlgo::MD5),
            21 => Some(KernelHashAlgo::SHA1),
            17 => Some(KernelHashAlgo::MD5),
            _ => None,
        },
        _ => None,
    };
    algo.unwrap_or(default)
}

/// The longest value [`fix_value`] writes: type, algorithm, a 64-byte
/// digest.
pub const FIX_VALUE_MAX: usize = 2 + 64;

/// `ima_fix_xattr()`: the value fix mode writes for a file digest: type
/// 1 and the digest for SHA-1 (and older), else type 4, the algorithm
/// and the digest. Returns its length in `out`, `None` if `digest` is not
/// `algo`'s size.
pub fn fix_value(
    algo: KernelHashAlgo,
    digest: &[u8],
    out: &mut [u8; FIX_VALUE_MAX],
) -> Option<usize> {
    if digest.len() != algo.digest_size() {
        return None;
    }
    let header: &[u8] = if algo.id() <= KernelHashAlgo::SHA1.id() {
        &[XattrType::ImaDigest as u8]
    } else {
        &[XattrType::ImaDigestNg as u8, algo.id()]
    };
    let n = header.len() + digest.len();
    out[..header.len()].copy_from_slice(header);
    out[header.len()..n].copy_from_slice(digest);
    Some(n)
}

/// `struct ima_file_id` up to the digest's end: what a v3 signature's
/// digest is computed over (`calc_file_id_hash()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    buf: [u8; 2 + 64],
    len: usize,
}

impl FileId {
    /// The `ima_file_id` of an fs-verity digest; `None` if `digest` is not
    /// `algo`'s size or is longer than any digest.
    pub fn verity(algo: KernelHashAlgo, digest: &[u8]) -> Option<Self> {
        Self::new(XattrType::ImaVeritySig, algo, digest)
    }

    /// The `ima_file_id` a v3 signature of type `hash_type` covers (7.3's
    /// `calc_file_id_hash()`: the signature's own xattr type, 3 for a
    /// regular file's digest, 6 for an fs-verity digest). `None` as
    /// [`FileId::verity`].
    pub fn new(hash_type: XattrType, algo: KernelHashAlgo, digest: &[u8]) -> Option<Self> {
        if digest.len() != algo.digest_size() || digest.len() > 64 {
            return None;
        }
        let mut buf = [0; 66];
        buf[0] = hash_type as u8;
        buf[1] = algo.id();
        buf[2..2 + digest.len()].copy_from_slice(digest);
        Some(Self {
            buf,
            len: 2 + digest.len(),
        })
    }

    /// The bytes to hash.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}
