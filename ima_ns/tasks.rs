// SPDX-License-Identifier: GPL-2.0
//! Which IMA namespace each task is in, and which it holds for children.
//!
//! A module cannot reserve a task security blob, so this is a tree keyed
//! by task address, filled by `task_alloc` and emptied by `task_free`.
//! Tasks without an entry are in the host namespace with no namespace for
//! children, so the tree holds only tasks that use namespaces, and the
//! hooks skip it entirely while it is empty.
//!
//! `task_free` runs in softirq (an RCU callback) for most tasks, so the
//! tree's lock keeps softirqs off, and what it drops there only queues
//! work (see [`Membership`] and [`NsRef`]).

use crate::bh::BhSpinLock;
use crate::namespace::{Membership, NsRef};
use core::sync::atomic::{AtomicUsize, Ordering};
use ima_model::Entry;
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNodeReservation};

/// The namespaces of one task.
pub(crate) struct TaskIma {
    /// `None`: the host namespace.
    ns: Option<Membership>,
    /// `None`: children stay in `ns`.
    for_children: Option<Membership>,
    /// When children enter `for_children` (see [`Entry`]).
    entry: Entry,
}

/// What the current task holds for its children.
pub(crate) struct Held {
    pub(crate) ns: NsRef,
    pub(crate) entry: Entry,
}

#[pin_data]
pub(crate) struct TaskMap {
    #[pin]
    tree: BhSpinLock<RBTree<usize, TaskIma>>,
    /// Number of entries, read without the lock by the hooks' fast path.
    len: AtomicUsize,
}

/// Current's `task_struct` address, only used as a key (the kernel
/// crate's `current!()`, as `task_free` gets the same pointer).
fn current_task() -> usize {
    fn addr(task: &kernel::task::Task) -> usize {
        core::ptr::from_ref(task) as usize
    }
    addr(kernel::current!())
}

impl TaskMap {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            tree <- BhSpinLock::new(
                RBTree::new(),
                kernel::c_str!("ima_ns_tasks"),
                kernel::static_lock_class!()
            ),
            len: AtomicUsize::new(0),
        })
    }

    /// `f` of the current task's entry, under the lock; `None` when the
    /// task has none (the host). No lock while no namespace exists: the
    /// hooks' path.
    fn with_current<R>(&self, f: impl FnOnce(&TaskIma) -> Option<R>) -> Option<R> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        f(self.tree.lock().get(&current_task())?)
    }

    /// The current task's namespace and namespace for children; `None`
    /// means the host, and no namespace for children.
    pub(crate) fn current(&self) -> (Option<NsRef>, Option<NsRef>) {
        self.with_current(|t| {
            Some((
                t.ns.as_ref().map(Membership::to_ref),
                t.for_children.as_ref().map(Membership::to_ref),
            ))
        })
        .unwrap_or((None, None))
    }

    /// The current task's namespace (`None`: the host) and what it holds
    /// for its children, with how they enter.
    pub(crate) fn current_full(&self) -> (Option<NsRef>, Option<Held>) {
        self.with_current(|t| {
            Some((
                t.ns.as_ref().map(Membership::to_ref),
                t.for_children.as_ref().map(|h| Held {
                    ns: h.to_ref(),
                    entry: t.entry,
                }),
            ))
        })
        .unwrap_or((None, None))
    }

    /// The current task's namespace (`None`: the host). The hooks' path:
    /// one reference.
    pub(crate) fn current_ns(&self) -> Option<NsRef> {
        self.with_current(|t| t.ns.as_ref().map(Membership::to_ref))
    }

    /// Makes `holder` the current task's namespace for children, entered
    /// as `entry` says.
    pub(crate) fn set_for_children(&self, holder: Membership, entry: Entry) -> Result {
        let task = current_task();
        let node = RBTreeNodeReservation::new(GFP_KERNEL)?;
        let mut tree = self.tree.lock();
        let old = match tree.get_mut(&task) {
            Some(t) => {
                t.entry = entry;
                t.for_children.replace(holder)
            }
            None => {
                let entry = TaskIma {
                    ns: None,
                    for_children: Some(holder),
                    entry,
                };
                tree.insert(node.into_node(task, entry));
                self.len.fetch_add(1, Ordering::AcqRel);
                None
            }
        };
        drop(tree);
        drop(old); // outside the lock
        Ok(())
    }

    /// `task_alloc`: a new task joins the current task's namespace for
    /// children, or its namespace; threads always join its namespace.
    /// Under [`Entry::NewPidNs`] only a child born into a new PID
    /// namespace (`new_pidns`) enters; any other child (threads too)
    /// stays in the current task's namespace and inherits the hold.
    pub(crate) fn task_alloc(&self, task: usize, thread: bool, new_pidns: bool) -> Result {
        let (own, held) = self.current_full();
        // Threads inherit a gated hold too: a Go runtime forks from any
        // of its threads.
        let gated = !new_pidns && held.as_ref().is_some_and(|h| h.entry == Entry::NewPidNs);
        let pending = held.map(|h| h.ns);
        let (target, hold) = match (thread, pending, own) {
            (_, Some(p), own) if gated => (own, Some(p)),
            (false, Some(p), _) => (Some(p), None),
            (_, _, Some(o)) => (Some(o), None),
            _ => return Ok(()), // host, nothing to record
        };
        let member = target
            .map(|t| Membership::join(t.arc(), true))
            .transpose()?;
        let holder = hold.map(|h| Membership::join(h.arc(), false)).transpose()?;
        let node = RBTreeNodeReservation::new(GFP_KERNEL)?;
        let entry = TaskIma {
            ns: member,
            for_children: holder,
            entry: if gated { Entry::NewPidNs } else { Entry::Fork },
        };
        let mut tree = self.tree.lock();
        // An entry left for this address would be a task that was never
        // freed through the hook: replace it.
        let old = tree.insert(node.into_node(task, entry));
        if old.is_none() {
            self.len.fetch_add(1, Ordering::AcqRel);
        }
        drop(tree);
        drop(old);
        Ok(())
    }

    /// `task_free`, possibly in softirq.
    pub(crate) fn task_free(&self, task: usize) {
        if self.len.load(Ordering::Acquire) == 0 {
            return;
        }
        let mut tree = self.tree.lock();
        let node = tree.remove_node(&task);
        if node.is_some() {
            self.len.fetch_sub(1, Ordering::AcqRel);
        }
        drop(tree);
        // Outside the lock; only queues work (softirq-safe).
        drop(node);
    }

    /// Empties the map (unload).
    pub(crate) fn clear(&self) {
        let old = core::mem::take(&mut *self.tree.lock());
        self.len.store(0, Ordering::Release);
        drop(old);
    }
}
