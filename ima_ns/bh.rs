// SPDX-License-Identifier: GPL-2.0
//! A spinlock that is also taken from softirq context.
//!
//! `task_free` runs from an RCU callback, in softirq, so every process
//! context acquisition of a lock it takes must keep softirqs off on that
//! CPU; otherwise the callback could interrupt the holder and spin forever.

use crate::bindings;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use kernel::prelude::*;
use kernel::sync::lock::{spinlock::SpinLockBackend, Guard};
use kernel::sync::SpinLock;

/// Softirqs are disabled on this CPU while this value lives.
///
/// # Invariants
///
/// Created by `local_bh_disable()`, dropped by `local_bh_enable()` on the
/// same CPU: it cannot be sent to another thread.
struct BhDisabled(PhantomData<*mut ()>);

impl BhDisabled {
    fn new() -> Self {
        // SAFETY: no preconditions; balanced in `drop`.
        unsafe { bindings::ima_ns_bh_disable() };
        Self(PhantomData)
    }
}

impl Drop for BhDisabled {
    fn drop(&mut self) {
        // SAFETY: balances the disable in `new` (type invariant).
        unsafe { bindings::ima_ns_bh_enable() };
    }
}

/// A [`SpinLock`] whose every acquisition disables softirqs first.
#[pin_data]
pub(crate) struct BhSpinLock<T> {
    #[pin]
    lock: SpinLock<T>,
}

/// Holds the lock; releases it, then re-enables softirqs, when dropped
/// (fields drop in declaration order).
pub(crate) struct BhGuard<'a, T> {
    guard: Guard<'a, T, SpinLockBackend>,
    _bh: BhDisabled,
}

impl<T> BhSpinLock<T> {
    pub(crate) fn new(
        value: T,
        name: &'static kernel::str::CStr,
        key: crate::compat::LockKey,
    ) -> impl PinInit<Self> {
        pin_init!(Self { lock <- SpinLock::new(value, name, key) })
    }

    pub(crate) fn lock(&self) -> BhGuard<'_, T> {
        let bh = BhDisabled::new();
        BhGuard {
            guard: self.lock.lock(),
            _bh: bh,
        }
    }
}

impl<T> Deref for BhGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: Unpin> DerefMut for BhGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}
