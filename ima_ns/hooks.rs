// SPDX-License-Identifier: GPL-2.0
//! Entry points for the hook trampolines in `glue.c`.
//!
//! Each runs in the LSM hook's context with the arguments the LSM framework
//! passed, and maps them to the measurement path or the task map.

use crate::bindings;
use crate::compat::cred::{Credential, CredentialExt};
use crate::compat::CStrExt;
use crate::dentry::Dentry;
use crate::file::{File, FileFacts};
use crate::measure;
use crate::model::Verdict;
use crate::state::{self, ImaState};
use core::ffi::c_int;
use core::fmt::Write;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, Ordering};
use ima_evm::XattrClass;
use ima_policy::Func;
use kernel::prelude::*;

/// Every task runs the hooks: set after the livepatch transition completes,
/// cleared before the patch is disabled.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// An unpatch began since the hooks were last switched on.
static SWITCHED_OFF: AtomicBool = AtomicBool::new(false);

/// Livepatch `post_patch`: every task runs the hooks. After a reversed
/// unpatch (the transition turned back) the host's list says measurement
/// is on again, as it said when it went off.
#[no_mangle]
pub(crate) extern "C" fn ima_ns_rust_hooks_on() {
    ACTIVE.store(true, Ordering::Release);
    if SWITCHED_OFF.swap(false, Ordering::AcqRel) {
        record_switch(b"ima-ns:hooks-on", "enabled");
    }
}

/// Livepatch `pre_unpatch`, in the task that asked for it, every hook
/// still live: measurement is about to stop until the module is loaded
/// again. No one can refuse an unpatch (load with `lock=1` to make it
/// impossible), so it is recorded first: an entry in the host's list,
/// extended into PCR 10, that a verifier replays like any other.
#[no_mangle]
pub(crate) extern "C" fn ima_ns_rust_hooks_off() {
    SWITCHED_OFF.store(true, Ordering::Release);
    record_switch(b"ima-ns:hooks-off", "disabled");
    ACTIVE.store(false, Ordering::Release);
}

/// Records a switch of the hooks in the host's list: an `ima-buf` entry
/// whose buffer names the namespace of the task that asked for it.
fn record_switch(name: &[u8], what: &str) {
    let Some(st) = state::get() else {
        return;
    };
    let by = st.current_ns().id;
    let mut text = crate::text::DataBuf(KVec::new());
    let _ = write!(text, "hooks {what} by namespace {by}");
    let r = st.record_buffer(&st.host, name, &text.0);
    pr_warn!(
        "measurement {} by a task of namespace {} ({})\n",
        what,
        by,
        if r.is_ok() {
            "recorded in the host list"
        } else {
            "NOT recorded"
        }
    );
    crate::audit::status("hooks", what, r.is_ok(), by);
}

/// Measurement is on: every task calls our hooks.
pub(crate) fn is_active() -> bool {
    ACTIVE.load(Ordering::Acquire)
}

/// The state to measure with, if measurement is on.
pub(crate) fn active_state() -> Option<&'static ImaState> {
    if !is_active() {
        return None;
    }
    state::get()
}

fn func_from_glue(func: u32) -> Option<Func> {
    Some(match func {
        bindings::IMA_NS_FILE_CHECK => Func::FileCheck,
        bindings::IMA_NS_MMAP_CHECK => Func::MmapCheck,
        bindings::IMA_NS_MMAP_CHECK_REQPROT => Func::MmapCheckReqprot,
        bindings::IMA_NS_BPRM_CHECK => Func::BprmCheck,
        bindings::IMA_NS_CREDS_CHECK => Func::CredsCheck,
        bindings::IMA_NS_MODULE_CHECK => Func::ModuleCheck,
        bindings::IMA_NS_FIRMWARE_CHECK => Func::FirmwareCheck,
        bindings::IMA_NS_KEXEC_KERNEL_CHECK => Func::KexecKernelCheck,
        bindings::IMA_NS_KEXEC_INITRAMFS_CHECK => Func::KexecInitramfsCheck,
        bindings::IMA_NS_POLICY_CHECK => Func::PolicyCheck,
        bindings::IMA_NS_KEY_CHECK => Func::KeyCheck,
        bindings::IMA_NS_CRITICAL_DATA => Func::CriticalData,
        _ => return None,
    })
}

