// SPDX-License-Identifier: GPL-2.0
//! The appraisal decision of `xattr_verify()` and of the no-xattr path of
//! `ima_appraise_measurement()` (ima_appraise.c, 6.12 and 7.3), up to the
//! signature check, which needs the keyring: that is the caller's.
//!
//! 7.3 ([`Upstream::V7_3`]) also verifies v3 signatures in a type 3
//! `security.ima` (a regular file's digest, signed through its
//! `ima_file_id`), and an `appraise_type=sigv3` rule refuses older ones
//! (`IMA-sigv3-required`); 6.12 refuses v3 there
//! (`invalid-signature-version`).

use crate::algo::KernelHashAlgo;
use crate::xattr::{FileId, ImaXattr, XattrType};
use ima_policy::Upstream;

/// What the matching `appraise` rule requires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Required {
    /// `appraise_type=imasig` (`IMA_DIGSIG_REQUIRED`).
    pub signature: bool,
    /// `digest_type=verity` (`IMA_VERITY_REQUIRED`).
    pub verity: bool,
    /// `appraise_type=sigv3` (7.3's `IMA_SIGV3_REQUIRED`).
    pub sigv3: bool,
}

/// `enum integrity_status`, as far as appraisal of `security.ima` goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `INTEGRITY_PASS`.
    Pass,
    /// `INTEGRITY_FAIL`.
    Fail,
    /// `INTEGRITY_NOLABEL`: no `security.ima`.
    NoLabel,
    /// `INTEGRITY_UNKNOWN`: a value appraisal cannot judge.
    Unknown,
}

/// What a signature covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signed<'a> {
    /// A v2 signature: the file digest itself.
    Digest(&'a [u8]),
    /// A v3 signature: the digest (in the file's algorithm) of these
    /// `ima_file_id` bytes.
    FileId(FileId),
}

/// The decision, or the signature check it waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check<'a> {
    /// Decided. `cause` is upstream's audit `cause=` for anything but a
    /// pass; `digsig` is upstream's `IMA_DIGSIG` bit: the value is a
    /// signature (fix mode must not replace it).
    Done {
        status: Status,
        cause: &'static str,
        digsig: bool,
    },
    /// Verify the signature `value` ([`crate::SigHeader::parse`]) with
    /// the key its keyid names, over `signed`: a good signature passes,
    /// anything else fails with `fail_cause`.
    Verify {
        value: &'a [u8],
        signed: Signed<'a>,
        fail_cause: &'static str,
    },
}

const fn done(status: Status, cause: &'static str, digsig: bool) -> Check<'static> {
    Check::Done {
        status,
        cause,
        digsig,
    }
}

fn signature_required(req: Required) -> &'static str {
    if req.verity {
        "verity-signature-required"
    } else {
        "IMA-signature-required"
    }
}

