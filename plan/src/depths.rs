// SPDX-License-Identifier: GPL-2.0
//! A set of namespaces of one lineage, by depth (the host is 0).

use crate::MAX_DEPTH;

/// Namespaces by depth: bit `depth` set. A lineage is at most
/// [`MAX_DEPTH`] + 1 namespaces, so 64 bits hold any of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depths(u64);

const _: () = assert!(MAX_DEPTH < u64::BITS);

impl Depths {
    /// No namespace.
    pub const NONE: Self = Self(0);

    /// The set whose bit `depth` is set for each member.
    pub const fn from_bits(bits: u64) -> Self {
        Self(bits)
    }

    /// Bit `depth` set for each member.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Whether the namespace at `depth` is a member (never, beyond
    /// [`MAX_DEPTH`]).
    pub const fn contains(self, depth: u32) -> bool {
        depth <= MAX_DEPTH && self.0 & 1 << depth != 0
    }

    /// Adds the namespace at `depth` (ignored beyond [`MAX_DEPTH`], which
    /// no namespace reaches).
    pub fn insert(&mut self, depth: u32) {
        if depth <= MAX_DEPTH {
            self.0 |= 1 << depth;
        }
    }

    /// Whether no namespace is a member.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Members of both.
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }
}
