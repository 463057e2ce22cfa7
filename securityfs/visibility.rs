// SPDX-License-Identifier: GPL-2.0
//! Who sees which `namespaces/<id>/`: a namespace sees its descendants
//! only (at every depth), the host sees all.
//!
//! `namespaces/` is one securityfs directory for the whole system, so the
//! hiding is done by the directory operations, for the task that asks:
//!
//! - reading `namespaces/` (`getdents`) passes `dcache_readdir()`'s output
//!   through a filter that drops the ids the reader may not see;
//! - each `<id>` directory has its own inode operations: `getattr`
//!   (stat), `permission` (every walk through it, open, opendir, chdir,
//!   access) and `setattr` (chmod, chown, utimes) fail with `ENOENT` for
//!   such a reader, as for a name that does not exist.
//!
//! The dcache stays the same for every reader and each access is checked
//! anew (installing clears `IOP_FASTPERM`, the VFS's cached "no
//! `->permission`"). Not `d_revalidate`: returning 0 would invalidate the
//! shared dentry for every reader, and swapping a live dentry's operations
//! cannot be undone safely before unload (a dentry pinned by a cwd would
//! call into freed memory); inode operations are swapped under `i_lock` and
//! given back before the directory is removed. Opening a file inside still
//! checks the opener (files.rs `descendant`).

use super::{zeroed_fops, Table, THIS_MODULE};
use crate::bindings;
use crate::namespace::NsRef;
use crate::state;
use core::ffi::{c_int, c_uint, c_void};
use core::ptr;
use kernel::ffi::c_char;
use kernel::prelude::*;

/// Whose view a check is for.
enum Reader {
    /// The host: sees every namespace.
    Host,
    /// A namespace: sees its proper descendants.
    Ns(NsRef),
}

impl Reader {
    /// The current task's view; `None` while the module is not running.
    fn current() -> Option<Self> {
        let st = state::get()?;
        let ns = st.current_ns();
        Some(if ns.is_host() {
            Reader::Host
        } else {
            Reader::Ns(ns)
        })
    }

    /// Whether this reader sees namespace `id`. Sleeps (registry mutex).
    fn sees(&self, id: u64) -> bool {
        let Reader::Ns(reader) = self else {
            return true;
        };
        state::get()
            .and_then(|st| st.lookup(id))
            .is_some_and(|t| !ptr::eq(&**reader, &*t) && reader.is_ancestor_of(&t))
    }

    /// Whether this reader sees the entry `name` of `namespaces/`.
    fn sees_entry(&self, name: &[u8]) -> bool {
        matches!(self, Reader::Host) || name == b"." || name == b".." || {
            parse_id(name).is_some_and(|id| self.sees(id))
        }
    }
}

/// A `<id>` directory name: decimal, as `NsDir` writes it.
fn parse_id(name: &[u8]) -> Option<u64> {
    if name.is_empty() || (name.len() > 1 && name[0] == b'0') {
        return None;
    }
    core::str::from_utf8(name).ok()?.parse().ok()
}

/// Whether the current task sees `namespaces/<id>`.
fn current_sees(id: u64) -> bool {
    Reader::current().is_some_and(|r| r.sees(id))
}

/// The namespace id a `<id>` directory inode carries in `i_private`.
///
/// # Safety
///
/// `inode` must be a live `<id>` directory inode made by [`create_ns_dir`].
unsafe fn inode_id(inode: *const bindings::inode) -> u64 {
    // SAFETY: the caller's contract; `i_private` is set before the dentry
    // is instantiated and never changes.
    unsafe { (*inode).i_private as usize as u64 }
}

// --- `namespaces/<id>`: inode operations

/// `MAY_NOT_BLOCK` (include/linux/fs.h): an RCU path walk.
const MAY_NOT_BLOCK: c_int = 0x80;

/// `inode_operations.permission` of `namespaces/<id>`: only tasks that may
/// see namespace `<id>` get past it (others: `ENOENT`).
///
/// # Safety
///
/// Called by the VFS only, on one of our `<id>` directory inodes.
unsafe extern "C" fn ns_dir_permission(
    idmap: *mut bindings::mnt_idmap,
    inode: *mut bindings::inode,
    mask: c_int,
) -> c_int {
    if mask & MAY_NOT_BLOCK != 0 {
        // The check sleeps: redo the walk in ref-walk mode.
        return ECHILD.to_errno();
    }
    // SAFETY: the VFS calls this on our `<id>` inode, which it references.
    if !current_sees(unsafe { inode_id(inode) }) {
        return ENOENT.to_errno();
    }
    // SAFETY: our arguments, passed on unchanged.
    unsafe { bindings::generic_permission(idmap, inode, mask) }
}

