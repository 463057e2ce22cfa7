// SPDX-License-Identifier: GPL-2.0
//! Randomised properties of the parser, the canonical form and the
//! evaluators, with a small deterministic generator (no dependencies,
//! reproducible).

extern crate std;

use crate::*;
use core::ops::ControlFlow;
use std::format;
use std::string::String;
use std::vec::Vec;

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
    /// True with probability `pct`%.
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len() as u64) as usize]
    }
}

fn id(r: &mut Rng) -> IdCond {
    let op = r.pick(&[IdOp::Eq, IdOp::Gt, IdOp::Lt]);
    let id = match r.below(3) {
        0 => r.below(2000) as u32,
        _ => r.below(u32::MAX as u64) as u32,
    };
    IdCond { op, id }
}

/// A non-empty word without blanks or `except`, at most `max` bytes.
fn word(r: &mut Rng, max: usize, except: char) -> String {
    const CHARS: &[char] = &[
        'a', 'z', 'A', '0', '9', '_', '-', '.', ':', '=', '<', '>', '^', '#', ',', '|', 'é', '€',
    ];
    let len = 1 + r.below(max.min(24) as u64) as usize;
    let mut s = String::new();
    while s.len() < len {
        let c = r.pick(CHARS);
        if c != except && s.len() + c.len_utf8() <= max {
            s.push(c);
        } else if s.is_empty() {
            s.push('x');
        }
    }
    s
}

fn opt_list(r: &mut Rng) -> OptList {
    let mut s = word(r, 20, '|');
    for _ in 0..r.below(4) {
        s.push('|');
        s.push_str(&word(r, 20, '|'));
    }
    OptList::parse(&s).unwrap()
}

/// A rule with random fields, biased towards valid combinations.
/// A random rule, with fewer conditions most of the time, so rules match
/// now and then.
fn matchable_rule(r: &mut Rng) -> Rule {
    let mut rule = random_rule(r);
    if r.pct(70) {
        rule.fsname = None;
        rule.fsuuid = None;
        rule.fowner = None;
        rule.fgroup = None;
        rule.fsmagic = None;
    }
    rule
}

fn random_rule(r: &mut Rng) -> Rule {
    let action = r.pick(&Action::ALL);
    let mut rule = Rule::new(action);
    let measure = action == Action::Measure;
    let appraise = action == Action::Appraise;
    if r.pct(70) {
        rule.func = Some(r.pick(&Func::ALL));
    }
    let special = matches!(
        rule.func,
        Some(Func::KeyCheck | Func::CriticalData | Func::SetxattrCheck)
    );
    let p = if special { 3 } else { 25 };
    if r.pct(p) {
        rule.mask = Some(Mask {
            bits: r.pick(&[MAY_EXEC, MAY_WRITE, MAY_READ, MAY_APPEND]),
            inverted: r.pct(50),
        });
    }
    if r.pct(p) {
        rule.fsmagic = Some(r.next() >> r.below(64));
    }
    if r.pct(p) {
        rule.fsname = FsName::new(&word(r, FSNAME_MAX, ' '));
    }
    if r.pct(p) {
        rule.fsuuid = Some(core::array::from_fn(|_| r.next() as u8));
    }
    match r.below(4) {
        0 => rule.subject = Some(SubjectId::Uid(id(r))),
        1 if r.pct(p * 3) => rule.subject = Some(SubjectId::Euid(id(r))),
        _ => {}
    }
    match r.below(4) {
        0 => rule.group = Some(SubjectGid::Gid(id(r))),
        1 if r.pct(p * 3) => rule.group = Some(SubjectGid::Egid(id(r))),
        _ => {}
    }
    if r.pct(p) {
        rule.fowner = Some(id(r));
    }
    if r.pct(p) {
        rule.fgroup = Some(id(r));
    }
    for f in LsmField::ALL {
        if r.pct(if special { 2 } else { 10 }) {
            rule.lsm[f as usize] = LsmLabel::new(&word(r, LSM_LABEL_MAX, ' '));
        }
    }
    if r.pct(if rule.func == Some(Func::KeyCheck) {
        60
    } else {
        2
    }) {
        rule.keyrings = Some(opt_list(r));
    }
    if r.pct(if rule.func == Some(Func::CriticalData) {
        60
    } else {
        2
    }) {
        rule.label = Some(opt_list(r));
    }
    if r.pct(if measure { 30 } else { 2 }) {
        rule.pcr = Some(r.below(64) as u8);
    }
    if r.pct(if measure { 30 } else { 2 }) {
        rule.template = Some(r.pick(&Template::ALL));
    }
    if r.pct(if appraise { 40 } else { 2 }) {
        rule.appraise_type = Some(r.pick(&[
            AppraiseType::ImaSig,
            AppraiseType::ImaSigModsig,
            AppraiseType::Sigv3,
        ]));
    }
    if r.pct(15) || rule.appraise_type == Some(AppraiseType::Sigv3) {
        rule.digest_verity = true;
    }
    let setxattr = rule.func == Some(Func::SetxattrCheck);
    if r.pct(if appraise && setxattr {
        95
    } else if appraise {
        30
    } else {
        2
    }) {
        let bits = 1 + r.below((1 << HASH_ALGO_NAMES.len()) - 1) as u32;
        rule.appraise_algos = HashAlgos::from_bits(bits);
    }
    if r.pct(p) {
        rule.permit_directio = true;
    }
    rule
}

