// SPDX-License-Identifier: GPL-2.0
//! Host tests of EVM's pure core against upstream's behaviour (6.12).

use ima_evm::*;

#[test]
fn values_are_classified_as_evm_verify_hmac_does() {
    let mut hmac = [0u8; 21];
    hmac[0] = 2;
    hmac[1] = 0xaa;
    assert!(matches!(EvmValue::parse(&hmac), EvmValue::Hmac(h) if h[0] == 0xaa));
    assert_eq!(
        EvmValue::parse(&hmac[..20]),
        EvmValue::Malformed(Some(ValueKind::Hmac))
    );
    assert_eq!(
        EvmValue::parse(&[2; 22]),
        EvmValue::Malformed(Some(ValueKind::Hmac))
    );
    // A signature needs more than its 9-byte header.
    let sig = [3, 2, 4, 1, 2, 3, 4, 0, 1, 0x55];
    assert_eq!(
        EvmValue::parse(&sig),
        EvmValue::Signature(ValueKind::Signature, &sig)
    );
    assert_eq!(EvmValue::parse(&sig).sig_hash_algo(), Some(4));
    assert_eq!(
        EvmValue::parse(&sig[..9]),
        EvmValue::Malformed(Some(ValueKind::Signature))
    );
    let mut portable = sig;
    portable[0] = 5;
    assert_eq!(EvmValue::parse(&portable).kind(), Some(ValueKind::Portable));
    assert_eq!(
        EvmValue::parse(&portable[..5]),
        EvmValue::Malformed(Some(ValueKind::Portable))
    );
    for v in [&[][..], &[0], &[1, 2, 3], &[4; 40], &[6; 40], &[0xff]] {
        assert_eq!(EvmValue::parse(v), EvmValue::Unknown);
    }
}

#[test]
fn h_misc_is_the_lp64_struct_with_zeroed_padding() {
    let m = Metadata {
        ino: 0x1122334455667788,
        generation: 0xdeadbeef,
        uid: 1000,
        gid: 100,
        mode: 0o100644,
    };
    let misc = m.misc(ValueKind::Hmac);
    assert_eq!(
        misc,
        [
            0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // ino
            0xef, 0xbe, 0xad, 0xde, // generation
            0xe8, 0x03, 0, 0, // uid
            100, 0, 0, 0, // gid
            0xa4, 0x81, // mode
            0, 0, // padding
        ]
    );
    assert_eq!(m.misc(ValueKind::Signature), misc);
    let p = m.misc(ValueKind::Portable);
    assert_eq!(&p[..12], &[0; 12]);
    assert_eq!(&p[12..], &misc[12..]);
    assert!(covers_uuid(ValueKind::Hmac, true));
    assert!(covers_uuid(ValueKind::Signature, true));
    assert!(!covers_uuid(ValueKind::Portable, true));
    assert!(!covers_uuid(ValueKind::Hmac, false));
}

#[test]
fn the_input_covers_enabled_xattrs_and_portable_needs_ima() {
    assert!(Coverage::includes(ValueKind::Hmac, true));
    assert!(!Coverage::includes(ValueKind::Hmac, false));
    assert!(Coverage::includes(ValueKind::Portable, false));
    let c = Coverage::default();
    assert_eq!(c.finish(ValueKind::Hmac), Err(InputError::NoXattrs));
    let mut c = Coverage::default();
    c.add(b"security.capability");
    assert_eq!(c.finish(ValueKind::Hmac), Ok(()));
    assert_eq!(
        c.finish(ValueKind::Portable),
        Err(InputError::PortableWithoutIma)
    );
    c.add(b"security.ima");
    assert_eq!(c.finish(ValueKind::Portable), Ok(()));
}

