// SPDX-License-Identifier: GPL-2.0
//! Randomised checks against the code the planner replaced: the bitmasks
//! `file_event()` built and the test-and-set sequence of
//! `check_violations()`, with a small deterministic generator (as
//! `ima_policy`'s proptests: no dependencies, reproducible).

use crate::*;
use ima_policy::{AppraiseSubaction, Decision, Template};

/// Seeded, so every run explores the same cases.
struct Rng(fastrand::Rng);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(fastrand::Rng::with_seed(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.u64(..)
    }
    fn bool(&mut self) -> bool {
        self.next() & 1 != 0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn decision(r: &mut Rng) -> Decision {
    let templates = [
        None,
        Some(Template::Ima),
        Some(Template::ImaNg),
        Some(Template::ImaSig),
    ];
    let subs = [
        None,
        Some(AppraiseSubaction::File),
        Some(AppraiseSubaction::Bprm),
    ];
    Decision {
        measure: r.bool(),
        appraise: r.below(3) == 0,
        audit: r.below(3) == 0,
        hash: r.below(3) == 0,
        template: templates[r.below(4) as usize],
        appraise_subaction: subs[r.below(3) as usize],
        digsig_required: r.bool(),
        sigv3_required: r.bool(),
        ..Decision::default()
    }
}

/// The masks as `file_event()` computed them before the planner.
#[derive(Default)]
struct Legacy {
    wanted: u64,
    checks: u64,
    audits: u64,
    hashes: u64,
    appraisals: u64,
}

#[test]
fn plan_matches_the_old_bitmasks() {
    let mut r = Rng::new(0x1234_5678_9abc_def1);
    for _ in 0..5000 {
        let depth = r.below(u64::from(MAX_DEPTH) + 1) as u32;
        let writable = r.bool();
        let external = r.next() & ((2u64 << depth) - 1) & if r.bool() { u64::MAX } else { 0 };
        let mut plan = Plan::new();
        let mut old = Legacy::default();
        let mut templates = [None; LINEAGE_LEN];
        let mut keys = [None; LINEAGE_LEN];
        for n in (0..=depth).rev() {
            let interest = Interest {
                evaluate: r.bool(),
                violations: r.bool(),
            };
            if !interest.any() {
                continue;
            }
            let d = if interest.evaluate {
                decision(&mut r)
            } else {
                Decision::default()
            };
            plan.add(n, interest, &d, writable);
            if d.measure {
                old.wanted |= 1 << n;
                templates[n as usize] = d.template;
            }
            if d.appraise {
                old.appraisals |= 1 << n;
                keys[n as usize] = Some(
                    d.appraise_subaction.map_or(0, |s| s.bits())
                        | u32::from(d.digsig_required)
                        | u32::from(d.sigv3_required) << 1,
                );
            }
            if d.audit {
                old.audits |= 1 << n;
            }
            if d.hash {
                old.hashes |= 1 << n;
            }
            if interest.violations && (d.measure || writable) {
                old.checks |= 1 << n;
            }
        }
        plan.set_external(Depths::from_bits(external));
        assert_eq!(plan.measure().bits(), old.wanted);
        assert_eq!(plan.violations().bits(), old.checks);
        assert_eq!(plan.external().bits(), external);
        let integrity = old.appraisals != 0 || old.audits != 0 || old.hashes != 0;
        assert_eq!(plan.integrity(), integrity);
        let want = if old.wanted == 0 && external == 0 && old.checks == 0 && !integrity {
            InodeUse::None
        } else if old.wanted != 0 || external != 0 || integrity {
            InodeUse::Create
        } else {
            InodeUse::IfReaders
        };
        assert_eq!(plan.inode(), want);
        for n in 0..=MAX_DEPTH {
            let bit = 1u64 << n;
            assert_eq!(plan.template(n), templates[n as usize]);
            assert_eq!(plan.appraisal(n).map(|a| a.key), keys[n as usize]);
            assert_eq!(plan.audits(n), old.audits & bit != 0);
            assert_eq!(plan.hashes(n), old.hashes & bit != 0);
        }
    }
}

/// One namespace's flags in the inode, as the old code changed them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Flags {
    tomtou: bool,
    open_writers: bool,
}

/// `check_violations()` for one namespace before the planner.
fn legacy(
    writable: bool,
    open_for_write: bool,
    measures: bool,
    has_readers: bool,
    f: &mut Flags,
) -> Option<Violation> {
    if writable {
        // has_readers && take_may_emit_tomtou()
        if has_readers && core::mem::take(&mut f.tomtou) {
            return Some(Violation::ToMToU);
        }
        None
    } else if measures {
        f.tomtou = true;
        if open_for_write {
            let first = !f.open_writers;
            f.open_writers = true;
            return first.then_some(Violation::OpenWriters);
        }
        None
    } else {
        None
    }
}

#[test]
fn violation_step_matches_test_and_set() {
    let mut r = Rng::new(0xfeed_beef_0bad_cafe);
    let mut f = Flags::default();
    for _ in 0..10_000 {
        let (writable, open_for_write, measures, has_readers) =
            (r.bool(), r.bool(), r.bool(), r.bool());
        let s = ViolationState {
            has_readers,
            may_emit_tomtou: f.tomtou,
            emitted_open_writers: f.open_writers,
        };
        let st = violation_step(writable, open_for_write, measures, s);
        let mut g = f;
        if st.clear_tomtou {
            g.tomtou = false;
        }
        if st.set_tomtou {
            g.tomtou = true;
        }
        if st.set_open_writers {
            g.open_writers = true;
        }
        let want = legacy(writable, open_for_write, measures, has_readers, &mut f);
        assert_eq!(st.violation, want);
        assert_eq!(g, f);
        if r.below(8) == 0 {
            // The last writer closed.
            f.open_writers = false;
        }
    }
}
