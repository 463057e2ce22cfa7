// SPDX-License-Identifier: GPL-2.0
//! `namespaces/<id>/verdicts`: an agent's answers, one per line.

/// An answer to the event with sequence number `seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub seq: u64,
    pub allow: bool,
}

/// Parses `<seq> allow` or `<seq> deny` (surrounding whitespace allowed).
pub fn parse_verdict(line: &str) -> Option<Verdict> {
    let mut words = line.split_ascii_whitespace();
    let seq = words.next()?;
    if !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq = seq.parse().ok()?;
    let allow = match words.next()? {
        "allow" => true,
        "deny" => false,
        _ => return None,
    };
    words.next().is_none().then_some(Verdict { seq, allow })
}
