// SPDX-License-Identifier: GPL-2.0
//! Table-driven tests of every decision the planner takes.

use crate::*;
use ima_appraise::Required;
use ima_policy::{
    ActionMask, AppraiseSubaction, Decision, Func, HashAlgos, Template, MAY_READ, MAY_WRITE,
};

fn measure(template: Option<Template>) -> Decision {
    Decision {
        measure: true,
        template,
        ..Decision::default()
    }
}

fn appraise(sub: AppraiseSubaction, digsig: bool, sigv3: bool) -> Decision {
    Decision {
        appraise: true,
        appraise_subaction: Some(sub),
        digsig_required: digsig,
        sigv3_required: sigv3,
        ..Decision::default()
    }
}

const ALL: Interest = Interest {
    evaluate: true,
    violations: true,
};

#[test]
fn interest() {
    let m = ActionMask::MEASURE;
    let a = ActionMask::APPRAISE;
    // (func, actions, may_match) -> (evaluate, violations)
    let table = [
        (Func::FileCheck, m, true, (true, true)),
        (Func::FileCheck, m, false, (false, true)),
        (Func::MmapCheck, m, false, (false, true)),
        (Func::MmapCheckReqprot, m, false, (false, true)),
        (Func::FileCheck, a, false, (false, false)),
        (Func::FileCheck, a, true, (true, false)),
        (Func::BprmCheck, m, false, (false, false)),
        (Func::BprmCheck, m, true, (true, false)),
        (Func::CredsCheck, m | a, false, (false, false)),
        (Func::ModuleCheck, m, true, (true, false)),
        (Func::FileCheck, ActionMask::NONE, false, (false, false)),
    ];
    for (func, actions, may_match, (evaluate, violations)) in table {
        let i = Interest::of(func, actions, may_match);
        assert_eq!(
            (i.evaluate, i.violations),
            (evaluate, violations),
            "{func:?} {actions:?} {may_match}"
        );
        assert_eq!(i.any(), evaluate || violations);
    }
}

#[test]
fn empty_plan_does_nothing() {
    let mut p = Plan::new();
    assert_eq!(p, Plan::default());
    for depth in 0..=MAX_DEPTH {
        p.add(depth, ALL, &Decision::default(), false);
    }
    assert_eq!(p.inode(), InodeUse::None);
    assert!(!p.integrity());
    assert!(p.measure().is_empty() && p.violations().is_empty());
}

#[test]
fn measure_records_template_by_depth() {
    let mut p = Plan::new();
    p.add(2, ALL, &measure(Some(Template::ImaSig)), false);
    p.add(1, ALL, &Decision::default(), false);
    p.add(0, ALL, &measure(None), false);
    assert_eq!(p.measure(), Depths::from_bits(0b101));
    assert_eq!(p.template(2), Some(Template::ImaSig));
    assert_eq!(p.template(0), None);
    assert_eq!(p.template(1), None);
    assert_eq!(p.template(MAX_DEPTH + 1), None);
    assert_eq!(p.inode(), InodeUse::Create);
    assert_eq!(p.violations(), Depths::from_bits(0b101));
}

#[test]
fn violations_by_interest_decision_and_writer() {
    // (violations interest, measure, writable) -> checks
    let table = [
        (true, true, false, true),
        (true, true, true, true),
        (true, false, true, true),
        (true, false, false, false),
        (false, true, false, false),
        (false, false, true, false),
    ];
    for (violations, m, writable, checks) in table {
        let mut p = Plan::new();
        let interest = Interest {
            evaluate: true,
            violations,
        };
        let d = if m {
            measure(None)
        } else {
            Decision::default()
        };
        p.add(3, interest, &d, writable);
        assert_eq!(
            p.violations().contains(3),
            checks,
            "{violations} {m} {writable}"
        );
    }
}

#[test]
fn writer_check_only_needs_existing_state() {
    let mut p = Plan::new();
    p.add(0, ALL, &Decision::default(), true);
    assert_eq!(p.violations(), Depths::from_bits(1));
    assert_eq!(p.inode(), InodeUse::IfReaders);
}

/// Builds a plan for one case.
type Build = dyn Fn(&mut Plan);

#[test]
fn inode_use() {
    let cases: [(&Build, InodeUse); 6] = [
        (&|_| {}, InodeUse::None),
        (&|p| p.add(0, ALL, &measure(None), false), InodeUse::Create),
        (
            &|p| p.set_external(Depths::from_bits(1 << 4)),
            InodeUse::Create,
        ),
        (
            &|p| {
                p.add(
                    1,
                    ALL,
                    &Decision {
                        audit: true,
                        ..Decision::default()
                    },
                    false,
                )
            },
            InodeUse::Create,
        ),
        (
            &|p| {
                p.add(
                    1,
                    ALL,
                    &Decision {
                        hash: true,
                        ..Decision::default()
                    },
                    false,
                )
            },
            InodeUse::Create,
        ),
        (
            &|p| {
                p.add(
                    5,
                    ALL,
                    &appraise(AppraiseSubaction::File, false, false),
                    false,
                )
            },
            InodeUse::Create,
        ),
    ];
    for (i, (build, want)) in cases.iter().enumerate() {
        let mut p = Plan::new();
        build(&mut p);
        assert_eq!(p.inode(), *want, "case {i}");
    }
}

