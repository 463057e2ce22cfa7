//! Entry points for the hook trampolines in `glue.c`.
//!
//! Each runs in the LSM hook's (sleepable) context with the arguments the
//! LSM framework passed, and maps them to the namespace's measurement path.

use crate::bindings;
use crate::file::File;
use crate::{measure, namespace};
use core::ffi::c_int;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, Ordering};
use ima_policy::Func;
use kernel::prelude::*;

/// Every task runs the hooks: set after the livepatch transition completes,
/// cleared before the patch is disabled.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Livepatch callbacks (`post_patch`, `pre_unpatch`).
#[no_mangle]
pub(crate) extern "C" fn ima_ns_rust_set_active(active: bool) {
    ACTIVE.store(active, Ordering::Release);
}

/// The namespace to act in, if measurement is on.
fn active_root() -> Option<&'static namespace::ImaNamespace> {
    if !ACTIVE.load(Ordering::Acquire) {
        return None;
    }
    namespace::root()
}

fn func_from_glue(func: u32) -> Option<Func> {
    match func {
        bindings::IMA_NS_FILE_CHECK => Some(Func::FileCheck),
        bindings::IMA_NS_MMAP_CHECK => Some(Func::MmapCheck),
        bindings::IMA_NS_BPRM_CHECK => Some(Func::BprmCheck),
        _ => None,
    }
}

/// exec, mmap(PROT_EXEC) and open. Returns 0 or a negative errno.
///
/// # Safety
///
/// `file` must be NULL or a file the caller holds a reference to for the
/// duration of the call.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_file_event(
    file: *mut bindings::file,
    func: u32,
    mask: u32,
) -> c_int {
    let (Some(ns), Some(file), Some(func)) =
        (active_root(), NonNull::new(file), func_from_glue(func))
    else {
        return 0;
    };
    // SAFETY: the caller holds a reference for the call's duration.
    let file = unsafe { File::from_raw(file) };
    if let Err(e) = measure::file_event(ns, &file, func, mask) {
        pr_warn!("{} not measured: {:?}\n", func.name(), e);
    }
    0
}

/// The last `fput()` of a file opened for write.
///
/// # Safety
///
/// `file` must be a valid file being released.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_file_release(file: *mut bindings::file) {
    let (Some(ns), Some(file)) = (active_root(), NonNull::new(file)) else {
        return;
    };
    // SAFETY: the file is valid until its release completes.
    measure::file_release(ns, &unsafe { File::from_raw(file) });
}

/// An inode is being freed: drop its cached state.
///
/// # Safety
///
/// Called by the LSM framework with the inode being freed; the pointer is
/// used only as a key.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_inode_free(inode: *mut bindings::inode) {
    if let Some(ns) = namespace::root() {
        ns.iints.remove(inode as usize);
    }
}
