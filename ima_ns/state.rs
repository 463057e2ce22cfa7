// SPDX-License-Identifier: GPL-2.0
//! The module's global state: the host namespace, the registry of child
//! namespaces, the task map, the inode cache and the hash transforms.
//!
//! Built once at init and published for the hooks and files; withdrawn at
//! exit only after the hooks are off and every child namespace is gone.

use crate::crypto::FileHasher;
use crate::iint::IintCache;
use crate::namespace::{DirHandle, ImaNamespace, Membership, NsRef, Upcalls};
use crate::tasks::TaskMap;
use crate::template::TemplateRef;
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use ima_model::Entry;
use ima_template::{EventData, IMA_BUF};
use ima_tpm::HashAlgo;
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::{Arc, Mutex};

/// One transform per algorithm a namespace may choose, allocated once.
pub(crate) struct Hashers([Option<FileHasher>; 4]);

impl Hashers {
    fn new() -> Result<Self> {
        let mut all = [None, None, None, None];
        for (slot, algo) in all.iter_mut().zip(HashAlgo::ALL) {
            // A missing algorithm only makes it unavailable.
            *slot = FileHasher::new(algo).ok();
        }
        Ok(Self(all))
    }

    pub(crate) fn get(&self, algo: HashAlgo) -> Result<&FileHasher> {
        let i = HashAlgo::ALL
            .iter()
            .position(|&a| a == algo)
            .ok_or(EINVAL)?;
        self.0[i].as_ref().ok_or(ENOENT)
    }
}

#[pin_data]
pub(crate) struct ImaState {
    pub(crate) host: NsRef,
    #[pin]
    pub(crate) iints: IintCache,
    pub(crate) hashers: Hashers,
    #[pin]
    pub(crate) tasks: TaskMap,
    /// Child namespaces from creation until they end, by id: the files
    /// under `namespaces/` find them here (their inodes hold only the id).
    #[pin]
    registry: Mutex<RBTree<u64, Arc<ImaNamespace>>>,
    next_id: AtomicU64,
    /// EVM's machine-wide part: the HMAC key, the protected xattrs.
    #[pin]
    pub(crate) evm: crate::evm_state::Evm,
}

static STATE: AtomicPtr<ImaState> = AtomicPtr::new(ptr::null_mut());

/// The module's state, once published.
pub(crate) fn get() -> Option<&'static ImaState> {
    let p = STATE.load(Ordering::Acquire);
    // SAFETY: `publish` stores a pointer to pinned state that `withdraw`
    // clears before it is freed, and it is freed only after the hooks are
    // disabled, the files removed (none open: they pin the module) and the
    // workqueue drained: nothing holds the reference across the free.
    unsafe { p.as_ref() }
}

/// Makes `st` the module's state.
///
/// # Safety
///
/// `st` must stay pinned and alive until [`withdraw`] is called and no
/// caller of [`get`] can still run.
pub(crate) unsafe fn publish(st: &ImaState) {
    STATE.store(ptr::from_ref(st).cast_mut(), Ordering::Release);
    crate::namespace::set_upcalls(Some(&UPCALLS));
}

pub(crate) fn withdraw() {
    crate::namespace::set_upcalls(None);
    STATE.store(ptr::null_mut(), Ordering::Release);
}

/// What namespaces ask of the state: see [`Upcalls`].
static UPCALLS: Upcalls = Upcalls {
    ended: |id| {
        if let Some(st) = get() {
            st.registry_remove(id);
        }
    },
    record_buffer: |ns, name, bytes| get().ok_or(ENODEV)?.record_buffer(ns, name, bytes),
};

impl ImaState {
    pub(crate) fn new(host: Arc<ImaNamespace>) -> Result<Pin<KBox<Self>>> {
        KBox::pin_init(
            try_pin_init!(Self {
                host: NsRef::from(host),
                iints <- IintCache::new(),
                hashers: Hashers::new()?,
                tasks <- TaskMap::new(),
                registry <- new_mutex!(RBTree::new(), "ima_ns_registry"),
                next_id: AtomicU64::new(1),
                evm <- crate::evm_state::Evm::new()?,
            }? Error),
            GFP_KERNEL,
        )
    }

