//! ima_ns.ko: the Integrity Measurement Architecture as a loadable Rust
//! module, built toward per-namespace policies and measurement lists.
//!
//! The pure logic lives in the workspace crates (`ima_policy`,
//! `ima_template`, `ima_tpm`), compiled with the kernel's rustc flags and
//! linked in (see `rustdeps/build.sh`); this crate is the kernel shell.

use kernel::prelude::*;

mod bindings;
mod crypto;
mod file;
mod hooks;
mod iint;
mod list;
mod measure;
mod namespace;
#[path = "../policy/kernel.rs"]
mod policy;
#[path = "../securityfs/kernel.rs"]
mod securityfs;
#[path = "../tpm/kernel.rs"]
mod tpm;

use ima_tpm::HashAlgo;
use namespace::ImaNamespace;

module! {
    type: ImaNsModule,
    name: "ima_ns",
    author: "ima-ns developers",
    description: "Integrity Measurement Architecture with IMA namespaces",
    license: "GPL",
}

struct ImaNsModule {
    // Dropped in this order after `Drop::drop`: files first, then state.
    _dir: securityfs::ImaDir,
    _ns: Pin<KBox<ImaNamespace>>,
}

/// A NUL-padded module parameter as a string.
fn param(bytes: &[u8]) -> &str {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    core::str::from_utf8(&bytes[..len]).unwrap_or("")
}

impl kernel::Module for ImaNsModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: module parameters are written only while loading, before
        // init runs.
        let (hash, policy) = unsafe {
            (
                param(&*core::ptr::addr_of!(bindings::ima_ns_param_hash)),
                param(&*core::ptr::addr_of!(bindings::ima_ns_param_policy)),
            )
        };
        let algo = HashAlgo::from_name(hash).ok_or_else(|| {
            pr_err!(
                "ima_hash={} is not one of sha1, sha256, sha384, sha512\n",
                hash
            );
            EINVAL
        })?;
        let rules = match policy {
            "" => KVec::new(),
            "tcb" => policy::builtin(ima_policy::TCB)?,
            other => {
                pr_err!("ima_policy={} is not a built-in policy (tcb)\n", other);
                return Err(EINVAL);
            }
        };

        let ns = ImaNamespace::new(algo, rules)?;
        // SAFETY: `ns` is pinned in the module struct and withdrawn in
        // `drop`, which runs only after the hooks are disabled (the
        // livepatch holds a module reference while enabled).
        unsafe { namespace::publish(&ns) };
        let dir = securityfs::ImaDir::create().inspect_err(|_| namespace::withdraw())?;
        // SAFETY: glue's livepatch table is static and complete.
        kernel::error::to_result(unsafe { bindings::ima_ns_hooks_enable() }).inspect_err(|e| {
            pr_err!("enabling the hooks failed: {:?}\n", e);
            namespace::withdraw();
        })?;
        pr_info!(
            "loaded (hash {}, policy {}, TPM {})\n",
            algo.name(),
            if policy.is_empty() { "none" } else { policy },
            if ns.tpm.is_some() { "yes" } else { "none" }
        );
        Ok(Self { _dir: dir, _ns: ns })
    }
}

impl Drop for ImaNsModule {
    fn drop(&mut self) {
        namespace::withdraw();
        pr_info!("unloaded\n");
    }
}
