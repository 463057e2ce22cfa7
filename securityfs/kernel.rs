// SPDX-License-Identifier: GPL-2.0
//! `/sys/kernel/security/ima/` (or the directory `securityfs_dir=`
//! chose, see `ima_ns/coexist.rs`): the files upstream IMA serves, in its
//! formats, each showing the opener's namespace; plus the namespace files
//! (`ns_*`, `vpcr`, `for_children/`, `namespaces/<id>/`).
//!
//! One set of file operations serves every file; `files.rs` says what each
//! file is. Reads go through seq_file, so a reader never copies a list.

mod files;
mod visibility;

use crate::bindings;
use crate::compat::seq_file::{SeqFile, SeqFileExt};
use crate::compat::CStrExt;
use crate::list::Measurement;
use crate::namespace::NsRef;
use core::ffi::{c_int, c_void, CStr};
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicPtr, Ordering};
use files::{Kind, Scope, Spec, Writer};
use ima_template::{Entry, Overflow, Sink};
use ima_tpm::HashAlgo;
use kernel::ffi::c_char;
use kernel::prelude::*;

/// A seq_file being filled by a `show` callback.
struct SeqSink<'a>(&'a SeqFile);

impl Sink for SeqSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        // On overflow seq_file retries the record with a larger buffer.
        if self.0.write_bytes(bytes) {
            Ok(())
        } else {
            Err(Overflow)
        }
    }
}

impl core::fmt::Write for SeqSink<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.put(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}

/// `file_operations` and `seq_operations` hold raw pointers, so they are
/// not `Sync` by themselves.
///
/// # Invariants
///
/// A table is never written after its static initialisation.
#[repr(transparent)]
struct Table<T>(T);
// SAFETY: immutable (type invariant), so sharing it is sound.
unsafe impl<T> Sync for Table<T> {}

/// `owner` of our file operations: an open file pins the module.
/// Taking an extern static's address is safe; the loader fills the struct
/// in before any file can be opened.
const THIS_MODULE: *mut bindings::module = ptr::addr_of!(bindings::__this_module).cast_mut();

const fn zeroed_fops() -> bindings::file_operations {
    // SAFETY: all-zero is a valid file_operations (no callbacks).
    unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
}

/// What a file opened for read shows: `seq_file.private`.
struct View {
    /// What the file is; for lists, `bank` says whose template digests
    /// they show (`None`: SHA-1).
    spec: Spec,
    ns: NsRef,
}

/// The seq_file a `seq_operations` callback was given, and its view.
///
/// # Safety
///
/// `m` must be a seq_file opened by [`ima_open`], not yet released, that
/// only this thread uses for `'a` (seq_file holds its lock during the
/// callbacks).
unsafe fn seq_view<'a>(m: *mut bindings::seq_file) -> (&'a SeqFile, &'a View) {
    // SAFETY: valid and ours alone for `'a`, as the caller promises.
    let m = unsafe { SeqFile::from_glue(m) };
    // SAFETY: `ima_open` stored a live `KBox<View>` in `private`, freed
    // only in `ima_release`.
    (m, unsafe { &*m.private().cast::<View>() })
}

// --- the measurement lists

/// `seq_operations.start` of a list file: the entry at `*pos`, or NULL past
/// the end.
///
/// # Safety
///
/// Called by seq_file only: `m` is a seq_file opened by [`ima_open`] on a
/// list file, not yet released, and `pos` is valid.
unsafe extern "C" fn list_start(m: *mut bindings::seq_file, pos: *mut i64) -> *mut c_void {
    // SAFETY: seq_file passes a valid position and its own seq_file.
    let (index, (_, view)) = unsafe { (*pos as usize, seq_view(m)) };
    match view.ns.list.get(index) {
        Some(e) => ptr::from_ref(e).cast_mut().cast(),
        None => ptr::null_mut(),
    }
}

