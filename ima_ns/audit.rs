// SPDX-License-Identifier: GPL-2.0
//! Integrity audit records: `AUDIT_INTEGRITY_DATA` (1800) for appraisal
//! failures and refused `security.ima` writes, `AUDIT_INTEGRITY_STATUS`
//! (1804) for policy updates, `AUDIT_INTEGRITY_RULE` (1805) for the
//! `audit` action, each as upstream formats it plus
//! `ima_ns=<id>`. glue.c writes them through the kernel audit API.

use crate::bindings;
use crate::file::File;
use ima_tpm::Digest;
use kernel::prelude::*;

/// `bytes` with a NUL appended.
pub(crate) fn c_string(bytes: &[u8]) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(bytes.len() + 1, GFP_KERNEL)?;
    v.extend_from_slice(bytes, GFP_KERNEL)?;
    v.push(0, GFP_KERNEL)?;
    Ok(v)
}

/// An `AUDIT_INTEGRITY_DATA` record (`integrity_audit_msg()`) with
/// `res=0`: `op` failed with `cause` on the file named `name`.
pub(crate) fn integrity_data(file: Option<&File<'_>>, name: &[u8], op: &str, cause: &str, ns: u64) {
    integrity_data_res(file, name, op, cause, false, ns);
}

/// An `AUDIT_INTEGRITY_DATA` record with `res=1` if `ok`, else `res=0`.
pub(crate) fn integrity_data_res(
    file: Option<&File<'_>>,
    name: &[u8],
    op: &str,
    cause: &str,
    ok: bool,
    ns: u64,
) {
    message(
        bindings::IMA_NS_AUDIT_INTEGRITY_DATA,
        file,
        Some(name),
        op,
        cause,
        ok,
        ns,
    );
}

/// An `AUDIT_INTEGRITY_STATUS` record with no file (policy updates).
pub(crate) fn status(op: &str, cause: &str, ok: bool, ns: u64) {
    message(
        bindings::IMA_NS_AUDIT_INTEGRITY_STATUS,
        None,
        None,
        op,
        cause,
        ok,
        ns,
    );
}

fn message(
    kind: u32,
    file: Option<&File<'_>>,
    name: Option<&[u8]>,
    op: &str,
    cause: &str,
    ok: bool,
    ns: u64,
) {
    let has_name = name.is_some();
    let (Ok(name), Ok(op), Ok(cause)) = (
        c_string(name.unwrap_or(b"")),
        c_string(op.as_bytes()),
        c_string(cause.as_bytes()),
    ) else {
        return;
    };
    let inode = match file {
        // SAFETY: the file is valid for the call (`File`'s invariant).
        Some(f) => unsafe { bindings::ima_ns_file_inode(f.as_ptr()) },
        None => core::ptr::null_mut(),
    };
    let name = if has_name {
        name.as_ptr()
    } else {
        core::ptr::null()
    };
    // SAFETY: the strings are NUL-terminated (or NULL for no name);
    // `inode` is NULL or pinned by the open file.
    unsafe {
        bindings::ima_ns_audit_msg(
            kind as i32,
            inode,
            name.cast(),
            op.as_ptr().cast(),
            cause.as_ptr().cast(),
            i32::from(!ok),
            ns,
        )
    };
}

/// The `audit` action's `AUDIT_INTEGRITY_RULE` record
/// (`ima_audit_measurement()`): `file="..." hash="<algo>:<hex>"`.
pub(crate) fn rule(name: &[u8], digest: &Digest, ns: u64) -> Result {
    let name = c_string(name)?;
    let algo = c_string(digest.algo().name().as_bytes())?;
    let mut hex = KVec::with_capacity(digest.as_bytes().len() * 2 + 1, GFP_KERNEL)?;
    for b in digest.as_bytes() {
        for nibble in [b >> 4, b & 0xf] {
            hex.push(b"0123456789abcdef"[usize::from(nibble)], GFP_KERNEL)?;
        }
    }
    hex.push(0, GFP_KERNEL)?;
    // SAFETY: the three strings are NUL-terminated.
    unsafe {
        bindings::ima_ns_audit_rule(
            name.as_ptr().cast(),
            algo.as_ptr().cast(),
            hex.as_ptr().cast(),
            ns,
        )
    };
    Ok(())
}
