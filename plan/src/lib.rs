// SPDX-License-Identifier: GPL-2.0
//! The planner in front of the measurement path (upstream's
//! `process_measurement()` decides first, then acts): from what each
//! namespace's policy says about one file event, along the lineage from
//! the task's namespace up to the host, one [`Plan`] — which namespaces
//! record an entry, check for violations, appraise, audit, or have
//! `security.ima` rewritten when the last writer closes — and, from a
//! snapshot of the inode's per-namespace state, each namespace's
//! violation step and appraisal outcome. The kernel shell
//! (`ima_ns/measure.rs`) gathers the inputs, then executes the plan:
//! hashes, lists, audits, verifies signatures.
//!
//! Fixed arrays bounded by [`MAX_DEPTH`]; no allocation.
#![no_std]
#![forbid(unsafe_code)]

mod appraisal;
mod depths;
mod kernel_load;
mod plan;
mod single;
mod violation;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use appraisal::{outcome, Appraisal, Outcome, Verdict};
pub use depths::Depths;
pub use kernel_load::{
    load_data, post_load_data, refuses_module_request, AppraiseFlags, KernelId, LoadFacts,
    PostLoad, Refusal,
};
pub use plan::{InodeUse, Interest, Plan};
pub use single::{new_file_claims, Mprotect};
pub use violation::{violation_step, Violation, ViolationState, ViolationStep};

/// How deep namespaces nest: the host is depth 0, its children 1, ...
/// (the module refuses a namespace deeper than this).
pub const MAX_DEPTH: u32 = 32;

/// Namespaces in the longest lineage.
pub const LINEAGE_LEN: usize = MAX_DEPTH as usize + 1;
