// SPDX-License-Identifier: GPL-2.0
//! Parsing policy lines (`ima_parse_add_rule()` / `ima_parse_rule()`).
//!
//! Upstream's quirks are kept, since a policy must mean the same here as in
//! the kernel: tokens are checked left to right, so `template=` must come
//! after `measure` and `appraise_type=sigv3` after `digest_type=verity`;
//! `fsname=` and `pcr=` may repeat (the last one counts); `fsmagic=0` and a
//! null `fsuuid=` do not count as set for the duplicate check;
//! `appraise_type=` may repeat and accumulates; `appraise_flag=` is
//! accepted and ignored; a key with an empty value is an unknown token.
//!
//! 7.3 ([`Upstream::V7_3`], [`parse_line_as`]) adds the `dont_audit`
//! action, ends a rule at a word starting with `#` (a comment after the
//! rule), and takes `appraise_type=sigv3` without `digest_type=verity` and
//! `digest_type=verity` after `appraise_type=` (but still not
//! `appraise_type=imasig` after `digest_type=verity`, nor `imasig|modsig`
//! with either).

use crate::algo::HashAlgos;
use crate::rule::{
    Action, AppraiseType, FsName, Func, IdCond, IdOp, LsmField, LsmLabel, Mask, OptList, Rule,
    SubjectGid, SubjectId, Uuid,
};
use crate::template::Template;
use crate::upstream::Upstream;
use crate::validate::{self, Slot, SLOTS, SLOT_ACTION, SLOT_LSM, SLOT_RULE};
use crate::validate::{
    IMA_CHECK_BLACKLIST, IMA_DIGSIG_REQUIRED, IMA_EGID, IMA_EUID, IMA_FGROUP, IMA_FOWNER,
    IMA_FSMAGIC, IMA_FSNAME, IMA_FSUUID, IMA_FUNC, IMA_GID, IMA_INMASK, IMA_KEYRINGS, IMA_LABEL,
    IMA_MASK, IMA_MODSIG_ALLOWED, IMA_PCR, IMA_PERMIT_DIRECTIO, IMA_SIGV3_REQUIRED, IMA_UID,
    IMA_VALIDATE_ALGOS, IMA_VERITY_REQUIRED,
};
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};

/// A rejected rule: upstream returns `EINVAL` for all of these. `token` is
/// the offending word, for the kernel log.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError<'a> {
    /// The word that made the rule invalid: for a rule that is inconsistent
    /// as a whole (no action, say), the whole line.
    pub token: &'a str,
    /// Why, in a few words.
    pub reason: &'static str,
}

fn err<'a, T>(token: &'a str, reason: &'static str) -> Result<T, ParseError<'a>> {
    Err(ParseError { token, reason })
}

/// Splits one write to the `policy` file into lines as
/// `ima_write_policy()` / `ima_parse_add_rule()` do: at `\n`, and at NUL,
/// since upstream handles the buffer as C strings (a NUL ends a line).
/// Feed each to [`parse_line`].
pub fn policy_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '\0'])
}

/// Parses one line of a policy write as 6.12 does. `Ok(None)` for blank
/// and `#` lines.
pub fn parse_line(line: &str) -> Result<Option<Rule>, ParseError<'_>> {
    parse_line_as(line, Upstream::V6_12)
}

/// Parses one line of a policy write as `upstream` does. `Ok(None)` for
/// blank and `#` lines.
pub fn parse_line_as(line: &str, upstream: Upstream) -> Result<Option<Rule>, ParseError<'_>> {
    let mut rule = Rule::new(Action::Measure);
    Ok(parse_line_into(line, upstream, &mut rule)?.then_some(rule))
}

/// [`parse_line_as`] into `out`, which it overwrites: `Ok(true)` for a
/// rule, `Ok(false)` for a blank or `#` line (`out` then unspecified).
///
/// For the kernel: a [`Rule`] is over 2 KiB and a kernel stack 16 KiB, so
/// the module parses into one heap-allocated rule instead of moving rules
/// through return values (each move a stack copy; `parse_line_as`'s
/// callers once used 15 KiB of stack together).
pub fn parse_line_into<'a>(
    line: &'a str,
    upstream: Upstream,
    out: &mut Rule,
) -> Result<bool, ParseError<'a>> {
    let line = line.trim_start_matches([' ', '\t']);
    if line.is_empty() || line.starts_with('#') {
        return Ok(false);
    }
    parse_rule(line, upstream, out).map(|()| true)
}