#[test]
fn statuses_map_to_upstream_names_and_appraisal_causes() {
    assert_eq!(Status::PassImmutable.name(), "pass_immutable");
    assert_eq!(Status::NoXattrs.name(), "no_xattrs");
    assert_eq!(appraisal_cause(Status::Pass), Ok(()));
    assert_eq!(appraisal_cause(Status::Unknown), Ok(()));
    assert_eq!(appraisal_cause(Status::NoLabel), Err("missing-HMAC"));
    assert_eq!(appraisal_cause(Status::NoXattrs), Err("missing-HMAC"));
    assert_eq!(appraisal_cause(Status::Fail), Err("invalid-HMAC"));
    assert_eq!(
        appraisal_cause(Status::FailImmutable),
        Err("invalid-fail-immutable")
    );
    assert_eq!(without_value(Ok(Some(2))), Status::NoLabel);
    assert_eq!(without_value(Ok(Some(0))), Status::NoXattrs);
    assert_eq!(without_value(Ok(None)), Status::Unknown);
    assert_eq!(without_value(Err(())), Status::Fail);
    use ValueKind::*;
    assert_eq!(after_compute(Hmac, Ok(true)), Status::Pass);
    assert_eq!(after_compute(Hmac, Ok(false)), Status::Fail);
    assert_eq!(after_compute(Signature, Ok(true)), Status::Pass);
    assert_eq!(after_compute(Portable, Ok(true)), Status::PassImmutable);
    assert_eq!(after_compute(Portable, Ok(false)), Status::FailImmutable);
    assert_eq!(
        after_compute(Portable, Err(Some(InputError::PortableWithoutIma))),
        Status::FailImmutable
    );
    assert_eq!(
        after_compute(Signature, Err(Some(InputError::NoXattrs))),
        Status::NoXattrs
    );
    assert_eq!(after_compute(Hmac, Err(None)), Status::Fail);
}

#[test]
fn evm_file_writes_follow_evm_write_key() {
    let none = Flags::default();
    // Bad numbers and bits.
    assert_eq!(none.plan_write(b"0"), Err(WriteError::InvalidBits));
    assert_eq!(none.plan_write(b"8"), Err(WriteError::InvalidBits));
    assert_eq!(none.plan_write(b"0x40000000"), Err(WriteError::InvalidBits));
    assert_eq!(none.plan_write(b"abc").map_err(|e| e.errno()), Err(22));
    assert_eq!(none.plan_write(b"").map_err(|e| e.errno()), Err(22));
    assert_eq!(none.plan_write(b"2 ").map_err(|e| e.errno()), Err(22));
    assert_eq!(
        none.plan_write(b"4294967296").map_err(|e| e.errno()),
        Err(34)
    );
    // kstrtouint base 0: decimal, hex, octal, a newline.
    let x509 = none.plan_write(b"2\n").unwrap();
    assert!(!x509.loads_hmac_key());
    let f = x509.apply(none);
    assert_eq!(
        (f.0, f.shown(), f.key_loaded(), f.hmac()),
        (2, 2, true, false)
    );
    assert_eq!(none.plan_write(b"0x6").unwrap().apply(none).0, 6);
    assert_eq!(none.plan_write(b"06").unwrap().apply(none).0, 6);
    assert_eq!(none.plan_write(b"+2").unwrap().apply(none).0, 2);
    // X.509 then HMAC: the HMAC completes setup, drops metadata writes.
    let f = Flags(6);
    let w = f.plan_write(b"1").unwrap();
    assert!(w.loads_hmac_key());
    let f = w.apply(f);
    assert_eq!(f.0, 0x8000_0003);
    assert_eq!(f.shown(), 3);
    assert_eq!(f.plan_write(b"2"), Err(WriteError::NotPermitted));
    assert_eq!(f.plan_write(b"2").unwrap_err().errno(), 1);
    // Metadata writes after an HMAC key: EPERM (even before setup ends,
    // which an HMAC key always ends).
    assert_eq!(Flags(1).plan_write(b"4"), Err(WriteError::NotPermitted));
    // The lock bit alone: nothing else afterwards, and without HMAC the
    // HMAC is "disabled" for good.
    let locked = none.plan_write(b"0x80000002").unwrap().apply(none);
    assert_eq!(locked.shown(), 2);
    assert!(locked.hmac_disabled());
    assert_eq!(locked.plan_write(b"1"), Err(WriteError::NotPermitted));
    assert!(!Flags(2).hmac_disabled());
}

#[test]
fn evm_xattrs_writes_follow_evm_write_xattrs() {
    assert_eq!(parse_xattrs_write(b".\n"), Ok(XattrsWrite::Lock));
    assert_eq!(parse_xattrs_write(b"."), Ok(XattrsWrite::Lock));
    assert_eq!(
        parse_xattrs_write(b"security.foo\n"),
        Ok(XattrsWrite::Add(b"security.foo"))
    );
    assert_eq!(parse_xattrs_write(b"user.foo"), Err(22));
    assert_eq!(parse_xattrs_write(b"security.f\0o"), Err(22));
    assert_eq!(parse_xattrs_write(b""), Err(22));
    assert_eq!(parse_xattrs_write(&[b'a'; 256]), Err(7));
    let list = [
        (&b"security.selinux"[..], false),
        (b"security.ima", true),
        (b"security.capability", true),
    ];
    assert!(is_protected(list, b"security.ima", false));
    assert!(!is_protected(list, b"security.selinux", false));
    assert!(is_protected(list, b"security.selinux", true));
    assert!(is_protected(list, b"capability", false));
    assert!(!is_protected(list, b"security.evm", true));
    assert!(!is_protected(list, b"user.ima", true));
    assert_eq!(DEFAULT_XATTRS[6].0, XATTR_NAME_IMA);
    assert_eq!(DEFAULT_XATTRS[7].0, "security.capability");
}

