// SPDX-License-Identifier: GPL-2.0
//! The measurement list: append-only, extended in list order into its
//! anchor (the TPM for the host, a virtual PCR for a child namespace),
//! readable while it grows.

use crate::template::TemplateRef;
use crate::tpm::Tpm;
use core::fmt::Write;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use ima_template::index::{self, Probe};
use ima_tpm::{Digest, HashAlgo};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::Mutex;

/// PCR IMA extends by default (`CONFIG_IMA_MEASURE_PCR_IDX`): a child
/// namespace's entries name it, and its virtual PCR stands for it. The
/// host's list uses the `pcr=` setting (`ima_ns/coexist.rs`).
pub(crate) const IMA_PCR: u32 = 10;

/// The algorithm a bank's template digests are in: its own, or SHA-1
/// (zero-padded by the TPM shell) for banks the module cannot hash, as
/// upstream does.
fn bank_algo(bank: &Option<HashAlgo>) -> HashAlgo {
    bank.unwrap_or(HashAlgo::Sha1)
}

/// One entry of the list.
pub(crate) struct Measurement {
    pub(crate) pcr: u32,
    /// A violation: its template digests are zeros and its PCR is extended
    /// with all-ones instead (`ima_add_violation()`).
    pub(crate) violation: bool,
    pub(crate) template: TemplateRef,
    /// Template data: length-prefixed fields.
    pub(crate) data: KVec<u8>,
    /// Template digest in SHA-1, the bank the unsuffixed files list and
    /// the duplicate key.
    sha1: [u8; 20],
    /// Template digest per bank of the list, in bank order, each at its
    /// algorithm's size: packed rather than as `Digest`s (64 bytes each),
    /// since digests are most of an entry's memory.
    banks: KVec<u8>,
}

impl Measurement {
    /// Computes the template digests of `data` for SHA-1 and each bank
    /// (zeros for a violation, which upstream does not hash).
    fn new(
        template: TemplateRef,
        data: KVec<u8>,
        bank_algos: &[Option<HashAlgo>],
        pcr: u32,
        violation: bool,
    ) -> Result<KBox<Self>> {
        let digest = |algo: HashAlgo| -> Result<Digest> {
            if violation {
                return Ok(Digest::zero(algo));
            }
            template.template_digest(algo, &data).map_err(|_| EINVAL)
        };
        let sha1 = digest(HashAlgo::Sha1)?;
        let size = bank_algos.iter().map(|b| bank_algo(b).digest_size()).sum();
        let mut banks = KVec::with_capacity(size, GFP_KERNEL)?;
        for algo in bank_algos.iter().map(bank_algo) {
            let d = if algo == HashAlgo::Sha1 {
                sha1
            } else {
                digest(algo)?
            };
            banks.extend_from_slice(d.as_bytes(), GFP_KERNEL)?;
        }
        let mut sha1_bytes = [0u8; 20];
        sha1_bytes.copy_from_slice(sha1.as_bytes());
        Ok(KBox::new(
            Self {
                pcr,
                violation,
                template,
                data,
                sha1: sha1_bytes,
                banks,
            },
            GFP_KERNEL,
        )?)
    }

    /// The template digest for each bank of `bank_algos` (the list's).
    fn bank_digests<'a>(
        &'a self,
        bank_algos: &'a [Option<HashAlgo>],
    ) -> impl Iterator<Item = Digest> + 'a {
        let mut off = 0;
        bank_algos.iter().map(move |b| {
            let algo = bank_algo(b);
            let n = algo.digest_size();
            let d = Digest::padded(algo, self.banks.get(off..off + n).unwrap_or(&[]));
            off += n;
            d
        })
    }

    /// What the PCR is extended with in each bank: the template digest, or
    /// all-ones of the bank's size for a violation (`ima_init_digests()`).
    fn extend_values(&self, bank_algos: &[Option<HashAlgo>]) -> Result<KVec<Digest>> {
        let mut out = KVec::with_capacity(bank_algos.len(), GFP_KERNEL)?;
        for d in self.bank_digests(bank_algos) {
            let v = if self.violation {
                Digest::ones(d.algo())
            } else {
                d
            };
            out.push(v, GFP_KERNEL)?;
        }
        Ok(out)
    }

    /// The duplicate-index key: SHA-1 template digest and PCR.
    fn key_hash(&self) -> u64 {
        index::key_hash(&self.sha1, self.pcr)
    }

    fn same_key(&self, other: &Measurement) -> bool {
        self.pcr == other.pcr && self.sha1 == other.sha1
    }
}

/// Where a list's PCR lives.
pub(crate) enum Anchor {
    /// The host namespace: PCR 10 (`pcr=`) of the TPM, if the system has one.
    Tpm(Option<Tpm>),
    /// The host namespace with `host=ima`: built-in IMA keeps the host's
    /// list; this one stays empty and takes no entries.
    Builtin,
    /// A child namespace: one virtual PCR per bank of [`VIRTUAL_BANKS`],
    /// extended exactly as a TPM would.
    Virtual,
}

