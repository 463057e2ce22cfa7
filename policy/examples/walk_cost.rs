// SPDX-License-Identifier: GPL-2.0
//! Host model of the kernel's rule walk, for counting instructions: the
//! rules and index lists kept as `policy/rule_set.rs` keeps them (chunks
//! of a page, one segment per policy write), walked as `RuleSet::evaluate`
//! walks them, for an open behind RULES non-matching `FILE_CHECK` rules
//! (the distro bench's rule rows: `tcb`, then `fowner=` rules).
//!
//! ```text
//! cargo build --release -p ima-policy --example walk_cost
//! valgrind --tool=callgrind --toggle-collect='*walk_once*' \
//!     target/release/examples/walk_cost RULES REPS [iter]
//! ```
//!
//! `iter` walks through the iterator adaptors (`candidate_numbers`, `Merge`,
//! chunk `flat_map`) rule_set.rs used before `candidate_runs`.
//!
//! Instructions per rule: (Ir at RULES=N - Ir at RULES=0) / (REPS * N).

use core::ops::ControlFlow;
use ima_policy::{
    candidate_numbers, evaluate_with, index_list, parse_line, CompactRule, Decision, Event, Func,
    LsmField, PolicySummary, PolicyWalk, Rule, INDEX_LISTS, MAY_READ, TCB,
};
use std::hint::black_box;

type Stored = CompactRule<Vec<u8>>;

/// `Chunked<T>` of rule_set.rs: chunks of a page.
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Chunked<T> {
    const PER_CHUNK: usize = {
        let n = 4096 / core::mem::size_of::<T>();
        if n == 0 {
            1
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        }
    };

    fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < Self::PER_CHUNK => c.push(v),
            _ => self.chunks.push(vec![v]),
        }
    }

    fn get(&self, i: usize) -> Option<&T> {
        self.chunks
            .get(i / Self::PER_CHUNK)?
            .get(i % Self::PER_CHUNK)
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    fn slices(&self) -> impl Iterator<Item = &[T]> {
        self.chunks.iter().map(|c| &c[..])
    }
}

struct Segment {
    rules: Chunked<Stored>,
    len: u32,
    lists: [Chunked<u32>; INDEX_LISTS],
    summary: PolicySummary,
}

impl Segment {
    fn of(lines: &[String]) -> Self {
        let mut s = Segment {
            rules: Chunked { chunks: Vec::new() },
            len: 0,
            lists: std::array::from_fn(|_| Chunked { chunks: Vec::new() }),
            summary: PolicySummary::default(),
        };
        for l in lines {
            let rule: Rule = parse_line(l).unwrap().unwrap();
            let text = vec![0u8; Stored::text_len(&rule)];
            s.rules.push(Stored::new(&rule, text).unwrap());
            s.lists[index_list(&rule)].push(s.len);
            s.len += 1;
            s.summary.add(&rule);
        }
        s
    }

    /// `Segment::walk` of rule_set.rs.
    fn walk(&self, walk: &mut PolicyWalk<'_, '_>) -> ControlFlow<()> {
        let no_lsm = &mut |_: LsmField, _: &str| false;
        walk.step_indexed(
            || self.rules.slices(),
            |n| self.rules.get(n),
            |i| self.lists[i].slices(),
            no_lsm,
        )
    }

    /// The adaptor chain rule_set.rs walked before `candidate_runs`.
    fn candidates(&self, func: Func) -> impl Iterator<Item = &Stored> {
        candidate_numbers(func, self.len, |i| self.lists[i].iter().copied())
            .filter_map(|n| self.rules.get(n as usize))
    }
}

struct RuleSet {
    segments: Vec<Segment>,
    summary: PolicySummary,
}

impl RuleSet {
    /// `RuleSet::evaluate` of rule_set.rs.
    fn evaluate(&self, event: &Event<'_>) -> Decision {
        let mut walk = PolicyWalk::new(event, self.summary.actions);
        for s in &self.segments {
            if s.walk(&mut walk).is_break() {
                break;
            }
        }
        walk.finish()
    }

    /// The same through iterator adaptors, as before.
    fn evaluate_iter(&self, event: &Event<'_>) -> Decision {
        let rules = self.segments.iter().flat_map(|s| s.candidates(event.func));
        evaluate_with(rules, event, self.summary.actions, &mut |_, _| false)
    }
}

#[inline(never)]
fn walk_once(set: &RuleSet, e: &Event<'_>, iter: bool) -> Decision {
    if iter {
        set.evaluate_iter(e)
    } else {
        set.evaluate(e)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.first().map_or(1000, |a| a.parse().unwrap());
    let reps = args.get(1).map_or(10, |a| a.parse().unwrap());
    let iter = args.get(2).is_some_and(|a| a == "iter");
    // The bench: tcb, 1 000 fowner= rules and the uid 1000 rule in one
    // write; above 1 000, the rest and the uid 1001 rule in a second.
    let fowner = |from: usize, to: usize| {
        (from..to).map(|i| format!("measure func=FILE_CHECK fowner={}", 60000 + i))
    };
    let mut lines: Vec<String> = TCB.iter().map(|s| s.to_string()).collect();
    lines.extend(fowner(0, n.min(1000)));
    lines.push("measure func=FILE_CHECK mask=^MAY_READ uid=1000".into());
    let mut segments = vec![Segment::of(&lines)];
    let uid = if n > 1000 {
        let mut more: Vec<String> = fowner(1000, n).collect();
        more.push("measure func=FILE_CHECK mask=^MAY_READ uid=1001".into());
        segments.push(Segment::of(&more));
        1001
    } else {
        1000
    };
    let set = RuleSet {
        summary: segments
            .iter()
            .fold(PolicySummary::default(), |s, seg| s.then(&seg.summary)),
        segments,
    };
    let e = Event {
        func: Func::FileCheck,
        mask: MAY_READ,
        uid,
        euid: uid,
        suid: uid,
        gid: uid,
        egid: uid,
        sgid: uid,
        fsmagic: 0xef53,
        fsname: b"ext4",
        ..Default::default()
    };
    let mut measured = 0;
    for _ in 0..reps {
        measured += usize::from(walk_once(black_box(&set), black_box(&e), iter).measure);
    }
    assert_eq!(measured, reps, "the uid rule decides");
    let all: usize = set.segments.iter().map(|s| s.rules.iter().count()).sum();
    println!("{all} rules, {reps} walks");
}
