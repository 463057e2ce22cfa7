// SPDX-License-Identifier: GPL-2.0
//! What IMA does when the kernel reads a file for itself
//! (`kernel_read_file`, `kernel_post_read_file`) or takes data from
//! userspace with no file (`kernel_load_data`, `kernel_post_load_data`):
//! upstream's `read_idmap[]`, `ima_read_file()`, `ima_post_read_file()`,
//! `ima_load_data()` and `ima_post_load_data()` (security/integrity/ima/
//! ima_main.c, the same in 6.12 and 7.3 except for 7.3's
//! `READING_MODULE_COMPRESSED`).
//!
//! The kernel shell maps `enum kernel_read_file_id` /
//! `enum kernel_load_data_id` (one list, `__kernel_read_file_id()`) to
//! [`KernelId`], gathers [`AppraiseFlags`] and [`LoadFacts`], and acts.

use ima_policy::{Func, Upstream};

/// What the kernel reads or loads (`__kernel_read_file_id()`: the
/// `READING_*` and `LOADING_*` ids share one list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelId {
    /// `*_UNKNOWN`, and any id this list does not know.
    Unknown,
    Firmware,
    Module,
    KexecImage,
    KexecInitramfs,
    Policy,
    X509Certificate,
    /// 7.x only: a compressed module, decompressed before it is loaded.
    ModuleCompressed,
}

impl KernelId {
    /// Every id, for table tests.
    pub const ALL: [Self; 8] = [
        Self::Unknown,
        Self::Firmware,
        Self::Module,
        Self::KexecImage,
        Self::KexecInitramfs,
        Self::Policy,
        Self::X509Certificate,
        Self::ModuleCompressed,
    ];

    /// The hook a read is measured and appraised as: `read_idmap[id] ?:
    /// FILE_CHECK` (7.3 maps `READING_MODULE_COMPRESSED` to MODULE_CHECK
    /// too, but defers it: [`KernelId::read_deferred`]).
    pub fn read_func(self) -> Func {
        match self {
            Self::Firmware => Func::FirmwareCheck,
            Self::Module | Self::ModuleCompressed => Func::ModuleCheck,
            Self::KexecImage => Func::KexecKernelCheck,
            Self::KexecInitramfs => Func::KexecInitramfsCheck,
            Self::Policy => Func::PolicyCheck,
            Self::Unknown | Self::X509Certificate => Func::FileCheck,
        }
    }

    /// A read IMA leaves to a later one: 7.3 reads a compressed module as
    /// `READING_MODULE_COMPRESSED`, then hands its decompressed image to
    /// `kernel_post_read_file` as `READING_MODULE`, which alone is
    /// measured and appraised (7.3's `process_measurement()`: "Defer
    /// measuring/appraising kernel modules to READING_MODULE").
    pub fn read_deferred(self) -> bool {
        self == Self::ModuleCompressed
    }

    /// `kernel_read_file` (`ima_read_file()`): the hook to measure the
    /// file as, or `None` when nothing is done now. A whole read
    /// (`contents`) is measured from its buffer in `kernel_post_read_file`.
    pub fn on_read(self, contents: bool) -> Option<Func> {
        (!contents && !self.read_deferred()).then(|| self.read_func())
    }

    /// `kernel_post_read_file` (`ima_post_read_file()`): the hook to
    /// measure the buffer as, or `None` (no buffer, or a deferred read).
    pub fn on_post_read(self, has_buffer: bool) -> Option<Func> {
        (has_buffer && !self.read_deferred()).then(|| self.read_func())
    }
}

/// Upstream's `ima_appraise` bits: enforce mode, and the hooks some
/// `appraise func=` rule (of current's namespace or an ancestor) names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppraiseFlags {
    /// `IMA_APPRAISE_ENFORCE`: `ima_appraise=enforce`.
    pub enforce: bool,
    /// `IMA_APPRAISE_MODULES`.
    pub modules: bool,
    /// `IMA_APPRAISE_FIRMWARE`.
    pub firmware: bool,
    /// `IMA_APPRAISE_POLICY`.
    pub policy: bool,
    /// `IMA_APPRAISE_KEXEC`.
    pub kexec: bool,
}

