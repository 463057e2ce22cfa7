// SPDX-License-Identifier: GPL-2.0
//! Fuzzes what `ima-ns verify` reads from an evidence file, which whoever
//! hands the verifier the file controls: the evidence format, the host
//! entries and namespace list, the TPM quote and signature structures,
//! the anchor blobs and names, and every check after the signature's. No
//! panic; what parses re-encodes to the same thing.
#![no_main]

use ima_attest::evidence::Evidence;
use ima_attest::{list, quote, verify};
use ima_template::anchor;
use ima_tpm::{Digest, HashAlgo};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = anchor::parse(data) {
        if a.kind.has_state() {
            let vpcr: Vec<Digest> = HashAlgo::ALL.iter().filter_map(|&al| a.vpcr(al)).collect();
            let mut s = String::new();
            anchor::write_state(&mut s, a.kind, a.id, a.entries.unwrap(), &vpcr).unwrap();
            let b = anchor::parse(s.as_bytes()).unwrap();
            assert_eq!((b.kind, b.id, b.entries), (a.kind, a.id, a.entries));
        }
    }
    if let Some((kind, id)) = anchor::parse_name(data) {
        let mut s = String::new();
        anchor::write_name(&mut s, kind, id).unwrap();
        assert_eq!(s.as_bytes(), data);
    }
    let _ = quote::parse_quote(data);
    let _ = quote::parse_signature(data);
    if let Ok(entries) = list::parse_entries(data, &[HashAlgo::Sha1, HashAlgo::Sha256]) {
        let mut out = Vec::new();
        list::encode_entries(&entries, &mut out);
        assert_eq!(out, data);
        for e in &entries {
            if let Some(b) = &e.body {
                let _ = list::fields(b);
                let _ = list::template_digest(b, HashAlgo::Sha384);
            }
        }
    }
    let _ = list::parse_binary(data, HashAlgo::Sha1);
    let Ok(ev) = Evidence::parse(data) else {
        return;
    };
    assert_eq!(Evidence::parse(&ev.to_bytes()).unwrap(), ev);
    let _ = ev.host();
    let _ = ev.namespace_entries();
    let nonce = ev.nonce.clone();
    let _ = verify::verify_without_signature(&ev, &nonce, HashAlgo::Sha256, None);
});
