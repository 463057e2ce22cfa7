// SPDX-License-Identifier: GPL-2.0
//! What a namespace appraises against, and the tail of its decision
//! (`ima_appraise_measurement()` after the verdict): signed files refuse
//! writers, and only `enforce` denies.

use ima_appraise::Required;
use ima_policy::{Decision, HashAlgos, MAY_WRITE};

/// What a namespace's matching `appraise` rule asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appraisal {
    /// The kind of `security.ima` value that can pass.
    pub required: Required,
    /// `appraise_algos=`: the algorithms `security.ima` may use.
    pub allowed_algos: Option<HashAlgos>,
    /// Verdicts are cached per hook class and requirement, as upstream's
    /// `IMA_*_APPRAISED` bits.
    pub key: u32,
}

impl Appraisal {
    /// From the decision, if it appraises.
    pub fn of(d: &Decision) -> Option<Self> {
        if !d.appraise {
            return None;
        }
        Some(Self {
            required: Required {
                signature: d.digsig_required,
                verity: d.verity_required,
                sigv3: d.sigv3_required,
            },
            allowed_algos: d.allowed_algos,
            // A pass under imasig is no pass under sigv3.
            key: d.appraise_subaction.map_or(0, |s| s.bits())
                | u32::from(d.digsig_required)
                | u32::from(d.sigv3_required) << 1,
        })
    }
}

/// An appraisal verdict, as the inode caches it (`ima_file_status` and
/// `IMA_DIGSIG`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// `security.ima` vouched for the contents.
    pub pass: bool,
    /// The value is a signature: writers are refused, and hash updates
    /// never replace it.
    pub digsig: bool,
}

/// What one namespace's appraisal of one access comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The access may go on in this namespace.
    pub allow: bool,
    /// Log and audit `signed-file-opened-for-write` (once per verdict:
    /// not when the verdict came from the cache).
    pub report_write_denied: bool,
}

/// The outcome of `verdict` for an access with `mask`: `cached` if the
/// verdict came from the inode's cache, `new_file` if the inode is a new
/// file still being written (`IMA_NEW_FILE`), `enforce` if failures deny.
pub fn outcome(
    verdict: Verdict,
    cached: bool,
    mask: u32,
    new_file: bool,
    enforce: bool,
) -> Outcome {
    // A signed file stays as signed: no writers (but a new file's).
    let write_denied = mask & MAY_WRITE != 0 && verdict.digsig && !new_file;
    Outcome {
        allow: (verdict.pass && !write_denied) || !enforce,
        report_write_denied: write_denied && !cached,
    }
}
