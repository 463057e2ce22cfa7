// SPDX-License-Identifier: GPL-2.0
extern crate std;

use super::*;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

fn ext(enforce: bool, fail: FailMode, timeout_ms: u32, queue: u32) -> ModelConfig {
    ModelConfig {
        mode: Mode::External {
            enforce,
            fail,
            timeout_ms,
            queue,
        },
    }
}

#[test]
fn config_defaults_and_round_trip() {
    assert_eq!(ModelConfig::parse("internal\n"), Ok(ModelConfig::default()));
    let d = ModelConfig::parse("external").unwrap();
    assert_eq!(d, ext(false, FailMode::Deny, 5000, 1024));
    assert_eq!(
        d.to_string(),
        "external observe fail=deny timeout_ms=5000 queue=1024"
    );
    let e = ModelConfig::parse(" external enforce fail=allow timeout_ms=250 queue=8 \n").unwrap();
    assert_eq!(e, ext(true, FailMode::Allow, 250, 8));
    assert!(e.is_enforcing() && e.is_external());
    assert_eq!(ModelConfig::parse(&e.to_string()), Ok(e));
}

#[test]
fn config_rejects_with_the_token() {
    let bad = [
        ("", ""),
        ("inside", "inside"),
        ("internal enforce", "enforce"),
        ("external enforce observe", "observe"),
        ("external fail=maybe", "fail=maybe"),
        ("external timeout_ms=0", "timeout_ms=0"),
        ("external timeout_ms=60001", "timeout_ms=60001"),
        ("external timeout_ms=+5", "timeout_ms=+5"),
        ("external queue=65537", "queue=65537"),
        ("external queue=", "queue="),
        ("external queue=1 queue=2", "queue=2"),
        ("external verbose", "verbose"),
    ];
    for (text, token) in bad {
        let e = ModelConfig::parse(text).unwrap_err();
        assert_eq!(e.token, token, "{text}");
    }
}

fn sample<'a>(path: &'a [u8], digest: &'a [u8]) -> Record<'a> {
    Record {
        seq: 7,
        ns: 3,
        func: "FILE_CHECK",
        mask: 4,
        reply: true,
        task: TaskIds {
            pid: 12,
            tgid: 11,
            uid: 1000,
            euid: 0,
            gid: 100,
            egid: 0,
            cap_eff: 0x1ff_ffff_ffff,
        },
        comm: b"cat",
        exe: None,
        path,
        file: Some(FileId {
            dev_major: 0,
            dev_minor: 35,
            ino: 1234,
            owner: 0,
            group: 0,
            mode: 0o100644,
        }),
        digest: Some(DigestRef {
            algo: "sha256",
            bytes: digest,
        }),
    }
}

#[test]
fn record_line_is_exact() {
    let line = sample(b"/etc/host name\n%", &[0xab, 0x01]).to_string();
    assert_eq!(
        line,
        "ima-ns-event 1 seq=7 ns=3 func=FILE_CHECK mask=0x4 reply=1 pid=12 tgid=11 \
         uid=1000 euid=0 gid=100 egid=0 cap_eff=0x000001ffffffffff comm=cat exe=- \
         path=/etc/host%20name%0A%25 dev=0:35 ino=1234 fowner=0 fgroup=0 fmode=0o100644 \
         digest=sha256:ab01\n"
    );
}

#[test]
fn digests_are_lowercase_hex_of_every_byte() {
    // sha512's 64 bytes, and more than one 32-byte chunk left over.
    for len in [0usize, 1, 31, 32, 33, 64, 100] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
        let mut r = sample(b"/f", &bytes);
        r.exe = r.digest;
        let line = r.to_string();
        let want: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let field = format!("sha256:{want}");
        assert_eq!(line.matches(field.as_str()).count(), 2, "{line}");
        assert!(line.ends_with(&format!("digest={field}\n")), "{line}");
    }
}

#[test]
fn record_parses_back() {
    let path: Vec<u8> = (0u8..=255).collect();
    let line = sample(&path, &[1, 2, 3]).to_string();
    let Some(RecordView::Event(v)) = RecordView::parse(line.trim_end()) else {
        panic!("{line}");
    };
    assert_eq!((v.seq, v.ns, v.func, v.reply), (7, 3, "FILE_CHECK", true));
    let back: Option<Vec<u8>> = unescape(v.get("path").unwrap()).collect();
    assert_eq!(back.unwrap(), path);
    assert_eq!(v.get("digest"), Some("sha256:010203"));
    assert_eq!(v.get("exe"), Some("-"));
    assert_eq!(v.get("nope"), None);
    // One line, no interior whitespace in any value.
    assert_eq!(line.matches('\n').count(), 1);
    assert_eq!(line.split(' ').count(), 23);
}

#[test]
fn empty_values_stay_visible() {
    let mut r = sample(b"", &[]);
    r.comm = b"";
    r.file = None;
    r.digest = None;
    let line = r.to_string();
    assert!(line.contains(" comm=%00 "), "{line}");
    assert!(line.contains(" dev=- ino=- fowner=- fgroup=- fmode=- digest=-\n"));
}

#[test]
fn lost_line_round_trip() {
    let l = Lost { first: 8, count: 5 };
    let s = l.to_string();
    assert_eq!(s, "ima-ns-lost 1 first=8 count=5\n");
    assert_eq!(RecordView::parse(s.trim_end()), Some(RecordView::Lost(l)));
}

#[test]
fn other_versions_and_junk_are_not_records() {
    for line in [
        "",
        "ima-ns-event",
        "ima-ns-event 2 seq=1 ns=1 func=X reply=0",
        "ima-ns-event 1 seq=x ns=1 func=X reply=0",
        "ima-ns-event 1 seq=1 ns=1 func=X reply=2",
        "something 1 seq=1",
    ] {
        assert_eq!(RecordView::parse(line), None, "{line}");
    }
    let bad: Vec<Option<u8>> = unescape("%4").collect();
    assert_eq!(bad, [None]);
    let bad: Vec<Option<u8>> = unescape("%zz").collect();
    assert_eq!(bad, [None]);
}

#[test]
fn verdicts() {
    assert_eq!(
        parse_verdict("12 allow\n"),
        Some(Verdict {
            seq: 12,
            allow: true
        })
    );
    assert_eq!(
        parse_verdict(" 3 deny "),
        Some(Verdict {
            seq: 3,
            allow: false
        })
    );
    for bad in [
        "",
        "12",
        "x allow",
        "+1 allow",
        "1 maybe",
        "1 allow now",
        "-1 deny",
    ] {
        assert_eq!(parse_verdict(bad), None, "{bad}");
    }
}

#[test]
fn generated_contents_get_no_digest() {
    assert!(!has_stable_contents(0x9fa0)); // procfs
    assert!(!has_stable_contents(0x62656572)); // sysfs
    assert!(has_stable_contents(0xef53)); // ext4
    assert!(has_stable_contents(0x01021994)); // tmpfs holds data
}
