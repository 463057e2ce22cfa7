// SPDX-License-Identifier: GPL-2.0
//! Integrity audit records: `AUDIT_INTEGRITY_DATA` (1800) for appraisal
//! failures and refused `security.ima` writes, `AUDIT_INTEGRITY_METADATA`
//! (1801) for refused EVM changes, `AUDIT_INTEGRITY_STATUS` (1804) for
//! policy updates, `AUDIT_INTEGRITY_RULE` (1805) for the `audit` action,
//! each as upstream formats it plus `ima_ns=<id>`.
//!
//! The text is `ima_audit`'s (host-tested); this shell gathers the facts
//! (the task's `comm`, the file's device and inode number) and glue.c
//! opens the record and writes the task fields that only the audit
//! subsystem's static inlines reach.

use crate::bindings;
use crate::current::TaskFacts;
use crate::dentry::Dentry;
use crate::file::File;
use ima_audit::{Inode, Integrity, Ns, RuleHead};
use ima_tpm::Digest;
use kernel::prelude::*;
use kernel::str::CString;

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
    let inode = file.map(|f| {
        // SAFETY: the file is valid for the call (`File`'s invariant).
        unsafe { bindings::ima_ns_file_inode(f.as_ptr()) }
    });
    let mut dev = [0u8; 32];
    // SAFETY: the open file pins its inode.
    let inode = inode.map(|i| unsafe { inode_id(i, &mut dev) });
    message(
        bindings::IMA_NS_AUDIT_INTEGRITY_DATA,
        Some(name),
        inode,
        op,
        cause,
        ok,
        ns,
    );
}

/// An `AUDIT_INTEGRITY_METADATA` record: `op` on `name` (the file `inode`
/// is, if known) refused with `EPERM`.
///
/// # Safety
///
/// `inode` is NULL or an inode the caller keeps alive for the call.
pub(crate) unsafe fn metadata(
    inode: *mut bindings::inode,
    name: &[u8],
    op: &str,
    cause: &str,
    ns: u64,
) {
    let mut dev = [0u8; 32];
    // SAFETY: `inode` is NULL or alive (function safety requirements).
    let inode = (!inode.is_null()).then(|| unsafe { inode_id(inode, &mut dev) });
    message(
        bindings::IMA_NS_AUDIT_INTEGRITY_METADATA,
        Some(name),
        inode,
        op,
        cause,
        false,
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

/// The device (`s_id`, copied into `dev`) and inode number of `inode`.
///
/// # Safety
///
/// `inode` is an inode the caller keeps alive for the call.
unsafe fn inode_id(inode: *mut bindings::inode, dev: &mut [u8; 32]) -> Inode<'_> {
    // SAFETY: the inode is alive (function safety requirements); its
    // superblock outlives it and `s_id` is set at mount, NUL-terminated.
    let (s_id, ino) = unsafe { (&(*(*inode).i_sb).s_id, (*inode).i_ino) };
    let len = s_id.iter().position(|&c| c == 0).unwrap_or(s_id.len());
    // The kernel builds with `-funsigned-char`: `c_char` is `u8`.
    dev[..len].copy_from_slice(&s_id[..len]);
    Inode {
        dev: &dev[..len],
        // `unsigned long`: at most 64 bits.
        #[allow(clippy::unnecessary_cast)]
        ino: ino as u64,
    }
}

fn message(
    kind: u32,
    name: Option<&[u8]>,
    inode: Option<Inode<'_>>,
    op: &str,
    cause: &str,
    ok: bool,
    ns: u64,
) {
    let task = TaskFacts::current();
    let record = Integrity {
        op,
        cause,
        comm: task.comm(),
        name,
        inode,
        ok,
        ns,
    };
    let Ok(text) = CString::try_from_fmt(format_args!("{record}")) else {
        return;
    };
    // SAFETY: `text` is NUL-terminated.
    unsafe { bindings::ima_ns_audit_integrity(kind as i32, text.as_char_ptr()) };
}

/// The `audit` action's `AUDIT_INTEGRITY_RULE` record
/// (`ima_audit_measurement()`): `file="..." hash="<algo>:<hex>"`.
pub(crate) fn rule(name: &[u8], digest: &Digest, ns: u64) -> Result {
    let head = RuleHead {
        file: name,
        algo: digest.algo().name(),
        digest: digest.as_bytes(),
    };
    let head = CString::try_from_fmt(format_args!("{head}"))?;
    let tail = CString::try_from_fmt(format_args!("{}", Ns(ns)))?;
    // SAFETY: both strings are NUL-terminated.
    unsafe { bindings::ima_ns_audit_rule(head.as_char_ptr(), tail.as_char_ptr()) };
    Ok(())
}

impl Dentry<'_> {
    /// An AUDIT_INTEGRITY_METADATA record: `op` refused with `EPERM`.
    pub(crate) fn audit_metadata(self, op: &str, cause: &str, ns: u64) {
        let mut name = [0u8; 256];
        // SAFETY: the dentry is live; `name` is writable for its length.
        let n = unsafe {
            bindings::ima_ns_dentry_name(self.as_ptr(), name.as_mut_ptr().cast(), name.len())
        };
        // SAFETY: the dentry is live and pins its inode (or has none).
        unsafe {
            let inode = bindings::ima_ns_d_backing_inode(self.as_ptr());
            metadata(inode, &name[..n.min(name.len())], op, cause, ns);
        }
    }
}
