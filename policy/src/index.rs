// SPDX-License-Identifier: GPL-2.0
//! Evaluation through a per-func index, and a summary of what a rule set
//! looks at. The crate does not allocate: the caller owns the index
//! storage (one `u32` per rule) next to its rule set.
//!
//! Each rule is in exactly one index list: that of its `func=`, or
//! [`ANY_FILE_LIST`] for a rule without one. An event walks its func's
//! list merged in rule order with [`ANY_FILE_LIST`] (file hooks) or alone
//! (`KEY_CHECK`, `CRITICAL_DATA`), and `POST_SETATTR` walks every rule
//! ([`event_lists`], [`candidate_numbers`]). So an index costs 4 bytes a
//! rule, can grow one rule at a time, and lists can be kept in any
//! storage (the kernel keeps them in chunks).
//!
//! ```
//! use ima_policy::{parse_line, evaluate, evaluate_indexed, ActionMask, Event, Func, FuncIndex};
//! let rules = [
//!     parse_line("measure func=BPRM_CHECK").unwrap().unwrap(),
//!     parse_line("dont_measure fsmagic=0x9fa0").unwrap().unwrap(),
//! ];
//! let mut storage = [0u32; 2];
//! let index = FuncIndex::build(&rules, &mut storage).unwrap();
//! let e = Event { func: Func::BprmCheck, ..Default::default() };
//! let d = evaluate_indexed(&rules, &index, &storage, &e, ActionMask::ALL, &mut |_, _| false);
//! assert_eq!(d, evaluate(&rules, &e));
//! assert!(d.measure);
//! ```

use crate::algo::HashAlgos;
use crate::decision::{ActionMask, Decision, PolicyWalk};
use crate::event::Event;
use crate::rule::{Action, Func, LsmField, PolicyRule, SubjectGid, SubjectId, TextField};

/// The number of index lists: one per [`Func`] value and
/// [`ANY_FILE_LIST`].
pub const INDEX_LISTS: usize = Func::COUNT + 1;

/// The index list of rules without `func=`: candidates for every file
/// hook.
pub const ANY_FILE_LIST: usize = Func::COUNT;

/// Whether `rule` can match some event of hook `func` (the first test of
/// `ima_match_rules()`). A rule without `func=` can match every file hook
/// but not `KEY_CHECK` or `CRITICAL_DATA`; every rule can match
/// `POST_SETATTR`.
pub fn may_match_func(rule: &impl PolicyRule, func: Func) -> bool {
    let own = rule.core().func;
    match func {
        Func::PostSetattr => true,
        Func::KeyCheck | Func::CriticalData => own == Some(func),
        _ => own.is_none_or(|f| f == func),
    }
}

/// The index list `rule` belongs to: below [`INDEX_LISTS`].
pub fn index_list(rule: &impl PolicyRule) -> usize {
    rule.core().func.map_or(ANY_FILE_LIST, Func::index)
}

/// The index lists an event of hook `func` walks, merged in rule order:
/// its own and, for file hooks, [`ANY_FILE_LIST`]. `None` for
/// `POST_SETATTR`, which walks every rule. Exactly the rules for which
/// [`may_match_func`] holds are in these lists.
pub fn event_lists(func: Func) -> Option<(usize, Option<usize>)> {
    match func {
        Func::PostSetattr => None,
        Func::KeyCheck | Func::CriticalData => Some((func.index(), None)),
        _ => Some((func.index(), Some(ANY_FILE_LIST))),
    }
}

/// Two ascending sequences of rule numbers merged into one (the lists of
/// an index are disjoint).
#[derive(Clone, Debug)]
pub struct Merge<I> {
    a: I,
    b: Option<I>,
    next_a: Option<u32>,
    next_b: Option<u32>,
}

