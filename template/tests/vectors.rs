// SPDX-License-Identifier: GPL-2.0
//! Byte vectors for every built-in template.
//!
//! Expected bytes are assembled by hand here (not through the encoder),
//! and the template digests were computed independently with Python's
//! hashlib over the same hand-assembled bytes.

use ima_template::*;
use ima_tpm::{Digest, HashAlgo};

fn u32le(n: u32) -> Vec<u8> {
    n.to_le_bytes().to_vec()
}

/// One stored field: `u32` length and bytes.
fn fld(v: &[u8]) -> Vec<u8> {
    let mut out = u32le(v.len() as u32);
    out.extend_from_slice(v);
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Fixture {
    file: Digest,
    sha1: Digest,
    modsig_digest: Digest,
}

const IMA_X: [u8; 4] = [3, 2, 0xaa, 0xbb];
const EVM_X: [u8; 3] = [5, 2, 0xcc];
const MODSIG_RAW: [u8; 3] = [0x30, 0x82, 0x01];
const SELINUX: &[u8] = b"system_u:object_r:bin_t:s0\0";
const XATTRS: [Xattr<'static>; 2] = [
    Xattr {
        name: b"security.selinux",
        value: SELINUX,
    },
    Xattr {
        name: b"security.ima",
        value: &IMA_X,
    },
];

impl Fixture {
    fn new() -> Self {
        let file: Vec<u8> = (0..32).collect();
        Self {
            file: Digest::from_bytes(HashAlgo::Sha256, &file).unwrap(),
            sha1: Digest::from_bytes(HashAlgo::Sha1, &[0xa5; 20]).unwrap(),
            modsig_digest: Digest::from_bytes(HashAlgo::Sha256, &[0x22; 32]).unwrap(),
        }
    }

    /// An event with every part present.
    fn event(&self) -> EventData<'_> {
        EventData {
            digest: &self.file,
            violation: false,
            digest_kind: DigestKind::Ima,
            sha1_digest: Some(&self.sha1),
            name: b"/usr/bin/a b",
            dentry_name: Some(b"a b"),
            ima_xattr: Some(&IMA_X),
            evm_xattr: Some(&EVM_X),
            modsig: Some(Modsig {
                digest: &self.modsig_digest,
                raw: &MODSIG_RAW,
            }),
            buf: Some(b"root=/dev/sda"),
            inode: Some(InodeAttrs {
                uid: 1000,
                gid: 100,
                mode: 0o100644,
            }),
            xattrs: &XATTRS,
        }
    }
}

/// Field values as upstream stores them, assembled by hand.
fn field_bytes(id: &str) -> Vec<u8> {
    let file: Vec<u8> = (0..32).collect();
    match id {
        "d" => vec![0xa5; 20],
        "n" | "n-ng" => b"/usr/bin/a_b\0".to_vec(),
        "d-ng" => cat(&[b"sha256:\0", &file]),
        "d-ngv2" => cat(&[b"ima:sha256:\0", &file]),
        "sig" => IMA_X.to_vec(),
        "buf" => b"root=/dev/sda".to_vec(),
        "d-modsig" => cat(&[b"sha256:\0", &[0x22; 32]]),
        "modsig" => MODSIG_RAW.to_vec(),
        "evmsig" => EVM_X.to_vec(),
        "iuid" => vec![0xe8, 0x03, 0, 0],
        "igid" => vec![100, 0, 0, 0],
        "imode" => vec![0xa4, 0x81],
        "xattrnames" => b"security.selinux|security.ima\0".to_vec(),
        "xattrlengths" => vec![27, 0, 0, 0, 4, 0, 0, 0],
        "xattrvalues" => cat(&[SELINUX, &IMA_X]),
        _ => panic!("no such field {id}"),
    }
}

