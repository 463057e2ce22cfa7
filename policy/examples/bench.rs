// SPDX-License-Identifier: GPL-2.0
//! Host benchmark: ns per event for linear vs. indexed evaluation, with
//! policies of 1 to 100 000 rules that the event matches none of, over
//! parsed rules and over the compact form the kernel stores.
//!
//! `cargo run --release -p ima-policy --example bench [-- ITERATIONS]`

use ima_policy::{
    evaluate, evaluate_indexed, parse_line, ActionMask, CompactRule, Event, Func, FuncIndex, Rule,
    MAY_READ,
};
use std::hint::black_box;
use std::time::Instant;

const FUNCS: [&str; 8] = [
    "BPRM_CHECK",
    "MMAP_CHECK",
    "MODULE_CHECK",
    "FIRMWARE_CHECK",
    "POLICY_CHECK",
    "KEXEC_KERNEL_CHECK",
    "FILE_CHECK",
    "CREDS_CHECK",
];

/// Which rules a policy has.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Every fourth rule without `func=` (a candidate for every file hook).
    Generic,
    /// Every rule names its hook, an eighth of them the event's.
    WithFunc,
    /// Every rule names a hook other than the event's.
    OtherFunc,
}

/// `n` rules, none matching [`event`].
fn policy(n: usize, kind: Kind) -> Vec<Rule> {
    (0..n)
        .map(|i| {
            let line = if kind == Kind::Generic && i % 4 == 0 {
                format!("dont_measure fsmagic=0x{:x}", 0x1000 + i)
            } else {
                let funcs = if kind == Kind::OtherFunc {
                    &FUNCS[..6]
                } else {
                    &FUNCS[..]
                };
                let f = funcs[i % funcs.len()];
                match i % 3 {
                    0 => format!("measure func={f} uid={}", 2000 + i),
                    1 => format!("appraise func={f} fowner={} appraise_type=imasig", 3000 + i),
                    _ => format!(
                        "measure func={f} fsmagic=0x{:x} euid>{}",
                        0x5000 + i,
                        9000 + i
                    ),
                }
            };
            parse_line(&line).unwrap().unwrap()
        })
        .collect()
}

fn event() -> Event<'static> {
    Event {
        func: Func::FileCheck,
        mask: MAY_READ,
        uid: 1000,
        euid: 1000,
        suid: 1000,
        fowner: 1000,
        fsmagic: 0xef53,
        fsname: b"ext4",
        ..Default::default()
    }
}

fn ns_per_event(iters: u32, mut f: impl FnMut() -> bool) -> f64 {
    for _ in 0..iters / 10 {
        black_box(f());
    }
    let t = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    t.elapsed().as_nanos() as f64 / f64::from(iters)
}

fn main() {
    let iters: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    println!(
        "size_of: Rule {} bytes, CompactRule<Vec<u8>> {} bytes (+ 4 bytes of index)",
        std::mem::size_of::<Rule>(),
        std::mem::size_of::<CompactRule<Vec<u8>>>()
    );
    println!(
        "rules   policy            candidates  linear ns/ev  indexed ns/ev  compact ns/ev  ratio"
    );
    for kind in [Kind::Generic, Kind::WithFunc, Kind::OtherFunc] {
        for n in [1usize, 100, 1000, 100_000] {
            let rules = policy(n, kind);
            let compact: Vec<_> = rules
                .iter()
                .map(|r| {
                    let text = vec![0u8; CompactRule::<Vec<u8>>::text_len(r)];
                    CompactRule::new(r, text).unwrap()
                })
                .collect();
            let mut storage = vec![0u32; FuncIndex::storage_len(&rules)];
            let index = FuncIndex::build(&rules, &mut storage).unwrap();
            let e = event();
            assert!(!evaluate(&rules, &e).measure);
            let cands = index.candidates(&storage, e.func).count();
            let scale = (1000 / n.max(1)).clamp(1, 100) as u32;
            let it = ((iters / 10).max(1000) * scale / 10).min(iters);
            let it = if n > 10_000 { it / 10 } else { it };
            let linear = ns_per_event(it, || evaluate(black_box(&rules), black_box(&e)).measure);
            let indexed = ns_per_event(it, || {
                evaluate_indexed(
                    black_box(&rules),
                    &index,
                    &storage,
                    black_box(&e),
                    ActionMask::ALL,
                    &mut |_, _| false,
                )
                .measure
            });
            let stored = ns_per_event(it, || {
                evaluate_indexed(
                    black_box(&compact),
                    &index,
                    &storage,
                    black_box(&e),
                    ActionMask::ALL,
                    &mut |_, _| false,
                )
                .measure
            });
            println!(
                "{n:>6}  {:<16}  {cands:>10}  {linear:>12.1}  {indexed:>13.1}  {stored:>13.1}  {:>5.1}x",
                match kind {
                    Kind::Generic => "25% without func",
                    Kind::WithFunc => "all with func",
                    Kind::OtherFunc => "none on the hook",
                },
                linear / stored
            );
        }
    }
}
