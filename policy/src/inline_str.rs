// SPDX-License-Identifier: GPL-2.0
//! A fixed-capacity string stored inline, for rule values without `alloc`.

use core::fmt;

/// Up to `N` bytes of UTF-8 (`N` at most 255), stored inline.
///
/// # Invariants
///
/// `buf[..len]` is valid UTF-8 and `buf[len..]` is all zero, so the derived
/// comparisons compare the strings.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct InlineStr<const N: usize> {
    len: u8,
    buf: [u8; N],
}

impl<const N: usize> InlineStr<N> {
    /// The capacity in bytes.
    pub const CAPACITY: usize = {
        assert!(N <= 255, "InlineStr capacity is at most 255");
        N
    };

    /// Copies `s`, or `None` if it is longer than `N` bytes.
    pub const fn new(s: &str) -> Option<Self> {
        let bytes = s.as_bytes();
        if bytes.len() > Self::CAPACITY {
            return None;
        }
        let mut buf = [0u8; N];
        let mut i = 0;
        while i < bytes.len() {
            buf[i] = bytes[i];
            i += 1;
        }
        // INVARIANT: a copy of a `str`, zero-padded.
        Some(Self {
            len: bytes.len() as u8,
            buf,
        })
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // The invariant makes this infallible; stay panic-free regardless.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The string's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the string is empty.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> fmt::Debug for InlineStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for InlineStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::InlineStr;

    #[test]
    fn holds_up_to_capacity() {
        let s = InlineStr::<4>::new("abcd").unwrap();
        assert_eq!(s.as_str(), "abcd");
        assert_eq!(s.len(), 4);
        assert!(InlineStr::<4>::new("abcde").is_none());
        assert!(InlineStr::<4>::new("").unwrap().is_empty());
        assert_eq!(InlineStr::<8>::new("ab"), InlineStr::<8>::new("ab"));
        assert_ne!(InlineStr::<8>::new("ab"), InlineStr::<8>::new("abc"));
    }
}
