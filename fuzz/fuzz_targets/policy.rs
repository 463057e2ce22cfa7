// SPDX-License-Identifier: GPL-2.0
//! Fuzzes `parse_line()` with what a writer of the `policy` file can send:
//! every line parses or is rejected naming a token of the line; an
//! accepted rule is consistent, reads back from its canonical form and can
//! be matched against an event without panicking.
#![no_main]

use ima_policy::{evaluate, parse_line, AppraiseType, CompactRule, Event, Func, FuncIndex, Rule};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let mut rules: Vec<Rule> = Vec::new();
    let mut stored_rules = Vec::new();
    for line in ima_policy::policy_lines(text) {
        match parse_line(line) {
            Err(e) => assert!(line.contains(e.token), "{line:?}: {e:?}"),
            Ok(None) => {}
            Ok(Some(rule)) => {
                assert_eq!(rule.validate(), Ok(()), "{line:?}");
                let shown = rule.to_string();
                assert!(shown.ends_with(" \n"), "{shown:?}");
                if rule.appraise_type != Some(AppraiseType::Sigv3) {
                    assert_eq!(
                        parse_line(shown.strip_suffix('\n').unwrap()),
                        Ok(Some(rule)),
                        "{line:?}"
                    );
                }
                let text = vec![0u8; CompactRule::<Vec<u8>>::text_len(&rule)];
                let stored = CompactRule::new(&rule, text).expect("text_len is exact");
                assert_eq!(stored.to_string(), shown);
                stored_rules.push(stored);
                rules.push(rule);
            }
        }
    }
    let mut storage = vec![0u32; FuncIndex::storage_len(&rules)];
    let index = FuncIndex::build(&rules, &mut storage).expect("storage_len is enough");
    for func in Func::ALL {
        let e = Event {
            func,
            fsname: b"ext4",
            func_data: Some(b".ima"),
            ..Default::default()
        };
        let linear = evaluate(&rules, &e);
        let indexed = ima_policy::evaluate_indexed(
            &rules,
            &index,
            &storage,
            &e,
            ima_policy::ActionMask::ALL,
            &mut |_, _| false,
        );
        assert_eq!(linear, indexed);
        let stored = ima_policy::evaluate_indexed(
            &stored_rules,
            &index,
            &storage,
            &e,
            ima_policy::ActionMask::ALL,
            &mut |_, _| false,
        );
        assert_eq!(linear, stored);
    }
});
