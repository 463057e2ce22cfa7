// SPDX-License-Identifier: GPL-2.0
//! Built-in policies selectable with `ima_policy=` / `ima_tcb`, written as
//! policy lines in the order upstream's ima_policy.c lists the rules.
//!
//! Upstream's built-in signature rules set `IMA_DIGSIG_REQUIRED` without
//! `IMA_CHECK_BLACKLIST`; as policy lines (`appraise_type=imasig`) they also
//! check the blacklist, as every parsed rule does. They show the same.
//!
//! 7.3 ([`BuiltinSelection::lines_for`]) measures tmpfs except for
//! `FILE_CHECK` (executables and mmaps on tmpfs are measured), and neither
//! measures nor appraises configfs. Its `secure_boot` `MODULE_CHECK` rule
//! also allows appended signatures (`imasig|modsig`), which the module
//! does not verify: it keeps `imasig`.

use crate::upstream::Upstream;

/// `ima_policy=tcb`: `dont_measure_rules` then `default_measurement_rules`.
pub const TCB: &[&str] = &[
    "dont_measure fsmagic=0x9fa0",     // PROC_SUPER_MAGIC
    "dont_measure fsmagic=0x62656572", // SYSFS_MAGIC
    "dont_measure fsmagic=0x64626720", // DEBUGFS_MAGIC
    "dont_measure fsmagic=0x1021994",  // TMPFS_MAGIC
    "dont_measure fsmagic=0x1cd1",     // DEVPTS_SUPER_MAGIC
    "dont_measure fsmagic=0x42494e4d", // BINFMTFS_MAGIC
    "dont_measure fsmagic=0x73636673", // SECURITYFS_MAGIC
    "dont_measure fsmagic=0xf97cff8c", // SELINUX_MAGIC
    "dont_measure fsmagic=0x43415d53", // SMACK_MAGIC
    "dont_measure fsmagic=0x27e0eb",   // CGROUP_SUPER_MAGIC
    "dont_measure fsmagic=0x63677270", // CGROUP2_SUPER_MAGIC
    "dont_measure fsmagic=0x6e736673", // NSFS_MAGIC
    "dont_measure fsmagic=0xde5e81e4", // EFIVARFS_MAGIC
    "measure func=MMAP_CHECK mask=MAY_EXEC",
    "measure func=BPRM_CHECK mask=MAY_EXEC",
    "measure func=FILE_CHECK mask=^MAY_READ euid=0",
    "measure func=FILE_CHECK mask=^MAY_READ uid=0",
    "measure func=MODULE_CHECK",
    "measure func=FIRMWARE_CHECK",
    "measure func=POLICY_CHECK",
];

/// `ima_tcb`: `dont_measure_rules` then `original_measurement_rules`.
pub const ORIGINAL_TCB: &[&str] = &[
    "dont_measure fsmagic=0x9fa0",
    "dont_measure fsmagic=0x62656572",
    "dont_measure fsmagic=0x64626720",
    "dont_measure fsmagic=0x1021994",
    "dont_measure fsmagic=0x1cd1",
    "dont_measure fsmagic=0x42494e4d",
    "dont_measure fsmagic=0x73636673",
    "dont_measure fsmagic=0xf97cff8c",
    "dont_measure fsmagic=0x43415d53",
    "dont_measure fsmagic=0x27e0eb",
    "dont_measure fsmagic=0x63677270",
    "dont_measure fsmagic=0x6e736673",
    "dont_measure fsmagic=0xde5e81e4",
    "measure func=MMAP_CHECK mask=MAY_EXEC",
    "measure func=BPRM_CHECK mask=MAY_EXEC",
    "measure func=FILE_CHECK mask=MAY_READ uid=0",
    "measure func=MODULE_CHECK",
    "measure func=FIRMWARE_CHECK",
];

/// `ima_policy=appraise_tcb`: `default_appraise_rules`, as built with
/// `CONFIG_IMA_WRITE_POLICY=y` (the `POLICY_CHECK` rule) and without
/// `CONFIG_IMA_APPRAISE_SIGNED_INIT` (plain `appraise fowner=0`).
pub const APPRAISE_TCB: &[&str] = &[
    "dont_appraise fsmagic=0x9fa0",     // PROC_SUPER_MAGIC
    "dont_appraise fsmagic=0x62656572", // SYSFS_MAGIC
    "dont_appraise fsmagic=0x64626720", // DEBUGFS_MAGIC
    "dont_appraise fsmagic=0x1021994",  // TMPFS_MAGIC
    "dont_appraise fsmagic=0x858458f6", // RAMFS_MAGIC
    "dont_appraise fsmagic=0x1cd1",     // DEVPTS_SUPER_MAGIC
    "dont_appraise fsmagic=0x42494e4d", // BINFMTFS_MAGIC
    "dont_appraise fsmagic=0x73636673", // SECURITYFS_MAGIC
    "dont_appraise fsmagic=0xf97cff8c", // SELINUX_MAGIC
    "dont_appraise fsmagic=0x43415d53", // SMACK_MAGIC
    "dont_appraise fsmagic=0x6e736673", // NSFS_MAGIC
    "dont_appraise fsmagic=0xde5e81e4", // EFIVARFS_MAGIC
    "dont_appraise fsmagic=0x27e0eb",   // CGROUP_SUPER_MAGIC
    "dont_appraise fsmagic=0x63677270", // CGROUP2_SUPER_MAGIC
    "appraise func=POLICY_CHECK appraise_type=imasig",
    "appraise fowner=0",
];

