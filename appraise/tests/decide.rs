// SPDX-License-Identifier: GPL-2.0
//! `security.ima` parsing and the appraisal decision, against a value made
//! by `evmctl ima_sign` and hand-made values for each upstream branch.

use ima_appraise::*;
use ima_policy::Upstream::{V6_12, V7_3};
use sha2::{Digest, Sha256};

const SIG: &[u8] = include_bytes!("vectors/hello.txt.sig");
const DATA: &[u8] = include_bytes!("vectors/hello.txt");
const SHA256: KernelHashAlgo = KernelHashAlgo::SHA256;
const NONE: Required = Required {
    signature: false,
    verity: false,
    sigv3: false,
};
const IMASIG: Required = Required {
    signature: true,
    verity: false,
    sigv3: false,
};

fn digest() -> [u8; 32] {
    Sha256::digest(DATA).into()
}

fn ng(d: &[u8]) -> Vec<u8> {
    [&[4u8, 4][..], d].concat()
}

fn done(c: Check<'_>) -> (Status, &'static str) {
    match c {
        Check::Done { status, cause, .. } => (status, cause),
        other => panic!("not decided: {other:?}"),
    }
}

#[test]
fn evmctl_signature_header() {
    let h = SigHeader::parse(SIG).unwrap();
    assert_eq!((h.xattr_type, h.version), (3, 2));
    assert_eq!(h.hash_algo, SHA256);
    // The low 32 bits of rsa.crt's subject key identifier.
    assert_eq!(h.keyid, 0xa908_87e0);
    assert_eq!(h.sig.len(), 256);
    assert_eq!(
        hash_algo_for(Some(SIG), KernelHashAlgo::SHA1, V6_12),
        SHA256
    );
}

