// SPDX-License-Identifier: GPL-2.0
//! What each file under `/sys/kernel/security/ima/` is, whose namespace it
//! shows, who may open it, and what reads show and writes do.
//!
//! A file's inode records only a [`Spec`] (kind and scope, no pointer), so
//! an open racing with a namespace's end can never reach freed memory:
//! the namespace is resolved at open, and the open file keeps that view.

use crate::hooks;
use crate::namespace::{self, NsRef};
use crate::policy::PolicyWriter;
use crate::state::{self, ImaState};
use crate::template::TemplateRef;
use core::fmt::Write;
use ima_model::{parse_verdict, ModelConfig};
use ima_tpm::HashAlgo;
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(crate) enum Kind {
    AsciiList = 1,
    BinaryList,
    Count,
    Violations,
    Policy,
    Vpcr,
    NsId,
    Parent,
    Live,
    Unshare,
    Hash,
    Template,
    /// `for_children/model` (the setting), `namespaces/<id>/model` (and
    /// the channel's counters).
    Model,
    /// `namespaces/<id>/events`: the agent's records.
    Events,
    /// `namespaces/<id>/verdicts`: the agent's answers.
    Verdicts,
    /// `namespaces/<id>/model_state`: the agent anchors its model.
    ModelState,
    /// `anchor`: where the list is extended, TPM extend counters.
    Anchor,
    /// `/sys/kernel/security/evm` (`integrity/evm/evm`): the opener's
    /// namespace's EVM bits.
    Evm,
    /// `integrity/evm/evm_xattrs`: the protected xattrs.
    EvmXattrs,
    /// `namespaces/<id>/checkpoint`: records a checkpoint anchor.
    Checkpoint,
    /// `ns_join`: hold an active descendant for children.
    Join,
    /// `for_children/identity`: recorded in the `start` anchor.
    Identity,
}

const KINDS: [Kind; 22] = [
    Kind::AsciiList,
    Kind::BinaryList,
    Kind::Count,
    Kind::Violations,
    Kind::Policy,
    Kind::Vpcr,
    Kind::NsId,
    Kind::Parent,
    Kind::Live,
    Kind::Unshare,
    Kind::Hash,
    Kind::Template,
    Kind::Model,
    Kind::Events,
    Kind::Verdicts,
    Kind::ModelState,
    Kind::Anchor,
    Kind::Evm,
    Kind::EvmXattrs,
    Kind::Checkpoint,
    Kind::Join,
    Kind::Identity,
];

impl Kind {
    pub(crate) fn is_list(self) -> bool {
        matches!(self, Kind::AsciiList | Kind::BinaryList)
    }
}

/// Whose namespace a file shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scope {
    /// The opener's namespace.
    Own,
    /// The namespace the opener holds for its children (`for_children/`).
    ForChildren,
    /// A descendant of the opener's namespace (`namespaces/<id>/`).
    Id(u64),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Spec {
    pub(crate) kind: Kind,
    pub(crate) scope: Scope,
    /// For the per-bank lists (`*_runtime_measurements_<algo>`): the bank
    /// whose template digests they show. `None`: SHA-1, unsuffixed.
    pub(crate) bank: Option<HashAlgo>,
}

impl Spec {
    pub(crate) fn new(kind: Kind, scope: Scope) -> Self {
        Self {
            kind,
            scope,
            bank: None,
        }
    }

    /// Packed into `i_private`: kind (8 bits), scope tag (4), bank (4), id.
    pub(crate) fn encode(self) -> usize {
        let (tag, id) = match self.scope {
            Scope::Own => (0, 0),
            Scope::ForChildren => (1, 0),
            Scope::Id(id) => (2, id as usize),
        };
        let bank = self
            .bank
            .and_then(|b| HashAlgo::ALL.iter().position(|&a| a == b))
            .map_or(0, |i| i + 1);
        self.kind as usize | tag << 8 | bank << 12 | id << 16
    }

