// SPDX-License-Identifier: GPL-2.0
//! A borrowed `struct file`, as hooks receive it.

use crate::bindings;
use crate::compat::CStrExt;
use crate::dentry::Dentry;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::prelude::*;

pub(crate) mod abspath;

/// Facts about an open file that the policy, the inode cache and the
/// records use, read once per event (`ima_ns_file_facts()` in glue.c).
#[derive(Clone, Copy)]
pub(crate) struct FileFacts<'a> {
    /// The inode's address: the inode cache's key, never dereferenced.
    pub(crate) inode: usize,
    pub(crate) fsmagic: u64,
    /// `i_uid` / `i_gid` through the mount's idmap, `init_user_ns` view.
    pub(crate) fowner: u32,
    pub(crate) fgroup: u32,
    /// The filesystem type's name (`fsname=`); empty if it has none.
    pub(crate) fsname: &'a [u8],
    pub(crate) fsuuid: [u8; 16],
    /// `S_ISREG`.
    pub(crate) regular: bool,
    /// `FMODE_WRITE`.
    pub(crate) writable: bool,
    /// `i_writecount == 1`.
    pub(crate) last_writer: bool,
    pub(crate) ino: u64,
    pub(crate) dev_major: u32,
    pub(crate) dev_minor: u32,
    pub(crate) mode: u32,
    /// `i_uid_read()`, `i_gid_read()`: the superblock's user namespace view.
    pub(crate) iuid: u32,
    pub(crate) igid: u32,
    /// `inode_is_open_for_write()`.
    pub(crate) open_for_write: bool,
    /// `i_readcount > 0`: the inode has read-only opens (for a writer's
    /// ToMToU check, as upstream's `ima_rdwr_violation_check()`).
    pub(crate) readers: bool,
    /// `FMODE_CREATED`: this open created the file.
    pub(crate) created: bool,
    /// `IOP_XATTR`: the filesystem keeps xattrs.
    pub(crate) xattrs: bool,
    pub(crate) size: u64,
}

impl<'a> FileFacts<'a> {
    /// The facts glue's `ima_ns_file_facts()` / `ima_ns_inode_facts()`
    /// filled in.
    ///
    /// # Safety
    ///
    /// `f.fsname` is NULL or a NUL-terminated string valid for `'a`.
    pub(crate) unsafe fn from_glue(f: &bindings::ima_ns_file_facts) -> Self {
        let fsname = if f.fsname.is_null() {
            &[][..]
        } else {
            // SAFETY: NUL-terminated and valid for `'a` (function safety
            // requirements).
            unsafe { core::ffi::CStr::from_char_ptr(f.fsname) }.to_bytes()
        };
        FileFacts {
            inode: f.inode as usize,
            fsmagic: f.fsmagic,
            fowner: f.fowner,
            fgroup: f.fgroup,
            fsname,
            fsuuid: f.fsuuid,
            regular: f.regular,
            writable: f.writable,
            last_writer: f.last_writer,
            ino: f.ino,
            dev_major: f.dev_major,
            dev_minor: f.dev_minor,
            mode: f.mode,
            iuid: f.iuid,
            igid: f.igid,
            open_for_write: f.open_for_write,
            readers: f.readers,
            created: f.created,
            xattrs: f.xattrs,
            size: f.size,
        }
    }
}

/// A `struct file` borrowed for the duration of a hook call.
///
/// # Invariants
///
/// `ptr` points to a valid `struct file` with a reference held by the
/// caller for at least `'a`.
pub(crate) struct File<'a> {
    ptr: NonNull<bindings::file>,
    _borrow: PhantomData<&'a bindings::file>,
}

