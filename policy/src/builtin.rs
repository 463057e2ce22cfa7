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
