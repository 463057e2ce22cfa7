// SPDX-License-Identifier: GPL-2.0
//! Hash algorithms IMA can use for file digests and PCR banks.

/// A hash algorithm, with the identifiers the kernel and the TPM use for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgo {
    /// SHA-1, the legacy bank every IMA list carries.
    Sha1,
    /// SHA-256, IMA's default file hash.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgo {
    /// All algorithms this crate can compute, in `enum hash_algo` order.
    pub const ALL: [HashAlgo; 4] = [Self::Sha1, Self::Sha256, Self::Sha384, Self::Sha512];

    /// Name as in the kernel's `hash_algo_name[]` (also used in `d-ng`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes (`hash_digest_size[]`).
    pub const fn digest_size(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// `enum hash_algo` value from `include/uapi/linux/hash_info.h`.
    pub const fn kernel_id(self) -> u8 {
        match self {
            Self::Sha1 => 2,
            Self::Sha256 => 4,
            Self::Sha384 => 5,
            Self::Sha512 => 6,
        }
    }

    /// TPM 2.0 algorithm id (`enum tpm_algorithms`).
    pub const fn tpm_id(self) -> u16 {
        match self {
            Self::Sha1 => 0x0004,
            Self::Sha256 => 0x000b,
            Self::Sha384 => 0x000c,
            Self::Sha512 => 0x000d,
        }
    }

    /// Looks an algorithm up by its TPM 2.0 id.
    pub fn from_tpm_id(id: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.tpm_id() == id)
    }

    /// Looks an algorithm up by its kernel name, as `ima_hash=` takes it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}