/// (template, format, data length, sha1 digest, sha256 digest), digests
/// from hashlib.
const VECTORS: [(&str, &str, usize, &str, &str); 8] = [
    (
        "ima",
        "d|n",
        41,
        "7e338fd483040bccdc3852ceca1a3e6f17964f1a",
        "672832f9642b087898a2101aa6e3ea3403f9b9f17f64a9e1731b3d2dbe5b6164",
    ),
    (
        "ima-ng",
        "d-ng|n-ng",
        61,
        "c7be81866c2e560d1448f721a7b4c5b47a0604fa",
        "fd5c1897b1a5c192a0ec3edde41bc1b2e67472a906d7d371edb2924ef76ee10b",
    ),
    (
        "ima-sig",
        "d-ng|n-ng|sig",
        69,
        "bbc9658186a4946b8c301f64cf657881709cc84c",
        "434f988f0449c44ad9d460daaae6d96c3c4e3ba772ca6ac2cc1250d5c453030f",
    ),
    (
        "ima-ngv2",
        "d-ngv2|n-ng",
        65,
        "a4386b75442c2e7d7120a3f3dba4ff8ca17d7966",
        "934a0ee65094988f625170af1f1453447aa79b0af81e1daa3626b0f5d9e52313",
    ),
    (
        "ima-sigv2",
        "d-ngv2|n-ng|sig",
        73,
        "0a4753d2d802ab1b89f2ddce90a276264ab705f6",
        "124d6442e858dc44175e350a493444058f3761b586c6ee2f0b7cae19263df45d",
    ),
    (
        "ima-buf",
        "d-ng|n-ng|buf",
        78,
        "78d4f9cfa128e87dacc884955789a87af9bcf103",
        "374a90d6088d89219d155fc0eedc8f35a94f0ce70f1530d1fd8d7885f549939e",
    ),
    (
        "ima-modsig",
        "d-ng|n-ng|sig|d-modsig|modsig",
        120,
        "eb259f3d8fb9fe283cbb94e203dfd844fc6473b8",
        "1c93cdd3c58b65ead9a290abf4a758cdc2208acb8974f8d32b7980758530ac45",
    ),
    (
        "evm-sig",
        "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode",
        171,
        "a46bb8f0caaa286e9d01a14d6aa7bb064349f6ae",
        "1c7a92c434452a0c643d2c36ad5be2b01c1a40fe316afdba1fb4f34e08b43a27",
    ),
];

fn encode(t: &Template, ev: &EventData<'_>) -> Vec<u8> {
    let n = t.len(ev).unwrap();
    let mut buf = vec![0u8; n];
    let mut s = SliceSink::new(&mut buf);
    t.write(ev, &mut s).unwrap();
    assert_eq!(s.written().len(), n);
    buf
}

#[test]
fn every_builtin_template_encodes_and_hashes_as_upstream() {
    let fx = Fixture::new();
    let ev = fx.event();
    for (name, fmt, len, sha1, sha256) in VECTORS {
        let t = Template::builtin(name).unwrap();
        assert_eq!(t.name(), name);
        assert_eq!(t.fmt().as_str(), fmt);
        let want: Vec<u8> = fmt
            .split('|')
            .flat_map(|id| fld(&field_bytes(id)))
            .collect();
        let data = encode(t, &ev);
        assert_eq!(hex(&data), hex(&want), "{name}");
        assert_eq!(data.len(), len, "{name}");
        for (algo, want) in [(HashAlgo::Sha1, sha1), (HashAlgo::Sha256, sha256)] {
            let d = t.template_digest(algo, &data).unwrap();
            assert_eq!(format!("{d:x}"), want, "{name} {algo:?}");
            assert_eq!(t.event_digest(algo, &ev).unwrap(), d, "{name} {algo:?}");
            if name != "ima" {
                assert_eq!(template_digest(algo, &data), d);
            }
        }
    }
}

#[test]
fn builtin_lookup_by_name_and_format() {
    assert_eq!(BUILTIN.len(), 8);
    for (name, fmt, ..) in VECTORS {
        let t = Template::builtin(name).unwrap();
        assert!(!t.is_custom());
        assert_eq!(Template::lookup(name), Some(t));
        assert_eq!(Template::lookup(fmt), Some(t));
    }
    assert_eq!(Template::builtin("d-ng|n-ng"), None);
    assert_eq!(Template::builtin("ima-foo"), None);
    assert_eq!(Template::lookup(""), None);
    assert!(IMA_MODSIG.has_modsig());
    assert!(!IMA_SIG.has_modsig());
    assert!(Template::parse_fmt("n-ng|d-modsig").unwrap().has_modsig());
    assert!(IMA.allows_hash_algo(HashAlgo::Sha1));
    assert!(!IMA.allows_hash_algo(HashAlgo::Sha256));
    assert!(IMA_NG.allows_hash_algo(HashAlgo::Sha512));
}

