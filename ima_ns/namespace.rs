// SPDX-License-Identifier: GPL-2.0
//! IMA namespaces: the tree, configuration before activation, anchoring in
//! the parent's list, and lifetime.
//!
//! A namespace is created by a task for its future children (like the time
//! namespace) and configured through `for_children/` until its first member
//! is forked, which *activates* it: the configuration is locked and the
//! parent's list records a `start` entry. It *ends* when the last task in
//! it or holding it for children is gone: the parent's list records an
//! `end` entry with the final virtual PCR, and its `namespaces/<id>`
//! directory goes. It is *freed* once no open file holds its view either.
//!
//! Every teardown step runs on the module's workqueue, never in the
//! (possibly atomic) context that dropped the last reference; see
//! [`NsRef`] and [`Membership`].

use crate::keyrings::{Keyring, Purpose};
use crate::list::{Anchor, MeasurementList};
use crate::model::Channel;
use crate::policy::{PolicyStore, RuleSet, Rules};
use crate::template::TemplateRef;
use crate::text::DataBuf;
use crate::tpm::Tpm;
use crate::workqueue;
use core::fmt::Write;
use core::mem::ManuallyDrop;
use core::ops::Deref;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use ima_template::{anchor, EventData};
use ima_tpm::{boot_aggregate, Digest, HashAlgo};
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};
use kernel::workqueue::{impl_has_work, new_work, Work, WorkItem};
use kernel::{new_mutex, new_spinlock};

/// Deepest nesting below the host (as user namespaces: 32 levels); the
/// planner's fixed arrays hold a lineage this deep.
pub(crate) const MAX_DEPTH: u32 = ima_plan::MAX_DEPTH;

/// Namespaces other than the host that are not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// What the creator chooses before activation.
#[derive(Clone)]
pub(crate) struct Config {
    /// File hash algorithm of the namespace's entries.
    pub(crate) algo: HashAlgo,
    /// Template of its entries (and of its violations).
    pub(crate) template: TemplateRef,
    /// Who decides about its events (`for_children/model`).
    pub(crate) model: ima_model::ModelConfig,
}

/// Counted in [`LIVE`] from creation to free.
struct LiveToken;

impl Drop for LiveToken {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A namespace's `namespaces/<id>/` directory, made and owned by the
/// securityfs files (entry tier): here only held (the one reference),
/// and dropped when the namespace ends.
pub(crate) type DirHandle = Arc<dyn Send + Sync>;

/// What a namespace asks of the global state that holds it (which sits
/// above it: dependency inversion). Set by `state::publish`.
pub(crate) struct Upcalls {
    /// Namespace `id` ended: out of the registry.
    pub(crate) ended: fn(u64),
    /// `ImaState::record_buffer`: an `ima-buf` entry `name` holding
    /// `bytes` in `ns`'s list.
    pub(crate) record_buffer: fn(&ImaNamespace, &[u8], &[u8]) -> Result,
}

/// Null, or the state's `&'static Upcalls`.
static UPCALLS: AtomicPtr<Upcalls> = AtomicPtr::new(core::ptr::null_mut());

/// Installs (`Some`) or withdraws (`None`) the state's upcalls.
pub(crate) fn set_upcalls(up: Option<&'static Upcalls>) {
    let p = up.map_or(core::ptr::null_mut(), |u| core::ptr::from_ref(u).cast_mut());
    UPCALLS.store(p, Ordering::Release);
}

fn upcalls() -> Option<&'static Upcalls> {
    let p = UPCALLS.load(Ordering::Acquire);
    // SAFETY: `UPCALLS` is null or a `&'static Upcalls` (`set_upcalls`).
    unsafe { p.as_ref() }
}

