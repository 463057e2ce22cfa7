// SPDX-License-Identifier: GPL-2.0
//! How tasks enter a namespace held for children: the values of the
//! `ns_unshare` and `ns_join` files, and the `for_children/identity` text
//! recorded in the `start` anchor.
//!
//! ```text
//! ns_unshare:  1 | pidns
//! ns_join:     <id> [pidns]
//! identity:    lines of printable ASCII (space allowed), each non-empty
//! ```
//!
//! `1` (and a bare `<id>`): the holder's next child enters, as today.
//! `pidns`: children enter only when born into a PID namespace other than
//! their parent's (a container's init, or a process a runtime forks after
//! `setns(CLONE_NEWPID)`); every other child inherits the hold instead,
//! so an OCI runtime's own helper processes stay out.

/// When a holder's children enter the namespace it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Its next child, whatever it is.
    Fork,
    /// Only a child born into a new PID namespace; other children inherit
    /// the hold.
    NewPidNs,
}

impl Entry {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "pidns" => Some(Entry::NewPidNs),
            _ => None,
        }
    }
}

/// Parses a write to `ns_unshare` (already trimmed).
pub fn parse_unshare(text: &str) -> Option<Entry> {
    match text {
        "1" => Some(Entry::Fork),
        _ => Entry::parse(text),
    }
}

/// A write to `ns_join`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Join {
    /// The namespace to hold for children (never 0: the host is no one's
    /// descendant).
    pub id: u64,
    pub entry: Entry,
}

/// Parses a write to `ns_join` (already trimmed): a decimal id without
/// sign or leading zeros, optionally followed by one space and `pidns`.
pub fn parse_join(text: &str) -> Option<Join> {
    let (id, entry) = match text.split_once(' ') {
        None => (text, Entry::Fork),
        Some((id, rest)) => (id, Entry::parse(rest)?),
    };
    if id.is_empty() || id.starts_with('0') || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Join {
        id: id.parse().ok()?,
        entry,
    })
}

/// Most bytes `for_children/identity` holds (one write).
pub const IDENTITY_MAX: usize = 4095;

/// Why an identity text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityError {
    TooLong,
    /// A byte outside printable ASCII and space, other than the line ends.
    BadByte {
        line: usize,
    },
    EmptyLine {
        line: usize,
    },
}

/// Checks a write to `for_children/identity`: at most [`IDENTITY_MAX`]
/// bytes of `\n`-separated lines (a final `\n` optional), each non-empty
/// printable ASCII. An empty text clears the identity.
pub fn check_identity(text: &[u8]) -> Result<(), IdentityError> {
    if text.len() > IDENTITY_MAX {
        return Err(IdentityError::TooLong);
    }
    for (i, line) in identity_lines(text).enumerate() {
        if line.is_empty() {
            return Err(IdentityError::EmptyLine { line: i + 1 });
        }
        if !line.iter().all(|&b| (b' '..=b'~').contains(&b)) {
            return Err(IdentityError::BadByte { line: i + 1 });
        }
    }
    Ok(())
}

/// The lines of an identity text (without their `\n`; no line after a
/// final `\n`).
pub fn identity_lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let empty = text.is_empty();
    text.split(|&b| b == b'\n').filter(move |_| !empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unshare_values() {
        assert_eq!(parse_unshare("1"), Some(Entry::Fork));
        assert_eq!(parse_unshare("pidns"), Some(Entry::NewPidNs));
        for bad in ["", "0", "2", "1 pidns", "PIDNS", "pidns ", " 1"] {
            assert_eq!(parse_unshare(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn join_values() {
        assert_eq!(
            parse_join("7"),
            Some(Join {
                id: 7,
                entry: Entry::Fork
            })
        );
        assert_eq!(
            parse_join("18446744073709551615 pidns"),
            Some(Join {
                id: u64::MAX,
                entry: Entry::NewPidNs
            })
        );
        for bad in [
            "",
            "0",
            "07",
            "-1",
            "+1",
            "1 ",
            "1  pidns",
            "1 fork",
            "x",
            "18446744073709551616",
            "1\npidns",
            " 1",
        ] {
            assert_eq!(parse_join(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn identity_texts() {
        assert_eq!(check_identity(b""), Ok(()));
        assert_eq!(check_identity(b"container c1\nrootfs /a b\n"), Ok(()));
        assert_eq!(check_identity(b"container c1"), Ok(()));
        assert_eq!(
            check_identity(b"a\n\nb\n"),
            Err(IdentityError::EmptyLine { line: 2 })
        );
        assert_eq!(check_identity(b"\n"), Ok(()));
        assert_eq!(
            check_identity(b"\n\n"),
            Err(IdentityError::EmptyLine { line: 1 })
        );
        assert_eq!(
            check_identity(b"a\nb\tc\n"),
            Err(IdentityError::BadByte { line: 2 })
        );
        assert_eq!(
            check_identity("é\n".as_bytes()),
            Err(IdentityError::BadByte { line: 1 })
        );
        assert_eq!(
            check_identity(&[b'a'; IDENTITY_MAX + 1]),
            Err(IdentityError::TooLong)
        );
        assert_eq!(check_identity(&[b'a'; IDENTITY_MAX]), Ok(()));
        let lines: [&[u8]; 2] = [b"x y", b"z"];
        assert!(identity_lines(b"x y\nz\n").eq(lines));
        assert_eq!(identity_lines(b"").count(), 0);
    }
}
