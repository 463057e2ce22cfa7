//! Built-in policies selectable with `ima_policy=`.

/// `ima_policy=tcb`: upstream's `dont_measure_rules` followed by
/// `default_measurement_rules`, in policy-file syntax.
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