#[pin_data]
pub(crate) struct ImaNamespace {
    /// 0 for the host; children count up from 1, never reused.
    pub(crate) id: u64,
    pub(crate) parent: Option<NsRef>,
    /// 0 for the host.
    pub(crate) depth: u32,
    #[pin]
    pub(crate) policy: PolicyStore,
    #[pin]
    pub(crate) list: MeasurementList,
    #[pin]
    config: kernel::sync::SpinLock<Config>,
    /// Serialises activation with configuration writes.
    #[pin]
    config_writes: Mutex<()>,
    /// `for_children/identity`: who the namespace is for (a container's
    /// id, image, rootfs), recorded in the `start` anchor.
    #[pin]
    identity: Mutex<KVec<u8>>,
    active: AtomicBool,
    /// `config.model.is_external()`, kept by `configure`.
    external: AtomicBool,
    /// Tasks in the namespace plus tasks holding it for their children.
    users: AtomicUsize,
    violations: AtomicU64,
    /// Set, under `config_writes`, when the end anchor is recorded.
    ended: AtomicBool,
    /// The keys its appraisal trusts: `.ima` for the host, `.ima_ns<id>`.
    pub(crate) keyring: Keyring,
    /// Its EVM setting and keys (`.evm`, `.evm_ns<id>`).
    pub(crate) evm: crate::evm_state::NsEvm,
    /// Events for the agent, in external mode.
    #[pin]
    pub(crate) model: Channel,
    /// `namespaces/<id>/`, removed when the namespace ends.
    #[pin]
    dir: Mutex<Option<DirHandle>>,
    #[pin]
    end_work: Work<ImaNamespace, 1>,
    #[pin]
    free_work: Work<ImaNamespace, 2>,
    _live: Option<LiveToken>,
}

impl_has_work! {
    impl HasWork<Self, 1> for ImaNamespace { self.end_work }
    impl HasWork<Self, 2> for ImaNamespace { self.free_work }
}

/// Runs when the last user is gone.
impl WorkItem<1> for ImaNamespace {
    type Pointer = Arc<ImaNamespace>;

    fn run(this: Arc<Self>) {
        this.end();
        drop(NsRef::from(this));
    }
}

/// Runs when the last reference is gone: frees the namespace here, in
/// process context.
impl WorkItem<2> for ImaNamespace {
    type Pointer = Arc<ImaNamespace>;

    fn run(this: Arc<Self>) {
        drop(this);
    }
}

impl ImaNamespace {
    /// The host namespace: anchored in the TPM, active from the start, its
    /// list opened by the boot aggregate.
    pub(crate) fn new_host(
        algo: HashAlgo,
        template: TemplateRef,
        rules: Rules,
        tpm: Option<Tpm>,
    ) -> Result<Arc<Self>> {
        let config = Config {
            algo,
            template,
            model: ima_model::ModelConfig::default(),
        };
        if crate::coexist::get().host_is_builtin() {
            // Built-in IMA keeps the host's list and policy.
            let ns = Self::build(0, None, config, Rules::new(), Anchor::Builtin)?;
            ns.active.store(true, Ordering::Release);
            return Ok(ns);
        }
        let ns = Self::build(0, None, config, rules, Anchor::Tpm(tpm))?;
        ns.active.store(true, Ordering::Release);
        ns.add_boot_aggregate()?;
        Ok(ns)
    }

    /// A new, inactive child of `parent`, configured like it, with an empty
    /// policy.
    pub(crate) fn new_child(id: u64, parent: NsRef) -> Result<Arc<Self>> {
        if parent.depth >= MAX_DEPTH {
            pr_err!("namespaces nest at most {} deep\n", MAX_DEPTH);
            return Err(ENOSPC);
        }
        // Hash and template are inherited; an agent is not.
        let config = Config {
            model: ima_model::ModelConfig::default(),
            ..parent.config()
        };
        Self::build(id, Some(parent), config, Rules::new(), Anchor::Virtual)
    }

