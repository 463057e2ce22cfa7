// SPDX-License-Identifier: GPL-2.0
//! Every parameter: its default, good values, and each bad value's line.

extern crate std;

use super::*;
use std::string::{String, ToString};

/// `glue.c`'s buffers with their defaults and sizes.
struct Bufs {
    hash: [u8; 16],
    policy: [u8; 64],
    template: [u8; 32],
    template_fmt: [u8; 256],
    appraise: [u8; 16],
    x509: [u8; 256],
    dir: [u8; 33],
    prefix: [u8; 17],
    host: [u8; 8],
    upstream: [u8; 8],
    write_policy: bool,
    read_policy: bool,
    keyring_restrict: bool,
    lock: bool,
    pcr: i32,
}

fn put<const N: usize>(buf: &mut [u8; N], s: &str) {
    *buf = [0; N];
    buf[..s.len()].copy_from_slice(s.as_bytes());
}

impl Bufs {
    fn new() -> Self {
        let mut b = Self {
            hash: [0; 16],
            policy: [0; 64],
            template: [0; 32],
            template_fmt: [0; 256],
            appraise: [0; 16],
            x509: [0; 256],
            dir: [0; 33],
            prefix: [0; 17],
            host: [0; 8],
            upstream: [0; 8],
            write_policy: true,
            read_policy: true,
            keyring_restrict: false,
            lock: false,
            pcr: -1,
        };
        put(&mut b.hash, "sha256");
        put(&mut b.template, "ima-ng");
        put(&mut b.appraise, "enforce");
        b
    }

    fn raw(&self) -> Raw<'_> {
        Raw {
            hash: &self.hash,
            policy: &self.policy,
            template: &self.template,
            template_fmt: &self.template_fmt,
            write_policy: self.write_policy,
            read_policy: self.read_policy,
            appraise: &self.appraise,
            keyring_restrict: self.keyring_restrict,
            lock: self.lock,
            x509: &self.x509,
            securityfs_dir: &self.dir,
            keyring_prefix: &self.prefix,
            pcr: self.pcr,
            host: &self.host,
            upstream: &self.upstream,
        }
    }
}

fn err(b: &Bufs) -> String {
    parse(&b.raw(), Upstream::V6_12).unwrap_err().to_string()
}

#[test]
fn defaults_match_glue_c() {
    let b = Bufs::new();
    let p = parse(&b.raw(), Upstream::V6_12).unwrap();
    let d = Params::DEFAULT;
    assert_eq!(p.hash, d.hash);
    assert_eq!(p.template.template().name(), "ima-ng");
    assert_eq!(d.template.template().name(), "ima-ng");
    assert_eq!(p.policy_text, "");
    assert_eq!(p.policy, d.policy);
    assert_eq!((p.write_policy, p.read_policy), (true, true));
    assert_eq!(p.appraise, AppraiseMode::Enforce);
    assert!(p.appraise_enabled());
    assert!(!p.keyring_restrict && !p.lock);
    assert_eq!(p.x509, None);
    assert_eq!(p.upstream, Upstream::V6_12);
    assert_eq!(p.coexist, d.coexist);
    // upstream= defaults to the kernel's own line.
    assert_eq!(
        parse(&b.raw(), Upstream::V7_3).unwrap().upstream,
        Upstream::V7_3
    );
}

#[test]
fn hash() {
    let mut b = Bufs::new();
    for (name, algo) in [
        ("sha1", HashAlgo::Sha1),
        ("sha256", HashAlgo::Sha256),
        ("sha384", HashAlgo::Sha384),
        ("sha512", HashAlgo::Sha512),
    ] {
        put(&mut b.hash, name);
        assert_eq!(parse(&b.raw(), Upstream::V6_12).unwrap().hash, algo);
    }
    for bad in ["md5", "SHA256", ""] {
        put(&mut b.hash, bad);
        assert_eq!(
            err(&b),
            std::format!("ima_hash={bad} is not one of sha1, sha256, sha384, sha512")
        );
    }
}

