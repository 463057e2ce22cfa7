// SPDX-License-Identifier: GPL-2.0
//! The canonical form `ima_policy_show()` prints.

use crate::rule::{IdCond, IdOp, LsmField, PolicyRule, Rule, SubjectGid, SubjectId, TextField};
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};
use core::fmt::{self, Display, Write};

impl Display for Rule {
    /// `ima_policy_show()`'s line: `"<action> key=value ... \n"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        show_rule(self, f)
    }
}

/// `ima_policy_show()` for one rule: `"<action> key=value ... \n"`, each
/// condition followed by a space, in upstream's order, ending in a
/// newline. Upstream omits a rule whose LSM label is inactive in the
/// running LSM policy: that is for the caller, which knows
/// ([`PolicyRule::needs_lsm`]).
pub(crate) fn show_rule(r: &impl PolicyRule, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let c = r.core();
    f.write_str(c.action.name())?;
    f.write_char(' ')?;
    if let Some(func) = c.func {
        write!(f, "func={} ", func.name())?;
    }
    if let Some(m) = c.mask {
        let caret = if m.inverted { "^" } else { "" };
        for (bit, name) in [
            (MAY_EXEC, "MAY_EXEC"),
            (MAY_WRITE, "MAY_WRITE"),
            (MAY_READ, "MAY_READ"),
            (MAY_APPEND, "MAY_APPEND"),
        ] {
            if m.bits & bit != 0 {
                write!(f, "mask={caret}{name}")?;
            }
        }
        f.write_char(' ')?;
    }
    if let Some(magic) = c.fsmagic {
        write!(f, "fsmagic=0x{magic:x} ")?;
    }
    if let Some(name) = r.text(TextField::FsName) {
        // Upstream formats through a 64-byte buffer; FSNAME_MAX is below.
        write!(f, "fsname={name} ")?;
    }
    if let Some(k) = r.text(TextField::Keyrings) {
        write!(f, "keyrings={k} ")?;
    }
    if let Some(l) = r.text(TextField::Label) {
        write!(f, "label={l} ")?;
    }
    if let Some(pcr) = c.pcr {
        write!(f, "pcr={pcr} ")?;
    }
    if let Some(u) = c.fsuuid {
        // %pU: lowercase, 8-4-4-4-12.
        f.write_str("fsuuid=")?;
        for (i, b) in u.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_char('-')?;
            }
            write!(f, "{b:02x}")?;
        }
        f.write_char(' ')?;
    }
    match c.subject {
        Some(SubjectId::Uid(c)) => show_id(f, "uid", c)?,
        Some(SubjectId::Euid(c)) => show_id(f, "euid", c)?,
        None => {}
    }
    match c.group {
        Some(SubjectGid::Gid(c)) => show_id(f, "gid", c)?,
        Some(SubjectGid::Egid(c)) => show_id(f, "egid", c)?,
        None => {}
    }
    if let Some(c) = c.fowner {
        show_id(f, "fowner", c)?;
    }
    if let Some(c) = c.fgroup {
        show_id(f, "fgroup", c)?;
    }
    if let Some(a) = c.appraise_algos {
        write!(f, "appraise_algos={a} ")?;
    }
    for field in LsmField::ALL {
        if let Some(label) = r.lsm_label(field) {
            write!(f, "{}={label} ", field.name())?;
        }
    }
    if let Some(t) = c.template {
        write!(f, "template={} ", t.name())?;
    }
    if let Some(t) = c.appraise_type {
        write!(f, "appraise_type={} ", t.name())?;
    }
    if c.digest_verity {
        f.write_str("digest_type=verity ")?;
    }
    if c.permit_directio {
        f.write_str("permit_directio ")?;
    }
    f.write_char('\n')
}

fn show_id(f: &mut fmt::Formatter<'_>, key: &str, c: IdCond) -> fmt::Result {
    let op = match c.op {
        IdOp::Eq => '=',
        IdOp::Gt => '>',
        IdOp::Lt => '<',
    };
    // Upstream prints the kuid with %d, so ids from 2^31 up come out
    // negative and its own parser (kstrtoul) rejects them. Unsigned is
    // identical below 2^31 and reads back.
    write!(f, "{key}{op}{} ", c.id)
}