/// `ima_policy=secure_boot`: `secure_boot_rules`.
pub const SECURE_BOOT: &[&str] = &[
    "appraise func=MODULE_CHECK appraise_type=imasig",
    "appraise func=FIRMWARE_CHECK appraise_type=imasig",
    "appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig",
    "appraise func=POLICY_CHECK appraise_type=imasig",
];

/// 6.12's tmpfs rule of `dont_measure_rules`.
const TMPFS_DONT_MEASURE: &str = "dont_measure fsmagic=0x1021994";
/// 7.3's: only `FILE_CHECK` (opens) on tmpfs goes unmeasured.
const TMPFS_DONT_MEASURE_7_3: &str = "dont_measure func=FILE_CHECK fsmagic=0x1021994";
/// 7.3 appends configfs (`CONFIGFS_MAGIC`) to `dont_measure_rules`...
const CONFIGFS_DONT_MEASURE_7_3: &str = "dont_measure fsmagic=0x62656570";
/// ... and to `default_appraise_rules`, after cgroup2.
const CONFIGFS_DONT_APPRAISE_7_3: &str = "dont_appraise fsmagic=0x62656570";

/// A 6.12 built-in line as 7.3 has it: the line (or its replacement) and
/// the line 7.3 adds after it.
fn line_7_3(line: &'static str) -> (&'static str, Option<&'static str>) {
    match line {
        TMPFS_DONT_MEASURE => (TMPFS_DONT_MEASURE_7_3, None),
        "dont_measure fsmagic=0xde5e81e4" => (line, Some(CONFIGFS_DONT_MEASURE_7_3)),
        "dont_appraise fsmagic=0x63677270" => (line, Some(CONFIGFS_DONT_APPRAISE_7_3)),
        _ => (line, None),
    }
}

/// `ima_policy=critical_data`: `critical_data_rules`.
pub const CRITICAL_DATA: &[&str] = &["measure func=CRITICAL_DATA"];

/// What `ima_policy=` selects: built-in policy names joined by `|` (spaces
/// and newlines also separate, as in upstream's `policy_setup()`).
/// `original_tcb` stands for upstream's separate `ima_tcb` parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BuiltinSelection {
    /// `tcb`, unless `original_tcb` came first.
    pub tcb: bool,
    /// `original_tcb`, unless `tcb` came first.
    pub original_tcb: bool,
    /// `secure_boot`.
    pub secure_boot: bool,
    /// `appraise_tcb`.
    pub appraise_tcb: bool,
    /// `critical_data`.
    pub critical_data: bool,
    /// `fail_securely` (an appraisal flag: no rules of its own).
    pub fail_securely: bool,
}

impl BuiltinSelection {
    /// Parses the parameter. Upstream logs unknown names and goes on; the
    /// module refuses to load instead, so `Err` returns the first one.
    pub fn parse(param: &str) -> Result<Self, &str> {
        let mut s = Self::default();
        for word in param.split([' ', '|', '\n']).filter(|w| !w.is_empty()) {
            match word {
                // As upstream: the first measurement policy named wins.
                "tcb" => s.tcb = !s.original_tcb,
                "original_tcb" => s.original_tcb = !s.tcb,
                "secure_boot" => s.secure_boot = true,
                "appraise_tcb" => s.appraise_tcb = true,
                "critical_data" => s.critical_data = true,
                "fail_securely" => s.fail_securely = true,
                other => return Err(other),
            }
        }
        Ok(s)
    }

    /// The selected rules of `upstream` as policy lines, in the order its
    /// `ima_init_policy()` installs them.
    pub fn lines_for(&self, upstream: Upstream) -> impl Iterator<Item = &'static str> {
        let new = upstream == Upstream::V7_3;
        self.lines().flat_map(move |line| {
            let (line, after) = if new { line_7_3(line) } else { (line, None) };
            core::iter::once(line).chain(after)
        })
    }

    /// The selected rules of 6.12 as policy lines, in the order
    /// `ima_init_policy()` installs them: measurement, secure boot,
    /// appraise_tcb, critical data.
    pub fn lines(&self) -> impl Iterator<Item = &'static str> {
        [
            (self.tcb, TCB),
            (self.original_tcb, ORIGINAL_TCB),
            (self.secure_boot, SECURE_BOOT),
            (self.appraise_tcb, APPRAISE_TCB),
            (self.critical_data, CRITICAL_DATA),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .flat_map(|(_, lines)| lines.iter().copied())
    }
}

