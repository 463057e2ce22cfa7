// SPDX-License-Identifier: GPL-2.0
//! ima_ns.ko: the Integrity Measurement Architecture as a loadable Rust
//! module, built toward per-namespace policies and measurement lists.
//!
//! The pure logic lives in the workspace crates (`ima_policy`,
//! `ima_template`, `ima_tpm`, `ima_model`, `ima_plan`, ...), compiled with the kernel's rustc flags and
//! linked in (see `rustdeps/build.sh`); this crate is the kernel shell.

#![recursion_limit = "256"]

use kernel::prelude::*;

mod appraise;
mod appraise_mode;
mod audit;
mod bh;
mod bindings;
mod coexist;
mod collect;
mod compat;
mod crypto;
mod current;
mod dentry;
#[path = "../evm/kernel.rs"]
mod evm;
#[path = "../evm/state.rs"]
mod evm_state;
mod file;
mod hooks;
mod iint;
mod kernel_hooks;
mod kernel_read;
#[path = "../keyrings/kernel.rs"]
mod keyrings;
mod list;
mod measure;
#[path = "../model/kernel.rs"]
mod model;
mod namespace;
mod params;
#[path = "../policy/kernel.rs"]
mod policy;
mod report;
#[path = "../securityfs/kernel.rs"]
mod securityfs;
mod state;
mod tasks;
mod template;
mod text;
#[path = "../tpm/kernel.rs"]
mod tpm;
mod waitq;
mod workqueue;

use namespace::ImaNamespace;
use state::ImaState;

// 7.x renamed `author` (see compat.rs for the other differences).
#[cfg(not(kernel_7))]
module! {
    type: ImaNsModule,
    name: "ima_ns",
    author: "ima-ns developers",
    description: "Integrity Measurement Architecture with IMA namespaces",
    license: "GPL",
}
#[cfg(kernel_7)]
module! {
    type: ImaNsModule,
    name: "ima_ns",
    authors: ["ima-ns developers"],
    description: "Integrity Measurement Architecture with IMA namespaces",
    license: "GPL",
}

struct ImaNsModule {
    // Dropped in this order after `Drop::drop`: the state (the host
    // namespace's last reference goes to the queue), the queue (drained),
    // then the files, whose `namespaces/` must outlive every namespace.
    _state: Pin<KBox<ImaState>>,
    queue: workqueue::OwnedQueue,
    _dir: securityfs::ImaDir,
    // Last: built-in IMA's critical-data entry point, used until the end.
    _builtin: coexist::BuiltinIma,
}

impl kernel::Module for ImaNsModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // Every parameter, parsed once; a bad one refuses the load.
        let p = params::load(compat::KERNEL_LINE)?;
        // Before the built-in policy is parsed: its grammar depends on it.
        compat::follow(p.upstream);
        let algo = p.hash;
        let template = template::TemplateRef::from_choice(p.template)?;
        let policy = p.policy_text;
        let rules = policy::builtin_selection(p.policy).map_err(|bad| {
            pr_err!(
                "ima_policy: \"{}\" is not a built-in policy (tcb, original_tcb, appraise_tcb, secure_boot, critical_data)\n",
                bad
            );
            EINVAL
        })?;

        let builtin = coexist::init()?;
        if coexist::get().host_is_builtin() && !policy.is_empty() {
            pr_err!("ima_policy={}: with host=ima the host's policy is built-in IMA's (its ima_policy= boot parameter, its policy file)\n", policy);
            return Err(EINVAL);
        }
        file::abspath::resolve();
        // Before anything touches the TPM: a directory that cannot be made
        // (taken by built-in IMA) refuses the load with no PCR extended.
        // Its files answer ENODEV until the state is published below.
        let dir = securityfs::ImaDir::create()?;
        // Declared before the state, dropped after it: everything below
        // may queue work.
        let queue = workqueue::OwnedQueue::new()?;
        let tpm = tpm::Tpm::default_chip()?;
        let has_tpm = tpm.is_some();
        let st = ImaState::new(ImaNamespace::new_host(algo, template.clone(), rules, tpm)?)?;
        if let Some(path) = keyrings::x509_param() {
            // As upstream: a certificate that cannot be loaded is logged,
            // and the module runs without it.
            if let Err(e) = st.host.keyring.load_x509(path) {
                pr_err!("ima_x509={:?}: not loaded: {:?}\n", path, e);
            }
        }
        // SAFETY: `st` is pinned in the module struct and withdrawn in
        // `drop`, which runs only after the hooks are disabled (the
        // livepatch holds a module reference while enabled).
        unsafe { state::publish(&st) };
        if coexist::get().host_is_builtin() {
            coexist::record_load().inspect_err(|_| state::withdraw())?;
        }
        // SAFETY: glue's livepatch table is static and complete.
        kernel::error::to_result(unsafe { bindings::ima_ns_hooks_enable(p.lock) }).inspect_err(
            |e| {
                pr_err!("enabling the hooks failed: {:?}\n", e);
                state::withdraw();
            },
        )?;
        let co = coexist::get();
        pr_info!(
            "loaded, starting a fresh list (hash {}, template {}, policy {}, TPM {}, appraise {}, keyring {}ima{}, upstream {}; securityfs {}, built-in IMA {}, host {}, PCR {})\n",
            algo.name(),
            template.name(),
            if policy.is_empty() { "none" } else { policy },
            if has_tpm { "yes" } else { "none" },
            p.appraise.name(),
            co.keyring_prefix(),
            if keyrings::restrict_host() { " restricted to trusted keys" } else { "" },
            p.upstream.name(),
            co.dir(),
            if co.builtin_ima { "yes" } else { "no" },
            if co.host_is_builtin() { "ima (built-in IMA keeps the host list)" } else { "own" },
            co.pcr
        );
        Ok(Self {
            _state: st,
            queue,
            _dir: dir,
            _builtin: builtin,
        })
    }
}

impl Drop for ImaNsModule {
    fn drop(&mut self) {
        // The hooks are off (the patch is disabled before unload). End
        // every namespace tasks still use, and wait until all are freed.
        if let Some(st) = state::get() {
            st.forget_tasks();
        }
        self.queue.drain();
        let live = namespace::live();
        if live != 0 {
            pr_err!("{} namespaces still live at unload\n", live);
        }
        state::withdraw();
        pr_info!("unloaded\n");
    }
}