#[test]
fn template() {
    let mut b = Bufs::new();
    put(&mut b.template, "ima-sig");
    let p = parse(&b.raw(), Upstream::V6_12).unwrap();
    assert!(matches!(p.template, TemplateChoice::Builtin(t) if t.name() == "ima-sig"));
    // A format string wins, and names a built-in when it is one.
    put(&mut b.template_fmt, "d-ng|n-ng");
    let p = parse(&b.raw(), Upstream::V6_12).unwrap();
    assert!(matches!(p.template, TemplateChoice::Builtin(t) if t.name() == "ima-ng"));
    put(&mut b.template_fmt, "d-ng|n-ng|iuid");
    let p = parse(&b.raw(), Upstream::V6_12).unwrap();
    assert!(matches!(p.template, TemplateChoice::Custom(t) if t.name() == "d-ng|n-ng|iuid"));
    put(&mut b.template_fmt, "d-ng|bogus");
    assert_eq!(
        err(&b),
        "template \"d-ng|bogus\": not a template name or field list (UnknownField)"
    );
    put(&mut b.template_fmt, "");
    put(&mut b.template, "nope");
    assert_eq!(
        err(&b),
        "template \"nope\": not a template name or field list (UnknownField)"
    );
    // The original "ima" template records SHA-1 only.
    put(&mut b.template, "ima");
    assert_eq!(
        err(&b),
        "template \"ima\" records SHA-1 digests only: load with ima_hash=sha1"
    );
    put(&mut b.hash, "sha1");
    assert!(parse(&b.raw(), Upstream::V6_12).is_ok());
    // A custom format of SHA-1-only fields, by its format.
    put(&mut b.hash, "sha256");
    put(&mut b.template_fmt, "d|n");
    assert_eq!(
        err(&b),
        "template \"ima\" records SHA-1 digests only: load with ima_hash=sha1"
    );
}

#[test]
fn appraise() {
    let mut b = Bufs::new();
    for m in [
        AppraiseMode::Enforce,
        AppraiseMode::Log,
        AppraiseMode::Fix,
        AppraiseMode::Off,
    ] {
        put(&mut b.appraise, m.name());
        let p = parse(&b.raw(), Upstream::V6_12).unwrap();
        assert_eq!(p.appraise, m);
        assert_eq!(p.appraise_enabled(), m != AppraiseMode::Off);
    }
    put(&mut b.appraise, "permissive");
    assert_eq!(
        err(&b),
        "ima_appraise=permissive is not one of enforce, log, fix, off"
    );
}

#[test]
fn upstream() {
    let mut b = Bufs::new();
    for (v, up) in [
        ("6.12", Upstream::V6_12),
        ("7.3", Upstream::V7_3),
        ("7", Upstream::V7_3),
    ] {
        put(&mut b.upstream, v);
        assert_eq!(parse(&b.raw(), Upstream::V6_12).unwrap().upstream, up);
        assert_eq!(parse(&b.raw(), Upstream::V7_3).unwrap().upstream, up);
    }
    put(&mut b.upstream, "5.15");
    assert_eq!(err(&b), "upstream=5.15 is not one of 6.12, 7.3");
}

#[test]
fn policy() {
    let mut b = Bufs::new();
    put(&mut b.policy, "tcb|appraise_tcb");
    let p = parse(&b.raw(), Upstream::V6_12).unwrap();
    assert_eq!(p.policy_text, "tcb|appraise_tcb");
    assert!(p.policy.tcb && p.policy.appraise_tcb && !p.policy.secure_boot);
    put(&mut b.policy, "tcb|bogus");
    assert_eq!(
        err(&b),
        "ima_policy: \"bogus\" is not a built-in policy (tcb, original_tcb, appraise_tcb, secure_boot, critical_data)"
    );
}

#[test]
fn booleans_x509_and_coexist() {
    let mut b = Bufs::new();
    b.write_policy = false;
    b.read_policy = false;
    b.keyring_restrict = true;
    b.lock = true;
    b.pcr = 12;
    put(&mut b.x509, "/etc/keys/x509_ima.der");
    put(&mut b.dir, "ima-ns");
    put(&mut b.prefix, ".ima_ns.");
    put(&mut b.host, "own");
    let p = parse(&b.raw(), Upstream::V6_12).unwrap();
    assert!(!p.write_policy && !p.read_policy && p.keyring_restrict && p.lock);
    assert_eq!(p.x509.unwrap().to_bytes(), b"/etc/keys/x509_ima.der");
    assert_eq!(
        p.coexist,
        Coexist {
            dir: "ima-ns",
            keyring_prefix: ".ima_ns.",
            pcr: 12,
            host: "own"
        }
    );
}

/// Errors come in the order the module always checked: the hash first.
#[test]
fn first_error_wins() {
    let mut b = Bufs::new();
    put(&mut b.hash, "md5");
    put(&mut b.appraise, "x");
    put(&mut b.policy, "y");
    assert!(err(&b).starts_with("ima_hash="));
    put(&mut b.hash, "sha256");
    assert!(err(&b).starts_with("ima_appraise="));
    put(&mut b.appraise, "log");
    put(&mut b.upstream, "9");
    assert!(err(&b).starts_with("upstream="));
}

#[test]
fn nul_padding() {
    assert_eq!(nul_padded(b"abc\0\0"), "abc");
    assert_eq!(nul_padded(b"abc"), "abc");
    assert_eq!(nul_padded(b"\xff\0"), "");
}