#[cfg(test)]
mod selection_tests {
    extern crate std;
    use super::*;
    use crate::Upstream;
    use std::vec::Vec;

    #[test]
    fn empty_selects_nothing() {
        let s = BuiltinSelection::parse("").unwrap();
        assert_eq!(s, BuiltinSelection::default());
        assert_eq!(s.lines().count(), 0);
    }

    #[test]
    fn names_combine_in_upstream_order() {
        let s = BuiltinSelection::parse("critical_data|appraise_tcb tcb\n").unwrap();
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(lines.len(), TCB.len() + APPRAISE_TCB.len() + 1);
        assert_eq!(lines[..TCB.len()], *TCB);
        assert_eq!(
            lines[TCB.len()..TCB.len() + APPRAISE_TCB.len()],
            *APPRAISE_TCB
        );
        assert_eq!(lines.last(), Some(&"measure func=CRITICAL_DATA"));
    }

    #[test]
    fn first_measurement_policy_wins() {
        let s = BuiltinSelection::parse("original_tcb|tcb").unwrap();
        assert!(s.original_tcb && !s.tcb);
        let s = BuiltinSelection::parse("tcb|original_tcb").unwrap();
        assert!(s.tcb && !s.original_tcb);
    }

    #[test]
    fn unknown_name_is_returned() {
        assert_eq!(BuiltinSelection::parse("tcb|bogus|x"), Err("bogus"));
        assert_eq!(BuiltinSelection::parse("TCB"), Err("TCB"));
    }

    #[test]
    fn every_builtin_line_parses() {
        let all = BuiltinSelection {
            tcb: true,
            secure_boot: true,
            appraise_tcb: true,
            critical_data: true,
            ..Default::default()
        };
        for line in all.lines().chain(ORIGINAL_TCB.iter().copied()) {
            assert!(crate::parse_line(line).unwrap().is_some(), "{line}");
        }
        for u in Upstream::ALL {
            for line in all.lines_for(u) {
                assert!(crate::parse_line_as(line, u).unwrap().is_some(), "{line}");
            }
        }
    }

    #[test]
    fn upstream_7_3_builtins() {
        let all = BuiltinSelection {
            tcb: true,
            secure_boot: true,
            appraise_tcb: true,
            critical_data: true,
            ..Default::default()
        };
        let old: Vec<_> = all.lines_for(Upstream::V6_12).collect();
        assert_eq!(old, all.lines().collect::<Vec<_>>());
        let new: Vec<_> = all.lines_for(Upstream::V7_3).collect();
        assert_eq!(new.len(), old.len() + 2);
        assert!(!new.contains(&TMPFS_DONT_MEASURE));
        let at = |l: &str| new.iter().position(|x| *x == l).unwrap();
        // Where 7.3's arrays have them.
        assert_eq!(at(TMPFS_DONT_MEASURE_7_3), 3);
        assert_eq!(at(CONFIGFS_DONT_MEASURE_7_3), TCB.len() - 7);
        assert_eq!(
            at(CONFIGFS_DONT_APPRAISE_7_3),
            at("dont_appraise fsmagic=0x63677270") + 1
        );
        // tmpfs: opens not measured, execs are.
        let rules: Vec<_> = new
            .iter()
            .map(|l| crate::parse_line_as(l, Upstream::V7_3).unwrap().unwrap())
            .collect();
        let on_tmpfs = |func| crate::Event {
            func,
            mask: if func == crate::Func::FileCheck {
                crate::MAY_READ
            } else {
                crate::MAY_EXEC
            },
            fsmagic: 0x0102_1994,
            ..Default::default()
        };
        assert!(crate::evaluate(&rules, &on_tmpfs(crate::Func::BprmCheck)).measure);
        assert!(!crate::evaluate(&rules, &on_tmpfs(crate::Func::FileCheck)).measure);
        let on_ext4 = crate::Event {
            fsmagic: 0xef53,
            ..on_tmpfs(crate::Func::FileCheck)
        };
        assert!(crate::evaluate(&rules, &on_ext4).measure);
        let old_rules: Vec<_> = old
            .iter()
            .map(|l| crate::parse_line(l).unwrap().unwrap())
            .collect();
        assert!(!crate::evaluate(&old_rules, &on_tmpfs(crate::Func::BprmCheck)).measure);
        // configfs: neither measured nor appraised.
        let on_configfs = crate::Event {
            fsmagic: 0x6265_6570,
            ..on_tmpfs(crate::Func::BprmCheck)
        };
        let d = crate::evaluate(&rules, &on_configfs);
        assert!(!d.measure && !d.appraise);
        let d = crate::evaluate(&old_rules, &on_configfs);
        assert!(d.measure && d.appraise);
    }
}
