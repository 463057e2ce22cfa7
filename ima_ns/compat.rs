// SPDX-License-Identifier: GPL-2.0
//! What differs between the `kernel` crates of Linux 6.12 and 7.x, in one
//! place: the rest of the module is written once for both.
//!
//! Kbuild sets `--cfg kernel_7` on a 7.x tree (see `Kbuild`); every
//! `cfg(kernel_7)` of the module is in this file, its submodules
//! (`compat/cred.rs`, `compat/seq_file.rs`: the 7.x `kernel` crate's own
//! types, and shims of them on 6.12), `bindings.rs` and the crate root's
//! `module!`.

pub(crate) mod cred;
pub(crate) mod seq_file;

use crate::bindings;
use core::sync::atomic::{AtomicBool, Ordering};
use ima_policy::Upstream;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// The upstream line of the kernel the module was built for.
#[cfg(not(kernel_7))]
pub(crate) const KERNEL_LINE: Upstream = Upstream::for_kernel_major(6);
/// The upstream line of the kernel the module was built for.
#[cfg(kernel_7)]
pub(crate) const KERNEL_LINE: Upstream = Upstream::for_kernel_major(7);

/// `upstream=7.3` was chosen (set once by [`follow`], before any
/// hook runs).
static FOLLOW_7_3: AtomicBool = AtomicBool::new(false);

/// Whose user-visible IMA behaviour the module follows where 6.12 and 7.3
/// differ ([`Upstream`]): the `upstream=` parameter, else the kernel's
/// line.
pub(crate) fn upstream() -> Upstream {
    if FOLLOW_7_3.load(Ordering::Relaxed) {
        Upstream::V7_3
    } else {
        Upstream::V6_12
    }
}

/// Fixes [`upstream`] to the parsed `upstream=` (once, at load, before
/// any hook runs).
pub(crate) fn follow(chosen: Upstream) {
    FOLLOW_7_3.store(chosen == Upstream::V7_3, Ordering::Relaxed);
}

/// `READING_MODULE_COMPRESSED`, which 6.12 does not have.
#[cfg(not(kernel_7))]
pub(crate) const READING_MODULE_COMPRESSED: Option<bindings::kernel_read_file_id> = None;
/// `READING_MODULE_COMPRESSED`, which 6.12 does not have.
#[cfg(kernel_7)]
pub(crate) const READING_MODULE_COMPRESSED: Option<bindings::kernel_read_file_id> =
    Some(bindings::kernel_read_file_id_READING_MODULE_COMPRESSED);

/// `LOADING_MODULE_COMPRESSED` (the ids are one list), which 6.12 does not
/// have.
#[cfg(not(kernel_7))]
pub(crate) const LOADING_MODULE_COMPRESSED: Option<bindings::kernel_load_data_id> = None;
/// `LOADING_MODULE_COMPRESSED` (the ids are one list), which 6.12 does not
/// have.
#[cfg(kernel_7)]
pub(crate) const LOADING_MODULE_COMPRESSED: Option<bindings::kernel_load_data_id> =
    Some(bindings::kernel_load_data_id_LOADING_MODULE_COMPRESSED);

/// Shows a value of the pure crates (which implement
/// `core::fmt::Display`) in `pr_*!`: 7.x formats through its own
/// `kernel::fmt::Display`, which a foreign type cannot implement.
pub(crate) struct Disp<T>(pub(crate) T);

#[cfg(not(kernel_7))]
impl<T: core::fmt::Display> core::fmt::Display for Disp<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(kernel_7)]
impl<T: core::fmt::Display> kernel::fmt::Display for Disp<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.0, f)
    }
}

/// The lock-class key argument of the `kernel` crate's lock constructors:
/// pinned in 7.x.
#[cfg(not(kernel_7))]
pub(crate) type LockKey = &'static kernel::sync::LockClassKey;
#[cfg(kernel_7)]
pub(crate) type LockKey = Pin<&'static kernel::sync::LockClassKey>;

/// A monotonic clock reading.
#[derive(Clone, Copy)]
pub(crate) struct Instant(
    #[cfg(not(kernel_7))] kernel::time::Ktime,
    #[cfg(kernel_7)] kernel::time::Instant<kernel::time::Monotonic>,
);

impl Instant {
    pub(crate) fn now() -> Self {
        #[cfg(not(kernel_7))]
        return Self(kernel::time::Ktime::ktime_get());
        #[cfg(kernel_7)]
        return Self(kernel::time::Instant::now());
    }

    /// Nanoseconds since `self`.
    pub(crate) fn elapsed_ns(&self) -> i64 {
        #[cfg(not(kernel_7))]
        return (kernel::time::Ktime::ktime_get() - self.0).to_ns();
        #[cfg(kernel_7)]
        return self.0.elapsed().as_nanos();
    }