    pub(crate) fn decode(v: usize) -> Option<Self> {
        let kind = *KINDS.iter().find(|k| **k as usize == v & 0xff)?;
        let scope = match (v >> 8) & 0xf {
            0 => Scope::Own,
            1 => Scope::ForChildren,
            2 => Scope::Id((v >> 16) as u64),
            _ => return None,
        };
        let bank = match (v >> 12) & 0xf {
            0 => None,
            i => Some(*HashAlgo::ALL.get(i - 1)?),
        };
        Some(Self { kind, scope, bank })
    }
}

/// The namespace a file opened now shows, after access checks.
pub(crate) fn resolve(spec: Spec, write: bool) -> Result<NsRef> {
    let st = state::get().ok_or(ENODEV)?;
    let writable = matches!(
        (spec.kind, spec.scope),
        (Kind::Policy, Scope::Own | Scope::ForChildren)
            | (Kind::Unshare | Kind::Join, Scope::Own)
            | (
                Kind::Hash | Kind::Template | Kind::Model | Kind::Identity,
                Scope::ForChildren
            )
            | (
                Kind::Verdicts | Kind::ModelState | Kind::Checkpoint,
                Scope::Id(_)
            )
            | (Kind::Evm | Kind::EvmXattrs, Scope::Own)
    );
    if write && !writable {
        return Err(EACCES);
    }
    if write && !capable_sys_admin() {
        return Err(EPERM);
    }
    // As upstream's ima_open_policy(): reading back is a build option
    // there (read_policy= here) and needs CAP_SYS_ADMIN.
    if spec.kind == Kind::Policy && !write {
        if !crate::policy::read_policy() {
            return Err(EACCES);
        }
        if !capable_sys_admin() {
            return Err(EPERM);
        }
    }
    let ns = match spec.scope {
        Scope::Own => st.current_ns(),
        Scope::ForChildren => st.tasks.current().1.ok_or(ENOENT)?,
        Scope::Id(id) => descendant(st, id)?,
    };
    if write
        && ns.is_host()
        && matches!(spec.kind, Kind::Policy | Kind::Evm | Kind::EvmXattrs)
        && crate::coexist::get().host_is_builtin()
    {
        pr_err!("host=ima: the host's policy and EVM are built-in IMA's (/sys/kernel/security/ima/policy, .../evm)\n");
        return Err(EACCES);
    }
    if spec.kind == Kind::Vpcr && ns.is_host() {
        // The host's PCRs are the TPM's.
        return Err(ENOENT);
    }
    if spec.bank.is_some_and(|b| !ns.list.has_bank(b)) {
        // As upstream, which creates these files for the TPM's banks only.
        return Err(ENOENT);
    }
    if write && spec.scope == Scope::ForChildren && ns.is_active() {
        pr_err!(
            "namespace {} is active: its configuration is locked\n",
            ns.id
        );
        return Err(EBUSY);
    }
    Ok(ns)
}

fn capable_sys_admin() -> bool {
    // SAFETY: no preconditions.
    unsafe { crate::bindings::ima_ns_capable_sys_admin() }
}

/// Namespace `id`, if it descends from the opener's and the opener is
/// privileged. A child never sees its ancestors or siblings.
fn descendant(st: &ImaState, id: u64) -> Result<NsRef> {
    let target = st.lookup(id).ok_or(ENOENT)?;
    let reader = st.current_ns();
    if !capable_sys_admin() || core::ptr::eq(&*reader, &*target) || !reader.is_ancestor_of(&target)
    {
        return Err(EACCES);
    }
    Ok(target)
}

