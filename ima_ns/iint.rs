//! Per-inode integrity state (upstream's `iint`): which namespaces measured
//! an inode, its digests, and the change cookie it had then. One cache for
//! all namespaces, so a file is hashed once per algorithm until it changes,
//! however many namespaces record or report it.
//!
//! A module cannot reserve an inode security blob, so the state lives in a
//! tree keyed by inode address; entries go when the inode is freed
//! (`inode_free_security`), so a reused address never sees stale state.

use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNodeReservation};
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::{new_mutex, new_spinlock};

/// What is known about one inode.
#[derive(Default)]
pub(crate) struct IintState {
    /// Namespaces (by id) that measured it since it last changed, with the
    /// change cookie it had then (`None`: the filesystem keeps none). Ids
    /// are never reused, so an ended namespace's entry is inert; it goes
    /// with the next change or with the inode.
    measured: KVec<(u64, Option<u64>)>,
    /// Digests of the contents, with the change cookie taken before they
    /// were read (upstream's IMA_COLLECTED hash).
    digests: KVec<(Digest, Option<u64>)>,
}

impl IintState {
    pub(crate) fn measured_in(&self, ns: u64) -> bool {
        self.measured.iter().any(|&(id, _)| id == ns)
    }

    pub(crate) fn mark(&mut self, ns: u64, version: Option<u64>) -> Result {
        self.measured.push((ns, version), GFP_KERNEL)?;
        Ok(())
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

    /// Something is cached that a change must invalidate.
    pub(crate) fn is_cached(&self) -> bool {
        self.is_measured() || !self.digests.is_empty()
    }

    /// A writer closed the file with its cookie at `now`: namespaces that
    /// measured other contents, or cannot tell, measure it again.
    pub(crate) fn invalidate(&mut self, now: Option<u64>) {
        let unchanged = |version: Option<u64>| version.is_some() && version == now;
        retain(&mut self.measured, |&(_, version)| unchanged(version));
        retain(&mut self.digests, |&(_, version)| unchanged(version));
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
    // SAFETY: `kept <= len`, the first `kept` elements are initialised,
    // and the elements dropped from the end are `Copy` (no destructor).
    unsafe { v.set_len(kept) };
}

/// One inode's state; the mutex serialises its measurement, so concurrent
/// first opens hash the file once.
#[pin_data]
pub(crate) struct Iint {
    #[pin]
    pub(crate) state: Mutex<IintState>,
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
            pin_init!(Iint { state <- new_mutex!(IintState::default()) }),
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
