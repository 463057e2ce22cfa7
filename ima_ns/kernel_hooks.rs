// SPDX-License-Identifier: GPL-2.0
//! Entry points for `glue.c`'s hooks on what the kernel reads or loads
//! for itself (`kernel_read_file`, `kernel_load_data` and their `post_`
//! hooks, `kernel_module_request`) and on overlayfs copy-up and POSIX ACL
//! changes: the kernel's values mapped to the pure crates' types, the
//! decision made there (`ima_plan::KernelId`, `ima_plan::load_data`,
//! `ima_evm::copy_up_xattr`, ...), then carried out.

use crate::bindings;
use crate::compat::CStrExt;
use crate::dentry::Dentry;
use crate::hooks::{self, ima_ns_rust_buffer_event, ima_ns_rust_file_event};
use core::ffi::{c_int, c_void, CStr};
use ima_evm::{AclChange, CopyUp};
use ima_plan::{AppraiseFlags, KernelId, LoadFacts, PostLoad};
use ima_policy::Func;
use kernel::ffi::c_char;
use kernel::prelude::*;

/// `enum kernel_read_file_id` as [`KernelId`].
fn read_id(id: bindings::kernel_read_file_id) -> KernelId {
    match id {
        bindings::kernel_read_file_id_READING_FIRMWARE => KernelId::Firmware,
        bindings::kernel_read_file_id_READING_MODULE => KernelId::Module,
        bindings::kernel_read_file_id_READING_KEXEC_IMAGE => KernelId::KexecImage,
        bindings::kernel_read_file_id_READING_KEXEC_INITRAMFS => KernelId::KexecInitramfs,
        bindings::kernel_read_file_id_READING_POLICY => KernelId::Policy,
        bindings::kernel_read_file_id_READING_X509_CERTIFICATE => KernelId::X509Certificate,
        id if Some(id) == crate::compat::READING_MODULE_COMPRESSED => KernelId::ModuleCompressed,
        _ => KernelId::Unknown,
    }
}

/// `enum kernel_load_data_id` as [`KernelId`].
fn load_id(id: bindings::kernel_load_data_id) -> KernelId {
    match id {
        bindings::kernel_load_data_id_LOADING_FIRMWARE => KernelId::Firmware,
        bindings::kernel_load_data_id_LOADING_MODULE => KernelId::Module,
        bindings::kernel_load_data_id_LOADING_KEXEC_IMAGE => KernelId::KexecImage,
        bindings::kernel_load_data_id_LOADING_KEXEC_INITRAMFS => KernelId::KexecInitramfs,
        bindings::kernel_load_data_id_LOADING_POLICY => KernelId::Policy,
        bindings::kernel_load_data_id_LOADING_X509_CERTIFICATE => KernelId::X509Certificate,
        id if Some(id) == crate::compat::LOADING_MODULE_COMPRESSED => KernelId::ModuleCompressed,
        _ => KernelId::Unknown,
    }
}

/// A kernel read's hook as `glue.h`'s `IMA_NS_*` func value
/// ([`KernelId::read_func`] gives no other).
fn glue_func(func: Func) -> u32 {
    match func {
        Func::FirmwareCheck => bindings::IMA_NS_FIRMWARE_CHECK,
        Func::ModuleCheck => bindings::IMA_NS_MODULE_CHECK,
        Func::KexecKernelCheck => bindings::IMA_NS_KEXEC_KERNEL_CHECK,
        Func::KexecInitramfsCheck => bindings::IMA_NS_KEXEC_INITRAMFS_CHECK,
        Func::PolicyCheck => bindings::IMA_NS_POLICY_CHECK,
        _ => bindings::IMA_NS_FILE_CHECK,
    }
}

/// `kernel_read_file` (`ima_read_file()`): a partial read is measured
/// from the file now; a whole one from its buffer, in
/// [`ima_ns_rust_kernel_post_read_file`].
///
/// # Safety
///
/// `file` must be NULL or a file the caller holds a reference to.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_kernel_read_file(
    file: *mut bindings::file,
    id: bindings::kernel_read_file_id,
    contents: bool,
) -> c_int {
    let Some(func) = read_id(id).on_read(contents) else {
        return 0;
    };
    let (cred, buf) = (core::ptr::null(), core::ptr::null());
    // SAFETY: as the caller promises.
    unsafe { ima_ns_rust_file_event(file, cred, glue_func(func), ima_policy::MAY_READ, buf, 0) }
}

/// `kernel_post_read_file` (`ima_post_read_file()`): the contents the
/// kernel read, measured instead of reading the file again.
///
/// # Safety
///
/// `file` must be NULL or a file the caller holds a reference to, and
/// `buf` NULL or valid for `size` bytes.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_kernel_post_read_file(
    file: *mut bindings::file,
    buf: *mut c_char,
    size: bindings::loff_t,
    id: bindings::kernel_read_file_id,
) -> c_int {
    let has_buffer = !file.is_null() && !buf.is_null() && size > 0;
    let Some(func) = read_id(id).on_post_read(has_buffer) else {
        return 0;
    };
    // SAFETY: as the caller promises; `size > 0` (`has_buffer`).
    unsafe {
        ima_ns_rust_file_event(
            file,
            core::ptr::null(),
            glue_func(func),
            ima_policy::MAY_READ,
            buf.cast::<c_void>().cast_const(),
            size as u64,
        )
    }
}

