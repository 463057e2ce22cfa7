// SPDX-License-Identifier: GPL-2.0
//! Credentials (`struct cred`, `include/linux/cred.h`): on 7.x the `kernel`
//! crate's own `kernel::cred::Credential`; on 6.12, whose `kernel` crate
//! has no `cred.rs`, a shim with the subset the module uses (`from_ptr`,
//! `as_ptr`). What IMA's rules read from a credential is [`CredentialExt`],
//! written once for both.

use crate::bindings;

#[cfg(kernel_7)]
pub(crate) use kernel::cred::Credential;
#[cfg(not(kernel_7))]
pub(crate) use shim::Credential;

#[cfg(not(kernel_7))]
mod shim {
    use crate::bindings;
    use kernel::types::Opaque;

    /// Wraps the kernel's `struct cred`, as 7.x's `kernel::cred::Credential`.
    ///
    /// # Invariants
    ///
    /// An instance is only reached through [`Credential::from_ptr`], whose
    /// caller keeps the `struct cred` alive for the reference's lifetime.
    /// The fields read through it never change after the cred is
    /// committed (`Documentation/security/credentials.rst`).
    #[repr(transparent)]
    pub(crate) struct Credential(Opaque<bindings::cred>);

    impl Credential {
        /// A reference to the credential at `ptr`.
        ///
        /// # Safety
        ///
        /// `ptr` is valid and stays valid for `'a`.
        pub(crate) unsafe fn from_ptr<'a>(ptr: *const bindings::cred) -> &'a Credential {
            // SAFETY: valid for `'a`, as the caller promises; `Credential`
            // is `repr(transparent)` over `struct cred`.
            // INVARIANT: the caller keeps the cred alive for `'a`.
            unsafe { &*ptr.cast() }
        }

        /// The raw `struct cred`.
        pub(crate) fn as_ptr(&self) -> *const bindings::cred {
            self.0.get()
        }
    }
}

/// The ids and capabilities rules test (`uid=`, `euid=`, `gid=`, ...), in
/// the initial user namespace's view, as upstream's `ima_match_rules()`.
#[derive(Clone, Copy, Default)]
pub(crate) struct SubjectIds {
    pub(crate) uid: u32,
    pub(crate) euid: u32,
    pub(crate) suid: u32,
    pub(crate) gid: u32,
    pub(crate) egid: u32,
    pub(crate) sgid: u32,
    /// Current's `CAP_SETUID` (read only when asked for).
    pub(crate) cap_setuid: bool,
    /// Current's `CAP_SETGID` (read only when asked for).
    pub(crate) cap_setgid: bool,
}

impl From<bindings::ima_ns_subject> for SubjectIds {
    fn from(s: bindings::ima_ns_subject) -> Self {
        Self {
            uid: s.uid,
            euid: s.euid,
            suid: s.suid,
            gid: s.gid,
            egid: s.egid,
            sgid: s.sgid,
            cap_setuid: s.cap_setuid,
            cap_setgid: s.cap_setgid,
        }
    }
}

/// What IMA reads from a credential beyond the `kernel` crate's accessors.
pub(crate) trait CredentialExt {
    /// `Credential::from_ptr` for a pointer of the module's own bindings
    /// (glue.c's hooks), a type distinct from `kernel::bindings::cred`;
    /// `None` for NULL.
    ///
    /// # Safety
    ///
    /// `ptr` is NULL, or valid and stays valid for `'a`.
    unsafe fn from_glue<'a>(ptr: *const bindings::cred) -> Option<&'a Self>;

    /// The ids rules test; current's `CAP_SETUID`/`CAP_SETGID` too if
    /// `want_caps` (upstream tests current's capabilities whatever cred
    /// the hook passes).
    fn subject_ids(&self, want_caps: bool) -> SubjectIds;
}

impl CredentialExt for Credential {
    unsafe fn from_glue<'a>(ptr: *const bindings::cred) -> Option<&'a Self> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: not NULL, so valid for `'a` (the caller's promise); both
        // bindings describe the same C `struct cred`.
        Some(unsafe { Credential::from_ptr(ptr.cast()) })
    }

    fn subject_ids(&self, want_caps: bool) -> SubjectIds {
        let mut out = bindings::ima_ns_subject::default();
        // SAFETY: `self` is a live cred (type invariant); `out` is a valid,
        // writable struct.
        unsafe { bindings::ima_ns_cred_subject(self.as_ptr().cast(), want_caps, &mut out) };
        out.into()
    }
}

/// Calls `f` with current's credentials (`current_cred()`).
pub(crate) fn with_current<R>(f: impl FnOnce(&Credential) -> R) -> R {
    // SAFETY: `current_cred()` is never NULL, and current holds a reference
    // to it until it commits new credentials, which it cannot do while `f`
    // borrows this one (the module never commits credentials).
    let cred = unsafe { Credential::from_ptr(bindings::ima_ns_current_cred().cast()) };
    f(cred)
}