    fn build(
        id: u64,
        parent: Option<NsRef>,
        config: Config,
        rules: Rules,
        anchor: Anchor,
    ) -> Result<Arc<Self>> {
        let depth = parent.as_ref().map_or(0, |p| p.depth + 1);
        let live = parent.as_ref().map(|_| {
            LIVE.fetch_add(1, Ordering::Relaxed);
            LiveToken
        });
        let rules = Arc::new(RuleSet::new(rules)?, GFP_KERNEL)?;
        let list = MeasurementList::new(anchor)?;
        let restrict = id == 0 && crate::keyrings::restrict_host();
        let keyring = Keyring::new(Purpose::Ima, id, restrict)?;
        let evm = crate::evm_state::NsEvm::new(Keyring::new(Purpose::Evm, id, restrict)?);
        Arc::pin_init(
            try_pin_init!(Self {
                id,
                parent,
                depth,
                policy <- PolicyStore::new(rules),
                list <- list,
                config <- new_spinlock!(config, "ima_ns_config"),
                config_writes <- new_mutex!((), "ima_ns_config_writes"),
                identity <- new_mutex!(KVec::new(), "ima_ns_identity"),
                active: AtomicBool::new(false),
                external: AtomicBool::new(false),
                users: AtomicUsize::new(0),
                violations: AtomicU64::new(0),
                ended: AtomicBool::new(false),
                keyring,
                evm,
                model <- Channel::new(),
                dir <- new_mutex!(None, "ima_ns_dir"),
                end_work <- new_work!("ima_ns_end"),
                free_work <- new_work!("ima_ns_free"),
                _live: live,
            }? Error),
            GFP_KERNEL,
        )
    }

    pub(crate) fn config(&self) -> Config {
        self.config.lock().clone()
    }

    /// The file hash algorithm (no copy of the whole configuration).
    pub(crate) fn algo(&self) -> HashAlgo {
        self.config.lock().algo
    }

    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    pub(crate) fn is_host(&self) -> bool {
        self.parent.is_none()
    }

    pub(crate) fn violations(&self) -> u64 {
        self.violations.load(Ordering::Relaxed)
    }

    /// The namespace and its ancestors, up to the host.
    pub(crate) fn lineage(&self) -> impl Iterator<Item = &ImaNamespace> {
        core::iter::successors(Some(self), |ns| ns.parent.as_deref())
    }

    /// `self` is `other` or one of its ancestors.
    pub(crate) fn is_ancestor_of(&self, other: &ImaNamespace) -> bool {
        other.lineage().any(|ns| core::ptr::eq(ns, self))
    }

    /// Changes the configuration with `f`, unless the namespace is active.
    pub(crate) fn configure(&self, f: impl FnOnce(&mut Config) -> Result) -> Result {
        let _writes = self.config_writes.lock();
        if self.is_active() {
            return Err(EBUSY);
        }
        let mut config = self.config();
        f(&mut config)?;
        if !config.template.allows_hash_algo(config.algo) {
            pr_err!(
                "template \"{}\" records SHA-1 digests only; hash is {}\n",
                config.template.name(),
                config.algo.name()
            );
            return Err(EINVAL);
        }
        let external = config.model.is_external();
        *self.config.lock() = config;
        self.external.store(external, Ordering::Release);
        Ok(())
    }

    /// Replaces the identity (already checked), unless the namespace is
    /// active.
    pub(crate) fn set_identity(&self, text: &[u8]) -> Result {
        let mut copy = KVec::with_capacity(text.len(), GFP_KERNEL)?;
        copy.extend_from_slice(text, GFP_KERNEL)?;
        let _writes = self.config_writes.lock();
        if self.is_active() {
            return Err(EBUSY);
        }
        *self.identity.lock() = copy;
        Ok(())
    }

    /// Shows the identity, one line each.
    pub(crate) fn show_identity(&self, out: &mut impl Write) -> core::fmt::Result {
        let identity = self.identity.lock();
        for line in ima_model::identity_lines(&identity) {
            // Checked printable ASCII when written.
            writeln!(out, "{}", core::str::from_utf8(line).unwrap_or("?"))?;
        }
        Ok(())
    }