#[test]
fn parsing_builtin_formats_yields_the_builtin_field_lists() {
    for t in BUILTIN {
        let c = Template::parse_fmt(&t.fmt()).unwrap();
        assert_eq!(c.fields(), t.fields());
        assert!(c.is_custom());
        // Nameless, so the lists show the format (upstream's
        // template_desc->fmt when name is "").
        assert_eq!(c.name(), t.fmt().as_str());
        assert_eq!(c.fmt(), t.fmt());
        assert_ne!(&c, t);
        assert!(!c.is_legacy_ima());
    }
}

#[test]
fn custom_format_validation_as_template_desc_init_fields() {
    let t = Template::parse_fmt("d-ng|n-ng|sig|iuid|igid|imode").unwrap();
    use Field::*;
    assert_eq!(t.fields(), [DigestNg, NameNg, Sig, IUid, IGid, IMode]);
    assert_eq!(t.name(), "d-ng|n-ng|sig|iuid|igid|imode");

    for f in Field::ALL {
        assert_eq!(Template::parse_fmt(f.id()).unwrap().fields(), [f]);
    }
    assert_eq!(Template::parse_fmt("d-ng|foo"), Err(FmtError::UnknownField));
    assert_eq!(Template::parse_fmt("D-NG"), Err(FmtError::UnknownField));
    assert_eq!(Template::parse_fmt(""), Err(FmtError::BadFieldLength));
    assert_eq!(Template::parse_fmt("d-ng|"), Err(FmtError::BadFieldLength));
    assert_eq!(Template::parse_fmt("|n-ng"), Err(FmtError::BadFieldLength));
    assert_eq!(
        Template::parse_fmt("d-ng||n-ng"),
        Err(FmtError::BadFieldLength)
    );
    assert_eq!(
        Template::parse_fmt("abcdefghijklmnopq"),
        Err(FmtError::BadFieldLength)
    );
    assert_eq!(
        Template::parse_fmt("abcdefghijklmnop"),
        Err(FmtError::UnknownField)
    );
    assert_eq!(FmtError::UnknownField.errno(), 2);
    assert_eq!(FmtError::TooManyFields.errno(), 22);

    // 15 fields (duplicates allowed upstream) is the maximum; the
    // longest possible format fits.
    let max = ["xattrlengths"; 15].join("|");
    let t = Template::parse_fmt(&max).unwrap();
    assert_eq!(t.fields().len(), MAX_FIELDS);
    assert_eq!(t.name(), max);
    assert_eq!(max.len(), MAX_FMT_LEN);
    let sixteen = ["n"; 16].join("|");
    assert_eq!(Template::parse_fmt(&sixteen), Err(FmtError::TooManyFields));
    // Counted before fields are looked at, as template_fmt_size().
    assert_eq!(
        Template::parse_fmt(&["x"; 16].join("|")),
        Err(FmtError::TooManyFields)
    );
}

#[test]
fn binary_list_entries() {
    let fx = Fixture::new();
    let ev = fx.event();
    let td = Digest::from_bytes(HashAlgo::Sha1, &[0x01; 20]).unwrap();
    for t in BUILTIN {
        let data = encode(t, &ev);
        let e = Entry {
            pcr: 10,
            template: t,
            data: &data,
            digest: &td,
        };
        let mut out = Vec::new();
        let mut c = Counter::default();
        e.write_binary(&mut c).unwrap();
        out.resize(c.0, 0);
        let mut s = SliceSink::new(&mut out);
        e.write_binary(&mut s).unwrap();
        assert_eq!(s.written().len(), c.0);

        let name = t.name().as_bytes();
        let head = cat(&[&u32le(10), &[0x01; 20], &u32le(name.len() as u32), name]);
        let want = if t.name() == "ima" {
            // d raw, n as u32 strlen + name without NUL, no data length.
            cat(&[&head, &[0xa5; 20], &u32le(12), b"/usr/bin/a_b"])
        } else {
            cat(&[&head, &u32le(data.len() as u32), &data])
        };
        assert_eq!(hex(&out), hex(&want), "{}", t.name());
    }
}

fn ascii(t: &Template, data: &[u8], td: &Digest) -> String {
    let e = Entry {
        pcr: 10,
        template: t,
        data,
        digest: td,
    };
    let mut out = vec![0u8; 4096];
    let mut s = SliceSink::new(&mut out);
    e.write_ascii(&mut s).unwrap();
    String::from_utf8(s.written().to_vec()).unwrap()
}

