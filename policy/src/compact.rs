// SPDX-License-Identifier: GPL-2.0
//! A rule as a rule set stores it: the fixed-size [`RuleCore`] inline and
//! the rare strings packed out of line, in a buffer the caller allocates
//! (empty, so no allocation, for a rule without strings).
//!
//! ```
//! use ima_policy::{parse_line, CompactRule, PolicyRule};
//! let rule = parse_line("measure func=KEY_CHECK keyrings=.ima").unwrap().unwrap();
//! let text = vec![0u8; CompactRule::<Vec<u8>>::text_len(&rule)];
//! let stored = CompactRule::new(&rule, text).unwrap();
//! assert_eq!(stored.to_string(), rule.to_string());
//! assert_eq!(stored.to_rule(), rule);
//! ```

use crate::inline_str::InlineStr;
use crate::rule::{OptList, PolicyRule, Rule, RuleCore, TextField};
use core::fmt;
use core::ops::{Deref, DerefMut};

/// A rule whose strings live in `T`: records of `[tag, len, bytes...]`,
/// one per string the rule has ([`TextField::tag`]), in
/// [`TextField::ALL`] order.
///
/// # Invariants
///
/// `text` holds exactly the records packed by [`CompactRule::new`]: each
/// value is valid UTF-8 of at most 255 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactRule<T> {
    core: RuleCore,
    text: T,
}

impl<T: Deref<Target = [u8]>> CompactRule<T> {
    /// The number of bytes of packed text `rule` needs: 0 for a rule
    /// without strings.
    pub fn text_len(rule: &Rule) -> usize {
        TextField::ALL
            .iter()
            .filter_map(|&f| rule.text(f))
            .map(|s| 2 + s.len())
            .sum()
    }

    /// Stores `rule` with its strings packed into `text`, which must be
    /// exactly [`CompactRule::text_len`] bytes long (`None` otherwise).
    pub fn new(rule: &Rule, mut text: T) -> Option<Self>
    where
        T: DerefMut,
    {
        if text.len() != Self::text_len(rule) {
            return None;
        }
        let mut at = 0;
        for field in TextField::ALL {
            let Some(s) = rule.text(field) else {
                continue;
            };
            let out = text.get_mut(at..at + 2 + s.len())?;
            out[0] = field.tag();
            // Rule strings are at most 255 bytes (`InlineStr`).
            out[1] = u8::try_from(s.len()).ok()?;
            out[2..].copy_from_slice(s.as_bytes());
            at += 2 + s.len();
        }
        // INVARIANT: packed from the rule's own strings.
        Some(Self {
            core: rule.core,
            text,
        })
    }

    /// The packed strings (for accounting).
    pub fn text_bytes(&self) -> &[u8] {
        &self.text
    }

    /// The rule back in its parsed form.
    pub fn to_rule(&self) -> Rule {
        let mut r = Rule::new(self.core.action);
        r.core = self.core;
        r.fsname = self.text(TextField::FsName).and_then(InlineStr::new);
        r.keyrings = self
            .text(TextField::Keyrings)
            .and_then(|s| OptList::parse(s).ok());
        r.label = self
            .text(TextField::Label)
            .and_then(|s| OptList::parse(s).ok());
        for field in crate::LsmField::ALL {
            r.lsm[field as usize] = self.lsm_label(field).and_then(InlineStr::new);
        }
        r
    }
}

impl<T: Deref<Target = [u8]>> PolicyRule for CompactRule<T> {
    #[inline]
    fn core(&self) -> &RuleCore {
        &self.core
    }

    fn text(&self, field: TextField) -> Option<&str> {
        let mut rest: &[u8] = &self.text;
        while let [tag, len, tail @ ..] = rest {
            let value = tail.get(..*len as usize)?;
            let next = tail.get(*len as usize..)?;
            if *tag == field.tag() {
                // The invariant makes this infallible; stay panic-free.
                return core::str::from_utf8(value).ok();
            }
            rest = next;
        }
        None
    }

    #[inline]
    fn has_text(&self) -> bool {
        !self.text.is_empty()
    }
}

impl<T: Deref<Target = [u8]>> fmt::Display for CompactRule<T> {
    /// The same line as the [`Rule`] it was made from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::show::show_rule(self, f)
    }
}
