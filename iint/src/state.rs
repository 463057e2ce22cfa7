// SPDX-License-Identifier: GPL-2.0
//! One inode's state and its transitions.

use crate::{List, Storage};
use ima_plan::{Verdict, ViolationState, ViolationStep};
use ima_tpm::{Digest, HashAlgo};

/// On a stacked filesystem, the inode that holds the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Real {
    /// Its inode number.
    pub ino: u64,
    /// Its device.
    pub dev: u32,
    /// It keeps an i_version, so its changes can be seen.
    pub versioned: bool,
}

/// Whether what was cached at `version` holds for the contents at `now`
/// (asked only if the version is known).
fn holds(version: Option<u64>, now: impl FnOnce() -> Option<u64>) -> bool {
    version.is_none() || version == now()
}

/// What is known about one inode, by namespace id. Ids are never reused,
/// so an ended namespace's entries are inert; they go with the next change
/// or with the inode.
pub struct State<S: Storage> {
    /// Namespaces that measured it, with the version it had then.
    measured: S::List<(u64, Option<u64>)>,
    /// Digests of the contents, with the version taken before they were
    /// read (upstream's IMA_COLLECTED hash).
    digests: S::List<(Digest, Option<u64>)>,
    /// Open read-only files of the inode that a measuring namespace saw,
    /// by address, until released. Upstream counts every reader in
    /// `i_readcount`, which exists only in kernels built with IMA.
    readers: S::List<usize>,
    /// Namespaces that measured it for a reader since their last ToMToU
    /// (upstream's `IMA_MAY_EMIT_TOMTOU`, per namespace).
    may_emit_tomtou: S::List<u64>,
    /// Namespaces that reported open writers since the last writer closed
    /// (`IMA_EMITTED_OPENWRITERS`, per namespace).
    emitted_open_writers: S::List<u64>,
    /// Appraisal verdicts by (namespace, what its rule required), with the
    /// version they were reached at: a verdict is never reused by another
    /// namespace, whose keys and rules differ.
    appraised: S::List<(u64, u32, Option<u64>, Verdict)>,
    /// Namespaces that audited a version (`IMA_AUDITED`).
    audited: S::List<(u64, Option<u64>)>,
    /// Created by an open still being written (`IMA_NEW_FILE`): it
    /// passes appraisal without `security.ima` until the last writer
    /// closes.
    pub new_file: bool,
    /// When the last writer closes, write `security.ima` with a digest in
    /// this algorithm (`IMA_UPDATE_XATTR`: a `hash` rule, or an appraised
    /// file opened for write).
    pub update_xattr: Option<HashAlgo>,
    /// On a stacked filesystem, the (ino, dev) of the inode that held the
    /// data when the state was gathered (upstream's `iint->real_inode`).
    real: Option<(u64, u32)>,
}

impl<S: Storage> Default for State<S> {
    fn default() -> Self {
        Self {
            measured: Default::default(),
            digests: Default::default(),
            readers: Default::default(),
            may_emit_tomtou: Default::default(),
            emitted_open_writers: Default::default(),
            appraised: Default::default(),
            audited: Default::default(),
            new_file: false,
            update_xattr: None,
            real: None,
        }
    }
}

impl<S: Storage> State<S> {
    /// Whether `ns` measured these contents (`now()`: their version,
    /// asked only if needed).
    pub fn measured_in(&self, ns: u64, now: impl FnOnce() -> Option<u64>) -> bool {
        let found = self.measured.as_slice().iter().find(|&&(id, _)| id == ns);
        found.is_some_and(|&(_, version)| holds(version, now))
    }

    /// `ns` measured the contents at `version`.
    pub fn mark(&mut self, ns: u64, version: Option<u64>) -> Result<(), S::Error> {
        self.measured.retain(|&(id, _)| id != ns);
        self.measured.try_push((ns, version))
    }