/// `xattr_verify()`: judges `value` for a file whose digest, collected
/// with [`crate::hash_algo_for`]'s algorithm `algo`, is `digest`.
/// `evm_immutable`: EVM vouched for the value with a portable signature
/// (`INTEGRITY_PASS_IMMUTABLE`), which stands in for an IMA signature.
/// `upstream`: whose `xattr_verify()`.
pub fn check_xattr<'a>(
    value: &'a [u8],
    algo: KernelHashAlgo,
    digest: &'a [u8],
    req: Required,
    evm_immutable: bool,
    upstream: Upstream,
) -> Check<'a> {
    match ImaXattr::parse(value) {
        ImaXattr::Digest {
            digest: expected, ..
        } => {
            if !evm_immutable && req.signature {
                return done(Status::Fail, signature_required(req), false);
            }
            // Longer values are allowed: MD5 digests once took 20 bytes.
            if expected.get(..digest.len()) == Some(digest) {
                done(Status::Pass, "", evm_immutable)
            } else {
                done(Status::Fail, "invalid-hash", evm_immutable)
            }
        }
        ImaXattr::Signature(XattrType::ImaVeritySig, value) => {
            if req.signature && !req.verity {
                return done(Status::Fail, "IMA-signature-required", true);
            }
            if value.get(1) != Some(&3) {
                return done(Status::Fail, "invalid-signature-version", true);
            }
            match FileId::verity(algo, digest) {
                Some(id) => Check::Verify {
                    value,
                    signed: Signed::FileId(id),
                    fail_cause: "invalid-verity-signature",
                },
                None => done(Status::Fail, "sigv3-hashing-error", true),
            }
        }
        ImaXattr::Signature(_, value) => {
            if req.signature && req.verity {
                return done(Status::Fail, "verity-signature-required", true);
            }
            if upstream.sigv3_any_file() {
                return check_digsig_7_3(value, algo, digest, req);
            }
            match value.get(1) {
                Some(v) if *v >= 3 => done(Status::Fail, "invalid-signature-version", true),
                // integrity_digsig_verify(): too short for a version.
                None => done(Status::Fail, "invalid-signature", true),
                // v1 (digsig_verify(), MPI signatures without a key
                // type) is not supported: the kernel offers modules
                // asymmetric keys only.
                Some(1) => done(Status::Fail, "invalid-signature", true),
                Some(2) => Check::Verify {
                    value,
                    signed: Signed::Digest(digest),
                    fail_cause: "invalid-signature",
                },
                // Version 0: -EOPNOTSUPP, the status stays unknown.
                Some(_) => done(Status::Unknown, "unknown", true),
            }
        }
        ImaXattr::Other => done(Status::Unknown, "unknown-ima-data", false),
    }
}

/// 7.3's `EVM_IMA_XATTR_DIGSIG` case of `xattr_verify()`, after the
/// verity check: versions up to 3, `IMA-sigv3-required` for older ones
/// under an `appraise_type=sigv3` rule, v3 verified over the digest of
/// the file's `ima_file_id` (`asymmetric_verify_v3()`).
fn check_digsig_7_3<'a>(
    value: &'a [u8],
    algo: KernelHashAlgo,
    digest: &'a [u8],
    req: Required,
) -> Check<'a> {
    let Some(&version) = value.get(1) else {
        // integrity_digsig_verify(): too short for a version.
        return done(Status::Fail, "invalid-signature", true);
    };
    if version > 3 {
        return done(Status::Fail, "invalid-signature-version", true);
    }
    if req.sigv3 && version != 3 {
        return done(Status::Fail, "IMA-sigv3-required", true);
    }
    match version {
        // v1: MPI signatures, not supported (see check_xattr()).
        1 => done(Status::Fail, "invalid-signature", true),
        2 => Check::Verify {
            value,
            signed: Signed::Digest(digest),
            fail_cause: "invalid-signature",
        },
        // calc_file_id_hash() failing is -EINVAL: a failed verification.
        3 => match FileId::new(XattrType::DigSig, algo, digest) {
            Some(id) => Check::Verify {
                value,
                signed: Signed::FileId(id),
                fail_cause: "invalid-signature",
            },
            None => done(Status::Fail, "invalid-signature", true),
        },
        // Version 0: -EOPNOTSUPP, the status stays unknown.
        _ => done(Status::Unknown, "unknown", true),
    }
}

/// `ima_appraise_measurement()` without a `security.ima`: a file the
/// task created passes unless a signature is required and it has data.
pub fn check_missing(req: Required, new_file: bool, empty: bool) -> Check<'static> {
    let cause = if req.signature {
        signature_required(req)
    } else {
        "missing-hash"
    };
    let status = if new_file && (!req.signature || empty) {
        Status::Pass
    } else {
        Status::NoLabel
    };
    done(status, cause, false)
}

impl Check<'_> {
    /// Fix mode may write a hash for a file that did not pass: never over
    /// a signature (`EVM_IMA_XATTR_DIGSIG`), as upstream.
    pub fn fixable(value: Option<&[u8]>) -> bool {
        value.and_then(XattrType::of) != Some(XattrType::DigSig)
    }
}
