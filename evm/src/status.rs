// SPDX-License-Identifier: GPL-2.0
//! `enum integrity_status` as EVM reports it, and what appraisal makes of
//! it (`ima_appraise_measurement()`).

use crate::input::InputError;
use crate::value::ValueKind;

/// `enum integrity_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `INTEGRITY_PASS`.
    Pass,
    /// `INTEGRITY_PASS_IMMUTABLE`: a portable signature verified.
    PassImmutable,
    /// `INTEGRITY_FAIL`.
    Fail,
    /// `INTEGRITY_FAIL_IMMUTABLE`: a portable signature did not verify.
    FailImmutable,
    /// `INTEGRITY_NOLABEL`: protected xattrs but no `security.evm`.
    NoLabel,
    /// `INTEGRITY_NOXATTRS`: no protected xattrs at all (a new file).
    NoXattrs,
    /// `INTEGRITY_UNKNOWN`: EVM off, the xattr unprotected, or a
    /// filesystem without xattrs.
    Unknown,
}

impl Status {
    /// `integrity_status_msg[]`: the audit `cause=` of metadata records.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::PassImmutable => "pass_immutable",
            Self::Fail => "fail",
            Self::FailImmutable => "fail_immutable",
            Self::NoLabel => "no_label",
            Self::NoXattrs => "no_xattrs",
            Self::Unknown => "unknown",
        }
    }

    /// A pass that may be cached (`evm_verify_hmac()` returns cached
    /// passes only; anything else is computed again).
    pub const fn is_pass(self) -> bool {
        matches!(self, Self::Pass | Self::PassImmutable)
    }
}

/// What `ima_appraise_measurement()` does with EVM's verdict on
/// `security.ima`: `Ok(())` to go on to the value itself, or the audit
/// cause that fails the appraisal.
pub const fn appraisal_cause(status: Status) -> Result<(), &'static str> {
    match status {
        Status::Pass | Status::PassImmutable | Status::Unknown => Ok(()),
        Status::NoXattrs | Status::NoLabel => Err("missing-HMAC"),
        Status::FailImmutable => Err("invalid-fail-immutable"),
        Status::Fail => Err("invalid-HMAC"),
    }
}

/// `evm_verify_hmac()` without a `security.evm` value: `protected` is how
/// many protected xattrs the file has (`Err` if they cannot be read;
/// `Ok(None)`: the filesystem has no xattrs).
pub fn without_value(protected: Result<Option<usize>, ()>) -> Status {
    match protected {
        Ok(None) => Status::Unknown,
        Ok(Some(0)) => Status::NoXattrs,
        Ok(Some(_)) => Status::NoLabel,
        Err(()) => Status::Fail,
    }
}

/// `evm_verify_hmac()` once the HMAC or digest was computed over
/// `kind`'s input: `Ok(good)` whether it matched (the HMAC) or verified
/// (the signature), `Err(e)` if the input could not be computed
/// (`None`: any other error, such as a missing key).
pub fn after_compute(kind: ValueKind, computed: Result<bool, Option<InputError>>) -> Status {
    let fail = if kind == ValueKind::Portable {
        Status::FailImmutable
    } else {
        Status::Fail
    };
    match computed {
        Ok(true) if kind == ValueKind::Portable => Status::PassImmutable,
        Ok(true) => Status::Pass,
        Ok(false) => fail,
        Err(Some(InputError::NoXattrs)) => Status::NoXattrs,
        Err(_) => fail,
    }
}
