// SPDX-License-Identifier: GPL-2.0
//! IMA and EVM keyrings: the host's `.ima` and `.evm`, one `.ima_ns<id>`
//! and `.evm_ns<id>` per namespace (names after `keyring_prefix=`), and signature verification against
//! them.
//!
//! Keyrings are created, searched and checked with the kernel's key and
//! asymmetric-key API, called directly; the signature header was checked
//! before, by `ima_appraise::SigHeader::parse`, and the encoding the key
//! needs is `ima_appraise::SigEncoding`'s choice. Which tasks may reach a
//! keyring by name is decided in `key_permission` (see [`may_access`]).

use crate::bindings;
use crate::compat::CStrExt;
use crate::kernel_read::{KernelReadFile, ReadId};
use core::ffi::CStr;
use core::ptr::NonNull;
use ima_appraise::{SigEncoding, SigHeader};
use kernel::error::{from_err_ptr, to_result};
use kernel::ffi::c_ulong;
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
        let keyring = alloc_keyring(&name, restrict_trusted).inspect_err(|e| {
            pr_err!("creating keyring {} failed: {}\n", &*name, e.to_errno());
        })?;
        // INVARIANT: a new keyring we hold.
        Ok(Self(keyring, display))
    }

    /// The keyring's name, for the log.
    pub(crate) fn name(&self) -> NameDisplay {
        self.1
    }

    /// Loads a DER X.509 certificate from `path` (`ima_x509=`), past any
    /// restriction, as upstream's `integrity_load_x509()`.
    pub(crate) fn load_x509(&self, path: &CStr) -> Result {
        let data = KernelReadFile::read(path, ReadId::X509Certificate)?;
        let perm = (bindings::KEY_POS_ALL & !bindings::KEY_POS_SETATTR)
            | bindings::KEY_USR_VIEW
            | bindings::KEY_USR_READ;
        // SAFETY: the keyring is valid (type invariant); the type name is
        // NUL-terminated; `data` is valid for its length.
        let key = unsafe {
            bindings::key_create_or_update(
                key_ref(self.0.as_ptr(), true),
                c"asymmetric".as_char_ptr(),
                core::ptr::null(),
                data.as_ptr(),
                data.len(),
                perm,
                (bindings::KEY_ALLOC_NOT_IN_QUOTA
                    | bindings::KEY_ALLOC_BUILT_IN
                    | bindings::KEY_ALLOC_BYPASS_RESTRICTION) as c_ulong,
            )
        };
        // INVARIANT: `key_create_or_update()` returns a reference we hold.
        let key = NonNull::new(key_ptr(from_err_ptr(key)?))
            .map(KeyRef)
            .ok_or(EINVAL)?;
        // SAFETY: the key is held; its description is set at creation, NUL
        // terminated, and lives as long as the key (inside `index_key`, an
        // anonymous union: a kernel that moves it fails to build here).
        let desc = unsafe {
            CStr::from_char_ptr(
                (*key.0.as_ptr())
                    .__bindgen_anon_3
                    .__bindgen_anon_1
                    .description
                    .cast(),
            )
        };
        pr_notice!(
            "Loaded X.509 cert '{}': {}\n",
            desc.to_str().unwrap_or("?"),
            path.to_str().unwrap_or("?")
        );
        Ok(())
    }

    /// Verifies `sig` (a whole signature value) over `digest` with the key
    /// its keyid names, as upstream's `asymmetric_verify()` after its header
    /// checks. `Err(ENOKEY)`: no such key here.
    pub(crate) fn verify(&self, sig: &SigHeader<'_>, digest: &[u8]) -> Result {
        let key = self.find_asymmetric(sig.keyid)?;
        let mut algo = [0u8; 24];
        let n = sig.hash_algo.name().len().min(algo.len() - 1);
        algo[..n].copy_from_slice(&sig.hash_algo.name().as_bytes()[..n]);
        // SAFETY: a zeroed `public_key_signature` is its `= {}` initializer.
        let mut pks: bindings::public_key_signature = unsafe { core::mem::zeroed() };
        // SAFETY: `key` is an asymmetric key we hold (`find_asymmetric`);
        // its `struct public_key`, and the algorithm name it points to,
        // live as long as the key.
        let pkey_algo = unsafe {
            let pk = bindings::ima_ns_key_public_key(key.0.as_ptr());
            if pk.is_null() || (*pk).pkey_algo.is_null() {
                return Err(errno(bindings::ENOKEY));
            }
            pks.pkey_algo = (*pk).pkey_algo;
            CStr::from_char_ptr((*pk).pkey_algo)
        };
        let encoding =
            SigEncoding::for_key(pkey_algo.to_bytes()).ok_or_else(|| errno(bindings::ENOPKG))?;
        pks.encoding = encoding.name().as_char_ptr();
        pks.hash_algo = algo.as_ptr().cast();
        crate::compat::set_signed_digest(&mut pks, digest)?;
        pks.s = sig.sig.as_ptr().cast_mut();
        pks.s_size = u32::try_from(sig.sig.len()).map_err(|_| EINVAL)?;
        // SAFETY: `key` is held; `pks` points at `algo`, `sig` and `digest`,
        // which outlive the call; the kernel only reads them.
        to_result(unsafe { bindings::verify_signature(key.0.as_ptr(), &pks) })
    }

    /// The asymmetric key named `id:<keyid>` in this keyring, as
    /// `request_asymmetric_key()` finds it (the low 32 bits of its id).
    fn find_asymmetric(&self, keyid: u32) -> Result<KeyRef> {
        let name = CString::try_from_fmt(format_args!("id:{keyid:08x}"))?;
        // SAFETY: the keyring is valid (type invariant); the key type is a
        // static of the kernel; `name` is NUL-terminated.
        let kref = unsafe {
            bindings::keyring_search(
                key_ref(self.0.as_ptr(), true),
                core::ptr::addr_of_mut!(bindings::key_type_asymmetric),
                name.as_char_ptr(),
                true,
            )
        };
        match from_err_ptr(kref) {
            // INVARIANT: `keyring_search()` returns a key reference we hold.
            Ok(k) => NonNull::new(key_ptr(k))
                .map(KeyRef)
                .ok_or_else(|| errno(bindings::ENOKEY)),
            // As request_asymmetric_key(): these searches just found nothing.
            Err(e) if e == EACCES || e == ENOTDIR || e == EAGAIN => Err(errno(bindings::ENOKEY)),
            Err(e) => Err(e),
        }
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // SAFETY: we hold a reference (type invariant). Invalidated first,
        // so the name is free at once for a later namespace (or load).
        unsafe {
            bindings::key_invalidate(self.0.as_ptr());
            bindings::key_put(self.0.as_ptr());
        }
    }
}

