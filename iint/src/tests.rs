// SPDX-License-Identifier: GPL-2.0
//! Every transition of the per-inode state, with `Vec` lists that can be
//! told to fail like a kernel allocation.

extern crate std;

use crate::*;
use core::cell::Cell;
use ima_plan::{violation_step, Verdict, Violation, ViolationStep};
use ima_tpm::{Digest, HashAlgo};
use std::vec::Vec;

std::thread_local! {
    /// Pushes left before they fail (`usize::MAX`: never).
    static BUDGET: Cell<usize> = const { Cell::new(usize::MAX) };
}

struct VecList<T>(Vec<T>);

impl<T> Default for VecList<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: Copy> List<T> for VecList<T> {
    type Error = NoMemory;
    fn as_slice(&self) -> &[T] {
        &self.0
    }
    fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.0
    }
    fn try_push(&mut self, t: T) -> Result<(), NoMemory> {
        let left = BUDGET.with(Cell::get);
        if left == 0 {
            return Err(NoMemory);
        }
        BUDGET.with(|b| b.set(left.saturating_sub(usize::from(left != usize::MAX))));
        self.0.push(t);
        Ok(())
    }
    fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }
}

struct Host;

impl Storage for Host {
    type Error = NoMemory;
    type List<T: Copy> = VecList<T>;
}

type St = State<Host>;

fn digest(algo: HashAlgo, byte: u8) -> Digest {
    Digest::of(algo, &[&[byte]])
}

const NEVER: fn() -> Option<u64> = || panic!("version asked");
const PASS: Verdict = Verdict {
    pass: true,
    digsig: false,
};

#[test]
fn marks_hold_while_the_version_does() {
    let mut s = St::default();
    assert!(!s.measured_in(1, NEVER) && !s.is_measured() && !s.is_cached());
    s.mark(1, Some(7)).unwrap();
    s.mark(2, None).unwrap();
    // (ns, version now) -> measured
    for (ns, now, want) in [
        (1, Some(7), true),
        (1, Some(8), false),
        (1, None, false),
        (2, Some(9), true),
        (3, Some(7), false),
    ] {
        assert_eq!(s.measured_in(ns, || now), want, "{ns} {now:?}");
    }
    // Without a cookie the version is never asked.
    assert!(s.measured_in(2, NEVER));
    // A new mark replaces the old.
    s.mark(1, Some(8)).unwrap();
    assert!(s.measured_in(1, || Some(8)) && !s.measured_in(1, || Some(7)));
    assert!(s.is_measured() && s.is_cached());
}

#[test]
fn digests_by_algorithm_and_version() {
    let mut s = St::default();
    s.keep_digest(digest(HashAlgo::Sha256, 1), Some(5)).unwrap();
    s.keep_digest(digest(HashAlgo::Sha1, 2), None).unwrap();
    assert!(s.is_cached() && !s.is_measured());
    assert_eq!(
        s.digest(HashAlgo::Sha256, || Some(5)),
        Some(digest(HashAlgo::Sha256, 1))
    );
    assert_eq!(s.digest(HashAlgo::Sha256, || Some(6)), None);
    assert_eq!(
        s.digest(HashAlgo::Sha1, NEVER),
        Some(digest(HashAlgo::Sha1, 2))
    );
    assert_eq!(s.digest(HashAlgo::Sha512, NEVER), None);
    s.keep_digest(digest(HashAlgo::Sha256, 3), Some(6)).unwrap();
    assert_eq!(
        s.digest(HashAlgo::Sha256, || Some(6)),
        Some(digest(HashAlgo::Sha256, 3))
    );
}

#[test]
fn verdicts_by_namespace_requirement_and_version() {
    let mut s = St::default();
    let fail = Verdict {
        pass: false,
        digsig: true,
    };
    s.keep_verdict(1, 0x1000, Some(3), PASS).unwrap();
    s.keep_verdict(1, 0x1001, None, fail).unwrap();
    // (ns, req, now) -> verdict
    for (ns, req, now, want) in [
        (1, 0x1000, Some(3), Some(PASS)),
        (1, 0x1000, Some(4), None),
        (1, 0x1001, Some(4), Some(fail)),
        (2, 0x1000, Some(3), None),
        (1, 0x4000, Some(3), None),
    ] {
        assert_eq!(s.appraised(ns, req, || now), want, "{ns} {req:#x} {now:?}");
    }
    s.keep_verdict(1, 0x1000, Some(4), fail).unwrap();
    assert_eq!(s.appraised(1, 0x1000, || Some(4)), Some(fail));
    assert_eq!(s.appraised(1, 0x1000, || Some(3)), None);
}

#[test]
fn audits_once_per_version() {
    let mut s = St::default();
    // (ns, now) -> first
    for (ns, now, first) in [
        (1, Some(1), true),
        (1, Some(1), false),
        (2, Some(1), true),
        (1, Some(2), true),
        (1, Some(2), false),
        (1, Some(1), true),
        (3, None, true),
        (3, Some(5), false),
        (3, None, false),
    ] {
        assert_eq!(s.first_audit(ns, now), Ok(first), "{ns} {now:?}");
    }
}

