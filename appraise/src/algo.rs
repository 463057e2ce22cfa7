// SPDX-License-Identifier: GPL-2.0
//! The kernel's `enum hash_algo`, as a `security.ima` value names it.

use ima_policy::HASH_ALGO_NAMES;

/// `HASH_ALGO__LAST` (`include/uapi/linux/hash_info.h`, 6.12).
pub const HASH_ALGO_LAST: u8 = HASH_ALGO_NAMES.len() as u8;

/// `hash_digest_size[]`, indexed by `enum hash_algo` (names: the policy
/// crate's `HASH_ALGO_NAMES`, which `appraise_algos=` parses).
const DIGEST_SIZE: [u8; HASH_ALGO_NAMES.len()] = [
    16, 16, 20, 20, 32, 48, 64, 28, 16, 32, 40, 32, 48, 64, 16, 20, 24, 32, 32, 64, 32, 48, 64,
];

/// A valid `enum hash_algo` value.
///
/// # Invariants
///
/// The value is below [`HASH_ALGO_LAST`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelHashAlgo(u8);

impl KernelHashAlgo {
    /// `HASH_ALGO_MD5`.
    pub const MD5: Self = Self(1);
    /// `HASH_ALGO_SHA1`.
    pub const SHA1: Self = Self(2);
    /// `HASH_ALGO_SHA256`.
    pub const SHA256: Self = Self(4);

    /// `id` if it names an algorithm.
    pub const fn new(id: u8) -> Option<Self> {
        if id < HASH_ALGO_LAST {
            // INVARIANT: checked.
            Some(Self(id))
        } else {
            None
        }
    }

    /// The `enum hash_algo` value.
    pub const fn id(self) -> u8 {
        self.0
    }

    /// Its digest size in bytes.
    pub const fn digest_size(self) -> usize {
        DIGEST_SIZE[self.0 as usize] as usize
    }

    /// Its name in the kernel (and in `appraise_algos=`).
    pub const fn name(self) -> &'static str {
        HASH_ALGO_NAMES[self.0 as usize]
    }
}
