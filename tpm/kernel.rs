// SPDX-License-Identifier: GPL-2.0
//! The kernel TPM driver: default chip, its PCR banks, read and extend.

use crate::bindings;
use core::ptr::NonNull;
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;

/// One allocated PCR bank of the chip.
#[derive(Clone, Copy)]
pub(crate) struct Bank {
    /// TPM algorithm id.
    pub(crate) tpm_alg: u16,
    /// The algorithm, if this module can compute it; else upstream extends
    /// the SHA-1 digest zero-padded.
    pub(crate) algo: Option<HashAlgo>,
}

/// A reference to the system's default TPM chip.
///
/// # Invariants
///
/// `chip` comes from `tpm_default_chip()`, whose device reference we hold
/// until drop.
pub(crate) struct Tpm {
    chip: NonNull<bindings::tpm_chip>,
    banks: KVec<Bank>,
}

// SAFETY: the TPM driver serialises chip access internally.
unsafe impl Send for Tpm {}
// SAFETY: as above.
unsafe impl Sync for Tpm {}

impl Tpm {
    /// The default chip, or `None` if the system has no TPM.
    pub(crate) fn default_chip() -> Result<Option<Self>> {
        // SAFETY: no preconditions; returns a referenced chip or NULL.
        let Some(chip) = NonNull::new(unsafe { bindings::tpm_default_chip() }) else {
            return Ok(None);
        };
        let mut tpm = Self {
            chip,
            banks: KVec::new(),
        };
        // SAFETY: the chip is valid; its first nr_allocated_banks banks
        // are set up for its whole life.
        let raw = unsafe {
            let c = &*chip.as_ptr();
            &c.allocated_banks[..(c.nr_allocated_banks as usize).min(c.allocated_banks.len())]
        };
        for b in raw {
            let algo = HashAlgo::from_tpm_id(b.alg_id);
            tpm.banks.push(
                Bank {
                    tpm_alg: b.alg_id,
                    algo,
                },
                GFP_KERNEL,
            )?;
        }
        Ok(Some(tpm))
    }

    pub(crate) fn banks(&self) -> &[Bank] {
        &self.banks
    }

    /// Reads PCR `index` of the bank of `algo`.
    pub(crate) fn pcr_read(&self, index: u32, algo: HashAlgo) -> Result<Digest> {
        let mut d = bindings::tpm_digest {
            alg_id: algo.tpm_id(),
            ..Default::default()
        };
        // SAFETY: the chip is valid (type invariant); `d` is writable.
        tpm_result(unsafe { bindings::tpm_pcr_read(self.chip.as_ptr(), index, &mut d) })?;
        Ok(Digest::padded(algo, &d.digest))
    }

    /// Extends PCR `index` of every bank; `digests[i]` goes to `banks()[i]`.
    pub(crate) fn extend(&self, index: u32, digests: &[Digest]) -> Result {
        let mut raw = KVec::with_capacity(self.banks.len(), GFP_KERNEL)?;
        for (bank, d) in self.banks.iter().zip(digests) {
            let mut t = bindings::tpm_digest {
                alg_id: bank.tpm_alg,
                ..Default::default()
            };
            let n = d.as_bytes().len().min(t.digest.len());
            t.digest[..n].copy_from_slice(&d.as_bytes()[..n]);
            raw.push(t, GFP_KERNEL)?;
        }
        if raw.len() != self.banks.len() {
            return Err(EINVAL);
        }
        // SAFETY: the chip is valid; `raw` has one digest per allocated bank
        // in bank order, as tpm_pcr_extend() requires.
        tpm_result(unsafe { bindings::tpm_pcr_extend(self.chip.as_ptr(), index, raw.as_mut_ptr()) })
    }
}

/// A TPM driver result: `-errno` for a transport failure, a positive TPM
/// response code when the TPM refused the command (as QEMU answers once
/// its TPM backend is gone: `TPM_RC_FAILURE`); upstream treats any
/// non-zero value as failure.
fn tpm_result(rc: i32) -> Result {
    match rc {
        0 => Ok(()),
        rc if rc < 0 => Err(Error::from_errno(rc)),
        rc => {
            pr_err!("TPM response code 0x{:x}\n", rc);
            Err(EIO)
        }
    }
}

impl Drop for Tpm {
    fn drop(&mut self) {
        // SAFETY: we hold the reference tpm_default_chip() took.
        unsafe { bindings::put_device(&mut (*self.chip.as_ptr()).dev) };
    }
}
