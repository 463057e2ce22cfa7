// SPDX-License-Identifier: GPL-2.0
//! `ima-ns checkpoint`, `attest` and `verify`: a TPM-backed verdict on one
//! namespace's list (`Documentation/attestation.md`).
//!
//! `attest` asks for a checkpoint, has `tpm2_quote` (tpm2-tools) quote PCR
//! 10 in every bank of the TPM over the nonce, then reads the host's
//! per-bank lists and the namespace's list, in that order: the lists are
//! append-only, so they hold at least what the quote covers and the
//! checkpoint. `verify` is pure (`ima-attest`): no TPM needed.

use crate::error::{Error, Result};
use crate::sysfs::Sysfs;
use ima_attest::evidence::Evidence;
use ima_attest::list::{self, Entry};
use ima_attest::policy::RuntimePolicy;
use ima_attest::{quote, unhex, verify};
use ima_template::anchor;
use ima_tpm::HashAlgo;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The arguments of `attest`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AttestArgs {
    /// The namespace.
    pub(crate) id: u64,
    /// The verifier's nonce, hex.
    pub(crate) nonce: String,
    /// The AK's context file (`tpm2_createak -c`).
    pub(crate) ak: PathBuf,
    /// Where the evidence goes.
    pub(crate) out: PathBuf,
    /// Withhold host entries' data except this namespace's anchors.
    pub(crate) reduce: bool,
}

/// The arguments of `verify`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct VerifyArgs {
    /// The evidence file.
    pub(crate) evidence: PathBuf,
    /// The AK's public key, PEM.
    pub(crate) ak_pub: PathBuf,
    /// The nonce, hex.
    pub(crate) nonce: String,
    /// A keylime runtime policy.
    pub(crate) policy: Option<PathBuf>,
}

fn nonce_bytes(hex: &str) -> Result<Vec<u8>> {
    match unhex(hex) {
        // TPM2B_DATA in a quote holds at most a digest's size (64 bytes).
        Some(n) if !n.is_empty() && n.len() <= 64 => Ok(n),
        _ => Err(Error::msg(format!(
            "--nonce {hex:?}: expected 1 to 64 bytes in hex"
        ))),
    }
}

fn read_file(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).map_err(|e| Error::io(format!("read {}", p.display()), e))
}

/// `ima-ns checkpoint ID`.
pub(crate) fn checkpoint(sysfs: &Sysfs, id: u64) -> Result {
    sysfs.check()?;
    sysfs.write(&format!("namespaces/{id}/checkpoint"), b"1")
}

/// The TPM's banks IMA lists, from the host's `anchor` file.
fn tpm_banks(sysfs: &Sysfs) -> Result<Vec<HashAlgo>> {
    let text = sysfs.read_text("anchor")?;
    let banks: Vec<HashAlgo> = text
        .lines()
        .find_map(|l| l.strip_prefix("banks "))
        .unwrap_or("")
        .split(' ')
        .filter_map(HashAlgo::from_name)
        .collect();
    if !text.starts_with("anchor tpm") || banks.is_empty() {
        return Err(Error::msg(
            "attest: this namespace's list is not anchored in a TPM (run attest from the host)",
        ));
    }
    Ok(banks)
}

