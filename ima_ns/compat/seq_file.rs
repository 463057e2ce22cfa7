// SPDX-License-Identifier: GPL-2.0
//! A seq_file being filled (`include/linux/seq_file.h`): on 7.x the
//! `kernel` crate's own `kernel::seq_file::SeqFile`; on 6.12, whose
//! `kernel` crate has no `seq_file.rs`, a shim with the same `from_raw`.
//! What the securityfs files need beyond `seq_print!` (raw bytes for the
//! binary lists, `private`) is [`SeqFileExt`], written once for both.

use crate::bindings;
use core::ffi::c_void;

#[cfg(kernel_7)]
pub(crate) use kernel::seq_file::SeqFile;
#[cfg(not(kernel_7))]
pub(crate) use shim::SeqFile;

#[cfg(not(kernel_7))]
mod shim {
    use crate::bindings;
    use core::marker::PhantomData;
    use kernel::types::Opaque;

    /// A seq_file being filled, as 7.x's `kernel::seq_file::SeqFile`.
    ///
    /// # Invariants
    ///
    /// An instance is only reached through [`SeqFile::from_raw`], whose
    /// caller promises the seq_file is valid and used by this thread only
    /// for the reference's lifetime (hence not `Send`/`Sync`).
    #[repr(transparent)]
    pub(crate) struct SeqFile {
        inner: Opaque<bindings::seq_file>,
        _not_send: PhantomData<*mut ()>,
    }

    impl SeqFile {
        /// The seq_file at `ptr`.
        ///
        /// # Safety
        ///
        /// For `'a`, `ptr` points to a valid `struct seq_file` that no
        /// other thread accesses.
        pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::seq_file) -> &'a SeqFile {
            // SAFETY: valid for `'a`, as the caller promises; the layouts
            // match (`repr(transparent)`, the marker is zero-sized).
            // INVARIANT: the caller's promise.
            unsafe { &*ptr.cast() }
        }
    }
}

/// The raw `struct seq_file` behind `m`. 7.x's `SeqFile` has no `as_ptr`,
/// but documents its layout: `repr(transparent)` over
/// `Opaque<bindings::seq_file>` plus a zero-sized marker (its `from_raw`
/// casts the other way); the shim's is the same.
fn raw(m: &SeqFile) -> *mut bindings::seq_file {
    core::ptr::from_ref(m).cast_mut().cast()
}

/// What the securityfs files write beyond formatted text.
pub(crate) trait SeqFileExt {
    /// `SeqFile::from_raw` for a pointer of the module's own bindings (the
    /// `seq_operations` callbacks), a type distinct from
    /// `kernel::bindings::seq_file`.
    ///
    /// # Safety
    ///
    /// As `SeqFile::from_raw`: for `'a`, `ptr` points to a valid seq_file
    /// that no other thread accesses.
    unsafe fn from_glue<'a>(ptr: *mut bindings::seq_file) -> &'a Self;

    /// Appends `bytes`; `false` if they did not fit (seq_file then retries
    /// the record with a larger buffer).
    fn write_bytes(&self, bytes: &[u8]) -> bool;
    /// `seq_file.private`, set by whoever opened it.
    fn private(&self) -> *mut c_void;
}

impl SeqFileExt for SeqFile {
    unsafe fn from_glue<'a>(ptr: *mut bindings::seq_file) -> &'a Self {
        // SAFETY: the caller's promise; both bindings describe the same C
        // `struct seq_file`.
        unsafe { SeqFile::from_raw(ptr.cast()) }
    }

    fn write_bytes(&self, bytes: &[u8]) -> bool {
        // SAFETY: `raw(self)` is valid and ours alone (type invariant);
        // `Opaque` allows C to mutate it through this shared reference;
        // `bytes` is valid for its length.
        unsafe { bindings::seq_write(raw(self), bytes.as_ptr().cast(), bytes.len()) == 0 }
    }

    fn private(&self) -> *mut c_void {
        // SAFETY: `raw(self)` is valid and ours alone (type invariant).
        unsafe { (*raw(self)).private }
    }
}
