//! The measurement path (upstream's `process_measurement()`): policy, inode
//! state, hash, list entry, PCR extend.

use crate::bindings;
use crate::file::{File, ReadableFile};
use crate::namespace::ImaNamespace;
use ima_policy::{Event, Func};
use kernel::prelude::*;

/// `PATH_MAX`: the longest name an entry records.
const PATH_MAX: usize = 4096;

/// Handles one file event. Measurement never denies access: errors are
/// logged and the hook lets the access through, as upstream does for
/// measurement-only policies.
pub(crate) fn file_event(ns: &ImaNamespace, file: &File<'_>, func: Func, mask: u32) -> Result {
    let facts = file.facts();
    if !facts.regular {
        return Ok(());
    }
    let mut subject = bindings::ima_ns_subject::default();
    // SAFETY: `subject` is a valid, writable struct.
    unsafe { bindings::ima_ns_current_subject(&mut subject) };
    let event = Event {
        func,
        mask,
        uid: subject.uid,
        euid: subject.euid,
        suid: subject.suid,
        cap_setuid: subject.cap_setuid,
        fowner: facts.fowner,
        fsmagic: facts.fsmagic,
    };
    if !ns.policy.evaluate(&event).measure {
        return Ok(());
    }

    let iint = ns.iints.get_or_create(facts.inode as usize)?;
    let mut state = iint.state.lock();
    if state.measured {
        return Ok(());
    }
    // Take the cookie before reading, so a write racing with the hash
    // makes the next check see a change.
    let version = file.change_cookie();
    let readable = ReadableFile::open(file)?;
    let digest = ns.hasher.hash(readable.file())?;
    drop(readable);

    let mut path = KVec::<u8>::from_elem(0, PATH_MAX, GFP_KERNEL)?;
    let name = file.path(&mut path);
    ns.record(&digest, name)?;
    state.measured = true;
    state.version = version;
    Ok(())
}

/// A writer closes a file: if it was the last writer and the contents may
/// have changed, the next access measures the file again
/// (upstream's `ima_check_last_writer()`).
pub(crate) fn file_release(ns: &ImaNamespace, file: &File<'_>) {
    let facts = file.facts();
    if !facts.regular || !facts.last_writer {
        return;
    }
    let Some(iint) = ns.iints.get(facts.inode as usize) else {
        return;
    };
    let mut state = iint.state.lock();
    if !state.measured {
        return;
    }
    let now = file.change_cookie();
    if state.version.is_none() || now != state.version {
        state.measured = false;
    }
}