#[test]
fn ascii_list_entries() {
    let fx = Fixture::new();
    let ev = fx.event();
    let td = Digest::from_bytes(HashAlgo::Sha1, &[0x01; 20]).unwrap();
    let tdh = "01".repeat(20);
    let fd = hex(&(0..32).collect::<Vec<u8>>());
    let want = |t: &str, fields: &str| format!("10 {tdh} {t} {fields}\n");
    let cases = [
        (
            &IMA,
            want("ima", &format!("{} /usr/bin/a_b", "a5".repeat(20))),
        ),
        (
            &IMA_NG,
            want("ima-ng", &format!("sha256:{fd} /usr/bin/a_b")),
        ),
        (
            &IMA_SIG,
            want("ima-sig", &format!("sha256:{fd} /usr/bin/a_b 0302aabb")),
        ),
        (
            &IMA_NGV2,
            want("ima-ngv2", &format!("ima:sha256:{fd} /usr/bin/a_b")),
        ),
        (
            &IMA_SIGV2,
            want(
                "ima-sigv2",
                &format!("ima:sha256:{fd} /usr/bin/a_b 0302aabb"),
            ),
        ),
        (
            &IMA_BUF,
            want(
                "ima-buf",
                &format!("sha256:{fd} /usr/bin/a_b {}", hex(b"root=/dev/sda")),
            ),
        ),
        (
            &IMA_MODSIG,
            want(
                "ima-modsig",
                &format!(
                    "sha256:{fd} /usr/bin/a_b 0302aabb sha256:{} 308201",
                    "22".repeat(32)
                ),
            ),
        ),
        (
            &EVM_SIG,
            want(
                "evm-sig",
                &format!(
                    "sha256:{fd} /usr/bin/a_b 0502cc security.selinux|security.ima \
                     1b00000004000000 {}0302aabb 1000 100 33188",
                    hex(SELINUX)
                ),
            ),
        ),
    ];
    for (t, want) in cases {
        assert_eq!(ascii(t, &encode(t, &ev), &td), want);
    }
}

#[test]
fn missing_parts_give_empty_fields() {
    let fx = Fixture::new();
    let ev = EventData::new(&fx.file, b"boot_aggregate");
    let t = Template::parse_fmt(
        "d-ng|n-ng|sig|buf|d-modsig|modsig|evmsig|iuid|igid|imode|xattrnames|xattrlengths|xattrvalues",
    )
    .unwrap();
    let data = encode(&t, &ev);
    let fd: Vec<u8> = (0..32).collect();
    let mut want = cat(&[&fld(&cat(&[b"sha256:\0", &fd])), &fld(b"boot_aggregate\0")]);
    want.extend([0u8; 4 * 11]);
    assert_eq!(data, want);

    let td = Digest::zero(HashAlgo::Sha256);
    let line = ascii(&t, &data, &td);
    let want = format!(
        "10 {} {} sha256:{} boot_aggregate{}\n",
        "00".repeat(32),
        t.name(),
        hex(&fd),
        " ".repeat(11)
    );
    assert_eq!(line, want);
}

#[test]
fn sig_field_falls_back_to_the_evm_portable_signature() {
    let fx = Fixture::new();
    let t = Template::parse_fmt("sig").unwrap();
    let mut ev = fx.event();
    type Case<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, &'a [u8]);
    let cases: [Case<'_>; 6] = [
        (Some(&[3, 1]), Some(&EVM_X), &[3, 1]), // EVM_IMA_XATTR_DIGSIG
        (Some(&[6, 1]), Some(&EVM_X), &[6, 1]), // IMA_VERITY_DIGSIG
        (Some(&[4, 4, 9]), Some(&EVM_X), &EVM_X), // digest-ng: not a sig
        (None, Some(&EVM_X), &EVM_X),
        (Some(&[1, 9]), Some(&[2, 9]), &[]), // HMAC is not portable
        (None, None, &[]),
    ];
    for (ima, evm, want) in cases {
        ev.ima_xattr = ima;
        ev.evm_xattr = evm;
        assert_eq!(encode(&t, &ev), fld(want));
    }
    ev.evm_xattr = Some(&[]);
    ev.ima_xattr = None;
    assert_eq!(encode(&t, &ev), fld(&[]));
}

