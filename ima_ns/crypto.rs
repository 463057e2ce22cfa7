// SPDX-License-Identifier: GPL-2.0
//! File hashing with the kernel crypto API (accelerated, FPU-safe).

use crate::bindings;
use crate::file::File;
use core::ptr::NonNull;
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;

/// Bytes read per `kernel_read` call: files are hashed in chunks, never
/// loaded whole.
const CHUNK: usize = 32 * 1024;

/// The read buffer for a file of `size` bytes: a page at least (as
/// upstream's `kzalloc(PAGE_SIZE)`), [`CHUNK`] at most. Zeroing a 32 KiB
/// buffer for a 4 KiB file cost as much as hashing it (the page
/// allocator's `prep_new_page`, issue 21's first-4K profile).
fn buffer_len(size: u64) -> usize {
    const PAGE: usize = 4096;
    let size = usize::try_from(size).unwrap_or(CHUNK);
    size.max(1).div_ceil(PAGE).saturating_mul(PAGE).min(CHUNK)
}

/// A synchronous hash (or keyed hash) transform, by kernel name.
///
/// # Invariants
///
/// `tfm` is a live transform from `crypto_alloc_shash`, freed on drop.
pub(crate) struct Shash {
    tfm: NonNull<bindings::crypto_shash>,
}

// SAFETY: a crypto_shash transform may be used from any thread; each hash
// uses its own descriptor.
unsafe impl Send for Shash {}
// SAFETY: as above; shared use only reads the transform (the key is set
// once, before it is shared).
unsafe impl Sync for Shash {}

/// The largest digest [`ShashDesc::finish`] returns (SHA-512, Streebog-512).
pub(crate) const MAX_DIGEST: usize = 64;

impl Shash {
    /// `name` (`"sha256"`, `"hmac(sha1)"`), if the crypto API has it.
    pub(crate) fn new(name: &str) -> Result<Self> {
        let mut buf = [0u8; 32];
        if name.len() >= buf.len() {
            return Err(EINVAL);
        }
        buf[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: `buf` is NUL-terminated.
        let tfm = unsafe { bindings::ima_ns_shash_alloc(buf.as_ptr().cast()) };
        // INVARIANT: a non-NULL result is a new transform.
        NonNull::new(tfm).map(|tfm| Self { tfm }).ok_or(ENOENT)
    }

    /// Sets the key of a keyed hash (before sharing it).
    pub(crate) fn set_key(&mut self, key: &[u8]) -> Result {
        let len = u32::try_from(key.len()).map_err(|_| EINVAL)?;
        // SAFETY: `tfm` is live (type invariant); `key` is valid for `len`
        // bytes; `&mut self`: nobody hashes meanwhile.
        kernel::error::to_result(unsafe {
            bindings::ima_ns_shash_setkey(self.tfm.as_ptr(), key.as_ptr(), len)
        })
    }

    /// Its digest size in bytes.
    pub(crate) fn digest_size(&self) -> usize {
        // SAFETY: `tfm` is live (type invariant).
        unsafe { bindings::ima_ns_shash_digestsize(self.tfm.as_ptr()) as usize }
    }

    /// Starts a computation.
    pub(crate) fn start(&self) -> Result<ShashDesc<'_>> {
        if self.digest_size() > MAX_DIGEST {
            return Err(EINVAL);
        }
        // SAFETY: `tfm` is live (type invariant).
        let size = unsafe { bindings::ima_ns_shash_descsize(self.tfm.as_ptr()) };
        // u64 elements: the descriptor context needs 8-byte alignment.
        let mut mem = KVec::<u64>::from_elem(0, size.div_ceil(8), GFP_KERNEL)?;
        let desc = mem.as_mut_ptr().cast::<bindings::shash_desc>();
        // SAFETY: `desc` has room for the transform's descriptor.
        kernel::error::to_result(unsafe { bindings::ima_ns_shash_init(desc, self.tfm.as_ptr()) })?;
        // INVARIANT: initialised just above, in `mem`.
        Ok(ShashDesc { mem, shash: self })
    }
}

impl Drop for Shash {
    fn drop(&mut self) {
        // SAFETY: `tfm` is live and no longer used (type invariant).
        unsafe { bindings::ima_ns_shash_free(self.tfm.as_ptr()) };
    }
}

/// One hash computation in progress.
///
/// # Invariants
///
/// `mem` holds a `shash_desc` initialised for `shash`'s transform, whose
/// digest fits [`MAX_DIGEST`].
pub(crate) struct ShashDesc<'a> {
    mem: KVec<u64>,
    shash: &'a Shash,
}

impl ShashDesc<'_> {
    fn ptr(&mut self) -> *mut bindings::shash_desc {
        self.mem.as_mut_ptr().cast()
    }

    pub(crate) fn update(&mut self, data: &[u8]) -> Result {
        for chunk in data.chunks(CHUNK) {
            // SAFETY: the descriptor is initialised (type invariant);
            // `chunk` is valid for its length, which fits u32.
            kernel::error::to_result(unsafe {
                bindings::ima_ns_shash_update(self.ptr(), chunk.as_ptr(), chunk.len() as u32)
            })?;
        }
        Ok(())
    }

    /// The digest, in the first [`Shash::digest_size`] bytes.
    pub(crate) fn finish(mut self) -> Result<([u8; MAX_DIGEST], usize)> {
        let mut out = [0u8; MAX_DIGEST];
        // SAFETY: the descriptor is initialised; `out` has room for the
        // digest (type invariant).
        kernel::error::to_result(unsafe {
            bindings::ima_ns_shash_final(self.ptr(), out.as_mut_ptr())
        })?;
        Ok((out, self.shash.digest_size()))
    }
}

/// A file hasher: the transform of one of the namespace algorithms.
pub(crate) struct FileHasher {
    shash: Shash,
    algo: HashAlgo,
}

impl FileHasher {
    pub(crate) fn new(algo: HashAlgo) -> Result<Self> {
        let shash = Shash::new(algo.name()).inspect_err(|_| {
            pr_err!("crypto API has no {}\n", algo.name());
        })?;
        Ok(Self { shash, algo })
    }

    /// Hashes the whole content of `file`, reading it in chunks.
    pub(crate) fn hash(&self, file: &File<'_>) -> Result<Digest> {
        let mut desc = self.shash.start()?;
        // A file that grows while read takes more reads, not a bigger buffer.
        let mut buf = crate::compat::zeroed_bytes(buffer_len(file.facts().size))?;
        let mut pos = 0i64;
        loop {
            let n = file.read_at(&mut buf, &mut pos)?;
            if n == 0 {
                break;
            }
            desc.update(&buf[..n])?;
        }
        self.digest(desc)
    }

    /// Hashes a buffer the kernel already holds (a module image, a key).
    pub(crate) fn hash_buf(&self, data: &[u8]) -> Result<Digest> {
        let mut desc = self.shash.start()?;
        desc.update(data)?;
        self.digest(desc)
    }

    fn digest(&self, desc: ShashDesc<'_>) -> Result<Digest> {
        let (out, _) = desc.finish()?;
        Ok(Digest::padded(self.algo, &out))
    }
}

/// Whether the kernel crypto API has hash `name` (`crypto_has_alg()`).
pub(crate) fn kernel_has_hash(name: &str) -> bool {
    let mut buf = [0u8; 32];
    if name.len() >= buf.len() {
        return false;
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    // SAFETY: `buf` is NUL-terminated.
    unsafe { bindings::ima_ns_crypto_has_hash(buf.as_ptr().cast()) }
}
