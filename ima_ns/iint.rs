// SPDX-License-Identifier: GPL-2.0
//! Per-inode integrity state (upstream's `iint`): which namespaces measured
//! an inode, its digests, and the change cookie it had then. One cache for
//! all namespaces, so a file is hashed once per algorithm until it changes,
//! however many namespaces record or report it. The state and its
//! transitions are the pure `ima_iint` crate's; this is the shell (the
//! tree and the locks; open readers are the kernel's `i_readcount`).
//!
//! A module cannot reserve an inode security blob, so the state lives in a
//! tree keyed by inode address; entries go when the inode is freed
//! (`inode_free_security`), so a reused address never sees stale state.

use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};
use ima_iint::{List, Real, State, Storage};
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNodeReservation};
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::{new_mutex, new_spinlock};

/// A cached appraisal verdict (`ima_file_status` and `IMA_DIGSIG`).
pub(crate) use ima_plan::Verdict;

/// The state's lists, in `KVec`s.
pub(crate) struct Kernel;

impl Storage for Kernel {
    type Error = Error;
    type List<T: Copy> = KList<T>;
}

/// A `KVec` as the state's list.
pub(crate) struct KList<T>(KVec<T>);

impl<T> Default for KList<T> {
    fn default() -> Self {
        Self(KVec::new())
    }
}

impl<T: Copy> List<T> for KList<T> {
    type Error = Error;

    fn as_slice(&self) -> &[T] {
        &self.0
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.0
    }

    fn try_push(&mut self, t: T) -> Result {
        self.0.push(t, GFP_KERNEL)?;
        Ok(())
    }

    fn truncate(&mut self, len: usize) {
        crate::compat::truncate_copy(&mut self.0, len);
    }
}

/// What is known about one inode: the pure state machine
/// (`ima_iint::State`).
#[derive(Default)]
pub(crate) struct IintState(State<Kernel>);

impl Deref for IintState {
    type Target = State<Kernel>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for IintState {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl IintState {
    /// On a stacked filesystem: see [`State::check_stacked`].
    pub(crate) fn check_stacked(&mut self, real: Real) {
        self.0.check_stacked(real);
    }
}

/// One inode's state; the mutex serialises its measurement, so concurrent
/// first opens hash the file once. With the `Arc`'s count, 128 bytes on a
/// kernel without mutex debugging (kmalloc-128; `ima_iint`'s state is 80,
/// checked by its tests), plus the tree's node (kmalloc-64) and the lists.
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
