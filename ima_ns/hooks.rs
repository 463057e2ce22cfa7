//! Entry points for the hook trampolines in `glue.c`.
//!
//! Each runs in the LSM hook's context with the arguments the LSM framework
//! passed, and maps them to the measurement path or the task map.

use crate::bindings;
use crate::file::File;
use crate::measure;
use crate::state::{self, ImaState};
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

/// Measurement is on: every task calls our hooks.
pub(crate) fn is_active() -> bool {
    ACTIVE.load(Ordering::Acquire)
}

/// The state to measure with, if measurement is on.
fn active_state() -> Option<&'static ImaState> {
    if !is_active() {
        return None;
    }
    state::get()
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
    let (Some(st), Some(file), Some(func)) =
        (active_state(), NonNull::new(file), func_from_glue(func))
    else {
        return 0;
    };
    // SAFETY: the caller holds a reference for the call's duration.
    let file = unsafe { File::from_raw(file) };
    let result = st.with_current_ns(|ns| measure::file_event(st, ns, &file, func, mask));
    if let Err(e) = result {
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
    let (Some(st), Some(file)) = (active_state(), NonNull::new(file)) else {
        return;
    };
    // SAFETY: the file is valid until its release completes.
    measure::file_release(st, &unsafe { File::from_raw(file) });
}

/// An inode is being freed: drop its cached state.
///
/// # Safety
///
/// Called by the LSM framework with the inode being freed; the pointer is
/// used only as a key.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_inode_free(inode: *mut bindings::inode) {
    if let Some(st) = state::get() {
        st.iints.remove(inode as usize);
    }
}

/// `copy_process()`: the new task joins its IMA namespace. Fails the fork
/// (`ENOMEM`) rather than let a task escape its namespace. Runs whatever
/// `ACTIVE` says, so membership stays exact for as long as the hooks run.
///
/// # Safety
///
/// `task` is the task being created; used only as a key.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_task_alloc(
    task: *mut bindings::task_struct,
    thread: bool,
) -> c_int {
    let Some(st) = state::get() else {
        return 0;
    };
    match st.tasks.task_alloc(task as usize, thread) {
        Ok(()) => 0,
        Err(e) => {
            pr_warn!("fork refused: IMA namespace membership failed: {:?}\n", e);
            e.to_errno()
        }
    }
}

/// A task is freed, often in softirq (an RCU callback).
///
/// # Safety
///
/// `task` is the task being freed; used only as a key.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_task_free(task: *mut bindings::task_struct) {
    if let Some(st) = state::get() {
        st.tasks.task_free(task as usize);
    }
}
