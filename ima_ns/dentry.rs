// SPDX-License-Identifier: GPL-2.0
//! A dentry a hook or an open file lends us, with the calls EVM makes on
//! it: its inode's metadata, raw xattr reads, and `security.evm` writes.

use crate::bindings;
use crate::compat::CStrExt;
use core::ffi::CStr;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::prelude::*;

/// A borrowed dentry.
///
/// # Invariants
///
/// The pointer is a live dentry with a positive inode for `'a`.
#[derive(Clone, Copy)]
pub(crate) struct Dentry<'a>(NonNull<bindings::dentry>, PhantomData<&'a ()>);

/// The inode facts EVM binds (`struct ima_ns_evm_inode`).
pub(crate) type InodeFacts = bindings::ima_ns_evm_inode;

impl<'a> Dentry<'a> {
    /// # Safety
    ///
    /// `d` must be a live dentry with a positive inode for `'a` (hook
    /// arguments are, for the hook's duration).
    pub(crate) unsafe fn from_raw(d: *mut bindings::dentry) -> Option<Self> {
        // INVARIANT: by the function's safety requirements.
        NonNull::new(d).map(|d| Self(d, PhantomData))
    }

    pub(crate) fn as_ptr(self) -> *mut bindings::dentry {
        self.0.as_ptr()
    }

    /// Its inode, as a key for the inode cache.
    pub(crate) fn inode(self) -> *mut bindings::inode {
        // SAFETY: the dentry is live and positive (type invariant).
        unsafe { bindings::ima_ns_d_backing_inode(self.as_ptr()) }
    }

    /// The inode's metadata.
    pub(crate) fn facts(self) -> InodeFacts {
        // SAFETY: all-zero is a valid value of this plain C struct.
        let mut out: InodeFacts = unsafe { core::mem::zeroed() };
        // SAFETY: the dentry is live (type invariant); `out` is writable.
        unsafe { bindings::ima_ns_evm_inode_facts(self.as_ptr(), &mut out) };
        out
    }

    /// The value of extended attribute `name` (e.g. `c"security.ima"`),
    /// read as EVM reads it (no permission check); `None` if the inode has
    /// none or its filesystem keeps no xattrs.
    pub(crate) fn xattr(self, name: &CStr) -> Result<Option<KVec<u8>>> {
        // XATTR_SIZE_MAX: no filesystem stores more.
        const XATTR_SIZE_MAX: usize = 65536;
        // A value can grow between the size query and the read: retry once.
        for _ in 0..2 {
            // SAFETY: the dentry is live (type invariant); `name` is
            // NUL-terminated; a NULL buffer of size 0 asks for the size.
            let size = unsafe {
                bindings::ima_ns_dentry_getxattr(
                    self.as_ptr(),
                    name.as_char_ptr(),
                    core::ptr::null_mut(),
                    0,
                )
            };
            let size = match xattr_result(size)? {
                Some(n) => n.min(XATTR_SIZE_MAX),
                None => return Ok(None),
            };
            // GFP_KERNEL: the hooks that hold the inode lock run in a
            // memalloc_nofs_save() scope (glue.c).
            let mut value = KVec::from_elem(0u8, size, GFP_KERNEL)?;
            // SAFETY: as above; `value` is writable for `size` bytes.
            let n = unsafe {
                bindings::ima_ns_dentry_getxattr(
                    self.as_ptr(),
                    name.as_char_ptr(),
                    value.as_mut_ptr().cast(),
                    size,
                )
            };
            match xattr_result(n) {
                Ok(Some(n)) => {
                    crate::compat::truncate_copy(&mut value, n.min(size));
                    return Ok(Some(value));
                }
                Ok(None) => return Ok(None),
                Err(e) if e == ERANGE => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ERANGE)
    }

    /// Writes `security.evm` (empty `value`: removes it), bypassing
    /// permission checks.
    ///
    /// # Safety
    ///
    /// The caller holds the inode lock (post-change hooks do).
    pub(crate) unsafe fn write_evm(self, value: &[u8]) -> Result {
        // SAFETY: the dentry is live; `value` is valid for its length;
        // the inode lock is held (function safety requirements).
        kernel::error::to_result(unsafe {
            bindings::ima_ns_evm_write_xattr(self.as_ptr(), value.as_ptr().cast(), value.len())
        })
    }
}

/// A getxattr result: the size, `None` for no such xattr (or none at all
/// on this filesystem), or the error.
fn xattr_result(ret: isize) -> Result<Option<usize>> {
    if ret >= 0 {
        return Ok(Some(ret as usize));
    }
    // `kernel::error::code` has neither errno.
    if ret == -(bindings::ENODATA as isize) || ret == -(bindings::EOPNOTSUPP as isize) {
        return Ok(None);
    }
    Err(Error::from_errno(ret as i32))
}