#[test]
fn violation_steps_applied() {
    let mut s = St::default();
    // A reader measured in ns 1 while a writer holds the file.
    let st = violation_step(false, true, true, s.violation_state(1, true));
    assert_eq!(st.violation, Some(Violation::OpenWriters));
    s.apply_violation(1, &st).unwrap();
    let seen = s.violation_state(1, false);
    assert!(seen.may_emit_tomtou && seen.emitted_open_writers && !seen.has_readers);
    // Reported once per writer period.
    assert_eq!(
        violation_step(false, true, true, s.violation_state(1, true)).violation,
        None
    );
    assert!(!s.violation_state(2, true).may_emit_tomtou);
    // A writer: ToMToU once, while the kernel counts a reader.
    assert_eq!(
        violation_step(true, true, true, s.violation_state(1, false)).violation,
        None
    );
    let st = violation_step(true, true, true, s.violation_state(1, true));
    assert_eq!(st.violation, Some(Violation::ToMToU));
    s.apply_violation(1, &st).unwrap();
    assert!(!s.violation_state(1, true).may_emit_tomtou);
    assert_eq!(
        violation_step(true, true, true, s.violation_state(1, true)).violation,
        None
    );
    // Applying twice adds nothing twice.
    let set = ViolationStep {
        set_tomtou: true,
        set_open_writers: true,
        ..ViolationStep::default()
    };
    s.apply_violation(2, &set).unwrap();
    s.apply_violation(2, &set).unwrap();
    s.apply_violation(
        2,
        &ViolationStep {
            clear_tomtou: true,
            ..ViolationStep::default()
        },
    )
    .unwrap();
    assert!(!s.violation_state(2, true).may_emit_tomtou);
    // The last writer closes: open writers may be reported again.
    assert!(s.last_writer_closed(NEVER).is_none());
    assert!(
        !s.violation_state(1, true).emitted_open_writers
            && !s.violation_state(2, true).emitted_open_writers
    );
}

fn populated(version: Option<u64>) -> St {
    let mut s = St::default();
    s.mark(1, version).unwrap();
    s.keep_digest(digest(HashAlgo::Sha256, 1), version).unwrap();
    s.keep_verdict(1, 0x1000, version, PASS).unwrap();
    s.first_audit(1, version).unwrap();
    s
}

#[test]
fn invalidation_keeps_only_the_unchanged_version() {
    // (cached at, closed at) -> kept
    for (at, now, kept) in [
        (Some(1), Some(1), true),
        (Some(1), Some(2), false),
        (Some(1), None, false),
        (None, Some(1), false),
        (None, None, false),
    ] {
        let mut s = populated(at);
        s.invalidate(now);
        assert_eq!(s.is_cached(), kept, "{at:?} {now:?}");
        assert_eq!(s.is_measured(), kept);
        assert_eq!(s.digest(HashAlgo::Sha256, || at).is_some(), kept);
        assert_eq!(s.appraised(1, 0x1000, || at).is_some(), kept);
        assert_eq!(s.first_audit(1, at), Ok(!kept));
    }
}

#[test]
fn xattr_change_forgets_verdicts_marks_and_audits_not_digests() {
    let mut s = populated(Some(1));
    s.forget_xattr_state();
    assert!(!s.is_measured());
    assert_eq!(s.appraised(1, 0x1000, || Some(1)), None);
    assert_eq!(s.first_audit(1, Some(1)), Ok(true));
    assert!(s.digest(HashAlgo::Sha256, || Some(1)).is_some());
}

#[test]
fn last_writer_closed() {
    let mut s = populated(Some(1));
    s.new_file = true;
    s.update_xattr = Some(HashAlgo::Sha512);
    s.apply_violation(
        1,
        &ViolationStep {
            set_open_writers: true,
            ..ViolationStep::default()
        },
    )
    .unwrap();
    assert_eq!(s.last_writer_closed(|| Some(2)), Some(HashAlgo::Sha512));
    assert!(!s.new_file && s.update_xattr.is_none() && !s.is_cached());
    assert!(!s.violation_state(1, true).emitted_open_writers);
    // Unchanged contents keep their cache.
    let mut s = populated(Some(1));
    assert_eq!(s.last_writer_closed(|| Some(1)), None);
    assert!(s.is_measured());
    // Nothing cached: the version is not asked.
    let mut s = St::default();
    assert_eq!(s.last_writer_closed(NEVER), None);
}