/// `seq_operations.next`: advances `*pos` and returns that entry.
///
/// # Safety
///
/// As [`list_start`].
unsafe extern "C" fn list_next(
    m: *mut bindings::seq_file,
    _v: *mut c_void,
    pos: *mut i64,
) -> *mut c_void {
    // SAFETY: seq_file passes a valid position.
    unsafe { *pos += 1 };
    // SAFETY: same contract as `list_start`.
    unsafe { list_start(m, pos) }
}

/// `seq_operations.stop`: nothing to release (entries are never freed
/// while the view's namespace reference is held).
///
/// # Safety
///
/// As [`list_start`] (the arguments are not used).
unsafe extern "C" fn list_stop(_m: *mut bindings::seq_file, _v: *mut c_void) {}

/// `seq_operations.show`: writes one entry, ASCII or binary.
///
/// # Safety
///
/// As [`list_start`]; `v` is what `list_start`/`list_next` returned.
unsafe extern "C" fn list_show(m: *mut bindings::seq_file, v: *mut c_void) -> c_int {
    // SAFETY: `v` came from `list_start`/`list_next`: an entry of a list
    // that the view's namespace reference keeps alive.
    let e = unsafe { &*v.cast::<Measurement>() };
    // SAFETY: `m` is our seq_file.
    let (m, view) = unsafe { seq_view(m) };
    let binary = view.spec.kind == Kind::BinaryList;
    // `open` checked that the list carries the bank.
    let Some(digest) = view
        .ns
        .list
        .bank_digest(e, view.spec.bank.unwrap_or(HashAlgo::Sha1))
    else {
        return 0;
    };
    let entry = Entry {
        pcr: e.pcr,
        template: &e.template,
        data: &e.data,
        digest: &digest,
    };
    let mut out = SeqSink(m);
    // Overflow is handled by seq_file (it retries with a larger buffer).
    // A malformed entry cannot come from our own encoder; it is skipped.
    let _ = if binary {
        entry.write_binary(&mut out).map_err(|_| ())
    } else {
        entry.write_ascii(&mut out).map_err(|_| ())
    };
    0
}

static LIST_SEQ_OPS: Table<bindings::seq_operations> = Table(bindings::seq_operations {
    start: Some(list_start),
    next: Some(list_next),
    stop: Some(list_stop),
    show: Some(list_show),
});

// --- value files

/// `single_open`'s `show` of a value file (policy, template, hash, ...).
///
/// # Safety
///
/// Called by seq_file only: `m` is a seq_file [`ima_open`] opened with
/// `single_open()`, not yet released.
unsafe extern "C" fn value_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: `m` is our seq_file.
    let (m, view) = unsafe { seq_view(m) };
    // A failed write is seq_file's overflow: it retries with more room.
    let _ = files::show(view.spec, &view.ns, &mut SeqSink(m));
    0
}

// --- one set of file operations for every file

/// What file of ours `inode` is.
///
/// # Safety
///
/// `inode` is a valid inode (the VFS passes one to every callback).
unsafe fn spec_of(inode: *mut bindings::inode) -> Option<Spec> {
    // SAFETY: valid, as the caller promises; `i_private` was set at
    // creation and never changes.
    Spec::decode(unsafe { (*inode).i_private } as usize)
}

/// The file's access mode (`O_RDONLY`, `O_WRONLY`, `O_RDWR`).
///
/// # Safety
///
/// `file` is a valid file (the VFS passes one to every callback).
unsafe fn access_mode(file: *mut bindings::file) -> u32 {
    // SAFETY: valid, as the caller promises; `f_flags`' access mode is
    // fixed at open.
    (unsafe { (*file).f_flags }) & bindings::O_ACCMODE
}

