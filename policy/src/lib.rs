//! The IMA policy language: parsing, validation, canonical form, matching.
//!
//! Follows upstream's `ima_parse_rule()`, `ima_policy_show()` and
//! `ima_match_rules()` (security/integrity/ima/ima_policy.c). Pure logic:
//! the kernel shell feeds it lines and events and stores the rules.
#![no_std]

mod builtin;
mod event;
mod parse;
mod rule;
mod show;

pub use builtin::TCB;
pub use event::{Event, MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};
pub use parse::{parse_line, ParseError};
pub use rule::{Action, Func, IdCond, IdOp, Mask, Rule, SubjectId};

/// What the policy asks for one event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    /// The event must be measured.
    pub measure: bool,
}

/// Evaluates `rules` in order as `ima_match_policy()` does: the first
/// matching `measure`/`dont_measure` rule decides measurement.
pub fn evaluate<'a>(rules: impl IntoIterator<Item = &'a Rule>, event: &Event) -> Decision {
    for rule in rules {
        if rule.matches(event) {
            return Decision {
                measure: rule.action == Action::Measure,
            };
        }
    }
    Decision::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcb() -> [Rule; 20] {
        core::array::from_fn(|i| parse_line(TCB[i]).unwrap().unwrap())
    }

    fn ev(func: Func, mask: u32, uid: u32, fsmagic: u64) -> Event {
        Event {
            func,
            mask,
            uid,
            euid: uid,
            suid: uid,
            cap_setuid: false,
            fowner: 0,
            fsmagic,
        }
    }

    #[test]
    fn tcb_measures_exec_and_root_reads_but_not_tmpfs() {
        const EXT4: u64 = 0xef53;
        let p = tcb();
        assert!(evaluate(&p, &ev(Func::BprmCheck, MAY_EXEC, 1000, EXT4)).measure);
        assert!(evaluate(&p, &ev(Func::MmapCheck, MAY_EXEC, 1000, EXT4)).measure);
        assert!(evaluate(&p, &ev(Func::FileCheck, MAY_READ | MAY_WRITE, 0, EXT4)).measure);
        assert!(!evaluate(&p, &ev(Func::FileCheck, MAY_READ, 1000, EXT4)).measure);
        assert!(!evaluate(&p, &ev(Func::FileCheck, MAY_WRITE, 0, EXT4)).measure);
        assert!(!evaluate(&p, &ev(Func::BprmCheck, MAY_EXEC, 0, 0x01021994)).measure);
    }

    #[test]
    fn first_matching_rule_wins_and_exact_mask_is_exact() {
        let p = [
            parse_line("dont_measure fowner=7").unwrap().unwrap(),
            parse_line("measure func=FILE_CHECK mask=MAY_READ")
                .unwrap()
                .unwrap(),
        ];
        let mut e = ev(Func::FileCheck, MAY_READ, 0, 0);
        assert!(evaluate(&p, &e).measure);
        e.mask = MAY_READ | MAY_WRITE;
        assert!(!evaluate(&p, &e).measure);
        e.mask = MAY_READ;
        e.fowner = 7;
        assert!(!evaluate(&p, &e).measure);
    }

    #[test]
    fn euid_with_cap_setuid_also_checks_suid_and_uid() {
        let p = [parse_line("measure euid=0").unwrap().unwrap()];
        let mut e = ev(Func::FileCheck, MAY_READ, 0, 0);
        e.euid = 1000;
        assert!(!evaluate(&p, &e).measure);
        e.cap_setuid = true;
        assert!(evaluate(&p, &e).measure);
    }
}

#[cfg(test)]
mod proptests;