/// A file event (exec, mmap, open, kernel file reads). Returns 0, or
/// `-EACCES` when an external model denies it.
///
/// # Safety
///
/// `file` must be NULL or a file the caller holds a reference to, `cred`
/// NULL or live, and `buf` NULL or valid for `len` bytes, all for the
/// duration of the call.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_file_event(
    file: *mut bindings::file,
    cred: *const bindings::cred,
    func: u32,
    mask: u32,
    buf: *const core::ffi::c_void,
    len: u64,
) -> c_int {
    let (Some(st), Some(file), Some(func)) =
        (active_state(), NonNull::new(file), func_from_glue(func))
    else {
        return 0;
    };
    // SAFETY: the caller holds a reference for the call's duration.
    let file = unsafe { File::from_raw(file) };
    // SAFETY: the caller guarantees `buf` is valid for `len` bytes.
    let contents = unsafe { slice_from(buf, len) };
    // SAFETY: NULL or live for the call, as the caller guarantees.
    let cred = unsafe { Credential::from_glue(cred) };
    let event = measure::FileEvent {
        file: &file,
        cred,
        func,
        mask,
        contents,
    };
    match st.with_current_ns(|ns| measure::file_event(st, ns, &event)) {
        Ok(Verdict::Allow) => 0,
        // An agent of an enforcing namespace said no (or its fail mode).
        Ok(Verdict::Deny) => EACCES.to_errno(),
        Err(e) => {
            pr_warn!("{} not measured: {:?}\n", func.name(), e);
            0
        }
    }
}

/// `execveat(AT_EXECVE_CHECK)` of `file` (7.x only: glue.c's
/// `bprm_creds_for_exec` with `bprm->is_check`): a `BPRM_CHECK` event if
/// the module follows 7.3 ([`ima_policy::Upstream::checks_execve_check`]).
///
/// # Safety
///
/// As [`ima_ns_rust_file_event`].
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_execve_check(file: *mut bindings::file) -> c_int {
    if !crate::compat::upstream().checks_execve_check() {
        return 0;
    }
    // SAFETY: as the caller promises.
    unsafe {
        ima_ns_rust_file_event(
            file,
            core::ptr::null(),
            bindings::IMA_NS_BPRM_CHECK,
            ima_policy::MAY_EXEC,
            core::ptr::null(),
            0,
        )
    }
}

/// `buf`/`len` from C as a slice; `None` for NULL or empty.
///
/// # Safety
///
/// `buf` must be NULL or valid for reads of `len` bytes for `'a`.
unsafe fn slice_from<'a>(buf: *const core::ffi::c_void, len: u64) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    if buf.is_null() || len == 0 {
        return None;
    }
    // SAFETY: by the function's safety requirements.
    Some(unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) })
}

/// A C string from glue as bytes; empty for NULL.
///
/// # Safety
///
/// `s` must be NULL or a NUL-terminated string valid for `'a`.
unsafe fn cstr_bytes<'a>(s: *const kernel::ffi::c_char) -> &'a [u8] {
    if s.is_null() {
        return b"";
    }
    // SAFETY: by the function's safety requirements.
    unsafe { core::ffi::CStr::from_char_ptr(s.cast()) }.to_bytes()
}

/// A buffer with no file: an asymmetric key (KEY_CHECK) or an
/// init_module() image (CRITICAL_DATA, label "modules").
///
/// # Safety
///
/// `buf` must be valid for `len` bytes and `name`, `func_data` NULL or
/// NUL-terminated, for the duration of the call.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_buffer_event(
    buf: *const core::ffi::c_void,
    len: u64,
    func: u32,
    name: *const kernel::ffi::c_char,
    func_data: *const kernel::ffi::c_char,
    hash_buf: bool,
) {
    let Some(st) = active_state() else {
        return;
    };
    // SAFETY: by the function's safety requirements.
    let (Some(data), Some(func)) = (unsafe { slice_from(buf, len) }, func_from_glue(func)) else {
        return;
    };
    let event = measure::BufferEvent {
        func,
        // SAFETY: as above.
        name: unsafe { cstr_bytes(name) },
        // SAFETY: as above.
        func_data: unsafe { cstr_bytes(func_data) },
        data,
        hash_data: hash_buf,
    };
    if let Err(e) = st.with_current_ns(|ns| measure::buffer_event(st, ns, &event)) {
        pr_warn!("{} not measured: {:?}\n", func.name(), e);
    }
}

