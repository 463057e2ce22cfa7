//! The canonical form `ima_policy_show()` prints.

use crate::rule::{Action, IdCond, IdOp, Rule, SubjectId};
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};
use core::fmt::{self, Display, Write};

impl Display for Rule {
    /// `"<action> key=value ... \n"`: each condition followed by a space,
    /// in upstream's order, ending in a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.action {
            Action::Measure => "measure",
            Action::DontMeasure => "dont_measure",
        })?;
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
        match self.subject {
            Some(SubjectId::Uid(c)) => show_id(f, "uid", c)?,
            Some(SubjectId::Euid(c)) => show_id(f, "euid", c)?,
            None => {}
        }
        if let Some(c) = self.fowner {
            show_id(f, "fowner", c)?;
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

#[cfg(test)]
mod tests {
    use crate::{parse_line, TCB};
    use core::fmt::Write;

    struct Buf([u8; 256], usize);
    impl Write for Buf {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            self.0
                .get_mut(self.1..self.1 + s.len())
                .ok_or(core::fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.1 += s.len();
            Ok(())
        }
    }
    fn show(line: &str) -> Buf {
        let mut b = Buf([0; 256], 0);
        write!(b, "{}", parse_line(line).unwrap().unwrap()).unwrap();
        b
    }

    #[test]
    fn canonical_form_matches_upstream() {
        let b = show("measure  mask=^MAY_READ func=PATH_CHECK uid=0");
        assert_eq!(
            &b.0[..b.1],
            b"measure func=FILE_CHECK mask=^MAY_READ uid=0 \n"
        );
        let b = show("dont_measure fsmagic=01021994");
        assert_eq!(&b.0[..b.1], b"dont_measure fsmagic=0x1021994 \n");
    }

    #[test]
    fn show_then_parse_is_identity_for_tcb() {
        for line in TCB {
            let r = parse_line(line).unwrap().unwrap();
            let b = show(line);
            let text = core::str::from_utf8(&b.0[..b.1]).unwrap();
            assert_eq!(parse_line(text.trim_end()).unwrap().unwrap(), r, "{line}");
        }
    }
}
