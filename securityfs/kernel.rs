//! `/sys/kernel/security/ima/`: the files upstream IMA serves, in its
//! formats, backed by seq_file so a reader never copies the whole list.

use crate::bindings;
use crate::namespace;
use crate::policy::PolicyWriter;
use core::ffi::{c_int, c_void, CStr};
use core::ptr::{self, NonNull};
use ima_template::{Entry, Overflow, Sink};
use kernel::ffi::c_char;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// A seq_file being filled by a `show` callback.
struct SeqSink(*mut bindings::seq_file);

impl Sink for SeqSink {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        // SAFETY: `self.0` is the seq_file the callback was given. On
        // overflow seq_file retries the record with a larger buffer.
        let r = unsafe { bindings::seq_write(self.0, bytes.as_ptr().cast(), bytes.len()) };
        if r == 0 {
            Ok(())
        } else {
            Err(Overflow)
        }
    }
}

impl core::fmt::Write for SeqSink {
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

type ShowFn = unsafe extern "C" fn(*mut bindings::seq_file, *mut c_void) -> c_int;

// --- the measurement lists

/// `seq_file.private` value marking a binary list reader.
const BINARY: *mut c_void = 1 as *mut c_void;

unsafe extern "C" fn list_start(_m: *mut bindings::seq_file, pos: *mut i64) -> *mut c_void {
    // SAFETY: seq_file passes a valid position.
    let index = unsafe { *pos } as usize;
    match namespace::root().and_then(|ns| ns.list.get(index)) {
        Some(e) => ptr::from_ref(e).cast_mut().cast(),
        None => ptr::null_mut(),
    }
}

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

unsafe extern "C" fn list_stop(_m: *mut bindings::seq_file, _v: *mut c_void) {}

unsafe extern "C" fn list_show(m: *mut bindings::seq_file, v: *mut c_void) -> c_int {
    // SAFETY: `v` came from `list_start`/`list_next`: an entry that lives
    // as long as the list, which outlives every open list file.
    let e = unsafe { &*v.cast::<crate::list::Measurement>() };
    // SAFETY: `m` is valid; `private` was set at open.
    let binary = unsafe { (*m).private } == BINARY;
    let entry = Entry {
        pcr: e.pcr,
        template: e.template,
        data: &e.data,
        digest: &e.sha1,
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

unsafe extern "C" fn list_open(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: VFS passes valid pointers; i_private holds the format.
    let format = unsafe { (*inode).i_private };
    // SAFETY: `file` is being opened; the ops table is static.
    let r = unsafe { bindings::seq_open(file, &LIST_SEQ_OPS.0) };
    if r == 0 {
        // SAFETY: seq_open stored its seq_file in private_data.
        unsafe { (*(*file).private_data.cast::<bindings::seq_file>()).private = format };
    }
    r
}

static LIST_FOPS: Table<bindings::file_operations> = Table(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(list_open),
    read: Some(bindings::seq_read),
    llseek: Some(bindings::seq_lseek),
    release: Some(bindings::seq_release),
    ..zeroed_fops()
});

// --- small value files

unsafe extern "C" fn count_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    let n = namespace::root().map_or(0, |ns| ns.list.len());
    let _ = core::fmt::Write::write_fmt(&mut SeqSink(m), format_args!("{n}\n"));
    0
}

unsafe extern "C" fn violations_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    let n = namespace::root().map_or(0, |ns| ns.violations());
    let _ = core::fmt::Write::write_fmt(&mut SeqSink(m), format_args!("{n}\n"));
    0
}

unsafe extern "C" fn value_open(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: i_private holds the ShowFn chosen at creation.
    let show: ShowFn = unsafe { core::mem::transmute::<*mut c_void, ShowFn>((*inode).i_private) };
    // SAFETY: `file` is being opened.
    unsafe { bindings::single_open(file, Some(show), ptr::null_mut()) }
}

static VALUE_FOPS: Table<bindings::file_operations> = Table(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(value_open),
    read: Some(bindings::seq_read),
    llseek: Some(bindings::seq_lseek),
    release: Some(bindings::single_release),
    ..zeroed_fops()
});

// --- policy

unsafe extern "C" fn policy_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    if let Some(ns) = namespace::root() {
        for rule in ns.policy.current().iter() {
            let _ = core::fmt::Write::write_fmt(&mut SeqSink(m), format_args!("{rule}"));
        }
    }
    0
}

fn opened_for_write(file: *mut bindings::file) -> bool {
    // SAFETY: `file` is valid during open/release.
    let flags = unsafe { (*file).f_flags };
    flags & bindings::O_ACCMODE != bindings::O_RDONLY
}

unsafe extern "C" fn policy_open(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    let Some(ns) = namespace::root() else {
        return ENODEV.to_errno();
    };
    if !opened_for_write(file) {
        // SAFETY: `file` is being opened.
        return unsafe { bindings::single_open(file, Some(policy_show), ptr::null_mut()) };
    }
    if let Err(e) = ns.policy.begin_write() {
        return e.to_errno();
    }
    match KBox::new(
        PolicyWriter {
            rules: KVec::new(),
            failed: false,
        },
        GFP_KERNEL,
    ) {
        Ok(w) => {
            // SAFETY: private_data is ours until release.
            unsafe { (*file).private_data = KBox::into_raw(w).cast() };
            0
        }
        Err(_) => {
            let _ = ns.policy.end_write(None);
            ENOMEM.to_errno()
        }
    }
}