impl<I: Iterator<Item = u32>> Merge<I> {
    /// Merges `a` with `b`, if given.
    pub fn new(mut a: I, mut b: Option<I>) -> Self {
        let next_a = a.next();
        let next_b = b.as_mut().and_then(Iterator::next);
        Self {
            a,
            b,
            next_a,
            next_b,
        }
    }
}

impl<I: Iterator<Item = u32>> Iterator for Merge<I> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let take_a = match (self.next_a, self.next_b) {
            (None, None) => return None,
            (Some(x), Some(y)) => x <= y,
            (a, _) => a.is_some(),
        };
        if take_a {
            core::mem::replace(&mut self.next_a, self.a.next())
        } else {
            let next = self.b.as_mut().and_then(Iterator::next);
            core::mem::replace(&mut self.next_b, next)
        }
    }
}

/// The rule numbers an event of hook `func` walks, in order.
#[derive(Clone, Debug)]
pub enum Candidates<I> {
    /// Every rule (`POST_SETATTR`).
    All(core::ops::Range<u32>),
    /// The merged lists of [`event_lists`].
    Lists(Merge<I>),
}

impl<I: Iterator<Item = u32>> Iterator for Candidates<I> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            Self::All(r) => r.next(),
            Self::Lists(m) => m.next(),
        }
    }
}

/// The candidates of hook `func` in a set of `len` rules whose index
/// list `i` is `list(i)` (ascending rule numbers): evaluating only these
/// gives the same [`Decision`] as evaluating all.
pub fn candidate_numbers<I: Iterator<Item = u32>>(
    func: Func,
    len: u32,
    mut list: impl FnMut(usize) -> I,
) -> Candidates<I> {
    match event_lists(func) {
        None => Candidates::All(0..len),
        Some((own, other)) => Candidates::Lists(Merge::new(list(own), other.map(list))),
    }
}

/// The candidates of hook `func` as runs of rule numbers, in order: the
/// numbers [`candidate_numbers`] yields, from index list `i` given as its
/// slices (chunks) in order. `None` for `POST_SETATTR`: every rule is a
/// candidate. A hook whose candidates are in one list gets that list's
/// slices; two lists are merged a run at a time. So the caller's walk is
/// a plain loop over each run, with no adaptor per rule.
pub fn candidate_runs<'s, I: Iterator<Item = &'s [u32]>>(
    func: Func,
    mut list: impl FnMut(usize) -> I,
) -> Option<CandidateRuns<'s, I>> {
    let (own, other) = event_lists(func)?;
    Some(CandidateRuns {
        a: list(own).fuse(),
        b: other.map(|o| list(o).fuse()),
        sa: &[],
        sb: &[],
    })
}

/// The runs of [`candidate_runs`]: two ascending, disjoint lists of rule
/// numbers, each as its slices, merged (ties from the first, as [`Merge`]).
#[derive(Clone, Debug)]
pub struct CandidateRuns<'s, I> {
    a: core::iter::Fuse<I>,
    b: Option<core::iter::Fuse<I>>,
    /// What is left of the current slice of `a`, of `b`.
    sa: &'s [u32],
    sb: &'s [u32],
}

impl<'s, I: Iterator<Item = &'s [u32]>> Iterator for CandidateRuns<'s, I> {
    type Item = &'s [u32];

    fn next(&mut self) -> Option<&'s [u32]> {
        let Some(b) = self.b.as_mut() else {
            return self.a.next();
        };
        loop {
            if self.sa.is_empty() {
                match self.a.next() {
                    Some(s) => self.sa = s,
                    None if self.sb.is_empty() => return b.next(),
                    None => return Some(core::mem::take(&mut self.sb)),
                }
                continue;
            }
            if self.sb.is_empty() {
                match b.next() {
                    Some(s) => self.sb = s,
                    None => return Some(core::mem::take(&mut self.sa)),
                }
                continue;
            }
            // Both non-empty: the run of one up to the other's head, at
            // least one number.
            let (x, y) = (self.sa[0], self.sb[0]);
            let (from, k) = if x <= y {
                let k = self.sa.iter().position(|&n| n > y);
                (&mut self.sa, k)
            } else {
                let k = self.sb.iter().position(|&n| n >= x);
                (&mut self.sb, k)
            };
            let (run, rest) = from.split_at(k.unwrap_or(from.len()));
            *from = rest;
            return Some(run);
        }
    }
}