/// Upstream's `ima_appraise` bits for current's namespace and its
/// ancestors: enforce mode, and each hook an `appraise func=` rule ever
/// named (none while the hooks are not live).
fn appraise_flags() -> AppraiseFlags {
    let mut flags = AppraiseFlags::default();
    let Some(st) = hooks::active_state() else {
        return flags;
    };
    flags.enforce = crate::appraise::mode() == crate::appraise::Mode::Enforce;
    if !crate::appraise::enabled() {
        return flags;
    }
    st.with_current_ns(|ns| {
        for n in ns.lineage() {
            for func in AppraiseFlags::FUNCS {
                if n.policy.appraised_func(func) {
                    flags.add_func(func);
                }
            }
        }
    });
    flags
}

/// What the kernel enforces itself, asked through glue.c.
struct KernelFacts;

impl LoadFacts for KernelFacts {
    fn kexec_sig_secure_boot(&self) -> bool {
        // SAFETY: no preconditions (process context, as the hook).
        unsafe { bindings::ima_ns_kexec_sig_secure_boot() }
    }

    fn module_sig_enforced(&self) -> bool {
        // SAFETY: no preconditions.
        unsafe { bindings::ima_ns_module_sig_enforced() }
    }
}

/// `kernel_load_data` (`ima_load_data()`): data with no file that an
/// appraise rule covers is refused (`-EACCES`).
#[no_mangle]
pub(crate) extern "C" fn ima_ns_rust_kernel_load_data(
    id: bindings::kernel_load_data_id,
    contents: bool,
) -> c_int {
    match ima_plan::load_data(load_id(id), contents, appraise_flags(), &KernelFacts) {
        Ok(()) => 0,
        Err(refusal) => {
            pr_err!("{}\n", refusal.0);
            EACCES.to_errno()
        }
    }
}

/// `kernel_post_load_data` (`ima_post_load_data()`): firmware from the
/// sysfs fallback is refused where firmware is appraised; an
/// `init_module()` image is listed as critical data `modules`, by digest.
///
/// # Safety
///
/// `buf` must be NULL or valid for `size` bytes.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_kernel_post_load_data(
    buf: *mut c_char,
    size: bindings::loff_t,
    id: bindings::kernel_load_data_id,
) -> c_int {
    let has_buffer = !buf.is_null() && size > 0;
    match ima_plan::post_load_data(load_id(id), has_buffer, appraise_flags) {
        PostLoad::Allow => 0,
        PostLoad::Refuse(refusal) => {
            pr_err!("{}\n", refusal.0);
            EACCES.to_errno()
        }
        PostLoad::MeasureModule => {
            // SAFETY: `buf` is valid for `size > 0` bytes (caller); the
            // names are NUL-terminated literals.
            unsafe {
                ima_ns_rust_buffer_event(
                    buf.cast::<c_void>().cast_const(),
                    size as u64,
                    bindings::IMA_NS_CRITICAL_DATA,
                    c"init_module".as_char_ptr(),
                    c"modules".as_char_ptr(),
                    true,
                )
            };
            0
        }
    }
}

/// `inode_copy_up_xattr` (`evm_inode_copy_up_xattr()`): overlayfs copies
/// `security.evm` up only if it is a portable signature.
///
/// # Safety
///
/// `src` must be a live dentry and `name` a NUL-terminated string.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_copy_up_xattr(
    src: *mut bindings::dentry,
    name: *const c_char,
) -> c_int {
    // SAFETY: `name` is NUL-terminated (caller).
    let name = unsafe { CStr::from_char_ptr(name) }.to_bytes();
    let value = if CopyUp::needs_value(name) {
        // SAFETY: `src` is live (caller).
        unsafe { Dentry::from_raw(src) }.and_then(|d| d.xattr(c"security.evm").ok().flatten())
    } else {
        None
    };
    match ima_evm::copy_up_xattr(name, value.as_deref()) {
        CopyUp::NotEvms => -(bindings::EOPNOTSUPP as c_int),
        CopyUp::Copy => 0,
        CopyUp::Discard => -(bindings::ECANCELED as c_int),
        CopyUp::Fail => EPERM.to_errno(),
    }
}

/// `evm_inode_set_acl_change()`: whether a POSIX ACL change (may) change
/// the mode.
///
/// # Safety
///
/// `change` must point to a valid `struct ima_ns_acl_change`.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_acl_changes_mode(
    change: *const bindings::ima_ns_acl_change,
) -> bool {
    // SAFETY: as the caller promises.
    let c = unsafe { &*change };
    ima_evm::acl_changes_mode(if !c.posix_acl {
        AclChange::Unsupported
    } else if c.removed {
        AclChange::Removed
    } else if c.update_err != 0 {
        AclChange::UpdateFailed
    } else {
        AclChange::Set {
            mode: c.mode,
            new_mode: c.new_mode,
        }
    })
}

/// `kernel_module_request` (`ima_kernel_module_request()`): `-EINVAL`
/// for the RSA PKCS#1 template's module, which does not exist.
///
/// # Safety
///
/// `name` must be a NUL-terminated string.
#[no_mangle]
pub(crate) unsafe extern "C" fn ima_ns_rust_kernel_module_request(name: *const c_char) -> c_int {
    // SAFETY: as the caller promises.
    let name = unsafe { CStr::from_char_ptr(name) }.to_bytes();
    if ima_plan::refuses_module_request(name, crate::compat::KERNEL_LINE) {
        EINVAL.to_errno()
    } else {
        0
    }
}

hooks::same_prototype_as_glue_h!(
    ima_ns_rust_kernel_read_file,
    ima_ns_rust_kernel_post_read_file,
    ima_ns_rust_kernel_load_data,
    ima_ns_rust_kernel_post_load_data,
    ima_ns_rust_copy_up_xattr,
    ima_ns_rust_acl_changes_mode,
    ima_ns_rust_kernel_module_request,
);