impl File<'_> {
    /// Wraps a file pointer received from the LSM framework.
    ///
    /// # Safety
    ///
    /// `ptr` must be valid and referenced for the returned lifetime.
    pub(crate) unsafe fn from_raw<'a>(ptr: NonNull<bindings::file>) -> File<'a> {
        // INVARIANT: the caller guarantees validity for 'a.
        File {
            ptr,
            _borrow: PhantomData,
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::file {
        self.ptr.as_ptr()
    }

    /// Inode identity, ownership, filesystem and access mode.
    pub(crate) fn facts(&self) -> FileFacts<'_> {
        let mut f = bindings::ima_ns_file_facts::default();
        // SAFETY: by the type invariant the file is valid; `f` is a
        // valid, writable struct.
        unsafe { bindings::ima_ns_file_facts(self.as_ptr(), &mut f) };
        // SAFETY: glue set `fsname` to the superblock's `s_type->name`, a
        // static string of the filesystem driver, which the open file
        // (pinning the superblock) keeps loaded while `self` is borrowed.
        unsafe { FileFacts::from_glue(&f) }
    }

    /// The filesystem's change cookie (i_version), if it keeps one.
    pub(crate) fn change_cookie(&self) -> Option<u64> {
        let mut cookie = 0u64;
        // SAFETY: the file is valid (type invariant); `cookie` is writable.
        unsafe { bindings::ima_ns_change_cookie(self.as_ptr(), &mut cookie) }.then_some(cookie)
    }

    /// The inode holding the data of a file of a stacked filesystem
    /// (overlayfs: the upper or lower file); `None` when that is the
    /// file's own inode.
    pub(crate) fn real_inode(&self) -> Option<ima_iint::Real> {
        let mut out = bindings::ima_ns_real_inode::default();
        // SAFETY: the file is valid (type invariant); `out` is writable.
        let stacked = unsafe { bindings::ima_ns_real_inode(self.as_ptr(), &mut out) };
        stacked.then_some(ima_iint::Real {
            ino: out.ino,
            dev: out.dev,
            versioned: out.versioned,
        })
    }

    /// Sets `security.ima` to `value`, as fix mode and `hash` rules do
    /// (refused on a read-only or immutable inode).
    pub(crate) fn set_ima_xattr(&self, value: &[u8]) -> Result {
        // SAFETY: the file is valid (type invariant); `value` holds
        // `value.len()` bytes.
        let ret = unsafe {
            bindings::ima_ns_set_ima_xattr(self.as_ptr(), value.as_ptr().cast(), value.len())
        };
        kernel::error::to_result(ret)
    }

    /// The name an entry records for the file (upstream's `ima_d_path()`),
    /// written into `buf`.
    pub(crate) fn path<'b>(&self, buf: &'b mut [u8]) -> &'b [u8] {
        abspath::ima_d_path(self, buf)
    }

    /// The value of extended attribute `name` (e.g. `c"security.ima"`),
    /// read as EVM reads it (no permission check); `None` if the file has
    /// none or its filesystem keeps no xattrs.
    pub(crate) fn xattr(&self, name: &core::ffi::CStr) -> Result<Option<KVec<u8>>> {
        Dentry::of_file(self).ok_or(EINVAL)?.xattr(name)
    }

    /// The dentry's own name (the last path component), copied into `buf`.
    pub(crate) fn dentry_name<'b>(&self, buf: &'b mut [u8]) -> &'b [u8] {
        // SAFETY: the file is valid; `buf` is writable for its length.
        let n = unsafe {
            bindings::ima_ns_file_dentry_name(self.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
        };
        &buf[..n.min(buf.len())]
    }

    /// The fs-verity digest (into `buf`) and its `HASH_ALGO_*`; `None` if
    /// fs-verity is not enabled on the file.
    pub(crate) fn verity_digest<'b>(&self, buf: &'b mut [u8; 64]) -> Option<(u8, &'b [u8])> {
        let mut algo = 0u8;
        // SAFETY: the file is valid (type invariant); `buf` has the 64
        // bytes of room FS_VERITY_MAX_DIGEST_SIZE asks for.
        let n =
            unsafe { bindings::ima_ns_verity_digest(self.as_ptr(), buf.as_mut_ptr(), &mut algo) };
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n > 0 && n <= buf.len())?;
        Some((algo, &buf[..n]))
    }

    /// Reads up to `buf.len()` bytes at `*pos`, advancing it.
    pub(crate) fn read_at(&self, buf: &mut [u8], pos: &mut i64) -> Result<usize> {
        // SAFETY: the file is valid; `buf` is writable for its length and
        // `pos` is a valid loff_t.
        let n = unsafe {
            bindings::kernel_read(self.as_ptr(), buf.as_mut_ptr().cast(), buf.len(), pos)
        };
        if n < 0 {
            return Err(Error::from_errno(n as i32));
        }
        Ok(n as usize)
    }
}

/// A readable instance of a file: the file itself, or a private read-only
/// open of it (for files opened write-only), closed on drop.
pub(crate) struct ReadableFile<'a> {
    orig: &'a File<'a>,
    file: File<'a>,
}

impl<'a> ReadableFile<'a> {
    pub(crate) fn open(orig: &'a File<'a>) -> Result<Self> {
        // SAFETY: `orig` is valid (type invariant).
        let p = unsafe { bindings::ima_ns_open_for_read(orig.as_ptr()) };
        let p = NonNull::new(p).ok_or(EACCES)?;
        // SAFETY: `p` is `orig` or a new reference we own until drop.
        let file = unsafe { File::from_raw(p) };
        Ok(Self { orig, file })
    }

    pub(crate) fn file(&self) -> &File<'a> {
        &self.file
    }
}

impl Drop for ReadableFile<'_> {
    fn drop(&mut self) {
        // SAFETY: both are valid; glue drops the reference only if it
        // opened a new instance.
        unsafe { bindings::ima_ns_close_for_read(self.orig.as_ptr(), self.file.as_ptr()) };
    }
}

/// A `struct file` reference we own, dropped with `fput()`.
///
/// # Invariants
///
/// `0` points to a valid file on which we hold one reference.
pub(crate) struct FileRef(NonNull<bindings::file>);

impl FileRef {
    /// The current task's executable; `None` for kernel threads.
    pub(crate) fn current_exe() -> Option<Self> {
        // SAFETY: no preconditions; returns a new reference or NULL.
        NonNull::new(unsafe { bindings::ima_ns_exe_file() }).map(Self)
    }

    pub(crate) fn file(&self) -> File<'_> {
        // SAFETY: we hold a reference for as long as `self` lives.
        unsafe { File::from_raw(self.0) }
    }
}

impl Drop for FileRef {
    fn drop(&mut self) {
        // SAFETY: drops the reference we own (type invariant).
        unsafe { bindings::ima_ns_fput(self.0.as_ptr()) };
    }
}

impl<'a> Dentry<'a> {
    /// The dentry an open file was opened through.
    pub(crate) fn of_file(file: &'a File<'_>) -> Option<Self> {
        // SAFETY: the file is live (type invariant of `File`), so is its
        // dentry, with a positive inode, for as long as the file.
        unsafe { Self::from_raw(bindings::ima_ns_file_dentry(file.as_ptr())) }
    }
}