/// The words of a rule and which word set each part, for error messages.
struct Parser<'a, 'r> {
    rule: &'r mut Rule,
    action: Option<Action>,
    /// The word behind each flag bit / slot.
    tokens: [&'a str; SLOTS],
    upstream: Upstream,
}

impl<'a> Parser<'a, '_> {
    fn mark(&mut self, flags: u32, word: &'a str) {
        for bit in 0..32 {
            if flags & (1 << bit) != 0 {
                self.tokens[bit] = word;
            }
        }
    }

    fn word(&mut self, word: &'a str) -> Result<(), ParseError<'a>> {
        if let Some(action) = Action::from_name_for(word, self.upstream) {
            if self.action.is_some() {
                return err(word, "second action");
            }
            self.action = Some(action);
            self.tokens[SLOT_ACTION] = word;
            return Ok(());
        }
        if word == "permit_directio" {
            self.rule.permit_directio = true;
            self.mark(IMA_PERMIT_DIRECTIO, word);
            return Ok(());
        }
        let Some(split) = word.find(['=', '<', '>']) else {
            return err(word, "unknown token");
        };
        let (key, op, value) = (&word[..split], &word[split..split + 1], &word[split + 1..]);
        if value.is_empty() {
            // match_token()'s %s needs at least one character.
            return err(word, "unknown token");
        }
        let bad = |reason| ParseError {
            token: word,
            reason,
        };
        let r = &mut self.rule;
        match (key, op) {
            ("func", "=") => {
                if r.func.is_some() {
                    return err(word, "duplicate func");
                }
                r.func = Some(Func::from_name(value).ok_or(bad("unknown func"))?);
                self.mark(IMA_FUNC, word);
            }
            ("mask", "=") => {
                if r.mask.is_some() {
                    return err(word, "duplicate mask");
                }
                let (inverted, name) = match value.strip_prefix('^') {
                    Some(n) => (true, n),
                    None => (false, value),
                };
                let bits = match name {
                    "MAY_EXEC" => MAY_EXEC,
                    "MAY_WRITE" => MAY_WRITE,
                    "MAY_READ" => MAY_READ,
                    "MAY_APPEND" => MAY_APPEND,
                    _ => return err(word, "unknown mask"),
                };
                r.mask = Some(Mask { bits, inverted });
                self.mark(if inverted { IMA_INMASK } else { IMA_MASK }, word);
            }
            ("fsmagic", "=") => {
                // Upstream tests the value, so fsmagic=0 may be followed by
                // another fsmagic=.
                if r.fsmagic.is_some_and(|m| m != 0) {
                    return err(word, "duplicate fsmagic");
                }
                r.fsmagic = Some(kstrtoul(value, 16).ok_or(bad("bad number"))?);
                self.mark(IMA_FSMAGIC, word);
            }
            ("fsname", "=") => {
                // No duplicate check upstream: the last fsname= counts.
                r.fsname = Some(FsName::new(value).ok_or(bad("fsname longer than 32 bytes"))?);
                self.mark(IMA_FSNAME, word);
            }
            ("fsuuid", "=") => {
                if r.fsuuid.is_some_and(|u| u != [0; 16]) {
                    return err(word, "duplicate fsuuid");
                }
                r.fsuuid = Some(uuid_parse(value).ok_or(bad("bad uuid"))?);
                self.mark(IMA_FSUUID, word);
            }
            ("keyrings", "=") => {
                if r.keyrings.is_some() {
                    return err(word, "duplicate keyrings");
                }
                r.keyrings = Some(OptList::parse(value).map_err(bad)?);
                self.mark(IMA_KEYRINGS, word);
            }
            ("label", "=") => {
                if r.label.is_some() {
                    return err(word, "duplicate label");
                }
                r.label = Some(OptList::parse(value).map_err(bad)?);
                self.mark(IMA_LABEL, word);
            }
            ("uid" | "euid" | "gid" | "egid" | "fowner" | "fgroup", _) => {
                let op = match op {
                    "=" => IdOp::Eq,
                    ">" => IdOp::Gt,
                    _ => IdOp::Lt,
                };
                let taken = match key {
                    "uid" | "euid" => r.subject.is_some(),
                    "gid" | "egid" => r.group.is_some(),
                    "fowner" => r.fowner.is_some(),
                    _ => r.fgroup.is_some(),
                };
                if taken {
                    return err(
                        word,
                        match key {
                            "uid" | "euid" => "duplicate uid/euid",
                            "gid" | "egid" => "duplicate gid/egid",
                            "fowner" => "duplicate fowner",
                            _ => "duplicate fgroup",
                        },
                    );
                }
                let id = parse_id(value).ok_or(bad("bad id"))?;
                let c = IdCond { op, id };
                let flag = match key {
                    "uid" => {
                        r.subject = Some(SubjectId::Uid(c));
                        IMA_UID
                    }
                    "euid" => {
                        r.subject = Some(SubjectId::Euid(c));
                        IMA_EUID
                    }
                    "gid" => {
                        r.group = Some(SubjectGid::Gid(c));
                        IMA_GID
                    }
                    "egid" => {
                        r.group = Some(SubjectGid::Egid(c));
                        IMA_EGID
                    }
                    "fowner" => {
                        r.fowner = Some(c);
                        IMA_FOWNER
                    }
                    _ => {
                        r.fgroup = Some(c);
                        IMA_FGROUP
                    }
                };
                self.mark(flag, word);
            }
            (
                "obj_user" | "obj_role" | "obj_type" | "subj_user" | "subj_role" | "subj_type",
                "=",
            ) => {
                let Some(field) = LsmField::ALL.into_iter().find(|f| f.name() == key) else {
                    return err(word, "unknown token");
                };
                let cond = &mut r.lsm[field as usize];
                if cond.is_some() {
                    return err(word, "duplicate LSM condition");
                }
                *cond = Some(LsmLabel::new(value).ok_or(bad("LSM label longer than 255 bytes"))?);
                if self.tokens[SLOT_LSM].is_empty() {
                    self.tokens[SLOT_LSM] = word;
                }
            }
            ("digest_type", "=") => {
                if r.appraise_type.is_some() && !self.upstream.sigv3_any_file() {
                    return err(word, "digest_type= after appraise_type=");
                }
                if value != "verity" {
                    return err(word, "unknown digest_type");
                }
                r.digest_verity = true;
                self.mark(IMA_VERITY_REQUIRED, word);
            }
            ("appraise_type", "=") => {
                let t = match value {
                    "imasig" | "imasig|modsig" if r.digest_verity => {
                        return err(word, "imasig with digest_type=verity: use sigv3");
                    }
                    "imasig|modsig"
                        if self.upstream.sigv3_any_file()
                            && r.appraise_type == Some(AppraiseType::Sigv3) =>
                    {
                        return err(word, "imasig|modsig with sigv3");
                    }
                    "imasig" => AppraiseType::ImaSig,
                    "imasig|modsig" => AppraiseType::ImaSigModsig,
                    "sigv3" if !r.digest_verity && !self.upstream.sigv3_any_file() => {
                        return err(word, "sigv3 needs digest_type=verity first");
                    }
                    "sigv3" => AppraiseType::Sigv3,
                    _ => return err(word, "unknown appraise_type"),
                };
                // Upstream ORs flags: imasig after imasig|modsig keeps modsig.
                r.appraise_type = Some(r.appraise_type.map_or(t, |old| old.max(t)));
                let modsig = match t {
                    AppraiseType::ImaSigModsig => IMA_MODSIG_ALLOWED,
                    AppraiseType::Sigv3 => IMA_SIGV3_REQUIRED,
                    AppraiseType::ImaSig => 0,
                };
                self.mark(IMA_DIGSIG_REQUIRED | IMA_CHECK_BLACKLIST | modsig, word);
            }
            ("appraise_flag", "=") => {} // deprecated, ignored upstream
            ("appraise_algos", "=") => {
                if r.appraise_algos.is_some() {
                    return err(word, "duplicate appraise_algos");
                }
                r.appraise_algos =
                    Some(HashAlgos::parse(value).map_err(|_| bad("unknown hash algorithm"))?);
                self.mark(IMA_VALIDATE_ALGOS, word);
            }
            ("pcr", "=") => {
                // No duplicate check upstream: the last pcr= counts.
                let pcr = kstrtoint(value)
                    .filter(|p| (0..64).contains(p))
                    .ok_or(bad("bad pcr"))?;
                r.pcr = Some(pcr as u8);
                self.mark(IMA_PCR, word);
            }
            ("template", "=") => {
                if self.action != Some(Action::Measure) {
                    return err(word, "template= only after measure");
                }
                let t = Template::lookup(value).ok_or(bad("unknown template"))?;
                if r.template.is_some() {
                    return err(word, "duplicate template");
                }
                r.template = Some(t);
            }
            _ => return err(word, "unknown token"),
        }
        Ok(())
    }
}

fn parse_rule<'a>(line: &'a str, upstream: Upstream, out: &mut Rule) -> Result<(), ParseError<'a>> {
    *out = EMPTY;
    let mut p = Parser {
        rule: out,
        action: None,
        tokens: [""; SLOTS],
        upstream,
    };
    for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
        // 7.3: a comment after the rule ("ignore suffixed comment").
        if word.starts_with('#') && upstream.policy_7_3_grammar() {
            break;
        }
        p.word(word)?;
    }
    p.rule.action = p.action.ok_or(ParseError {
        token: line,
        reason: "no action",
    })?;
    p.tokens[SLOT_RULE] = line;
    validate::check(p.rule, upstream).map_err(|v| ParseError {
        token: token_at(&p.tokens, v.slot, line),
        reason: v.reason,
    })?;
    Ok(())
}