impl AppraiseFlags {
    /// Sets the bit of `func`, as `ima_appraise_flag()` does (other hooks
    /// have none).
    pub fn add_func(&mut self, func: Func) {
        match func {
            Func::ModuleCheck => self.modules = true,
            Func::FirmwareCheck => self.firmware = true,
            Func::PolicyCheck => self.policy = true,
            Func::KexecKernelCheck => self.kexec = true,
            _ => {}
        }
    }

    /// The hooks that have a bit.
    pub const FUNCS: [Func; 4] = [
        Func::ModuleCheck,
        Func::FirmwareCheck,
        Func::PolicyCheck,
        Func::KexecKernelCheck,
    ];
}

/// What the kernel itself enforces, which `ima_load_data()` asks only
/// for the id it concerns (`arch_get_secureboot()` may read EFI variables
/// the first time).
pub trait LoadFacts {
    /// `IS_ENABLED(CONFIG_KEXEC_SIG) && arch_get_secureboot()`.
    fn kexec_sig_secure_boot(&self) -> bool;
    /// `is_module_sig_enforced()`.
    fn module_sig_enforced(&self) -> bool;
}

/// A refusal (`-EACCES`) with upstream's log line, without the newline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal(pub &'static str);

const KEXEC_NO_FD: &str = "impossible to appraise a kernel image without a file descriptor; try using kexec_file_load syscall.";
const FIRMWARE_FALLBACK: &str = "Prevent firmware sysfs fallback loading.";
const MODULE_NO_FD: &str = "impossible to appraise a module without a file descriptor. sig_enforce kernel parameter might help";
const FIRMWARE_STORE: &str = "Prevent firmware loading_store.";

/// `kernel_load_data` (`ima_load_data()`): data with no file cannot be
/// appraised, so what an appraise rule covers is refused.
pub fn load_data(
    id: KernelId,
    contents: bool,
    flags: AppraiseFlags,
    facts: &impl LoadFacts,
) -> Result<(), Refusal> {
    let enforce = flags.enforce;
    match id {
        KernelId::KexecImage if facts.kexec_sig_secure_boot() => Err(Refusal(KEXEC_NO_FD)),
        KernelId::KexecImage if enforce && flags.kexec => Err(Refusal(KEXEC_NO_FD)),
        KernelId::Firmware if enforce && flags.firmware && !contents => {
            Err(Refusal(FIRMWARE_FALLBACK))
        }
        KernelId::Module if !facts.module_sig_enforced() && enforce && flags.modules => {
            Err(Refusal(MODULE_NO_FD))
        }
        _ => Ok(()),
    }
}

/// What `kernel_post_load_data` does (`ima_post_load_data()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostLoad {
    /// Nothing.
    Allow,
    /// Refuse (`-EACCES`), logging this.
    Refuse(Refusal),
    /// List the `init_module()` image as critical data `modules`, entry
    /// `init_module`, by its digest.
    MeasureModule,
}

/// `kernel_post_load_data` (`ima_post_load_data()`): firmware written
/// through the sysfs fallback is refused where firmware is appraised; an
/// `init_module()` image (`has_buffer`: a non-empty one) is measured.
/// `flags` is asked only for firmware, as upstream reads `ima_appraise`.
pub fn post_load_data(
    id: KernelId,
    has_buffer: bool,
    flags: impl FnOnce() -> AppraiseFlags,
) -> PostLoad {
    match id {
        KernelId::Firmware => {
            let flags = flags();
            if flags.firmware && flags.enforce {
                PostLoad::Refuse(Refusal(FIRMWARE_STORE))
            } else {
                PostLoad::Allow
            }
        }
        KernelId::Module if has_buffer => PostLoad::MeasureModule,
        _ => PostLoad::Allow,
    }
}

