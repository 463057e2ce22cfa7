// SPDX-License-Identifier: GPL-2.0
//! A wait queue whose sleepers wait for a condition, with a timeout, and
//! that `poll()` can wait on: the kernel crate's `CondVar` (6.12) offers
//! neither a killable timed wait nor a `poll_wait()` hook.
//!
//! Conditions are closures that must not sleep (they run with the task
//! state already set); callers keep what they test in atomics.

use crate::bindings;
use core::ffi::c_void;
use kernel::ffi::c_long;
use kernel::prelude::*;
use kernel::types::Opaque;

/// How a wait ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Woken {
    /// The condition holds.
    Done,
    TimedOut,
    /// A signal (interruptible waits) or a fatal one (killable waits).
    Signal,
}

/// # Invariants
///
/// `wq` is initialised by `init_waitqueue_head()` in [`WaitQueue::new`]
/// and pinned from then on.
#[pin_data]
pub(crate) struct WaitQueue {
    #[pin]
    wq: Opaque<bindings::wait_queue_head>,
}

// SAFETY: a wait_queue_head has its own lock; any thread may use it.
unsafe impl Send for WaitQueue {}
// SAFETY: as above, for shared use.
unsafe impl Sync for WaitQueue {}

/// The C side's `done(ctx)`: calls the closure `ctx` points to.
///
/// # Safety
///
/// `ctx` points to a live `F` (the closure [`WaitQueue::wait`] passes).
unsafe extern "C" fn call_done<F: Fn() -> bool>(ctx: *const c_void) -> bool {
    // SAFETY: `wait` passes a pointer to its `F`, live for the wait.
    unsafe { (*ctx.cast::<F>())() }
}

impl WaitQueue {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid, pinned memory for the head.
            wq <- Opaque::ffi_init(|slot| unsafe { bindings::ima_ns_waitq_init(slot) }),
        })
    }

    pub(crate) fn wake_all(&self) {
        // SAFETY: initialised (type invariant).
        unsafe { bindings::ima_ns_waitq_wake_all(self.wq.get()) };
    }

    /// Sleeps until `done()`, at most `timeout_ms` (`None`: no limit).
    /// Interruptible by any signal, or else only by a fatal one.
    pub(crate) fn wait<F: Fn() -> bool>(
        &self,
        done: F,
        timeout_ms: Option<u32>,
        interruptible: bool,
    ) -> Woken {
        let timeout = match timeout_ms {
            // SAFETY: no preconditions.
            Some(ms) => (unsafe { bindings::ima_ns_msecs_to_jiffies(ms) }) as i64,
            None => i64::MAX, // MAX_SCHEDULE_TIMEOUT
        };
        // SAFETY: initialised (type invariant); `done` outlives the call
        // and `call_done::<F>` reads it as an `F`.
        let r = unsafe {
            bindings::ima_ns_waitq_wait(
                self.wq.get(),
                Some(call_done::<F>),
                core::ptr::from_ref(&done).cast(),
                timeout as c_long,
                interruptible,
            )
        };
        match r {
            r if r > 0 => Woken::Done,
            0 => Woken::TimedOut,
            _ => Woken::Signal,
        }
    }

    /// `poll_wait()` on this queue for `file`.
    ///
    /// # Safety
    ///
    /// `file` and `pt` must be the arguments of a `poll` file operation, and
    /// the queue must outlive the file's open (poll entries are removed
    /// when the poller is done, at the latest at release).
    pub(crate) unsafe fn poll_wait(
        &self,
        file: *mut bindings::file,
        pt: *mut bindings::poll_table_struct,
    ) {
        // SAFETY: by the function's safety requirements.
        unsafe { bindings::ima_ns_poll_wait(file, self.wq.get(), pt) };
    }
}
