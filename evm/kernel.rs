// SPDX-License-Identifier: GPL-2.0
//! EVM in the module (upstream's `evm_main.c`, `evm_crypto.c`,
//! `evm_secfs.c`): `security.evm` verified before appraisal trusts
//! `security.ima`, metadata changes refused on files that do not verify,
//! the HMAC kept up to date after legitimate changes, and the securityfs
//! `evm` and `evm_xattrs` files. The decisions are the pure `ima_evm`
//! crate's; this shell reads xattrs, hashes and verifies.
//!
//! Per namespace: each namespace sets its own `evm` bits and trusts the
//! keys in its own `.evm_ns<id>` keyring for signatures. The HMAC key is
//! the machine's: only the host loads it, and every namespace then checks
//! and keeps HMACs with it (an HMAC binds a file, not a namespace's view).
//!
//! Beside built-in EVM (`CONFIG_EVM`), `security.evm` is built-in EVM's:
//! the module only verifies it for its appraisals, and leaves writing it
//! and the metadata-protection rules to built-in EVM ([`verifier_only`]).

use crate::crypto::{Shash, MAX_DIGEST};
use crate::dentry::{Dentry, InodeFacts};
use crate::evm_state::c_name;
use crate::namespace::ImaNamespace;
use crate::state::ImaState;
use core::sync::atomic::Ordering;
use ima_appraise::SigHeader;
use ima_evm::{
    after_compute, covers_uuid, is_protected, parse_xattrs_write, protect_attr, protect_xattr,
    without_value, Coverage, EvmValue, Flags, InputError, Metadata, Refusal, Status, ValueKind,
    XattrClass, XattrsWrite, HMAC_LEN, XATTR_NAME_EVM,
};
use kernel::prelude::*;
use kernel::sync::Arc;

/// `MAX_KEY_SIZE`: upstream keys `hmac(sha1)` with the key zero-padded
/// to this length (`evmkey_len`), whatever the `evm-key` length.
const HMAC_KEY_SIZE: usize = 128;

/// `EVM_ATTR_FSUUID` (`CONFIG_EVM_ATTR_FSUUID`, default y upstream and in
/// distributions): non-portable values bind the filesystem UUID.
const FSUUID: bool = true;

/// A name from [`c_name`] as a C string.
fn c_str(name: &[u8]) -> &core::ffi::CStr {
    core::ffi::CStr::from_bytes_with_nul(name).unwrap_or(c"")
}

/// Built-in EVM owns `security.evm`: one attribute, one writer, one set
/// of protection rules. Its hooks run for every task, namespaced or not,
/// and it writes HMACs with its own key; the module's protection exists
/// so that its own HMAC updates never bless a file that fails, and it
/// makes none here. A second set of rules with other keys would refuse
/// changes the owner accepts and re-HMACs.
fn verifier_only() -> bool {
    crate::coexist::get().builtin_evm
}

/// `n`'s effective bits: its own, and the host's HMAC key.
pub(crate) fn flags(st: &ImaState, n: &ImaNamespace) -> Flags {
    let host = st.host.evm.flags.load(Ordering::Acquire);
    Flags(n.evm.flags.load(Ordering::Acquire) | (host & Flags::INIT_HMAC))
}

fn metadata(f: &InodeFacts) -> Metadata {
    Metadata {
        ino: f.ino,
        generation: f.generation,
        uid: f.uid,
        gid: f.gid,
        mode: f.mode,
    }
}

/// The HMAC or digest over `kind`'s input (`evm_calc_hmac_or_hash()`).
/// `Err(None)`: a kernel error (no such hash, no memory).
fn compute(
    st: &ImaState,
    d: Dentry<'_>,
    facts: &InodeFacts,
    kind: ValueKind,
    shash: &Shash,
) -> core::result::Result<([u8; MAX_DIGEST], usize), Option<InputError>> {
    let mut desc = shash.start().map_err(|_| None)?;
    let mut cov = Coverage::default();
    {
        let list = st.evm.xattrs.lock();
        for (name, enabled) in list.iter() {
            if !Coverage::includes(kind, *enabled) {
                continue;
            }
            match d.xattr(c_str(name)) {
                Ok(Some(v)) => {
                    desc.update(&v).map_err(|_| None)?;
                    cov.add(&name[..name.len() - 1]);
                }
                Ok(None) => {}
                Err(e) if e == ENOMEM => return Err(None),
                // As upstream: an xattr that cannot be read is skipped.
                Err(_) => {}
            }
        }
    }
    desc.update(&metadata(facts).misc(kind)).map_err(|_| None)?;
    if covers_uuid(kind, FSUUID) {
        desc.update(&facts.uuid).map_err(|_| None)?;
    }
    let out = desc.finish().map_err(|_| None)?;
    cov.finish(kind).map_err(Some)?;
    Ok(out)
}

