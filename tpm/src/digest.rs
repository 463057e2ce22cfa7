// SPDX-License-Identifier: GPL-2.0
//! Fixed-size digests and a hasher over every supported algorithm.

use crate::HashAlgo;
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

/// Largest digest any supported algorithm produces (SHA-512).
pub const MAX_DIGEST_SIZE: usize = 64;

/// A digest of one algorithm, stored inline so it needs no allocation.
///
/// # Invariants
///
/// Bytes past `algo.digest_size()` are zero.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    algo: HashAlgo,
    bytes: [u8; MAX_DIGEST_SIZE],
}

impl Digest {
    /// The all-zero digest of `algo` (a PCR after reset).
    pub const fn zero(algo: HashAlgo) -> Self {
        Self {
            algo,
            bytes: [0; MAX_DIGEST_SIZE],
        }
    }

    /// The all-ones digest of `algo`, which upstream IMA extends for a
    /// violation.
    pub fn ones(algo: HashAlgo) -> Self {
        let mut d = Self::zero(algo);
        d.bytes[..algo.digest_size()].fill(0xff);
        d
    }

    /// Builds a digest from raw bytes; `None` if the length is wrong.
    pub fn from_bytes(algo: HashAlgo, bytes: &[u8]) -> Option<Self> {
        if bytes.len() != algo.digest_size() {
            return None;
        }
        let mut d = Self::zero(algo);
        d.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(d)
    }

    /// Copies `src` into a digest of `algo`, truncating or zero-padding:
    /// upstream fills banks it cannot hash with the padded SHA-1 digest.
    pub fn padded(algo: HashAlgo, src: &[u8]) -> Self {
        let mut d = Self::zero(algo);
        let n = src.len().min(algo.digest_size());
        d.bytes[..n].copy_from_slice(&src[..n]);
        d
    }

    /// Hash of the concatenation of `parts`.
    pub fn of(algo: HashAlgo, parts: &[&[u8]]) -> Self {
        let mut h = Hasher::new(algo);
        for p in parts {
            h.update(p);
        }
        h.finish()
    }

    /// The algorithm.
    pub fn algo(&self) -> HashAlgo {
        self.algo
    }

    /// The digest bytes (exactly `algo().digest_size()` of them).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.algo.digest_size()]
    }
}

impl core::fmt::Debug for Digest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:", self.algo.name())?;
        core::fmt::LowerHex::fmt(self, f)
    }
}

impl core::fmt::LowerHex for Digest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Incremental hash over any supported algorithm (RustCrypto, soft only,
/// so it is safe in kernel context without FPU state).
#[derive(Clone)]
pub enum Hasher {
    /// SHA-1 state.
    Sha1(Sha1),
    /// SHA-256 state.
    Sha256(Sha256),
    /// SHA-384 state.
    Sha384(Sha384),
    /// SHA-512 state.
    Sha512(Sha512),
}

impl Hasher {
    /// A fresh hasher for `algo`.
    pub fn new(algo: HashAlgo) -> Self {
        match algo {
            HashAlgo::Sha1 => Self::Sha1(Sha1::new()),
            HashAlgo::Sha256 => Self::Sha256(Sha256::new()),
            HashAlgo::Sha384 => Self::Sha384(Sha384::new()),
            HashAlgo::Sha512 => Self::Sha512(Sha512::new()),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    /// Finishes and returns the digest.
    pub fn finish(self) -> Digest {
        match self {
            Self::Sha1(h) => Digest::padded(HashAlgo::Sha1, &h.finalize()),
            Self::Sha256(h) => Digest::padded(HashAlgo::Sha256, &h.finalize()),
            Self::Sha384(h) => Digest::padded(HashAlgo::Sha384, &h.finalize()),
            Self::Sha512(h) => Digest::padded(HashAlgo::Sha512, &h.finalize()),
        }
    }
}
