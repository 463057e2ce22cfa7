// SPDX-License-Identifier: GPL-2.0
//! Measurement lists: upstream's binary list format, the evidence's host
//! entries (digests per bank, data optional), template digests, and the
//! fields of `ima-buf` and `ima-ng`-like entries.

use ima_template::{Field, Template};
use ima_tpm::{Digest, HashAlgo};
use std::fmt;

/// Where a list does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// The entry (0-based) that does not parse.
    pub entry: usize,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.entry, self.what)
    }
}

/// One entry of a list. `data` is the entry's template data as the binary
/// list carries it (for the legacy `ima` template: the SHA-1 file digest,
/// `u32` name length and the name; else the fields, length-prefixed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The PCR it extends.
    pub pcr: u32,
    /// Template digests, one per bank of the list (zeros: a violation).
    pub digests: Vec<Digest>,
    /// Template name and data; `None` where the evidence withholds them.
    pub body: Option<Body>,
}

/// An entry's template and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The template's name (or format string).
    pub template: String,
    /// Its data, as the binary list carries it.
    pub data: Vec<u8>,
}

/// A cursor over bytes.
pub(crate) struct Reader<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) off: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Self { b, off: 0 }
    }
    pub(crate) fn done(&self) -> bool {
        self.off >= self.b.len()
    }
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.off.checked_add(n)?;
        let s = self.b.get(self.off..end)?;
        self.off = end;
        Some(s)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub(crate) fn u32le(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(crate) fn u16be(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    pub(crate) fn u32be(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(crate) fn u64be(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A TPM2B: big-endian `u16` size, then that many bytes.
    pub(crate) fn tpm2b(&mut self) -> Option<&'a [u8]> {
        let n = self.u16be()?;
        self.take(n.into())
    }
}

/// Template names are short; anything longer is malformed.
const MAX_TEMPLATE_NAME: usize = 256;

fn body(r: &mut Reader<'_>) -> Option<Result<Body, &'static str>> {
    let nlen = r.u32le()? as usize;
    if nlen == 0 || nlen > MAX_TEMPLATE_NAME {
        return Some(Err("bad template name length"));
    }
    let Ok(template) = std::str::from_utf8(r.take(nlen)?) else {
        return Some(Err("template name is not UTF-8"));
    };
    let data = if template == "ima" {
        let start = r.off;
        r.take(20)?;
        let flen = r.u32le()? as usize;
        if flen > 255 {
            return Some(Err("'ima' name longer than 255"));
        }
        r.take(flen)?;
        r.b[start..r.off].to_vec()
    } else {
        let dlen = r.u32le()? as usize;
        r.take(dlen)?.to_vec()
    };
    Some(Ok(Body {
        template: template.to_owned(),
        data,
    }))
}

/// Parses an upstream `binary_runtime_measurements[_<algo>]` list whose
/// template digests are in `algo`.
pub fn parse_binary(bytes: &[u8], algo: HashAlgo) -> Result<Vec<Entry>, Malformed> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while !r.done() {
        let entry = out.len();
        let bad = |what| Malformed { entry, what };
        let pcr = r.u32le().ok_or(bad("truncated"))?;
        let d = r.take(algo.digest_size()).ok_or(bad("truncated"))?;
        let digest = Digest::from_bytes(algo, d).ok_or(bad("digest"))?;
        let b = body(&mut r).ok_or(bad("truncated"))?.map_err(bad)?;
        out.push(Entry {
            pcr,
            digests: vec![digest],
            body: Some(b),
        });
    }
    Ok(out)
}

/// Encodes host entries for the evidence: per entry `u32le` PCR, `u8` 1 if
/// the body follows (0 if withheld), one template digest per bank of
/// `banks` in that order, then the body as the binary list has it (`u32le`
/// name length, name, data, the data length-prefixed except for `ima`).
pub fn encode_entries(entries: &[Entry], out: &mut Vec<u8>) {
    for e in entries {
        out.extend_from_slice(&e.pcr.to_le_bytes());
        out.push(u8::from(e.body.is_some()));
        for d in &e.digests {
            out.extend_from_slice(d.as_bytes());
        }
        if let Some(b) = &e.body {
            out.extend_from_slice(&(b.template.len() as u32).to_le_bytes());
            out.extend_from_slice(b.template.as_bytes());
            if b.template != "ima" {
                out.extend_from_slice(&(b.data.len() as u32).to_le_bytes());
            }
            out.extend_from_slice(&b.data);
        }
    }
}

/// Parses what [`encode_entries`] wrote for `banks`.
pub fn parse_entries(bytes: &[u8], banks: &[HashAlgo]) -> Result<Vec<Entry>, Malformed> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while !r.done() {
        let entry = out.len();
        let bad = |what| Malformed { entry, what };
        let pcr = r.u32le().ok_or(bad("truncated"))?;
        let present = match r.u8().ok_or(bad("truncated"))? {
            0 => false,
            1 => true,
            _ => return Err(bad("bad body flag")),
        };
        let mut digests = Vec::with_capacity(banks.len());
        for &algo in banks {
            let d = r.take(algo.digest_size()).ok_or(bad("truncated"))?;
            digests.push(Digest::from_bytes(algo, d).ok_or(bad("digest"))?);
        }
        let body = if present {
            Some(body(&mut r).ok_or(bad("truncated"))?.map_err(bad)?)
        } else {
            None
        };
        out.push(Entry { pcr, digests, body });
    }
    Ok(out)
}

/// Whether a template digest marks a violation (all zeros).
pub fn is_violation(d: &Digest) -> bool {
    d.as_bytes().iter().all(|&b| b == 0)
}

/// What a PCR is extended with for an entry whose template digest is `d`.
pub fn extend_value(d: &Digest) -> Digest {
    if is_violation(d) {
        Digest::ones(d.algo())
    } else {
        *d
    }
}

/// The template digest of `body` in `algo`: the hash of the data, except
/// for the legacy `ima` template (SHA-1 file digest and the name
/// zero-padded to 256 bytes, without lengths).
pub fn template_digest(body: &Body, algo: HashAlgo) -> Digest {
    if body.template == "ima" && body.data.len() >= 24 {
        let mut name = body.data[24..].to_vec();
        name.resize(256, 0);
        Digest::of(algo, &[&body.data[..20], &name])
    } else {
        Digest::of(algo, &[&body.data])
    }
}

fn template_of(name: &str) -> Option<Template> {
    match Template::lookup(name) {
        Some(t) => Some(*t),
        None => Template::parse_fmt(name).ok(),
    }
}

/// A file digest field: its algorithm's name (`"sha1"` for `d`) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest<'a> {
    /// `sha256`, ...; for `d-ngv2` without its `ima:`/`verity:` prefix.
    pub algo: &'a str,
    /// The digest.
    pub bytes: &'a [u8],
}

