//! The measurement list: append-only, extended into the TPM in list order,
//! readable while it grows.

use crate::tpm::Tpm;
use core::sync::atomic::{AtomicUsize, Ordering};
use ima_template::{Overflow, Sink, Template};
use ima_tpm::{Digest, HashAlgo};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::Mutex;

/// PCR IMA extends by default (`CONFIG_IMA_MEASURE_PCR_IDX`).
pub(crate) const IMA_PCR: u32 = 10;

/// One entry of the list.
pub(crate) struct Measurement {
    pub(crate) pcr: u32,
    pub(crate) template: &'static Template,
    /// Template data: length-prefixed fields.
    pub(crate) data: KVec<u8>,
    /// Template digest in SHA-1, the bank the unsuffixed files list.
    pub(crate) sha1: Digest,
    /// Template digest per TPM bank, in the chip's bank order.
    pub(crate) banks: KVec<Digest>,
}

impl Measurement {
    /// Computes the template digests of `data` for SHA-1 and every bank.
    pub(crate) fn new(
        template: &'static Template,
        data: KVec<u8>,
        tpm: Option<&Tpm>,
    ) -> Result<KBox<Self>> {
        let sha1 = ima_template::template_digest(HashAlgo::Sha1, &data);
        let mut banks = KVec::new();
        for bank in tpm.map(Tpm::banks).unwrap_or(&[]) {
            let d = match bank.algo {
                Some(HashAlgo::Sha1) => sha1,
                Some(algo) => ima_template::template_digest(algo, &data),
                // Banks the module cannot hash get SHA-1, zero-padded.
                None => sha1,
            };
            banks.push(d, GFP_KERNEL)?;
        }
        Ok(KBox::new(
            Self {
                pcr: IMA_PCR,
                template,
                data,
                sha1,
                banks,
            },
            GFP_KERNEL,
        )?)
    }
}

/// Template data under construction.
pub(crate) struct DataBuf(pub(crate) KVec<u8>);

impl Sink for DataBuf {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        self.0
            .extend_from_slice(bytes, GFP_KERNEL)
            .map_err(|_| Overflow)
    }
}

/// The list of one namespace.
///
/// # Invariants
///
/// Entries are only ever appended, never moved out of their boxes or
/// removed, until the list is dropped; so a reference to an entry stays
/// valid for as long as the list lives.
#[pin_data]
pub(crate) struct MeasurementList {
    /// Serialises appends with their TPM extends, so PCR replay follows
    /// list order. Readers take it only to look one entry up.
    #[pin]
    entries: Mutex<KVec<KBox<Measurement>>>,
    count: AtomicUsize,
    /// Extends that failed (the entry is kept, as upstream does).
    pub(crate) tpm_errors: AtomicUsize,
}

impl MeasurementList {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            entries <- new_mutex!(KVec::new(), "ima_ns_list"),
            count: AtomicUsize::new(0),
            tpm_errors: AtomicUsize::new(0),
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Appends `m` and extends its PCR in every TPM bank.
    pub(crate) fn append(&self, m: KBox<Measurement>, tpm: Option<&Tpm>) -> Result {
        let mut entries = self.entries.lock();
        entries.push(m, GFP_KERNEL)?;
        self.count.store(entries.len(), Ordering::Release);
        let m = &entries[entries.len() - 1];
        if let Some(tpm) = tpm {
            if let Err(e) = tpm.extend(m.pcr, &m.banks) {
                self.tpm_errors.fetch_add(1, Ordering::Relaxed);
                pr_err!("ima_ns: TPM extend of PCR {} failed: {:?}\n", m.pcr, e);
            }
        }
        Ok(())
    }

    /// Entry `index`, if the list has it.
    pub(crate) fn get(&self, index: usize) -> Option<&Measurement> {
        let entries = self.entries.lock();
        let p: *const Measurement = &**entries.get(index)?;
        drop(entries);
        // SAFETY: by the type invariant the box is never freed or moved
        // while `self` lives, and `&self` bounds the returned lifetime.
        Some(unsafe { &*p })
    }
}