#[test]
fn parse_of_show_is_identity() {
    let mut r = Rng::new(0x5eed_1a5e_u64);
    let (mut valid, mut sigv3) = (0, 0);
    for _ in 0..60_000 {
        let rule = random_rule(&mut r);
        let text = format!("{rule}");
        let line = text.trim_end_matches('\n');
        if rule.validate().is_err() {
            assert!(parse_line(line).is_err(), "{text}");
            continue;
        }
        valid += 1;
        if rule.appraise_type == Some(AppraiseType::Sigv3) {
            // Upstream's show order is one its parser rejects; with
            // digest_type first the rule reads back.
            sigv3 += 1;
            assert_eq!(parse_line(line).unwrap_err().token, "appraise_type=sigv3");
            let fixed = line.replace(
                "appraise_type=sigv3 digest_type=verity",
                "digest_type=verity appraise_type=sigv3",
            );
            assert_eq!(parse_line(&fixed), Ok(Some(rule)), "{fixed}");
            continue;
        }
        assert_eq!(parse_line(line), Ok(Some(rule)), "{text}");
    }
    assert!(
        valid > 10_000 && sigv3 > 100,
        "{valid} valid, {sigv3} sigv3"
    );
}

/// Arbitrary text never panics the parser: it parses or is rejected with
/// a token from the input.
#[test]
fn parser_never_panics_and_names_a_token() {
    const ALPHABET: &[u8] =
        b"measuredont_apraiseuhfunc=MAY_EXEC^<>0x1fowneruidgkyl|,-sha256verity \t#\n\xc3\xa9";
    let mut r = Rng::new(42);
    for _ in 0..50_000 {
        let mut buf = [0u8; 96];
        let n = r.below(96) as usize;
        for b in &mut buf[..n] {
            *b = ALPHABET[r.below(ALPHABET.len() as u64) as usize];
        }
        let Ok(text) = core::str::from_utf8(&buf[..n]) else {
            continue;
        };
        check_any(text);
    }
}

/// What holds for any input line: under 6.12, and under 7.3, whose
/// grammar only adds to 6.12's and whose shown form always reads back.
fn check_any(text: &str) {
    let old = parse_line(text);
    let new = crate::parse_line_as(text, crate::Upstream::V7_3);
    match &new {
        Err(e) => assert!(text.contains(e.token), "{text:?}: {e:?}"),
        Ok(None) => {}
        Ok(Some(rule)) => {
            assert_eq!(rule.validate_for(crate::Upstream::V7_3), Ok(()), "{text:?}");
            let shown = format!("{rule}");
            assert_eq!(
                crate::parse_line_as(shown.strip_suffix('\n').unwrap(), crate::Upstream::V7_3),
                Ok(Some(*rule)),
                "{text:?}"
            );
        }
    }
    if let Ok(r) = &old {
        assert_eq!(&new, &Ok(*r), "7.3 refuses what 6.12 takes: {text:?}");
    }
    match old {
        Err(e) => assert!(text.contains(e.token), "{text:?}: {e:?}"),
        Ok(None) => {}
        Ok(Some(rule)) => {
            assert_eq!(rule.validate(), Ok(()), "{text:?}");
            if rule.appraise_type != Some(AppraiseType::Sigv3) {
                let shown = format!("{rule}");
                assert_eq!(
                    parse_line(shown.strip_suffix('\n').unwrap()),
                    Ok(Some(rule)),
                    "{text:?}"
                );
            }
        }
    }
}

