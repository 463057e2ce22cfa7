// SPDX-License-Identifier: GPL-2.0
//! Entries written by upstream IMA itself: `tests/upstream/entries-6.12.txt`
//! is the ascii list a Linux 6.12 kernel with upstream IMA wrote for
//! `tests/upstream/scenario.sh` (see `tests/upstream/capture.sh`). Each
//! line is rebuilt here from the scenario's inputs (file contents, path,
//! owner, mode, xattr values) with this crate's encoder and must come out
//! byte for byte: template digest, name and every field.

use ima_template::*;
use ima_tpm::{Digest, HashAlgo};

const DIR: &str = "/run/scratch/cmp";
/// The default template the scenario boots with (`ima_template_fmt=`).
const FMT: &str = "d-ngv2|n-ng|sig|evmsig|iuid|igid|imode|xattrnames|xattrlengths|xattrvalues";
const SIG: &[u8] = &[
    0x03, 0x02, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
];
const EVMSIG: &[u8] = &[
    0x05, 0x02, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x04, 0xfe, 0xed, 0xfa, 0xce,
];

/// What scenario.sh gave one file.
struct File {
    contents: Vec<u8>,
    uid: u32,
    gid: u32,
    mode: u16,
    ima: Vec<u8>,
    evm: Option<&'static [u8]>,
}

fn file(name: &str) -> File {
    const TEMPLATES: [&str; 9] = [
        "ima",
        "ima-ng",
        "ima-sig",
        "ima-ngv2",
        "ima-sigv2",
        "ima-buf",
        "ima-modsig",
        "evm-sig",
        "default",
    ];
    if let Some(i) = TEMPLATES.iter().position(|t| *t == name) {
        let uid = 4001 + i as u32;
        return File {
            contents: format!("scenario contents of {name}\n").into_bytes(),
            uid,
            gid: uid + 100,
            mode: 0o100640,
            ima: SIG.to_vec(),
            evm: Some(EVMSIG),
        };
    }
    let plain = |contents: &str, uid| File {
        contents: contents.as_bytes().to_vec(),
        uid,
        gid: 0,
        mode: 0o100644,
        ima: Vec::new(),
        evm: None,
    };
    match name {
        "digest-ng" => {
            let contents = b"digest-ng xattr\n".to_vec();
            let mut ima = vec![0x04, 0x04];
            ima.extend_from_slice(Digest::of(HashAlgo::Sha256, &[&contents]).as_bytes());
            File {
                contents,
                uid: 4020,
                gid: 4101,
                mode: 0o100644,
                ima,
                evm: Some(EVMSIG),
            }
        }
        "tomtou" => plain("tomtou\n", 4009),
        "writers" => plain("writers\n", 4009),
        n if n.len() == 250 => plain("long\n", 4001),
        n => panic!("no scenario file {n}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Rebuilds one upstream line from the scenario's inputs.
fn rebuild(line: &str) -> String {
    let cols: Vec<&str> = line.split(' ').collect();
    let (tdigest, tname, listed) = (cols[1], cols[2], cols[4]);
    let violation = tdigest.bytes().all(|b| b == b'0');
    let base = listed.rsplit('/').next().unwrap();
    let f = file(base);
    // A path over 255 bytes is listed by its last component by `ima`.
    let path = if listed.starts_with('/') {
        listed.to_string()
    } else {
        format!("{DIR}/{listed}")
    };
    let custom;
    let template = match Template::builtin(tname) {
        Some(t) => t,
        None => {
            assert_eq!(tname, FMT);
            custom = Template::parse_fmt(FMT).unwrap();
            &custom
        }
    };
    let sha256 = Digest::of(HashAlgo::Sha256, &[&f.contents]);
    let sha1 = Digest::of(HashAlgo::Sha1, &[&f.contents]);
    let mut ev = if violation {
        EventData::violation(&sha256, path.as_bytes())
    } else {
        EventData::new(&sha256, path.as_bytes())
    };
    ev.sha1_digest = Some(&sha1);
    ev.dentry_name = Some(base.as_bytes());
    if !violation && !f.ima.is_empty() {
        ev.ima_xattr = Some(&f.ima);
    }
    ev.evm_xattr = f.evm;
    ev.inode = Some(InodeAttrs {
        uid: f.uid,
        gid: f.gid,
        mode: f.mode,
    });
    let mut buf = [0u8; 4096];
    let mut sink = SliceSink::new(&mut buf);
    template.write(&ev, &mut sink).unwrap();
    let data = sink.written().to_vec();
    let digest = if violation {
        Digest::zero(HashAlgo::Sha1)
    } else {
        template.template_digest(HashAlgo::Sha1, &data).unwrap()
    };
    let entry = Entry {
        pcr: 10,
        template,
        data: &data,
        digest: &digest,
    };
    let mut buf = [0u8; 8192];
    let mut out = SliceSink::new(&mut buf);
    entry.write_ascii(&mut out).unwrap();
    let out = String::from_utf8(out.written().to_vec()).unwrap();
    assert_eq!(hex(digest.as_bytes()), tdigest, "template digest of {base}");
    out.trim_end_matches('\n').to_string()
}

#[test]
fn every_upstream_entry_is_rebuilt_byte_for_byte() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/upstream/entries-6.12.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut templates = std::collections::BTreeSet::new();
    for line in text.lines() {
        assert_eq!(rebuild(line), line);
        templates.insert(line.split(' ').nth(2).unwrap().to_string());
    }
    // Every built-in template is there, and the custom one.
    for t in BUILTIN {
        assert!(
            templates.contains(t.name()),
            "no upstream entry in {}",
            t.name()
        );
    }
    assert!(templates.contains(FMT));
}
