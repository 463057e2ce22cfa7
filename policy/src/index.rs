//! Evaluation through a per-func index, and a summary of what a rule set
//! looks at. The crate does not allocate: the caller owns the index
//! storage (a `u32` per entry) next to its rule set.
//!
//! ```
//! use ima_policy::{parse_line, evaluate, evaluate_indexed, ActionMask, Event, Func, FuncIndex};
//! let rules = [
//!     parse_line("measure func=BPRM_CHECK").unwrap().unwrap(),
//!     parse_line("dont_measure fsmagic=0x9fa0").unwrap().unwrap(),
//! ];
//! let mut storage = [0u32; 32];
//! let n = FuncIndex::storage_len(&rules);
//! let index = FuncIndex::build(&rules, &mut storage[..n]).unwrap();
//! let e = Event { func: Func::BprmCheck, ..Default::default() };
//! let d = evaluate_indexed(&rules, &index, &storage[..n], &e, ActionMask::ALL, &mut |_, _| false);
//! assert_eq!(d, evaluate(&rules, &e));
//! assert!(d.measure);
//! ```

use crate::algo::HashAlgos;
use crate::decision::{evaluate_with, ActionMask, Decision};
use crate::event::Event;
use crate::rule::{Action, Func, LsmField, Rule, SubjectGid, SubjectId};

impl Rule {
    /// Whether the rule can match some event of hook `func` (the first test
    /// of `ima_match_rules()`). A rule without `func=` can match every file
    /// hook but not `KEY_CHECK` or `CRITICAL_DATA`; every rule can match
    /// `POST_SETATTR`.
    pub fn may_match_func(&self, func: Func) -> bool {
        match func {
            Func::PostSetattr => true,
            Func::KeyCheck | Func::CriticalData => self.func == Some(func),
            _ => self.func.is_none_or(|f| f == func),
        }
    }
}

/// The numbers of the rules that can match events of hook `func`, in
/// order: evaluating only these gives the same [`Decision`].
pub fn candidates(rules: &[Rule], func: Func) -> impl Iterator<Item = usize> + '_ {
    rules
        .iter()
        .enumerate()
        .filter(move |(_, r)| r.may_match_func(func))
        .map(|(i, _)| i)
}

/// Per-func candidate lists ([`candidates`]) stored back to back in a
/// caller-provided `[u32]`. `POST_SETATTR` has no list: every rule is a
/// candidate, and [`evaluate_indexed`] walks them all.
///
/// # Invariants
///
/// `bounds` is non-decreasing; `bounds[i]..bounds[i + 1]` is the list of
/// `Func::ALL[i]` in the storage it was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FuncIndex {
    bounds: [u32; Func::ALL.len() + 1],
}

impl FuncIndex {
    /// The number of `u32` entries [`FuncIndex::build`] needs for `rules`
    /// (at most 12 per rule).
    pub fn storage_len(rules: &[Rule]) -> usize {
        Func::ALL
            .into_iter()
            .map(|f| candidates(rules, f).count())
            .sum()
    }

    /// Fills `storage` with the per-func lists of `rules`. `None` if
    /// `storage` is shorter than [`FuncIndex::storage_len`] or there are
    /// more rules than fit a `u32`.
    pub fn build(rules: &[Rule], storage: &mut [u32]) -> Option<Self> {
        u32::try_from(rules.len()).ok()?;
        let mut index = Self::default();
        let mut n = 0usize;
        for (i, func) in Func::ALL.into_iter().enumerate() {
            for rule in candidates(rules, func) {
                *storage.get_mut(n)? = rule as u32;
                n += 1;
            }
            // INVARIANT: n only grows, and fits u32 (rules.len() * 12 is
            // bounded by the storage slice the caller could allocate).
            index.bounds[i + 1] = u32::try_from(n).ok()?;
        }
        Some(index)
    }

    /// The candidate rule numbers for `func` (empty for `POST_SETATTR`,
    /// whose candidates are all rules).
    pub fn candidates<'s>(&self, storage: &'s [u32], func: Func) -> &'s [u32] {
        let Some(i) = Func::ALL.iter().position(|&f| f == func) else {
            return &[];
        };
        let (lo, hi) = (self.bounds[i] as usize, self.bounds[i + 1] as usize);
        storage.get(lo..hi).unwrap_or(&[])
    }
}

