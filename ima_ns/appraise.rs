// SPDX-License-Identifier: GPL-2.0
//! Appraisal (upstream's `ima_appraise.c`) in every namespace whose policy
//! asks for it: the file's digest, collected in the algorithm its
//! `security.ima` names, against that value: a hash, or a signature
//! checked with the namespace's own keyring. The decision itself is the
//! pure `ima_appraise` crate's; this is the shell around it (xattrs,
//! keyrings, audit, verdict caching).

use crate::collect::Hashed;
use crate::file::{File, FileFacts};
use crate::iint::{IintState, Verdict};
use crate::namespace::ImaNamespace;
use crate::state::ImaState;
use ima_appraise::{
    check_missing, check_xattr, fix_value, hash_algo_for, Check, KernelHashAlgo, SigHeader, Signed,
    Status, FIX_VALUE_MAX,
};
use ima_tpm::HashAlgo;
use kernel::prelude::*;

pub(crate) use crate::appraise_mode::{enabled, mode, Mode};

/// What a namespace's matching `appraise` rule asks for (decided by the
/// planner).
pub(crate) type Rule = ima_plan::Appraisal;

/// The kernel's `HASH_ALGO_*` number of one of the namespace algorithms.
pub(crate) fn kernel_algo(algo: HashAlgo) -> KernelHashAlgo {
    let id = match algo {
        HashAlgo::Sha1 => 2,
        HashAlgo::Sha256 => 4,
        HashAlgo::Sha384 => 5,
        HashAlgo::Sha512 => 6,
    };
    KernelHashAlgo::new(id).unwrap_or(KernelHashAlgo::SHA256)
}

/// The namespace algorithm a `HASH_ALGO_*` number is, if it is one.
fn our_algo(algo: KernelHashAlgo) -> Option<HashAlgo> {
    HashAlgo::ALL.into_iter().find(|&a| kernel_algo(a) == algo)
}

/// Appraises the event's file for `n` under `rule`: whether the access may
/// go on in this namespace. Failures are logged and audited once per
/// verdict; in `log` and `fix` modes they do not deny.
pub(crate) fn appraise(
    st: &ImaState,
    n: &ImaNamespace,
    rule: Rule,
    mask: u32,
    facts: &FileFacts<'_>,
    state: &mut IintState,
    hashed: &mut Hashed<'_>,
) -> bool {
    let cached = state.appraised(n.id, rule.key, || hashed.version_now());
    let verdict = match cached {
        Some(v) => v,
        None => {
            let version = hashed.version_now();
            let v = decide(st, n, rule, facts, state, hashed);
            if let Err(e) = state.keep_verdict(n.id, rule.key, version, v) {
                pr_warn!("appraisal verdict not cached: {:?}\n", e);
            }
            v
        }
    };
    let enforce = mode() == Mode::Enforce;
    let outcome = ima_plan::outcome(verdict, cached.is_some(), mask, state.new_file, enforce);
    if outcome.report_write_denied {
        failure(
            n,
            hashed,
            "appraise_data",
            "signed-file-opened-for-write",
            "",
        );
    }
    outcome.allow
}