/// How many protected xattrs the file has (`evm_find_protected_xattrs()`).
fn count_protected(st: &ImaState, d: Dentry<'_>) -> core::result::Result<usize, ()> {
    let list = st.evm.xattrs.lock();
    let mut n = 0;
    for (name, enabled) in list.iter() {
        if !*enabled {
            continue;
        }
        match d.xattr(c_str(name)) {
            Ok(Some(_)) => n += 1,
            Ok(None) => {}
            Err(_) => return Err(()),
        }
    }
    Ok(n)
}

/// `evm_read_protected_xattrs()`: the listed xattrs the file has, with
/// their values, in the list's order, for the `xattrnames`,
/// `xattrlengths` and `xattrvalues` template fields. As upstream, every
/// listed name counts, enabled or not (its walk does not test
/// `enabled`), including names `evm_xattrs` added; an error reading any
/// of them is the caller's empty field.
pub(crate) fn read_protected_xattrs(
    st: &ImaState,
    d: Dentry<'_>,
) -> Result<KVec<(KVec<u8>, KVec<u8>)>> {
    let list = st.evm.xattrs.lock();
    let mut out = KVec::new();
    for (name, _) in list.iter() {
        if let Some(value) = d.xattr(c_str(name))? {
            let mut n = KVec::with_capacity(name.len() - 1, GFP_KERNEL)?;
            n.extend_from_slice(&name[..name.len() - 1], GFP_KERNEL)?;
            out.push((n, value), GFP_KERNEL)?;
        }
    }
    Ok(out)
}

/// Constant-time comparison (`crypto_memneq()`).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `evm_verify_hmac()` for namespace `n`: the file's EVM status.
pub(crate) fn verify(st: &ImaState, n: &ImaNamespace, d: Dentry<'_>) -> Status {
    verify_with(st, n, d, flags(st, n), &d.facts())
}

fn verify_with(
    st: &ImaState,
    n: &ImaNamespace,
    d: Dentry<'_>,
    flags: Flags,
    facts: &InodeFacts,
) -> Status {
    if !flags.key_loaded() {
        return Status::Unknown;
    }
    if !facts.xattrs {
        return Status::Unknown;
    }
    let value = match d.xattr(c"security.evm") {
        Ok(Some(v)) => v,
        Ok(None) => return without_value(count_protected(st, d).map(Some)),
        Err(_) => return Status::Fail,
    };
    let parsed = EvmValue::parse(&value);
    let computed = match parsed {
        EvmValue::Hmac(stored) => match st.evm.hmac() {
            // As init_desc(): no key, -ENOKEY.
            None => Err(None),
            Some(hmac) => compute(st, d, facts, ValueKind::Hmac, &hmac)
                .map(|(out, _)| same(&out[..HMAC_LEN], stored)),
        },
        EvmValue::Signature(kind, v) => verify_signature(st, n, d, facts, kind, v),
        EvmValue::Malformed(_) | EvmValue::Unknown => return Status::Fail,
    };
    after_compute(parsed.kind().unwrap_or(ValueKind::Hmac), computed)
}

/// A type 3 or 5 value: the digest in its algorithm, checked with `n`'s
/// `.evm` keyring (`integrity_digsig_verify(INTEGRITY_KEYRING_EVM)`).
fn verify_signature(
    st: &ImaState,
    n: &ImaNamespace,
    d: Dentry<'_>,
    facts: &InodeFacts,
    kind: ValueKind,
    value: &[u8],
) -> core::result::Result<bool, Option<InputError>> {
    let hdr = SigHeader::parse(value).map_err(|_| None)?;
    if hdr.version != 2 {
        return Ok(false);
    }
    let shash = Shash::new(hdr.hash_algo.name()).map_err(|_| None)?;
    let (digest, len) = compute(st, d, facts, kind, &shash)?;
    Ok(n.evm.keyring.verify(&hdr, &digest[..len]).is_ok())
}