/// Valid rules mutated word by word and byte by byte: the same holds.
#[test]
fn mutated_rules_parse_or_name_a_token() {
    const INSERT: &[&str] = &[
        "measure",
        "appraise",
        "func=KEY_CHECK",
        "keyrings=.ima",
        "label=x",
        "pcr=3",
        "template=ima",
        "digest_type=verity",
        "appraise_type=sigv3",
        "appraise_type=imasig",
        "euid=0",
        "uid=1",
        "fsmagic=0",
        "fsuuid=00000000-0000-0000-0000-000000000000",
        "subj_type=t",
        "appraise_algos=sha1",
        "permit_directio",
        "=",
        "|",
        "^",
        "",
    ];
    let mut r = Rng::new(7);
    let mut accepted = 0;
    for _ in 0..30_000 {
        let rule = random_rule(&mut r);
        let text = format!("{rule}");
        let mut words: Vec<String> = text.split_whitespace().map(String::from).collect();
        for _ in 0..1 + r.below(3) {
            let at = r.below(words.len() as u64 + 1) as usize;
            match r.below(5) {
                0 if at < words.len() => {
                    words.remove(at);
                }
                1 => words.insert(at, String::from(r.pick(INSERT))),
                2 if at < words.len() => {
                    let w = words[at].clone();
                    words.insert(at, w);
                }
                3 if at < words.len() && !words[at].is_empty() => {
                    let w = &mut words[at];
                    let cut = r.below(w.len() as u64) as usize;
                    if w.is_char_boundary(cut) {
                        w.truncate(cut);
                    }
                }
                _ if words.len() > 1 => {
                    let b = r.below(words.len() as u64) as usize;
                    let last = words.len() - 1;
                    words.swap(at.min(last), b);
                }
                _ => {}
            }
        }
        let line = words.join(" ");
        if matches!(parse_line(&line), Ok(Some(_))) {
            accepted += 1;
        }
        check_any(&line);
    }
    assert!(accepted > 1000, "{accepted}");
}

fn random_event(r: &mut Rng) -> Event<'static> {
    const NAMES: &[&[u8]] = &[b"ext4", b"tmpfs", b".ima", b"selinux", b"x", b""];
    let small = |r: &mut Rng| if r.pct(50) { 0 } else { r.below(2000) as u32 };
    Event {
        func: if r.pct(5) {
            Func::PostSetattr
        } else {
            r.pick(&Func::ALL)
        },
        mask: r.pick(&[
            MAY_EXEC,
            MAY_WRITE,
            MAY_READ,
            MAY_APPEND,
            MAY_READ | MAY_WRITE,
        ]),
        uid: small(r),
        euid: small(r),
        suid: small(r),
        cap_setuid: r.pct(50),
        gid: small(r),
        egid: small(r),
        sgid: small(r),
        cap_setgid: r.pct(50),
        fowner: small(r),
        fgroup: small(r),
        fsmagic: r.pick(&[0, 0x9fa0, 0xef53]),
        fsname: r.pick(NAMES),
        fsuuid: [0; 16],
        func_data: if r.pct(20) { None } else { Some(r.pick(NAMES)) },
    }
}

/// Indexed and linear evaluation agree; the summary never rules out an
/// event some rule decides.
#[test]
fn indexed_evaluation_equals_linear() {
    let mut r = Rng::new(99);
    for _ in 0..300 {
        let n = r.below(60) as usize;
        let mut rules = Vec::new();
        while rules.len() < n {
            let rule = matchable_rule(&mut r);
            if rule.validate().is_ok() {
                rules.push(rule);
            }
        }
        let len = FuncIndex::storage_len(&rules);
        assert!(len <= 12 * rules.len());
        let mut storage = std::vec![0u32; len];
        let index = FuncIndex::build(&rules, &mut storage).unwrap();
        let summary = PolicySummary::of(&rules);
        for _ in 0..50 {
            let e = random_event(&mut r);
            let wanted = r.pick(&[
                ActionMask::ALL,
                ActionMask::MEASURE,
                ActionMask::APPRAISE | ActionMask::HASH,
            ]);
            let mut yes = |_: LsmField, l: &str| l.len().is_multiple_of(2);
            let lin = evaluate_with(&rules, &e, wanted, &mut yes);
            let idx = evaluate_indexed(&rules, &index, &storage, &e, wanted, &mut yes);
            assert_eq!(lin, idx, "{e:?}");
            if !summary.may_match_func(e.func) {
                assert_eq!(lin, Decision::default());
            }
        }
    }
}

fn compact(rule: &Rule) -> CompactRule<Vec<u8>> {
    let text = std::vec![0u8; CompactRule::<Vec<u8>>::text_len(rule)];
    CompactRule::new(rule, text).unwrap()
}

