// SPDX-License-Identifier: GPL-2.0
//! Which upstream kernel line's user-visible IMA behaviour to follow.
//!
//! The module runs on Linux 6.12 and 7.x; where upstream IMA changed what
//! userspace sees between the two (Documentation/kernel-differences.md),
//! the pure crates take an [`Upstream`] and decide as that line does. The
//! kernel shell picks it once at load: the running kernel's line, or the
//! `upstream=` module parameter.

/// An upstream kernel line whose IMA behaviour is followed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Upstream {
    /// Linux 6.12 (LTS), as Debian's 6.12.117.
    #[default]
    V6_12,
    /// Linux 7.3, as Debian's 7.3.4.
    V7_3,
}

impl Upstream {
    /// Both lines, oldest first.
    pub const ALL: [Upstream; 2] = [Self::V6_12, Self::V7_3];

    /// The `upstream=` value: `6.12` or `7.3`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::V6_12 => "6.12",
            Self::V7_3 => "7.3",
        }
    }

    /// Parses an `upstream=` value (`6.12`, `7.3`; `7` for the 7.x line).
    pub fn from_name(s: &str) -> Option<Self> {
        match s.trim_end_matches('\n') {
            "6.12" | "6" => Some(Self::V6_12),
            "7.3" | "7" => Some(Self::V7_3),
            _ => None,
        }
    }

    /// The line a kernel of major version `major` follows: 7.x and later
    /// follow 7.3, anything older 6.12.
    pub const fn for_kernel_major(major: u32) -> Self {
        if major >= 7 {
            Self::V7_3
        } else {
            Self::V6_12
        }
    }

    /// 7.3's `appraise_type=sigv3` for any file (`IMA_SIGV3_REQUIRED`),
    /// v3 signatures of regular files in `security.ima`, and
    /// `digest_type=`/`appraise_type=` in either order. 6.12 knows `sigv3`
    /// only after `digest_type=verity` and signature v3 only for
    /// fs-verity digests.
    pub const fn sigv3_any_file(self) -> bool {
        matches!(self, Self::V7_3)
    }

    /// 7.3's `ima_bprm_creds_for_exec()`: a file an interpreter checks with
    /// `execveat(AT_EXECVE_CHECK)` (6.14+) is measured and appraised as
    /// `BPRM_CHECK`. 6.12 has no such check.
    pub const fn checks_execve_check(self) -> bool {
        matches!(self, Self::V7_3)
    }

    /// 7.3's `dont_audit` action and `#` comments after a rule's last
    /// word; 6.12 rejects both as unknown tokens.
    pub const fn policy_7_3_grammar(self) -> bool {
        matches!(self, Self::V7_3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for u in Upstream::ALL {
            assert_eq!(Upstream::from_name(u.name()), Some(u));
        }
        assert_eq!(Upstream::from_name("7.3\n"), Some(Upstream::V7_3));
        assert_eq!(Upstream::from_name("7"), Some(Upstream::V7_3));
        assert_eq!(Upstream::from_name("6.15"), None);
        assert_eq!(Upstream::from_name(""), None);
    }

    #[test]
    fn kernel_line() {
        assert_eq!(Upstream::for_kernel_major(6), Upstream::V6_12);
        assert_eq!(Upstream::for_kernel_major(7), Upstream::V7_3);
        assert_eq!(Upstream::for_kernel_major(8), Upstream::V7_3);
        assert_eq!(Upstream::default(), Upstream::V6_12);
    }

    #[test]
    fn what_each_line_does() {
        let old = Upstream::V6_12;
        let new = Upstream::V7_3;
        assert!(!old.sigv3_any_file() && new.sigv3_any_file());
        assert!(!old.policy_7_3_grammar() && new.policy_7_3_grammar());
        assert!(!old.checks_execve_check() && new.checks_execve_check());
    }
}
