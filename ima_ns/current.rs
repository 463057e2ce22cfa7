// SPDX-License-Identifier: GPL-2.0
//! What records and audit messages say of the current task, read once per
//! message (`ima_ns_task_facts()` in glue.c: pids as the task's own pid
//! namespace sees them, ids in `init_user_ns`, the effective capabilities
//! and `comm`).

use crate::bindings;

/// The current task, as records and audit messages name it.
pub(crate) struct TaskFacts {
    pub(crate) pid: i32,
    pub(crate) tgid: i32,
    pub(crate) uid: u32,
    pub(crate) euid: u32,
    pub(crate) gid: u32,
    pub(crate) egid: u32,
    pub(crate) cap_eff: u64,
    comm: [u8; 16],
}

impl TaskFacts {
    /// The facts of `current`.
    pub(crate) fn current() -> Self {
        let mut t = bindings::ima_ns_task_facts::default();
        // SAFETY: `t` is a valid, writable struct.
        unsafe { bindings::ima_ns_task_facts(&mut t) };
        Self {
            pid: t.pid,
            tgid: t.tgid,
            uid: t.uid,
            euid: t.euid,
            gid: t.gid,
            egid: t.egid,
            cap_eff: t.cap_eff,
            // `c_char` is `u8` in the kernel (`-funsigned-char`).
            comm: t.comm,
        }
    }

    /// `comm`, up to its NUL.
    pub(crate) fn comm(&self) -> &[u8] {
        let len = self.comm.iter().position(|&c| c == 0).unwrap_or(0);
        &self.comm[..len]
    }
}
