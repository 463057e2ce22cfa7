// SPDX-License-Identifier: GPL-2.0
//! Walking the rules for one event (`ima_match_policy()`) and what comes
//! out of it.

use crate::algo::HashAlgos;
use crate::event::Event;
use crate::rule::{Func, LsmField, PolicyRule};
use crate::template::Template;
use crate::validate::{
    nonaction_flags, IMA_CHECK_BLACKLIST, IMA_DIGSIG_REQUIRED, IMA_MODSIG_ALLOWED,
    IMA_PERMIT_DIRECTIO, IMA_SIGV3_REQUIRED, IMA_VERITY_REQUIRED,
};
use core::ops::ControlFlow;

/// A set of action classes (upstream's `IMA_MEASURE`, `IMA_APPRAISE`,
/// `IMA_AUDIT`, `IMA_HASH` bits): what a hook asks the policy about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ActionMask(u32);

impl ActionMask {
    /// `measure` / `dont_measure`.
    pub const MEASURE: Self = Self(0x1);
    /// `appraise` / `dont_appraise`.
    pub const APPRAISE: Self = Self(0x4);
    /// `audit`.
    pub const AUDIT: Self = Self(0x40);
    /// `hash` / `dont_hash`.
    pub const HASH: Self = Self(0x100);
    /// All four.
    pub const ALL: Self = Self(0x1 | 0x4 | 0x40 | 0x100);
    /// None.
    pub const NONE: Self = Self(0);

    /// Upstream's bits.
    #[inline]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every class in `other` is in `self`.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The classes among upstream's `bits`.
    #[inline]
    pub const fn from_bits(bits: u32) -> Self {
        Self(bits & Self::ALL.0)
    }

    /// Union.
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

impl core::ops::BitOr for ActionMask {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

/// Which appraisal a matching `appraise` rule asks for (`get_subaction()`):
/// upstream's `IMA_*_APPRAISE` bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppraiseSubaction {
    /// `IMA_FILE_APPRAISE` (also any rule without `func=`).
    File,
    /// `IMA_MMAP_APPRAISE`.
    Mmap,
    /// `IMA_BPRM_APPRAISE`.
    Bprm,
    /// `IMA_CREDS_APPRAISE`.
    Creds,
    /// `IMA_READ_APPRAISE` (module, firmware, kexec, policy ...).
    Read,
}

impl AppraiseSubaction {
    /// `get_subaction()`.
    fn of(rule: &impl PolicyRule, func: Func) -> Self {
        if rule.core().func.is_none() {
            return Self::File;
        }
        match func {
            Func::MmapCheck | Func::MmapCheckReqprot => Self::Mmap,
            Func::BprmCheck => Self::Bprm,
            Func::CredsCheck => Self::Creds,
            Func::FileCheck | Func::PostSetattr => Self::File,
            _ => Self::Read,
        }
    }

    /// Upstream's `IMA_*_APPRAISE` bit.
    #[inline]
    pub const fn bits(self) -> u32 {
        match self {
            Self::File => 0x0000_1000,
            Self::Mmap => 0x0000_4000,
            Self::Bprm => 0x0001_0000,
            Self::Read => 0x0004_0000,
            Self::Creds => 0x0010_0000,
        }
    }
}

/// What the policy asks for one event: `ima_match_policy()`'s return value
/// and out-parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    /// Measure (`IMA_MEASURE`): the first matching measure-class rule is
    /// `measure`.
    pub measure: bool,
    /// Appraise (`IMA_APPRAISE`).
    pub appraise: bool,
    /// Audit (`IMA_AUDIT`).
    pub audit: bool,
    /// Hash into `security.ima` (`IMA_HASH`); cleared by a matching
    /// `appraise` rule, as upstream.
    pub hash: bool,
    /// With `appraise`: which appraisal.
    pub appraise_subaction: Option<AppraiseSubaction>,
    /// A signature is required (`IMA_DIGSIG_REQUIRED`), from any matching
    /// rule.
    pub digsig_required: bool,
    /// Appended signatures are allowed (`IMA_MODSIG_ALLOWED`).
    pub modsig_allowed: bool,
    /// Check the blacklist (`IMA_CHECK_BLACKLIST`).
    pub check_blacklist: bool,
    /// fs-verity digests are required (`IMA_VERITY_REQUIRED`).
    pub verity_required: bool,
    /// A v3 signature is required (`appraise_type=sigv3`: 7.3's
    /// `IMA_SIGV3_REQUIRED`; a 6.12 `sigv3` rule sets it too, and also
    /// requires fs-verity).
    pub sigv3_required: bool,
    /// Direct I/O is permitted (`IMA_PERMIT_DIRECTIO`).
    pub permit_directio: bool,
    /// PCR to extend, if the deciding `measure` rule names one; else the
    /// caller's default (`CONFIG_IMA_MEASURE_PCR_IDX`).
    pub pcr: Option<u8>,
    /// Template, if the deciding `measure` rule names one; else the
    /// current template.
    pub template: Option<Template>,
    /// Hash algorithms the matching `appraise` rule allows for
    /// `security.ima`.
    pub allowed_algos: Option<HashAlgos>,
}

