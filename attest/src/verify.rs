// SPDX-License-Identifier: GPL-2.0
//! The verifier: from evidence, an AK public key and the expected nonce to
//! a verdict on one namespace's list.
//!
//! 1. The quote is a quote, signed by the AK, over the nonce, of PCR 10 in
//!    exactly the evidence's banks.
//! 2. The host entries replay, in every bank at once, to the quoted
//!    `pcrDigest` at some prefix; entries after it are ignored (recorded
//!    after the quote). Every entry of that prefix that carries its data
//!    has template digests that match it.
//! 3. The newest `checkpoint` or `end` anchor of the namespace in that
//!    prefix (an `ima-buf` entry whose buffer hashes to its file digest)
//!    gives a count N and a virtual PCR per bank.
//! 4. The namespace list's first N entries (each with a SHA-1 template
//!    digest matching its data) replay to that vPCR in every bank; later
//!    entries are reported as not covered.
//! 5. With a runtime policy, every covered entry's path and file digest is
//!    allowed (or excluded).
//!
//! Each failure is a [`Failure`] whose message names what failed.

use crate::evidence::Evidence;
use crate::hex;
use crate::list::{self, Entry};
use crate::policy::{RuntimePolicy, Verdict};
use crate::quote::{self, AkPub};
use ima_template::anchor::{self, Kind};
use ima_tpm::{Digest, HashAlgo};
use std::fmt;

/// PCR IMA extends.
pub const IMA_PCR: u32 = 10;

/// What the verifier is given besides the evidence.
pub struct Options<'a> {
    /// The attestation key's public part.
    pub ak: &'a AkPub,
    /// The nonce the verifier chose.
    pub nonce: &'a [u8],
    /// An allowlist for the namespace's entries.
    pub policy: Option<&'a RuntimePolicy>,
}

/// The first check that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The evidence, quote or signature does not parse.
    Format(String),
    /// The signature does not verify with the AK.
    Signature(String),
    /// The quote's nonce is not the expected one.
    Nonce { got: Vec<u8>, want: Vec<u8> },
    /// The quote does not select PCR 10 in exactly the evidence's banks.
    Selection(String),
    /// A host entry's data does not match its template digest.
    HostEntry { index: usize, bank: HashAlgo },
    /// No prefix of the host list replays to the quoted PCR 10.
    HostReplay { entries: usize },
    /// No checkpoint or end anchor of the namespace in the quoted prefix.
    NoAnchor { id: u64, quoted: usize },
    /// The anchor entry is malformed, or its buffer does not hash to its
    /// digest.
    BadAnchor { index: usize, why: String },
    /// The anchor's name and blob name different namespaces.
    AnchorMismatch {
        index: usize,
        named: u64,
        holds: u64,
    },
    /// A namespace entry's data does not match its template digest.
    NamespaceEntry { index: usize, name: String },
    /// The namespace list is shorter than the anchor's count.
    NamespaceShort { have: usize, want: u64 },
    /// The namespace list replays to another namespace's anchor.
    ForeignAnchor { id: u64, other: u64 },
    /// The namespace list's first N entries do not replay to the vPCR.
    NamespaceReplay { entries: u64, bank: HashAlgo },
    /// An entry the policy does not allow.
    Policy {
        index: usize,
        name: String,
        why: String,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Format(s) => write!(f, "malformed evidence: {s}"),
            Failure::Signature(s) => write!(
                f,
                "quote signature: {s} with the given AK public key (quote by another AK?)"
            ),
            Failure::Nonce { got, want } => write!(
                f,
                "quote nonce {} is not the expected {} (stale or replayed quote)",
                hex(got),
                hex(want)
            ),
            Failure::Selection(s) => write!(f, "quote selection: {s}"),
            Failure::HostEntry { index, bank } => write!(
                f,
                "host list entry {index}: {} template digest does not match its data (host entry changed)",
                bank.name()
            ),
            Failure::HostReplay { entries } => write!(
                f,
                "host list does not replay to the quoted PCR {IMA_PCR} ({entries} entries replayed; list changed or cut)"
            ),
            Failure::NoAnchor { id, quoted } => write!(
                f,
                "no checkpoint or end anchor of namespace {id} in the {quoted} quoted host entries (host list cut before the anchor?)"
            ),
            Failure::BadAnchor { index, why } => write!(f, "anchor at host entry {index}: {why}"),
            Failure::AnchorMismatch { index, named, holds } => write!(
                f,
                "anchor at host entry {index} is named for namespace {named} but holds namespace {holds}'s blob"
            ),
            Failure::NamespaceEntry { index, name } => write!(
                f,
                "namespace list entry {index} ({name}): template digest does not match its data (namespace entry changed)"
            ),
            Failure::NamespaceShort { have, want } => write!(
                f,
                "namespace list has {have} entries, its anchor covers {want} (namespace entries dropped)"
            ),
            Failure::ForeignAnchor { id, other } => write!(
                f,
                "namespace list replays to the anchor of namespace {other}, not {id} (anchor from another namespace)"
            ),
            Failure::NamespaceReplay { entries, bank } => write!(
                f,
                "namespace list's first {entries} entries do not replay to the anchor's {} vPCR (an entry dropped, reordered or changed)",
                bank.name()
            ),
            Failure::Policy { index, name, why } => {
                write!(f, "policy: namespace entry {index} ({name}): {why}")
            }
        }
    }
}