/// `evm_update_evmxattr()` after a legitimate change: with the HMAC key
/// loaded, `security.evm` becomes the HMAC of the new metadata, or goes
/// if nothing is protected any more. Portable signatures are never
/// rewritten. Beside built-in EVM, nothing: it writes its own HMACs.
///
/// # Safety
///
/// The caller holds the inode lock (post-change hooks do).
pub(crate) unsafe fn update(st: &ImaState, d: Dentry<'_>) {
    if verifier_only() {
        return;
    }
    let Some(hmac) = st.evm.hmac() else {
        return;
    };
    let facts = d.facts();
    if !facts.xattrs || facts.immutable {
        return;
    }
    let had_value = match d.xattr(c"security.evm") {
        Ok(Some(v)) if v.first() == Some(&ValueKind::Portable.type_byte()) => return,
        Ok(v) => v.is_some(),
        Err(_) => return,
    };
    let result = match compute(st, d, &facts, ValueKind::Hmac, &hmac) {
        Ok((out, _)) => {
            let mut value = [0u8; 1 + HMAC_LEN];
            value[0] = ValueKind::Hmac.type_byte();
            value[1..].copy_from_slice(&out[..HMAC_LEN]);
            // SAFETY: the inode lock is held (function safety requirements).
            unsafe { d.write_evm(&value) }
        }
        // SAFETY: as above.
        Err(Some(InputError::NoXattrs)) if had_value => unsafe { d.write_evm(&[]) },
        Err(_) => Ok(()),
    };
    if let Err(e) = result {
        pr_warn!("EVM: updating security.evm failed: {:?}\n", e);
    }
}

/// The class of xattr `name` (no NUL) for the protection decision.
pub(crate) fn class(st: &ImaState, name: &[u8]) -> XattrClass {
    if name == XATTR_NAME_EVM.as_bytes() {
        XattrClass::Evm
    } else if name == b"system.posix_acl_access" || name == b"system.posix_acl_default" {
        XattrClass::PosixAcl
    } else if protected(st, name) {
        XattrClass::Protected
    } else {
        XattrClass::Other
    }
}

/// Whether `name` (no NUL) is an enabled protected xattr.
fn protected(st: &ImaState, name: &[u8]) -> bool {
    let list = st.evm.xattrs.lock();
    is_protected(
        list.iter().map(|(n, e)| (&n[..n.len() - 1], *e)),
        name,
        false,
    )
}

fn refused(n: &ImaNamespace, d: Dentry<'_>, r: Refusal, status: Option<Status>) -> Error {
    if let (Refusal::Denied(Some(op)), Some(status)) = (r, status) {
        pr_notice!(
            "namespace {}: EVM refused a metadata change ({}, {})\n",
            n.id,
            op,
            status.name()
        );
        d.audit_metadata(op, status.name(), n.id);
    }
    Error::from_errno(-r.errno())
}

/// `evm_inode_setxattr()` / `evm_inode_removexattr()` (`value` `None`)
/// for a task in `n`; beside built-in EVM, its hook decides alone.
pub(crate) fn setxattr_check(
    st: &ImaState,
    n: &ImaNamespace,
    d: Dentry<'_>,
    name: &[u8],
    value: Option<&[u8]>,
    capable: bool,
) -> Result {
    let class = class(st, name);
    if class == XattrClass::Other || verifier_only() {
        // Not EVM's business (the common case: no inode facts read).
        return Ok(());
    }
    let flags = flags(st, n);
    if class == XattrClass::Evm && !flags.metadata_writes_allowed() {
        if value.is_some_and(<[u8]>::is_empty) {
            return Err(EINVAL);
        }
        if !capable {
            return Err(EPERM);
        }
    }
    let mut status = None;
    let facts = d.facts();
    // evm_xattr_change(): a removal always changes the value.
    let unchanged = || {
        let Ok(c) = c_name(name) else {
            return false;
        };
        matches!((d.xattr(c_str(&c)), value), (Ok(Some(cur)), Some(v)) if cur[..] == *v)
    };
    protect_xattr(
        flags,
        class,
        value,
        || *status.insert(current_status(st, n, d, flags, &facts)),
        unchanged,
        false,
        facts.pseudo_fs,
    )
    .map_err(|r| refused(n, d, r, status))
}

/// `evm_inode_set_acl()` / `evm_inode_remove_acl()` for a task in `n`:
/// `mode_changes` is `evm_inode_set_acl_change()` (a removal always
/// counts as a change); beside built-in EVM, its hook decides alone.
pub(crate) fn set_acl_check(
    st: &ImaState,
    n: &ImaNamespace,
    d: Dentry<'_>,
    mode_changes: bool,
) -> Result {
    if verifier_only() {
        return Ok(());
    }
    let flags = flags(st, n);
    let mut status = None;
    let facts = d.facts();
    protect_xattr(
        flags,
        XattrClass::PosixAcl,
        None,
        || *status.insert(current_status(st, n, d, flags, &facts)),
        || !mode_changes,
        false,
        facts.pseudo_fs,
    )
    .map_err(|r| refused(n, d, r, status))
}