    /// The namespace of the current task.
    pub(crate) fn current_ns(&self) -> NsRef {
        self.tasks.current_ns().unwrap_or_else(|| self.host.clone())
    }

    /// Runs `f` on the current task's namespace; for host tasks without
    /// taking a reference.
    pub(crate) fn with_current_ns<R>(&self, f: impl FnOnce(&ImaNamespace) -> R) -> R {
        match self.tasks.current_ns() {
            Some(ns) => f(&ns),
            None => f(&self.host),
        }
    }

    /// A live child namespace by id.
    pub(crate) fn lookup(&self, id: u64) -> Option<NsRef> {
        self.registry.lock().get(&id).cloned().map(NsRef::from)
    }

    pub(crate) fn registry_remove(&self, id: u64) {
        let node = self.registry.lock().remove_node(&id);
        drop(node); // outside the lock
    }

    /// `ns_unshare`: a new child of the caller's namespace becomes the
    /// caller's namespace for children. `make_dir` makes its
    /// `namespaces/<id>/` (the entry tier's securityfs files).
    pub(crate) fn unshare(
        &self,
        entry: Entry,
        make_dir: impl FnOnce(u64) -> Result<DirHandle>,
    ) -> Result<u64> {
        let (own, pending) = self.tasks.current();
        if pending.as_ref().is_some_and(|p| !p.is_active()) {
            pr_err!("ns_unshare: this task already has an unused namespace for children\n");
            return Err(EBUSY);
        }
        let parent = own.unwrap_or_else(|| self.host.clone());
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let ns = ImaNamespace::new_child(id, parent)?;
        let dir = make_dir(id)?;
        ns.set_dir(dir);
        self.registry
            .lock()
            .try_create_and_insert(id, ns.clone(), GFP_KERNEL)?;
        // Registered: from here, dropping the holder on an error ends the
        // namespace properly (anchor, directory, registry).
        self.tasks
            .set_for_children(Membership::join(ns, false)?, entry)?;
        pr_info!("namespace {} created\n", id);
        Ok(id)
    }

    /// `ns_join`: the active namespace `id`, a proper descendant of the
    /// caller's, becomes the caller's namespace for children (as setns()
    /// for its future children). A namespace that is not the caller's
    /// descendant is `ENOENT`, as in `namespaces/`.
    pub(crate) fn join(&self, id: u64, entry: Entry) -> Result {
        let (own, pending) = self.tasks.current();
        if pending.as_ref().is_some_and(|p| !p.is_active()) {
            pr_err!("ns_join: this task already has an unused namespace for children\n");
            return Err(EBUSY);
        }
        let own = own.unwrap_or_else(|| self.host.clone());
        let target = self.lookup(id).ok_or(ENOENT)?;
        if core::ptr::eq(&*own, &*target) || !own.is_ancestor_of(&target) {
            return Err(ENOENT);
        }
        if !target.is_active() {
            pr_err!("ns_join: namespace {} has no member yet\n", id);
            return Err(EINVAL);
        }
        // Fails (ENOENT) once its last user is gone: it has ended.
        let holder = Membership::join_live(target.arc())?;
        self.tasks.set_for_children(holder, entry)?;
        pr_info!("ns_join: namespace {} held for children\n", id);
        Ok(())
    }

    /// Appends an `ima-buf` entry named `name` holding `bytes` to `ns`'s
    /// list: events the module itself reports (hooks off and on, an
    /// agent's model state), with the bytes a verifier needs in the list.
    /// With `host=ima`, the host's go to built-in IMA's list instead.
    pub(crate) fn record_buffer(&self, ns: &ImaNamespace, name: &[u8], bytes: &[u8]) -> Result {
        if ns.is_host() && crate::coexist::get().host_is_builtin() {
            return crate::coexist::critical_data_event(name, bytes);
        }
        let digest = self.hashers.get(ns.algo())?.hash_buf(bytes)?;
        let mut event = EventData::new(&digest, name);
        event.buf = Some(bytes);
        ns.record_event(Some(TemplateRef::Builtin(&IMA_BUF)), &event)
    }

    /// Drops every task's namespaces (unload: the hooks are already off).
    pub(crate) fn forget_tasks(&self) {
        self.tasks.clear();
    }
}