    /// Milliseconds since `self`.
    pub(crate) fn elapsed_ms(&self) -> i64 {
        self.elapsed_ns() / 1_000_000
    }
}

/// Shortens `v` to `len` elements; `T: Copy`, so nothing is dropped.
pub(crate) fn truncate_copy<T: Copy>(v: &mut KVec<T>, len: usize) {
    #[cfg(not(kernel_7))]
    if len < v.len() {
        // SAFETY: `len < v.len()`: the first `len` elements are
        // initialised, and those cut off are `Copy` (no destructor).
        unsafe { v.set_len(len) };
    }
    #[cfg(kernel_7)]
    v.truncate(len);
}

/// `len` zero bytes, zeroed by the allocator (`__GFP_ZERO`: the slab's or
/// the page allocator's memset) rather than by `KVec::from_elem`, whose
/// loop stores a byte at a time, ~8 instructions a byte: a 32 KiB hash
/// buffer took ~260 000, the whole fixed cost of a first measurement over
/// upstream's, and a `PATH_MAX` name buffer ~32 000 per named event.
pub(crate) fn zeroed_bytes(len: usize) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(len, GFP_KERNEL | __GFP_ZERO)?;
    #[cfg(not(kernel_7))]
    {
        // SAFETY: the allocation has room for `len` bytes
        // (`with_capacity`), all zeroed by `__GFP_ZERO`: the first `len`
        // elements are initialised.
        unsafe { v.set_len(len) };
    }
    #[cfg(kernel_7)]
    {
        // SAFETY: as above; the vector was empty, so `len` is what
        // `with_capacity` left spare.
        unsafe { v.inc_len(len) };
    }
    Ok(v)
}

/// A user-memory range, for the file operations' `buf, len`.
pub(crate) fn user_slice(addr: usize, len: usize) -> UserSlice {
    #[cfg(not(kernel_7))]
    return UserSlice::new(addr, len);
    #[cfg(kernel_7)]
    return UserSlice::new(kernel::uaccess::UserPtr::from_addr(addr), len);
}

/// `&file->f_path` (inside an anonymous union in 7.x).
///
/// # Safety
///
/// `file` points to a valid `struct file`.
pub(crate) unsafe fn file_path(file: *const bindings::file) -> *const bindings::path {
    #[cfg(not(kernel_7))]
    // SAFETY: `file` is valid, as the caller promises.
    return unsafe { core::ptr::addr_of!((*file).f_path) };
    #[cfg(kernel_7)]
    // SAFETY: `file` is valid, as the caller promises.
    return unsafe { core::ptr::addr_of!((*file).__bindgen_anon_1.f_path) };
}

/// Points `pks` at the digest the signature covers: `->digest` in 6.12,
/// `->m` in 7.x. The digest must outlive every use of `pks`.
pub(crate) fn set_signed_digest(pks: &mut bindings::public_key_signature, digest: &[u8]) -> Result {
    let len = u32::try_from(digest.len()).map_err(|_| EINVAL)?;
    #[cfg(not(kernel_7))]
    {
        pks.digest = digest.as_ptr().cast_mut();
        pks.digest_size = len;
    }
    #[cfg(kernel_7)]
    {
        pks.m = digest.as_ptr().cast_mut();
        pks.m_size = len;
    }
    Ok(())
}

/// `CStr` to and from the kernel's `char *` (unsigned in the kernel):
/// 7.x's `CStrExt`, and the same two methods on 6.12's `core::ffi::CStr`.
#[cfg(kernel_7)]
pub(crate) use kernel::str::CStrExt;

/// `CStr` to and from the kernel's `char *` (7.x's `CStrExt`).
#[cfg(not(kernel_7))]
pub(crate) trait CStrExt {
    /// The string at `ptr`.
    ///
    /// # Safety
    ///
    /// As for `CStr::from_ptr`: `ptr` is NUL-terminated, valid and
    /// unchanged for `'a`.
    unsafe fn from_char_ptr<'a>(ptr: *const kernel::ffi::c_char) -> &'a Self;

    /// The string as the kernel's `const char *`.
    fn as_char_ptr(&self) -> *const kernel::ffi::c_char;
}

#[cfg(not(kernel_7))]
impl CStrExt for core::ffi::CStr {
    unsafe fn from_char_ptr<'a>(ptr: *const kernel::ffi::c_char) -> &'a Self {
        // SAFETY: the caller's promise is `from_ptr`'s requirement.
        unsafe { core::ffi::CStr::from_ptr(ptr.cast()) }
    }

    fn as_char_ptr(&self) -> *const kernel::ffi::c_char {
        self.as_ptr().cast()
    }
}