/// Shows a value file of `ns`.
pub(crate) fn show(spec: Spec, ns: &NsRef, out: &mut impl Write) -> core::fmt::Result {
    match spec.kind {
        Kind::Count => writeln!(out, "{}", ns.list.len()),
        Kind::Violations => writeln!(out, "{}", ns.violations()),
        Kind::Anchor => ns.list.show_anchor(out),
        Kind::Policy => ns
            .policy
            .current()
            .iter()
            .try_for_each(|rule| write!(out, "{rule}")),
        Kind::Vpcr => {
            let vpcr = ns.list.vpcr().map_err(|_| core::fmt::Error)?;
            vpcr.iter()
                .try_for_each(|d| writeln!(out, "{} {:x}", d.algo().name(), d))
        }
        Kind::NsId => writeln!(out, "{}", ns.id),
        Kind::Parent => writeln!(out, "{}", ns.parent.as_ref().map_or(0, |p| p.id)),
        Kind::Live => writeln!(out, "{}", namespace::live()),
        Kind::Hash => writeln!(out, "{}", ns.algo().name()),
        Kind::Template => writeln!(out, "{}", ns.config().template.name()),
        Kind::Identity => ns.show_identity(out),
        Kind::Model if spec.scope == Scope::ForChildren => writeln!(out, "{}", ns.config().model),
        Kind::Model => ns.model.show(&ns.config().model, out),
        Kind::Evm => {
            let st = state::get().ok_or(core::fmt::Error)?;
            crate::evm::show_flags(st, ns, out)
        }
        Kind::EvmXattrs => {
            let st = state::get().ok_or(core::fmt::Error)?;
            crate::evm::show_xattrs(st, out)
        }
        Kind::AsciiList
        | Kind::BinaryList
        | Kind::Unshare
        | Kind::Join
        | Kind::Events
        | Kind::Verdicts
        | Kind::ModelState
        | Kind::Checkpoint => Ok(()),
    }
}

/// One open for write: `file.private_data`.
///
/// Threads sharing the open file call `write()`/`pwrite()` at once (and
/// `pwrite()` takes no file position lock), so everything a write changes
/// is behind `policy`'s mutex or the namespace's own locks: the VFS hands
/// out `&Writer`, never `&mut`. Upstream serialises with `ima_write_mutex`.
#[pin_data]
pub(crate) struct Writer {
    pub(crate) spec: Spec,
    pub(crate) ns: NsRef,
    /// The pending policy update of a `policy` open.
    #[pin]
    pub(crate) policy: Mutex<PolicyWriter>,
}

impl Writer {
    pub(crate) fn new(spec: Spec, ns: NsRef) -> Result<Pin<KBox<Self>>> {
        if spec.kind == Kind::Policy {
            ns.policy.begin_write()?;
        }
        let release = |ns: &NsRef| {
            if spec.kind == Kind::Policy {
                let _ = ns.policy.end_write(None);
            }
        };
        let slot = ns.clone();
        KBox::pin_init(
            pin_init!(Self {
                spec,
                ns,
                policy <- new_mutex!(PolicyWriter::new(), "ima_ns_policy_writer"),
            }),
            GFP_KERNEL,
        )
        .inspect_err(|_| release(&slot))
    }

    /// Handles one `write()` of the `policy` file: whole lines, appended
    /// to the pending update under the writer's lock.
    pub(crate) fn write_policy(&self, text: &[u8]) -> Result {
        self.policy.lock().write(&self.ns.policy, text)
    }

    /// Marks the pending update as failed (a write could not be read).
    pub(crate) fn poison(&self) {
        self.policy.lock().failed = true;
    }