/// `mprotect()` adds PROT_EXEC to a file mapping that did not have it:
/// 0, or `-EPERM` when an `appraise` rule covers the mapping, as
/// upstream's `ima_file_mprotect()`.
///
/// # Safety
///
/// `file` must be a file mapped by the vma being changed (the caller holds
/// the mmap lock, which keeps the mapping's reference).
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_mprotect(file: *mut bindings::file) -> c_int {
    let (Some(st), Some(file)) = (active_state(), NonNull::new(file)) else {
        return 0;
    };
    // SAFETY: the mapping holds a reference for the call's duration.
    let file = unsafe { File::from_raw(file) };
    match st.with_current_ns(|ns| measure::mprotect(ns, &file)) {
        false => 0,
        true => EPERM.to_errno(),
    }
}

/// The last `fput()` of a regular file.
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

/// A regular file is about to be truncated (`ima_reset_action_flags()`):
/// every namespace measures, appraises and audits it again.
///
/// # Safety
///
/// `inode` is the inode being truncated; used only as a key.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_truncate(inode: *mut bindings::inode) {
    let Some(st) = active_state() else {
        return;
    };
    if let Some(iint) = st.iints.get(inode as usize) {
        iint.lock().invalidate(None);
    }
}

/// A regular file was created by `mknod(2)` (`tmpfile` false) or as an
/// `O_TMPFILE`: see [`measure::new_file`].
///
/// # Safety
///
/// `facts` must be valid for reads, filled by `ima_ns_inode_facts()` for
/// an inode the caller holds.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_new_file(
    facts: *const bindings::ima_ns_file_facts,
    tmpfile: bool,
) {
    let Some(st) = active_state() else {
        return;
    };
    // SAFETY: by the function's safety requirements; glue set `fsname`
    // to the superblock's `s_type->name`, which the held inode pins.
    let facts = unsafe { FileFacts::from_glue(&*facts) };
    if let Err(e) = st.with_current_ns(|ns| measure::new_file(st, ns, &facts, tmpfile)) {
        pr_warn!("new file not marked: {:?}\n", e);
    }
}

/// `inode_set_acl`/`inode_remove_acl` (`ima_inode_set_acl()` and
/// `evm_inode_set_acl()`): refused (`EPERM`) on files whose EVM value
/// does not verify, unless the ACL leaves the mode as it is on a portable
/// signature's file; any accepted change makes the next access appraise
/// again.
///
/// # Safety
///
/// `dentry` must be live with `inode` its inode.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_set_acl(
    inode: *mut bindings::inode,
    dentry: *mut bindings::dentry,
    mode_changes: bool,
) -> c_int {
    let Some(st) = active_state() else {
        return 0;
    };
    // SAFETY: by the function's safety requirements.
    let Some(d) = (unsafe { Dentry::from_raw(dentry) }) else {
        return 0;
    };
    if let Err(e) = st.with_current_ns(|ns| crate::evm::set_acl_check(st, ns, d, mode_changes)) {
        return e.to_errno();
    }
    xattr_changed(st, inode);
    0
}