/// The numbers of the rules that can match events of hook `func`, in
/// order, by walking every rule: evaluating only these gives the same
/// [`Decision`].
pub fn candidates<R: PolicyRule>(rules: &[R], func: Func) -> impl Iterator<Item = usize> + '_ {
    rules
        .iter()
        .enumerate()
        .filter(move |(_, r)| may_match_func(*r, func))
        .map(|(i, _)| i)
}

/// The index lists ([`index_list`]) of a slice of rules stored back to
/// back in a caller-provided `[u32]` of one entry per rule.
///
/// # Invariants
///
/// `bounds` is non-decreasing; `bounds[i]..bounds[i + 1]` is list `i` in
/// the storage it was built with, in ascending order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FuncIndex {
    bounds: [u32; INDEX_LISTS + 1],
}

impl FuncIndex {
    /// The number of `u32` entries [`FuncIndex::build`] needs for `rules`:
    /// one per rule.
    pub fn storage_len<R>(rules: &[R]) -> usize {
        rules.len()
    }

    /// Fills `storage` with the index lists of `rules`. `None` if
    /// `storage` is shorter than [`FuncIndex::storage_len`] or there are
    /// more rules than fit a `u32`.
    pub fn build<R: PolicyRule>(rules: &[R], storage: &mut [u32]) -> Option<Self> {
        u32::try_from(rules.len()).ok()?;
        let storage = storage.get_mut(..rules.len())?;
        let mut index = Self::default();
        for r in rules {
            index.bounds[index_list(r) + 1] += 1;
        }
        for i in 0..INDEX_LISTS {
            index.bounds[i + 1] += index.bounds[i];
        }
        let mut next = index.bounds;
        for (n, r) in rules.iter().enumerate() {
            let slot = &mut next[index_list(r)];
            *storage.get_mut(*slot as usize)? = n as u32;
            *slot += 1;
        }
        // INVARIANT: prefix sums of the list sizes, filled in rule order.
        Some(index)
    }

    /// Index list `i` (empty if out of range).
    pub fn list<'s>(&self, storage: &'s [u32], i: usize) -> &'s [u32] {
        let (Some(&lo), Some(&hi)) = (self.bounds.get(i), self.bounds.get(i + 1)) else {
            return &[];
        };
        storage.get(lo as usize..hi as usize).unwrap_or(&[])
    }

    /// The candidate rule numbers for `func`, in order ([`candidate_numbers`]).
    pub fn candidates<'s>(
        &self,
        storage: &'s [u32],
        func: Func,
    ) -> Candidates<core::iter::Copied<core::slice::Iter<'s, u32>>> {
        let len = self.bounds[INDEX_LISTS];
        candidate_numbers(func, len, |i| self.list(storage, i).iter().copied())
    }
}

/// [`evaluate_with`](crate::evaluate_with) over the candidates of `event.func` only: the same
/// decision as walking all `rules`, given `index` was built from `rules`
/// into `storage`.
pub fn evaluate_indexed<R: PolicyRule>(
    rules: &[R],
    index: &FuncIndex,
    storage: &[u32],
    event: &Event<'_>,
    wanted: ActionMask,
    lsm: &mut impl FnMut(LsmField, &str) -> bool,
) -> Decision {
    let mut walk = PolicyWalk::new(event, wanted);
    match candidate_runs(event.func, |i| core::iter::once(index.list(storage, i))) {
        Some(runs) => {
            'walk: for run in runs {
                for &n in run {
                    let Some(r) = rules.get(n as usize) else {
                        continue;
                    };
                    if walk.step(r, lsm).is_break() {
                        break 'walk;
                    }
                }
            }
        }
        None => {
            for r in rules {
                if walk.step(r, lsm).is_break() {
                    break;
                }
            }
        }
    }
    walk.finish()
}