    /// Handles one `write()` of a file other than `policy`.
    pub(crate) fn write_value(&self, text: &[u8]) -> Result {
        // EVM's files parse as upstream does (no trimming).
        match self.spec.kind {
            Kind::Evm => {
                return crate::evm::write_flags(state::get().ok_or(ENODEV)?, &self.ns, text)
            }
            Kind::EvmXattrs => {
                return crate::evm::write_xattrs(state::get().ok_or(ENODEV)?, &self.ns, text)
            }
            _ => {}
        }
        if self.spec.kind == Kind::Identity {
            return match ima_model::check_identity(text) {
                Ok(()) => self.ns.set_identity(text),
                Err(e) => {
                    pr_err!("identity: {:?}\n", e);
                    Err(EINVAL)
                }
            };
        }
        let text = core::str::from_utf8(text).map_err(|_| EINVAL)?.trim();
        match self.spec.kind {
            Kind::Unshare => {
                let entry = ima_model::parse_unshare(text).ok_or(EINVAL)?;
                if !hooks::is_active() {
                    return Err(EAGAIN);
                }
                let st = state::get().ok_or(ENODEV)?;
                let make_dir = |id| -> Result<namespace::DirHandle> {
                    let dir = Arc::new(super::NsDir::create(id)?, GFP_KERNEL)?;
                    Ok(dir)
                };
                st.unshare(entry, make_dir).map(|_| ())
            }
            Kind::Join => {
                let join = ima_model::parse_join(text).ok_or_else(|| {
                    pr_err!("ns_join: \"{}\" is not \"<id>\" or \"<id> pidns\"\n", text);
                    EINVAL
                })?;
                if !hooks::is_active() {
                    return Err(EAGAIN);
                }
                let st = state::get().ok_or(ENODEV)?;
                st.join(join.id, join.entry)
            }
            Kind::Hash => {
                let algo = HashAlgo::from_name(text).ok_or_else(|| {
                    pr_err!(
                        "hash \"{}\" is not one of sha1, sha256, sha384, sha512\n",
                        text
                    );
                    EINVAL
                })?;
                let st = state::get().ok_or(ENODEV)?;
                st.hashers.get(algo)?;
                self.ns.configure(|c| {
                    c.algo = algo;
                    Ok(())
                })
            }
            Kind::Template => {
                let template = TemplateRef::parse(text)?;
                self.ns.configure(|c| {
                    c.template = template;
                    Ok(())
                })
            }
            Kind::Model => {
                let model = ModelConfig::parse(text).map_err(|e| {
                    pr_err!("model: \"{}\": {}\n", e.token, e.reason);
                    EINVAL
                })?;
                self.ns.configure(|c| {
                    c.model = model;
                    Ok(())
                })
            }
            Kind::Verdicts => {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    let v = parse_verdict(line).ok_or_else(|| {
                        pr_err!("verdicts: \"{}\" is not \"<seq> allow|deny\"\n", line);
                        EINVAL
                    })?;
                    self.ns.model.answer(v.seq, v.allow);
                }
                Ok(())
            }
            Kind::Checkpoint => {
                if text != "1" {
                    pr_err!("checkpoint: write 1 to record a checkpoint\n");
                    return Err(EINVAL);
                }
                self.ns.checkpoint()
            }
            Kind::ModelState => {
                if text.is_empty() {
                    return Err(EINVAL);
                }
                let st = state::get().ok_or(ENODEV)?;
                st.record_buffer(&self.ns, b"ima-ns:model-state", text.as_bytes())
            }
            _ => Err(EINVAL),
        }
    }

    /// The file is closed: a policy update takes effect if every write
    /// succeeded. Runs once, after the last write (the VFS holds the file
    /// for every call in progress).
    pub(crate) fn finish(&self) {
        if self.spec.kind != Kind::Policy {
            return;
        }
        let ns = &self.ns;
        let w = core::mem::replace(&mut *self.policy.lock(), PolicyWriter::new());
        let pending = if w.failed {
            pr_err!("policy update failed; the policy in force is unchanged\n");
            None
        } else {
            let update = w.into_update();
            if update.is_none() {
                pr_err!("policy update has no rules; the policy in force is unchanged\n");
            }
            update
        };
        let installing = pending.is_some();
        let result = if self.spec.scope == Scope::ForChildren {
            ns.while_inactive(|| ns.policy.end_write(pending))
                .inspect_err(|_| {
                    let _ = ns.policy.end_write(None);
                })
        } else {
            ns.policy.end_write(pending)
        };
        // Audited as ima_release_policy() does (AUDIT_INTEGRITY_STATUS).
        match result {
            Ok(()) if installing => {
                let set = ns.policy.current();
                pr_info!(
                    "namespace {}: policy update completed ({} rules, {} bytes)\n",
                    ns.id,
                    set.len(),
                    set.footprint()
                );
                crate::audit::status("policy_update", "completed", true, ns.id);
            }
            Ok(()) => crate::audit::status("policy_update", "failed", false, ns.id),
            Err(e) => {
                pr_err!("namespace {}: policy update failed: {:?}\n", ns.id, e);
                crate::audit::status("policy_update", "failed", false, ns.id);
            }
        }
    }
}
