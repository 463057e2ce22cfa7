//! The measurement path (upstream's `process_measurement()`), across the
//! namespace tree: every namespace from the task's up to the host whose
//! policy asks for the event records it; the file is hashed at most once
//! per hash algorithm, however many namespaces record it.

use crate::bindings;
use crate::file::{File, ReadableFile};
use crate::namespace::ImaNamespace;
use crate::state::ImaState;
use ima_policy::{Event, Func};
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;

/// `PATH_MAX`: the longest name an entry records.
const PATH_MAX: usize = 4096;

/// Handles one file event for a task in `ns`. Measurement never denies
/// access: errors are logged and the hook lets the access through, as
/// upstream does for measurement-only policies.
pub(crate) fn file_event(
    st: &ImaState,
    ns: &ImaNamespace,
    file: &File<'_>,
    func: Func,
    mask: u32,
) -> Result {
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
        gid: subject.gid,
        egid: subject.egid,
        sgid: subject.sgid,
        cap_setgid: subject.cap_setgid,
        fowner: facts.fowner,
        fgroup: facts.fgroup,
        fsmagic: facts.fsmagic,
        fsname: fsname(&facts),
        fsuuid: facts.fsuuid,
        func_data: None,
    };
    // Bit `depth` set: that namespace's policy asks for a measurement.
    let mut wanted = 0u64;
    for n in ns.lineage() {
        if n.policy.evaluate(&event).measure {
            wanted |= 1 << n.depth;
        }
    }
    if wanted == 0 {
        return Ok(());
    }

    let iint = st.iints.get_or_create(facts.inode as usize)?;
    let mut state = iint.state.lock();
    let mut hashed = Hashed::new(file);
    for n in ns.lineage() {
        if wanted & (1 << n.depth) == 0 || state.measured_in(n.id) {
            continue;
        }
        let digest = hashed.digest(st, n.config().algo)?;
        let version = hashed.version;
        n.record(&digest, hashed.name()?)?;
        state.mark(n.id, version)?;
    }
    Ok(())
}

/// The filesystem type name (`fsname=`).
fn fsname(facts: &crate::file::FileFacts) -> &[u8] {
    if facts.fsname.is_null() {
        return b"";
    }
    // SAFETY: glue set it to the superblock's s_type->name, a static
    // NUL-terminated string of the filesystem driver, which the open file
    // (pinning the superblock) keeps loaded for this call.
    unsafe { core::ffi::CStr::from_ptr(facts.fsname.cast()) }.to_bytes()
}

/// What one event computes at most once: the change cookie (taken before
/// the first read, so a racing write makes the next check see a change),
/// one digest per algorithm, and the name.
struct Hashed<'a> {
    file: &'a File<'a>,
    version: Option<u64>,
    digests: [Option<Digest>; 4],
    path: KVec<u8>,
    name_len: Option<(usize, usize)>,
}

impl<'a> Hashed<'a> {
    fn new(file: &'a File<'a>) -> Self {
        Self {
            file,
            version: None,
            digests: [None; 4],
            path: KVec::new(),
            name_len: None,
        }
    }

    fn digest(&mut self, st: &ImaState, algo: HashAlgo) -> Result<Digest> {
        let slot = HashAlgo::ALL
            .iter()
            .position(|&a| a == algo)
            .ok_or(EINVAL)?;
        if let Some(d) = self.digests[slot] {
            return Ok(d);
        }
        if self.digests.iter().all(Option::is_none) {
            self.version = self.file.change_cookie();
        }
        let readable = ReadableFile::open(self.file)?;
        let d = match st.hashers.get(algo)?.hash(readable.file()) {
            Ok(d) => d,
            // As ima_collect_measurement(): a file that cannot be read
            // this way (no read_iter, O_DIRECT) is recorded with a zero
            // digest rather than not at all.
            Err(e) if e == EINVAL || e == EBADF => {
                pr_debug!("recording a zero digest: reading failed: {:?}\n", e);
                Digest::zero(algo)
            }
            Err(e) => return Err(e),
        };
        self.digests[slot] = Some(d);
        Ok(d)
    }

    /// The path as the acting task sees it.
    fn name(&mut self) -> Result<&[u8]> {
        if self.name_len.is_none() {
            self.path = KVec::from_elem(0, PATH_MAX, GFP_KERNEL)?;
            let base = self.path.as_ptr() as usize;
            let name = self.file.path(&mut self.path);
            self.name_len = Some((name.as_ptr() as usize - base, name.len()));
        }
        let (start, len) = self.name_len.unwrap_or((0, 0));
        Ok(&self.path[start..start + len])
    }
}

/// A writer closes a file: if it was the last writer and the contents may
/// have changed, the next access measures the file again in every
/// namespace (upstream's `ima_check_last_writer()`).
pub(crate) fn file_release(st: &ImaState, file: &File<'_>) {
    let facts = file.facts();
    if !facts.regular || !facts.last_writer {
        return;
    }
    let Some(iint) = st.iints.get(facts.inode as usize) else {
        return;
    };
    let mut state = iint.state.lock();
    if state.is_measured() {
        state.invalidate(file.change_cookie());
    }
}