/// `kernel_module_request` (`ima_kernel_module_request()`): verifying an
/// RSA signature may ask for the RSA PKCS#1 template's module, whose
/// loading is appraised with an RSA signature again; there is no such
/// module, so the request is refused (`-EINVAL`) rather than loop. The
/// template's name is the kernel's: `crypto-pkcs1pad(rsa,` in 6.12,
/// `crypto-pkcs1(rsa,` in 7.x (`kernel`: the running kernel's line, not
/// `upstream=`).
pub fn refuses_module_request(name: &[u8], kernel: Upstream) -> bool {
    let prefix: &[u8] = match kernel {
        Upstream::V6_12 => b"crypto-pkcs1pad(rsa,",
        Upstream::V7_3 => b"crypto-pkcs1(rsa,",
    };
    name.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream's `read_idmap[]` (6.12 and 7.3), id by id.
    #[test]
    fn read_idmap_table() {
        let expect = [
            (KernelId::Unknown, Func::FileCheck),
            (KernelId::Firmware, Func::FirmwareCheck),
            (KernelId::Module, Func::ModuleCheck),
            (KernelId::KexecImage, Func::KexecKernelCheck),
            (KernelId::KexecInitramfs, Func::KexecInitramfsCheck),
            (KernelId::Policy, Func::PolicyCheck),
            (KernelId::X509Certificate, Func::FileCheck),
            (KernelId::ModuleCompressed, Func::ModuleCheck),
        ];
        assert_eq!(expect.len(), KernelId::ALL.len());
        for (id, func) in expect {
            assert_eq!(id.read_func(), func, "{id:?}");
        }
    }

    /// `ima_read_file()` measures only partial reads, and 7.3 defers the
    /// compressed module; `ima_post_read_file()` measures every buffer
    /// but the deferred one.
    #[test]
    fn read_and_post_read() {
        for id in KernelId::ALL {
            let deferred = id == KernelId::ModuleCompressed;
            assert_eq!(id.read_deferred(), deferred);
            assert_eq!(id.on_read(true), None, "{id:?}");
            assert_eq!(id.on_read(false), (!deferred).then(|| id.read_func()));
            assert_eq!(id.on_post_read(false), None);
            assert_eq!(id.on_post_read(true), (!deferred).then(|| id.read_func()));
        }
    }

    fn all_flags() -> impl Iterator<Item = AppraiseFlags> {
        (0u32..32).map(|b| AppraiseFlags {
            enforce: b & 1 != 0,
            modules: b & 2 != 0,
            firmware: b & 4 != 0,
            policy: b & 8 != 0,
            kexec: b & 16 != 0,
        })
    }

    /// Facts that count how often each is asked.
    #[derive(Clone, Debug, Default)]
    struct Facts {
        kexec_sig_secure_boot: bool,
        module_sig_enforced: bool,
        asked_kexec: core::cell::Cell<u32>,
        asked_module: core::cell::Cell<u32>,
    }

    impl LoadFacts for Facts {
        fn kexec_sig_secure_boot(&self) -> bool {
            self.asked_kexec.set(self.asked_kexec.get() + 1);
            self.kexec_sig_secure_boot
        }
        fn module_sig_enforced(&self) -> bool {
            self.asked_module.set(self.asked_module.get() + 1);
            self.module_sig_enforced
        }
    }

    fn all_facts() -> impl Iterator<Item = Facts> {
        (0u32..4).map(|b| Facts {
            kexec_sig_secure_boot: b & 1 != 0,
            module_sig_enforced: b & 2 != 0,
            ..Facts::default()
        })
    }

    /// `ima_load_data()`, written as upstream's switch, against every id,
    /// `contents`, flag and fact combination.
    #[test]
    fn load_data_matches_upstream() {
        #[expect(clippy::collapsible_match, reason = "written as upstream's switch")]
        fn upstream(
            id: KernelId,
            contents: bool,
            f: AppraiseFlags,
            k: &Facts,
        ) -> Option<&'static str> {
            match id {
                KernelId::KexecImage => {
                    if k.kexec_sig_secure_boot {
                        return Some(KEXEC_NO_FD);
                    }
                    if f.enforce && f.kexec {
                        return Some(KEXEC_NO_FD);
                    }
                }
                KernelId::Firmware => {
                    if f.enforce && f.firmware && !contents {
                        return Some(FIRMWARE_FALLBACK);
                    }
                }
                KernelId::Module => {
                    if f.enforce && (!k.module_sig_enforced && f.modules) {
                        return Some(MODULE_NO_FD);
                    }
                }
                _ => {}
            }
            None
        }
        let mut refused = 0;
        for id in KernelId::ALL {
            for contents in [false, true] {
                for f in all_flags() {
                    for k in all_facts() {
                        let got = load_data(id, contents, f, &k).err().map(|r| r.0);
                        assert_eq!(
                            got,
                            upstream(id, contents, f, &k),
                            "{id:?} {contents} {f:?} {k:?}"
                        );
                        refused += usize::from(got.is_some());
                        // Each fact is asked only for its id, as upstream
                        // calls arch_get_secureboot() and
                        // is_module_sig_enforced() in its switch case.
                        let kexec = id == KernelId::KexecImage;
                        let module = id == KernelId::Module;
                        assert_eq!(k.asked_kexec.get() > 0, kexec, "{id:?}");
                        assert_eq!(k.asked_module.get(), u32::from(module), "{id:?}");
                    }
                }
            }
        }
        assert!(refused > 0);
    }

    /// A few rows by hand, with upstream's exact messages.
    #[test]
    fn load_data_rows() {
        let enforce_all = AppraiseFlags {
            enforce: true,
            modules: true,
            firmware: true,
            policy: true,
            kexec: true,
        };
        let none = Facts::default();
        assert_eq!(
            load_data(KernelId::Module, false, enforce_all, &none),
            Err(Refusal("impossible to appraise a module without a file descriptor. sig_enforce kernel parameter might help"))
        );
        let sig = Facts {
            module_sig_enforced: true,
            ..Facts::default()
        };
        assert_eq!(
            load_data(KernelId::Module, false, enforce_all, &sig),
            Ok(())
        );
        assert_eq!(
            load_data(KernelId::Firmware, true, enforce_all, &none),
            Ok(())
        );
        assert_eq!(
            load_data(KernelId::Firmware, false, enforce_all, &none),
            Err(Refusal("Prevent firmware sysfs fallback loading."))
        );
        // Secure boot with KEXEC_SIG refuses kexec_load() whatever the policy.
        let sb = Facts {
            kexec_sig_secure_boot: true,
            ..Facts::default()
        };
        assert!(load_data(KernelId::KexecImage, false, AppraiseFlags::default(), &sb).is_err());
        // POLICY_CHECK appraisal has no load_data refusal.
        assert_eq!(
            load_data(KernelId::Policy, false, enforce_all, &none),
            Ok(())
        );
        // log/fix/off: nothing refused.
        let log = AppraiseFlags {
            enforce: false,
            ..enforce_all
        };
        for id in KernelId::ALL {
            assert_eq!(load_data(id, false, log, &none), Ok(()));
        }
    }

    /// `ima_post_load_data()`, against every id and flag combination.
    #[test]
    fn post_load_data_matches_upstream() {
        for id in KernelId::ALL {
            for has_buffer in [false, true] {
                for f in all_flags() {
                    let want = match id {
                        KernelId::Firmware if f.firmware && f.enforce => {
                            PostLoad::Refuse(Refusal("Prevent firmware loading_store."))
                        }
                        KernelId::Module if has_buffer => PostLoad::MeasureModule,
                        _ => PostLoad::Allow,
                    };
                    assert_eq!(post_load_data(id, has_buffer, || f), want, "{id:?} {f:?}");
                }
            }
        }
    }

    /// `ima_appraise_flag()`: one bit per hook that has one.
    #[test]
    fn appraise_flag_bits() {
        for func in AppraiseFlags::FUNCS {
            let mut f = AppraiseFlags::default();
            f.add_func(func);
            assert_ne!(f, AppraiseFlags::default(), "{func:?}");
        }
        let mut f = AppraiseFlags::default();
        f.add_func(Func::FileCheck);
        f.add_func(Func::BprmCheck);
        assert_eq!(f, AppraiseFlags::default());
    }

    /// `ima_kernel_module_request()` of 6.12 (strncmp, 20 bytes) and 7.3
    /// (17 bytes).
    #[test]
    fn module_request() {
        let v6 = Upstream::V6_12;
        let v7 = Upstream::V7_3;
        assert!(refuses_module_request(b"crypto-pkcs1pad(rsa,sha256)", v6));
        assert!(refuses_module_request(b"crypto-pkcs1pad(rsa,", v6));
        assert!(!refuses_module_request(b"crypto-pkcs1pad(rsa", v6));
        assert!(!refuses_module_request(b"crypto-pkcs1(rsa,sha256)", v6));
        assert!(refuses_module_request(b"crypto-pkcs1(rsa,sha256)", v7));
        assert!(!refuses_module_request(b"crypto-pkcs1pad(rsa,sha256)", v7));
        for name in [&b"crypto-sha256"[..], b"fs-overlay", b"", b"crypto-rsa"] {
            assert!(!refuses_module_request(name, v6) && !refuses_module_request(name, v7));
        }
    }
}