/// Appraises without a cached verdict.
fn decide(
    st: &ImaState,
    n: &ImaNamespace,
    rule: Rule,
    facts: &FileFacts<'_>,
    state: &mut IintState,
    hashed: &mut Hashed<'_>,
) -> Verdict {
    let fail = |digsig| Verdict {
        pass: false,
        digsig,
    };
    if !facts.xattrs {
        failure(
            n,
            hashed,
            "appraise_data",
            "unknown",
            " (the filesystem keeps no xattrs)",
        );
        return fail(false);
    }
    let value = match hashed.take_ima_xattr() {
        Ok(v) => v,
        Err(e) => {
            failure(n, hashed, "appraise_data", "unknown", "");
            pr_warn!("reading security.ima failed: {:?}\n", e);
            return fail(false);
        }
    };
    // What is appraised: the fs-verity digest (`digest_type=verity`), else
    // the file hashed in the algorithm `security.ima` names.
    let mut verity = [0u8; 64];
    let file_digest;
    let (kalgo, digest): (KernelHashAlgo, &[u8]) = if rule.required.verity {
        let found = hashed
            .file()
            .verity_digest(&mut verity)
            .and_then(|(algo, d)| Some((KernelHashAlgo::new(algo)?, d)));
        match found {
            Some(v) => v,
            None => {
                failure(n, hashed, "collect_data", "no-verity-digest", "");
                return fail(false);
            }
        }
    } else {
        let default = kernel_algo(n.algo());
        let wanted = hash_algo_for(value.as_deref(), default, crate::compat::upstream());
        // Digests in algorithms the module does not hash with (md5,
        // sha224, ...) are compared in the namespace's: invalid-hash.
        let (kalgo, algo) = match our_algo(wanted) {
            Some(a) => (wanted, a),
            None => (default, n.algo()),
        };
        file_digest = match hashed.digest(st, state, algo) {
            Ok(d) => d,
            Err(e) => {
                failure(n, hashed, "collect_data", "failed", "");
                pr_warn!("hashing for appraisal failed: {:?}\n", e);
                return fail(false);
            }
        };
        (kalgo, file_digest.as_bytes())
    };
    if facts.created && value.is_none() {
        state.new_file = true;
    }
    // EVM vouches for security.ima first (ima_appraise_measurement()).
    let evm = match (&value, crate::dentry::Dentry::of_file(hashed.file())) {
        (Some(_), Some(d)) => crate::evm::verify(st, n, d),
        _ => ima_evm::Status::Unknown,
    };
    let check = match (&value, ima_evm::appraisal_cause(evm)) {
        (_, Err(cause)) => Check::Done {
            status: Status::Fail,
            cause,
            digsig: evm == ima_evm::Status::FailImmutable,
        },
        (Some(v), Ok(())) => check_xattr(
            v,
            kalgo,
            digest,
            rule.required,
            evm == ima_evm::Status::PassImmutable,
            crate::compat::upstream(),
        ),
        (None, Ok(())) => check_missing(rule.required, state.new_file, facts.size == 0),
    };
    let mut detail = Detail::new();
    let (mut status, mut cause, digsig) = match check {
        Check::Done {
            status,
            cause,
            digsig,
        } => (status, cause, digsig),
        Check::Verify {
            value,
            signed,
            fail_cause,
        } => match verify(st, n, value, signed, kalgo, &mut detail) {
            true => (Status::Pass, "", true),
            false => (Status::Fail, fail_cause, true),
        },
    };
    if status != Status::Pass {
        // Fix mode, but never over a signature.
        // (A hash of an fs-verity digest would never pass: not for those.)
        if mode() == Mode::Fix && !rule.required.verity && Check::fixable(value.as_deref()) {
            match write_hash(hashed.file(), kalgo, digest) {
                Ok(()) => status = Status::Pass,
                Err(e) => pr_warn!("fix mode: writing security.ima failed: {:?}\n", e),
            }
        }
        // A new, empty file with a signature (written before its data).
        if facts.size == 0 && state.new_file && digsig {
            status = Status::Pass;
        }
        failure(n, hashed, "appraise_data", cause, detail.as_str());
    }
    if status == Status::Pass
        && rule
            .allowed_algos
            .is_some_and(|a| !a.contains(usize::from(kalgo.id())))
    {
        status = Status::Fail;
        cause = "denied-hash-algorithm";
        failure(n, hashed, "collect_data", cause, "");
    }
    Verdict {
        pass: status == Status::Pass,
        digsig,
    }
}