/// What was checked, one line each, and the verdict.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// `ok: ...` lines, and notes.
    pub lines: Vec<String>,
}

impl Report {
    fn ok(&mut self, s: String) {
        self.lines.push(format!("ok: {s}"));
    }
    fn note(&mut self, s: String) {
        self.lines.push(format!("note: {s}"));
    }
}

/// A state anchor found in the host list.
struct Found {
    index: usize,
    id: u64,
    kind: Kind,
    entries: u64,
    vpcr: Vec<Digest>,
}

/// The composite digest a quote covers: PCR 10 of each bank, in order,
/// hashed with `algo`.
fn composite(algo: HashAlgo, pcrs: &[Digest]) -> Digest {
    let parts: Vec<&[u8]> = pcrs.iter().map(Digest::as_bytes).collect();
    Digest::of(algo, &parts)
}

/// Checks a host entry with data against its digests.
fn check_host_entry(index: usize, e: &Entry, banks: &[HashAlgo]) -> Result<(), Failure> {
    let Some(body) = &e.body else { return Ok(()) };
    for (d, &bank) in e.digests.iter().zip(banks) {
        if !list::is_violation(d) && list::template_digest(body, bank) != *d {
            return Err(Failure::HostEntry { index, bank });
        }
    }
    Ok(())
}

/// The anchor `e` is, if it is a state anchor (checkpoint, end).
fn state_anchor(index: usize, e: &Entry) -> Result<Option<Found>, Failure> {
    let Some(body) = &e.body else { return Ok(None) };
    if body.template != "ima-buf" {
        return Ok(None);
    }
    let bad = |why: String| Failure::BadAnchor { index, why };
    let Some(f) = list::fields(body) else {
        return Ok(None);
    };
    let Some((kind, named)) = f.name.and_then(anchor::parse_name) else {
        return Ok(None);
    };
    if !kind.has_state() {
        return Ok(None);
    }
    let buf = f.buf.ok_or_else(|| bad("no buffer".into()))?;
    let fd = f.digest.ok_or_else(|| bad("no digest".into()))?;
    let algo = HashAlgo::from_name(fd.algo)
        .ok_or_else(|| bad(format!("digest algorithm {:?}", fd.algo)))?;
    if Digest::of(algo, &[buf]).as_bytes() != fd.bytes {
        return Err(bad("buffer does not hash to the entry's digest".into()));
    }
    let a = anchor::parse(buf).map_err(|e| bad(e.to_string()))?;
    if a.kind != kind || a.id != named {
        return Err(Failure::AnchorMismatch {
            index,
            named,
            holds: a.id,
        });
    }
    let vpcr = HashAlgo::ALL.iter().filter_map(|&al| a.vpcr(al)).collect();
    Ok(Some(Found {
        index,
        id: a.id,
        kind,
        entries: a.entries.unwrap_or(0),
        vpcr,
    }))
}