#[test]
fn metadata_changes_follow_evm_protect_xattr_and_setattr() {
    let x509 = Flags(Flags::INIT_X509);
    let x509_locked = Flags(Flags::INIT_X509 | Flags::SETUP_COMPLETE);
    let p = |flags, class, value, status, unchanged| {
        protect_xattr(flags, class, value, || status, || unchanged, false, false)
    };
    use Status::*;
    use XattrClass::*;
    // Nobody else's business, and nothing before EVM is set up.
    assert_eq!(p(x509, Other, None, Fail, false), Ok(()));
    assert_eq!(p(Flags(0), Protected, None, Fail, false), Ok(()));
    // security.evm: signatures only, never an HMAC, never empty.
    assert_eq!(
        p(x509, Evm, Some(&[2; 21]), Pass, false),
        Err(Refusal::Denied(None))
    );
    assert_eq!(p(x509, Evm, Some(&[]), Pass, false), Err(Refusal::Invalid));
    assert_eq!(Refusal::Invalid.errno(), 22);
    assert_eq!(p(x509, Evm, Some(&[5, 2]), Pass, false), Ok(()));
    // Protected xattrs change only on a file that verifies...
    assert_eq!(p(x509, Protected, None, Pass, false), Ok(()));
    assert_eq!(
        p(x509, Protected, None, Fail, false),
        Err(Refusal::Denied(Some("appraise_metadata")))
    );
    assert_eq!(
        p(x509, Protected, None, NoLabel, false),
        Err(Refusal::Denied(Some("appraise_metadata")))
    );
    // ...not at all under a portable signature, unless unchanged...
    assert_eq!(
        p(x509, Protected, None, PassImmutable, false),
        Err(Refusal::Denied(None))
    );
    assert_eq!(p(x509, Protected, None, PassImmutable, true), Ok(()));
    // ...and freely when the portable signature is broken anyway.
    assert_eq!(p(x509, Protected, None, FailImmutable, false), Ok(()));
    // No protected xattrs: new files and pseudo filesystems only, or
    // when no HMAC will ever be computed.
    assert_eq!(
        p(x509, Protected, None, NoXattrs, false),
        Err(Refusal::Denied(Some("update_metadata")))
    );
    assert_eq!(
        protect_xattr(x509, Protected, None, || NoXattrs, || false, true, false),
        Ok(())
    );
    assert_eq!(
        protect_xattr(x509, Protected, None, || NoXattrs, || false, false, true),
        Ok(())
    );
    assert_eq!(p(x509_locked, Protected, None, NoXattrs, false), Ok(()));
    assert_eq!(p(x509_locked, Protected, None, NoLabel, false), Ok(()));
    // ACLs: only the mode matters.
    assert_eq!(p(x509, PosixAcl, None, NoXattrs, false), Ok(()));
    assert_eq!(
        p(x509, PosixAcl, None, Fail, false),
        Err(Refusal::Denied(Some("appraise_metadata")))
    );
    // Metadata writes allowed: anything goes.
    let open = Flags(Flags::INIT_X509 | Flags::ALLOW_METADATA_WRITES);
    assert_eq!(p(open, Evm, Some(&[2; 21]), Fail, false), Ok(()));
    // setattr.
    assert_eq!(protect_attr(x509, || Pass, true), Ok(()));
    assert_eq!(protect_attr(x509, || NoXattrs, true), Ok(()));
    assert_eq!(protect_attr(x509, || FailImmutable, true), Ok(()));
    assert_eq!(protect_attr(x509, || PassImmutable, false), Ok(()));
    assert_eq!(
        protect_attr(x509, || PassImmutable, true),
        Err(Refusal::Denied(Some("appraise_metadata")))
    );
    assert_eq!(
        protect_attr(x509, || Fail, true),
        Err(Refusal::Denied(Some("appraise_metadata")))
    );
    assert_eq!(protect_attr(x509_locked, || NoLabel, true), Ok(()));
    assert_eq!(protect_attr(Flags(0), || Fail, true), Ok(()));
}