/// After a POSIX ACL changed (`evm_inode_post_set_acl()`): appraise
/// again, and rewrite the HMAC (the ACL may have changed the mode).
///
/// # Safety
///
/// `dentry` must be live with `inode` its inode and its inode lock held.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_acl_changed(
    inode: *mut bindings::inode,
    dentry: *mut bindings::dentry,
) {
    let Some(st) = active_state() else {
        return;
    };
    xattr_changed(st, inode);
    // SAFETY: by the function's safety requirements.
    if let Some(d) = unsafe { Dentry::from_raw(dentry) } {
        // SAFETY: the inode lock is held (function safety requirements).
        unsafe { crate::evm::update(st, d) };
    }
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

/// `copy_process()`: the new task joins its IMA namespace (`new_pidns`:
/// it is born into another PID namespace than its parent's). Fails the fork
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
    new_pidns: bool,
) -> c_int {
    let Some(st) = state::get() else {
        return 0;
    };
    match st.tasks.task_alloc(task as usize, thread, new_pidns) {
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

/// `security.ima` as upstream protects it (`ima_inode_setxattr()`,
/// `ima_inode_removexattr()`): only with CAP_SYS_ADMIN, only well-formed
/// values, only in algorithms every `SETXATTR_CHECK` rule of the writer's
/// namespaces allows. Any accepted change makes the next access appraise
/// and measure again. Then EVM's checks (`evm_inode_setxattr()`) for
/// `security.evm` and the protected xattrs.
///
/// # Safety
///
/// `dentry` must be live with `inode` its inode, `name` NUL-terminated,
/// and `value` NULL (a removal) or valid for `size` bytes, for the call.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_setxattr(
    inode: *mut bindings::inode,
    dentry: *mut bindings::dentry,
    name: *const kernel::ffi::c_char,
    value: *const core::ffi::c_void,
    size: usize,
) -> c_int {
    let Some(st) = active_state() else {
        return 0;
    };
    // SAFETY: by the function's safety requirements.
    let name = unsafe { cstr_bytes(name) };
    // SAFETY: `value` is NULL or valid for `size` bytes.
    let value =
        (!value.is_null()).then(|| unsafe { slice_from(value, size as u64) }.unwrap_or(&[]));
    // SAFETY: no preconditions.
    let capable = unsafe { bindings::ima_ns_capable_sys_admin() };
    if name == b"security.ima" {
        if !capable {
            return EPERM.to_errno();
        }
        if let Some(value) = value {
            // IMA_XATTR_LAST: types 1 to 6 (and 0) are values IMA knows.
            if !matches!(value.first(), Some(&t) if t < 7) {
                return EINVAL.to_errno();
            }
            if let Err(cause) =
                st.with_current_ns(|ns| crate::appraise::setxattr_allowed(ns, value))
            {
                st.with_current_ns(|ns| {
                    pr_notice!(
                        "namespace {}: set_data cause={}: security.ima refused\n",
                        ns.id,
                        cause
                    );
                    crate::audit::integrity_data(None, b"", "set_data", cause, ns.id);
                });
                return EACCES.to_errno();
            }
        }
    }
    // SAFETY: by the function's safety requirements.
    let Some(d) = (unsafe { Dentry::from_raw(dentry) }) else {
        return 0;
    };
    if let Err(e) =
        st.with_current_ns(|ns| crate::evm::setxattr_check(st, ns, d, name, value, capable))
    {
        return e.to_errno();
    }
    if name == b"security.ima" {
        xattr_changed(st, inode);
    }
    0
}

/// After a change of `name` went through: appraise again (the pre-hook
/// marked it too, but an appraisal may have run in between); EVM keeps
/// its HMAC up to date (`evm_inode_post_setxattr()`).
///
/// # Safety
///
/// `dentry` must be live with `inode` its inode and its inode lock held;
/// `name` must be NUL-terminated.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_xattr_changed(
    inode: *mut bindings::inode,
    dentry: *mut bindings::dentry,
    name: *const kernel::ffi::c_char,
) {
    let Some(st) = active_state() else {
        return;
    };
    // SAFETY: by the function's safety requirements.
    let name = unsafe { cstr_bytes(name) };
    let class = crate::evm::class(st, name);
    if name == b"security.ima" || class != XattrClass::Other {
        xattr_changed(st, inode);
    }
    if class == XattrClass::Protected {
        // SAFETY: by the function's safety requirements.
        if let Some(d) = unsafe { Dentry::from_raw(dentry) } {
            // SAFETY: the inode lock is held (function safety requirements).
            unsafe { crate::evm::update(st, d) };
        }
    }
}

