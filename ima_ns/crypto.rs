//! File hashing with the kernel crypto API (accelerated, FPU-safe).

use crate::bindings;
use crate::file::File;
use core::ptr::NonNull;
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;

/// Bytes read per `kernel_read` call: files are hashed in chunks, never
/// loaded whole.
const CHUNK: usize = 32 * 1024;

/// A synchronous hash transform for one algorithm.
///
/// # Invariants
///
/// `tfm` is a live transform from `crypto_alloc_shash`, freed on drop.
pub(crate) struct FileHasher {
    tfm: NonNull<bindings::crypto_shash>,
    algo: HashAlgo,
}

// SAFETY: a crypto_shash transform may be used from any thread; each hash
// uses its own descriptor.
unsafe impl Send for FileHasher {}
// SAFETY: as above; shared use only reads the transform.
unsafe impl Sync for FileHasher {}

impl FileHasher {
    pub(crate) fn new(algo: HashAlgo) -> Result<Self> {
        let mut name = [0u8; 16];
        name[..algo.name().len()].copy_from_slice(algo.name().as_bytes());
        // SAFETY: `name` is NUL-terminated.
        let tfm = unsafe { bindings::ima_ns_shash_alloc(name.as_ptr().cast()) };
        let tfm = NonNull::new(tfm).ok_or_else(|| {
            pr_err!("crypto API has no {}\n", algo.name());
            ENOENT
        })?;
        // INVARIANT: `tfm` was just allocated.
        Ok(Self { tfm, algo })
    }

    /// Hashes the whole content of `file`, reading it in chunks.
    pub(crate) fn hash(&self, file: &File<'_>) -> Result<Digest> {
        let mut desc = self.start()?;
        let mut buf = KVec::<u8>::from_elem(0, CHUNK, GFP_KERNEL)?;
        let mut pos = 0i64;
        loop {
            let n = file.read_at(&mut buf, &mut pos)?;
            if n == 0 {
                break;
            }
            desc.update(&buf[..n])?;
        }
        desc.finish()
    }

    /// Hashes a buffer the kernel already holds (a module image, a key).
    pub(crate) fn hash_buf(&self, data: &[u8]) -> Result<Digest> {
        let mut desc = self.start()?;
        for chunk in data.chunks(CHUNK) {
            desc.update(chunk)?;
        }
        desc.finish()
    }

    fn start(&self) -> Result<Desc<'_>> {
        // SAFETY: `tfm` is live (type invariant).
        let size = unsafe { bindings::ima_ns_shash_descsize(self.tfm.as_ptr()) };
        // u64 elements: the descriptor context needs 8-byte alignment.
        let mut mem = KVec::<u64>::from_elem(0, size.div_ceil(8), GFP_KERNEL)?;
        let desc = mem.as_mut_ptr().cast::<bindings::shash_desc>();
        // SAFETY: `desc` has room for the transform's descriptor.
        kernel::error::to_result(unsafe { bindings::ima_ns_shash_init(desc, self.tfm.as_ptr()) })?;
        // INVARIANT: initialised just above, in `mem`.
        Ok(Desc { mem, hasher: self })
    }
}

/// One hash computation in progress.
///
/// # Invariants
///
/// `mem` holds a `shash_desc` initialised for `hasher`'s transform.
struct Desc<'a> {
    mem: KVec<u64>,
    hasher: &'a FileHasher,
}

impl Desc<'_> {
    fn ptr(&mut self) -> *mut bindings::shash_desc {
        self.mem.as_mut_ptr().cast()
    }

    fn update(&mut self, data: &[u8]) -> Result {
        // CHUNK-sized pieces at most: the length fits u32.
        let len = u32::try_from(data.len()).map_err(|_| EINVAL)?;
        // SAFETY: the descriptor is initialised (type invariant); `data`
        // is valid for `len` bytes.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_update(self.ptr(), data.as_ptr(), len)
        })
    }

    fn finish(mut self) -> Result<Digest> {
        let mut out = [0u8; ima_tpm::MAX_DIGEST_SIZE];
        // SAFETY: the descriptor is initialised (type invariant); `out` has
        // room for any supported digest.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_final(self.ptr(), out.as_mut_ptr())
        })?;
        Ok(Digest::padded(self.hasher.algo, &out))
    }
}

impl Drop for FileHasher {
    fn drop(&mut self) {
        // SAFETY: `tfm` is live and no longer used (type invariant).
        unsafe { bindings::ima_ns_shash_free(self.tfm.as_ptr()) };
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