    /// Some namespace measured the inode.
    pub fn is_measured(&self) -> bool {
        !self.measured.is_empty()
    }

    /// On a stacked filesystem: whatever was gathered about other data
    /// is void. As upstream's `process_measurement()`, the state is reset
    /// when the data moved to another inode (copy-up), or always when
    /// that inode keeps no i_version (its changes cannot be seen).
    pub fn check_stacked(&mut self, real: Real) {
        let now = (real.ino, real.dev);
        if !real.versioned || self.real != Some(now) {
            self.invalidate(None);
        }
        self.real = Some(now);
    }

    /// The cached digest in `algo`, unless the contents changed since it
    /// was read (`now()`, asked only then: on some filesystems, 9p for
    /// one, it is a round trip).
    pub fn digest(&self, algo: HashAlgo, now: impl FnOnce() -> Option<u64>) -> Option<Digest> {
        let &(d, version) = self
            .digests
            .as_slice()
            .iter()
            .find(|(d, _)| d.algo() == algo)?;
        holds(version, now).then_some(d)
    }

    /// Caches `digest`, read at `version`.
    pub fn keep_digest(&mut self, digest: Digest, version: Option<u64>) -> Result<(), S::Error> {
        self.digests.retain(|(d, _)| d.algo() != digest.algo());
        self.digests.try_push((digest, version))
    }

    /// Tracks `file` (an open read-only file of this inode) as a reader;
    /// whether it was not tracked yet.
    pub fn add_reader(&mut self, file: usize) -> Result<bool, S::Error> {
        if self.readers.as_slice().contains(&file) {
            return Ok(false);
        }
        self.readers.try_push(file)?;
        Ok(true)
    }

    /// `file` is released; how many readers stopped being tracked.
    pub fn remove_reader(&mut self, file: usize) -> usize {
        self.readers.retain(|&f| f != file)
    }

    /// Some tracked reader holds the file open.
    pub fn has_readers(&self) -> bool {
        !self.readers.is_empty()
    }

    /// How many readers are tracked.
    pub fn readers(&self) -> usize {
        self.readers.as_slice().len()
    }

    /// What `ns`'s violation check sees (`ima_plan::violation_step`).
    pub fn violation_state(&self, ns: u64) -> ViolationState {
        ViolationState {
            has_readers: self.has_readers(),
            may_emit_tomtou: self.may_emit_tomtou.as_slice().contains(&ns),
            emitted_open_writers: self.emitted_open_writers.as_slice().contains(&ns),
        }
    }

    /// Applies `ns`'s violation step.
    pub fn apply_violation(&mut self, ns: u64, step: &ViolationStep) -> Result<(), S::Error> {
        if step.clear_tomtou {
            self.may_emit_tomtou.retain(|&id| id != ns);
        }
        if step.set_tomtou && !self.may_emit_tomtou.as_slice().contains(&ns) {
            self.may_emit_tomtou.try_push(ns)?;
        }
        if step.set_open_writers && !self.emitted_open_writers.as_slice().contains(&ns) {
            self.emitted_open_writers.try_push(ns)?;
        }
        Ok(())
    }

    /// The verdict `ns` reached under requirements `req`, unless the
    /// contents changed since (`now()`, as [`State::digest`]).
    pub fn appraised(
        &self,
        ns: u64,
        req: u32,
        now: impl FnOnce() -> Option<u64>,
    ) -> Option<Verdict> {
        let &(_, _, version, v) = self
            .appraised
            .as_slice()
            .iter()
            .find(|&&(id, r, _, _)| id == ns && r == req)?;
        holds(version, now).then_some(v)
    }

    /// Caches `ns`'s verdict under `req` for the contents at `version`.
    pub fn keep_verdict(
        &mut self,
        ns: u64,
        req: u32,
        version: Option<u64>,
        v: Verdict,
    ) -> Result<(), S::Error> {
        self.appraised.retain(|&(id, r, _, _)| id != ns || r != req);
        self.appraised.try_push((ns, req, version, v))
    }

