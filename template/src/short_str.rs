// SPDX-License-Identifier: GPL-2.0
//! A short string stored inline: a template's name or format string.

use core::fmt;
use core::ops::Deref;

/// Longest template format string: 15 fields of the longest id
/// (`xattrlengths`, 12 bytes) and 14 separators.
pub const MAX_FMT_LEN: usize = crate::MAX_FIELDS * 12 + crate::MAX_FIELDS - 1;

/// An inline string of at most [`MAX_FMT_LEN`] bytes.
///
/// # Invariants
///
/// `buf[..len]` is valid UTF-8 and bytes past `len` are zero.
#[derive(Clone, Copy)]
pub struct ShortStr {
    len: u8,
    buf: [u8; MAX_FMT_LEN],
}

impl ShortStr {
    /// The empty string.
    pub const EMPTY: Self = Self {
        len: 0,
        buf: [0; MAX_FMT_LEN],
    };

    /// Copies `s`; panics (at compile time in a `const`) if it is too long.
    pub(crate) const fn new(s: &str) -> Self {
        let b = s.as_bytes();
        assert!(b.len() <= MAX_FMT_LEN, "string too long for ShortStr");
        let mut out = Self::EMPTY;
        let mut i = 0;
        while i < b.len() {
            out.buf[i] = b[i];
            i += 1;
        }
        // INVARIANT: a copy of a `str`, zero after it.
        out.len = b.len() as u8;
        out
    }

    /// Appends `s`; `None` if the result would be too long.
    pub(crate) fn push(&mut self, s: &str) -> Option<()> {
        let start = self.len as usize;
        let end = start.checked_add(s.len()).filter(|&e| e <= MAX_FMT_LEN)?;
        // INVARIANT: appending a `str` to a `str` keeps it UTF-8.
        self.buf[start..end].copy_from_slice(s.as_bytes());
        self.len = end as u8;
        Some(())
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // By the invariant this cannot fail; fall back to "" rather than
        // carry an `unsafe` block for it.
        core::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("")
    }
}

impl Deref for ShortStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for ShortStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortStr {}

impl PartialEq<str> for ShortStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ShortStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
