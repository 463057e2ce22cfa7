//! The canonical form `ima_policy_show()` prints.

use crate::rule::{IdCond, IdOp, LsmField, Rule, SubjectGid, SubjectId};
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};
use core::fmt::{self, Display, Write};

impl Display for Rule {
    /// `"<action> key=value ... \n"`: each condition followed by a space,
    /// in upstream's order, ending in a newline. Upstream omits a rule
    /// whose LSM label is inactive in the running LSM policy: that is for
    /// the caller, which knows ([`Rule::needs_lsm`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.action.name())?;
        f.write_char(' ')?;
        if let Some(func) = self.func {
            write!(f, "func={} ", func.name())?;
        }
        if let Some(m) = self.mask {
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
        if let Some(magic) = self.fsmagic {
            write!(f, "fsmagic=0x{magic:x} ")?;
        }
        if let Some(name) = &self.fsname {
            // Upstream formats through a 64-byte buffer; FSNAME_MAX is below.
            write!(f, "fsname={name} ")?;
        }
        if let Some(k) = &self.keyrings {
            write!(f, "keyrings={} ", k.as_str())?;
        }
        if let Some(l) = &self.label {
            write!(f, "label={} ", l.as_str())?;
        }
        if let Some(pcr) = self.pcr {
            write!(f, "pcr={pcr} ")?;
        }
        if let Some(u) = self.fsuuid {
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
        match self.subject {
            Some(SubjectId::Uid(c)) => show_id(f, "uid", c)?,
            Some(SubjectId::Euid(c)) => show_id(f, "euid", c)?,
            None => {}
        }
        match self.group {
            Some(SubjectGid::Gid(c)) => show_id(f, "gid", c)?,
            Some(SubjectGid::Egid(c)) => show_id(f, "egid", c)?,
            None => {}
        }
        if let Some(c) = self.fowner {
            show_id(f, "fowner", c)?;
        }
        if let Some(c) = self.fgroup {
            show_id(f, "fgroup", c)?;
        }
        if let Some(a) = self.appraise_algos {
            write!(f, "appraise_algos={a} ")?;
        }
        for field in LsmField::ALL {
            if let Some(label) = self.lsm_label(field) {
                write!(f, "{}={label} ", field.name())?;
            }
        }
        if let Some(t) = self.template {
            write!(f, "template={} ", t.name())?;
        }
        if let Some(t) = self.appraise_type {
            write!(f, "appraise_type={} ", t.name())?;
        }
        if self.digest_verity {
            f.write_str("digest_type=verity ")?;
        }
        if self.permit_directio {
            f.write_str("permit_directio ")?;
        }
        f.write_char('\n')
    }
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
