// SPDX-License-Identifier: GPL-2.0
//! The IMA policy language of Linux 6.12, and of 7.3 where it differs
//! ([`Upstream`], [`parse_line_as`]): parsing, validation, canonical form,
//! matching.
//!
//! Follows upstream's `ima_parse_rule()`, `ima_validate_rule()`,
//! `ima_policy_show()`, `ima_match_rules()` and `ima_match_policy()`
//! (security/integrity/ima/ima_policy.c). Pure logic without `alloc`: the
//! kernel shell feeds it lines and events and stores the rules (and, for
//! [`evaluate_indexed`], the index storage).
//!
//! # Use from the kernel shell
//!
//! - Writes to `policy`: split with [`policy_lines`] (newline and NUL end a
//!   line, as upstream), [`parse_line`] each; a [`ParseError`] is `EINVAL`,
//!   its `token` and `reason` go to the log. (A write starting with `/` is
//!   a file to load, as upstream: the shell's business.)
//! - Storing: a parsed [`Rule`] is about 2 KiB (its strings inline, at
//!   their caps); keep [`CompactRule`]s instead (the 104-byte
//!   [`RuleCore`] plus the rule's strings, packed into a buffer the shell
//!   allocates, empty for most rules).
//! - Reading `policy`: `Display` of each [`Rule`] or [`CompactRule`] is
//!   one line of `ima_policy_show()`, newline included.
//! - Hooks: build an [`Event`] (`..Default::default()` for what the hook
//!   or the policy does not need, see [`PolicySummary`]) and call
//!   [`evaluate`] (all actions, LSM conditions never hold),
//!   [`evaluate_with`] (the actions asked for, LSM callback), or
//!   [`evaluate_indexed`] with a [`FuncIndex`] built once per installed
//!   rule set into caller-owned storage of one `u32` per rule; a shell
//!   keeping the index lists ([`index_list`]) in its own storage walks
//!   them with [`candidate_runs`] (runs of rule numbers for plain loops)
//!   feeding a [`PolicyWalk`], or with [`candidate_numbers`] (an
//!   iterator, slower per rule). All of these take any
//!   [`PolicyRule`]. The [`Decision`] has every action class plus pcr, template,
//!   allowed hash algorithms and the signature/verity/direct-I/O flags.
//!
//! # Strings
//!
//! Rule values are stored inline ([`InlineStr`]), with fixed caps; longer
//! values are rejected with a [`ParseError`] naming the token:
//! `fsname=` [`FSNAME_MAX`] (32) bytes, `keyrings=` and `label=`
//! [`OPT_LIST_MAX`] (255) bytes including the `|` separators, each LSM
//! label [`LSM_LABEL_MAX`] (255) bytes. Upstream has no such caps. A
//! parsed rule is about 2 KiB; a [`CompactRule`] 128 bytes with a
//! `Vec`-like buffer, plus the strings the rule has.
//!
//! # LSM label conditions
//!
//! `subj_user=` ... `obj_type=` are parsed, validated and shown, but only
//! the kernel can evaluate them (`security_filter_rule_match()`). The
//! choice here: [`Rule::matches`], [`evaluate`] treat them as not holding,
//! so a rule with one never matches; [`Rule::matches_with`],
//! [`evaluate_with`] and [`evaluate_indexed`] take a callback that decides
//! each one, called only after all other conditions hold, in upstream's
//! order. [`Rule::needs_lsm`] and [`PolicySummary::needs_lsm`] tell the
//! shell whether it needs to supply one. Upstream also rejects a label the
//! running LSM does not know while the boot policy is in force (and
//! accepts but never matches or shows it afterwards); that, too, is the
//! shell's call, made with the callback and [`Rule::lsm_label`].
//!
//! # Kernel configuration
//!
//! Parsing is as with `CONFIG_IMA_MEASURE_ASYMMETRIC_KEYS=y` (`KEY_CHECK`,
//! `keyrings=`) and `CONFIG_IMA_APPRAISE_MODSIG=y` (`imasig|modsig`).
//! `appraise_algos=` accepts every name of upstream's `hash_algo_name[]`
//! ([`HASH_ALGO_NAMES`]); upstream also requires the crypto API to have the
//! algorithm, which the shell can check on [`RuleCore::appraise_algos`].
//! `template=` accepts the built-in templates by name or format string
//! ([`Template`]), not templates defined with `ima_template_fmt=`.
//!
//! # Deviations from upstream
//!
//! - Ids print unsigned: upstream prints them with `%d`, so ids from 2^31
//!   come out negative and do not read back.
//! - The string caps above.
//! - A second label for the same LSM condition is always a duplicate;
//!   upstream only notices when the first label is active in the LSM.
//! - The built-in policies are policy lines, so their signature rules also
//!   set `IMA_CHECK_BLACKLIST` (see [`SECURE_BOOT`]).
//!
//! Kept from upstream, though surprising: the parse order rules (see the
//! `parse` module), `gid=` accepted on `KEY_CHECK`/`CRITICAL_DATA` rules
//! but not tested there, `POST_SETATTR` events ignoring `func=`/`mask=`,
//! and a `sigv3` rule not reading back from its shown form, since upstream
//! shows `appraise_type=sigv3` before `digest_type=verity` and its parser
//! wants them the other way round (7.3's takes both orders).
#![no_std]
#![forbid(unsafe_code)]

mod algo;
mod builtin;
mod compact;
mod decision;
mod event;
mod index;
mod inline_str;
mod parse;
mod rule;
mod show;
mod template;
mod upstream;
mod validate;

pub use algo::{HashAlgos, HASH_ALGO_NAMES};
pub use builtin::{BuiltinSelection, APPRAISE_TCB, CRITICAL_DATA, ORIGINAL_TCB, SECURE_BOOT, TCB};
pub use compact::CompactRule;
pub use decision::{evaluate, evaluate_with, ActionMask, AppraiseSubaction, Decision, PolicyWalk};
pub use event::{Event, MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};
pub use index::{
    candidate_numbers, candidate_runs, candidates, evaluate_indexed, event_lists, index_list,
    may_match_func, CandidateRuns, Candidates, FuncIndex, Merge, PolicySummary, ANY_FILE_LIST,
    INDEX_LISTS,
};
pub use inline_str::InlineStr;
pub use parse::{parse_line, parse_line_as, parse_line_into, policy_lines, ParseError};
pub use rule::{
    Action, AppraiseType, FsName, Func, IdCond, IdOp, LsmField, LsmLabel, Mask, OptList,
    PolicyRule, Rule, RuleCore, SubjectGid, SubjectId, TextField, Uuid, FSNAME_MAX, LSM_LABEL_MAX,
    OPT_LIST_MAX,
};
pub use template::Template;
pub use upstream::Upstream;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_upstream;
