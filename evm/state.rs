// SPDX-License-Identifier: GPL-2.0
//! EVM's state (state tier): the machine-wide part (the HMAC key, the
//! protected xattrs) and each namespace's bits and keyring. The
//! operations on it are `evm/kernel.rs`'s.

use crate::crypto::Shash;
use crate::keyrings::Keyring;
use core::sync::atomic::{AtomicBool, AtomicU32};
use ima_evm::DEFAULT_XATTRS;
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};

/// A namespace's EVM setting.
pub(crate) struct NsEvm {
    /// Its own `evm_initialized` bits (the host's HMAC bit counts for
    /// every namespace: see `evm::flags`).
    pub(crate) flags: AtomicU32,
    /// The keys its EVM signatures are checked with.
    pub(crate) keyring: Keyring,
}

impl NsEvm {
    pub(crate) fn new(keyring: Keyring) -> Self {
        Self {
            flags: AtomicU32::new(0),
            keyring,
        }
    }
}

/// EVM state shared by all namespaces.
#[pin_data]
pub(crate) struct Evm {
    /// `hmac(sha1)` keyed with `evm-key`, once the host loads it.
    #[pin]
    pub(crate) hmac: Mutex<Option<Arc<Shash>>>,
    /// The protected xattrs, NUL-terminated, with whether each is
    /// enabled, in the order of the HMAC input. Only grows.
    #[pin]
    pub(crate) xattrs: Mutex<KVec<(KVec<u8>, bool)>>,
    /// `evm_xattrs` took `.`: no more additions.
    pub(crate) xattrs_locked: AtomicBool,
    /// Serialises writes of the `evm` files.
    #[pin]
    pub(crate) writes: Mutex<()>,
}

impl Evm {
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let mut list = KVec::new();
        for (name, enabler) in DEFAULT_XATTRS {
            let enabled = crate::coexist::enabler_built_in(enabler);
            list.push((c_name(name.as_bytes())?, enabled), GFP_KERNEL)?;
        }
        Ok(try_pin_init!(Self {
            hmac <- new_mutex!(None, "ima_ns_evm_hmac"),
            xattrs <- new_mutex!(list, "ima_ns_evm_xattrs"),
            xattrs_locked: AtomicBool::new(false),
            writes <- new_mutex!((), "ima_ns_evm_writes"),
        }? Error))
    }

    pub(crate) fn hmac(&self) -> Option<Arc<Shash>> {
        self.hmac.lock().clone()
    }
}

/// `name` with a NUL appended.
pub(crate) fn c_name(name: &[u8]) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(name.len() + 1, GFP_KERNEL)?;
    v.extend_from_slice(name, GFP_KERNEL)?;
    v.push(0, GFP_KERNEL)?;
    Ok(v)
}
