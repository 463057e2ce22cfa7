// SPDX-License-Identifier: GPL-2.0
//! Namespace anchors: the `ima-buf` entries a parent's list records for a
//! child namespace (`start`, `checkpoint`, `end`), their names and the blob
//! each one's buffer holds. The one place the encoding lives: the kernel
//! writes blobs with [`write_start`] and [`write_state`], verifiers read
//! them with [`parse`]. Documented in `Documentation/namespaces.md`.
//!
//! A blob is text: a first line `ima-ns <kind>`, then `version <n>`, then
//! `key value` lines. Readers ignore keys they do not know, so fields can
//! be added without a new version; [`VERSION`] changes only when a key
//! changes meaning. A start blob ends with a `policy` line followed by the
//! policy as its `policy` file shows it.
//!
//! ```
//! use ima_template::anchor::{self, Kind};
//! use ima_tpm::{Digest, HashAlgo};
//!
//! let vpcr = [Digest::zero(HashAlgo::Sha1), Digest::zero(HashAlgo::Sha256)];
//! let mut blob = String::new();
//! anchor::write_state(&mut blob, Kind::Checkpoint, 7, 3, &vpcr).unwrap();
//! let a = anchor::parse(blob.as_bytes()).unwrap();
//! assert_eq!((a.kind, a.id, a.entries), (Kind::Checkpoint, 7, Some(3)));
//! assert_eq!(a.vpcr(HashAlgo::Sha256), Some(Digest::zero(HashAlgo::Sha256)));
//! ```

use core::fmt::{self, Write};
use ima_tpm::{Digest, HashAlgo};

/// The blob format version written.
pub const VERSION: u32 = 1;

/// Entry name prefix of every anchor: `ima-ns:<kind>:<id>`.
pub const NAME_PREFIX: &str = "ima-ns:";

/// What an anchor marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The namespace became active: its configuration and policy.
    Start,
    /// A live namespace's list so far: entries and virtual PCR.
    Checkpoint,
    /// The namespace ended: its final entries and virtual PCR.
    End,
}

impl Kind {
    /// The word in names and blobs.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Start => "start",
            Kind::Checkpoint => "checkpoint",
            Kind::End => "end",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        [Kind::Start, Kind::Checkpoint, Kind::End]
            .into_iter()
            .find(|k| k.name() == s)
    }

    /// Whether the blob records a list state (entries and vPCR).
    pub fn has_state(self) -> bool {
        matches!(self, Kind::Checkpoint | Kind::End)
    }
}

/// Writes the entry name of `kind`'s anchor for namespace `id`.
pub fn write_name(out: &mut impl Write, kind: Kind, id: u64) -> fmt::Result {
    write!(out, "{NAME_PREFIX}{}:{id}", kind.name())
}

/// The kind and namespace id an entry name stands for, if it names an
/// anchor.
pub fn parse_name(name: &[u8]) -> Option<(Kind, u64)> {
    let s = core::str::from_utf8(name).ok()?;
    let (kind, id) = s.strip_prefix(NAME_PREFIX)?.split_once(':')?;
    Some((Kind::from_name(kind)?, parse_decimal(id)?))
}

/// A namespace's configuration, as its start anchor records it.
pub struct StartInfo<'a> {
    /// The namespace.
    pub id: u64,
    /// Its parent, in whose list the anchor is.
    pub parent: u64,
    /// Its file hash algorithm.
    pub hash: HashAlgo,
    /// Its template's name.
    pub template: &'a str,
    /// Its `for_children/model` setting.
    pub model: &'a dyn fmt::Display,
    /// Its `for_children/identity` text (what a runtime says about the
    /// container): each non-empty line becomes an `identity` line.
    pub identity: &'a [u8],
}

