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

/// A version as the marks keep it, in two fields (`version`, `known`) so
/// that a mark packs in 24 bytes: an `Option<u64>` or a tuple takes 16 of
/// its own.
fn unpack(version: u64, known: bool) -> Option<u64> {
    known.then_some(version)
}

/// What an inode keeps besides its measurements and digests, rarer or
/// shorter-lived: one list of these instead of six, so that the state
/// fits a 128-byte object with its mutex (`ima_ns/iint.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// A namespace measured it for a reader since its last ToMToU
    /// (upstream's `IMA_MAY_EMIT_TOMTOU`, per namespace).
    MayEmitTomtou(u64),
    /// A namespace reported open writers since the last writer closed
    /// (`IMA_EMITTED_OPENWRITERS`, per namespace).
    EmittedOpenWriters(u64),
    /// An appraisal verdict of namespace `ns` under what its rule
    /// required (`req`), with the version it was reached at: a verdict is
    /// never reused by another namespace, whose keys and rules differ.
    Appraised {
        ns: u64,
        req: u32,
        version: u64,
        known: bool,
        verdict: Verdict,
    },
    /// A namespace audited a version (`IMA_AUDITED`).
    Audited { ns: u64, version: u64, known: bool },
    /// On a stacked filesystem, the (ino, dev) of the inode that held the
    /// data when the state was gathered (upstream's `iint->real_inode`).
    Real { ino: u64, dev: u32 },
}

impl Mark {
    /// The version a cached verdict or audit holds for (`None` for the
    /// other marks, which no change of contents voids).
    fn cached_version(&self) -> Option<Option<u64>> {
        match *self {
            Self::Appraised { version, known, .. } | Self::Audited { version, known, .. } => {
                Some(unpack(version, known))
            }
            _ => None,
        }
    }
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
    /// Readers, violation flags, verdicts, audits and the real inode.
    marks: S::List<Mark>,
    /// Created by an open still being written (`IMA_NEW_FILE`): it
    /// passes appraisal without `security.ima` until the last writer
    /// closes.
    pub new_file: bool,
    /// When the last writer closes, write `security.ima` with a digest in
    /// this algorithm (`IMA_UPDATE_XATTR`: a `hash` rule, or an appraised
    /// file opened for write).
    pub update_xattr: Option<HashAlgo>,
}