/// The namespace list's first `n` entries replayed, one vPCR per bank of
/// `vpcr`: the first bank that differs (the first bank if the list is
/// shorter than `n`), `None` if every bank matches.
fn ns_replay_mismatch(ns: &[Entry], n: u64, vpcr: &[Digest]) -> Option<HashAlgo> {
    let first = vpcr.first().map_or(HashAlgo::Sha1, Digest::algo);
    let Some(covered) = usize::try_from(n).ok().and_then(|n| ns.get(..n)) else {
        return Some(first);
    };
    for want in vpcr {
        let algo = want.algo();
        let mut pcr = Digest::zero(algo);
        for e in covered.iter().filter(|e| e.pcr == IMA_PCR) {
            let d = match (&e.body, list::is_violation(&e.digests[0])) {
                (_, true) => Digest::ones(algo),
                (Some(body), false) => list::template_digest(body, algo),
                (None, false) => return Some(algo),
            };
            pcr = ima_tpm::extend(&pcr, &d);
        }
        if pcr != *want {
            return Some(algo);
        }
    }
    None
}

/// Verifies `ev`; the report on success, else the first failure and the
/// report up to it.
pub fn verify(ev: &Evidence, opts: &Options<'_>) -> Result<Report, (Failure, Report)> {
    let mut report = Report::default();
    match run(ev, opts, &mut report) {
        Ok(()) => Ok(report),
        Err(f) => Err((f, report)),
    }
}

/// Every check but the signature's, for the fuzz target: the quote's
/// `pcrDigest` is taken as made with `hash`.
#[cfg(any(fuzzing, test))]
pub fn verify_without_signature(
    ev: &Evidence,
    nonce: &[u8],
    hash: HashAlgo,
    policy: Option<&RuntimePolicy>,
) -> Result<Report, Failure> {
    let mut report = Report::default();
    let q = quote::parse_quote(&ev.quote).map_err(|e| Failure::Format(e.0))?;
    after_signature(ev, &q, hash, nonce, policy, &mut report)?;
    Ok(report)
}

fn run(ev: &Evidence, opts: &Options<'_>, report: &mut Report) -> Result<(), Failure> {
    // 1. The quote.
    let q = quote::parse_quote(&ev.quote).map_err(|e| Failure::Format(e.0))?;
    let sig = quote::parse_signature(&ev.signature).map_err(|e| Failure::Format(e.0))?;
    quote::verify_signature(opts.ak, &ev.quote, &sig).map_err(|e| Failure::Signature(e.0))?;
    report.ok(format!(
        "quote signature verifies with the AK ({})",
        sig.hash().name()
    ));
    after_signature(ev, &q, sig.hash(), opts.nonce, opts.policy, report)
}

