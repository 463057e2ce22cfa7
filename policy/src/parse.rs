//! Parsing policy lines (`ima_parse_add_rule()` / `ima_parse_rule()`).

use crate::rule::{Action, Func, IdCond, IdOp, Mask, Rule, SubjectId};
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};

/// A rejected rule: upstream returns `EINVAL` for all of these. `token` is
/// the offending word, for the kernel log.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError<'a> {
    /// The word that made the rule invalid (empty for a rule with no action).
    pub token: &'a str,
    /// Why, in a few words.
    pub reason: &'static str,
}

fn err<'a, T>(token: &'a str, reason: &'static str) -> Result<T, ParseError<'a>> {
    Err(ParseError { token, reason })
}

/// Parses one line of a policy write. `Ok(None)` for blank and `#` lines.
pub fn parse_line(line: &str) -> Result<Option<Rule>, ParseError<'_>> {
    let line = line.trim_start_matches([' ', '\t']);
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    parse_rule(line).map(Some)
}

fn parse_rule(line: &str) -> Result<Rule, ParseError<'_>> {
    let mut action = None;
    let mut rule = Rule::new(Action::Measure);
    for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
        match word {
            "measure" | "dont_measure" => {
                if action.is_some() {
                    return err(word, "second action");
                }
                action = Some(if word == "measure" {
                    Action::Measure
                } else {
                    Action::DontMeasure
                });
                continue;
            }
            _ => {}
        }
        let Some(split) = word.find(['=', '<', '>']) else {
            return err(word, "unknown token");
        };
        let (key, op, value) = (&word[..split], &word[split..split + 1], &word[split + 1..]);
        match (key, op) {
            ("func", "=") => {
                if rule.func.is_some() {
                    return err(word, "duplicate func");
                }
                rule.func = Some(Func::from_name(value).ok_or(ParseError {
                    token: word,
                    reason: "unknown func",
                })?);
            }
            ("mask", "=") => {
                if rule.mask.is_some() {
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
                rule.mask = Some(Mask { bits, inverted });
            }
            ("fsmagic", "=") => {
                if rule.fsmagic.is_some() {
                    return err(word, "duplicate fsmagic");
                }
                rule.fsmagic = Some(kstrtoul(value, 16).ok_or(ParseError {
                    token: word,
                    reason: "bad number",
                })?);
            }
            ("uid" | "euid" | "fowner", _) => {
                let op = match op {
                    "=" => IdOp::Eq,
                    ">" => IdOp::Gt,
                    _ => IdOp::Lt,
                };
                let cond = IdCond {
                    op,
                    id: parse_id(value).ok_or(ParseError {
                        token: word,
                        reason: "bad id",
                    })?,
                };
                if key == "fowner" {
                    if rule.fowner.replace(cond).is_some() {
                        return err(word, "duplicate fowner");
                    }
                } else {
                    let subject = if key == "uid" {
                        SubjectId::Uid(cond)
                    } else {
                        SubjectId::Euid(cond)
                    };
                    if rule.subject.replace(subject).is_some() {
                        return err(word, "duplicate uid/euid");
                    }
                }
            }
            _ => return err(word, "unknown token"),
        }
    }
    rule.action = action.ok_or(ParseError {
        token: line,
        reason: "no action",
    })?;
    Ok(rule)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Rule {
        parse_line(s).unwrap().unwrap()
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        assert_eq!(parse_line(""), Ok(None));
        assert_eq!(parse_line("  \t# measure func=BPRM_CHECK"), Ok(None));
    }

    #[test]
    fn parses_conditions() {
        let r = rule("measure func=FILE_CHECK mask=^MAY_READ euid>999 fowner<5 fsmagic=0xEF53");
        assert_eq!(r.action, Action::Measure);
        assert_eq!(r.func, Some(Func::FileCheck));
        assert_eq!(
            r.mask,
            Some(Mask {
                bits: MAY_READ,
                inverted: true
            })
        );
        assert_eq!(
            r.subject,
            Some(SubjectId::Euid(IdCond {
                op: IdOp::Gt,
                id: 999
            }))
        );
        assert_eq!(
            r.fowner,
            Some(IdCond {
                op: IdOp::Lt,
                id: 5
            })
        );
        assert_eq!(r.fsmagic, Some(0xef53));
        assert_eq!(
            rule("dont_measure func=FILE_MMAP").func,
            Some(Func::MmapCheck)
        );
        assert_eq!(rule("measure func=PATH_CHECK").func, Some(Func::FileCheck));
    }

    #[test]
    fn rejects_like_upstream_naming_the_token() {
        for (line, token) in [
            ("measure func=BPRM_CHECK bogus", "bogus"),
            ("measure measure", "measure"),
            ("measure func=NOPE", "func=NOPE"),
            ("measure func=BPRM_CHECK func=FILE_CHECK", "func=FILE_CHECK"),
            ("measure mask=MAY_FLY", "mask=MAY_FLY"),
            ("measure uid=0 euid=0", "euid=0"),
            ("measure uid=-1", "uid=-1"),
            ("measure uid=4294967295", "uid=4294967295"),
            ("measure uid=4294967296", "uid=4294967296"),
            ("measure fsmagic=zz", "fsmagic=zz"),
            ("measure fowner=1 fowner=2", "fowner=2"),
            ("measure func>BPRM_CHECK", "func>BPRM_CHECK"),
        ] {
            assert_eq!(parse_line(line).unwrap_err().token, token, "{line}");
        }
        assert_eq!(
            parse_line("func=BPRM_CHECK").unwrap_err().reason,
            "no action"
        );
    }
}