    /// Test and set: `ns` audits the contents at `now` once.
    pub fn first_audit(&mut self, ns: u64, now: Option<u64>) -> Result<bool, S::Error> {
        let seen = self.audited.as_slice().iter();
        if seen
            .clone()
            .any(|&(id, v)| id == ns && (v.is_none() || v == now))
        {
            return Ok(false);
        }
        self.audited.retain(|&(id, _)| id != ns);
        self.audited.try_push((ns, now))?;
        Ok(true)
    }

    /// `security.ima` (or another xattr appraisal depends on) changed, or
    /// was rewritten: appraise, measure and audit again everywhere
    /// (`IMA_CHANGE_XATTR`). Digests stand: the contents did not change.
    pub fn forget_xattr_state(&mut self) {
        self.appraised.retain(|_| false);
        self.measured.retain(|_| false);
        self.audited.retain(|_| false);
    }

    /// Something is cached that a change must invalidate.
    pub fn is_cached(&self) -> bool {
        self.is_measured()
            || !self.digests.is_empty()
            || !self.appraised.is_empty()
            || !self.audited.is_empty()
    }

    /// A writer closed the file with its version at `now`: what was
    /// cached for other contents, or for an unknown version, goes. `None`
    /// forgets everything (a truncate: `ima_reset_action_flags()`).
    pub fn invalidate(&mut self, now: Option<u64>) {
        let unchanged = |version: Option<u64>| version.is_some() && version == now;
        self.measured.retain(|&(_, version)| unchanged(version));
        self.digests.retain(|&(_, version)| unchanged(version));
        self.appraised
            .retain(|&(_, _, version, _)| unchanged(version));
        self.audited.retain(|&(_, version)| unchanged(version));
    }

    /// The last writer closed the file (`ima_check_last_writer()`): open
    /// writers may be reported again, the file is no longer new, and what
    /// was cached for other contents goes (`now()`: the version it was
    /// closed at, asked only if something is cached). Returns the
    /// algorithm `security.ima` is to be rewritten in, if some namespace
    /// asked for it.
    pub fn last_writer_closed(&mut self, now: impl FnOnce() -> Option<u64>) -> Option<HashAlgo> {
        self.emitted_open_writers.retain(|_| false);
        self.new_file = false;
        let update = self.update_xattr.take();
        if self.is_cached() {
            self.invalidate(now());
        }
        update
    }

    /// At most one entry per key in every list; after an invalidation at
    /// `now`, only entries cached at `now`.
    #[cfg(test)]
    pub(crate) fn check(&self, invalidated_at: Option<Option<u64>>) {
        fn unique<T: Copy, K: PartialEq>(v: &[T], key: impl Fn(&T) -> K) {
            for (i, a) in v.iter().enumerate() {
                assert!(v[i + 1..].iter().all(|b| key(a) != key(b)));
            }
        }
        unique(self.measured.as_slice(), |e| e.0);
        unique(self.digests.as_slice(), |e| e.0.algo());
        unique(self.readers.as_slice(), |&e| e);
        unique(self.may_emit_tomtou.as_slice(), |&e| e);
        unique(self.emitted_open_writers.as_slice(), |&e| e);
        unique(self.appraised.as_slice(), |e| (e.0, e.1));
        unique(self.audited.as_slice(), |e| e.0);
        if let Some(now) = invalidated_at {
            let at_now = |v: Option<u64>| v.is_some() && v == now;
            assert!(self.measured.as_slice().iter().all(|e| at_now(e.1)));
            assert!(self.digests.as_slice().iter().all(|e| at_now(e.1)));
            assert!(self.appraised.as_slice().iter().all(|e| at_now(e.2)));
            assert!(self.audited.as_slice().iter().all(|e| at_now(e.1)));
        }
    }
}