/// The checks after the signature's.
fn after_signature(
    ev: &Evidence,
    q: &quote::Quote,
    hash: HashAlgo,
    nonce: &[u8],
    policy: Option<&RuntimePolicy>,
    report: &mut Report,
) -> Result<(), Failure> {
    let fmt_err = |s: String| Failure::Format(s);
    if q.extra_data != nonce {
        return Err(Failure::Nonce {
            got: q.extra_data.clone(),
            want: nonce.to_vec(),
        });
    }
    report.ok(format!("quote nonce is {}", hex(nonce)));
    let banks: Vec<HashAlgo> = q
        .selection
        .iter()
        .map(|s| {
            if s.pcrs != [IMA_PCR] {
                return Err(Failure::Selection(format!(
                    "bank 0x{:04x} selects PCRs {:?}, not only {IMA_PCR}",
                    s.alg, s.pcrs
                )));
            }
            HashAlgo::from_tpm_id(s.alg).ok_or_else(|| {
                Failure::Selection(format!("bank 0x{:04x} is not a hash IMA lists", s.alg))
            })
        })
        .collect::<Result<_, _>>()?;
    if banks != ev.banks || banks.is_empty() {
        return Err(Failure::Selection(
            "the quoted banks are not the evidence's banks".into(),
        ));
    }
    // 2. The host list.
    let host = ev
        .host()
        .map_err(|e| fmt_err(format!("host entries: {e}")))?;
    let mut pcrs: Vec<Digest> = banks.iter().map(|&a| Digest::zero(a)).collect();
    let mut quoted = None;
    for (i, e) in host.iter().enumerate() {
        check_host_entry(i, e, &banks)?;
        if e.pcr != IMA_PCR {
            continue;
        }
        for (p, d) in pcrs.iter_mut().zip(&e.digests) {
            *p = ima_tpm::extend(p, &list::extend_value(d));
        }
        if composite(hash, &pcrs).as_bytes() == q.pcr_digest {
            quoted = Some(i + 1);
            break;
        }
    }
    let quoted = quoted.ok_or(Failure::HostReplay {
        entries: host.len(),
    })?;
    let names: Vec<&str> = banks.iter().map(|a| a.name()).collect();
    report.ok(format!(
        "host list replays to the quoted PCR {IMA_PCR} ({}) at entry {quoted} of {}{}",
        names.join(", "),
        host.len(),
        if ev.reduced { ", reduced" } else { "" }
    ));
    // 3. The namespace's newest anchor.
    let mut anchors = Vec::new();
    for (i, e) in host[..quoted].iter().enumerate() {
        if let Some(a) = state_anchor(i, e)? {
            anchors.push(a);
        }
    }
    let id = ev.namespace;
    let Some(a) = anchors.iter().rev().find(|a| a.id == id) else {
        return Err(Failure::NoAnchor { id, quoted });
    };
    report.ok(format!(
        "newest anchor of namespace {id}: ima-ns:{}:{id} at host entry {}, {} entries",
        a.kind.name(),
        a.index,
        a.entries
    ));
    // 4. The namespace list.
    let ns = ev
        .namespace_entries()
        .map_err(|e| fmt_err(format!("namespace list: {e}")))?;
    for (i, e) in ns.iter().enumerate() {
        let body = e
            .body
            .as_ref()
            .ok_or_else(|| fmt_err("namespace entry without data".into()))?;
        let d = &e.digests[0];
        if !list::is_violation(d) && list::template_digest(body, HashAlgo::Sha1) != *d {
            let name = list::fields(body)
                .and_then(|f| f.name.map(|n| String::from_utf8_lossy(n).into_owned()))
                .unwrap_or_default();
            return Err(Failure::NamespaceEntry { index: i, name });
        }
    }
    if let Some(bank) = ns_replay_mismatch(&ns, a.entries, &a.vpcr) {
        // Whose list is it, then?
        if let Some(o) = anchors.iter().rev().find(|o| {
            o.id != id
                && ns_replay_mismatch(&ns, o.entries, &o.vpcr).is_none()
                && ns.len() as u64 >= o.entries
        }) {
            return Err(Failure::ForeignAnchor { id, other: o.id });
        }
        if (ns.len() as u64) < a.entries {
            return Err(Failure::NamespaceShort {
                have: ns.len(),
                want: a.entries,
            });
        }
        return Err(Failure::NamespaceReplay {
            entries: a.entries,
            bank,
        });
    }
    let vbanks: Vec<&str> = a.vpcr.iter().map(|d| d.algo().name()).collect();
    report.ok(format!(
        "namespace list's first {} entries replay to the anchor's vPCR ({})",
        a.entries,
        vbanks.join(", ")
    ));
    let covered = a.entries as usize;
    if ns.len() > covered {
        report.note(format!(
            "{} namespace entries after the anchor are not covered by it (recorded after the checkpoint)",
            ns.len() - covered
        ));
    }
    // 5. The allowlist.
    if let Some(policy) = policy {
        let (mut allowed, mut excluded) = (0, 0);
        for (i, e) in ns[..covered].iter().enumerate() {
            let body = e
                .body
                .as_ref()
                .ok_or_else(|| fmt_err("namespace entry without data".into()))?;
            let f = list::fields(body).unwrap_or_default();
            let name = f
                .name
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            let why = |why: String| Failure::Policy {
                index: i,
                name: name.clone(),
                why,
            };
            if list::is_violation(&e.digests[0]) {
                return Err(why("a violation entry".into()));
            }
            let Some(fd) = f.digest else {
                return Err(why("no file digest field".into()));
            };
            let h = hex(fd.bytes);
            match policy.check(&name, &h) {
                Verdict::Allowed => allowed += 1,
                Verdict::Excluded => excluded += 1,
                Verdict::UnknownPath => return Err(why("path not in the allowlist".into())),
                Verdict::DigestNotAllowed => {
                    return Err(why(format!("digest {}:{h} not in the allowlist", fd.algo)))
                }
            }
        }
        report.ok(format!(
            "runtime policy allows the {covered} covered entries ({allowed} allowed, {excluded} excluded)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::tests::{binary, buf_entry, ng_entry};
    use crate::quote::tests::quote_bytes;
    use rsa::pkcs8::EncodePublicKey;
    use rsa::RsaPrivateKey;
    use std::sync::OnceLock;

    const BANKS: [HashAlgo; 2] = [HashAlgo::Sha1, HashAlgo::Sha256];
    const NONCE: &[u8] = b"fresh nonce";

    fn keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
        static K: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
        K.get_or_init(|| {
            let mut rng = rand_core::OsRng;
            (
                RsaPrivateKey::new(&mut rng, 1024).unwrap(),
                RsaPrivateKey::new(&mut rng, 1024).unwrap(),
            )
        })
    }

    fn ak(k: &RsaPrivateKey) -> AkPub {
        let pem = k
            .to_public_key()
            .to_public_key_pem(Default::default())
            .unwrap();
        quote::parse_ak_pem(&pem).unwrap()
    }

    fn sign(k: &RsaPrivateKey, msg: &[u8]) -> Vec<u8> {
        let d = Digest::of(HashAlgo::Sha256, &[msg]);
        let s = k
            .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), d.as_bytes())
            .unwrap();
        let mut out = vec![0x00, 0x14, 0x00, 0x0b];
        out.extend_from_slice(&(s.len() as u16).to_be_bytes());
        out.extend_from_slice(&s);
        out
    }

    /// A namespace's entries and the checkpoint blob for its first `n`.
    fn ns_list(id: u64, files: &[&str], n: usize) -> (Vec<Entry>, String) {
        let ns: Vec<Entry> = files
            .iter()
            .map(|f| ng_entry(f.as_bytes(), f.as_bytes(), &[HashAlgo::Sha1]))
            .collect();
        let vpcr: Vec<Digest> = HashAlgo::ALL
            .iter()
            .map(|&a| {
                ns[..n].iter().fold(Digest::zero(a), |p, e| {
                    ima_tpm::extend(&p, &list::template_digest(e.body.as_ref().unwrap(), a))
                })
            })
            .collect();
        let mut blob = String::new();
        anchor::write_state(&mut blob, Kind::Checkpoint, id, n as u64, &vpcr).unwrap();
        (ns, blob)
    }

    struct Setup {
        host: Vec<Entry>,
        ns: Vec<Entry>,
        id: u64,
        quoted: usize,
    }

    /// Host: boot_aggregate, anchors of namespaces 1 (the attested one,
    /// 3 entries) and 2, files.
    fn setup() -> Setup {
        let (ns, blob) = ns_list(1, &["/a", "/b", "/c"], 3);
        let (_, blob2) = ns_list(2, &["/x"], 1);
        let host = vec![
            ng_entry(b"boot_aggregate", b"0", &BANKS),
            ng_entry(b"/host/file", b"h", &BANKS),
            buf_entry(b"ima-ns:checkpoint:2", blob2.as_bytes(), &BANKS),
            buf_entry(b"ima-ns:checkpoint:1", blob.as_bytes(), &BANKS),
            ng_entry(b"/host/later", b"l", &BANKS),
        ];
        let n = host.len();
        Setup {
            host,
            ns,
            id: 1,
            quoted: n,
        }
    }

    fn evidence(s: &Setup, key: &RsaPrivateKey, nonce: &[u8], reduced: bool) -> Evidence {
        let mut pcrs: Vec<Digest> = BANKS.iter().map(|&a| Digest::zero(a)).collect();
        for e in &s.host[..s.quoted] {
            for (p, d) in pcrs.iter_mut().zip(&e.digests) {
                *p = ima_tpm::extend(p, &list::extend_value(d));
            }
        }
        let q = quote_bytes(nonce, &BANKS, composite(HashAlgo::Sha256, &pcrs).as_bytes());
        let mut host = s.host.clone();
        if reduced {
            for e in &mut host {
                let anchor = e
                    .body
                    .as_ref()
                    .and_then(list::fields)
                    .and_then(|f| f.name.and_then(anchor::parse_name))
                    .is_some();
                if !anchor {
                    e.body = None;
                }
            }
        }
        let mut host_entries = Vec::new();
        list::encode_entries(&host, &mut host_entries);
        Evidence {
            namespace: s.id,
            nonce: nonce.to_vec(),
            banks: BANKS.to_vec(),
            reduced,
            signature: sign(key, &q),
            quote: q,
            host_entries,
            namespace_list: binary(&s.ns),
        }
    }

    fn check(
        ev: &Evidence,
        key: &AkPub,
        policy: Option<&RuntimePolicy>,
    ) -> Result<Report, Failure> {
        verify(
            ev,
            &Options {
                ak: key,
                nonce: NONCE,
                policy,
            },
        )
        .map_err(|(f, _)| f)
    }

    #[test]
    fn good_evidence_verifies_full_and_reduced() {
        let (k, _) = keys();
        for reduced in [false, true] {
            let ev = evidence(&setup(), k, NONCE, reduced);
            let ev = Evidence::parse(&ev.to_bytes()).unwrap();
            let r = check(&ev, &ak(k), None).unwrap();
            assert!(
                r.lines.iter().any(|l| l.contains("first 3 entries replay")),
                "{r:?}"
            );
        }
    }

    #[test]
    fn entries_after_the_checkpoint_still_verify() {
        let (k, _) = keys();
        let mut s = setup();
        s.ns.push(ng_entry(b"/d", b"d", &[HashAlgo::Sha1]));
        let r = check(&evidence(&s, k, NONCE, false), &ak(k), None).unwrap();
        assert!(r
            .lines
            .iter()
            .any(|l| l.contains("1 namespace entries after the anchor")));
    }

    #[test]
    fn host_entries_after_the_quote_are_ignored() {
        let (k, _) = keys();
        let mut s = setup();
        s.quoted = 4;
        check(&evidence(&s, k, NONCE, false), &ak(k), None).unwrap();
    }

    #[test]
    fn each_tamper_fails_with_its_own_failure() {
        let (k, other) = keys();
        let key = ak(k);
        // Changed namespace entry.
        let mut s = setup();
        let mut ev = evidence(&s, k, NONCE, false);
        let at = ev
            .namespace_list
            .windows(2)
            .position(|w| w == b"/b")
            .unwrap();
        ev.namespace_list[at + 1] = b'z';
        assert!(matches!(
            check(&ev, &key, None),
            Err(Failure::NamespaceEntry { index: 1, .. })
        ));
        // Dropped entry.
        s.ns.remove(1);
        assert_eq!(
            check(&evidence(&s, k, NONCE, false), &key, None),
            Err(Failure::NamespaceShort { have: 2, want: 3 })
        );
        // Dropped entry with a later one in its place.
        let mut s = setup();
        s.ns.remove(1);
        s.ns.push(ng_entry(b"/d", b"d", &[HashAlgo::Sha1]));
        assert!(matches!(
            check(&evidence(&s, k, NONCE, false), &key, None),
            Err(Failure::NamespaceReplay { entries: 3, .. })
        ));
        // Stale nonce.
        let s = setup();
        assert!(matches!(
            check(&evidence(&s, k, b"old nonce", false), &key, None),
            Err(Failure::Nonce { .. })
        ));
        // Another AK.
        assert!(matches!(
            check(&evidence(&s, other, NONCE, false), &key, None),
            Err(Failure::Signature(_))
        ));
        // Anchor from another namespace: namespace 2's list presented as 1's.
        let mut s2 = setup();
        s2.ns = ns_list(2, &["/x"], 1).0;
        assert_eq!(
            check(&evidence(&s2, k, NONCE, false), &key, None),
            Err(Failure::ForeignAnchor { id: 1, other: 2 })
        );
        // Host list cut before the anchor.
        let mut ev = evidence(&s, k, NONCE, false);
        let mut cut = Vec::new();
        list::encode_entries(&s.host[..3], &mut cut);
        ev.host_entries = cut;
        assert!(matches!(
            check(&ev, &key, None),
            Err(Failure::HostReplay { .. })
        ));
        // A host entry changed under its digests.
        let mut ev = evidence(&s, k, NONCE, false);
        let at = ev
            .host_entries
            .windows(10)
            .position(|w| w == b"/host/file")
            .unwrap();
        ev.host_entries[at + 1] = b'X';
        assert!(matches!(
            check(&ev, &key, None),
            Err(Failure::HostEntry { index: 1, .. })
        ));
        // A namespace with no anchor in the quoted part.
        let mut s3 = setup();
        s3.id = 5;
        assert_eq!(
            check(&evidence(&s3, k, NONCE, false), &key, None),
            Err(Failure::NoAnchor { id: 5, quoted: 5 })
        );
        // The anchor, quoted, but the quote taken before it.
        let mut s4 = setup();
        s4.quoted = 3;
        assert!(matches!(
            check(&evidence(&s4, k, NONCE, false), &key, None),
            Err(Failure::NoAnchor { id: 1, quoted: 3 })
        ));
    }

    #[test]
    fn anchor_blob_of_another_namespace_under_this_name() {
        let (k, _) = keys();
        let mut s = setup();
        let (_, blob2) = ns_list(2, &["/x"], 1);
        s.host[3] = buf_entry(b"ima-ns:checkpoint:1", blob2.as_bytes(), &BANKS);
        assert_eq!(
            check(&evidence(&s, k, NONCE, false), &ak(k), None),
            Err(Failure::AnchorMismatch {
                index: 3,
                named: 1,
                holds: 2
            })
        );
    }

    #[test]
    fn runtime_policy() {
        let (k, _) = keys();
        let s = setup();
        let ev = evidence(&s, k, NONCE, true);
        let h = |c: &str| hex(Digest::of(HashAlgo::Sha256, &[c.as_bytes()]).as_bytes());
        let good = format!(
            r#"{{"digests": {{"/a": ["{}"], "/b": ["{}"]}}, "excludes": ["/c"]}}"#,
            h("/a"),
            h("/b")
        );
        let p = RuntimePolicy::parse(&good).unwrap();
        let r = check(&ev, &ak(k), Some(&p)).unwrap();
        assert!(r.lines.iter().any(|l| l.contains("2 allowed, 1 excluded")));
        let bad = format!(
            r#"{{"digests": {{"/a": ["{}"], "/b": ["00"]}}, "excludes": ["/c"]}}"#,
            h("/a")
        );
        let p = RuntimePolicy::parse(&bad).unwrap();
        assert!(matches!(
            check(&ev, &ak(k), Some(&p)),
            Err(Failure::Policy { index: 1, .. })
        ));
        let missing = format!(r#"{{"digests": {{"/a": ["{}"]}}}}"#, h("/a"));
        let p = RuntimePolicy::parse(&missing).unwrap();
        assert!(matches!(
            check(&ev, &ak(k), Some(&p)),
            Err(Failure::Policy { index: 1, .. })
        ));
    }

    /// Writes the fuzz target's seeds (`fuzz/seeds/evidence/`): good
    /// evidence, full and reduced, whose quote's `pcrDigest` replays
    /// (`cargo test -p ima-attest -- --ignored write_fuzz_seeds`).
    #[test]
    #[ignore]
    fn write_fuzz_seeds() {
        let (k, _) = keys();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/seeds/evidence");
        std::fs::create_dir_all(dir).unwrap();
        for (name, reduced) in [("full", false), ("reduced", true)] {
            let ev = evidence(&setup(), k, NONCE, reduced);
            std::fs::write(format!("{dir}/{name}"), ev.to_bytes()).unwrap();
        }
        let (_, blob) = ns_list(1, &["/a"], 1);
        std::fs::write(format!("{dir}/checkpoint-blob"), blob).unwrap();
    }

    #[test]
    fn messages_differ_per_tamper() {
        let msgs = [
            Failure::NamespaceEntry {
                index: 0,
                name: "/a".into(),
            }
            .to_string(),
            Failure::NamespaceShort { have: 1, want: 2 }.to_string(),
            Failure::Nonce {
                got: vec![],
                want: vec![1],
            }
            .to_string(),
            Failure::Signature("signature does not verify".into()).to_string(),
            Failure::ForeignAnchor { id: 1, other: 2 }.to_string(),
            Failure::HostReplay { entries: 3 }.to_string(),
            Failure::NoAnchor { id: 1, quoted: 2 }.to_string(),
        ];
        for (i, a) in msgs.iter().enumerate() {
            for b in &msgs[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
