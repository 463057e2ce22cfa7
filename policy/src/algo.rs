// SPDX-License-Identifier: GPL-2.0
//! Hash algorithm names (`hash_algo_name[]`, crypto/hash_info.c) and the
//! `appraise_algos=` set built from them.

use core::fmt;

/// `hash_algo_name[]` in `enum hash_algo` order: a name's index is its
/// `HASH_ALGO_*` number and its bit in [`HashAlgos`].
pub const HASH_ALGO_NAMES: [&str; 23] = [
    "md4",
    "md5",
    "sha1",
    "rmd160",
    "sha256",
    "sha384",
    "sha512",
    "sha224",
    "rmd128",
    "rmd256",
    "rmd320",
    "wp256",
    "wp384",
    "wp512",
    "tgr128",
    "tgr160",
    "tgr192",
    "sm3",
    "streebog256",
    "streebog512",
    "sha3-256",
    "sha3-384",
    "sha3-512",
];

/// A set of hash algorithms: bit `i` is `HASH_ALGO_NAMES[i]`, as upstream's
/// `allowed_algos` bitfield.
///
/// # Invariants
///
/// Only bits below `HASH_ALGO_NAMES.len()` are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct HashAlgos(u32);

impl HashAlgos {
    /// The set with the given `HASH_ALGO_*` bits; `None` if a bit names no
    /// algorithm.
    pub const fn from_bits(bits: u32) -> Option<Self> {
        if bits >> HASH_ALGO_NAMES.len() != 0 {
            None
        } else {
            Some(Self(bits))
        }
    }

    /// The bitfield (`1 << HASH_ALGO_*` per member).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether `HASH_ALGO_*` number `algo` is in the set.
    pub const fn contains(self, algo: usize) -> bool {
        algo < HASH_ALGO_NAMES.len() && self.0 & (1 << algo) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `ima_parse_appraise_algos()`: comma-separated names, each exactly one
    /// of [`HASH_ALGO_NAMES`]. `Err(name)` names the first unknown one.
    /// Whether the running kernel's crypto API has each algorithm
    /// (`crypto_has_alg()`) is for the caller to check.
    pub fn parse(list: &str) -> Result<Self, &str> {
        let mut bits = 0u32;
        for name in list.split(',') {
            let idx = HASH_ALGO_NAMES
                .iter()
                .position(|n| *n == name)
                .ok_or(name)?;
            bits |= 1 << idx;
        }
        // INVARIANT: only indices of HASH_ALGO_NAMES were set.
        Ok(Self(bits))
    }

    /// The members' `HASH_ALGO_*` numbers, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..HASH_ALGO_NAMES.len()).filter(move |&i| self.contains(i))
    }
}

impl fmt::Display for HashAlgos {
    /// `ima_policy_show_appraise_algos()`: names in `enum hash_algo` order,
    /// comma-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, idx) in self.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            f.write_str(HASH_ALGO_NAMES[idx])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_rejects_unknown_or_empty() {
        let a = HashAlgos::parse("sha512,sha256,sha3-512").unwrap();
        assert_eq!(a.bits(), 1 << 4 | 1 << 6 | 1 << 22);
        assert_eq!(HashAlgos::parse("sha256,SHA1"), Err("SHA1"));
        assert_eq!(HashAlgos::parse("sha256,"), Err(""));
        assert_eq!(HashAlgos::parse(""), Err(""));
        assert_eq!(HashAlgos::from_bits(1 << 23), None);
    }
}
