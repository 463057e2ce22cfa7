// SPDX-License-Identifier: GPL-2.0
//! Events of namespaces in external mode, as records for their agents
//! (the format is `ima_model`'s): who acted, on what, with which digests.
//!
//! Every namespace from the task's up to the host that is in external mode
//! gets the event, deepest first; the first that denies it ends the walk.

use crate::collect::{algo_slot, cached_digest};
use crate::current::TaskFacts;
use crate::file::{FileFacts, FileRef};
use crate::model::Verdict;
use crate::namespace::ImaNamespace;
use crate::state::ImaState;
use crate::text::DataBuf;
use core::fmt::Write;
use ima_model::{DigestRef, FileId, Record, TaskIds};
use ima_policy::Func;
use ima_tpm::Digest;
use kernel::prelude::*;

/// What an event acted on.
pub(crate) struct Object<'a> {
    /// The file's path as the task sees it, or a buffer's name.
    pub(crate) path: &'a [u8],
    pub(crate) file: Option<FileId>,
    /// Its digest per hash algorithm (see `algo_slot`), where computed.
    pub(crate) digests: &'a [Option<Digest>; 4],
}

/// Bit `depth` set for each namespace of the lineage in external mode.
pub(crate) fn external_depths(ns: &ImaNamespace) -> u64 {
    ns.lineage()
        .filter(|n| n.is_external())
        .fold(0, |m, n| m | 1 << n.depth)
}

/// The namespaces of `ns`'s lineage whose bit is set in `depths`.
pub(crate) fn external(ns: &ImaNamespace, depths: u64) -> impl Iterator<Item = &ImaNamespace> {
    ns.lineage().filter(move |n| depths & (1 << n.depth) != 0)
}

pub(crate) fn file_id(facts: &FileFacts<'_>) -> FileId {
    FileId {
        dev_major: facts.dev_major,
        dev_minor: facts.dev_minor,
        ino: facts.ino,
        owner: facts.fowner,
        group: facts.fgroup,
        mode: facts.mode,
    }
}

/// Reports the current task's event to the agents of the namespaces in
/// `depths`; with `may_wait`, enforcing ones decide it.
pub(crate) fn event(
    st: &ImaState,
    ns: &ImaNamespace,
    depths: u64,
    func: Func,
    mask: u32,
    object: &Object<'_>,
    may_wait: bool,
) -> Result<Verdict> {
    let task = TaskFacts::current();
    let comm = task.comm();
    let ids = TaskIds {
        pid: task.pid,
        tgid: task.tgid,
        uid: task.uid,
        euid: task.euid,
        gid: task.gid,
        egid: task.egid,
        cap_eff: task.cap_eff,
    };
    let exe = FileRef::current_exe();
    for n in external(ns, depths) {
        let config = n.config();
        let algo = config.algo;
        let exe_digest = exe.as_ref().and_then(|f| exe_digest(st, f, algo));
        let digest = object.digests[algo_slot(algo)?];
        let verdict = n
            .model
            .submit(&config.model, n.id, may_wait, |seq, reply| {
                let record = Record {
                    seq,
                    ns: n.id,
                    func: func.name(),
                    mask,
                    reply,
                    task: ids,
                    comm,
                    exe: exe_digest.as_ref().map(digest_ref),
                    path: object.path,
                    file: object.file,
                    digest: digest.as_ref().map(digest_ref),
                };
                // A record is ~330 bytes plus its escaped path.
                let mut line = DataBuf(KVec::with_capacity(400 + object.path.len(), GFP_KERNEL)?);
                write!(line, "{record}").map_err(|_| ENOMEM)?;
                Ok(line.0)
            })?;
        if verdict == Verdict::Deny {
            return Ok(Verdict::Deny);
        }
    }
    Ok(Verdict::Allow)
}

fn digest_ref(d: &Digest) -> DigestRef<'_> {
    DigestRef {
        algo: d.algo().name(),
        bytes: d.as_bytes(),
    }
}

/// The executable's digest, cached on its inode; `None` if unreadable.
fn exe_digest(st: &ImaState, exe: &FileRef, algo: ima_tpm::HashAlgo) -> Option<Digest> {
    let file = exe.file();
    let facts = file.facts();
    let iint = st.iints.get_or_create(facts.inode).ok()?;
    let mut state = iint.lock();
    cached_digest(st, &file, &mut state, algo, || file.change_cookie()).ok()
}
