// SPDX-License-Identifier: GPL-2.0
//! Built-in policies selectable with `ima_policy=` / `ima_tcb`, written as
//! policy lines in the order upstream's ima_policy.c lists the rules.
//!
//! Upstream's built-in signature rules set `IMA_DIGSIG_REQUIRED` without
//! `IMA_CHECK_BLACKLIST`; as policy lines (`appraise_type=imasig`) they also
//! check the blacklist, as every parsed rule does. They show the same.

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

    /// The selected rules as policy lines, in the order
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
    }
}