#[test]
fn violations_record_zero_digests() {
    let zero256 = Digest::zero(HashAlgo::Sha256);
    let md = Digest::from_bytes(HashAlgo::Sha256, &[0x22; 32]).unwrap();
    let mut ev = EventData::violation(&zero256, b"/etc/shadow");
    ev.digest_kind = DigestKind::Verity; // ignored for violations
    ev.modsig = Some(Modsig {
        digest: &md,
        raw: b"x",
    });
    let t = Template::parse_fmt("d|d-ng|d-ngv2|d-modsig").unwrap();
    let want = cat(&[
        &fld(&[0; 20]),
        &fld(&cat(&[b"sha256:\0", &[0; 32]])),
        &fld(&cat(&[b"ima:sha256:\0", &[0; 32]])),
        &fld(&cat(&[b"sha1:\0", &[0; 20]])),
    ]);
    assert_eq!(encode(&t, &ev), want);
}

#[test]
fn verity_digests_in_ngv2() {
    let d = Digest::from_bytes(HashAlgo::Sha512, &[7; 64]).unwrap();
    let mut ev = EventData::new(&d, b"/a");
    ev.digest_kind = DigestKind::Verity;
    let data = encode(&IMA_NGV2, &ev);
    let want = cat(&[&fld(&cat(&[b"verity:sha512:\0", &[7; 64]])), &fld(b"/a\0")]);
    assert_eq!(data, want);
    let td = Digest::zero(HashAlgo::Sha1);
    assert_eq!(
        ascii(&IMA_NGV2, &data, &td),
        format!(
            "10 {} ima-ngv2 verity:sha512:{} /a\n",
            "00".repeat(20),
            "07".repeat(64)
        )
    );
}

#[test]
fn legacy_d_needs_a_sha1_digest() {
    let fx = Fixture::new();
    let mut ev = EventData::new(&fx.file, b"/a");
    assert_eq!(IMA.len(&ev), Err(EncodeError::NeedSha1Digest));
    let mut buf = [0u8; 64];
    assert_eq!(
        IMA.write(&ev, &mut SliceSink::new(&mut buf)),
        Err(EncodeError::NeedSha1Digest)
    );
    ev.sha1_digest = Some(&fx.file); // not SHA-1
    assert_eq!(IMA.len(&ev), Err(EncodeError::NeedSha1Digest));
    // A SHA-1 file digest is used directly.
    let ev = EventData::new(&fx.sha1, b"/a");
    assert_eq!(encode(&IMA, &ev), cat(&[&fld(&[0xa5; 20]), &fld(b"/a\0")]));
}

#[test]
fn legacy_name_is_limited_to_255_bytes() {
    let sha1 = Digest::zero(HashAlgo::Sha1);
    let long = vec![b'x'; 300];
    let mut ev = EventData::new(&sha1, &long);
    // Without a dentry name: truncated.
    let data = encode(&IMA, &ev);
    let want_n = cat(&[&[b'x'; 255], b"\0"]);
    assert_eq!(data, cat(&[&fld(&[0; 20]), &fld(&want_n)]));
    // The template hash takes n as exactly 256 bytes.
    let want = Digest::of(HashAlgo::Sha1, &[&[0; 20], &want_n]);
    assert_eq!(IMA.template_digest(HashAlgo::Sha1, &data).unwrap(), want);
    // With one: the dentry name instead.
    ev.dentry_name = Some(b"y z");
    assert_eq!(encode(&IMA, &ev), cat(&[&fld(&[0; 20]), &fld(b"y_z\0")]));
    // 255 bytes is still the full name; n-ng never cuts.
    let exact = vec![b'x'; 255];
    ev.name = &exact;
    assert_eq!(encode(&IMA, &ev), cat(&[&fld(&[0; 20]), &fld(&want_n)]));
    ev.name = &long;
    let t = Template::parse_fmt("n-ng").unwrap();
    assert_eq!(encode(&t, &ev), fld(&cat(&[&long, b"\0"])));
}

#[test]
fn names_stop_at_nul_and_spaces_become_underscores() {
    let d = Digest::zero(HashAlgo::Sha1);
    let ev = EventData::new(&d, b" a  b \0 c");
    let t = Template::parse_fmt("n-ng|n").unwrap();
    assert_eq!(
        encode(&t, &ev),
        cat(&[&fld(b"_a__b_\0"), &fld(b"_a__b_\0")])
    );
}