impl Decision {
    /// Upstream's `action` int: `IMA_MEASURE | IMA_APPRAISE | ...`, the
    /// appraise sub-action bit and the non-action flags.
    pub fn ima_action_flags(&self) -> u32 {
        let mut a = 0;
        for (on, bit) in [
            (self.measure, ActionMask::MEASURE.bits()),
            (self.appraise, ActionMask::APPRAISE.bits()),
            (self.audit, ActionMask::AUDIT.bits()),
            (self.hash, ActionMask::HASH.bits()),
            (self.digsig_required, IMA_DIGSIG_REQUIRED),
            (self.modsig_allowed, IMA_MODSIG_ALLOWED),
            (self.check_blacklist, IMA_CHECK_BLACKLIST),
            (self.verity_required, IMA_VERITY_REQUIRED),
            (self.sigv3_required, IMA_SIGV3_REQUIRED),
            (self.permit_directio, IMA_PERMIT_DIRECTIO),
        ] {
            if on {
                a |= bit;
            }
        }
        a | self.appraise_subaction.map_or(0, AppraiseSubaction::bits)
    }
}

/// Evaluates `rules` in order for every action class, treating LSM label
/// conditions as not holding (see [`evaluate_with`]).
pub fn evaluate<'a, R: PolicyRule + 'a>(
    rules: impl IntoIterator<Item = &'a R>,
    event: &Event<'_>,
) -> Decision {
    evaluate_with(rules, event, ActionMask::ALL, &mut |_, _| false)
}

/// `ima_match_policy()`: walks `rules` in order, considering only rules
/// whose action is in `wanted`; the first matching rule of each class
/// decides that class, and the walk stops once every wanted class is
/// decided. `lsm` decides LSM label conditions ([`PolicyRule::matches_with`]).
pub fn evaluate_with<'a, R: PolicyRule + 'a>(
    rules: impl IntoIterator<Item = &'a R>,
    event: &Event<'_>,
    wanted: ActionMask,
    lsm: &mut impl FnMut(LsmField, &str) -> bool,
) -> Decision {
    let mut walk = PolicyWalk::new(event, wanted);
    for rule in rules {
        if walk.step(rule, lsm).is_break() {
            break;
        }
    }
    walk.finish()
}

/// `ima_match_policy()` fed one rule at a time, for callers that walk
/// their rules with loops of their own ([`candidate_runs`](crate::candidate_runs)):
/// [`PolicyWalk::step`] each rule in order until it breaks, then
/// [`PolicyWalk::finish`]. The same [`Decision`] as [`evaluate_with`].
#[derive(Clone, Debug)]
pub struct PolicyWalk<'e, 'a> {
    event: &'e Event<'a>,
    /// Upstream's `actmask`: the classes (do and don't bits) still open.
    actmask: u32,
    /// Upstream's `action`.
    action: u32,
    d: Decision,
}

impl<'e, 'a> PolicyWalk<'e, 'a> {
    /// A walk for `event` deciding the classes in `wanted`.
    pub fn new(event: &'e Event<'a>, wanted: ActionMask) -> Self {
        Self {
            event,
            actmask: wanted.bits() | wanted.bits() << 1,
            action: 0,
            d: Decision::default(),
        }
    }

    /// The event walked for.
    pub fn event(&self) -> &'e Event<'a> {
        self.event
    }

    /// Whether every wanted class is decided: later rules change nothing.
    #[inline]
    pub fn is_done(&self) -> bool {
        self.actmask == 0
    }

    /// Considers the next rule in order; `Break` once every wanted class
    /// is decided. Always inlined: it is the body of every walk's loop,
    /// and the kernel builds with `-Copt-level=s`, which would keep it a
    /// call per rule.
    #[inline(always)]
    pub fn step<R: PolicyRule>(
        &mut self,
        stored: &R,
        lsm: &mut impl FnMut(LsmField, &str) -> bool,
    ) -> ControlFlow<()> {
        self.step_as::<R, false>(stored, lsm)
    }