/// [`evaluate_with`] over the candidates of `event.func` only: the same
/// decision as walking all `rules`, given `index` was built from `rules`
/// into `storage`.
pub fn evaluate_indexed(
    rules: &[Rule],
    index: &FuncIndex,
    storage: &[u32],
    event: &Event<'_>,
    wanted: ActionMask,
    lsm: &mut impl FnMut(LsmField, &str) -> bool,
) -> Decision {
    if event.func == Func::PostSetattr {
        return evaluate_with(rules, event, wanted, lsm);
    }
    let picked = index
        .candidates(storage, event.func)
        .iter()
        .filter_map(|&i| rules.get(i as usize));
    evaluate_with(picked, event, wanted, lsm)
}

/// What a rule set looks at and can ask for, so hooks can skip work: the
/// shell computes it once per installed policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PolicySummary {
    /// Action classes some rule (other than `SETXATTR_CHECK`) can turn on:
    /// upstream's `ima_policy_flag`. Empty: no hook needs to evaluate.
    pub actions: ActionMask,
    /// Bit `Func::index()` is set when some rule can match that hook.
    pub funcs: u32,
    /// Some rule tests `euid`: `Event::cap_setuid` (and `suid`) matter.
    pub needs_cap_setuid: bool,
    /// Some rule tests `egid`: `Event::cap_setgid` (and `sgid`) matter.
    pub needs_cap_setgid: bool,
    /// Some rule tests `gid` or `egid`.
    pub needs_gid: bool,
    /// Some rule tests `fowner`.
    pub needs_fowner: bool,
    /// Some rule tests `fgroup`.
    pub needs_fgroup: bool,
    /// Some rule tests `fsname`.
    pub needs_fsname: bool,
    /// Some rule tests `fsuuid`.
    pub needs_fsuuid: bool,
    /// Some rule has an LSM label condition.
    pub needs_lsm: bool,
    /// Some rule tests `keyrings=` or `label=` (`Event::func_data`).
    pub needs_func_data: bool,
    /// `appraise_algos=` of the first `SETXATTR_CHECK` rule: the hash
    /// algorithms allowed when writing `security.ima`
    /// (`ima_setxattr_allowed_hash_algorithms`).
    pub setxattr_algos: Option<HashAlgos>,
    /// Bit `Func::index()` is set when an `appraise` rule names that
    /// `func=`: upstream's `ima_appraise_flag()` bits (`IMA_APPRAISE_MODULES`,
    /// `_FIRMWARE`, `_POLICY`, `_KEXEC`), which decide what
    /// `ima_load_data()` refuses.
    pub appraise_funcs: u32,
}

impl PolicySummary {
    /// Summarizes `rules` (`ima_update_policy_flags()` and more).
    pub fn of(rules: &[Rule]) -> Self {
        let mut s = Self::default();
        for r in rules {
            for f in Func::ALL {
                if r.may_match_func(f) {
                    s.funcs |= 1 << f.index();
                }
            }
            if let (Action::Appraise, Some(f)) = (r.action, r.func) {
                s.appraise_funcs |= 1 << f.index();
            }
            if r.func == Some(Func::SetxattrCheck) {
                if s.setxattr_algos.is_none() {
                    s.setxattr_algos = r.appraise_algos;
                }
                continue;
            }
            let a = r.action.bits();
            if a & ActionMask::ALL.bits() != 0 {
                s.actions = s.actions | ActionMask::from_bits(a);
            }
            s.needs_cap_setuid |= matches!(r.subject, Some(SubjectId::Euid(_)));
            s.needs_cap_setgid |= matches!(r.group, Some(SubjectGid::Egid(_)));
            s.needs_gid |= r.group.is_some();
            s.needs_fowner |= r.fowner.is_some();
            s.needs_fgroup |= r.fgroup.is_some();
            s.needs_fsname |= r.fsname.is_some();
            s.needs_fsuuid |= r.fsuuid.is_some();
            s.needs_lsm |= r.needs_lsm();
            s.needs_func_data |= r.keyrings.is_some() || r.label.is_some();
        }
        if !rules.is_empty() {
            s.funcs |= 1 << Func::PostSetattr.index();
        }
        s
    }

    /// Whether an event of hook `func` can match any rule.
    pub fn may_match_func(&self, func: Func) -> bool {
        self.funcs & 1 << func.index() != 0
    }

    /// Whether an `appraise` rule names `func=func`.
    pub fn appraises_func(&self, func: Func) -> bool {
        self.appraise_funcs & 1 << func.index() != 0
    }
}
