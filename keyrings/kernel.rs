// SPDX-License-Identifier: GPL-2.0
//! IMA and EVM keyrings: the host's `.ima` and `.evm`, one `.ima_ns<id>`
//! and `.evm_ns<id>` per namespace (names after `keyring_prefix=`), and signature verification against
//! them.
//!
//! The keyring lookup and `verify_signature()` are the kernel's
//! asymmetric-key API (glue.c); the signature header was checked before,
//! by `ima_appraise::SigHeader::parse`. Which tasks may reach a keyring by
//! name is decided in `key_permission` (see [`may_access`]).

use crate::bindings;
use ima_appraise::SigHeader;
use kernel::prelude::*;
use kernel::str::CString;

/// Whose signatures a keyring's keys check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// `security.ima` (`.ima`, upstream's `INTEGRITY_KEYRING_IMA`).
    Ima,
    /// `security.evm` (`.evm`, `INTEGRITY_KEYRING_EVM`).
    Evm,
}

impl Purpose {
    const fn coexist(self) -> ima_coexist::KeyringPurpose {
        match self {
            Self::Ima => ima_coexist::KeyringPurpose::Ima,
            Self::Evm => ima_coexist::KeyringPurpose::Evm,
        }
    }
}

/// A keyring the module created.
///
/// # Invariants
///
/// `0` is a keyring from `ima_ns_keyring_alloc()` on which we hold one
/// reference; `1` names it (its purpose and namespace id).
pub(crate) struct Keyring(core::ptr::NonNull<bindings::key>, NameDisplay);

// SAFETY: a `struct key` is reference counted and internally locked; the
// pointer may be used and put from any thread.
unsafe impl Send for Keyring {}
// SAFETY: as above; `&Keyring` only searches the keyring.
unsafe impl Sync for Keyring {}

impl Keyring {
    /// Creates namespace `id`'s keyring for `purpose`; with
    /// `restrict_trusted`, it takes only keys vouched for by the builtin
    /// or secondary trusted keys.
    pub(crate) fn new(purpose: Purpose, id: u64, restrict_trusted: bool) -> Result<Self> {
        let display = NameDisplay(purpose, id);
        let name = CString::try_from_fmt(format_args!("{display}"))?;
        let mut err = 0;
        // SAFETY: `name` is NUL-terminated; `err` is a valid out-pointer.
        let k = unsafe {
            bindings::ima_ns_keyring_alloc(name.as_ptr().cast(), restrict_trusted, &mut err)
        };
        // INVARIANT: a non-NULL result is a new keyring we hold.
        core::ptr::NonNull::new(k)
            .map(|k| Self(k, display))
            .ok_or_else(|| {
                pr_err!("creating keyring {} failed: {}\n", &*name, err);
                Error::from_errno(err)
            })
    }

    /// The keyring's name, for the log.
    pub(crate) fn name(&self) -> NameDisplay {
        self.1
    }

    /// Loads a DER X.509 certificate from `path` (`ima_x509=`), past any
    /// restriction, as upstream's `integrity_load_x509()`.
    pub(crate) fn load_x509(&self, path: &core::ffi::CStr) -> Result {
        // SAFETY: the keyring is valid (type invariant); `path` is
        // NUL-terminated.
        let ret =
            unsafe { bindings::ima_ns_keyring_load_x509(self.0.as_ptr(), path.as_ptr().cast()) };
        kernel::error::to_result(ret)
    }

    /// Verifies `sig` (a whole signature value) over `digest` with the key
    /// its keyid names. `Err(ENOKEY)`: no such key here.
    pub(crate) fn verify(&self, sig: &SigHeader<'_>, digest: &[u8]) -> Result {
        let mut algo = [0u8; 24];
        let n = sig.hash_algo.name().len().min(algo.len() - 1);
        algo[..n].copy_from_slice(&sig.hash_algo.name().as_bytes()[..n]);
        let sig_len = u32::try_from(sig.sig.len()).map_err(|_| EINVAL)?;
        let digest_len = u32::try_from(digest.len()).map_err(|_| EINVAL)?;
        // SAFETY: the keyring is valid (type invariant); `algo` is
        // NUL-terminated; the slices are valid for their lengths.
        let ret = unsafe {
            bindings::ima_ns_verify_signature(
                self.0.as_ptr(),
                sig.keyid,
                algo.as_ptr().cast(),
                sig.sig.as_ptr(),
                sig_len,
                digest.as_ptr(),
                digest_len,
            )
        };
        kernel::error::to_result(ret)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // SAFETY: we hold a reference (type invariant).
        unsafe { bindings::ima_ns_keyring_put(self.0.as_ptr()) };
    }
}

/// `key_permission` for a reference by name (not possessed) to namespace
/// `owner`'s keyring: only tasks in that namespace, or the task holding it
/// for its children while it is not yet active, may reach it. The host
/// and siblings never see a namespace's keys, and a namespace cannot add
/// keys to its parent's.
pub(crate) fn may_access(current: u64, for_children: Option<(u64, bool)>, owner: u64) -> bool {
    current == owner || for_children.is_some_and(|(id, active)| id == owner && !active)
}

/// Displays a keyring's name (`.ima`, `.ima_ns<id>`, `.evm`, ...; with
/// `keyring_prefix=` beside built-in IMA `.ima_ns.ima`, ...).
#[derive(Clone, Copy)]
pub(crate) struct NameDisplay(Purpose, u64);

impl core::fmt::Display for NameDisplay {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let name = ima_coexist::KeyringName {
            prefix: crate::coexist::get().keyring_prefix(),
            purpose: self.0.coexist(),
            id: self.1,
        };
        core::fmt::Display::fmt(&name, f)
    }
}

/// The namespace whose keyring is named `name`, if it is one of ours.
pub(crate) fn owner(name: &[u8]) -> Option<u64> {
    ima_coexist::keyring_owner(crate::coexist::get().keyring_prefix(), name)
}

/// `keyring_restrict=`: the host keyring takes only keys the builtin or
/// secondary trusted keys vouch for (`CONFIG_INTEGRITY_TRUSTED_KEYRING`).
pub(crate) fn restrict_host() -> bool {
    // SAFETY: module parameters are written only while loading.
    unsafe { *core::ptr::addr_of!(bindings::ima_ns_param_keyring_restrict) }
}

/// `ima_x509=`: a certificate for the host keyring, if given.
pub(crate) fn x509_param() -> Option<&'static core::ffi::CStr> {
    // SAFETY: module parameters are written only while loading.
    let p = unsafe { &*core::ptr::addr_of!(bindings::ima_ns_param_x509) };
    core::ffi::CStr::from_bytes_until_nul(p)
        .ok()
        .filter(|s| !s.is_empty())
}
