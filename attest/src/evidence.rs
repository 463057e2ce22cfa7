// SPDX-License-Identifier: GPL-2.0
//! The evidence file (version 1): text header lines, then four sections,
//! each a `name <length>` line, that many bytes and a newline:
//!
//! ```text
//! ima-ns-evidence 1
//! namespace <id>
//! nonce <hex>
//! banks <algo>...            PCR 10's banks, in the quote's selection order
//! host-list full|reduced
//! quote <n>                  TPMS_ATTEST (tpm2_quote -m)
//! signature <n>              TPMT_SIGNATURE (tpm2_quote -s)
//! host-entries <n>           the host list, see list::encode_entries
//! namespace-list <n>         the namespace's binary_runtime_measurements
//! ```
//!
//! Header lines other than these (`key value`, before `quote`) are ignored,
//! so fields can be added in version 1; anything else is refused.

use crate::list::{self, Entry, Malformed};
use crate::{hex, unhex};
use ima_tpm::HashAlgo;
use std::fmt;

/// The format version written and read.
pub const VERSION: u32 = 1;

/// Bytes an evidence file may hold (the parser refuses larger ones).
pub const MAX_SIZE: usize = 1 << 30;

/// A parsed evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The namespace attested.
    pub namespace: u64,
    /// The nonce the quote was asked for.
    pub nonce: Vec<u8>,
    /// The banks of PCR 10 the quote covers, in selection order; the
    /// host entries carry one template digest for each.
    pub banks: Vec<HashAlgo>,
    /// Whether host entries other than anchors are reduced to digests.
    pub reduced: bool,
    /// `TPMS_ATTEST`.
    pub quote: Vec<u8>,
    /// `TPMT_SIGNATURE`.
    pub signature: Vec<u8>,
    /// The host's list, encoded by [`list::encode_entries`].
    pub host_entries: Vec<u8>,
    /// The namespace's binary list (SHA-1 template digests).
    pub namespace_list: Vec<u8>,
}

/// Why evidence does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn ferr(s: impl Into<String>) -> FormatError {
    FormatError(s.into())
}

/// Splits off one `\n`-terminated line.
fn line<'a>(b: &mut &'a [u8]) -> Result<&'a str, FormatError> {
    let n = b
        .iter()
        .position(|&c| c == b'\n')
        .ok_or_else(|| ferr("evidence is truncated (no end of line)"))?;
    let l = std::str::from_utf8(&b[..n]).map_err(|_| ferr("evidence header is not UTF-8"))?;
    *b = &b[n + 1..];
    Ok(l)
}

fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// Reads section `name` (its line was `line`): its length, bytes and
/// final newline.
fn section(b: &mut &[u8], name: &str) -> Result<Vec<u8>, FormatError> {
    let l = line(b)?;
    let n = l
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix(' '))
        .and_then(decimal)
        .ok_or_else(|| ferr(format!("expected \"{name} <length>\", got {l:?}")))?;
    let n = usize::try_from(n).map_err(|_| ferr("section too large"))?;
    if b.len() < n.saturating_add(1) || b[n] != b'\n' {
        return Err(ferr(format!("section {name} is truncated")));
    }
    let out = b[..n].to_vec();
    *b = &b[n + 1..];
    Ok(out)
}

impl Evidence {
    /// Encodes the evidence.
    pub fn to_bytes(&self) -> Vec<u8> {
        let banks: Vec<&str> = self.banks.iter().map(|a| a.name()).collect();
        let mut out = format!(
            "ima-ns-evidence {VERSION}\nnamespace {}\nnonce {}\nbanks {}\nhost-list {}\n",
            self.namespace,
            hex(&self.nonce),
            banks.join(" "),
            if self.reduced { "reduced" } else { "full" }
        )
        .into_bytes();
        for (name, bytes) in [
            ("quote", &self.quote),
            ("signature", &self.signature),
            ("host-entries", &self.host_entries),
            ("namespace-list", &self.namespace_list),
        ] {
            out.extend_from_slice(format!("{name} {}\n", bytes.len()).as_bytes());
            out.extend_from_slice(bytes);
            out.push(b'\n');
        }
        out
    }