/// `ima` boot_aggregate entry of a kernel without TPM: zero SHA-1 digest;
/// template digest from hashlib over 20 zeros and the name padded to 256.
#[test]
fn legacy_ima_boot_aggregate_template_digest() {
    let zero = Digest::zero(HashAlgo::Sha1);
    let ev = EventData::new(&zero, b"boot_aggregate");
    let data = encode(&IMA, &ev);
    let td = IMA.template_digest(HashAlgo::Sha1, &data).unwrap();
    assert_eq!(
        format!("{td:x}"),
        "719de8e521439498e9b77f6ed41e230b9821111e"
    );
}

#[test]
fn uint_fields_show_by_their_size() {
    let d = Digest::zero(HashAlgo::Sha1);
    let mut ev = EventData::new(&d, b"/");
    ev.inode = Some(InodeAttrs {
        uid: u32::MAX,
        gid: 0,
        mode: 0o40755,
    });
    let t = Template::parse_fmt("iuid|igid|imode").unwrap();
    let line = ascii(&t, &encode(&t, &ev), &d);
    assert!(line.ends_with(" 4294967295 0 16877\n"), "{line}");
}

#[test]
fn malformed_data_is_rejected_everywhere() {
    let td = Digest::zero(HashAlgo::Sha1);
    let bad: [&[u8]; 5] = [
        b"",
        b"\x01\0\0\0a",                        // one field short
        b"\x01\0\0\0a\x01\0\0\0b\0",           // trailing byte
        b"\x05\0\0\0a",                        // length past the end
        b"\x02\0\0\0ab\x01\0\0\0b\x01\0\0\0c", // one field too many
    ];
    for t in [&IMA, &IMA_NG] {
        for data in bad {
            assert_eq!(t.template_digest(HashAlgo::Sha1, data), Err(MalformedEntry));
            let e = Entry {
                pcr: 10,
                template: t,
                data,
                digest: &td,
            };
            let mut out = [0u8; 256];
            assert_eq!(
                e.write_ascii(&mut SliceSink::new(&mut out)),
                Err(MalformedEntry)
            );
        }
    }
    // A legacy name longer than 256 bytes cannot be hashed as upstream.
    let data = cat(&[&fld(&[0; 20]), &fld(&[b'x'; 257])]);
    assert_eq!(
        IMA.template_digest(HashAlgo::Sha1, &data),
        Err(MalformedEntry)
    );
    // d-ng without ':' or NUL.
    for v in [&b"sha1\0ab"[..], b"sha1:ab"] {
        let data = cat(&[&fld(v), &fld(b"a\0")]);
        let mut out = [0u8; 256];
        let e = Entry {
            pcr: 10,
            template: &IMA_NG,
            data: &data,
            digest: &td,
        };
        assert_eq!(
            e.write_ascii(&mut SliceSink::new(&mut out)),
            Err(MalformedEntry)
        );
    }
}

#[test]
fn split_data_gives_each_fields_value() {
    let fx = Fixture::new();
    let ev = fx.event();
    for t in BUILTIN {
        let data = encode(t, &ev);
        let values = t.split_data(&data).unwrap();
        let mut n = 0;
        for ((f, v), id) in values.iter().zip(t.fmt().split('|')) {
            assert_eq!(f.id(), id);
            assert_eq!(v, field_bytes(id));
            n += 1;
        }
        assert_eq!(n, t.fields().len());
    }
}

/// Seeded, so every run explores the same cases.
struct Rng(fastrand::Rng);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(fastrand::Rng::with_seed(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.u64(..)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| [b' ', b'a', 0, 3, 5, 6, 0xff][self.below(7)])
            .collect()
    }
    fn opt(&mut self) -> bool {
        self.next() & 1 == 0
    }
}

