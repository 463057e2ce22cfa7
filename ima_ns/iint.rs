// SPDX-License-Identifier: GPL-2.0
//! Per-inode integrity state (upstream's `iint`): which namespaces measured
//! an inode, its digests, and the change cookie it had then. One cache for
//! all namespaces, so a file is hashed once per algorithm until it changes,
//! however many namespaces record or report it.
//!
//! A module cannot reserve an inode security blob, so the state lives in a
//! tree keyed by inode address; entries go when the inode is freed
//! (`inode_free_security`), so a reused address never sees stale state.

use crate::bindings;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNodeReservation};
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::{new_mutex, new_spinlock};

/// What is known about one inode.
#[derive(Default)]
pub(crate) struct IintState {
    /// Namespaces (by id) that measured it, with the change cookie it had
    /// then (`None`: the filesystem keeps none). A mark counts only while
    /// the cookie is unchanged; without one, until a writer closes or a
    /// truncate. Ids are never reused, so an ended namespace's entry is
    /// inert; it goes with the next change or with the inode.
    measured: KVec<(u64, Option<u64>)>,
    /// Digests of the contents, with the change cookie taken before they
    /// were read (upstream's IMA_COLLECTED hash).
    digests: KVec<(Digest, Option<u64>)>,
    /// Open read-only files of the inode that a measuring namespace saw,
    /// by address, until released. Upstream counts every reader in
    /// `i_readcount`, which exists only in kernels built with IMA.
    readers: KVec<usize>,
    /// Namespaces that measured it for a reader since their last ToMToU
    /// (upstream's `IMA_MAY_EMIT_TOMTOU`, per namespace).
    may_emit_tomtou: KVec<u64>,
    /// Namespaces that reported open writers since the last writer closed
    /// (`IMA_EMITTED_OPENWRITERS`, per namespace).
    emitted_open_writers: KVec<u64>,
    /// Appraisal verdicts by (namespace, what its rule required), with the
    /// change cookie they were reached at: a verdict is never reused by
    /// another namespace, whose keys and rules differ.
    appraised: KVec<(u64, u32, Option<u64>, Verdict)>,
    /// Namespaces that audited this version (`IMA_AUDITED`).
    audited: KVec<(u64, Option<u64>)>,
    /// Created by an open still being written (`IMA_NEW_FILE`): it
    /// passes appraisal without `security.ima` until the last writer
    /// closes.
    pub(crate) new_file: bool,
    /// When the last writer closes, write `security.ima` with a digest in
    /// this algorithm (`IMA_UPDATE_XATTR`: a `hash` rule, or an
    /// appraised file opened for write).
    pub(crate) update_xattr: Option<HashAlgo>,
    /// On a stacked filesystem, the (ino, dev) of the inode that held the
    /// data when the state was gathered (upstream's `iint->real_inode`).
    real: Option<(u64, u32)>,
}

/// A cached appraisal verdict (`ima_file_status` and `IMA_DIGSIG`).
pub(crate) use ima_plan::Verdict;

/// Readers tracked in all inodes: while 0, releasing a read-only file
/// needs no lookup.
static TRACKED_READERS: AtomicUsize = AtomicUsize::new(0);

/// Whether any inode tracks a reader.
pub(crate) fn tracks_readers() -> bool {
    TRACKED_READERS.load(Ordering::Relaxed) != 0
}

impl IintState {
    /// Whether `ns` measured these contents: its mark's change cookie is
    /// still the file's (`now()`, asked only then). A mark without a
    /// cookie holds until a writer closes or a truncate resets it.
    pub(crate) fn measured_in(&self, ns: u64, now: impl FnOnce() -> Option<u64>) -> bool {
        let Some(&(_, version)) = self.measured.iter().find(|&&(id, _)| id == ns) else {
            return false;
        };
        version.is_none() || version == now()
    }

    pub(crate) fn mark(&mut self, ns: u64, version: Option<u64>) -> Result {
        retain(&mut self.measured, |&(id, _)| id != ns);
        self.measured.push((ns, version), GFP_KERNEL)?;
        Ok(())
    }

    /// On a stacked filesystem: whatever was gathered about other data
    /// is void. As upstream's `process_measurement()`, the state is reset
    /// when the data moved to another inode (copy-up), or always when
    /// that inode keeps no i_version (its changes cannot be seen).
    pub(crate) fn check_stacked(&mut self, real: &bindings::ima_ns_real_inode) {
        let now = (real.ino, real.dev);
        if !real.versioned || self.real != Some(now) {
            self.invalidate(None);
        }
        self.real = Some(now);
    }