/// A key we hold one reference on, put when dropped.
///
/// # Invariants
///
/// `0` is a key on which we hold one reference.
struct KeyRef(NonNull<bindings::key>);

impl Drop for KeyRef {
    fn drop(&mut self) {
        // SAFETY: we hold a reference (type invariant).
        unsafe { bindings::key_put(self.0.as_ptr()) };
    }
}

/// Copies the plain text of the encrypted key `evm-key` the current task
/// reaches into `buf`: its length. `ENOENT` without one, `EINVAL` if it
/// is larger than `buf`.
pub(crate) fn load_evm_key(buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `buf` has room for `buf.len()` bytes.
    let len = unsafe { bindings::ima_ns_evm_load_key(buf.as_mut_ptr(), buf.len()) };
    // A negative errno, or a length up to `buf.len()`.
    usize::try_from(len).map_err(|_| Error::from_errno(len))
}

/// `EKEYREJECTED`, which 6.12's `kernel` crate has no constant for.
pub(crate) fn key_rejected() -> Error {
    errno(bindings::EKEYREJECTED)
}

/// Whether `e` is [`Keyring::verify`]'s "no such key here" (`ENOKEY`,
/// which 6.12's `kernel` crate has no constant for).
pub(crate) fn is_no_key(e: Error) -> bool {
    e == errno(bindings::ENOKEY)
}

/// The error for errno `e`, one the `kernel` crate has no constant for.
fn errno(e: u32) -> Error {
    Error::from_errno(-(e as i32))
}

/// `make_key_ref()`: a key reference, bit 0 set if the key is possessed.
// `map_addr` is stable since 1.84; the module builds with rustc 1.96
// (`qemu/install-deps.sh`), above both kernels' minimum.
#[allow(clippy::incompatible_msrv)]
fn key_ref(key: *mut bindings::key, possessed: bool) -> bindings::key_ref_t {
    key.map_addr(|a| a | usize::from(possessed)).cast()
}

/// `key_ref_to_ptr()`: the key a reference names.
#[allow(clippy::incompatible_msrv)]
fn key_ptr(r: bindings::key_ref_t) -> *mut bindings::key {
    r.map_addr(|a| a & !1).cast()
}

/// A new keyring named `name`, as `integrity_init_keyring()` makes it:
/// root may add keys (a restricted keyring checks each key instead of
/// refusing the write); with `restrict_trusted`, only keys the builtin or
/// secondary trusted keys vouch for.
fn alloc_keyring(name: &CString, restrict_trusted: bool) -> Result<NonNull<bindings::key>> {
    let perm = (bindings::KEY_POS_ALL & !bindings::KEY_POS_SETATTR)
        | bindings::KEY_USR_VIEW
        | bindings::KEY_USR_READ
        | bindings::KEY_USR_SEARCH
        | bindings::KEY_USR_WRITE;
    let root_uid = bindings::kuid_t { val: 0 };
    let root_gid = bindings::kgid_t { val: 0 };
    // SAFETY: `name` is NUL-terminated; `current_cred()` is valid for the
    // call; no restriction or destination keyring.
    let keyring = unsafe {
        bindings::keyring_alloc(
            name.as_char_ptr(),
            root_uid,
            root_gid,
            bindings::ima_ns_current_cred(),
            perm,
            (bindings::KEY_ALLOC_NOT_IN_QUOTA | bindings::KEY_ALLOC_SET_KEEP) as c_ulong,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    };
    let keyring = NonNull::new(from_err_ptr(keyring)?).ok_or(ENOMEM)?;
    if restrict_trusted {
        // SAFETY: we hold the new keyring; the strings are NUL-terminated.
        let ret = unsafe {
            bindings::keyring_restrict(
                key_ref(keyring.as_ptr(), true),
                c"asymmetric".as_char_ptr(),
                c"builtin_and_secondary_trusted".as_char_ptr().cast_mut(),
            )
        };
        if let Err(e) = to_result(ret) {
            // SAFETY: the only reference, ours.
            unsafe { bindings::key_put(keyring.as_ptr()) };
            return Err(e);
        }
    }
    Ok(keyring)
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
    crate::params::get().keyring_restrict
}

/// `ima_x509=`: a certificate for the host keyring, if given.
pub(crate) fn x509_param() -> Option<&'static core::ffi::CStr> {
    crate::params::get().x509
}