/// `inode_operations.getattr` of `namespaces/<id>`, with the same check.
///
/// # Safety
///
/// Called by the VFS only: `path` is a referenced path to one of our
/// `<id>` directories and `stat` is writable.
unsafe extern "C" fn ns_dir_getattr(
    idmap: *mut bindings::mnt_idmap,
    path: *const bindings::path,
    stat: *mut bindings::kstat,
    request_mask: u32,
    _flags: c_uint,
) -> c_int {
    // SAFETY: the VFS passes a referenced path to our `<id>` directory.
    let inode = unsafe { (*(*path).dentry).d_inode };
    // SAFETY: as above.
    if !current_sees(unsafe { inode_id(inode) }) {
        return ENOENT.to_errno();
    }
    // SAFETY: our arguments; `stat` is writable.
    unsafe { bindings::generic_fillattr(idmap, request_mask, inode, stat) };
    0
}

/// `inode_operations.setattr` of `namespaces/<id>`, with the same check.
///
/// # Safety
///
/// Called by the VFS only, on a referenced, positive `<id>` dentry.
unsafe extern "C" fn ns_dir_setattr(
    idmap: *mut bindings::mnt_idmap,
    dentry: *mut bindings::dentry,
    attr: *mut bindings::iattr,
) -> c_int {
    // SAFETY: the VFS passes our referenced `<id>` dentry, positive.
    if !current_sees(unsafe { inode_id((*dentry).d_inode) }) {
        return ENOENT.to_errno();
    }
    // SAFETY: our arguments, passed on unchanged (what the VFS calls
    // without a `->setattr`).
    unsafe { bindings::simple_setattr(idmap, dentry, attr) }
}

const fn zeroed_iops() -> bindings::inode_operations {
    // SAFETY: all-zero is a valid inode_operations (no callbacks).
    unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
}

/// `simple_dir_inode_operations` plus the checks.
static NS_DIR_IOPS: Table<bindings::inode_operations> = Table(bindings::inode_operations {
    lookup: Some(bindings::simple_lookup),
    permission: Some(ns_dir_permission),
    getattr: Some(ns_dir_getattr),
    setattr: Some(ns_dir_setattr),
    ..zeroed_iops()
});

// --- `namespaces/`: readdir

/// `dcache_readdir()`'s context, with what the filter needs.
///
/// # Invariants
///
/// `ctx` is the first field (`repr(C)`): a pointer to it is a pointer to
/// the `Filter`. `outer` is the caller's context, valid for the call.
#[repr(C)]
struct Filter {
    ctx: bindings::dir_context,
    outer: *mut bindings::dir_context,
    reader: Reader,
}

/// The `dir_context` actor that hides the `<id>` entries the reader may
/// not see, and passes the rest to the caller's actor.
///
/// # Safety
///
/// Called by `dcache_readdir()` only, from [`namespaces_iterate`]: `ctx`
/// is the `ctx` field of a live [`Filter`] and `name` has `len` bytes.
unsafe extern "C" fn filter_actor(
    ctx: *mut bindings::dir_context,
    name: *const c_char,
    len: c_int,
    offset: i64,
    ino: u64,
    d_type: c_uint,
) -> bool {
    // container_of: `ctx` is the first field of a `Filter` (invariant).
    let f = ctx.cast::<Filter>();
    // SAFETY: `dcache_readdir` passes a dentry name of `len` bytes.
    let entry = unsafe { core::slice::from_raw_parts(name.cast::<u8>(), len.max(0) as usize) };
    // SAFETY: `f` is live for the call (`namespaces_iterate`'s frame);
    // `reader` is only read.
    if !unsafe { &(*f).reader }.sees_entry(entry) {
        return true; // skipped; go on
    }
    // SAFETY: `outer` is the caller's context (invariant); its position is
    // kept equal to ours before the caller's actor sees it.
    unsafe {
        let outer = (*f).outer;
        (*outer).pos = (*ctx).pos;
        match (*outer).actor {
            Some(actor) => actor(outer, name, len, offset, ino, d_type),
            None => false,
        }
    }
}

