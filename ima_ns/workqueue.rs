// SPDX-License-Identifier: GPL-2.0
//! The module's own workqueue: namespace teardown runs here, so it can
//! sleep, and unloading drains it.

use crate::bindings;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;
use kernel::workqueue::Queue;

/// The queue while the module lives; null before init and after teardown.
static QUEUE: AtomicPtr<bindings::workqueue_struct> = AtomicPtr::new(ptr::null_mut());

/// Owns the queue: created at init, destroyed (after draining) on drop.
///
/// # Invariants
///
/// `QUEUE` holds the queue's address from `new` until `drop`, and only
/// then; at most one `OwnedQueue` exists.
pub(crate) struct OwnedQueue(NonNull<bindings::workqueue_struct>);

// SAFETY: a workqueue can be used and destroyed from any thread.
unsafe impl Send for OwnedQueue {}
// SAFETY: `&OwnedQueue` gives no access to the queue.
unsafe impl Sync for OwnedQueue {}

impl OwnedQueue {
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: no preconditions.
        let q = NonNull::new(unsafe { bindings::ima_ns_alloc_workqueue() }).ok_or(ENOMEM)?;
        QUEUE.store(q.as_ptr(), Ordering::Release);
        Ok(Self(q))
    }
}

impl OwnedQueue {
    /// Runs everything queued, and what that queues, until the queue is
    /// empty.
    pub(crate) fn drain(&self) {
        // SAFETY: the queue is live (type invariant).
        unsafe { bindings::drain_workqueue(self.0.as_ptr()) };
    }
}

impl Drop for OwnedQueue {
    fn drop(&mut self) {
        // Runs (and waits for) everything queued, including work queued by
        // queued work, then frees the queue. Items queued after this point
        // would be lost, so teardown drops every namespace before.
        // SAFETY: the queue is live (type invariant) and dropped once.
        unsafe { bindings::destroy_workqueue(self.0.as_ptr()) };
        QUEUE.store(ptr::null_mut(), Ordering::Release);
    }
}

/// The module's queue, if it exists.
pub(crate) fn queue() -> Option<&'static Queue> {
    let q = QUEUE.load(Ordering::Acquire);
    if q.is_null() {
        return None;
    }
    // SAFETY: by the `OwnedQueue` invariant a non-null value is a live
    // queue; it is destroyed only after every namespace (the only users)
    // is gone, so no caller holds the reference across the destroy.
    Some(unsafe { Queue::from_raw(q.cast()) })
}