/// Checks a signature with `n`'s keyring; why not, in `detail`.
fn verify(
    st: &ImaState,
    n: &ImaNamespace,
    value: &[u8],
    signed: Signed<'_>,
    algo: KernelHashAlgo,
    detail: &mut Detail,
) -> bool {
    let hdr = match SigHeader::parse(value) {
        Ok(h) => h,
        Err(e) => {
            detail.set(format_args!(" (malformed signature: {:?})", e));
            return false;
        }
    };
    let file_id_digest;
    let digest = match signed {
        Signed::Digest(d) => d,
        Signed::FileId(id) => {
            let hashed =
                our_algo(algo).and_then(|a| st.hashers.get(a).ok()?.hash_buf(id.as_bytes()).ok());
            match hashed {
                Some(d) => {
                    file_id_digest = d;
                    file_id_digest.as_bytes()
                }
                None => {
                    detail.set(format_args!(
                        " (cannot hash the file id in {})",
                        algo.name()
                    ));
                    return false;
                }
            }
        }
    };
    match n.keyring.verify(&hdr, digest) {
        Ok(()) => true,
        Err(e) if crate::keyrings::is_no_key(e) => {
            detail.set(format_args!(
                " (no key {:08x} in {})",
                hdr.keyid,
                n.keyring.name()
            ));
            false
        }
        Err(e) => {
            detail.set(format_args!(
                " (key {:08x}: signature rejected, {:?})",
                hdr.keyid, e
            ));
            false
        }
    }
}

/// Writes `security.ima` as fix mode and `hash` rules do.
pub(crate) fn write_hash(file: &File<'_>, algo: KernelHashAlgo, digest: &[u8]) -> Result {
    let mut buf = [0u8; FIX_VALUE_MAX];
    let n = fix_value(algo, digest, &mut buf).ok_or(EINVAL)?;
    file.set_ima_xattr(&buf[..n])
}

/// A failure: logged, and audited as `integrity_audit_msg()` does.
fn failure(n: &ImaNamespace, hashed: &mut Hashed<'_>, op: &str, cause: &str, detail: &str) {
    let file = hashed.file();
    let name = hashed.name().unwrap_or(b"");
    let verdict = if mode() == Mode::Enforce {
        "denied"
    } else {
        "allowed: ima_appraise is not enforce"
    };
    pr_notice!(
        "namespace {}: {} cause={}{} name=\"{}\" ({})\n",
        n.id,
        op,
        cause,
        detail,
        kernel::str::BStr::from_bytes(name),
        verdict
    );
    crate::audit::integrity_data(Some(file), name, op, cause, n.id);
}

/// A short explanation for the log, formatted without allocating.
struct Detail {
    buf: [u8; 96],
    len: usize,
}

impl Detail {
    fn new() -> Self {
        Self {
            buf: [0; 96],
            len: 0,
        }
    }

    fn set(&mut self, args: core::fmt::Arguments<'_>) {
        let mut out = SliceWriter {
            buf: &mut self.buf,
            len: 0,
        };
        let _ = core::fmt::write(&mut out, args);
        self.len = out.len;
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// Writes into a byte slice, truncating.
struct SliceWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl core::fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let room = self.buf.len() - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// `validate_hash_algo()` for a `security.ima` write by a task in `ns`:
/// every namespace from `ns` up with a `SETXATTR_CHECK` rule must allow
/// the value's algorithm; without such rules, the namespace's own
/// algorithm or any the kernel can compute. `Err(cause)` to refuse.
pub(crate) fn setxattr_allowed(
    ns: &ImaNamespace,
    value: &[u8],
) -> core::result::Result<(), &'static str> {
    let algo = hash_algo_for(
        Some(value),
        kernel_algo(ns.algo()),
        crate::compat::upstream(),
    );
    let mut ruled = false;
    for n in ns.lineage() {
        if let Some(allowed) = n.policy.current().summary().setxattr_algos {
            ruled = true;
            if !allowed.contains(usize::from(algo.id())) {
                return Err("denied-hash-algorithm");
            }
        }
    }
    if ruled || algo == kernel_algo(ns.algo()) || crate::crypto::kernel_has_hash(algo.name()) {
        Ok(())
    } else {
        Err("unavailable-hash-algorithm")
    }
}
