// SPDX-License-Identifier: GPL-2.0
//! Whole files read by the kernel (`kernel_read_file_from_path()`): the
//! policy file (`ima_policy=` paths, policy writes naming a file) and the
//! `ima_x509=` certificate. The read is the kernel's own, so LSMs and the
//! module's own `POLICY_CHECK`/`KEY_CHECK` rules see it with its id.

use crate::bindings;
use crate::compat::CStrExt;
use core::ffi::{c_void, CStr};
use core::ptr::NonNull;
use kernel::prelude::*;

/// A whole file the kernel read into vmalloc'd memory
/// (`kernel_read_file_from_path()`).
///
/// # Invariants
///
/// `0` points to `1` bytes from `kernel_read_file_from_path()`, freed
/// with `vfree()` on drop.
pub(crate) struct KernelReadFile(NonNull<u8>, usize);

/// Why the module reads a file: the id `security_kernel_read_file()`
/// passes to the LSMs, its own hooks included.
#[derive(Clone, Copy)]
pub(crate) enum ReadId {
    /// A policy file written to the `policy` file.
    Policy,
    /// An X.509 certificate for a keyring (`ima_x509=`, `x509_*`).
    X509Certificate,
}

impl ReadId {
    fn kernel_id(self) -> bindings::kernel_read_file_id {
        match self {
            ReadId::Policy => bindings::kernel_read_file_id_READING_POLICY,
            ReadId::X509Certificate => bindings::kernel_read_file_id_READING_X509_CERTIFICATE,
        }
    }
}

impl KernelReadFile {
    /// Reads the file at `path` as an `id` read (LSMs and IMA see the
    /// read, as for upstream's own).
    pub(crate) fn read(path: &CStr, id: ReadId) -> Result<Self> {
        let mut data: *mut c_void = core::ptr::null_mut();
        // SAFETY: `path` is NUL-terminated; `data` is a valid out-pointer.
        let size = unsafe {
            bindings::kernel_read_file_from_path(
                path.as_char_ptr(),
                0,
                &mut data,
                i32::MAX as usize,
                core::ptr::null_mut(),
                id.kernel_id(),
            )
        };
        if size < 0 {
            return Err(Error::from_errno(size as i32));
        }
        // INVARIANT: on success `data` holds `size` vmalloc'd bytes.
        let p = NonNull::new(data.cast::<u8>()).ok_or(ENOMEM)?;
        Ok(Self(p, size as usize))
    }

    pub(crate) fn as_ptr(&self) -> *const c_void {
        self.0.as_ptr().cast()
    }

    pub(crate) fn len(&self) -> usize {
        self.1
    }
}

impl core::ops::Deref for KernelReadFile {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `1` bytes at `0`, ours until drop (type invariant).
        unsafe { core::slice::from_raw_parts(self.0.as_ptr(), self.1) }
    }
}

impl Drop for KernelReadFile {
    fn drop(&mut self) {
        // SAFETY: vmalloc'd by `kernel_read_file_from_path()` (invariant).
        unsafe { bindings::vfree(self.0.as_ptr().cast()) };
    }
}
