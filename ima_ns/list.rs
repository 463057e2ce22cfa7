//! The measurement list: append-only, extended in list order into its
//! anchor (the TPM for the host, a virtual PCR for a child namespace),
//! readable while it grows.

use crate::tpm::Tpm;
use core::sync::atomic::{AtomicUsize, Ordering};
use ima_template::{Overflow, Sink, Template};
use ima_tpm::{Digest, HashAlgo};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::rbtree::RBTree;
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
    /// Computes the template digests of `data` for SHA-1 and each bank.
    fn new(
        template: &'static Template,
        data: KVec<u8>,
        bank_algos: &[Option<HashAlgo>],
    ) -> Result<KBox<Self>> {
        let sha1 = ima_template::template_digest(HashAlgo::Sha1, &data);
        let mut banks = KVec::with_capacity(bank_algos.len(), GFP_KERNEL)?;
        for algo in bank_algos {
            let d = match *algo {
                Some(HashAlgo::Sha1) => sha1,
                Some(algo) => ima_template::template_digest(algo, &data),
                // Banks the module cannot hash get SHA-1, zero-padded by
                // the TPM shell, as upstream does.
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

/// Bytes under construction: template data, event records.
pub(crate) struct DataBuf(pub(crate) KVec<u8>);

impl Sink for DataBuf {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        self.0
            .extend_from_slice(bytes, GFP_KERNEL)
            .map_err(|_| Overflow)
    }
}

impl core::fmt::Write for DataBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.put(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}

/// Where a list's PCR lives.
pub(crate) enum Anchor {
    /// The host namespace: PCR 10 of the TPM, if the system has one.
    Tpm(Option<Tpm>),
    /// A child namespace: one virtual PCR per bank of [`VIRTUAL_BANKS`],
    /// extended exactly as a TPM would.
    Virtual,
}

/// The banks of a virtual PCR.
pub(crate) const VIRTUAL_BANKS: [HashAlgo; 4] = HashAlgo::ALL;

/// The entries, and the (template digest, PCR) pairs already listed.
struct ListInner {
    entries: KVec<KBox<Measurement>>,
    /// Upstream's `ima_htable`: an entry whose SHA-1 template digest and
    /// PCR are already listed is not added or extended again (a file whose
    /// inode was evicted and read again yields the same entry).
    seen: RBTree<([u8; 20], u32), ()>,
    /// The virtual PCR, per bank of [`VIRTUAL_BANKS`]; empty for the host.
    vpcr: KVec<Digest>,
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
    inner: Mutex<ListInner>,
    anchor: Anchor,
    /// Algorithm of each bank entries carry a template digest for.
    bank_algos: KVec<Option<HashAlgo>>,
    count: AtomicUsize,
    /// Extends that failed (the entry is kept, as upstream does).
    pub(crate) tpm_errors: AtomicUsize,
}

impl MeasurementList {
    pub(crate) fn new(anchor: Anchor) -> Result<impl PinInit<Self>> {
        let mut bank_algos = KVec::new();
        let mut vpcr = KVec::new();
        match &anchor {
            Anchor::Tpm(tpm) => {
                for bank in tpm.as_ref().map(Tpm::banks).unwrap_or(&[]) {
                    bank_algos.push(bank.algo, GFP_KERNEL)?;
                }
            }
            Anchor::Virtual => {
                for algo in VIRTUAL_BANKS {
                    bank_algos.push(Some(algo), GFP_KERNEL)?;
                    vpcr.push(Digest::zero(algo), GFP_KERNEL)?;
                }
            }
        }
        Ok(pin_init!(Self {
            inner <- new_mutex!(
                ListInner { entries: KVec::new(), seen: RBTree::new(), vpcr },
                "ima_ns_list"
            ),
            anchor,
            bank_algos,
            count: AtomicUsize::new(0),
            tpm_errors: AtomicUsize::new(0),
        }))
    }

    /// The TPM the list extends, if any.
    pub(crate) fn tpm(&self) -> Option<&Tpm> {
        match &self.anchor {
            Anchor::Tpm(tpm) => tpm.as_ref(),
            Anchor::Virtual => None,
        }
    }

    /// A new entry with template digests for this list's banks.
    pub(crate) fn measurement(
        &self,
        template: &'static Template,
        data: KVec<u8>,
    ) -> Result<KBox<Measurement>> {
        Measurement::new(template, data, &self.bank_algos)
    }

    /// Whether entries carry template digests for `algo`: SHA-1 always
    /// (upstream lists it even without a SHA-1 PCR bank), others if a bank
    /// has that algorithm.
    pub(crate) fn has_bank(&self, algo: HashAlgo) -> bool {
        algo == HashAlgo::Sha1 || self.bank_algos.contains(&Some(algo))
    }

    /// The template digest `m` shows in the `algo` lists.
    pub(crate) fn bank_digest<'m>(&self, m: &'m Measurement, algo: HashAlgo) -> Option<&'m Digest> {
        if algo == HashAlgo::Sha1 {
            return Some(&m.sha1);
        }
        let i = self.bank_algos.iter().position(|b| *b == Some(algo))?;
        m.banks.get(i)
    }

    /// The virtual PCR values, one per bank of [`VIRTUAL_BANKS`]; empty for
    /// a TPM-anchored list.
    pub(crate) fn vpcr(&self) -> Result<KVec<Digest>> {
        let inner = self.inner.lock();
        let mut out = KVec::with_capacity(inner.vpcr.len(), GFP_KERNEL)?;
        out.extend_from_slice(&inner.vpcr, GFP_KERNEL)?;
        Ok(out)
    }

    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Appends `m` and extends its PCR in every bank, unless an equal entry
    /// is already listed.
    pub(crate) fn append(&self, m: KBox<Measurement>) -> Result {
        let key = (digest20(&m.sha1), m.pcr);
        let mut inner = self.inner.lock();
        if inner.seen.get(&key).is_some() {
            return Ok(());
        }
        inner.entries.reserve(1, GFP_KERNEL)?;
        inner.seen.try_create_and_insert(key, (), GFP_KERNEL)?;
        // Cannot fail: room was reserved above.
        inner.entries.push(m, GFP_KERNEL)?;
        self.count.store(inner.entries.len(), Ordering::Release);
        let inner = &mut *inner;
        let m = &inner.entries[inner.entries.len() - 1];
        match &self.anchor {
            Anchor::Tpm(Some(tpm)) => {
                if let Err(e) = tpm.extend(m.pcr, &m.banks) {
                    self.tpm_errors.fetch_add(1, Ordering::Relaxed);
                    pr_err!("TPM extend of PCR {} failed: {:?}\n", m.pcr, e);
                }
            }
            Anchor::Tpm(None) => {}
            Anchor::Virtual => {
                for (pcr, value) in inner.vpcr.iter_mut().zip(m.banks.iter()) {
                    *pcr = ima_tpm::extend(pcr, value);
                }
            }
        }
        Ok(())
    }

    /// Entry `index`, if the list has it.
    pub(crate) fn get(&self, index: usize) -> Option<&Measurement> {
        let inner = self.inner.lock();
        let p: *const Measurement = &**inner.entries.get(index)?;
        drop(inner);
        // SAFETY: by the type invariant the box is never freed or moved
        // while `self` lives, and `&self` bounds the returned lifetime.
        Some(unsafe { &*p })
    }
}

/// The SHA-1 template digest as a key.
fn digest20(d: &Digest) -> [u8; 20] {
    let mut k = [0u8; 20];
    k.copy_from_slice(&d.as_bytes()[..20]);
    k
}
