// SPDX-License-Identifier: GPL-2.0
//! The decisions of the two file hooks that do not measure: `mprotect()`
//! (`ima_file_mprotect()`) and new files (`ima_post_path_mknod()`,
//! `ima_post_create_tmpfile()`).

use ima_policy::{ActionMask, Decision};

/// `mprotect(PROT_EXEC)` on a file mapping, in one namespace: what its
/// MMAP_CHECK and MMAP_CHECK_REQPROT rules say together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mprotect {
    /// A `measure` rule covers the mapping: it goes unmeasured (logged).
    pub measure: bool,
    /// An `appraise` rule covers it: the change is refused, since the
    /// mapping would escape appraisal (the file cannot be read here).
    pub covered: bool,
}

impl Mprotect {
    /// Adds one hook's decision.
    pub fn add(&mut self, d: &Decision) {
        self.measure |= d.measure;
        self.covered |= d.appraise;
    }

    /// The namespace logs the change (and refuses it if `covered`).
    pub fn acts(&self) -> bool {
        self.measure || self.covered
    }

    /// Whether a namespace whose rules have `actions` audits the change:
    /// upstream audits only where appraisal is in force.
    pub fn audits(actions: ActionMask, appraise_enabled: bool) -> bool {
        actions.contains(ActionMask::APPRAISE) && appraise_enabled
    }
}

/// Whether a namespace's decision for a new regular file
/// (`ima_must_appraise(MAY_ACCESS, FILE_CHECK)`) makes it track the file:
/// an `appraise` or `hash` rule. The closest such namespace's algorithm
/// is the one `security.ima` gets.
pub fn new_file_claims(d: &Decision) -> bool {
    d.appraise || d.hash
}