#[test]
fn integrity_actions_by_depth() {
    let mut p = Plan::new();
    p.add(
        3,
        ALL,
        &Decision {
            audit: true,
            ..Decision::default()
        },
        false,
    );
    p.add(
        2,
        ALL,
        &Decision {
            hash: true,
            ..Decision::default()
        },
        false,
    );
    p.add(
        1,
        ALL,
        &appraise(AppraiseSubaction::Bprm, true, false),
        false,
    );
    assert!(p.integrity());
    assert!(p.audits(3) && !p.audits(2) && !p.audits(MAX_DEPTH + 1));
    assert!(p.hashes(2) && !p.hashes(3));
    assert!(p.appraisal(1).is_some() && p.appraisal(2).is_none());
    assert_eq!(p.appraisal(MAX_DEPTH + 1), None);
    assert!(p.measure().is_empty());
    // Appraisal alone, and a namespace added again without it.
    let mut p = Plan::new();
    p.add(
        MAX_DEPTH,
        ALL,
        &appraise(AppraiseSubaction::Bprm, true, false),
        false,
    );
    assert!(p.integrity() && p.inode() == InodeUse::Create);
    p.add(MAX_DEPTH, ALL, &Decision::default(), false);
    assert!(!p.integrity() && p.inode() == InodeUse::None);
}

#[test]
fn beyond_max_depth_ignored() {
    let mut p = Plan::new();
    p.add(MAX_DEPTH + 1, ALL, &measure(None), true);
    assert_eq!(p, Plan::new());
    p.add(MAX_DEPTH, ALL, &measure(None), true);
    assert!(p.measure().contains(MAX_DEPTH));
    let mut d = Depths::NONE;
    d.insert(64);
    d.insert(MAX_DEPTH + 1);
    assert!(d.is_empty());
    assert!(!d.contains(MAX_DEPTH + 1));
}

#[test]
fn xattr_update_claims() {
    let mut p = Plan::new();
    p.add(
        1,
        ALL,
        &Decision {
            hash: true,
            ..Decision::default()
        },
        false,
    );
    // (depth, appraisal allowed, writable) -> claims
    let table = [
        (1, None, false, true),
        (1, Some(false), false, true),
        (0, None, true, false),
        (0, Some(true), true, true),
        (0, Some(true), false, false),
        (0, Some(false), true, false),
    ];
    for (depth, allowed, writable, claims) in table {
        assert_eq!(
            p.claims_xattr_update(depth, allowed, writable),
            claims,
            "{depth} {allowed:?} {writable}"
        );
    }
}

#[test]
fn appraisal_requirements_and_key() {
    assert_eq!(Appraisal::of(&measure(None)), None);
    let algos = HashAlgos::from_bits(1 << 4);
    let d = Decision {
        verity_required: true,
        allowed_algos: algos,
        ..appraise(AppraiseSubaction::Mmap, true, false)
    };
    let a = Appraisal::of(&d).unwrap();
    assert_eq!(
        a.required,
        Required {
            signature: true,
            verity: true,
            sigv3: false
        }
    );
    assert_eq!(a.allowed_algos, algos);
    assert_eq!(a.key, AppraiseSubaction::Mmap.bits() | 1);
    // The key tells requirements and hook classes apart.
    let keys = [
        Appraisal::of(&appraise(AppraiseSubaction::File, false, false))
            .unwrap()
            .key,
        Appraisal::of(&appraise(AppraiseSubaction::File, true, false))
            .unwrap()
            .key,
        Appraisal::of(&appraise(AppraiseSubaction::File, true, true))
            .unwrap()
            .key,
        Appraisal::of(&appraise(AppraiseSubaction::Bprm, false, false))
            .unwrap()
            .key,
    ];
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            assert_ne!(keys[i], keys[j]);
        }
    }
    // No sub-action: key 0 plus the requirement bits.
    let bare = Decision {
        appraise: true,
        sigv3_required: true,
        ..Decision::default()
    };
    assert_eq!(Appraisal::of(&bare).unwrap().key, 2);
}