/// `evm_inode_setattr()`: a change of mode, uid or gid; beside built-in
/// EVM, its hook decides alone.
pub(crate) fn setattr_check(
    st: &ImaState,
    n: &ImaNamespace,
    d: Dentry<'_>,
    changes: bool,
) -> Result {
    if verifier_only() {
        return Ok(());
    }
    let flags = flags(st, n);
    let mut status = None;
    protect_attr(
        flags,
        || *status.insert(current_status(st, n, d, flags, &d.facts())),
        changes,
    )
    .map_err(|r| refused(n, d, r, status))
}

/// `evm_verify_current_integrity()`: regular files only.
fn current_status(
    st: &ImaState,
    n: &ImaNamespace,
    d: Dentry<'_>,
    flags: Flags,
    facts: &InodeFacts,
) -> Status {
    if !facts.regular {
        return Status::Pass;
    }
    verify_with(st, n, d, flags, facts)
}

// --- securityfs

/// Reading `evm`: `n`'s bits but the lock, in decimal, no newline.
pub(crate) fn show_flags(
    st: &ImaState,
    n: &ImaNamespace,
    out: &mut impl core::fmt::Write,
) -> core::fmt::Result {
    write!(out, "{}", flags(st, n).shown())
}

/// Writing `evm` (`evm_write_key()`) in namespace `n`.
pub(crate) fn write_flags(st: &ImaState, n: &ImaNamespace, text: &[u8]) -> Result {
    let _guard = st.evm.writes.lock();
    let own = Flags(n.evm.flags.load(Ordering::Acquire));
    let w = own
        .plan_write(text)
        .map_err(|e| Error::from_errno(-e.errno()))?;
    if w.loads_hmac_key() {
        if !n.is_host() {
            pr_err!(
                "namespace {}: the EVM HMAC key is the machine's: load it on the host\n",
                n.id
            );
            return Err(EPERM);
        }
        let shash = hmac_from_evm_key()?;
        *st.evm.hmac.lock() = Some(Arc::new(shash, GFP_KERNEL)?);
        pr_info!("EVM: key initialized\n");
    }
    let new = w.apply(own);
    n.evm.flags.store(new.0, Ordering::Release);
    Ok(())
}

/// `evm_init_key()`: `hmac(sha1)` keyed with the `evm-key` the writer
/// reaches, zero-padded to 128 bytes as upstream keys it.
fn hmac_from_evm_key() -> Result<Shash> {
    let mut key = [0u8; HMAC_KEY_SIZE];
    let len = crate::keyrings::load_evm_key(&mut key).inspect_err(|e| {
        pr_err!("EVM: no encrypted key \"evm-key\" to load ({:?})\n", e);
    })?;
    if ima_evm::key_is_burnt(&key[..len]) {
        pr_err!("EVM: evm-key is all zeros: built-in EVM burns it when it loads it; load the module's key first, or add evm-key again\n");
        return Err(crate::keyrings::key_rejected());
    }
    let mut shash = Shash::new("hmac(sha1)")?;
    let result = shash.set_key(&key);
    key.fill(0);
    result?;
    Ok(shash)
}

/// Reading `evm_xattrs`: the enabled protected xattrs, one a line.
pub(crate) fn show_xattrs(st: &ImaState, out: &mut impl core::fmt::Write) -> core::fmt::Result {
    let list = st.evm.xattrs.lock();
    for (name, _) in list.iter().filter(|(_, enabled)| *enabled) {
        let name = core::str::from_utf8(&name[..name.len() - 1]).map_err(|_| core::fmt::Error)?;
        writeln!(out, "{name}")?;
    }
    Ok(())
}

/// Writing `evm_xattrs` (`evm_write_xattrs()`): the host's only, since
/// the list decides every namespace's HMAC input.
pub(crate) fn write_xattrs(st: &ImaState, n: &ImaNamespace, text: &[u8]) -> Result {
    if !n.is_host() || st.evm.xattrs_locked.load(Ordering::Acquire) {
        return Err(EPERM);
    }
    let result = match parse_xattrs_write(text).map_err(|e| Error::from_errno(-e))? {
        XattrsWrite::Lock => {
            st.evm.xattrs_locked.store(true, Ordering::Release);
            Ok(())
        }
        XattrsWrite::Add(name) => {
            let mut list = st.evm.xattrs.lock();
            match list.iter_mut().find(|(n, _)| &n[..n.len() - 1] == name) {
                Some((_, enabled)) if *enabled => Err(EEXIST),
                Some((_, enabled)) => {
                    *enabled = true;
                    Ok(())
                }
                None => list
                    .push((c_name(name)?, true), GFP_KERNEL)
                    .map_err(Error::from),
            }
        }
    };
    pr_info!(
        "EVM: evm_xattrs {:?}: {:?}\n",
        kernel::str::BStr::from_bytes(text.strip_suffix(b"\n").unwrap_or(text)),
        result
    );
    result
}