/// Runs `tpm2_quote`; the `TPMS_ATTEST` and `TPMT_SIGNATURE` bytes.
fn tpm2_quote(
    ak: &Path,
    banks: &[HashAlgo],
    nonce: &str,
    dir: &Path,
) -> Result<(Vec<u8>, Vec<u8>)> {
    // tpm2-tools' selection syntax: "sha1:10+sha256:10".
    let selection: Vec<String> = banks.iter().map(|a| format!("{}:10", a.name())).collect();
    let (msg, sig) = (dir.join("quote.msg"), dir.join("quote.sig"));
    let out = Command::new("tpm2_quote")
        .arg("-c")
        .arg(ak)
        .arg("-l")
        .arg(selection.join("+"))
        .arg("-q")
        .arg(nonce)
        .arg("-g")
        .arg("sha256")
        .arg("-m")
        .arg(&msg)
        .arg("-s")
        .arg(&sig)
        .output()
        .map_err(|e| Error::io("run tpm2_quote", e).with_hint(Some("install tpm2-tools")))?;
    if !out.status.success() {
        return Err(Error::msg(format!(
            "tpm2_quote failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok((read_file(&msg)?, read_file(&sig)?))
}

/// The host's list with one template digest per bank of `banks`: the
/// entries every per-bank list has (they grow while being read), checked
/// to be the same entries.
fn host_entries(sysfs: &Sysfs, banks: &[HashAlgo]) -> Result<Vec<Entry>> {
    let mut lists = Vec::new();
    for &algo in banks {
        let rel = format!("binary_runtime_measurements_{}", algo.name());
        let bytes = sysfs.read(&rel)?;
        let l = list::parse_binary(&bytes, algo)
            .map_err(|e| Error::msg(format!("{rel}: malformed: {e}")))?;
        lists.push(l);
    }
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let first = &lists[0][i];
        if lists
            .iter()
            .any(|l| l[i].body != first.body || l[i].pcr != first.pcr)
        {
            return Err(Error::msg(format!(
                "host lists differ between banks at entry {i}"
            )));
        }
        out.push(Entry {
            pcr: first.pcr,
            digests: lists.iter().map(|l| l[i].digests[0]).collect(),
            body: first.body.clone(),
        });
    }
    Ok(out)
}

/// Whether `e` is an anchor of namespace `id`.
fn is_anchor_of(e: &Entry, id: u64) -> bool {
    e.body
        .as_ref()
        .and_then(list::fields)
        .and_then(|f| f.name.and_then(anchor::parse_name))
        .is_some_and(|(_, of)| of == id)
}

/// `ima-ns attest ID --nonce N --ak CTX -o FILE [--reduce]`.
pub(crate) fn attest(sysfs: &Sysfs, args: &AttestArgs, log: &mut dyn Write) -> Result {
    sysfs.check()?;
    let nonce = nonce_bytes(&args.nonce)?;
    let banks = tpm_banks(sysfs)?;
    checkpoint(sysfs, args.id)?;
    let dir = std::env::temp_dir().join(format!("ima-ns-attest.{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(format!("mkdir {}", dir.display()), e))?;
    let quoted = tpm2_quote(&args.ak, &banks, &args.nonce, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let (q, signature) = quoted?;
    let parsed = quote::parse_quote(&q).map_err(|e| Error::msg(format!("tpm2_quote: {e}")))?;
    // The evidence's banks in the quote's selection order.
    let banks: Vec<HashAlgo> = parsed
        .selection
        .iter()
        .filter_map(|s| HashAlgo::from_tpm_id(s.alg))
        .collect();
    let mut host = host_entries(sysfs, &banks)?;
    if args.reduce {
        for e in &mut host {
            if !is_anchor_of(e, args.id) {
                e.body = None;
            }
        }
    }
    let mut host_bytes = Vec::new();
    list::encode_entries(&host, &mut host_bytes);
    let namespace_list = sysfs.read(&format!(
        "namespaces/{}/binary_runtime_measurements",
        args.id
    ))?;
    let ev = Evidence {
        namespace: args.id,
        nonce,
        banks,
        reduced: args.reduce,
        quote: q,
        signature,
        host_entries: host_bytes,
        namespace_list,
    };
    std::fs::write(&args.out, ev.to_bytes())
        .map_err(|e| Error::io(format!("write {}", args.out.display()), e))?;
    let _ = writeln!(
        log,
        "ima-ns: evidence for namespace {} in {} ({} host entries{})",
        args.id,
        args.out.display(),
        host.len(),
        if args.reduce { ", reduced" } else { "" }
    );
    Ok(())
}

/// `ima-ns verify FILE --ak-pub KEY --nonce N [--policy FILE]`: prints
/// each check; exit 1 with the first failure.
pub(crate) fn verify(args: &VerifyArgs, out: &mut dyn Write) -> Result {
    let nonce = nonce_bytes(&args.nonce)?;
    let pem = String::from_utf8_lossy(&read_file(&args.ak_pub)?).into_owned();
    let ak = quote::parse_ak_pem(&pem)
        .map_err(|e| Error::msg(format!("{}: {e}", args.ak_pub.display())))?;
    let policy = match &args.policy {
        Some(p) => Some(
            RuntimePolicy::parse(&String::from_utf8_lossy(&read_file(p)?))
                .map_err(|e| Error::msg(format!("{}: {e}", p.display())))?,
        ),
        None => None,
    };
    let bytes = read_file(&args.evidence)?;
    let ev = Evidence::parse(&bytes)
        .map_err(|e| Error::msg(format!("verify: {}: {e}", args.evidence.display())))?;
    let opts = verify::Options {
        ak: &ak,
        nonce: &nonce,
        policy: policy.as_ref(),
    };
    let w = |e| Error::io("write to stdout", e);
    match verify::verify(&ev, &opts) {
        Ok(report) => {
            for l in &report.lines {
                writeln!(out, "{l}").map_err(w)?;
            }
            writeln!(out, "verified: namespace {}", ev.namespace).map_err(w)?;
            Ok(())
        }
        Err((failure, report)) => {
            for l in &report.lines {
                writeln!(out, "{l}").map_err(w)?;
            }
            Err(Error::msg(format!("verify: FAILED: {failure}")))
        }
    }
}