/// Writes a start blob's header, up to and including its `policy` line;
/// the caller writes the policy after it.
pub fn write_start(out: &mut impl Write, info: &StartInfo<'_>) -> fmt::Result {
    write!(
        out,
        "ima-ns start\nversion {VERSION}\nid {}\nparent {}\nhash {}\ntemplate {}\nmodel {}\n",
        info.id,
        info.parent,
        info.hash.name(),
        info.template,
        info.model
    )?;
    // Between `model` and `policy`, and only when set: the blob of a
    // namespace without an identity is unchanged.
    for line in info
        .identity
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
    {
        writeln!(
            out,
            "identity {}",
            core::str::from_utf8(line).unwrap_or("?")
        )?;
    }
    out.write_str("policy\n")
}

/// Writes a checkpoint or end blob: the namespace's first `entries`
/// entries replay to `vpcr` (one digest per bank).
pub fn write_state(
    out: &mut impl Write,
    kind: Kind,
    id: u64,
    entries: u64,
    vpcr: &[Digest],
) -> fmt::Result {
    if !kind.has_state() {
        return Err(fmt::Error);
    }
    write!(
        out,
        "ima-ns {}\nversion {VERSION}\nid {id}\nentries {entries}\n",
        kind.name()
    )?;
    for d in vpcr {
        writeln!(out, "{} {:x}", d.algo().name(), d)?;
    }
    Ok(())
}

/// Why a blob does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not UTF-8, or no `ima-ns <kind>` first line.
    NotAnAnchor,
    /// A `version` other than [`VERSION`].
    Version,
    /// A required key is missing, repeated, or its value does not parse.
    BadField(&'static str),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotAnAnchor => f.write_str("not an ima-ns anchor blob"),
            ParseError::Version => write!(f, "anchor blob version is not {VERSION}"),
            ParseError::BadField(k) => write!(f, "anchor blob field \"{k}\" missing or malformed"),
        }
    }
}

/// A parsed blob (borrowing from it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor<'a> {
    /// What it marks.
    pub kind: Kind,
    /// The namespace.
    pub id: u64,
    /// Checkpoint and end: the number of entries the vPCR covers.
    pub entries: Option<u64>,
    /// Checkpoint and end: `(algo, digest)` per bank, `None` where a bank
    /// line is absent.
    vpcr: [Option<Digest>; 4],
    /// Start: the parent's id.
    pub parent: Option<u64>,
    /// Start: the policy text after the `policy` line.
    pub policy: Option<&'a str>,
    /// The blob, for fields this parser does not know.
    pub text: &'a str,
}