/// chmod/chown (`evm_inode_setattr()`): refused on files whose EVM value
/// does not verify for the writer's namespace.
///
/// # Safety
///
/// `dentry` must be a live, positive dentry.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_setattr(
    dentry: *mut bindings::dentry,
    changes: bool,
) -> c_int {
    let Some(st) = active_state() else {
        return 0;
    };
    // SAFETY: by the function's safety requirements.
    let Some(d) = (unsafe { Dentry::from_raw(dentry) }) else {
        return 0;
    };
    match st.with_current_ns(|ns| crate::evm::setattr_check(st, ns, d, changes)) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// After chmod/chown: appraise again (mode and owner are bound by EVM),
/// and rewrite the HMAC (`evm_inode_post_setattr()`).
///
/// # Safety
///
/// `dentry` must be a live, positive dentry whose inode lock is held.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_post_setattr(
    dentry: *mut bindings::dentry,
    changed: bool,
) {
    let Some(st) = active_state() else {
        return;
    };
    // SAFETY: by the function's safety requirements.
    let Some(d) = (unsafe { Dentry::from_raw(dentry) }) else {
        return;
    };
    if changed {
        xattr_changed(st, d.inode());
        // SAFETY: the inode lock is held (function safety requirements).
        unsafe { crate::evm::update(st, d) };
    }
}

fn xattr_changed(st: &ImaState, inode: *mut bindings::inode) {
    if let Some(iint) = st.iints.get(inode as usize) {
        iint.xattr_changed.store(true, Ordering::Release);
    }
}

/// Whether `name[..len]` names one of the module's keyrings; its
/// namespace in `*id`.
#[no_mangle]
pub(crate) extern "C" fn ima_ns_rust_keyring_owner(
    name: *const kernel::ffi::c_char,
    len: usize,
    id: *mut u64,
) -> bool {
    // SAFETY: glue passes a key description of `len` bytes and a valid
    // out-pointer.
    let name = unsafe { core::slice::from_raw_parts(name.cast::<u8>(), len) };
    match crate::keyrings::owner(name) {
        Some(owner) => {
            // SAFETY: as above.
            unsafe { *id = owner };
            true
        }
        None => false,
    }
}

/// Name lookups of namespace `owner`'s IMA keyring (`key_permission`, for
/// references the task does not possess). Atomic context possible: only
/// the task map's spinlock is taken.
#[no_mangle]
pub(crate) extern "C" fn ima_ns_rust_keyring_permission(owner: u64) -> c_int {
    let Some(st) = state::get() else {
        return 0;
    };
    let (ns, for_children) = st.tasks.current();
    let current = ns.as_ref().map_or(0, |n| n.id);
    let for_children = for_children.as_ref().map(|n| (n.id, n.is_active()));
    if crate::keyrings::may_access(current, for_children, owner) {
        0
    } else {
        EACCES.to_errno()
    }
}

/// Checks at compile time that each entry point has the prototype
/// `glue.h` declares (bindgen's `extern` declaration in `bindings`): the
/// two fn items coerce to one fn-pointer type only if their signatures
/// agree, so a C caller can never pass what the Rust side does not take.
macro_rules! same_prototype_as_glue_h {
    ($($name:ident),* $(,)?) => {$(
        const _: () = {
            let _ = if true { bindings::$name } else { $name };
        };
    )*};
}
pub(crate) use same_prototype_as_glue_h;

same_prototype_as_glue_h!(
    ima_ns_rust_hooks_on,
    ima_ns_rust_hooks_off,
    ima_ns_rust_file_event,
    ima_ns_rust_execve_check,
    ima_ns_rust_buffer_event,
    ima_ns_rust_mprotect,
    ima_ns_rust_file_release,
    ima_ns_rust_inode_free,
    ima_ns_rust_new_file,
    ima_ns_rust_set_acl,
    ima_ns_rust_acl_changed,
    ima_ns_rust_truncate,
    ima_ns_rust_task_alloc,
    ima_ns_rust_task_free,
    ima_ns_rust_setxattr,
    ima_ns_rust_xattr_changed,
    ima_ns_rust_setattr,
    ima_ns_rust_post_setattr,
    ima_ns_rust_keyring_permission,
    ima_ns_rust_keyring_owner,
);