/// `file_operations.open` of every file of ours.
///
/// # Safety
///
/// Called by the VFS only: `inode` is one of our securityfs inodes and
/// `file` the file being opened on it.
unsafe extern "C" fn ima_open(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: the VFS's arguments (function safety requirements).
    match unsafe { open(inode, file) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// [`ima_open`]'s work, with `?`.
///
/// # Safety
///
/// As [`ima_open`].
unsafe fn open(inode: *mut bindings::inode, file: *mut bindings::file) -> Result {
    // SAFETY: the VFS's arguments (function safety requirements).
    let (spec, mode) = unsafe { (spec_of(inode), access_mode(file)) };
    let spec = spec.ok_or(ENODEV)?;
    let write = match mode {
        bindings::O_RDONLY => false,
        bindings::O_WRONLY => true,
        // As upstream's policy file: read or write, not both.
        _ => return Err(EACCES),
    };
    let ns = files::resolve(spec, write)?;
    if spec.kind == Kind::Events {
        // The agent: one reader at a time, until it closes or dies.
        ns.model.connect()?;
        let reader = KBox::new(ns.clone(), GFP_KERNEL).inspect_err(|_| ns.model.disconnect())?;
        // SAFETY: private_data is ours until release.
        unsafe { (*file).private_data = KBox::into_raw(reader).cast() };
        return Ok(());
    }
    if write {
        let w = Writer::new(spec, ns)?;
        // SAFETY: private_data is ours until release, which takes the box
        // back as pinned; nothing moves the writer in between.
        unsafe { (*file).private_data = KBox::into_raw(Pin::into_inner_unchecked(w)).cast() };
        return Ok(());
    }
    let view = KBox::into_raw(KBox::new(View { spec, ns }, GFP_KERNEL)?);
    // SAFETY: `file` is being opened; the ops table is static.
    let r = unsafe {
        if spec.kind.is_list() {
            let r = bindings::seq_open(file, &LIST_SEQ_OPS.0);
            if r == 0 {
                (*(*file).private_data.cast::<bindings::seq_file>()).private = view.cast();
            }
            r
        } else {
            bindings::single_open(file, Some(value_show), view.cast())
        }
    };
    if r != 0 {
        // SAFETY: not stored anywhere: take it back.
        drop(unsafe { KBox::from_raw(view) });
        return Err(Error::from_errno(r));
    }
    Ok(())
}

/// `file_operations.release`: frees what [`ima_open`] stored.
///
/// # Safety
///
/// Called by the VFS only, once per successful [`ima_open`], with the
/// same `inode` and `file`, after every other call on the file returned.
unsafe extern "C" fn ima_release(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: the VFS's arguments (function safety requirements).
    let Some(spec) = (unsafe { spec_of(inode) }) else {
        return 0;
    };
    if spec.kind == Kind::Events {
        // SAFETY: `open` stored a KBox<NsRef> here; we take it back.
        let ns = unsafe { KBox::from_raw((*file).private_data.cast::<NsRef>()) };
        ns.model.disconnect();
        return 0;
    }
    // SAFETY: as above.
    if unsafe { access_mode(file) } == bindings::O_WRONLY {
        // SAFETY: `open` stored a pinned KBox<Writer> here; release runs
        // once no write is in progress, so we take it back whole.
        let w =
            unsafe { Pin::new_unchecked(KBox::from_raw((*file).private_data.cast::<Writer>())) };
        w.finish();
        return 0;
    }
    // SAFETY: `open` stored the view in the seq_file's private; the
    // seq_file goes in the release below, the view right after.
    let view = unsafe {
        KBox::from_raw(
            (*(*file).private_data.cast::<bindings::seq_file>())
                .private
                .cast::<View>(),
        )
    };
    // SAFETY: opened by seq_open / single_open respectively.
    unsafe {
        if spec.kind.is_list() {
            bindings::seq_release(inode, file);
        } else {
            bindings::single_release(inode, file);
        }
    }
    drop(view);
    0
}

/// `file_operations.write` of the writable files.
///
/// # Safety
///
/// Called by the VFS only, on a file [`ima_open`] opened for write and not
/// yet released; `buf` is a user pointer of `len` bytes.
unsafe extern "C" fn ima_write(
    file: *mut bindings::file,
    buf: *const c_char,
    len: usize,
    _pos: *mut i64,
) -> isize {
    // SAFETY: VFS calls write only on files opened for write (`O_WRONLY`,
    // see `open`), whose private_data is a Writer until release. Threads
    // sharing the file write at once: only a shared reference is made,
    // and the Writer locks what a write changes.
    let w = unsafe { &*(*file).private_data.cast::<Writer>() };
    // At most a page per write, as upstream; writers loop for the rest.
    let chunk = len.min(kernel::page::PAGE_SIZE - 1);
    let mut text = KVec::new();
    if let Err(e) = crate::compat::user_slice(buf as usize, chunk).read_all(&mut text, GFP_KERNEL) {
        if w.spec.kind == Kind::Policy {
            w.poison();
        }
        return e.to_errno() as isize;
    }
    // Line files consume whole lines only, so no line is split across
    // two writes (upstream would parse a rule's two halves as two rules).
    let used = match text.iter().rposition(|&b| b == b'\n') {
        Some(nl) if chunk < len => nl + 1,
        _ => chunk,
    };
    let result = match w.spec.kind {
        Kind::Policy => w.write_policy(&text[..used]),
        Kind::Verdicts => w.write_value(&text[..used]),
        // A value must come whole in one write: a page at most.
        _ if chunk < len => {
            pr_err!(
                "write of {} bytes: a value is at most {} bytes\n",
                len,
                chunk
            );
            return EINVAL.to_errno() as isize;
        }
        _ => {
            return w
                .write_value(&text)
                .map_or_else(|e| e.to_errno() as isize, |()| len as isize)
        }
    };
    match result {
        Ok(()) => used as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `file_operations.llseek`.
///
/// # Safety
///
/// Called by the VFS only, on a file [`ima_open`] opened and not released.
unsafe extern "C" fn ima_llseek(file: *mut bindings::file, offset: i64, whence: c_int) -> i64 {
    // SAFETY: `file` is valid; seq_lseek only on read opens (seq_files).
    unsafe {
        if access_mode(file) == bindings::O_WRONLY {
            bindings::generic_file_llseek(file, offset, whence)
        } else {
            bindings::seq_lseek(file, offset, whence)
        }
    }
}

// --- the agent's event stream

/// The namespace an `events` file was opened on.
///
/// # Safety
///
/// `file` must be an `events` file opened by [`ima_open`], not released.
unsafe fn events_ns<'a>(file: *mut bindings::file) -> &'a NsRef {
    // SAFETY: `open` stored a live KBox<NsRef>, freed only in release.
    unsafe { &*(*file).private_data.cast::<NsRef>() }
}

/// `file_operations.read` of `events`: the agent's records.
///
/// # Safety
///
/// Called by the VFS only, on an `events` file [`ima_open`] opened and not
/// released; `buf` is a user pointer of `len` bytes.
unsafe extern "C" fn events_read(
    file: *mut bindings::file,
    buf: *mut c_char,
    len: usize,
    _pos: *mut i64,
) -> isize {
    // SAFETY: VFS calls read on an open `events` file.
    let (ns, flags) = unsafe { (events_ns(file), (*file).f_flags) };
    let mut out = crate::compat::user_slice(buf as usize, len).writer();
    match ns.model.read(&mut out, flags & bindings::O_NONBLOCK != 0) {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `EPOLLIN | EPOLLRDNORM` (uapi/linux/eventpoll.h).
const POLL_READABLE: u32 = 0x0001 | 0x0040;

/// `file_operations.poll` of `events`.
///
/// # Safety
///
/// As [`events_read`]; `pt` is the poll table of the call.
unsafe extern "C" fn events_poll(
    file: *mut bindings::file,
    pt: *mut bindings::poll_table_struct,
) -> bindings::__poll_t {
    // SAFETY: VFS calls poll on an open `events` file.
    let ns = unsafe { events_ns(file) };
    // SAFETY: poll's own arguments; the wait queue lives in the namespace,
    // which the open file keeps alive until release removes the entries.
    unsafe { ns.model.wait_queue().poll_wait(file, pt) };
    if ns.model.readable() {
        POLL_READABLE
    } else {
        0
    }
}

/// `events`: a stream, not seekable (no llseek: `ESPIPE`).
static EVENTS_FOPS: Table<bindings::file_operations> = Table(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(ima_open),
    read: Some(events_read),
    poll: Some(events_poll),
    release: Some(ima_release),
    ..zeroed_fops()
});

static FOPS: Table<bindings::file_operations> = Table(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(ima_open),
    read: Some(bindings::seq_read),
    write: Some(ima_write),
    llseek: Some(ima_llseek),
    release: Some(ima_release),
    ..zeroed_fops()
});

// --- directories

/// securityfs entries removed, in reverse order of creation, on drop.
///
/// # Invariants
///
/// Every pointer is a live securityfs dentry we created, parents before
/// their children, so removing in reverse removes children first.
struct Dentries(KVec<NonNull<bindings::dentry>>);

// SAFETY: the dentries are only removed, once, from drop.
unsafe impl Send for Dentries {}
// SAFETY: `&Dentries` gives no access to the dentries.
unsafe impl Sync for Dentries {}

impl Dentries {
    fn dir(&mut self, name: &CStr, parent: *mut bindings::dentry) -> Result<*mut bindings::dentry> {
        // SAFETY: `name` is NUL-terminated; `parent` is live or NULL.
        let d = unsafe { bindings::securityfs_create_dir(name.as_char_ptr().cast(), parent) };
        self.keep(name, d)
    }

    /// `namespaces/<id>`, seen by `id`'s ancestors only (`visibility`).
    fn ns_dir(
        &mut self,
        name: &CStr,
        parent: *mut bindings::dentry,
        id: u64,
    ) -> Result<*mut bindings::dentry> {
        // SAFETY: `name` is NUL-terminated; `parent` is the live `namespaces/`.
        let d = unsafe { visibility::create_ns_dir(name.as_char_ptr().cast(), parent, id) };
        self.keep(name, d)
    }

    fn file(
        &mut self,
        name: &CStr,
        mode: u16,
        parent: *mut bindings::dentry,
        spec: Spec,
    ) -> Result<*mut bindings::dentry> {
        let fops = if spec.kind == Kind::Events {
            &EVENTS_FOPS.0
        } else {
            &FOPS.0
        };
        // SAFETY: `name` is NUL-terminated; `parent` is live; the fops are
        // static; the data is a plain integer, never dereferenced.
        let d = unsafe {
            bindings::securityfs_create_file(
                name.as_char_ptr().cast(),
                mode,
                parent,
                spec.encode() as *mut c_void,
                fops,
            )
        };
        self.keep(name, d)
    }

    /// `{ascii,binary}_runtime_measurements_<algo>` (upstream 6.10+) for
    /// every algorithm a list may carry. A view whose list lacks the bank
    /// (the host's TPM has no such PCR bank) gets `ENOENT` at open.
    fn bank_lists(&mut self, parent: *mut bindings::dentry, scope: Scope) -> Result {
        for bank in HashAlgo::ALL {
            for (prefix, kind) in [
                ("ascii_runtime_measurements_", Kind::AsciiList),
                ("binary_runtime_measurements_", Kind::BinaryList),
            ] {
                let mut buf = [0u8; 48];
                let name = join_cstr(&mut buf, prefix, bank.name()).ok_or(EINVAL)?;
                let spec = Spec {
                    kind,
                    scope,
                    bank: Some(bank),
                };
                self.file(name, 0o440, parent, spec)?;
            }
        }
        Ok(())
    }

    /// The module's directory: the first of `coexist::dir_candidates()`
    /// that does not exist yet; whether it is upstream's `ima`.
    fn top_dir(&mut self) -> Result<(*mut bindings::dentry, bool)> {
        let mut last = ENOENT;
        for name in crate::coexist::dir_candidates() {
            let mut buf = [0u8; ima_coexist::MAX_DIR_LEN + 1];
            let cname = join_cstr(&mut buf, name, "").ok_or(EINVAL)?;
            // SAFETY: `cname` is NUL-terminated; NULL is securityfs's root.
            let d = unsafe {
                bindings::securityfs_create_dir(cname.as_char_ptr().cast(), ptr::null_mut())
            };
            match kernel::error::from_err_ptr(d) {
                Err(e) if e == EEXIST => {
                    pr_info!("securityfs {} exists (built-in IMA?)\n", name);
                    last = e;
                }
                Err(e) => {
                    pr_err!("cannot create securityfs {}: {:?}\n", name, e);
                    return Err(e);
                }
                Ok(d) => {
                    let nn = NonNull::new(d).ok_or(ENOMEM)?;
                    if let Err(e) = self.0.push(nn, GFP_KERNEL) {
                        // SAFETY: just created, not yet tracked.
                        unsafe { bindings::securityfs_remove(d) };
                        return Err(e.into());
                    }
                    crate::coexist::set_dir(name);
                    return Ok((d, name == ima_coexist::DIR_ALONE));
                }
            }
        }
        pr_err!("no free securityfs directory: load with securityfs_dir=<name>\n");
        Err(last)
    }

    /// EVM's files where upstream has them, `integrity/evm/`, and its
    /// `/sys/kernel/security/evm` link; `integrity/` may be the kernel's.
    fn upstream_evm(&mut self, root: *mut bindings::dentry) -> Result<Option<Borrowed>> {
        let own = |kind| Spec::new(kind, Scope::Own);
        let mut created = false;
        // SAFETY: `root` is a live top-level securityfs dentry; `created`
        // is a valid out-pointer.
        let integrity = unsafe { bindings::ima_ns_securityfs_integrity_dir(root, &mut created) };
        let integrity = kernel::error::from_err_ptr(integrity).inspect_err(|e| {
            pr_err!("cannot create or find securityfs integrity/: {:?}\n", e);
        })?;
        let borrowed = if created {
            self.keep(c"integrity", integrity)?;
            None
        } else {
            // INVARIANT: looked up with a reference, which we now own.
            Some(Borrowed(NonNull::new(integrity).ok_or(ENOENT)?))
        };
        // (On errors below, `borrowed` goes before `self`: safe, as a child
        // dentry holds its own reference to its parent.)
        let evm = self.dir(c"evm", integrity)?;
        self.file(c"evm", 0o660, evm, own(Kind::Evm))?;
        self.file(c"evm_xattrs", 0o660, evm, own(Kind::EvmXattrs))?;
        // SAFETY: both strings are NUL-terminated.
        let link = unsafe {
            bindings::ima_ns_securityfs_symlink(
                c"evm".as_char_ptr().cast(),
                c"integrity/evm/evm".as_char_ptr().cast(),
            )
        };
        self.keep(c"evm", link)?;
        Ok(borrowed)
    }

    fn keep(&mut self, name: &CStr, d: *mut bindings::dentry) -> Result<*mut bindings::dentry> {
        let d = kernel::error::from_err_ptr(d).inspect_err(|e| {
            pr_err!("cannot create securityfs {:?}: {:?}\n", name, e);
        })?;
        let nn = NonNull::new(d).ok_or(ENOMEM)?;
        if let Err(e) = self.0.push(nn, GFP_KERNEL) {
            // SAFETY: just created, not yet tracked: remove it here.
            unsafe { bindings::securityfs_remove(d) };
            return Err(e.into());
        }
        Ok(d)
    }
}

impl Drop for Dentries {
    fn drop(&mut self) {
        for d in self.0.iter().rev() {
            // SAFETY: each dentry is live and removed once (invariant).
            unsafe { bindings::securityfs_remove(d.as_ptr()) };
        }
    }
}

/// `ima/namespaces`, where namespace directories go; null outside the
/// lifetime of [`ImaDir`].
static NAMESPACES: AtomicPtr<bindings::dentry> = AtomicPtr::new(ptr::null_mut());

/// The files every namespace's lists are read through.
const LIST_FILES: [(&CStr, u16, Kind); 4] = [
    (c"ascii_runtime_measurements", 0o440, Kind::AsciiList),
    (c"binary_runtime_measurements", 0o440, Kind::BinaryList),
    (c"runtime_measurements_count", 0o440, Kind::Count),
    (c"violations", 0o440, Kind::Violations),
];

/// `/sys/kernel/security/ima` and its files, and EVM's.
pub(crate) struct ImaDir {
    // Dropped in this order: our files (`integrity/evm/` among them),
    // then the kernel's `integrity/`, if we borrowed it.
    _files: Dentries,
    _integrity: Option<Borrowed>,
}

impl ImaDir {
    pub(crate) fn create() -> Result<Self> {
        let mut d = Dentries(KVec::new());
        let own = |kind| Spec::new(kind, Scope::Own);
        let fc = |kind| Spec::new(kind, Scope::ForChildren);
        let (root, upstream_path) = d.top_dir()?;
        d.file(c"policy", 0o600, root, own(Kind::Policy))?;
        for (name, mode, kind) in LIST_FILES {
            d.file(name, mode, root, own(kind))?;
        }
        d.bank_lists(root, Scope::Own)?;
        d.file(c"vpcr", 0o440, root, own(Kind::Vpcr))?;
        d.file(c"anchor", 0o440, root, own(Kind::Anchor))?;
        d.file(c"ns_id", 0o444, root, own(Kind::NsId))?;
        d.file(c"ns_live", 0o444, root, own(Kind::Live))?;
        d.file(c"ns_unshare", 0o200, root, own(Kind::Unshare))?;
        d.file(c"ns_join", 0o200, root, own(Kind::Join))?;
        let children = d.dir(c"for_children", root)?;
        d.file(c"ns_id", 0o444, children, fc(Kind::NsId))?;
        d.file(c"policy", 0o600, children, fc(Kind::Policy))?;
        d.file(c"hash", 0o600, children, fc(Kind::Hash))?;
        d.file(c"template", 0o600, children, fc(Kind::Template))?;
        d.file(c"model", 0o600, children, fc(Kind::Model))?;
        d.file(c"identity", 0o600, children, fc(Kind::Identity))?;
        let namespaces = d.dir(c"namespaces", root)?;
        let upstream_evm = if upstream_path {
            match d.upstream_evm(root) {
                // Built-in EVM (without IMA) has them.
                Err(e) if e == EEXIST => None,
                r => Some(r?),
            }
        } else {
            None
        };
        let borrowed = match upstream_evm {
            Some(borrowed) => borrowed,
            None => {
                // Beside built-in IMA, whose EVM owns `integrity/evm` and
                // `evm`: in our own directory.
                let evm = d.dir(c"evm", root)?;
                d.file(c"evm", 0o660, evm, own(Kind::Evm))?;
                d.file(c"evm_xattrs", 0o660, evm, own(Kind::EvmXattrs))?;
                None
            }
        };
        // Infallible from here (`drop` restores). No `<id>` exists before
        // NAMESPACES is set, so there was nothing to hide until now.
        // SAFETY: `namespaces` is live, removed only with `_files`.
        unsafe { visibility::install_namespaces(namespaces) };
        NAMESPACES.store(namespaces, Ordering::Release);
        Ok(Self {
            _files: d,
            _integrity: borrowed,
        })
    }
}

/// A securityfs directory the kernel made (`integrity/`), referenced.
///
/// # Invariants
///
/// We hold one reference to the dentry, dropped on drop.
struct Borrowed(NonNull<bindings::dentry>);

// SAFETY: the reference is only dropped, once, from drop.
unsafe impl Send for Borrowed {}
// SAFETY: `&Borrowed` gives no access to the dentry.
unsafe impl Sync for Borrowed {}

impl Drop for Borrowed {
    fn drop(&mut self) {
        // SAFETY: we hold a reference (type invariant).
        unsafe { bindings::ima_ns_dput(self.0.as_ptr()) };
    }
}

impl Drop for ImaDir {
    fn drop(&mut self) {
        let namespaces = NAMESPACES.swap(ptr::null_mut(), Ordering::AcqRel);
        if !namespaces.is_null() {
            // SAFETY: live until `_files` drops, after this.
            unsafe { visibility::restore(namespaces) };
        }
    }
}

/// `namespaces/<id>/`: a descendant's lists, policy and vpcr, read-only.
///
/// # Invariants
///
/// `dir` is the `<id>` directory, one of `files`, live until they drop.
pub(crate) struct NsDir {
    dir: NonNull<bindings::dentry>,
    files: Dentries,
}

// SAFETY: `dir` is only used from drop, as `Dentries` is.
unsafe impl Send for NsDir {}
// SAFETY: `&NsDir` gives no access to the dentries.
unsafe impl Sync for NsDir {}

impl Drop for NsDir {
    fn drop(&mut self) {
        // SAFETY: live until `files` drops, after this (invariant).
        unsafe { visibility::restore(self.dir.as_ptr()) };
    }
}

impl NsDir {
    pub(crate) fn create(id: u64) -> Result<Self> {
        let parent = NAMESPACES.load(Ordering::Acquire);
        if parent.is_null() {
            return Err(ENODEV);
        }
        let mut buf = [0u8; 24];
        let name = decimal(id, &mut buf);
        let at = |kind| Spec::new(kind, Scope::Id(id));
        let mut d = Dentries(KVec::new());
        let dir = d.ns_dir(name, parent, id)?;
        // INVARIANT: `dir` is live and tracked by `files`. Made now, so
        // that an error below restores its operations before removal.
        let mut this = Self {
            dir: NonNull::new(dir).ok_or(ENOENT)?,
            files: d,
        };
        let d = &mut this.files;
        for (name, mode, kind) in LIST_FILES {
            d.file(name, mode, dir, at(kind))?;
        }
        d.bank_lists(dir, Scope::Id(id))?;
        d.file(c"policy", 0o400, dir, at(Kind::Policy))?;
        d.file(c"vpcr", 0o440, dir, at(Kind::Vpcr))?;
        d.file(c"parent", 0o444, dir, at(Kind::Parent))?;
        d.file(c"model", 0o400, dir, at(Kind::Model))?;
        d.file(c"events", 0o400, dir, at(Kind::Events))?;
        d.file(c"verdicts", 0o200, dir, at(Kind::Verdicts))?;
        d.file(c"model_state", 0o200, dir, at(Kind::ModelState))?;
        d.file(c"checkpoint", 0o200, dir, at(Kind::Checkpoint))?;
        // SAFETY: `dir` is the live `<id>` directory, with all its files.
        unsafe { visibility::install_ns_dir(dir) };
        Ok(this)
    }
}

/// `a` then `b`, NUL-terminated, in `buf`; `None` if it does not fit.
fn join_cstr<'b>(buf: &'b mut [u8], a: &str, b: &str) -> Option<&'b CStr> {
    let n = a.len() + b.len();
    buf.get_mut(..n + 1)?;
    buf[..a.len()].copy_from_slice(a.as_bytes());
    buf[a.len()..n].copy_from_slice(b.as_bytes());
    buf[n] = 0;
    CStr::from_bytes_with_nul(&buf[..=n]).ok()
}

/// `n` in decimal, NUL-terminated, in `buf`.
fn decimal(mut n: u64, buf: &mut [u8; 24]) -> &CStr {
    let mut i = buf.len() - 1; // buf[23] stays NUL
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // At most 20 digits then the NUL: always a valid C string.
    CStr::from_bytes_until_nul(&buf[i..]).unwrap_or(c"0")
}