#[test]
fn evmctl_signature_waits_for_the_key_over_the_file_digest() {
    let d = digest();
    match check_xattr(SIG, SHA256, &d, IMASIG, false, V6_12) {
        Check::Verify {
            value,
            signed: Signed::Digest(s),
            fail_cause,
        } => {
            assert_eq!((value, s, fail_cause), (SIG, &d[..], "invalid-signature"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_signatures_are_refused_before_any_key_lookup() {
    assert_eq!(SigHeader::parse(&SIG[..9]), Err(SigError::TooShort));
    assert_eq!(SigHeader::parse(&SIG[..100]), Err(SigError::SizeMismatch));
    let mut long = SIG.to_vec();
    long.push(0);
    assert_eq!(SigHeader::parse(&long), Err(SigError::SizeMismatch));
    let mut huge = SIG.to_vec();
    huge[7..9].copy_from_slice(&[0xff, 0xff]);
    assert_eq!(SigHeader::parse(&huge), Err(SigError::SizeMismatch));
    let mut algo = SIG.to_vec();
    algo[2] = 23;
    assert_eq!(SigHeader::parse(&algo), Err(SigError::UnknownHashAlgo));
    assert_eq!(SigError::SizeMismatch.errno(), 74);
    // An unknown algorithm falls back to the default for hashing.
    assert_eq!(hash_algo_for(Some(&algo), SHA256, V6_12), SHA256);
}

#[test]
fn signature_versions() {
    let d = digest();
    let mut v3 = SIG.to_vec();
    v3[1] = 3;
    assert_eq!(
        done(check_xattr(&v3, SHA256, &d, NONE, false, V6_12)),
        (Status::Fail, "invalid-signature-version")
    );
    v3[1] = 1;
    assert_eq!(
        done(check_xattr(&v3, SHA256, &d, NONE, false, V6_12)).0,
        Status::Fail
    );
    v3[1] = 0;
    assert_eq!(
        done(check_xattr(&v3, SHA256, &d, NONE, false, V6_12)),
        (Status::Unknown, "unknown")
    );
    assert_eq!(
        done(check_xattr(&[3], SHA256, &d, NONE, false, V6_12)),
        (Status::Fail, "invalid-signature")
    );
    let verity = Required {
        signature: true,
        verity: true,
        sigv3: false,
    };
    assert_eq!(
        done(check_xattr(SIG, SHA256, &d, verity, false, V6_12)),
        (Status::Fail, "verity-signature-required")
    );
}

#[test]
fn verity_signatures_sign_the_file_id() {
    let d = digest();
    let mut v = SIG.to_vec();
    v[0] = 6;
    v[1] = 3;
    let verity = Required {
        signature: true,
        verity: true,
        sigv3: false,
    };
    match check_xattr(&v, SHA256, &d, verity, false, V6_12) {
        Check::Verify {
            signed: Signed::FileId(id),
            fail_cause,
            ..
        } => {
            assert_eq!(&id.as_bytes()[..2], &[6, 4]);
            assert_eq!(&id.as_bytes()[2..], &d[..]);
            assert_eq!(fail_cause, "invalid-verity-signature");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        done(check_xattr(&v, SHA256, &d, IMASIG, false, V6_12)),
        (Status::Fail, "IMA-signature-required")
    );
    v[1] = 2;
    assert_eq!(
        done(check_xattr(&v, SHA256, &d, verity, false, V6_12)),
        (Status::Fail, "invalid-signature-version")
    );
}

#[test]
fn digests() {
    let d = digest();
    assert_eq!(
        done(check_xattr(&ng(&d), SHA256, &d, NONE, false, V6_12)).0,
        Status::Pass
    );
    let mut bad = d;
    bad[31] ^= 1;
    assert_eq!(
        done(check_xattr(&ng(&bad), SHA256, &d, NONE, false, V6_12)),
        (Status::Fail, "invalid-hash")
    );
    // Truncated: too short to hold the digest.
    assert_eq!(
        done(check_xattr(&ng(&d[..31]), SHA256, &d, NONE, false, V6_12)),
        (Status::Fail, "invalid-hash")
    );
    assert_eq!(
        done(check_xattr(&[4], SHA256, &d, NONE, false, V6_12)).0,
        Status::Fail
    );
    // Longer than the digest: compared on the digest's length.
    let mut longer = ng(&d);
    longer.extend_from_slice(&[0; 4]);
    assert_eq!(
        done(check_xattr(&longer, SHA256, &d, NONE, false, V6_12)).0,
        Status::Pass
    );
    // A signature is required: a hash does not do, unless EVM vouches
    // for it with a portable signature.
    assert_eq!(
        done(check_xattr(&ng(&d), SHA256, &d, IMASIG, false, V6_12)),
        (Status::Fail, "IMA-signature-required")
    );
    assert_eq!(
        done(check_xattr(&ng(&d), SHA256, &d, IMASIG, true, V6_12)).0,
        Status::Pass
    );
}

#[test]
fn legacy_digest_algorithms() {
    let mut v = [1u8; 21];
    assert_eq!(hash_algo_for(Some(&v), SHA256, V6_12), KernelHashAlgo::SHA1);
    v[17..].fill(0);
    assert_eq!(hash_algo_for(Some(&v), SHA256, V6_12), KernelHashAlgo::MD5);
    assert_eq!(
        hash_algo_for(Some(&v[..17]), SHA256, V6_12),
        KernelHashAlgo::MD5
    );
    assert_eq!(hash_algo_for(Some(&v[..18]), SHA256, V6_12), SHA256);
    assert_eq!(
        hash_algo_for(Some(&[4, 6]), SHA256, V6_12),
        KernelHashAlgo::new(6).unwrap()
    );
    assert_eq!(
        hash_algo_for(Some(&[4]), KernelHashAlgo::SHA1, V6_12),
        KernelHashAlgo::SHA1
    );
    assert_eq!(hash_algo_for(None, SHA256, V6_12), SHA256);
}

#[test]
fn other_values() {
    let d = digest();
    for v in [&[][..], &[0], &[2, 1, 2], &[5, 2], &[7, 0, 0]] {
        assert_eq!(
            done(check_xattr(v, SHA256, &d, NONE, false, V6_12)),
            (Status::Unknown, "unknown-ima-data"),
            "{v:?}"
        );
    }
}

#[test]
fn no_xattr() {
    assert_eq!(
        done(check_missing(NONE, false, false)),
        (Status::NoLabel, "missing-hash")
    );
    assert_eq!(
        done(check_missing(IMASIG, false, true)),
        (Status::NoLabel, "IMA-signature-required")
    );
    // New files: pass unless a signature is required of data.
    assert_eq!(done(check_missing(NONE, true, false)).0, Status::Pass);
    assert_eq!(done(check_missing(IMASIG, true, false)).0, Status::NoLabel);
    assert_eq!(done(check_missing(IMASIG, true, true)).0, Status::Pass);
}

#[test]
fn fix_mode_values() {
    let d = digest();
    let mut out = [0; FIX_VALUE_MAX];
    let n = fix_value(SHA256, &d, &mut out).unwrap();
    assert_eq!(&out[..n], &ng(&d)[..]);
    let sha1 = [7u8; 20];
    let n = fix_value(KernelHashAlgo::SHA1, &sha1, &mut out).unwrap();
    assert_eq!(&out[..n], &[&[1u8][..], &sha1].concat()[..]);
    assert_eq!(fix_value(SHA256, &sha1, &mut out), None);
    // Never over a signature.
    assert!(!Check::fixable(Some(SIG)));
    assert!(Check::fixable(Some(&ng(&d))));
    assert!(Check::fixable(None));
}

// ---- 7.3: v3 signatures of regular files ---------------------------------

const SIGV3: Required = Required {
    signature: true,
    verity: false,
    sigv3: true,
};

fn v3_of(sig: &[u8]) -> Vec<u8> {
    let mut v = sig.to_vec();
    v[1] = 3;
    v
}

#[test]
fn v3_regular_file_signatures_are_7_3() {
    let d = digest();
    let v3 = v3_of(SIG);
    // The hash algorithm comes from a v3 header too.
    assert_eq!(hash_algo_for(Some(&v3), KernelHashAlgo::SHA1, V7_3), SHA256);
    assert_eq!(
        hash_algo_for(Some(&v3), KernelHashAlgo::SHA1, V6_12),
        KernelHashAlgo::SHA1
    );
    for req in [NONE, IMASIG, SIGV3] {
        assert_eq!(
            done(check_xattr(&v3, SHA256, &d, req, false, V6_12)),
            (Status::Fail, "invalid-signature-version")
        );
        match check_xattr(&v3, SHA256, &d, req, false, V7_3) {
            Check::Verify {
                value,
                signed: Signed::FileId(id),
                fail_cause,
            } => {
                // struct ima_file_id { hash_type = 3, hash_algorithm = 4, hash }.
                assert_eq!(&id.as_bytes()[..2], &[3, 4]);
                assert_eq!(&id.as_bytes()[2..], &d[..]);
                assert_eq!((value, fail_cause), (&v3[..], "invalid-signature"));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn sigv3_rules_refuse_older_signatures_in_7_3() {
    let d = digest();
    // A v2 signature under an appraise_type=sigv3 rule.
    assert_eq!(
        done(check_xattr(SIG, SHA256, &d, SIGV3, false, V7_3)),
        (Status::Fail, "IMA-sigv3-required")
    );
    // Without the rule, v2 is verified as in 6.12.
    for u in [V6_12, V7_3] {
        assert!(matches!(
            check_xattr(SIG, SHA256, &d, IMASIG, false, u),
            Check::Verify {
                signed: Signed::Digest(_),
                ..
            }
        ));
    }
    // Versions above 3 are refused first, 0 and 1 after the sigv3 check.
    let mut v = SIG.to_vec();
    v[1] = 4;
    assert_eq!(
        done(check_xattr(&v, SHA256, &d, SIGV3, false, V7_3)),
        (Status::Fail, "invalid-signature-version")
    );
    for version in [0, 1] {
        v[1] = version;
        assert_eq!(
            done(check_xattr(&v, SHA256, &d, SIGV3, false, V7_3)),
            (Status::Fail, "IMA-sigv3-required")
        );
    }
    v[1] = 0;
    assert_eq!(
        done(check_xattr(&v, SHA256, &d, NONE, false, V7_3)),
        (Status::Unknown, "unknown")
    );
    // A hash is not a signature.
    assert_eq!(
        done(check_xattr(&ng(&d), SHA256, &d, SIGV3, false, V7_3)),
        (Status::Fail, "IMA-signature-required")
    );
    // An fs-verity signature without digest_type=verity.
    let mut verity = v3_of(SIG);
    verity[0] = 6;
    assert_eq!(
        done(check_xattr(&verity, SHA256, &d, SIGV3, false, V7_3)),
        (Status::Fail, "IMA-signature-required")
    );
    // Nothing at all.
    assert_eq!(
        done(check_missing(SIGV3, false, false)),
        (Status::NoLabel, "IMA-signature-required")
    );
}

#[test]
fn verity_signatures_are_the_same_in_both() {
    let d = digest();
    let mut v = v3_of(SIG);
    v[0] = 6;
    let req = Required {
        signature: true,
        verity: true,
        sigv3: true,
    };
    assert_eq!(
        check_xattr(&v, SHA256, &d, req, false, V6_12),
        check_xattr(&v, SHA256, &d, req, false, V7_3)
    );
    // A v3 regular-file signature under a verity rule: refused by both.
    for u in [V6_12, V7_3] {
        assert_eq!(
            done(check_xattr(&v3_of(SIG), SHA256, &d, req, false, u)),
            (Status::Fail, "verity-signature-required")
        );
    }
}