    /// [`PolicyWalk::step`]; `FILE`: the event is known not to be a
    /// buffer event ([`Func::is_buffer`]), so the rule's match skips that
    /// test.
    #[inline(always)]
    fn step_as<R: PolicyRule, const FILE: bool>(
        &mut self,
        stored: &R,
        lsm: &mut impl FnMut(LsmField, &str) -> bool,
    ) -> ControlFlow<()> {
        let a = stored.core().action.bits();
        let matches = |s: &Self, lsm: &mut _| match FILE {
            true => crate::rule::matches_file(stored, s.event, lsm),
            false => stored.matches_with(s.event, lsm),
        };
        if a & self.actmask != 0 && matches(self, lsm) {
            self.take(stored, a);
            if self.actmask == 0 {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    /// Steps through one stored segment of a policy: the rules the walk's
    /// hook can match, in order ([`candidate_runs`](crate::candidate_runs)
    /// over index list `i` as `lists(i)`'s slices, rule number `n` as
    /// `get(n)`), or all of them, `all()`'s slices, when every rule is a
    /// candidate. Plain loops over runs of numbers, no adaptor per rule:
    /// this is the kernel's walk, and `examples/walk_cost.rs` counts its
    /// instructions. `Break` once the walk is decided.
    #[inline(always)]
    pub fn step_indexed<'s, R, A, L>(
        &mut self,
        all: impl FnOnce() -> A,
        get: impl Fn(usize) -> Option<&'s R>,
        lists: impl FnMut(usize) -> L,
        lsm: &mut impl FnMut(LsmField, &str) -> bool,
    ) -> ControlFlow<()>
    where
        R: PolicyRule + 's,
        A: Iterator<Item = &'s [R]>,
        L: Iterator<Item = &'s [u32]>,
    {
        let Some(runs) = crate::candidate_runs(self.event.func, lists) else {
            for chunk in all() {
                for rule in chunk {
                    self.step(rule, lsm)?;
                }
            }
            return ControlFlow::Continue(());
        };
        // The buffer test hoisted out of the loop: one loop per kind.
        if self.event.func.is_buffer() {
            self.step_runs::<R, false>(runs, get, lsm)
        } else {
            self.step_runs::<R, true>(runs, get, lsm)
        }
    }

    /// [`PolicyWalk::step_indexed`]'s loop over the candidate runs.
    #[inline(always)]
    fn step_runs<'s, R: PolicyRule + 's, const FILE: bool>(
        &mut self,
        runs: impl Iterator<Item = &'s [u32]>,
        get: impl Fn(usize) -> Option<&'s R>,
        lsm: &mut impl FnMut(LsmField, &str) -> bool,
    ) -> ControlFlow<()> {
        for run in runs {
            for &n in run {
                if let Some(rule) = get(n as usize) {
                    self.step_as::<R, FILE>(rule, lsm)?;
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// A matching rule with action bits `a` decides its class.
    fn take<R: PolicyRule>(&mut self, stored: &R, a: u32) {
        const DO_MASK: u32 = ActionMask::ALL.bits();
        const NONACTION: u32 = IMA_DIGSIG_REQUIRED
            | IMA_MODSIG_ALLOWED
            | IMA_CHECK_BLACKLIST
            | IMA_VERITY_REQUIRED
            | IMA_SIGV3_REQUIRED
            | IMA_PERMIT_DIRECTIO;
        let rule = stored.core();
        let d = &mut self.d;
        self.action |= nonaction_flags(stored) & NONACTION;
        self.action |= a & DO_MASK;
        if a & ActionMask::APPRAISE.bits() != 0 {
            d.appraise_subaction = Some(AppraiseSubaction::of(stored, self.event.func));
            self.action &= !ActionMask::HASH.bits();
            if rule.appraise_algos.is_some() {
                d.allowed_algos = rule.appraise_algos;
            }
        }
        if a & DO_MASK != 0 {
            self.actmask &= !(a | a << 1);
        } else {
            self.actmask &= !(a | a >> 1);
        }
        if rule.pcr.is_some() {
            d.pcr = rule.pcr;
        }
        if rule.template.is_some() {
            d.template = rule.template;
        }
    }

    /// The decision.
    pub fn finish(self) -> Decision {
        let (action, mut d) = (self.action, self.d);
        d.measure = action & ActionMask::MEASURE.bits() != 0;
        d.appraise = action & ActionMask::APPRAISE.bits() != 0;
        d.audit = action & ActionMask::AUDIT.bits() != 0;
        d.hash = action & ActionMask::HASH.bits() != 0;
        d.digsig_required = action & IMA_DIGSIG_REQUIRED != 0;
        d.modsig_allowed = action & IMA_MODSIG_ALLOWED != 0;
        d.check_blacklist = action & IMA_CHECK_BLACKLIST != 0;
        d.verity_required = action & IMA_VERITY_REQUIRED != 0;
        d.sigv3_required = action & IMA_SIGV3_REQUIRED != 0;
        d.permit_directio = action & IMA_PERMIT_DIRECTIO != 0;
        d
    }
}
