// SPDX-License-Identifier: GPL-2.0
//! Collecting what an event records, at most once per event: the file's
//! change cookie, its digest in each algorithm (the inode's cached one
//! while the file is unchanged, else read with the kernel crypto API), its
//! name and the template extras. Upstream's `ima_collect_measurement()`.
//!
//! The operations tier's base: measurement, appraisal and reports take
//! their digests from here, never from each other.

use crate::file::{File, ReadableFile};
use crate::iint::IintState;
use crate::namespace::ImaNamespace;
use crate::state::ImaState;
use ima_template::{EventData, Template};
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;

mod extras;
use extras::FileExtras;

/// `PATH_MAX`: the longest name an entry records.
pub(crate) const PATH_MAX: usize = 4096;

/// The index of `algo` in per-algorithm arrays.
pub(crate) fn algo_slot(algo: HashAlgo) -> Result<usize> {
    HashAlgo::ALL.iter().position(|&a| a == algo).ok_or(EINVAL)
}

/// What one event computes at most once: the change cookie (taken before
/// the first read, so a racing write makes the next check see a change),
/// one digest per algorithm, and the name.
pub(crate) struct Hashed<'a> {
    file: &'a File<'a>,
    contents: Option<&'a [u8]>,
    /// The change cookie, once read.
    version: Option<Option<u64>>,
    /// By algorithm slot; `None` until the first digest (most events
    /// need none, and the array is 260 bytes to initialise).
    digests: Option<[Option<Digest>; 4]>,
    /// `None` until the name is read (most events need none, and
    /// dropping even an empty `KVec` calls the allocator).
    path: Option<KVec<u8>>,
    name_len: Option<(usize, usize)>,
    /// What templates record beyond digest and name.
    extras: FileExtras,
}

impl<'a> Hashed<'a> {
    pub(crate) fn new(file: &'a File<'a>, contents: Option<&'a [u8]>) -> Self {
        Self {
            file,
            contents,
            version: None,
            digests: None,
            path: None,
            name_len: None,
            extras: FileExtras::default(),
        }
    }

    pub(crate) fn file(&self) -> &'a File<'a> {
        self.file
    }

    /// The change cookie the digests were read at (`None` before the
    /// first digest, or if the filesystem keeps none).
    pub(crate) fn version(&self) -> Option<u64> {
        self.version.flatten()
    }

    /// The change cookie of the contents this event sees, read once,
    /// before any digest.
    pub(crate) fn version_now(&mut self) -> Option<u64> {
        let file = self.file;
        *self.version.get_or_insert_with(|| file.change_cookie())
    }

    /// `security.ima`, if the file has one (read again by a later call).
    pub(crate) fn take_ima_xattr(&mut self) -> Result<Option<KVec<u8>>> {
        self.file.xattr(c"security.ima")
    }

    /// Reads the name and what `template` records about the file.
    pub(crate) fn prepare(&mut self, template: &Template) -> Result {
        self.name()?;
        let (start, len) = self.name_len.unwrap_or((0, 0));
        self.extras.fill(
            self.file,
            template,
            &self.path.as_deref().unwrap_or(&[])[start..start + len],
        )
    }

    /// The name, once [`Hashed::name`] or [`Hashed::prepare`] ran.
    pub(crate) fn name_bytes(&self) -> &[u8] {
        let (start, len) = self.name_len.unwrap_or((0, 0));
        &self.path_bytes()[start..start + len]
    }

    fn path_bytes(&self) -> &[u8] {
        self.path.as_deref().unwrap_or(&[])
    }

    /// Calls `f` with `base` plus the template extras [`Hashed::prepare`]
    /// read.
    pub(crate) fn with_event<R>(
        &self,
        base: EventData<'_>,
        f: impl FnOnce(&EventData<'_>) -> R,
    ) -> R {
        self.extras.with_event(base, f)
    }

    /// Lists a violation on this file in `n` (`ima_add_violation()`).
    pub(crate) fn record_violation(&mut self, n: &ImaNamespace, cause: &str) -> Result {
        let template = n.config().template;
        self.prepare(&template)?;
        let zero = Digest::zero(n.algo());
        let event = EventData::violation(&zero, self.name_bytes());
        self.extras
            .with_event(event, |e| n.record_violation(e, cause))
    }

    pub(crate) fn digest(
        &mut self,
        st: &ImaState,
        state: &mut IintState,
        algo: HashAlgo,
    ) -> Result<Digest> {
        let slot = algo_slot(algo)?;
        if let Some(d) = self.digests.as_ref().and_then(|ds| ds[slot]) {
            return Ok(d);
        }
        let version = self.version_now();
        let d = match self.contents {
            Some(contents) => st.hashers.get(algo)?.hash_buf(contents)?,
            None => cached_digest(st, self.file, state, algo, || version)?,
        };
        self.digests.get_or_insert([None; 4])[slot] = Some(d);
        Ok(d)
    }

    /// The path as the acting task sees it.
    pub(crate) fn name(&mut self) -> Result<&[u8]> {
        if self.name_len.is_none() {
            let path = self.path.insert(crate::compat::zeroed_bytes(PATH_MAX)?);
            let base = path.as_ptr() as usize;
            let name = self.file.path(path);
            self.name_len = Some((name.as_ptr() as usize - base, name.len()));
        }
        let (start, len) = self.name_len.unwrap_or((0, 0));
        Ok(&self.path_bytes()[start..start + len])
    }
}

/// The digest of `file`'s contents in `algo`: the inode's cached one if
/// the file has not changed since (same change cookie `version()`), else
/// read and cached.
pub(crate) fn cached_digest(
    st: &ImaState,
    file: &File<'_>,
    state: &mut IintState,
    algo: HashAlgo,
    version: impl Fn() -> Option<u64>,
) -> Result<Digest> {
    if let Some(d) = state.digest(algo, &version) {
        return Ok(d);
    }
    let version = version();
    let readable = ReadableFile::open(file)?;
    let d = match st.hashers.get(algo)?.hash(readable.file()) {
        Ok(d) => d,
        // As ima_collect_measurement(): a file that cannot be read this
        // way (no read_iter, O_DIRECT) is recorded with a zero digest
        // rather than not at all.
        Err(e) if e == EINVAL || e == EBADF => {
            pr_debug!("recording a zero digest: reading failed: {:?}\n", e);
            return Ok(Digest::zero(algo));
        }
        Err(e) => return Err(e),
    };
    state.keep_digest(d, version)?;
    Ok(d)
}
