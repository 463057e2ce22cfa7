// SPDX-License-Identifier: GPL-2.0
//! The module parameters, read once: `glue.c` declares them (7.3's Rust
//! `module!` takes integer parameters only), [`load`] copies their
//! buffers at init and parses them into one [`Params`]
//! (`ima_params::parse`), which every other reader takes from [`get`].

use crate::bindings;
use crate::compat::Disp;
use core::cell::UnsafeCell;
use core::ptr::addr_of;
use core::sync::atomic::{AtomicBool, Ordering};
use ima_params::{Params, Raw};
use ima_policy::Upstream;
use kernel::prelude::*;

/// Copies of `glue.c`'s buffers: [`Params`] borrows these, never the
/// parameters themselves, which `coexist::set_dir` writes back.
struct Bufs {
    hash: [u8; 16],
    policy: [u8; 64],
    template: [u8; 32],
    template_fmt: [u8; 256],
    appraise: [u8; 16],
    x509: [u8; 256],
    securityfs_dir: [u8; 33],
    keyring_prefix: [u8; 17],
    host: [u8; 8],
    upstream: [u8; 8],
}

/// Set-once storage.
///
/// # Invariants
///
/// Written only by [`load`], once ([`LOADED`]), from the module's init
/// before anything reads it (the hooks and files start after); never
/// written afterwards.
struct Cell<T>(UnsafeCell<T>);

// SAFETY: no write after init (type invariant); reads are of plain data.
unsafe impl<T> Sync for Cell<T> {}

static BUFS: Cell<Bufs> = Cell(UnsafeCell::new(Bufs {
    hash: [0; 16],
    policy: [0; 64],
    template: [0; 32],
    template_fmt: [0; 256],
    appraise: [0; 16],
    x509: [0; 256],
    securityfs_dir: [0; 33],
    keyring_prefix: [0; 17],
    host: [0; 8],
    upstream: [0; 8],
}));

static PARAMS: Cell<Params<'static>> = Cell(UnsafeCell::new(Params::DEFAULT));

static LOADED: AtomicBool = AtomicBool::new(false);

/// Reads and parses every parameter, once, from the module's init (the
/// caller), before any reader. A bad value is logged (the same line as
/// ever) and refuses the load with `EINVAL`; `kernel_line` is what
/// `upstream=` defaults to.
pub(crate) fn load(kernel_line: Upstream) -> Result<&'static Params<'static>> {
    if LOADED.swap(true, Ordering::AcqRel) {
        return Err(EBUSY);
    }
    // SAFETY: the first and only call, from init (`LOADED`), before any
    // reader (type invariant of `Cell`).
    let bufs = unsafe { &mut *BUFS.0.get() };
    // SAFETY: module parameters are written only while loading, before
    // init runs; each is a plain array or scalar of glue.c.
    let (write_policy, read_policy, keyring_restrict, lock, pcr) = unsafe {
        bufs.hash = *addr_of!(bindings::ima_ns_param_hash);
        bufs.policy = *addr_of!(bindings::ima_ns_param_policy);
        bufs.template = *addr_of!(bindings::ima_ns_param_template);
        bufs.template_fmt = *addr_of!(bindings::ima_ns_param_template_fmt);
        bufs.appraise = *addr_of!(bindings::ima_ns_param_appraise);
        bufs.x509 = *addr_of!(bindings::ima_ns_param_x509);
        bufs.securityfs_dir = *addr_of!(bindings::ima_ns_param_securityfs_dir);
        bufs.keyring_prefix = *addr_of!(bindings::ima_ns_param_keyring_prefix);
        bufs.host = *addr_of!(bindings::ima_ns_param_host);
        bufs.upstream = *addr_of!(bindings::ima_ns_param_upstream);
        (
            *addr_of!(bindings::ima_ns_param_write_policy),
            *addr_of!(bindings::ima_ns_param_read_policy),
            *addr_of!(bindings::ima_ns_param_keyring_restrict),
            *addr_of!(bindings::ima_ns_param_lock),
            *addr_of!(bindings::ima_ns_param_pcr),
        )
    };
    // Never written again: shared for the module's life.
    let bufs: &'static Bufs = bufs;
    let raw = Raw {
        hash: &bufs.hash,
        policy: &bufs.policy,
        template: &bufs.template,
        template_fmt: &bufs.template_fmt,
        write_policy,
        read_policy,
        appraise: &bufs.appraise,
        keyring_restrict,
        lock,
        x509: &bufs.x509,
        securityfs_dir: &bufs.securityfs_dir,
        keyring_prefix: &bufs.keyring_prefix,
        pcr,
        host: &bufs.host,
        upstream: &bufs.upstream,
    };
    let params = ima_params::parse(&raw, kernel_line).map_err(|e| {
        pr_err!("{}\n", Disp(e));
        EINVAL
    })?;
    // SAFETY: as above: init, before any reader.
    unsafe { *PARAMS.0.get() = params };
    Ok(get())
}

/// The parameters (their defaults before [`load`]).
pub(crate) fn get() -> &'static Params<'static> {
    // SAFETY: no writer once anything but init can call this (type
    // invariant of `Cell`).
    unsafe { &*PARAMS.0.get() }
}