/// What a rule set looks at and can ask for, so hooks can skip work: the
/// shell computes it once per installed policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PolicySummary {
    /// Action classes some rule (other than `SETXATTR_CHECK`) can turn on:
    /// upstream's `ima_policy_flag`. Empty: no hook needs to evaluate.
    pub actions: ActionMask,
    /// Bit `Func::index()` is set when some rule that can turn something
    /// on (an action, or a flag such as `permit_directio`) can match that
    /// hook. A hook only `dont_*` rules can match evaluates to nothing
    /// whatever the event: `tcb`'s filesystem exclusions match every file
    /// hook, but nothing in `tcb` measures `MMAP_CHECK_REQPROT`, which
    /// every executable mapping also raises.
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
    pub fn of<R: PolicyRule>(rules: &[R]) -> Self {
        let mut s = Self::default();
        for r in rules {
            s.add(r);
        }
        s
    }

    /// Adds `r`, appended after the rules summarized so far.
    pub fn add(&mut self, r: &impl PolicyRule) {
        let s = self;
        let c = r.core();
        let acts = c.action.bits() & ActionMask::ALL.bits() != 0
            || crate::validate::nonaction_flags(r) != 0;
        for f in Func::ALL {
            if acts && may_match_func(r, f) {
                s.funcs |= 1 << f.index();
            }
        }
        s.funcs |= 1 << Func::PostSetattr.index();
        if let (Action::Appraise, Some(f)) = (c.action, c.func) {
            s.appraise_funcs |= 1 << f.index();
        }
        if c.func == Some(Func::SetxattrCheck) {
            if s.setxattr_algos.is_none() {
                s.setxattr_algos = c.appraise_algos;
            }
            return;
        }
        let a = c.action.bits();
        if a & ActionMask::ALL.bits() != 0 {
            s.actions = s.actions | ActionMask::from_bits(a);
        }
        s.needs_cap_setuid |= matches!(c.subject, Some(SubjectId::Euid(_)));
        s.needs_cap_setgid |= matches!(c.group, Some(SubjectGid::Egid(_)));
        s.needs_gid |= c.group.is_some();
        s.needs_fowner |= c.fowner.is_some();
        s.needs_fgroup |= c.fgroup.is_some();
        s.needs_fsuuid |= c.fsuuid.is_some();
        if r.has_text() {
            s.needs_fsname |= r.text(TextField::FsName).is_some();
            s.needs_lsm |= r.needs_lsm();
            s.needs_func_data |=
                r.text(TextField::Keyrings).is_some() || r.text(TextField::Label).is_some();
        }
    }

    /// The summary of the rules of `self` followed by those of `later`.
    pub fn then(self, later: &Self) -> Self {
        Self {
            actions: self.actions | later.actions,
            funcs: self.funcs | later.funcs,
            needs_cap_setuid: self.needs_cap_setuid | later.needs_cap_setuid,
            needs_cap_setgid: self.needs_cap_setgid | later.needs_cap_setgid,
            needs_gid: self.needs_gid | later.needs_gid,
            needs_fowner: self.needs_fowner | later.needs_fowner,
            needs_fgroup: self.needs_fgroup | later.needs_fgroup,
            needs_fsname: self.needs_fsname | later.needs_fsname,
            needs_fsuuid: self.needs_fsuuid | later.needs_fsuuid,
            needs_lsm: self.needs_lsm | later.needs_lsm,
            needs_func_data: self.needs_func_data | later.needs_func_data,
            setxattr_algos: self.setxattr_algos.or(later.setxattr_algos),
            appraise_funcs: self.appraise_funcs | later.appraise_funcs,
        }
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