impl Anchor<'_> {
    /// The virtual PCR the blob records in bank `algo`.
    pub fn vpcr(&self, algo: HashAlgo) -> Option<Digest> {
        let i = HashAlgo::ALL.iter().position(|&a| a == algo)?;
        self.vpcr[i]
    }

    /// The value of `key` (first `key value` line before any `policy`).
    pub fn field(&self, key: &str) -> Option<&str> {
        header(self.text)
            .filter_map(|l| l.split_once(' '))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// The lines before `policy` (the whole blob if it has none), after the
/// first.
fn header(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .skip(1)
        .take_while(|l| *l != "policy")
        .filter(|l| !l.is_empty())
}

fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

fn parse_hex_digest(algo: HashAlgo, s: &str) -> Option<Digest> {
    let n = algo.digest_size();
    if s.len() != 2 * n {
        return None;
    }
    let mut buf = [0u8; 64];
    for (i, b) in buf[..n].iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    {
        return None;
    }
    Digest::from_bytes(algo, &buf[..n])
}

/// Parses a blob. Required keys: `version`, `id`; `entries` and every
/// bank line present for checkpoint and end; `parent` and `policy` for
/// start. Keys may not repeat; unknown keys are ignored.
pub fn parse(blob: &[u8]) -> Result<Anchor<'_>, ParseError> {
    let text = core::str::from_utf8(blob).map_err(|_| ParseError::NotAnAnchor)?;
    let first = text.split('\n').next().unwrap_or("");
    let kind = first
        .strip_prefix("ima-ns ")
        .and_then(Kind::from_name)
        .ok_or(ParseError::NotAnAnchor)?;
    let mut a = Anchor {
        kind,
        id: 0,
        entries: None,
        vpcr: [None; 4],
        parent: None,
        policy: None,
        text,
    };
    let mut seen_version = false;
    let mut seen_id = false;
    for line in header(text) {
        let (k, v) = line.split_once(' ').ok_or(ParseError::BadField("line"))?;
        let once = |seen: bool, k: &'static str| {
            if seen {
                Err(ParseError::BadField(k))
            } else {
                Ok(())
            }
        };
        match k {
            "version" => {
                once(seen_version, "version")?;
                seen_version = true;
                if parse_decimal(v) != Some(u64::from(VERSION)) {
                    return Err(ParseError::Version);
                }
            }
            "id" => {
                once(seen_id, "id")?;
                seen_id = true;
                a.id = parse_decimal(v).ok_or(ParseError::BadField("id"))?;
            }
            "entries" if kind.has_state() => {
                once(a.entries.is_some(), "entries")?;
                a.entries = Some(parse_decimal(v).ok_or(ParseError::BadField("entries"))?);
            }
            "parent" if kind == Kind::Start => {
                once(a.parent.is_some(), "parent")?;
                a.parent = Some(parse_decimal(v).ok_or(ParseError::BadField("parent"))?);
            }
            _ if kind.has_state() => {
                if let Some(i) = HashAlgo::ALL.iter().position(|al| al.name() == k) {
                    once(a.vpcr[i].is_some(), "vpcr")?;
                    a.vpcr[i] = Some(
                        parse_hex_digest(HashAlgo::ALL[i], v)
                            .ok_or(ParseError::BadField("vpcr"))?,
                    );
                }
            }
            _ => {}
        }
    }
    if !seen_version {
        return Err(ParseError::Version);
    }
    if !seen_id {
        return Err(ParseError::BadField("id"));
    }
    match kind {
        Kind::Start => {
            a.parent.ok_or(ParseError::BadField("parent"))?;
            let at = text
                .find("\npolicy\n")
                .ok_or(ParseError::BadField("policy"))?;
            a.policy = Some(&text[at + "\npolicy\n".len()..]);
        }
        _ => {
            a.entries.ok_or(ParseError::BadField("entries"))?;
            if a.vpcr.iter().all(Option::is_none) {
                return Err(ParseError::BadField("vpcr"));
            }
        }
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;

    fn vpcr() -> [Digest; 4] {
        HashAlgo::ALL.map(|a| Digest::of(a, &[b"x"]))
    }

    #[test]
    fn names_round_trip() {
        let mut s = String::new();
        write_name(&mut s, Kind::Checkpoint, 42).unwrap();
        assert_eq!(s, "ima-ns:checkpoint:42");
        assert_eq!(parse_name(s.as_bytes()), Some((Kind::Checkpoint, 42)));
        assert_eq!(parse_name(b"ima-ns:end:1"), Some((Kind::End, 1)));
        for bad in [
            &b"ima-ns:end:"[..],
            b"ima-ns:end:01",
            b"ima-ns:stop:1",
            b"ima-ns:hooks-off",
            b"/bin/true",
            b"ima-ns:end:1x",
            b"ima-ns:end:99999999999999999999",
        ] {
            assert_eq!(parse_name(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn state_blob_is_the_documented_text() {
        let mut s = String::new();
        let z = [Digest::zero(HashAlgo::Sha1)];
        write_state(&mut s, Kind::End, 3, 5, &z).unwrap();
        assert_eq!(
            s,
            "ima-ns end\nversion 1\nid 3\nentries 5\nsha1 0000000000000000000000000000000000000000\n"
        );
        assert!(write_state(&mut s, Kind::Start, 3, 5, &z).is_err());
    }

    #[test]
    fn state_blob_round_trips() {
        let v = vpcr();
        let mut s = String::new();
        write_state(&mut s, Kind::Checkpoint, 9, 1234, &v).unwrap();
        let a = parse(s.as_bytes()).unwrap();
        assert_eq!(a.kind, Kind::Checkpoint);
        assert_eq!(a.id, 9);
        assert_eq!(a.entries, Some(1234));
        for d in v {
            assert_eq!(a.vpcr(d.algo()), Some(d));
        }
    }

    #[test]
    fn start_blob_round_trips_and_keeps_policy() {
        let mut s = String::new();
        let info = StartInfo {
            identity: b"",
            id: 4,
            parent: 0,
            hash: HashAlgo::Sha256,
            template: "ima-ng",
            model: &"internal",
        };
        write_start(&mut s, &info).unwrap();
        s.push_str("measure func=BPRM_CHECK \n");
        assert!(s.starts_with("ima-ns start\nversion 1\nid 4\nparent 0\nhash sha256\ntemplate ima-ng\nmodel internal\npolicy\n"));
        let a = parse(s.as_bytes()).unwrap();
        assert_eq!((a.kind, a.id, a.parent), (Kind::Start, 4, Some(0)));
        assert_eq!(a.policy, Some("measure func=BPRM_CHECK \n"));
        assert_eq!(a.field("template"), Some("ima-ng"));
        assert_eq!(a.field("model"), Some("internal"));
        // A policy line looking like a key is not a field.
        let mut s2 = String::new();
        write_start(&mut s2, &info).unwrap();
        s2.push_str("container abc\n");
        assert_eq!(parse(s2.as_bytes()).unwrap().field("container"), None);
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let blob = "ima-ns checkpoint\nversion 1\nid 2\nimage quay.io/x\nentries 0\nsha1 0000000000000000000000000000000000000000\n";
        let a = parse(blob.as_bytes()).unwrap();
        assert_eq!(a.field("image"), Some("quay.io/x"));
        assert_eq!(a.entries, Some(0));
    }

    #[test]
    fn bad_blobs_are_refused() {
        let z = "0000000000000000000000000000000000000000";
        let cases: &[(&str, ParseError)] = &[
            ("", ParseError::NotAnAnchor),
            ("ima-ns stop\nversion 1\nid 1\n", ParseError::NotAnAnchor),
            ("ima-ns end\nid 1\nentries 1\n", ParseError::Version),
            ("ima-ns end\nversion 2\nid 1\n", ParseError::Version),
            (
                "ima-ns end\nversion 1\nentries 1\n",
                ParseError::BadField("id"),
            ),
            (
                "ima-ns end\nversion 1\nid 1\nid 2\n",
                ParseError::BadField("id"),
            ),
            (
                "ima-ns end\nversion 1\nid 1\n",
                ParseError::BadField("entries"),
            ),
            (
                "ima-ns end\nversion 1\nid 1\nentries 1\n",
                ParseError::BadField("vpcr"),
            ),
            (
                "ima-ns end\nversion 1\nid 1\nentries 1\nsha1 00\n",
                ParseError::BadField("vpcr"),
            ),
            ("ima-ns end\nversion 1\nid -1\n", ParseError::BadField("id")),
            (
                "ima-ns start\nversion 1\nid 1\nparent 0\n",
                ParseError::BadField("policy"),
            ),
            (
                "ima-ns start\nversion 1\nid 1\npolicy\n",
                ParseError::BadField("parent"),
            ),
        ];
        for (blob, e) in cases {
            assert_eq!(parse(blob.as_bytes()).unwrap_err(), *e, "{blob:?}");
        }
        let upper = std::format!(
            "ima-ns end\nversion 1\nid 1\nentries 1\nsha1 {}\n",
            z.to_uppercase().replace('0', "A")
        );
        assert_eq!(
            parse(upper.as_bytes()).unwrap_err(),
            ParseError::BadField("vpcr")
        );
        assert_eq!(parse(&[0xff, 0xfe]).unwrap_err(), ParseError::NotAnAnchor);
    }
}
