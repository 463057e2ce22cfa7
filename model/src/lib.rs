// SPDX-License-Identifier: GPL-2.0
//! External modeling of an IMA namespace: the settings a namespace is
//! given in `for_children/model`, the event records its agent reads from
//! `namespaces/<id>/events`, and the verdicts it writes to
//! `namespaces/<id>/verdicts`.
//!
//! Pure logic without `alloc`, shared by the kernel module (which writes
//! records and parses settings and verdicts) and the userspace agent
//! (which parses records and writes verdicts).
//!
//! # Record format, version 1
//!
//! One record per line, ASCII, space-separated `key=value` fields after a
//! tag and the format version, always in this order and always present
//! (`-` where a value does not apply):
//!
//! ```text
//! ima-ns-event 1 seq=7 ns=3 func=FILE_CHECK mask=0x4 reply=1 pid=12 tgid=12
//!   uid=0 euid=0 gid=0 egid=0 cap_eff=0x000001ffffffffff comm=cat
//!   exe=sha256:<hex> path=/etc/hostname dev=0:23 ino=1234 fowner=0
//!   fgroup=0 fmode=0100644 digest=sha256:<hex>
//! ```
//!
//! (one line in the file). `seq` counts the namespace's events from 1
//! with no gaps; `reply=1` means the event waits for a verdict. `pid` and
//! `tgid` are as the task's own pid namespace sees them; ids are in the
//! initial user namespace; `cap_eff` is the effective capability set.
//! `comm` and `path` are byte strings with every byte outside `!`..`~`,
//! and `%`, written `%XX`. `exe` is the digest of the acting task's
//! executable, `digest` the object's, both in the namespace's hash
//! algorithm (`-` for kernel threads, and for files whose contents are
//! generated, e.g. procfs). Events of the namespace's descendants are the
//! namespace's events too.
//!
//! When the queue was full and events were dropped (observe mode), the
//! record after which they were dropped is followed by
//!
//! ```text
//! ima-ns-lost 1 first=8 count=5
//! ```
//!
//! naming the sequence numbers that will never be delivered.
//!
//! A verdict is one line, `<seq> allow` or `<seq> deny`.

#![no_std]
#![forbid(unsafe_code)]

mod config;
mod entry;
mod record;
mod verdict;

pub use config::{FailMode, Mode, ModelConfig, ParseError};
pub use entry::{
    check_identity, identity_lines, parse_join, parse_unshare, Entry, IdentityError, Join,
    IDENTITY_MAX,
};
pub use record::{
    unescape, DigestRef, EventView, FileId, Lost, Record, RecordView, TaskIds, LOST_TAG,
    RECORD_TAG, VERSION,
};
pub use verdict::{parse_verdict, Verdict};

/// Whether a filesystem's file contents are data rather than generated
/// on read (procfs, sysfs, securityfs, ...): only those get a digest.
pub fn has_stable_contents(fsmagic: u64) -> bool {
    const GENERATED: [u64; 13] = [
        0x9fa0,     // PROC_SUPER_MAGIC
        0x62656572, // SYSFS_MAGIC
        0x73636673, // SECURITYFS_MAGIC
        0x64626720, // DEBUGFS_MAGIC
        0x74726163, // TRACEFS_MAGIC
        0x27e0eb,   // CGROUP_SUPER_MAGIC
        0x63677270, // CGROUP2_SUPER_MAGIC
        0x6e736673, // NSFS_MAGIC
        0xcafe4a11, // BPF_FS_MAGIC
        0xde5e81e4, // EFIVARFS_MAGIC
        0xf97cff8c, // SELINUX_MAGIC
        0x43415d53, // SMACK_MAGIC
        0x6c6f6f70, // BINDERFS_SUPER_MAGIC
    ];
    !GENERATED.contains(&fsmagic)
}

#[cfg(test)]
mod tests;