/// What a rule starts as, copied from read-only data rather than built on
/// the stack.
const EMPTY: Rule = Rule::new(Action::Measure);

fn token_at<'a>(tokens: &[&'a str; SLOTS], slot: Slot, line: &'a str) -> &'a str {
    match tokens.get(slot) {
        Some(t) if !t.is_empty() => t,
        _ => line,
    }
}

/// A uid as upstream accepts it: decimal, fits `uid_t`, not `(uid_t)-1`.
fn parse_id(s: &str) -> Option<u32> {
    let v = kstrtoul(s, 10)?;
    u32::try_from(v).ok().filter(|&id| id != u32::MAX)
}

/// `kstrtoul()`: optional `+`, optional `0x` for base 16, digits, and one
/// optional trailing newline; no sign, no spaces, no overflow.
fn kstrtoul(s: &str, radix: u32) -> Option<u64> {
    let s = s.strip_suffix('\n').unwrap_or(s);
    let s = s.strip_prefix('+').unwrap_or(s);
    let s = if radix == 16 {
        s.strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s)
    } else {
        s
    };
    if s.is_empty() || !s.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(s, radix).ok()
}

/// `kstrtoint(s, 10)`: `-` then digits, or what `kstrtoul()` accepts; the
/// value must fit an `int`.
fn kstrtoint(s: &str) -> Option<i32> {
    match s.strip_prefix('-') {
        Some(rest) if rest.starts_with('+') => None,
        Some(rest) => i32::try_from(-i64::try_from(kstrtoul(rest, 10)?).ok()?).ok(),
        None => i32::try_from(kstrtoul(s, 10)?).ok(),
    }
}

/// `uuid_parse()`: 36 characters `8-4-4-4-12` hex digits. Like
/// `uuid_is_valid()`, characters after the 36th are not looked at.
fn uuid_parse(s: &str) -> Option<Uuid> {
    let b = s.as_bytes().get(..36)?;
    for (i, &c) in b.iter().enumerate() {
        let ok = if matches!(i, 8 | 13 | 18 | 23) {
            c == b'-'
        } else {
            c.is_ascii_hexdigit()
        };
        if !ok {
            return None;
        }
    }
    const START: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    Some(START.map(|i| hex(b[i]) << 4 | hex(b[i + 1])))
}
