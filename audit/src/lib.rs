// SPDX-License-Identifier: GPL-2.0
//! The text of the integrity audit records, as upstream's
//! `integrity_audit_message()` and `ima_audit_measurement()` write them,
//! plus `ima_ns=<id>`. The kernel shell (`ima_ns/audit.rs`) gathers the
//! facts; the C glue opens the record and writes the task fields only the
//! audit subsystem's static inlines can reach (`pid= uid= auid= ses=`, the
//! LSM context, `audit_log_task_info()`), then this text.
//!
//! Every string here may come from an attacker (file names, `comm`), so
//! each is written as `audit_log_untrustedstring()` writes it: quoted if
//! it is plain, else as hex, so that no value can forge a field.
#![no_std]
#![forbid(unsafe_code)]

use core::fmt::{self, Display, Formatter, Write};

/// A value as `audit_log_n_untrustedstring()` writes it: `"value"` if
/// every byte is printable ASCII other than `"` and space, else the bytes
/// in upper-case hex, unquoted.
#[derive(Clone, Copy, Debug)]
pub struct Untrusted<'a>(pub &'a [u8]);

impl Display for Untrusted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self
            .0
            .iter()
            .any(|&b| b == b'"' || !(0x21..=0x7e).contains(&b))
        {
            return self.0.iter().try_for_each(|b| write!(f, "{b:02X}"));
        }
        f.write_char('"')?;
        // Printable ASCII only, checked above.
        self.0
            .iter()
            .try_for_each(|&b| f.write_char(char::from(b)))?;
        f.write_char('"')
    }
}

/// The file an `AUDIT_INTEGRITY_*` record is about: its device (the
/// superblock's `s_id`) and inode number.
#[derive(Clone, Copy, Debug)]
pub struct Inode<'a> {
    pub dev: &'a [u8],
    pub ino: u64,
}

/// What follows the task fields of an `AUDIT_INTEGRITY_DATA`, `_METADATA`
/// or `_STATUS` record (`integrity_audit_message()`):
/// ` op=<op> cause=<cause> comm=<comm>[ name=<name>][ dev=<dev> ino=<ino>]
/// res=<0|1> errno=0 ima_ns=<id>`.
#[derive(Clone, Copy, Debug)]
pub struct Integrity<'a> {
    pub op: &'a str,
    pub cause: &'a str,
    pub comm: &'a [u8],
    pub name: Option<&'a [u8]>,
    pub inode: Option<Inode<'a>>,
    /// `res=1` if the operation succeeded.
    pub ok: bool,
    pub ns: u64,
}

impl Display for Integrity<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            " op={} cause={} comm={}",
            self.op,
            self.cause,
            Untrusted(self.comm)
        )?;
        if let Some(name) = self.name {
            write!(f, " name={}", Untrusted(name))?;
        }
        if let Some(i) = self.inode {
            write!(f, " dev={} ino={}", Untrusted(i.dev), i.ino)?;
        }
        write!(f, " res={} errno=0 ima_ns={}", u8::from(self.ok), self.ns)
    }
}

/// The head of the `audit` action's `AUDIT_INTEGRITY_RULE` record
/// (`ima_audit_measurement()`): `file=<name> hash="<algo>:<hex>"`; the
/// glue appends the task's fields, then [`Ns`].
#[derive(Clone, Copy, Debug)]
pub struct RuleHead<'a> {
    pub file: &'a [u8],
    pub algo: &'a str,
    pub digest: &'a [u8],
}

impl Display for RuleHead<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "file={} hash=\"{}:", Untrusted(self.file), self.algo)?;
        self.digest.iter().try_for_each(|b| write!(f, "{b:02x}"))?;
        f.write_char('"')
    }
}

/// The tail every record of the module ends with: ` ima_ns=<id>`.
#[derive(Clone, Copy, Debug)]
pub struct Ns(pub u64);

impl Display for Ns {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, " ima_ns={}", self.0)
    }
}

#[cfg(test)]
mod tests;
