//! Host benchmark: ns per event for linear vs. indexed evaluation, with
//! policies of 1, 100 and 1000 rules that the event matches none of.
//!
//! `cargo run --release -p ima-policy --example bench [-- ITERATIONS]`

use ima_policy::{
    evaluate, evaluate_indexed, parse_line, ActionMask, Event, Func, FuncIndex, Rule, MAY_READ,
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

/// `n` rules, none matching [`event`]. With `generic`, every fourth rule
/// has no `func=` (a candidate for every file hook); otherwise every rule
/// names its hook.
fn policy(n: usize, generic: bool) -> Vec<Rule> {
    (0..n)
        .map(|i| {
            let line = if generic && i % 4 == 0 {
                format!("dont_measure fsmagic=0x{:x}", 0x1000 + i)
            } else {
                let f = FUNCS[i % FUNCS.len()];
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
    println!("rules  policy            candidates  linear ns/ev  indexed ns/ev  ratio");
    for generic in [true, false] {
        for n in [1usize, 100, 1000] {
            let rules = policy(n, generic);
            let mut storage = vec![0u32; FuncIndex::storage_len(&rules)];
            let index = FuncIndex::build(&rules, &mut storage).unwrap();
            let e = event();
            assert!(!evaluate(&rules, &e).measure);
            let cands = index.candidates(&storage, e.func).len();
            let scale = (1000 / n.max(1)).clamp(1, 100) as u32;
            let it = (iters / 10).max(1000) * scale / 10;
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
            println!(
                "{n:>5}  {:<16}  {cands:>10}  {linear:>12.1}  {indexed:>13.1}  {:>5.1}x",
                if generic {
                    "25% without func"
                } else {
                    "all with func"
                },
                linear / indexed
            );
        }
    }
}