    /// In external mode: hooks read this, not the locked configuration.
    pub(crate) fn is_external(&self) -> bool {
        self.external.load(Ordering::Acquire)
    }

    /// Runs `f` (a policy install) unless the namespace is active; for
    /// `for_children/policy`.
    pub(crate) fn while_inactive<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        let _writes = self.config_writes.lock();
        if self.is_active() {
            return Err(EBUSY);
        }
        f()
    }

    pub(crate) fn set_dir(&self, dir: DirHandle) {
        *self.dir.lock() = Some(dir);
    }

    /// Appends an entry for `file_digest` named `name`, in the namespace's
    /// template.
    pub(crate) fn record(&self, file_digest: &Digest, name: &[u8]) -> Result {
        self.record_event(None, &EventData::new(file_digest, name))
    }

    /// Appends an entry for `event` in `template` (a rule's `template=`),
    /// else in the namespace's template.
    pub(crate) fn record_event(
        &self,
        template: Option<TemplateRef>,
        event: &EventData<'_>,
    ) -> Result {
        let template = template.unwrap_or_else(|| self.config().template);
        self.append(template, event, false)
    }

    /// Records a violation (`ima_add_violation()`): counted, then listed in
    /// the namespace's template with zero digests, the PCR extended with
    /// all-ones; `cause` goes to the kernel log.
    pub(crate) fn record_violation(&self, event: &EventData<'_>, cause: &str) -> Result {
        // Counted even if it cannot be listed: "only an indicator".
        self.violations.fetch_add(1, Ordering::Relaxed);
        let r = self.append(self.config().template, event, true);
        pr_notice!(
            "namespace {}: op=invalid_pcr cause={} name=\"{}\" res={}\n",
            self.id,
            cause,
            kernel::str::BStr::from_bytes(event.name),
            u8::from(r.is_ok())
        );
        r
    }

    fn append(&self, template: TemplateRef, event: &EventData<'_>, violation: bool) -> Result {
        let len = template.len(event).map_err(|_| EINVAL)?;
        let mut data = DataBuf(KVec::with_capacity(len, GFP_KERNEL)?);
        template.write(event, &mut data).map_err(|_| ENOMEM)?;
        self.list
            .append(self.list.measurement(template, data.0, violation)?)
    }

    /// Locks the configuration and records the `start` anchor in the
    /// parent's list; called for the first member, before it runs.
    fn activate(&self) -> Result {
        let _writes = self.config_writes.lock();
        if self.is_active() {
            return Ok(());
        }
        let parent = self.parent.as_deref().ok_or(EINVAL)?;
        let mut blob = Blob::new();
        let config = self.config();
        {
            let identity = self.identity.lock();
            let info = anchor::StartInfo {
                id: self.id,
                parent: parent.id,
                hash: config.algo,
                template: config.template.name(),
                model: &config.model,
                identity: &identity,
            };
            let _ = anchor::write_start(&mut blob, &info);
        }
        for rule in self.policy.current().iter() {
            let _ = write!(blob, "{rule}");
        }
        self.record_anchor(parent, anchor::Kind::Start, &blob)?;
        self.active.store(true, Ordering::Release);
        pr_info!("namespace {} active (parent {})\n", self.id, parent.id);
        Ok(())
    }

    /// The last user left: anchor the final virtual PCR in the parent's
    /// list, remove the directory, leave the registry.
    fn end(&self) {
        if let (Some(parent), true) = (self.parent.as_deref(), self.is_active()) {
            let recorded = {
                let _writes = self.config_writes.lock();
                self.ended.store(true, Ordering::Release);
                self.record_state(parent, anchor::Kind::End)
            };
            if let Err(e) = recorded {
                pr_err!(
                    "namespace {}: end not recorded in {}: {:?}\n",
                    self.id,
                    parent.id,
                    e
                );
            }
        }
        self.model.close();
        drop(self.dir.lock().take());
        if let Some(up) = upcalls() {
            (up.ended)(self.id);
        }
        pr_info!("namespace {} ended\n", self.id);
    }

    /// `namespaces/<id>/checkpoint`: records a `checkpoint` anchor (the
    /// entries so far and the virtual PCR they replay to) in the parent's
    /// list, so a running namespace can be attested. `EAGAIN` before the
    /// namespace is active, `ENOENT` once it ended.
    pub(crate) fn checkpoint(&self) -> Result {
        let parent = self.parent.as_deref().ok_or(EINVAL)?;
        // Serialised with activation and the end anchor: no checkpoint
        // before `start` or after `end`.
        let _writes = self.config_writes.lock();
        if !self.is_active() {
            pr_err!(
                "namespace {}: not active yet, nothing to checkpoint\n",
                self.id
            );
            return Err(EAGAIN);
        }
        if self.ended.load(Ordering::Acquire) {
            pr_err!("namespace {}: ended, no checkpoint\n", self.id);
            return Err(ENOENT);
        }
        self.record_state(parent, anchor::Kind::Checkpoint)
            .inspect_err(|e| {
                pr_err!(
                    "namespace {}: checkpoint not recorded in {}: {:?}\n",
                    self.id,
                    parent.id,
                    e
                )
            })
    }

    /// Records a checkpoint or end anchor: the list's entries and virtual
    /// PCR, read together.
    fn record_state(&self, parent: &ImaNamespace, kind: anchor::Kind) -> Result {
        let (entries, vpcr) = self.list.snapshot()?;
        let mut blob = Blob::new();
        let _ = anchor::write_state(&mut blob, kind, self.id, entries as u64, &vpcr);
        self.record_anchor(parent, kind, &blob)
    }

    /// Appends anchor `kind` of this namespace to `parent`'s list: an
    /// `ima-buf` entry named `ima-ns:<kind>:<id>` whose buffer is `blob`.
    fn record_anchor(&self, parent: &ImaNamespace, kind: anchor::Kind, blob: &Blob) -> Result {
        if blob.failed {
            return Err(ENOMEM);
        }
        let mut name = Blob::new();
        let _ = anchor::write_name(&mut name, kind, self.id);
        if name.failed {
            return Err(ENOMEM);
        }
        let (name, blob) = (name.as_bytes(), blob.as_bytes());
        // For a child of the host with `host=ima`, built-in IMA's list as
        // critical data (label `ima-ns`, template `ima-buf`, the blob as
        // the buffer), so that a verifier of the host's IMA list verifies
        // the anchors too; else the parent's list.
        if parent.is_host() && crate::coexist::get().host_is_builtin() {
            return crate::coexist::critical_data(name, blob);
        }
        let up = upcalls().ok_or(ENODEV)?;
        (up.record_buffer)(parent, name, blob)
    }

    /// The first entry, as `ima_add_boot_aggregate()`: PCRs 0-7 (0-9 for
    /// non-SHA-1 banks) from the bank of the file hash algorithm if the TPM
    /// has it, else SHA-1; all zeros without a TPM.
    fn add_boot_aggregate(&self) -> Result {
        let algo = self.algo();
        let digest = match self.list.tpm() {
            None => Digest::zero(algo),
            Some(tpm) => {
                let has = |a: HashAlgo| tpm.banks().iter().any(|b| b.algo == Some(a));
                let bank = if has(algo) { algo } else { HashAlgo::Sha1 };
                let mut pcrs = [Digest::zero(bank); 10];
                for (i, pcr) in pcrs.iter_mut().enumerate() {
                    *pcr = tpm.pcr_read(i as u32, bank)?;
                }
                // A module can be reloaded; its PCR keeps what earlier
                // instances (or, beside built-in IMA, the boot chain)
                // extended, and this list will not replay to it.
                let pcr = self.list.pcr();
                if tpm.pcr_read(pcr, HashAlgo::Sha1)? != Digest::zero(HashAlgo::Sha1) {
                    pr_warn!(
                        "PCR {} is not zero at load: it holds earlier extends (a previous load of this module, or the boot chain's); this fresh list replays to it only from that value\n",
                        pcr
                    );
                }
                boot_aggregate(bank, &pcrs).map_err(|_| EINVAL)?
            }
        };
        self.record(&digest, b"boot_aggregate")
    }
}

