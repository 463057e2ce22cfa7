//! Per-inode integrity state (upstream's `iint`): whether an inode was
//! measured, and the change cookie it had then.
//!
//! A module cannot reserve an inode security blob, so the state lives in a
//! tree keyed by inode address; entries go when the inode is freed
//! (`inode_free_security`), so a reused address never sees stale state.

use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNodeReservation};
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::{new_mutex, new_spinlock};

/// What is known about one inode.
#[derive(Default)]
pub(crate) struct IintState {
    /// Measured since it last changed.
    pub(crate) measured: bool,
    /// Change cookie when measured; `None` if the filesystem has none.
    pub(crate) version: Option<u64>,
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