#[test]
fn stacked_filesystems() {
    let real = |ino, versioned| Real {
        ino,
        dev: 8,
        versioned,
    };
    let mut s = populated(Some(1));
    // The first look at the real inode voids what was gathered.
    s.check_stacked(real(5, true));
    assert!(!s.is_cached());
    let mut s2 = populated(Some(1));
    s2.check_stacked(real(5, true));
    s2.mark(1, Some(1)).unwrap();
    // Same versioned inode: kept.
    s2.check_stacked(real(5, true));
    assert!(s2.is_measured());
    // Copied up to another inode: void.
    s2.check_stacked(real(6, true));
    assert!(!s2.is_measured());
    // An unversioned real inode: void every time.
    s2.mark(1, Some(1)).unwrap();
    s2.check_stacked(real(6, false));
    assert!(!s2.is_measured());
    // Another device is another inode.
    s2.mark(1, Some(1)).unwrap();
    s2.check_stacked(Real {
        ino: 6,
        dev: 9,
        versioned: true,
    });
    assert!(!s2.is_measured());
}

#[test]
fn allocation_failures_change_nothing() {
    let mut s = populated(Some(1));
    BUDGET.with(|b| b.set(0));
    assert_eq!(s.mark(2, Some(1)), Err(NoMemory));
    assert_eq!(s.first_audit(2, Some(1)), Err(NoMemory));
    assert_eq!(
        s.apply_violation(
            2,
            &ViolationStep {
                set_tomtou: true,
                ..ViolationStep::default()
            }
        ),
        Err(NoMemory)
    );
    // A real inode not kept for want of memory voids at every look.
    let mut stacked = St::default();
    let real = Real {
        ino: 5,
        dev: 8,
        versioned: true,
    };
    stacked.check_stacked(real);
    BUDGET.with(|b| b.set(usize::MAX));
    stacked.mark(1, Some(1)).unwrap();
    stacked.check_stacked(real);
    assert!(!stacked.is_measured());
    assert!(!s.measured_in(2, || Some(1)));
    assert!(!s.violation_state(2, true).may_emit_tomtou);
    assert!(s.measured_in(1, || Some(1)));
}

#[test]
fn the_state_fits_a_128_byte_object() {
    // Three lists of three words (a `KVec` as a `Vec`) and the flags: with
    // the kernel's 32-byte mutex, the `AtomicBool` and the `Arc`'s count,
    // `ima_ns/iint.rs`'s `Iint` takes 128 bytes (kmalloc-128; seven lists
    // took kmalloc-256). A ToMToU mark takes 24 bytes.
    assert_eq!(core::mem::size_of::<St>(), 80);
    assert_eq!(St::MARK_SIZE, 24);
}

/// Seeded, so every run explores the same cases.
struct Rng(fastrand::Rng);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(fastrand::Rng::with_seed(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.u64(..)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn version(&mut self) -> Option<u64> {
        match self.below(4) {
            0 => None,
            v => Some(v),
        }
    }
}

#[test]
fn random_events_keep_the_invariants() {
    let mut r = Rng::new(0x0dd_ba11_cafe_f00d);
    let algos = [HashAlgo::Sha1, HashAlgo::Sha256, HashAlgo::Sha512];
    for _ in 0..200 {
        let mut s = St::default();
        for _ in 0..200 {
            let ns = r.below(4);
            let v = r.version();
            let mut invalidated = None;
            match r.below(12) {
                0 => {
                    s.mark(ns, v).unwrap();
                    assert!(s.measured_in(ns, || v));
                }
                1 => {
                    let d = digest(algos[r.below(3) as usize], r.below(256) as u8);
                    s.keep_digest(d, v).unwrap();
                    assert_eq!(s.digest(d.algo(), || v), Some(d));
                }
                2..=4 => {
                    let step = violation_step(
                        r.below(2) == 0,
                        r.below(2) == 0,
                        r.below(2) == 0,
                        s.violation_state(ns, r.below(2) == 0),
                    );
                    s.apply_violation(ns, &step).unwrap();
                }
                5 => {
                    let req = r.below(3) as u32;
                    s.keep_verdict(ns, req, v, PASS).unwrap();
                    assert_eq!(s.appraised(ns, req, || v), Some(PASS));
                }
                6 => {
                    s.first_audit(ns, v).unwrap();
                    assert_eq!(s.first_audit(ns, v), Ok(false));
                }
                7 => {
                    s.forget_xattr_state();
                    assert!(!s.is_measured());
                }
                8 => {
                    s.invalidate(v);
                    invalidated = Some(v);
                }
                9 => {
                    let cached = s.is_cached();
                    s.update_xattr = Some(HashAlgo::Sha256);
                    assert_eq!(s.last_writer_closed(|| v), Some(HashAlgo::Sha256));
                    if cached {
                        invalidated = Some(v);
                    }
                }
                10 => {
                    let real = Real {
                        ino: r.below(2),
                        dev: 1,
                        versioned: r.below(2) == 0,
                    };
                    s.check_stacked(real);
                }
                _ => s.new_file = !s.new_file,
            }
            s.check(invalidated);
        }
    }
}