/// A growable text buffer (anchor blobs and names).
struct Blob {
    bytes: KVec<u8>,
    failed: bool,
}

impl Blob {
    fn new() -> Self {
        Self {
            bytes: KVec::new(),
            failed: false,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl Write for Blob {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        if self
            .bytes
            .extend_from_slice(s.as_bytes(), GFP_KERNEL)
            .is_err()
        {
            self.failed = true;
            return Err(core::fmt::Error);
        }
        Ok(())
    }
}

/// A counted reference to a namespace whose last drop, from whatever
/// context, frees the namespace on the module's workqueue.
pub(crate) struct NsRef(ManuallyDrop<Arc<ImaNamespace>>);

impl From<Arc<ImaNamespace>> for NsRef {
    fn from(arc: Arc<ImaNamespace>) -> Self {
        Self(ManuallyDrop::new(arc))
    }
}

impl NsRef {
    pub(crate) fn arc(&self) -> Arc<ImaNamespace> {
        (*self.0).clone()
    }
}

impl Clone for NsRef {
    fn clone(&self) -> Self {
        Self::from(self.arc())
    }
}

impl Deref for NsRef {
    type Target = ImaNamespace;
    fn deref(&self) -> &ImaNamespace {
        &self.0
    }
}

impl Drop for NsRef {
    fn drop(&mut self) {
        // SAFETY: taken once, here; `self.0` is not used afterwards.
        let arc = unsafe { ManuallyDrop::take(&mut self.0) };
        if let Some(last) = Arc::into_unique_or_drop(arc) {
            let last = Arc::from(last);
            match workqueue::queue() {
                // Cannot be queued already: this was the last reference.
                Some(q) => drop(q.enqueue::<_, 2>(last)),
                // Only during teardown, after the queue is gone (process
                // context).
                None => drop(last),
            }
        }
    }
}

/// One user of a namespace: a task in it, or a task holding it for its
/// children. The last one to go ends the namespace (on the workqueue).
pub(crate) struct Membership(ManuallyDrop<Arc<ImaNamespace>>);

impl Membership {
    /// Adds a user; the first member (not a holder) activates it.
    pub(crate) fn join(ns: Arc<ImaNamespace>, member: bool) -> Result<Self> {
        if member && !ns.is_active() {
            ns.activate()?;
        }
        ns.users.fetch_add(1, Ordering::AcqRel);
        Ok(Self(ManuallyDrop::new(ns)))
    }

    /// Adds a holder to a namespace that still has users: `ENOENT` once
    /// the last one is gone (it has ended, or its end is queued).
    pub(crate) fn join_live(ns: Arc<ImaNamespace>) -> Result<Self> {
        ns.users
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n > 0).then_some(n + 1)
            })
            .map_err(|_| ENOENT)?;
        Ok(Self(ManuallyDrop::new(ns)))
    }

    pub(crate) fn to_ref(&self) -> NsRef {
        NsRef::from((*self.0).clone())
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        // SAFETY: taken once, here.
        let arc = unsafe { ManuallyDrop::take(&mut self.0) };
        if arc.users.fetch_sub(1, Ordering::AcqRel) != 1 {
            drop(NsRef::from(arc));
            return;
        }
        match workqueue::queue() {
            Some(q) => {
                if let Err(arc) = q.enqueue::<_, 1>(arc) {
                    // Already queued: it ended once and was joined again,
                    // which cannot happen (users never go up from 0).
                    drop(NsRef::from(arc));
                }
            }
            None => {
                arc.end();
                drop(NsRef::from(arc));
            }
        }
    }
}
