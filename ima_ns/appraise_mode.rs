// SPDX-License-Identifier: GPL-2.0
//! The `ima_appraise=` parameter, parsed: an abstraction below the policy
//! (which drops `appraise` actions when it is `off`) and appraisal.

use crate::bindings;

/// `ima_appraise=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Failures deny the access (`EACCES`).
    Enforce,
    /// Failures are logged and audited only.
    Log,
    /// As `Log`, and files without a valid hash get one written.
    Fix,
    /// `appraise` rules are ignored.
    Off,
}

impl Mode {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "enforce" => Self::Enforce,
            "log" => Self::Log,
            "fix" => Self::Fix,
            "off" => Self::Off,
            _ => return None,
        })
    }
}

/// The mode the module was loaded with (checked at init).
pub(crate) fn mode() -> Mode {
    // SAFETY: module parameters are written only while loading.
    let p = unsafe { &*core::ptr::addr_of!(bindings::ima_ns_param_appraise) };
    Mode::parse(crate::param(p)).unwrap_or(Mode::Enforce)
}

/// Whether `appraise` rules take effect.
pub(crate) fn enabled() -> bool {
    mode() != Mode::Off
}