/// The fields a verifier reads from an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields<'a> {
    /// `d`, `d-ng` or `d-ngv2`.
    pub digest: Option<FileDigest<'a>>,
    /// `n` or `n-ng`, without its NUL.
    pub name: Option<&'a [u8]>,
    /// `buf`.
    pub buf: Option<&'a [u8]>,
}

/// Splits `<prefix>:...<algo>:\0<digest>` (`d-ng`, `d-ngv2`).
fn ng_digest(v: &[u8]) -> Option<FileDigest<'_>> {
    let nul = v.iter().position(|&b| b == 0)?;
    let head = std::str::from_utf8(&v[..nul]).ok()?.strip_suffix(':')?;
    let algo = head.rsplit(':').next()?;
    Some(FileDigest {
        algo,
        bytes: &v[nul + 1..],
    })
}

/// The digest, name and buffer fields of `body`, if its data parses.
pub fn fields(body: &Body) -> Option<Fields<'_>> {
    if body.template == "ima" {
        let d = body.data.get(..20)?;
        return Some(Fields {
            digest: Some(FileDigest {
                algo: "sha1",
                bytes: d,
            }),
            name: body.data.get(24..),
            buf: None,
        });
    }
    let t = template_of(&body.template)?;
    let values = t.split_data(&body.data).ok()?;
    let mut f = Fields::default();
    for (field, v) in values.iter() {
        match field {
            Field::D => {
                f.digest = Some(FileDigest {
                    algo: "sha1",
                    bytes: v,
                })
            }
            Field::DigestNg | Field::DigestNgV2 => f.digest = ng_digest(v),
            Field::N | Field::NameNg => f.name = Some(v.strip_suffix(&[0]).unwrap_or(v)),
            Field::Buf => f.buf = Some(v),
            _ => {}
        }
    }
    Some(f)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ima_template::{EventData, IMA_BUF, IMA_NG};

    /// Template data of `t` for `ev`.
    pub(crate) fn data(t: &Template, ev: &EventData<'_>) -> Vec<u8> {
        let mut buf = vec![0u8; t.len(ev).unwrap()];
        let mut s = ima_template::SliceSink::new(&mut buf);
        t.write(ev, &mut s).unwrap();
        buf
    }

    pub(crate) fn ng_entry(name: &[u8], content: &[u8], banks: &[HashAlgo]) -> Entry {
        let d = Digest::of(HashAlgo::Sha256, &[content]);
        let b = Body {
            template: "ima-ng".into(),
            data: data(&IMA_NG, &EventData::new(&d, name)),
        };
        Entry {
            pcr: 10,
            digests: banks.iter().map(|&a| template_digest(&b, a)).collect(),
            body: Some(b),
        }
    }

    pub(crate) fn buf_entry(name: &[u8], buf: &[u8], banks: &[HashAlgo]) -> Entry {
        let d = Digest::of(HashAlgo::Sha256, &[buf]);
        let mut ev = EventData::new(&d, name);
        ev.buf = Some(buf);
        let b = Body {
            template: "ima-buf".into(),
            data: data(&IMA_BUF, &ev),
        };
        Entry {
            pcr: 10,
            digests: banks.iter().map(|&a| template_digest(&b, a)).collect(),
            body: Some(b),
        }
    }

    /// An upstream binary list (SHA-1 digests) of `entries`.
    pub(crate) fn binary(entries: &[Entry]) -> Vec<u8> {
        let mut out = Vec::new();
        for e in entries {
            let b = e.body.as_ref().unwrap();
            out.extend_from_slice(&e.pcr.to_le_bytes());
            out.extend_from_slice(template_digest(b, HashAlgo::Sha1).as_bytes());
            out.extend_from_slice(&(b.template.len() as u32).to_le_bytes());
            out.extend_from_slice(b.template.as_bytes());
            if b.template != "ima" {
                out.extend_from_slice(&(b.data.len() as u32).to_le_bytes());
            }
            out.extend_from_slice(&b.data);
        }
        out
    }

    #[test]
    fn binary_list_round_trips() {
        let e = vec![
            ng_entry(b"/bin/true", b"x", &[HashAlgo::Sha1]),
            buf_entry(b"ima-ns:start:1", b"blob", &[HashAlgo::Sha1]),
        ];
        let parsed = parse_binary(&binary(&e), HashAlgo::Sha1).unwrap();
        assert_eq!(parsed, e);
        let f = fields(parsed[1].body.as_ref().unwrap()).unwrap();
        assert_eq!(f.buf, Some(&b"blob"[..]));
        assert_eq!(f.name, Some(&b"ima-ns:start:1"[..]));
        assert_eq!(f.digest.unwrap().algo, "sha256");
        let f = fields(parsed[0].body.as_ref().unwrap()).unwrap();
        assert_eq!(
            f.digest.unwrap().bytes,
            Digest::of(HashAlgo::Sha256, &[b"x"]).as_bytes()
        );
    }

    #[test]
    fn legacy_ima_entries() {
        // pcr, digest, "ima", d, u32 len, name: as upstream writes them.
        let fd = [7u8; 20];
        let mut data = fd.to_vec();
        data.extend_from_slice(&4u32.to_le_bytes());
        data.extend_from_slice(b"/foo");
        let b = Body {
            template: "ima".into(),
            data,
        };
        let mut padded = b"/foo".to_vec();
        padded.resize(256, 0);
        assert_eq!(
            template_digest(&b, HashAlgo::Sha1),
            Digest::of(HashAlgo::Sha1, &[&fd, &padded])
        );
        let e = Entry {
            pcr: 10,
            digests: vec![template_digest(&b, HashAlgo::Sha1)],
            body: Some(b),
        };
        assert_eq!(
            parse_binary(&binary(std::slice::from_ref(&e)), HashAlgo::Sha1).unwrap(),
            vec![e.clone()]
        );
        let f = fields(e.body.as_ref().unwrap()).unwrap();
        assert_eq!(f.name, Some(&b"/foo"[..]));
    }

    #[test]
    fn evidence_entries_round_trip_with_withheld_bodies() {
        let banks = [HashAlgo::Sha1, HashAlgo::Sha256];
        let mut e = vec![
            ng_entry(b"/a", b"a", &banks),
            buf_entry(b"ima-ns:end:2", b"b", &banks),
        ];
        e[0].body = None;
        let mut out = Vec::new();
        encode_entries(&e, &mut out);
        assert_eq!(parse_entries(&out, &banks).unwrap(), e);
        // A strict prefix is refused, or is fewer whole entries.
        for n in 1..out.len() {
            if let Ok(p) = parse_entries(&out[..n], &banks) {
                assert!(p.len() < e.len() && e.starts_with(&p), "{n}");
            }
        }
    }

    #[test]
    fn malformed_lists_are_refused() {
        assert_eq!(
            parse_binary(&[1, 2, 3], HashAlgo::Sha1).unwrap_err().what,
            "truncated"
        );
        let mut b = vec![10, 0, 0, 0];
        b.extend_from_slice(&[0; 20]);
        b.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            parse_binary(&b, HashAlgo::Sha1).unwrap_err().what,
            "bad template name length"
        );
        let mut b2 = vec![10, 0, 0, 0, 2];
        b2.extend_from_slice(&[0; 20]);
        assert_eq!(
            parse_entries(&b2, &[HashAlgo::Sha1]).unwrap_err().what,
            "bad body flag"
        );
    }
}
