// SPDX-License-Identifier: GPL-2.0
//! The duplicate index of a measurement list (upstream's `ima_htable`):
//! which (template digest, PCR) pairs the list holds, found in O(1).
//!
//! Pure slot arithmetic over a caller-owned `[u64]` (the kernel shell owns
//! the allocation): open addressing with linear probing, kept at most half
//! full, so a probe visits about 1.5 slots. A slot is `0` (empty) or the
//! key's 32-bit tag above the entry's index + 1; a tag match is confirmed
//! by the caller against the entry itself.

/// Empty slot.
pub const EMPTY: u64 = 0;

/// Where a key is, or where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The entry at this list index has the key.
    Found(u32),
    /// Not present; this empty slot is where it goes.
    Vacant(usize),
}

/// The hash of a key: template digests are uniformly distributed, so
/// their first bytes serve, mixed with the PCR.
pub fn key_hash(digest: &[u8], pcr: u32) -> u64 {
    let mut b = [0u8; 8];
    let n = digest.len().min(8);
    b[..n].copy_from_slice(&digest[..n]);
    u64::from_le_bytes(b) ^ u64::from(pcr).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn tag(hash: u64) -> u64 {
    hash >> 32
}

/// Looks `hash` up; `is_entry(i)` says whether list entry `i` has the key.
/// `slots.len()` must be a power of two with at least one empty slot.
pub fn probe(slots: &[u64], hash: u64, is_entry: impl Fn(u32) -> bool) -> Probe {
    let mask = slots.len() - 1;
    let mut pos = (hash as usize) & mask;
    loop {
        let s = slots[pos];
        if s == EMPTY {
            return Probe::Vacant(pos);
        }
        let index = (s & 0xffff_ffff) as u32 - 1;
        if s >> 32 == tag(hash) && is_entry(index) {
            return Probe::Found(index);
        }
        pos = (pos + 1) & mask;
    }
}

/// Fills the vacant slot `pos` with list index `index`.
pub fn fill(slots: &mut [u64], pos: usize, hash: u64, index: u32) {
    slots[pos] = (tag(hash) << 32) | (u64::from(index) + 1);
}

/// The slot count for `used + 1` keys: the current one while that keeps
/// the table at most half full, else double (at least 16).
pub fn capacity_for(slots: usize, used: usize) -> usize {
    if slots >= 16 && (used + 1) * 2 <= slots {
        slots
    } else {
        (slots * 2).max(16)
    }
}

/// Moves every key of `old` into the empty, larger `new`; `hash_of(i)` is
/// the hash of list entry `i`'s key.
pub fn rehash(old: &[u64], new: &mut [u64], hash_of: impl Fn(u32) -> u64) {
    for &s in old.iter().filter(|&&s| s != EMPTY) {
        let index = (s & 0xffff_ffff) as u32 - 1;
        let hash = hash_of(index);
        if let Probe::Vacant(pos) = probe(new, hash, |_| false) {
            fill(new, pos, hash, index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec;
    use std::vec::Vec;

    /// A list of keys with its index, as the kernel shell keeps them.
    struct List {
        keys: Vec<([u8; 20], u32)>,
        slots: Vec<u64>,
    }

    impl List {
        fn new() -> Self {
            Self {
                keys: Vec::new(),
                slots: Vec::new(),
            }
        }

        fn find(&self, key: &([u8; 20], u32)) -> Option<u32> {
            if self.slots.is_empty() {
                return None;
            }
            match probe(&self.slots, key_hash(&key.0, key.1), |i| {
                self.keys[i as usize] == *key
            }) {
                Probe::Found(i) => Some(i),
                Probe::Vacant(_) => None,
            }
        }

        /// Appends unless present, as `MeasurementList::append`.
        fn append(&mut self, key: ([u8; 20], u32)) -> bool {
            if self.find(&key).is_some() {
                return false;
            }
            let want = capacity_for(self.slots.len(), self.keys.len());
            if want != self.slots.len() {
                let mut new = vec![EMPTY; want];
                let keys = &self.keys;
                rehash(&self.slots, &mut new, |i| {
                    let k = &keys[i as usize];
                    key_hash(&k.0, k.1)
                });
                self.slots = new;
            }
            let hash = key_hash(&key.0, key.1);
            let Probe::Vacant(pos) = probe(&self.slots, hash, |_| false) else {
                unreachable!()
            };
            fill(&mut self.slots, pos, hash, self.keys.len() as u32);
            self.keys.push(key);
            true
        }
    }

    fn key(n: u32, pcr: u32) -> ([u8; 20], u32) {
        let mut d = [0u8; 20];
        // Spread like a digest, with deliberate low-byte collisions.
        d[..4].copy_from_slice(&(n % 7).to_le_bytes());
        d[4..8].copy_from_slice(&n.wrapping_mul(2_654_435_761).to_le_bytes());
        d[8..12].copy_from_slice(&n.to_le_bytes());
        (d, pcr)
    }

    #[test]
    fn finds_every_key_and_rejects_duplicates() {
        let mut l = List::new();
        for n in 0..5000 {
            assert!(l.append(key(n, 10)));
        }
        for n in 0..5000 {
            assert_eq!(l.find(&key(n, 10)), Some(n));
            assert!(!l.append(key(n, 10)), "duplicate {n} added");
        }
        assert_eq!(l.keys.len(), 5000);
        assert!(l.slots.len() >= 10_000, "more than half full");
    }

    #[test]
    fn same_digest_other_pcr_is_another_key() {
        let mut l = List::new();
        assert!(l.append(key(1, 10)));
        assert!(l.append(key(1, 11)));
        assert!(!l.append(key(1, 11)));
        assert_eq!(l.find(&key(1, 12)), None);
    }

    #[test]
    fn tag_collisions_are_resolved_by_the_entry() {
        // Same first 8 bytes, same PCR: identical hash and tag.
        let mut a = [7u8; 20];
        let mut b = a;
        a[19] = 1;
        b[19] = 2;
        let mut l = List::new();
        assert!(l.append((a, 10)));
        assert!(l.append((b, 10)));
        assert_eq!(l.find(&(a, 10)), Some(0));
        assert_eq!(l.find(&(b, 10)), Some(1));
    }

    #[test]
    fn capacity_doubles_at_half() {
        assert_eq!(capacity_for(0, 0), 16);
        assert_eq!(capacity_for(16, 7), 16);
        assert_eq!(capacity_for(16, 8), 32);
    }
}