/// A compact rule shows, reads back, flags and matches like the rule it
/// was made from; only rules with strings carry text.
#[test]
fn compact_rule_behaves_like_its_rule() {
    let mut r = Rng::new(7);
    let mut with_text = 0;
    for _ in 0..3000 {
        let rule = random_rule(&mut r);
        if rule.validate().is_err() {
            continue;
        }
        let c = compact(&rule);
        assert_eq!(c.to_rule(), rule);
        assert_eq!(format!("{c}"), format!("{rule}"));
        assert_eq!(c.has_text(), rule.has_text());
        assert_eq!(c.text_bytes().is_empty(), !rule.has_text());
        with_text += usize::from(c.has_text());
        for f in TextField::ALL {
            assert_eq!(c.text(f), rule.text(f));
        }
        assert_eq!(c.needs_lsm(), rule.needs_lsm());
        assert_eq!(crate::validate::flags(&c), crate::validate::flags(&rule));
        for _ in 0..10 {
            let e = random_event(&mut r);
            let mut calls = (Vec::new(), Vec::new());
            let a = rule.matches_with(&e, &mut |f, l| {
                calls.0.push((f, String::from(l)));
                l.len() % 2 == 0
            });
            let b = c.matches_with(&e, &mut |f, l| {
                calls.1.push((f, String::from(l)));
                l.len() % 2 == 0
            });
            assert_eq!(a, b, "{rule} {e:?}");
            assert_eq!(calls.0, calls.1);
        }
    }
    assert!(with_text > 100);
    // The wrong buffer size is refused, not truncated.
    let rule = parse_line("measure fsname=ext4").unwrap().unwrap();
    assert!(CompactRule::new(&rule, std::vec![0u8; 3]).is_none());
    assert!(CompactRule::new(&rule, std::vec![0u8; 7]).is_none());
    let long = format!(
        "measure subj_type={} obj_user={}",
        "t".repeat(255),
        "u".repeat(255)
    );
    let rule = parse_line(&long).unwrap().unwrap();
    assert_eq!(compact(&rule).to_rule(), rule);
}

/// The kernel's layout, modelled: rule sets made of segments (one per
/// update, sharing earlier ones), each segment's rules and index lists
/// grown one rule at a time in chunks. Walking every segment's candidates
/// gives the linear decision; the merged summaries give the summary of
/// all the rules.
#[test]
fn segmented_index_equals_linear() {
    struct Segment {
        rules: Vec<CompactRule<Vec<u8>>>,
        lists: [Vec<Vec<u32>>; INDEX_LISTS],
        summary: PolicySummary,
    }
    const CHUNK: usize = 3;
    impl Segment {
        fn push(&mut self, rule: &Rule) {
            let n = self.rules.len() as u32;
            let list = &mut self.lists[index_list(rule)];
            match list.last_mut() {
                Some(chunk) if chunk.len() < CHUNK => chunk.push(n),
                _ => list.push(std::vec![n]),
            }
            self.rules.push(compact(rule));
            self.summary.add(rule);
        }
        fn candidates(&self, func: Func) -> impl Iterator<Item = &CompactRule<Vec<u8>>> {
            candidate_numbers(func, self.rules.len() as u32, |i| {
                self.lists[i].iter().flatten().copied()
            })
            .map(|i| &self.rules[i as usize])
        }
        /// rule_set.rs's `Segment::walk`: the same `step_indexed`.
        fn walk(
            &self,
            walk: &mut PolicyWalk<'_, '_>,
            lsm: &mut impl FnMut(LsmField, &str) -> bool,
        ) -> ControlFlow<()> {
            walk.step_indexed(
                || core::iter::once(&self.rules[..]),
                |n| self.rules.get(n),
                |i| self.lists[i].iter().map(|c| &c[..]),
                lsm,
            )
        }
    }
    let mut r = Rng::new(1234);
    for _ in 0..200 {
        let mut all: Vec<Rule> = Vec::new();
        let mut segments = Vec::new();
        for _ in 0..1 + r.below(4) {
            let mut seg = Segment {
                rules: Vec::new(),
                lists: Default::default(),
                summary: PolicySummary::default(),
            };
            for _ in 0..r.below(25) {
                let rule = matchable_rule(&mut r);
                if rule.validate().is_ok() {
                    seg.push(&rule);
                    all.push(rule);
                }
            }
            segments.push(seg);
        }
        let summary = segments
            .iter()
            .fold(PolicySummary::default(), |s, seg| s.then(&seg.summary));
        assert_eq!(summary, PolicySummary::of(&all));
        for _ in 0..40 {
            let e = random_event(&mut r);
            let wanted = r.pick(&[ActionMask::ALL, ActionMask::MEASURE]);
            let mut yes = |_: LsmField, l: &str| l.len().is_multiple_of(2);
            let lin = evaluate_with(&all, &e, wanted, &mut yes);
            let seg = evaluate_with(
                segments.iter().flat_map(|s| s.candidates(e.func)),
                &e,
                wanted,
                &mut yes,
            );
            assert_eq!(lin, seg, "{e:?}");
            let mut walk = PolicyWalk::new(&e, wanted);
            for s in &segments {
                if s.walk(&mut walk, &mut yes).is_break() {
                    break;
                }
            }
            assert_eq!(lin, walk.finish(), "{e:?}");
            let walked: Vec<_> = segments.iter().flat_map(|s| s.candidates(e.func)).collect();
            let want: Vec<_> = all.iter().filter(|r| may_match_func(*r, e.func)).collect();
            assert_eq!(walked.len(), want.len());
        }
    }
}

