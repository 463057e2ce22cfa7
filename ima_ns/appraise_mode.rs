// SPDX-License-Identifier: GPL-2.0
//! The `ima_appraise=` parameter (parsed once, `ima_ns/params.rs`): an
//! abstraction below the policy (which drops `appraise` actions when it
//! is `off`) and appraisal.

/// `ima_appraise=`.
pub(crate) use ima_params::AppraiseMode as Mode;

/// The mode the module was loaded with.
pub(crate) fn mode() -> Mode {
    crate::params::get().appraise
}

/// Whether `appraise` rules take effect.
pub(crate) fn enabled() -> bool {
    crate::params::get().appraise_enabled()
}