#[test]
fn property_len_equals_bytes_written_and_lists_parse() {
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let algo = HashAlgo::ALL[rng.below(4)];
        let raw: Vec<u8> = (0..algo.digest_size()).map(|_| rng.next() as u8).collect();
        let digest = Digest::from_bytes(algo, &raw).unwrap();
        let sha1 = Digest::padded(HashAlgo::Sha1, &raw);
        let name = rng.bytes(300);
        let dentry = rng.bytes(40);
        let (ima_x, evm_x, buf, mraw) = (rng.bytes(8), rng.bytes(8), rng.bytes(20), rng.bytes(9));
        let xnames: Vec<Vec<u8>> = (0..3).map(|_| rng.bytes(10)).collect();
        let xvals: Vec<Vec<u8>> = (0..3).map(|_| rng.bytes(10)).collect();
        let xattrs: Vec<Xattr<'_>> = (0..rng.below(4))
            .map(|i| Xattr {
                name: &xnames[i],
                value: &xvals[i],
            })
            .collect();
        let ev = EventData {
            digest: &digest,
            violation: rng.below(8) == 0,
            digest_kind: if rng.opt() {
                DigestKind::Ima
            } else {
                DigestKind::Verity
            },
            sha1_digest: Some(&sha1),
            name: &name,
            dentry_name: rng.opt().then_some(&dentry[..]),
            ima_xattr: rng.opt().then_some(&ima_x[..]),
            evm_xattr: rng.opt().then_some(&evm_x[..]),
            modsig: rng.opt().then_some(Modsig {
                digest: &digest,
                raw: &mraw,
            }),
            buf: rng.opt().then_some(&buf[..]),
            inode: rng.opt().then_some(InodeAttrs {
                uid: rng.next() as u32,
                gid: rng.next() as u32,
                mode: rng.next() as u16,
            }),
            xattrs: &xattrs,
        };
        let t = if rng.opt() {
            *BUILTIN[rng.below(BUILTIN.len())]
        } else {
            let ids: Vec<&str> = (0..1 + rng.below(MAX_FIELDS))
                .map(|_| Field::ALL[rng.below(Field::ALL.len())].id())
                .collect();
            Template::parse_fmt(&ids.join("|")).unwrap()
        };
        let data = encode(&t, &ev);
        let mut sum = 0;
        for (f, v) in t.split_data(&data).unwrap().iter() {
            assert_eq!(f.len(&ev).unwrap(), v.len());
            sum += 4 + v.len();
        }
        assert_eq!(sum, data.len());
        for algo in HashAlgo::ALL {
            assert_eq!(
                t.event_digest(algo, &ev).unwrap(),
                t.template_digest(algo, &data).unwrap()
            );
        }
        let td = Digest::zero(HashAlgo::Sha1);
        let e = Entry {
            pcr: 10,
            template: &t,
            data: &data,
            digest: &td,
        };
        for ascii in [false, true] {
            let mut c = Counter::default();
            let mut out = vec![0u8; 8192];
            let mut s = SliceSink::new(&mut out);
            if ascii {
                e.write_ascii(&mut c).unwrap();
                e.write_ascii(&mut s).unwrap();
            } else {
                e.write_binary(&mut c).unwrap();
                e.write_binary(&mut s).unwrap();
            }
            assert_eq!(c.0, s.written().len());
        }
        // A sink too small fails cleanly.
        if !data.is_empty() {
            let mut small = vec![0u8; data.len() - 1];
            assert_eq!(
                t.write(&ev, &mut SliceSink::new(&mut small)),
                Err(EncodeError::Overflow)
            );
        }
    }
}

/// The calls the kernel shell (ima_ns/, securityfs/) makes today.
#[test]
fn kernel_shell_api_still_compiles() {
    struct Buf(Vec<u8>);
    impl Sink for Buf {
        fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
            self.0.extend_from_slice(bytes);
            Ok(())
        }
    }
    struct Measurement {
        pcr: u32,
        template: &'static Template,
        data: Vec<u8>,
        sha1: Digest,
    }
    let d = Digest::zero(HashAlgo::Sha256);
    let mut data = Buf(Vec::with_capacity(Template::ima_ng_len(
        &d,
        b"boot_aggregate",
    )));
    Template::write_ima_ng(&d, b"boot_aggregate", &mut data).unwrap();
    assert_eq!(data.0.len(), Template::ima_ng_len(&d, b"boot_aggregate"));
    let m = Measurement {
        pcr: 10,
        template: &IMA_NG,
        sha1: ima_template::template_digest(HashAlgo::Sha1, &data.0),
        data: data.0,
    };
    let entry = Entry {
        pcr: m.pcr,
        template: m.template,
        data: &m.data,
        digest: &m.sha1,
    };
    let mut out = Buf(Vec::new());
    let binary = false;
    let r = if binary {
        entry.write_binary(&mut out).map_err(|_| ())
    } else {
        entry.write_ascii(&mut out).map_err(|_| ())
    };
    assert!(r.is_ok());
    assert_eq!(
        out.0,
        b"10 0adefe762c149c7cec19da62f0da1297fcfbffff ima-ng \
          sha256:0000000000000000000000000000000000000000000000000000000000000000 \
          boot_aggregate\n"
    );
}