#[test]
fn merge_interleaves_ascending_lists() {
    let m = |a: &[u32], b: Option<&[u32]>| {
        Merge::new(a.iter().copied(), b.map(|b| b.iter().copied())).collect::<Vec<_>>()
    };
    assert_eq!(m(&[0, 3, 4], Some(&[1, 2, 5, 9])), [0, 1, 2, 3, 4, 5, 9]);
    assert_eq!(m(&[], Some(&[1, 2])), [1, 2]);
    assert_eq!(m(&[7], None), [7]);
    assert_eq!(m(&[], None), [] as [u32; 0]);
}

/// The runs of `candidate_runs` are the numbers of `candidate_numbers`,
/// whatever the chunking (empty chunks included) and interleaving.
#[test]
fn candidate_runs_equal_candidate_numbers() {
    let mut r = Rng::new(4321);
    for _ in 0..2000 {
        // Rule numbers dealt to the lists at random.
        let len = r.below(80) as u32;
        let mut lists: [Vec<u32>; INDEX_LISTS] = Default::default();
        // Interleaved, or (a third of the time) in two blocks, all of
        // one list's numbers before all of another's: the runs' ordered
        // paths, either way round.
        let func = if r.pct(5) {
            Func::PostSetattr
        } else {
            r.pick(&Func::ALL)
        };
        let blocks = r.pct(33).then(|| {
            let (own, any) = (func.index().min(INDEX_LISTS - 1), ANY_FILE_LIST);
            let (lo, hi) = if r.pct(50) { (own, any) } else { (any, own) };
            (r.below(u64::from(len) + 1) as u32, lo, hi)
        });
        for n in 0..len {
            let i = match blocks {
                Some((split, lo, hi)) => match n < split {
                    true => lo,
                    false => hi,
                },
                None => r.below(INDEX_LISTS as u64) as usize,
            };
            lists[i].push(n);
        }
        let chunked: Vec<Vec<Vec<u32>>> = lists
            .iter()
            .map(|l| {
                let mut chunks = Vec::new();
                let mut rest = &l[..];
                loop {
                    let k = (r.below(6) as usize).min(rest.len());
                    chunks.push(rest[..k].to_vec());
                    rest = &rest[k..];
                    if rest.is_empty() && r.pct(70) {
                        break;
                    }
                }
                chunks
            })
            .collect();
        let want: Vec<u32> = candidate_numbers(func, len, |i| lists[i].iter().copied()).collect();
        match candidate_runs(func, |i| chunked[i].iter().map(|c| &c[..])) {
            None => {
                assert_eq!(func, Func::PostSetattr);
                assert_eq!(want, (0..len).collect::<Vec<_>>());
            }
            Some(runs) => {
                let got: Vec<u32> = runs.flatten().copied().collect();
                assert_eq!(got, want, "{func:?} {chunked:?}");
            }
        }
    }
    // Ties (not produced by an index) take the first list first, as `Merge`.
    let mut lists: [Vec<Vec<u32>>; INDEX_LISTS] = Default::default();
    lists[Func::FileCheck.index()] = std::vec![std::vec![1, 3], std::vec![5]];
    lists[ANY_FILE_LIST] = std::vec![std::vec![1, 2, 5]];
    let runs = candidate_runs(Func::FileCheck, |i| lists[i].iter().map(|c| &c[..])).unwrap();
    assert_eq!(
        runs.flatten().copied().collect::<Vec<_>>(),
        [1, 1, 2, 3, 5, 5]
    );
}