/// `file_operations.iterate_shared` of `namespaces/`: `dcache_readdir()`
/// through [`filter_actor`].
///
/// # Safety
///
/// Called by the VFS only: `file` is the open `namespaces/` directory and
/// `ctx` its caller's valid context.
unsafe extern "C" fn namespaces_iterate(
    file: *mut bindings::file,
    ctx: *mut bindings::dir_context,
) -> c_int {
    let Some(reader) = Reader::current() else {
        return 0; // unloading: nothing to show
    };
    // SAFETY: the VFS passes a valid context for the call. A copy keeps
    // every field the kernel version has (`count` and `dt_flags_mask` in
    // 7.x) but the actor.
    let mut inner = unsafe { core::ptr::read(ctx) };
    inner.actor = Some(filter_actor);
    // INVARIANT: `ctx` first, `outer` valid for this call.
    let mut f = Filter {
        ctx: inner,
        outer: ctx,
        reader,
    };
    // SAFETY: `file` is the open `namespaces/` directory; `f.ctx` lives
    // across the call.
    let r = unsafe { bindings::dcache_readdir(file, &mut f.ctx) };
    // SAFETY: as above.
    unsafe { (*ctx).pos = f.ctx.pos };
    r
}

/// `simple_dir_operations` with the filtered readdir.
static NAMESPACES_FOPS: Table<bindings::file_operations> = Table(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(bindings::dcache_dir_open),
    release: Some(bindings::dcache_dir_close),
    llseek: Some(bindings::dcache_dir_lseek),
    read: Some(bindings::generic_read_dir),
    iterate_shared: Some(namespaces_iterate),
    fsync: Some(bindings::noop_fsync),
    ..zeroed_fops()
});

// --- installing

/// Gives the `namespaces/` directory its filtered readdir.
///
/// # Safety
///
/// `dir` must be the live `namespaces/` securityfs directory.
pub(super) unsafe fn install_namespaces(dir: *mut bindings::dentry) {
    // SAFETY: the caller's contract; the table is static.
    unsafe { bindings::ima_ns_dir_set_ops(dir, ptr::null(), &NAMESPACES_FOPS.0) };
}

/// Makes `namespaces/<id>` (in `parent`), carrying `id`; the dentry or an
/// `ERR_PTR`. Its checks are installed by [`install_ns_dir`] once its files
/// exist: making them walks through it as the creating task, which may not
/// see the namespace yet (it is registered after its directory).
///
/// # Safety
///
/// `name` must be NUL-terminated, `parent` the live `namespaces/`.
pub(super) unsafe fn create_ns_dir(
    name: *const c_char,
    parent: *mut bindings::dentry,
    id: u64,
) -> *mut bindings::dentry {
    /// `S_IFDIR | 0755`, as `securityfs_create_dir()`.
    const MODE: u16 = 0o040_755;
    // SAFETY: the caller's contract; the data is an integer, never
    // dereferenced. A directory gets the simple operations.
    unsafe {
        bindings::securityfs_create_file(
            name,
            MODE,
            parent,
            id as usize as *mut c_void,
            ptr::null(),
        )
    }
}

/// Installs the checks on a `<id>` directory made by [`create_ns_dir`].
///
/// Until then a `stat` of it succeeds: its namespace is not registered
/// yet, so no reader but the host lists it, nothing inside can be opened
/// (files.rs), and that the id exists is what the id counter tells anyone
/// who creates a namespace.
///
/// # Safety
///
/// `dir` must be a live `<id>` directory made by [`create_ns_dir`].
pub(super) unsafe fn install_ns_dir(dir: *mut bindings::dentry) {
    // SAFETY: the caller's contract; the table is static.
    unsafe { bindings::ima_ns_dir_set_ops(dir, &NS_DIR_IOPS.0, ptr::null()) };
}

/// Gives a directory back the simple operations, before it is removed: a
/// task holding it (cwd, `O_PATH`) must not call into an unloaded module.
///
/// # Safety
///
/// `dir` must be a live securityfs directory.
pub(super) unsafe fn restore(dir: *mut bindings::dentry) {
    // SAFETY: the caller's contract.
    unsafe { bindings::ima_ns_dir_set_ops(dir, ptr::null(), ptr::null()) };
}