impl<S: Storage> Default for State<S> {
    fn default() -> Self {
        Self {
            measured: Default::default(),
            digests: Default::default(),
            marks: Default::default(),
            new_file: false,
            update_xattr: None,
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
        let now = Mark::Real {
            ino: real.ino,
            dev: real.dev,
        };
        let same = self.marks.as_slice().contains(&now);
        if !real.versioned || !same {
            self.invalidate(None);
        }
        if !same {
            // Replaced in place; a first one without memory is not kept,
            // and the next look voids again, as for an unversioned inode.
            match self
                .marks
                .as_mut_slice()
                .iter_mut()
                .find(|m| matches!(m, Mark::Real { .. }))
            {
                Some(m) => *m = now,
                // Not recorded without memory: the next look voids again.
                None => {
                    let _ = self.marks.try_push(now);
                }
            }
        }
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

    /// What `ns`'s violation check sees (`ima_plan::violation_step`);
    /// `has_readers`: the kernel counts read-only opens of the inode
    /// (`i_readcount`, as upstream's `ima_rdwr_violation_check()`).
    pub fn violation_state(&self, ns: u64, has_readers: bool) -> ViolationState {
        let mut s = ViolationState {
            has_readers,
            ..ViolationState::default()
        };
        for m in self.marks.as_slice() {
            match *m {
                Mark::MayEmitTomtou(id) if id == ns => s.may_emit_tomtou = true,
                Mark::EmittedOpenWriters(id) if id == ns => s.emitted_open_writers = true,
                _ => {}
            }
        }
        s
    }

    /// Applies `ns`'s violation step.
    pub fn apply_violation(&mut self, ns: u64, step: &ViolationStep) -> Result<(), S::Error> {
        if step.clear_tomtou {
            self.marks.retain(|&m| m != Mark::MayEmitTomtou(ns));
        }
        let tomtou = Mark::MayEmitTomtou(ns);
        if step.set_tomtou && !self.marks.as_slice().contains(&tomtou) {
            self.marks.try_push(tomtou)?;
        }
        let open_writers = Mark::EmittedOpenWriters(ns);
        if step.set_open_writers && !self.marks.as_slice().contains(&open_writers) {
            self.marks.try_push(open_writers)?;
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
        let (version, verdict) = self.marks.as_slice().iter().find_map(|&m| match m {
            Mark::Appraised {
                ns: id,
                req: r,
                version,
                known,
                verdict,
            } if id == ns && r == req => Some((unpack(version, known), verdict)),
            _ => None,
        })?;
        holds(version, now).then_some(verdict)
    }

    /// Caches `ns`'s verdict under `req` for the contents at `version`.
    pub fn keep_verdict(
        &mut self,
        ns: u64,
        req: u32,
        version: Option<u64>,
        v: Verdict,
    ) -> Result<(), S::Error> {
        self.marks.retain(
            |&m| !matches!(m, Mark::Appraised { ns: id, req: r, .. } if id == ns && r == req),
        );
        self.marks.try_push(Mark::Appraised {
            ns,
            req,
            version: version.unwrap_or(0),
            known: version.is_some(),
            verdict: v,
        })
    }

    /// Test and set: `ns` audits the contents at `now` once.
    pub fn first_audit(&mut self, ns: u64, now: Option<u64>) -> Result<bool, S::Error> {
        let mut seen = self.marks.as_slice().iter();
        if seen.any(|&m| match m {
            Mark::Audited {
                ns: id,
                version,
                known,
            } => {
                let v = unpack(version, known);
                id == ns && (v.is_none() || v == now)
            }
            _ => false,
        }) {
            return Ok(false);
        }
        self.marks
            .retain(|&m| !matches!(m, Mark::Audited { ns: id, .. } if id == ns));
        self.marks.try_push(Mark::Audited {
            ns,
            version: now.unwrap_or(0),
            known: now.is_some(),
        })?;
        Ok(true)
    }

    /// `security.ima` (or another xattr appraisal depends on) changed, or
    /// was rewritten: appraise, measure and audit again everywhere
    /// (`IMA_CHANGE_XATTR`). Digests stand: the contents did not change.
    pub fn forget_xattr_state(&mut self) {
        self.measured.retain(|_| false);
        self.marks.retain(|m| m.cached_version().is_none());
    }

    /// Something is cached that a change must invalidate.
    pub fn is_cached(&self) -> bool {
        self.is_measured()
            || !self.digests.is_empty()
            || self
                .marks
                .as_slice()
                .iter()
                .any(|m| m.cached_version().is_some())
    }

    /// A writer closed the file with its version at `now`: what was
    /// cached for other contents, or for an unknown version, goes. `None`
    /// forgets everything (a truncate: `ima_reset_action_flags()`).
    pub fn invalidate(&mut self, now: Option<u64>) {
        let unchanged = |version: Option<u64>| version.is_some() && version == now;
        self.measured.retain(|&(_, version)| unchanged(version));
        self.digests.retain(|&(_, version)| unchanged(version));
        self.marks
            .retain(|m| !matches!(m.cached_version(), Some(v) if !unchanged(v)));
    }

    /// The last writer closed the file (`ima_check_last_writer()`): open
    /// writers may be reported again, the file is no longer new, and what
    /// was cached for other contents goes (`now()`: the version it was
    /// closed at, asked only if something is cached). Returns the
    /// algorithm `security.ima` is to be rewritten in, if some namespace
    /// asked for it.
    pub fn last_writer_closed(&mut self, now: impl FnOnce() -> Option<u64>) -> Option<HashAlgo> {
        self.marks
            .retain(|m| !matches!(m, Mark::EmittedOpenWriters(_)));
        self.new_file = false;
        let update = self.update_xattr.take();
        if self.is_cached() {
            self.invalidate(now());
        }
        update
    }

    /// The size of one mark (the per-inode memory test's).
    #[cfg(test)]
    pub(crate) const MARK_SIZE: usize = core::mem::size_of::<Mark>();

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
        // One key per mark: the mark itself, but one verdict per (ns,
        // req), one audit per ns and one real inode.
        unique(self.marks.as_slice(), |&m| match m {
            Mark::Appraised { ns, req, .. } => (4, ns, req),
            Mark::Audited { ns, .. } => (5, ns, 0),
            Mark::Real { .. } => (6, 0, 0),
            Mark::MayEmitTomtou(ns) => (2, ns, 0),
            Mark::EmittedOpenWriters(ns) => (3, ns, 0),
        });
        if let Some(now) = invalidated_at {
            let at_now = |v: Option<u64>| v.is_some() && v == now;
            assert!(self.measured.as_slice().iter().all(|e| at_now(e.1)));
            assert!(self.digests.as_slice().iter().all(|e| at_now(e.1)));
            let marks = self.marks.as_slice().iter();
            assert!(marks.filter_map(Mark::cached_version).all(at_now));
        }
    }
}