    /// Parses evidence; every section present, in order, nothing after.
    pub fn parse(mut b: &[u8]) -> Result<Self, FormatError> {
        if b.len() > MAX_SIZE {
            return Err(ferr("evidence is larger than 1 GiB"));
        }
        let b = &mut b;
        let first = line(b)?;
        match first.strip_prefix("ima-ns-evidence ") {
            Some(v) if decimal(v) == Some(u64::from(VERSION)) => {}
            Some(v) => return Err(ferr(format!("evidence version {v:?} is not {VERSION}"))),
            None => return Err(ferr("not an ima-ns evidence file")),
        }
        let (mut namespace, mut nonce, mut banks, mut reduced) = (None, None, None, None);
        loop {
            if b.starts_with(b"quote ") {
                break;
            }
            let l = line(b)?;
            let (k, v) = l
                .split_once(' ')
                .ok_or_else(|| ferr(format!("header line {l:?} is not \"key value\"")))?;
            let dup = |seen: bool| {
                if seen {
                    Err(ferr(format!("header {k} repeated")))
                } else {
                    Ok(())
                }
            };
            match k {
                "namespace" => {
                    dup(namespace.is_some())?;
                    namespace = Some(decimal(v).ok_or_else(|| ferr("namespace is not an id"))?);
                }
                "nonce" => {
                    dup(nonce.is_some())?;
                    nonce = Some(unhex(v).ok_or_else(|| ferr("nonce is not hex"))?);
                }
                "banks" => {
                    dup(banks.is_some())?;
                    let mut list: Vec<HashAlgo> = Vec::new();
                    for name in v.split(' ') {
                        let a = HashAlgo::from_name(name).ok_or_else(|| {
                            ferr(format!("bank {name:?} is not sha1/sha256/sha384/sha512"))
                        })?;
                        if list.contains(&a) {
                            return Err(ferr(format!("bank {name} repeated")));
                        }
                        list.push(a);
                    }
                    banks = Some(list);
                }
                "host-list" => {
                    dup(reduced.is_some())?;
                    reduced = Some(match v {
                        "full" => false,
                        "reduced" => true,
                        _ => return Err(ferr("host-list is not full or reduced")),
                    });
                }
                _ => {}
            }
        }
        let missing = |k: &str| ferr(format!("header {k} missing"));
        let ev = Evidence {
            namespace: namespace.ok_or_else(|| missing("namespace"))?,
            nonce: nonce.ok_or_else(|| missing("nonce"))?,
            banks: banks.ok_or_else(|| missing("banks"))?,
            reduced: reduced.ok_or_else(|| missing("host-list"))?,
            quote: section(b, "quote")?,
            signature: section(b, "signature")?,
            host_entries: section(b, "host-entries")?,
            namespace_list: section(b, "namespace-list")?,
        };
        if !b.is_empty() {
            return Err(ferr("bytes after the namespace-list section"));
        }
        Ok(ev)
    }

    /// The host entries, parsed.
    pub fn host(&self) -> Result<Vec<Entry>, Malformed> {
        list::parse_entries(&self.host_entries, &self.banks)
    }

    /// The namespace's entries, parsed.
    pub fn namespace_entries(&self) -> Result<Vec<Entry>, Malformed> {
        list::parse_binary(&self.namespace_list, HashAlgo::Sha1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Evidence {
        Evidence {
            namespace: 3,
            nonce: vec![1, 2, 0xff],
            banks: vec![HashAlgo::Sha1, HashAlgo::Sha256],
            reduced: true,
            quote: b"q\nq".to_vec(),
            signature: vec![],
            host_entries: vec![0; 5],
            namespace_list: b"nslist\n".to_vec(),
        }
    }

    #[test]
    fn round_trips() {
        let e = sample();
        let b = e.to_bytes();
        assert!(b.starts_with(b"ima-ns-evidence 1\nnamespace 3\nnonce 0102ff\nbanks sha1 sha256\nhost-list reduced\nquote 3\nq\nq\nsignature 0\n\n"));
        assert_eq!(Evidence::parse(&b).unwrap(), e);
    }

    #[test]
    fn unknown_header_keys_are_ignored() {
        let b = sample().to_bytes();
        let s = String::from_utf8_lossy(&b).replacen("host-list", "image x\nhost-list", 1);
        assert_eq!(Evidence::parse(s.as_bytes()).unwrap(), sample());
    }

    #[test]
    fn every_truncation_and_bad_header_is_refused() {
        let b = sample().to_bytes();
        for n in 0..b.len() {
            assert!(Evidence::parse(&b[..n]).is_err(), "{n}");
        }
        let mut extra = b.clone();
        extra.push(b'x');
        assert!(Evidence::parse(&extra).is_err());
        for (from, to) in [
            ("ima-ns-evidence 1", "ima-ns-evidence 2"),
            ("namespace 3", "namespace x"),
            ("namespace 3", "namespace 03"),
            ("nonce 0102ff", "nonce 0102f"),
            ("banks sha1 sha256", "banks sha1 sha1"),
            ("banks sha1 sha256", "banks md5"),
            ("host-list reduced", "host-list some"),
            ("quote 3", "quote 4"),
            ("quote 3", "quote -3"),
            ("signature 0", "signatures 0"),
            ("nonce 0102ff\n", "nonce 0102ff\nnonce 00\n"),
            ("namespace 3\n", ""),
        ] {
            let s = String::from_utf8_lossy(&b).replacen(from, to, 1);
            assert!(Evidence::parse(s.as_bytes()).is_err(), "{to}");
        }
    }
}
