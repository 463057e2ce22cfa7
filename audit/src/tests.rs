// SPDX-License-Identifier: GPL-2.0
extern crate std;
use super::*;
use std::format;

#[test]
fn plain_values_are_quoted() {
    assert_eq!(
        format!("{}", Untrusted(b"/usr/bin/true")),
        "\"/usr/bin/true\""
    );
    assert_eq!(format!("{}", Untrusted(b"~!#")), "\"~!#\"");
}

#[test]
fn anything_that_could_forge_a_field_is_hex() {
    // A space would start a new field, a quote end the value.
    assert_eq!(format!("{}", Untrusted(b"a b")), "612062");
    assert_eq!(format!("{}", Untrusted(b"x\" res=1")), "7822207265733D31");
    assert_eq!(format!("{}", Untrusted(b"\n")), "0A");
    assert_eq!(format!("{}", Untrusted(&[0x7f])), "7F");
    assert_eq!(format!("{}", Untrusted(&[0xc3, 0xa9])), "C3A9");
    // Upstream quotes an empty string.
    assert_eq!(format!("{}", Untrusted(b"")), "\"\"");
}

#[test]
fn integrity_record_matches_upstreams_field_order() {
    let r = Integrity {
        op: "appraise_data",
        cause: "invalid-signature",
        comm: b"cat",
        name: Some(b"/tmp/f"),
        inode: Some(Inode {
            dev: b"vda",
            ino: 12,
        }),
        ok: false,
        ns: 3,
    };
    assert_eq!(
        format!("{r}"),
        " op=appraise_data cause=invalid-signature comm=\"cat\" name=\"/tmp/f\" \
         dev=\"vda\" ino=12 res=0 errno=0 ima_ns=3"
    );
    let status = Integrity {
        op: "policy_update",
        cause: "completed",
        comm: b"my sh",
        name: None,
        inode: None,
        ok: true,
        ns: 0,
    };
    assert_eq!(
        format!("{status}"),
        " op=policy_update cause=completed comm=6D79207368 res=1 errno=0 ima_ns=0"
    );
}

#[test]
fn rule_record_head_and_tail() {
    let head = RuleHead {
        file: b"/bin/sh",
        algo: "sha256",
        digest: &[0xab, 0x01],
    };
    assert_eq!(format!("{head}"), "file=\"/bin/sh\" hash=\"sha256:ab01\"");
    assert_eq!(format!("{}", Ns(7)), " ima_ns=7");
}
