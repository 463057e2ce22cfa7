//! Randomised properties of the parser and the canonical form, with a
//! small deterministic generator (no dependencies, reproducible).

use crate::{parse_line, Action, Func, IdCond, IdOp, Mask, Rule, SubjectId};
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};
use core::fmt::Write;

/// xorshift64*: enough to explore the grammar reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn maybe(&mut self) -> bool {
        self.below(2) == 0
    }
}

fn id(r: &mut Rng) -> IdCond {
    let op = [IdOp::Eq, IdOp::Gt, IdOp::Lt][r.below(3) as usize];
    IdCond {
        op,
        id: r.below(u32::MAX as u64) as u32,
    }
}

fn random_rule(r: &mut Rng) -> Rule {
    let mut rule = Rule::new(if r.maybe() {
        Action::Measure
    } else {
        Action::DontMeasure
    });
    if r.maybe() {
        rule.func = Some(Func::ALL[r.below(Func::ALL.len() as u64) as usize]);
    }
    if r.maybe() {
        let bits = [MAY_EXEC, MAY_WRITE, MAY_READ, MAY_APPEND][r.below(4) as usize];
        rule.mask = Some(Mask {
            bits,
            inverted: r.maybe(),
        });
    }
    if r.maybe() {
        rule.fsmagic = Some(r.next() >> r.below(64));
    }
    match r.below(3) {
        0 => rule.subject = Some(SubjectId::Uid(id(r))),
        1 => rule.subject = Some(SubjectId::Euid(id(r))),
        _ => {}
    }
    if r.maybe() {
        rule.fowner = Some(id(r));
    }
    rule
}

struct Line([u8; 512], usize);

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.1 + s.len();
        self.0
            .get_mut(self.1..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.1 = end;
        Ok(())
    }
}

#[test]
fn parse_of_show_is_identity() {
    let mut r = Rng(0x5eed_1a5e_u64);
    for _ in 0..20_000 {
        let rule = random_rule(&mut r);
        let mut line = Line([0; 512], 0);
        write!(line, "{rule}").unwrap();
        let text = core::str::from_utf8(&line.0[..line.1]).unwrap();
        assert_eq!(
            parse_line(text.trim_end_matches('\n')),
            Ok(Some(rule)),
            "{text}"
        );
    }
}

/// Arbitrary bytes, and mutations of valid rules, never panic the parser:
/// they parse or are rejected with the offending token.
#[test]
fn parser_never_panics_and_names_a_token() {
    const ALPHABET: &[u8] = b"measuredont_func=MAY_EXEC^<>0x1fowneruid \t#\n\xc3\xa9";
    let mut r = Rng(42);
    for _ in 0..50_000 {
        let mut buf = [0u8; 64];
        let n = r.below(64) as usize;
        for b in &mut buf[..n] {
            *b = ALPHABET[r.below(ALPHABET.len() as u64) as usize];
        }
        let Ok(text) = core::str::from_utf8(&buf[..n]) else {
            continue;
        };
        if let Err(e) = parse_line(text) {
            assert!(e.token.is_empty() || text.contains(e.token));
        }
    }
}
