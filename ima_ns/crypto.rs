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
        // SAFETY: `tfm` is live (type invariant).
        let desc_size = unsafe { bindings::ima_ns_shash_descsize(self.tfm.as_ptr()) };
        // u64 elements: the descriptor context needs 8-byte alignment.
        let mut desc = KVec::<u64>::from_elem(0, desc_size.div_ceil(8), GFP_KERNEL)?;
        let desc = desc.as_mut_ptr().cast::<bindings::shash_desc>();
        let mut buf = KVec::<u8>::from_elem(0, CHUNK, GFP_KERNEL)?;
        // SAFETY: `desc` has room for the transform's descriptor.
        kernel::error::to_result(unsafe { bindings::ima_ns_shash_init(desc, self.tfm.as_ptr()) })?;
        let mut pos = 0i64;
        loop {
            let n = file.read_at(&mut buf, &mut pos)?;
            if n == 0 {
                break;
            }
            // SAFETY: `desc` was initialised; `buf` holds `n` valid bytes.
            kernel::error::to_result(unsafe {
                bindings::crypto_shash_update(desc, buf.as_ptr(), n as u32)
            })?;
        }
        let mut out = [0u8; ima_tpm::MAX_DIGEST_SIZE];
        // SAFETY: `out` has room for any supported digest.
        kernel::error::to_result(unsafe { bindings::crypto_shash_final(desc, out.as_mut_ptr()) })?;
        Ok(Digest::padded(self.algo, &out))
    }
}

impl Drop for FileHasher {
    fn drop(&mut self) {
        // SAFETY: `tfm` is live and no longer used (type invariant).
        unsafe { bindings::ima_ns_shash_free(self.tfm.as_ptr()) };
    }
}
