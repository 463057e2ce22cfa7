// SPDX-License-Identifier: GPL-2.0
//! Coexistence with built-in IMA: finds it at load, takes the
//! `securityfs_dir`, `keyring_prefix`, `pcr` and `host` parameters,
//! lets `ima_coexist::resolve` choose, and keeps the result for the rest
//! of the module's life; and the one way the module writes into built-in
//! IMA's list ([`critical_data`]).
//!
//! See Documentation/coexistence.md.

use crate::bindings;
use core::cell::UnsafeCell;
use ima_coexist::{Dirs, Facts, HostMode, ParamError, Params};
use kernel::error::code::EEXIST;
use kernel::prelude::*;

/// The settings in use.
pub(crate) struct Settings {
    pub(crate) builtin_ima: bool,
    /// Built-in EVM owns `security.evm`: the module only verifies it
    /// (Documentation/evm.md, "Two EVMs").
    pub(crate) builtin_evm: bool,
    pub(crate) host: HostMode,
    pub(crate) pcr: u32,
    prefix: [u8; ima_coexist::MAX_KEYRING_PREFIX_LEN],
    prefix_len: usize,
    dir: [u8; ima_coexist::MAX_DIR_LEN],
    dir_len: usize,
}

impl Settings {
    /// Without built-in IMA and with no parameters: what the module did
    /// before it had these parameters.
    const ALONE: Self = Self {
        builtin_ima: false,
        builtin_evm: false,
        host: HostMode::Own,
        pcr: ima_coexist::PCR_ALONE,
        prefix: [b'.', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        prefix_len: 1,
        dir: [0; ima_coexist::MAX_DIR_LEN],
        dir_len: 0,
    };

    /// Keyring names start with this (`.` gives `.ima`, `.ima_ns<id>`).
    pub(crate) fn keyring_prefix(&self) -> &str {
        core::str::from_utf8(&self.prefix[..self.prefix_len]).unwrap_or(".")
    }

    /// The securityfs directory, once made.
    pub(crate) fn dir(&self) -> &str {
        core::str::from_utf8(&self.dir[..self.dir_len]).unwrap_or("")
    }

    /// Host mode `ima`: built-in IMA keeps the host's list.
    pub(crate) fn host_is_builtin(&self) -> bool {
        self.host == HostMode::Ima
    }
}

/// Set-once storage for [`Settings`].
///
/// # Invariants
///
/// Written only by [`init()`] and [`set_dir`], which run in the module's
/// init before anything else reads it: `init` before the host namespace
/// and its keyrings are made, `set_dir` when the module's securityfs
/// directory exists but none of its files, and before the hooks are
/// enabled; never written afterwards.
struct Cell(UnsafeCell<Settings>);

// SAFETY: no write after init (type invariant); reads are of plain data.
unsafe impl Sync for Cell {}

static SETTINGS: Cell = Cell(UnsafeCell::new(Settings::ALONE));

/// The settings in use.
pub(crate) fn get() -> &'static Settings {
    // SAFETY: no writer once anything can call this but init (type invariant).
    unsafe { &*SETTINGS.0.get() }
}

/// Built-in IMA's `ima_measure_critical_data()`, taken at load and given
/// back on drop.
pub(crate) struct BuiltinIma(());

impl Drop for BuiltinIma {
    fn drop(&mut self) {
        // SAFETY: no preconditions; pairs with the probe in `init`.
        unsafe { bindings::ima_ns_builtin_ima_release() };
    }
}

/// Finds built-in IMA, reads the parameters once and decides.
pub(crate) fn init() -> Result<BuiltinIma> {
    // SAFETY: no preconditions.
    let builtin_ima = unsafe { bindings::ima_ns_builtin_ima_probe() };
    let guard = BuiltinIma(());
    // SAFETY: no preconditions.
    let builtin_evm = unsafe { bindings::ima_ns_builtin_evm_probe() };
    let given = crate::params::get().coexist;
    let params = Params {
        dir: given.dir,
        keyring_prefix: given.keyring_prefix,
        pcr: given.pcr,
        host: given.host,
    };
    // EINVAL for all: insmod shows it as "Invalid parameters" (ENOENT
    // would read "Unknown symbol in module"); the log says which and why.
    let s = ima_coexist::resolve(&params, Facts { builtin_ima }).map_err(|e: ParamError| {
        pr_err!("{}\n", crate::compat::Disp(e));
        EINVAL
    })?;
    // The chosen strings are copied: a given directory name lives in the
    // parameter buffer, which `set_dir` writes.
    // SAFETY: init runs before any reader (type invariant of `Cell`).
    let out = unsafe { &mut *SETTINGS.0.get() };
    *out = Settings {
        builtin_ima,
        builtin_evm,
        host: s.host,
        pcr: s.pcr,
        ..Settings::ALONE
    };
    let p = s.keyring_prefix.as_bytes();
    out.prefix[..p.len()].copy_from_slice(p);
    out.prefix_len = p.len();
    if let Dirs::Given(d) = s.dirs {
        out.dir[..d.len()].copy_from_slice(d.as_bytes());
        out.dir_len = d.len();
    }
    Ok(guard)
}

/// The securityfs directory names to try, in order (before [`set_dir`]).
pub(crate) fn dir_candidates() -> impl Iterator<Item = &'static str> {
    match get().dir() {
        "" => Dirs::Auto,
        d => Dirs::Given(d),
    }
    .candidates()
}