#[test]
fn appraisal_outcomes() {
    let v = |pass, digsig| Verdict { pass, digsig };
    // (verdict, cached, mask, new_file, enforce) -> (allow, report)
    let table = [
        (v(true, false), false, MAY_READ, false, true, (true, false)),
        (
            v(false, false),
            false,
            MAY_READ,
            false,
            true,
            (false, false),
        ),
        (
            v(false, false),
            false,
            MAY_READ,
            false,
            false,
            (true, false),
        ),
        (v(true, true), false, MAY_READ, false, true, (true, false)),
        (v(true, true), false, MAY_WRITE, false, true, (false, true)),
        (v(true, true), true, MAY_WRITE, false, true, (false, false)),
        (v(true, true), false, MAY_WRITE, true, true, (true, false)),
        (v(true, true), false, MAY_WRITE, false, false, (true, true)),
        (v(true, false), false, MAY_WRITE, false, true, (true, false)),
        (
            v(false, true),
            true,
            MAY_READ | MAY_WRITE,
            false,
            false,
            (true, false),
        ),
    ];
    for (verdict, cached, mask, new_file, enforce, (allow, report)) in table {
        let o = outcome(verdict, cached, mask, new_file, enforce);
        assert_eq!(
            o,
            Outcome {
                allow,
                report_write_denied: report
            },
            "{verdict:?} cached={cached} mask={mask:#x} new={new_file} enforce={enforce}"
        );
    }
}

#[test]
fn violation_steps() {
    let s = |has_readers, may_emit_tomtou, emitted_open_writers| ViolationState {
        has_readers,
        may_emit_tomtou,
        emitted_open_writers,
    };
    let none = ViolationStep::default();
    let tomtou = ViolationStep {
        violation: Some(Violation::ToMToU),
        clear_tomtou: true,
        ..none
    };
    let reader = ViolationStep {
        set_tomtou: true,
        ..none
    };
    let open_writers = ViolationStep {
        violation: Some(Violation::OpenWriters),
        set_tomtou: true,
        set_open_writers: true,
        ..none
    };
    // (writable, open_for_write, measures, state) -> step
    let table = [
        // A writer: ToMToU once, if a measured reader holds the file.
        (true, true, true, s(true, true, false), tomtou),
        (true, true, false, s(true, true, true), tomtou),
        (true, true, true, s(true, false, false), none),
        (true, true, true, s(false, true, false), none),
        // A reader measured here.
        (false, false, true, s(false, false, false), reader),
        (false, false, true, s(true, true, true), reader),
        (false, true, true, s(false, false, false), open_writers),
        (false, true, true, s(true, true, true), reader),
        // A reader not measured here.
        (false, true, false, s(true, true, false), none),
        (false, false, false, s(false, false, false), none),
    ];
    for (writable, open_for_write, measures, state, want) in table {
        assert_eq!(
            violation_step(writable, open_for_write, measures, state),
            want,
            "{writable} {open_for_write} {measures} {state:?}"
        );
    }
    assert_eq!(Violation::ToMToU.cause(), "ToMToU");
    assert_eq!(Violation::OpenWriters.cause(), "open_writers");
}

#[test]
fn mprotect() {
    let mut m = Mprotect::default();
    assert!(!m.acts());
    m.add(&Decision::default());
    assert!(!m.acts());
    m.add(&measure(None));
    assert!(m.acts() && !m.covered);
    m.add(&appraise(AppraiseSubaction::Mmap, false, false));
    assert!(m.acts() && m.covered && m.measure);
    let mut a = Mprotect::default();
    a.add(&appraise(AppraiseSubaction::Mmap, false, false));
    assert!(a.acts() && a.covered && !a.measure);
    // (actions, appraise enabled) -> audits
    for (actions, enabled, audits) in [
        (ActionMask::APPRAISE, true, true),
        (ActionMask::ALL, true, true),
        (ActionMask::APPRAISE, false, false),
        (ActionMask::MEASURE, true, false),
        (ActionMask::NONE, true, false),
    ] {
        assert_eq!(Mprotect::audits(actions, enabled), audits);
    }
}

#[test]
fn new_file() {
    for (d, claims) in [
        (Decision::default(), false),
        (measure(None), false),
        (
            Decision {
                audit: true,
                ..Decision::default()
            },
            false,
        ),
        (
            Decision {
                hash: true,
                ..Decision::default()
            },
            true,
        ),
        (appraise(AppraiseSubaction::File, false, false), true),
    ] {
        assert_eq!(new_file_claims(&d), claims, "{d:?}");
    }
}

#[test]
fn a_step_changes_the_state_exactly_when_applying_it_would() {
    for bits in 0..64u32 {
        let b = |i: u32| bits & 1 << i != 0;
        let s = ViolationState {
            has_readers: b(0),
            may_emit_tomtou: b(1),
            emitted_open_writers: b(2),
        };
        let step = violation_step(b(3), b(4), b(5), s);
        // apply_violation(): clear, then set.
        let mut tomtou = s.may_emit_tomtou && !step.clear_tomtou;
        tomtou |= step.set_tomtou;
        let open_writers = s.emitted_open_writers || step.set_open_writers;
        let changed = tomtou != s.may_emit_tomtou || open_writers != s.emitted_open_writers;
        assert_eq!(step.changes(s), changed, "{bits:#b} {step:?}");
    }
}