    pub(crate) fn is_measured(&self) -> bool {
        !self.measured.is_empty()
    }

    /// The cached digest in `algo`, unless the change cookie moved on from
    /// the one it was read at (`now()`, asked only then: on some
    /// filesystems, 9p for one, it is a round trip). Without cookies it
    /// holds until the last writer closes, as upstream's.
    pub(crate) fn digest(
        &self,
        algo: HashAlgo,
        now: impl FnOnce() -> Option<u64>,
    ) -> Option<Digest> {
        let &(d, version) = self.digests.iter().find(|(d, _)| d.algo() == algo)?;
        (version.is_none() || version == now()).then_some(d)
    }

    pub(crate) fn keep_digest(&mut self, digest: Digest, version: Option<u64>) -> Result {
        retain(&mut self.digests, |(d, _)| d.algo() != digest.algo());
        self.digests.push((digest, version), GFP_KERNEL)?;
        Ok(())
    }

    /// Tracks `file` (an open read-only file of this inode) as a reader.
    pub(crate) fn add_reader(&mut self, file: usize) -> Result {
        if !self.readers.contains(&file) {
            self.readers.push(file, GFP_KERNEL)?;
            TRACKED_READERS.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// `file` is released.
    pub(crate) fn remove_reader(&mut self, file: usize) {
        let before = self.readers.len();
        retain(&mut self.readers, |&f| f != file);
        TRACKED_READERS.fetch_sub(before - self.readers.len(), Ordering::Relaxed);
    }

    pub(crate) fn has_readers(&self) -> bool {
        !self.readers.is_empty()
    }

    /// Namespace `ns` measured the inode for a reader.
    pub(crate) fn set_may_emit_tomtou(&mut self, ns: u64) -> Result {
        if !self.may_emit_tomtou.contains(&ns) {
            self.may_emit_tomtou.push(ns, GFP_KERNEL)?;
        }
        Ok(())
    }

    /// Whether `ns` measured the inode for a reader since its last ToMToU.
    pub(crate) fn may_emit_tomtou(&self, ns: u64) -> bool {
        self.may_emit_tomtou.contains(&ns)
    }

    /// Whether `ns` reported open writers since the last writer closed.
    pub(crate) fn emitted_open_writers(&self, ns: u64) -> bool {
        self.emitted_open_writers.contains(&ns)
    }

    /// Test and clear: a writer may emit one ToMToU in `ns`.
    pub(crate) fn take_may_emit_tomtou(&mut self, ns: u64) -> bool {
        let before = self.may_emit_tomtou.len();
        retain(&mut self.may_emit_tomtou, |&id| id != ns);
        before != self.may_emit_tomtou.len()
    }

    /// Test and set: `ns` reports open writers once per writer period.
    pub(crate) fn first_open_writers(&mut self, ns: u64) -> Result<bool> {
        if self.emitted_open_writers.contains(&ns) {
            return Ok(false);
        }
        self.emitted_open_writers.push(ns, GFP_KERNEL)?;
        Ok(true)
    }

    /// The last writer closed.
    pub(crate) fn clear_open_writers(&mut self) {
        retain(&mut self.emitted_open_writers, |_| false);
    }

    /// The verdict `ns` reached under requirements `req`, unless the
    /// file changed since (`now()`, as [`IintState::digest`]).
    pub(crate) fn appraised(
        &self,
        ns: u64,
        req: u32,
        now: impl FnOnce() -> Option<u64>,
    ) -> Option<Verdict> {
        let &(_, _, version, v) = self
            .appraised
            .iter()
            .find(|&&(id, r, _, _)| id == ns && r == req)?;
        (version.is_none() || version == now()).then_some(v)
    }

    pub(crate) fn keep_verdict(
        &mut self,
        ns: u64,
        req: u32,
        version: Option<u64>,
        v: Verdict,
    ) -> Result {
        retain(&mut self.appraised, |&(id, r, _, _)| id != ns || r != req);
        self.appraised.push((ns, req, version, v), GFP_KERNEL)?;
        Ok(())
    }

    /// Test and set: `ns` audits this version once (`now()`: the cookie
    /// of the contents at hand).
    pub(crate) fn first_audit(&mut self, ns: u64, now: Option<u64>) -> Result<bool> {
        if self
            .audited
            .iter()
            .any(|&(id, v)| id == ns && (v.is_none() || v == now))
        {
            return Ok(false);
        }
        retain(&mut self.audited, |&(id, _)| id != ns);
        self.audited.push((ns, now), GFP_KERNEL)?;
        Ok(true)
    }

    /// `security.ima` (or another xattr appraisal depends on) changed:
    /// appraise and measure again everywhere (`IMA_CHANGE_XATTR`).
    pub(crate) fn forget_xattr_state(&mut self) {
        retain(&mut self.appraised, |_| false);
        retain(&mut self.measured, |_| false);
        retain(&mut self.audited, |_| false);
    }

    /// Something is cached that a change must invalidate.
    pub(crate) fn is_cached(&self) -> bool {
        self.is_measured()
            || !self.digests.is_empty()
            || !self.appraised.is_empty()
            || !self.audited.is_empty()
    }

    /// A writer closed the file with its cookie at `now`: namespaces that
    /// measured other contents, or cannot tell, measure it again. `None`
    /// forgets everything (a truncate: `ima_reset_action_flags()`).
    pub(crate) fn invalidate(&mut self, now: Option<u64>) {
        let unchanged = |version: Option<u64>| version.is_some() && version == now;
        retain(&mut self.measured, |&(_, version)| unchanged(version));
        retain(&mut self.digests, |&(_, version)| unchanged(version));
        retain(&mut self.appraised, |&(_, _, version, _)| {
            unchanged(version)
        });
        retain(&mut self.audited, |&(_, version)| unchanged(version));
    }
}

/// Keeps the elements for which `keep` holds, in order (`KVec` has no
/// `retain` in 6.12).
fn retain<T: Copy>(v: &mut KVec<T>, keep: impl Fn(&T) -> bool) {
    let mut kept = 0;
    for i in 0..v.len() {
        if keep(&v[i]) {
            v[kept] = v[i];
            kept += 1;
        }
    }
    crate::compat::truncate_copy(v, kept);
}

/// One inode's state; the mutex serialises its measurement, so concurrent
/// first opens hash the file once.
#[pin_data]
pub(crate) struct Iint {
    #[pin]
    pub(crate) state: Mutex<IintState>,
    /// An xattr changed (set from the xattr hooks, which run under the
    /// inode lock and so cannot take `state`); the next event forgets
    /// the verdicts under `state`.
    pub(crate) xattr_changed: AtomicBool,
}

impl Iint {
    /// Locks the state, first forgetting what an xattr change voided.
    pub(crate) fn lock(
        &self,
    ) -> kernel::sync::lock::Guard<'_, IintState, kernel::sync::lock::mutex::MutexBackend> {
        let mut state = self.state.lock();
        if self.xattr_changed.swap(false, Ordering::AcqRel) {
            state.forget_xattr_state();
        }
        state
    }
}

/// The inode cache of a namespace.
#[pin_data]
pub(crate) struct IintCache {
    /// Leaf lock: held only for tree lookups and (de)linking, never while
    /// allocating or hashing.
    #[pin]
    tree: SpinLock<RBTree<usize, Arc<Iint>>>,
}

impl IintCache {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self { tree <- new_spinlock!(RBTree::new(), "ima_ns_iint_tree") })
    }

    pub(crate) fn get(&self, inode: usize) -> Option<Arc<Iint>> {
        self.tree.lock().get(&inode).cloned()
    }

    pub(crate) fn get_or_create(&self, inode: usize) -> Result<Arc<Iint>> {
        if let Some(iint) = self.get(inode) {
            return Ok(iint);
        }
        // Allocate outside the spinlock, then link unless we lost a race.
        let iint = Arc::pin_init(
            pin_init!(Iint {
                state <- new_mutex!(IintState::default()),
                xattr_changed: AtomicBool::new(false),
            }),
            GFP_KERNEL,
        )?;
        let node = RBTreeNodeReservation::new(GFP_KERNEL)?;
        let mut tree = self.tree.lock();
        if let Some(existing) = tree.get(&inode) {
            return Ok(existing.clone());
        }
        tree.insert(node.into_node(inode, iint.clone()));
        Ok(iint)
    }

    /// Forgets an inode being freed.
    pub(crate) fn remove(&self, inode: usize) {
        let node = self.tree.lock().remove_node(&inode);
        drop(node); // after the lock is released
    }
}

impl Drop for IintState {
    fn drop(&mut self) {
        // Open files pin their inode, so this is 0 but for a missed
        // release; keep the global count right regardless.
        TRACKED_READERS.fetch_sub(self.readers.len(), Ordering::Relaxed);
    }
}
