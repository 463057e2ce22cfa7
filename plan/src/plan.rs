// SPDX-License-Identifier: GPL-2.0
//! One file event's plan across the lineage (the `wanted`, `checks`,
//! `audits`, `hashes` and template choices `file_event()` used to keep).

use crate::{Appraisal, Depths, LINEAGE_LEN, MAX_DEPTH};
use ima_policy::{ActionMask, Decision, Func, Template};

/// Whether one namespace's policy can say anything about an event, from
/// its summary (before the file is looked at).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    /// Some rule may match the hook: evaluate the policy.
    pub evaluate: bool,
    /// The hook checks for violations (`violation_check`: FILE_CHECK and
    /// MMAP_CHECK*) and the policy measures something.
    pub violations: bool,
}

impl Interest {
    /// From the hook, the action classes of the namespace's rules, and
    /// whether some rule may match the hook.
    pub fn of(func: Func, actions: ActionMask, may_match: bool) -> Self {
        let checks = matches!(
            func,
            Func::FileCheck | Func::MmapCheck | Func::MmapCheckReqprot
        );
        Self {
            evaluate: may_match,
            violations: checks && actions.contains(ActionMask::MEASURE),
        }
    }

    /// Whether the namespace takes part at all.
    pub fn any(self) -> bool {
        self.evaluate || self.violations
    }
}

/// How the event needs the inode's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InodeUse {
    /// Not at all: nothing to do.
    None,
    /// Only a writer's ToMToU check, which needs open readers
    /// (`i_readcount`) and a reader some namespace measured: the
    /// existing state, if the inode has readers.
    IfReaders,
    /// Measure, report, appraise, audit or hash: the state, created if
    /// need be.
    Create,
}

/// What every namespace of the lineage does with one file event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    measure: Depths,
    violations: Depths,
    audit: Depths,
    hash: Depths,
    external: Depths,
    /// Namespaces with an entry in `appraisals`: [`Plan::integrity`] runs
    /// on every event, and scanning the array took ~100 instructions.
    appraise: Depths,
    /// The template a `measure` rule names, by depth (`None`: the
    /// namespace's own).
    templates: [Option<Template>; LINEAGE_LEN],
    /// What a matching `appraise` rule requires, by depth; `None` until
    /// some namespace appraises, so that a new plan is not 528 bytes to
    /// copy on every event.
    appraisals: Option<[Option<Appraisal>; LINEAGE_LEN]>,
}

impl Default for Plan {
    fn default() -> Self {
        Self::new()
    }
}

impl Plan {
    /// Nothing to do yet.
    pub const fn new() -> Self {
        Self {
            measure: Depths::NONE,
            violations: Depths::NONE,
            audit: Depths::NONE,
            hash: Depths::NONE,
            external: Depths::NONE,
            appraise: Depths::NONE,
            templates: [None; LINEAGE_LEN],
            appraisals: None,
        }
    }

    /// Adds the namespace at `depth`: its interest, the policy's decision
    /// (the default one when it was not evaluated), and whether the file
    /// is opened for write. Depths beyond [`MAX_DEPTH`] are ignored.
    pub fn add(&mut self, depth: u32, interest: Interest, d: &Decision, writable: bool) {
        if depth > MAX_DEPTH {
            return;
        }
        let i = depth as usize;
        if d.measure {
            self.measure.insert(depth);
            self.templates[i] = d.template;
        }
        let appraisal = Appraisal::of(d);
        if appraisal.is_some() || self.appraisals.is_some() {
            self.appraisals.get_or_insert([None; LINEAGE_LEN])[i] = appraisal;
        }
        let bit = 1 << depth;
        self.appraise = match appraisal {
            Some(_) => Depths::from_bits(self.appraise.bits() | bit),
            None => Depths::from_bits(self.appraise.bits() & !bit),
        };
        if d.audit {
            self.audit.insert(depth);
        }
        if d.hash {
            self.hash.insert(depth);
        }
        // A writer checks for ToMToU wherever measuring is possible; a
        // reader only where it is measured.
        if interest.violations && (d.measure || writable) {
            self.violations.insert(depth);
        }
    }

    /// The namespaces that hand their events to an agent.
    pub fn set_external(&mut self, external: Depths) {
        self.external = external;
    }

    /// Namespaces whose policy measures the event (each records it unless
    /// it measured these contents already).
    pub fn measure(&self) -> Depths {
        self.measure
    }

    /// Namespaces that check the event for violations.
    pub fn violations(&self) -> Depths {
        self.violations
    }

    /// Namespaces that report the event to an agent.
    pub fn external(&self) -> Depths {
        self.external
    }

    /// The template the rule of the namespace at `depth` names.
    pub fn template(&self, depth: u32) -> Option<Template> {
        self.templates.get(depth as usize).copied().flatten()
    }

    /// What the namespace at `depth` appraises against, if it does.
    pub fn appraisal(&self, depth: u32) -> Option<Appraisal> {
        self.appraisals
            .as_ref()?
            .get(depth as usize)
            .copied()
            .flatten()
    }

    /// Whether the namespace at `depth` audits the event.
    pub fn audits(&self, depth: u32) -> bool {
        self.audit.contains(depth)
    }

    /// Whether a `hash` rule of the namespace at `depth` matched.
    pub fn hashes(&self, depth: u32) -> bool {
        self.hash.contains(depth)
    }

    /// Some namespace appraises, audits or hashes.
    pub fn integrity(&self) -> bool {
        !self.appraise.is_empty() || !self.audit.is_empty() || !self.hash.is_empty()
    }

    /// How the event needs the inode's state.
    pub fn inode(&self) -> InodeUse {
        if !self.measure.is_empty() || !self.external.is_empty() || self.integrity() {
            InodeUse::Create
        } else if !self.violations.is_empty() {
            InodeUse::IfReaders
        } else {
            InodeUse::None
        }
    }

    /// Whether the namespace at `depth` claims the `security.ima` update
    /// at the last writer's close (`IMA_UPDATE_XATTR`), if none closer to
    /// the task did: a `hash` rule, or an appraisal it let through
    /// (`allowed`) of a file opened for write.
    pub fn claims_xattr_update(&self, depth: u32, allowed: Option<bool>, writable: bool) -> bool {
        (allowed == Some(true) && writable) || self.hashes(depth)
    }
}
