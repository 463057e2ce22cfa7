//! An IMA namespace: its policy, measurement list and inode cache.
//!
//! Only the initial (host) namespace exists so far; it is the one global,
//! published once fully built and withdrawn before it is freed.

use crate::crypto::FileHasher;
use crate::iint::IintCache;
use crate::list::{DataBuf, Measurement, MeasurementList};
use crate::policy::{PolicyStore, Rules};
use crate::tpm::Tpm;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use ima_template::{Template, IMA_NG};
use ima_tpm::{boot_aggregate, Digest, HashAlgo};
use kernel::prelude::*;
use kernel::sync::Arc;

#[pin_data]
pub(crate) struct ImaNamespace {
    #[pin]
    pub(crate) policy: PolicyStore,
    #[pin]
    pub(crate) list: MeasurementList,
    #[pin]
    pub(crate) iints: IintCache,
    pub(crate) hasher: FileHasher,
    pub(crate) tpm: Option<Tpm>,
    violations: AtomicU64,
}

/// The initial namespace, or null outside the module's lifetime.
static ROOT: AtomicPtr<ImaNamespace> = AtomicPtr::new(core::ptr::null_mut());

/// The initial namespace, once published.
pub(crate) fn root() -> Option<&'static ImaNamespace> {
    let p = ROOT.load(Ordering::Acquire);
    // SAFETY: `publish` stores a pointer to a pinned namespace that
    // `withdraw` clears before it is freed, and it is freed only after the
    // hooks are disabled and the securityfs files removed: nothing can
    // hold the reference across the free.
    unsafe { p.as_ref() }
}

/// Makes `ns` the initial namespace.
///
/// # Safety
///
/// `ns` must stay pinned and alive until [`withdraw`] is called and no
/// caller of [`root`] can still run.
pub(crate) unsafe fn publish(ns: &ImaNamespace) {
    ROOT.store(core::ptr::from_ref(ns).cast_mut(), Ordering::Release);
}

pub(crate) fn withdraw() {
    ROOT.store(core::ptr::null_mut(), Ordering::Release);
}

impl ImaNamespace {
    pub(crate) fn new(algo: HashAlgo, rules: Rules) -> Result<Pin<KBox<Self>>> {
        let rules = Arc::new(rules, GFP_KERNEL)?;
        let ns = KBox::pin_init(
            try_pin_init!(Self {
                policy <- PolicyStore::new(rules),
                list <- MeasurementList::new(),
                iints <- IintCache::new(),
                hasher: FileHasher::new(algo)?,
                tpm: Tpm::default_chip()?,
                violations: AtomicU64::new(0),
            }? Error),
            GFP_KERNEL,
        )?;
        ns.add_boot_aggregate()?;
        Ok(ns)
    }

    pub(crate) fn violations(&self) -> u64 {
        self.violations.load(Ordering::Relaxed)
    }

    /// Appends an `ima-ng` entry for `file_digest` named `name`.
    pub(crate) fn record(&self, file_digest: &Digest, name: &[u8]) -> Result {
        let mut data = DataBuf(KVec::with_capacity(
            Template::ima_ng_len(file_digest, name),
            GFP_KERNEL,
        )?);
        Template::write_ima_ng(file_digest, name, &mut data).map_err(|_| ENOMEM)?;
        let m = Measurement::new(&IMA_NG, data.0, self.tpm.as_ref())?;
        self.list.append(m, self.tpm.as_ref())
    }

    /// The first entry, as `ima_add_boot_aggregate()`: PCRs 0-7 (0-9 for
    /// non-SHA-1 banks) from the bank of the file hash algorithm if the TPM
    /// has it, else SHA-1; all zeros without a TPM.
    fn add_boot_aggregate(&self) -> Result {
        let algo = self.hasher.algo();
        let digest = match &self.tpm {
            None => Digest::zero(algo),
            Some(tpm) => {
                let has = |a: HashAlgo| tpm.banks().iter().any(|b| b.algo == Some(a));
                let bank = if has(algo) { algo } else { HashAlgo::Sha1 };
                let mut pcrs = [Digest::zero(bank); 10];
                for (i, pcr) in pcrs.iter_mut().enumerate() {
                    *pcr = tpm.pcr_read(i as u32, bank)?;
                }
                boot_aggregate(bank, &pcrs).map_err(|_| EINVAL)?
            }
        };
        self.record(&digest, b"boot_aggregate")
    }
}