/// Records the directory made and shows every setting under
/// `/sys/module/ima_ns/parameters`.
pub(crate) fn set_dir(dir: &str) {
    // SAFETY: called from init before the state is published (type
    // invariant of `Cell`).
    let out = unsafe { &mut *SETTINGS.0.get() };
    let n = dir.len().min(out.dir.len());
    out.dir[..n].copy_from_slice(&dir.as_bytes()[..n]);
    out.dir_len = n;
    let s = get();
    let mut d = [0u8; ima_coexist::MAX_DIR_LEN + 1];
    d[..s.dir_len].copy_from_slice(&s.dir[..s.dir_len]);
    let mut p = [0u8; ima_coexist::MAX_KEYRING_PREFIX_LEN + 1];
    p[..s.prefix_len].copy_from_slice(&s.prefix[..s.prefix_len]);
    let mut h = [0u8; 8];
    h[..3].copy_from_slice(s.host.name().as_bytes());
    // SAFETY: all three are NUL-terminated local buffers.
    unsafe {
        bindings::ima_ns_publish_settings(
            d.as_ptr().cast(),
            p.as_ptr().cast(),
            s.pcr as i32,
            h.as_ptr().cast(),
        )
    };
}

/// Lists `blob` in built-in IMA's list as critical data: label `ima-ns`,
/// entry name `name`, template `ima-buf` (the buffer is in the entry).
/// `Err(ENOENT)`: built-in IMA's policy has no rule for it.
pub(crate) fn critical_data(name: &[u8], blob: &[u8]) -> Result {
    let mut cname = KVec::with_capacity(name.len() + 1, GFP_KERNEL)?;
    cname.extend_from_slice(name, GFP_KERNEL)?;
    cname.push(0, GFP_KERNEL)?;
    if blob.is_empty() || name.contains(&0) {
        return Err(EINVAL);
    }
    // SAFETY: `cname` is NUL-terminated; `blob` is valid for its length.
    let r = unsafe {
        bindings::ima_ns_builtin_critical_data(
            cname.as_ptr().cast(),
            blob.as_ptr().cast(),
            blob.len(),
        )
    };
    match r {
        // 1 is "hashed, not listed", which only a digest request gets.
        0 => Ok(()),
        // The same bytes under the same name are listed already.
        r if r == EEXIST.to_errno() => Ok(()),
        r if r < 0 => Err(Error::from_errno(r)),
        _ => Err(ENOENT),
    }
}

/// [`critical_data`] for an event that may happen more than once a boot
/// (a load, the hooks going off): built-in IMA lists the same bytes under
/// the same name only once, so the time since boot is appended.
pub(crate) fn critical_data_event(name: &[u8], text: &[u8]) -> Result {
    let mut blob = crate::text::DataBuf(KVec::with_capacity(text.len() + 40, GFP_KERNEL)?);
    blob.0.extend_from_slice(text, GFP_KERNEL)?;
    // SAFETY: no preconditions.
    let now = unsafe { bindings::ima_ns_boottime_ns() };
    core::fmt::Write::write_fmt(&mut blob, format_args!("\nboottime_ns {now}\n"))
        .map_err(|_| ENOMEM)?;
    critical_data(name, &blob.0)
}

/// Host mode `ima`: records the load in built-in IMA's list, which also
/// proves its policy records label `ima-ns` (else namespaces could start
/// and end unseen by the host's verifier: the load is refused, `EINVAL`,
/// which insmod shows as "Invalid parameters").
pub(crate) fn record_load() -> Result {
    let s = get();
    let mut blob = crate::text::DataBuf(KVec::new());
    core::fmt::Write::write_fmt(
        &mut blob,
        format_args!(
            "ima-ns load\nhost {}\ndir {}\nkeyring_prefix {}",
            s.host.name(),
            s.dir(),
            s.keyring_prefix(),
        ),
    )
    .map_err(|_| ENOMEM)?;
    critical_data_event(b"ima-ns:load", &blob.0).map_err(|e| {
        if e == ENOENT {
            pr_err!("host=ima: built-in IMA's policy does not measure label ima-ns; add the rule \"measure func=CRITICAL_DATA label=ima-ns\" (or boot with ima_policy=critical_data), or load with host=own\n");
            EINVAL
        } else {
            pr_err!("host=ima: recording the load in built-in IMA's list failed: {:?}\n", e);
            e
        }
    })
}

/// Whether the kernel has what turns on a default `evm_xattrs` entry
/// (upstream's `#ifdef CONFIG_SECURITY_SELINUX` and the like around
/// `evm_config_default_xattrnames[]`).
pub(crate) fn enabler_built_in(e: ima_evm::Enabler) -> bool {
    use ima_evm::Enabler;
    // SAFETY: no preconditions.
    let lsms = unsafe { bindings::ima_ns_evm_lsm_config() };
    match e {
        Enabler::Selinux => lsms & bindings::IMA_NS_EVM_LSM_SELINUX != 0,
        Enabler::Smack => lsms & bindings::IMA_NS_EVM_LSM_SMACK != 0,
        Enabler::SmackExtra => lsms & bindings::IMA_NS_EVM_LSM_SMACK_EXTRA != 0,
        Enabler::Apparmor => lsms & bindings::IMA_NS_EVM_LSM_APPARMOR != 0,
        Enabler::Ima | Enabler::Always => true,
    }
}