/// The banks of a virtual PCR.
pub(crate) const VIRTUAL_BANKS: [HashAlgo; 4] = HashAlgo::ALL;

/// The entries, and the (template digest, PCR) pairs already listed.
struct ListInner {
    /// kvmalloc'ed: a long list must not need a large contiguous block.
    entries: KVVec<KBox<Measurement>>,
    /// Upstream's `ima_htable`: an entry whose SHA-1 template digest and
    /// PCR are already listed is not added or extended again (a file whose
    /// inode was evicted and read again yields the same entry). Slots of
    /// `ima_template::index`, O(1) per lookup; violations are not indexed.
    index: KVVec<u64>,
    /// Keys in `index`.
    indexed: usize,
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
    /// The PCR its entries name and extend.
    pcr: u32,
    /// Algorithm of each bank entries carry a template digest for.
    bank_algos: KVec<Option<HashAlgo>>,
    count: AtomicUsize,
    /// Extends that failed (the entry is kept, as upstream does).
    tpm_errors: AtomicUsize,
    /// TPM extends done, their total and longest time in nanoseconds.
    extends: AtomicU64,
    extend_ns: AtomicU64,
    extend_ns_max: AtomicU64,
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
            Anchor::Builtin => {}
        }
        let pcr = match anchor {
            Anchor::Virtual => IMA_PCR,
            _ => crate::coexist::get().pcr,
        };
        Ok(pin_init!(Self {
            inner <- new_mutex!(
                ListInner { entries: KVVec::new(), index: KVVec::new(), indexed: 0, vpcr },
                "ima_ns_list"
            ),
            anchor,
            pcr,
            bank_algos,
            count: AtomicUsize::new(0),
            tpm_errors: AtomicUsize::new(0),
            extends: AtomicU64::new(0),
            extend_ns: AtomicU64::new(0),
            extend_ns_max: AtomicU64::new(0),
        }))
    }

    /// The TPM the list extends, if any.
    pub(crate) fn tpm(&self) -> Option<&Tpm> {
        match &self.anchor {
            Anchor::Tpm(tpm) => tpm.as_ref(),
            Anchor::Virtual | Anchor::Builtin => None,
        }
    }

    /// The PCR the list extends.
    pub(crate) fn pcr(&self) -> u32 {
        self.pcr
    }

    /// A new entry with template digests for this list's banks.
    pub(crate) fn measurement(
        &self,
        template: TemplateRef,
        data: KVec<u8>,
        violation: bool,
    ) -> Result<KBox<Measurement>> {
        Measurement::new(template, data, &self.bank_algos, self.pcr, violation)
    }

    /// Whether entries carry template digests for `algo`: SHA-1 always
    /// (upstream lists it even without a SHA-1 PCR bank), others if a bank
    /// has that algorithm.
    pub(crate) fn has_bank(&self, algo: HashAlgo) -> bool {
        algo == HashAlgo::Sha1 || self.bank_algos.contains(&Some(algo))
    }

    /// The template digest `m` shows in the `algo` lists.
    pub(crate) fn bank_digest(&self, m: &Measurement, algo: HashAlgo) -> Option<Digest> {
        if algo == HashAlgo::Sha1 {
            return Some(Digest::padded(algo, &m.sha1));
        }
        let i = self.bank_algos.iter().position(|b| *b == Some(algo))?;
        m.bank_digests(&self.bank_algos).nth(i)
    }

    /// The virtual PCR values, one per bank of [`VIRTUAL_BANKS`]; empty for
    /// a TPM-anchored list.
    pub(crate) fn vpcr(&self) -> Result<KVec<Digest>> {
        let inner = self.inner.lock();
        let mut out = KVec::with_capacity(inner.vpcr.len(), GFP_KERNEL)?;
        out.extend_from_slice(&inner.vpcr, GFP_KERNEL)?;
        Ok(out)
    }

    /// The number of entries and the virtual PCR they replay to, read
    /// under one lock (a checkpoint or end anchor).
    pub(crate) fn snapshot(&self) -> Result<(usize, KVec<Digest>)> {
        let inner = self.inner.lock();
        let mut out = KVec::with_capacity(inner.vpcr.len(), GFP_KERNEL)?;
        out.extend_from_slice(&inner.vpcr, GFP_KERNEL)?;
        Ok((inner.entries.len(), out))
    }

    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Appends `m` and extends its PCR in every bank, unless an equal entry
    /// is already listed.
    pub(crate) fn append(&self, m: KBox<Measurement>) -> Result {
        if matches!(self.anchor, Anchor::Builtin) {
            // Nothing should get here: the host has no rules in host=ima.
            pr_err!("host=ima: the host's list is built-in IMA's; entry not listed\n");
            return Err(EPERM);
        }
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let hash = m.key_hash();
        if !m.violation && inner.find(&m, hash).is_some() {
            return Ok(());
        }
        inner.entries.reserve(1, GFP_KERNEL)?;
        if !m.violation {
            inner.reserve_index()?;
        }
        let at = inner.entries.len();
        // Cannot fail: room was reserved above.
        inner.entries.push(m, GFP_KERNEL)?;
        if !inner.entries[at].violation {
            if let Probe::Vacant(pos) = index::probe(&inner.index, hash, |_| false) {
                index::fill(&mut inner.index, pos, hash, at as u32);
                inner.indexed += 1;
            }
        }
        self.count.store(inner.entries.len(), Ordering::Release);
        let m = &inner.entries[at];
        match &self.anchor {
            Anchor::Tpm(Some(tpm)) => {
                let values = m.extend_values(&self.bank_algos)?;
                let start = crate::compat::Instant::now();
                let r = tpm.extend(m.pcr, &values);
                let ns = start.elapsed_ns().max(0) as u64;
                self.extends.fetch_add(1, Ordering::Relaxed);
                self.extend_ns.fetch_add(ns, Ordering::Relaxed);
                self.extend_ns_max.fetch_max(ns, Ordering::Relaxed);
                if let Err(e) = r {
                    // As upstream: the entry stays listed, the PCR no
                    // longer matches it; counted in `anchor`.
                    let n = self.tpm_errors.fetch_add(1, Ordering::Relaxed) + 1;
                    pr_err!(
                        "TPM extend of PCR {} failed: {:?} (entry {} kept; {} failures)\n",
                        m.pcr,
                        e,
                        at,
                        n
                    );
                }
            }
            Anchor::Tpm(None) | Anchor::Builtin => {}
            Anchor::Virtual => {
                let values = m.extend_values(&self.bank_algos)?;
                for (pcr, value) in inner.vpcr.iter_mut().zip(values.iter()) {
                    *pcr = ima_tpm::extend(pcr, value);
                }
            }
        }
        Ok(())
    }

    /// The `anchor` file: where the list is extended, and for a TPM how
    /// extends went.
    pub(crate) fn show_anchor(&self, out: &mut impl Write) -> core::fmt::Result {
        let tpm = match &self.anchor {
            Anchor::Virtual => {
                out.write_str("anchor virtual\nbanks")?;
                for algo in VIRTUAL_BANKS {
                    write!(out, " {}", algo.name())?;
                }
                return out.write_str("\n");
            }
            // As upstream without a TPM: entries listed, nothing extended.
            Anchor::Tpm(None) => return out.write_str("anchor none\n"),
            Anchor::Builtin => return out.write_str("anchor ima\n"),
            Anchor::Tpm(Some(tpm)) => tpm,
        };
        out.write_str("anchor tpm\nbanks")?;
        for bank in tpm.banks() {
            match bank.algo {
                Some(algo) => write!(out, " {}", algo.name())?,
                None => write!(out, " 0x{:04x}", bank.tpm_alg)?,
            }
        }
        let extends = self.extends.load(Ordering::Relaxed);
        let total = self.extend_ns.load(Ordering::Relaxed);
        writeln!(out)?;
        writeln!(out, "extends {}", extends)?;
        writeln!(
            out,
            "extend_errors {}",
            self.tpm_errors.load(Ordering::Relaxed)
        )?;
        writeln!(out, "extend_usecs_avg {}", total / extends.max(1) / 1000)?;
        writeln!(
            out,
            "extend_usecs_max {}",
            self.extend_ns_max.load(Ordering::Relaxed) / 1000
        )?;
        writeln!(out, "pcr {}", self.pcr)
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

impl ListInner {
    /// The index of an entry equal to `m` (whose key hashes to `hash`).
    fn find(&self, m: &Measurement, hash: u64) -> Option<u32> {
        if self.index.is_empty() {
            return None;
        }
        let entries = &self.entries;
        match index::probe(&self.index, hash, |i| entries[i as usize].same_key(m)) {
            Probe::Found(i) => Some(i),
            Probe::Vacant(_) => None,
        }
    }

    /// Makes room in the index for one more key, doubling it (and
    /// rehashing) when it would be more than half full.
    fn reserve_index(&mut self) -> Result {
        let want = index::capacity_for(self.index.len(), self.indexed);
        if want == self.index.len() {
            return Ok(());
        }
        let mut new = KVVec::from_elem(index::EMPTY, want, GFP_KERNEL)?;
        let entries = &self.entries;
        index::rehash(&self.index, &mut new, |i| entries[i as usize].key_hash());
        self.index = new;
        Ok(())
    }
}