unsafe extern "C" fn policy_write(
    file: *mut bindings::file,
    buf: *const c_char,
    len: usize,
    _pos: *mut i64,
) -> isize {
    // SAFETY: VFS calls write only on files opened for write, for which
    // policy_open stored a PolicyWriter in private_data.
    let w = unsafe { &mut *(*file).private_data.cast::<PolicyWriter>() };
    // At most a page per write, as upstream; writers loop for the rest.
    let chunk = len.min(kernel::page::PAGE_SIZE - 1);
    let mut text = KVec::new();
    if let Err(e) = UserSlice::new(buf as usize, chunk).read_all(&mut text, GFP_KERNEL) {
        w.failed = true;
        return e.to_errno() as isize;
    }
    // Consume whole lines only, so no rule is split across two writes
    // (upstream would parse the two halves as two rules).
    let used = match text.iter().rposition(|&b| b == b'\n') {
        Some(nl) if chunk < len => nl + 1,
        _ => chunk,
    };
    match w.write(&text[..used]) {
        Ok(()) => used as isize,
        Err(e) => e.to_errno() as isize,
    }
}

unsafe extern "C" fn policy_release(
    inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    if !opened_for_write(file) {
        // SAFETY: opened with single_open.
        return unsafe { bindings::single_release(inode, file) };
    }
    // SAFETY: policy_open stored a KBox<PolicyWriter> here; we take it back.
    let w = unsafe { KBox::from_raw((*file).private_data.cast::<PolicyWriter>()) };
    let Some(ns) = namespace::root() else {
        return 0;
    };
    let pending = if w.failed {
        pr_err!("policy update failed; the policy in force is unchanged\n");
        None
    } else if w.rules.is_empty() {
        pr_err!("policy update has no rules; the policy in force is unchanged\n");
        None
    } else {
        Some(KBox::into_inner(w).rules)
    };
    let installing = pending.is_some();
    match ns.policy.end_write(pending) {
        Ok(()) if installing => pr_info!("policy update completed\n"),
        Ok(()) => {}
        Err(e) => pr_err!("policy update failed: {:?}\n", e),
    }
    0
}

static POLICY_FOPS: Table<bindings::file_operations> = Table(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(policy_open),
    read: Some(bindings::seq_read),
    write: Some(policy_write),
    llseek: Some(bindings::generic_file_llseek),
    release: Some(policy_release),
    ..zeroed_fops()
});

// --- the directory

/// `/sys/kernel/security/ima` and its files, removed on drop.
///
/// # Invariants
///
/// Every pointer is a live securityfs dentry we created, the directory
/// first, so removing in reverse removes children before their parent.
pub(crate) struct ImaDir {
    dentries: KVec<NonNull<bindings::dentry>>,
}

// SAFETY: the dentries are only removed, once, from drop.
unsafe impl Send for ImaDir {}
// SAFETY: `&ImaDir` gives no access to the dentries.
unsafe impl Sync for ImaDir {}

impl ImaDir {
    pub(crate) fn create() -> Result<Self> {
        let mut dir = Self {
            dentries: KVec::with_capacity(8, GFP_KERNEL)?,
        };
        let root = dir.add(c"ima", 0, None, ptr::null_mut(), None)?;
        let (list, value, policy) = (&LIST_FOPS.0, &VALUE_FOPS.0, &POLICY_FOPS.0);
        let count: ShowFn = count_show;
        let violations: ShowFn = violations_show;
        dir.add(c"policy", 0o600, Some(root), ptr::null_mut(), Some(policy))?;
        dir.add(
            c"ascii_runtime_measurements",
            0o440,
            Some(root),
            ptr::null_mut(),
            Some(list),
        )?;
        dir.add(
            c"binary_runtime_measurements",
            0o440,
            Some(root),
            BINARY,
            Some(list),
        )?;
        dir.add(
            c"runtime_measurements_count",
            0o440,
            Some(root),
            count as *mut c_void,
            Some(value),
        )?;
        dir.add(
            c"violations",
            0o440,
            Some(root),
            violations as *mut c_void,
            Some(value),
        )?;
        Ok(dir)
    }

    fn add(
        &mut self,
        name: &CStr,
        mode: u16,
        parent: Option<NonNull<bindings::dentry>>,
        data: *mut c_void,
        fops: Option<&'static bindings::file_operations>,
    ) -> Result<NonNull<bindings::dentry>> {
        let parent = parent.map_or(ptr::null_mut(), NonNull::as_ptr);
        // SAFETY: `name` is NUL-terminated; `parent` is a live dentry or
        // NULL; `fops` and `data` outlive the file (static, or code).
        let d = unsafe {
            match fops {
                None => bindings::securityfs_create_dir(name.as_ptr().cast(), parent),
                Some(f) => {
                    bindings::securityfs_create_file(name.as_ptr().cast(), mode, parent, data, f)
                }
            }
        };
        let d = kernel::error::from_err_ptr(d).inspect_err(|e| {
            pr_err!("cannot create securityfs {:?}: {:?}\n", name, e);
        })?;
        let d = NonNull::new(d).ok_or(ENOMEM)?;
        // Capacity was reserved in `create`: this push does not allocate.
        self.dentries.push(d, GFP_KERNEL)?;
        Ok(d)
    }
}

impl Drop for ImaDir {
    fn drop(&mut self) {
        for d in self.dentries.iter().rev() {
            // SAFETY: each dentry is live and removed once (invariant).
            unsafe { bindings::securityfs_remove(d.as_ptr()) };
        }
    }
}
