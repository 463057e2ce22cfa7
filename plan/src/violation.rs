// SPDX-License-Identifier: GPL-2.0
//! `ima_rdwr_violation_check()` in one namespace: a writer opening a file
//! this namespace measured for a reader still holding it (ToMToU), or the
//! namespace measuring a file for a reader while a writer holds it
//! (open_writers), once until the last writer closes.

/// A violation to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    /// Time of measure, time of use: a writer, after a measured read.
    ToMToU,
    /// A reader measured while a writer has the file open.
    OpenWriters,
}

impl Violation {
    /// The cause the log and audit record name.
    pub fn cause(self) -> &'static str {
        match self {
            Self::ToMToU => "ToMToU",
            Self::OpenWriters => "open_writers",
        }
    }
}

/// The inode's state as one namespace's check sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViolationState {
    /// The inode has read-only opens (the kernel's `i_readcount`).
    pub has_readers: bool,
    /// The namespace measured it for a reader since its last ToMToU
    /// (`IMA_MAY_EMIT_TOMTOU`).
    pub may_emit_tomtou: bool,
    /// The namespace reported open writers since the last writer closed
    /// (`IMA_EMITTED_OPENWRITERS`).
    pub emitted_open_writers: bool,
}

/// What one namespace's check records and changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViolationStep {
    /// A violation to record.
    pub violation: Option<Violation>,
    /// Clear `may_emit_tomtou` (a ToMToU is emitted once).
    pub clear_tomtou: bool,
    /// Set `may_emit_tomtou` (measured for a reader).
    pub set_tomtou: bool,
    /// Set `emitted_open_writers`.
    pub set_open_writers: bool,
}

impl ViolationStep {
    /// Whether applying the step to state `s` changes it: most measured
    /// reads set a flag that is set already, and then the state is left
    /// alone (no scan, no write).
    pub fn changes(&self, s: ViolationState) -> bool {
        (self.clear_tomtou && s.may_emit_tomtou)
            || (self.set_tomtou && !s.may_emit_tomtou)
            || (self.set_open_writers && !s.emitted_open_writers)
    }
}

/// The check in a namespace that checks this event: `writable` if the
/// event opens the file for write, `open_for_write` if some writer has it
/// open, `measures` if the namespace measures this event.
pub fn violation_step(
    writable: bool,
    open_for_write: bool,
    measures: bool,
    s: ViolationState,
) -> ViolationStep {
    if writable {
        let tomtou = s.has_readers && s.may_emit_tomtou;
        return ViolationStep {
            violation: tomtou.then_some(Violation::ToMToU),
            clear_tomtou: tomtou,
            ..ViolationStep::default()
        };
    }
    if !measures {
        return ViolationStep::default();
    }
    let open_writers = open_for_write && !s.emitted_open_writers;
    ViolationStep {
        violation: open_writers.then_some(Violation::OpenWriters),
        set_tomtou: true,
        set_open_writers: open_writers,
        ..ViolationStep::default()
    }
}
