// SPDX-License-Identifier: GPL-2.0
//! The external-model channel of one namespace: event records queued for
//! its agent (`namespaces/<id>/events`), verdicts coming back
//! (`namespaces/<id>/verdicts`), and the hooks that wait for them.
//!
//! One mutex guards the queue and the list of waiting events; one wait
//! queue wakes readers, pollers and waiting hooks alike (few sleepers, so
//! waking them all is cheaper than telling them apart). What sleepers test
//! is mirrored in atomics, as wait conditions must not sleep.
//!
//! Nothing is lost silently: in observe mode a full queue drops the event,
//! counts it and tells the agent with an `ima-ns-lost` line; in enforce
//! mode the event waits for room, and on timeout gets the fail mode.

use crate::compat::Disp;
use crate::waitq::{WaitQueue, Woken};
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use ima_model::{FailMode, Lost, Mode, ModelConfig};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};
use kernel::uaccess::UserSliceWriter;

/// A record waiting to be read.
struct Queued {
    text: KVec<u8>,
    /// Events dropped right after this one (observe mode, queue full).
    lost_after: Option<Lost>,
}

/// An enforce-mode event waiting for its verdict.
struct Pending {
    seq: u64,
    state: AtomicU8,
}

const WAITING: u8 = 0;
const ALLOWED: u8 = 1;
const DENIED: u8 = 2;
/// The agent went away before answering.
const ABANDONED: u8 = 3;

struct Inner {
    /// A ring of `cap` slots; `len` records from `head`. Up to 65536
    /// slots: kvmalloc'ed.
    slots: KVVec<Option<Queued>>,
    head: usize,
    len: usize,
    next_seq: u64,
    /// Enforce-mode events waiting for a verdict; freed slots are `None`
    /// and reused (a few entries: one per waiting task).
    waiting: KVec<Option<Arc<Pending>>>,
}

impl Inner {
    fn cap(&self) -> usize {
        self.slots.len()
    }

    fn push(&mut self, q: Queued) {
        let i = (self.head + self.len) % self.cap();
        self.slots[i] = Some(q);
        self.len += 1;
    }

    fn front(&self) -> Option<&Queued> {
        (self.len > 0)
            .then(|| self.slots[self.head].as_ref())
            .flatten()
    }

    fn pop(&mut self) {
        self.slots[self.head] = None;
        self.head = (self.head + 1) % self.cap();
        self.len -= 1;
    }

    fn add_waiter(&mut self, p: Arc<Pending>) -> Result {
        match self.waiting.iter_mut().find(|w| w.is_none()) {
            Some(slot) => *slot = Some(p),
            None => self.waiting.push(Some(p), GFP_KERNEL)?,
        }
        Ok(())
    }

    fn take_waiter(&mut self, pred: impl Fn(&Pending) -> bool) -> Option<Arc<Pending>> {
        self.waiting
            .iter_mut()
            .find(|w| w.as_deref().is_some_and(&pred))?
            .take()
    }

    /// A sequence number that will never be delivered.
    fn lose(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let last = (self.head + self.len + self.cap() - 1) % self.cap();
        if let Some(q) = self.slots[last].as_mut().filter(|_| self.len > 0) {
            match &mut q.lost_after {
                Some(l) => l.count += 1,
                None => {
                    q.lost_after = Some(Lost {
                        first: seq,
                        count: 1,
                    })
                }
            }
        }
        seq
    }
}

/// What the hook does with the event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Verdict {
    Allow,
    Deny,
}

/// Counters shown in `namespaces/<id>/model`.
#[derive(Default)]
struct Stats {
    delivered: AtomicU64,
    lost: AtomicU64,
    allowed: AtomicU64,
    denied: AtomicU64,
    /// Fail mode applied: no agent connected, timeout, agent gone.
    no_agent: AtomicU64,
    timeouts: AtomicU64,
    abandoned: AtomicU64,
    /// Verdicts for events no longer waiting (or never asked).
    late: AtomicU64,
}

#[pin_data]
pub(crate) struct Channel {
    #[pin]
    inner: Mutex<Inner>,
    #[pin]
    wq: WaitQueue,
    /// Records queued (mirror of `inner.len`, for wait conditions).
    queued: AtomicUsize,
    /// Free slots exist (mirror, for hooks waiting for room).
    room: AtomicBool,
    /// An agent has `events` open.
    agent: AtomicBool,
    /// The namespace ended: readers get end-of-file once drained.
    closed: AtomicBool,
    /// "No agent" was logged since the last connect.
    warned: AtomicBool,
    stats: Stats,
}

impl Channel {
    pub(crate) fn new() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            inner <- new_mutex!(Inner {
                slots: KVVec::new(),
                head: 0,
                len: 0,
                next_seq: 1,
                waiting: KVec::new(),
            }, "ima_ns_model"),
            wq <- WaitQueue::new(),
            queued: AtomicUsize::new(0),
            room: AtomicBool::new(true),
            agent: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            warned: AtomicBool::new(false),
            stats: Stats::default(),
        }? Error)
    }

    /// Reports an event of a namespace in external mode `config`: queues
    /// the record `format(seq, reply)` returns and, in enforce mode
    /// and if the hook `may_wait`, waits for the verdict.
    pub(crate) fn submit(
        &self,
        config: &ModelConfig,
        ns_id: u64,
        may_wait: bool,
        format: impl Fn(u64, bool) -> Result<KVec<u8>>,
    ) -> Result<Verdict> {
        let Mode::External {
            enforce,
            fail,
            timeout_ms,
            queue,
        } = config.mode
        else {
            return Ok(Verdict::Allow);
        };
        let enforce = enforce && may_wait;
        let failed = match fail {
            FailMode::Deny => Verdict::Deny,
            FailMode::Allow => Verdict::Allow,
        };
        let start = crate::compat::Instant::now();
        let pending = loop {
            let mut inner = self.inner.lock();
            let reply = enforce && self.agent.load(Ordering::Acquire);
            if inner.slots.is_empty() {
                let mut slots = KVVec::with_capacity(queue as usize, GFP_KERNEL)?;
                for _ in 0..queue {
                    slots.push(None, GFP_KERNEL)?;
                }
                inner.slots = slots;
            }
            if inner.len < inner.cap() {
                let seq = inner.next_seq;
                let text = format(seq, reply)?;
                let pending = if reply {
                    let p = Arc::new(
                        Pending {
                            seq,
                            state: AtomicU8::new(WAITING),
                        },
                        GFP_KERNEL,
                    )?;
                    inner.add_waiter(p.clone())?;
                    Some(p)
                } else {
                    None
                };
                inner.next_seq += 1;
                inner.push(Queued {
                    text,
                    lost_after: None,
                });
                self.queued.store(inner.len, Ordering::Release);
                self.room.store(inner.len < inner.cap(), Ordering::Release);
                break pending;
            }
            // Full. Observe: drop it, visibly. Enforce: wait for room.
            let elapsed = start.elapsed_ms();
            let left = i64::from(timeout_ms) - elapsed;
            if !reply || left <= 0 {
                let seq = inner.lose();
                drop(inner);
                self.stats.lost.fetch_add(1, Ordering::Relaxed);
                self.wq.wake_all();
                if !enforce {
                    return Ok(Verdict::Allow);
                }
                if !reply {
                    return Ok(self.no_agent(ns_id, fail, failed));
                }
                self.stats.timeouts.fetch_add(1, Ordering::Relaxed);
                pr_warn!(
                    "namespace {}: event {} dropped, queue full for {} ms: fail mode {}\n",
                    ns_id,
                    seq,
                    timeout_ms,
                    Disp(fail)
                );
                return Ok(failed);
            }
            self.room.store(false, Ordering::Release);
            drop(inner);
            let woken = self.wq.wait(
                || self.room.load(Ordering::Acquire) || !self.agent.load(Ordering::Acquire),
                Some(left as u32),
                false,
            );
            if woken == Woken::Signal {
                return Ok(failed);
            }
        };
        self.wq.wake_all();
        let Some(pending) = pending else {
            if enforce {
                return Ok(self.no_agent(ns_id, fail, failed));
            }
            return Ok(Verdict::Allow);
        };
        let elapsed = start.elapsed_ms();
        let left = (i64::from(timeout_ms) - elapsed).max(1) as u32;
        let woken = self.wq.wait(
            || pending.state.load(Ordering::Acquire) != WAITING,
            Some(left),
            false,
        );
        // Leave the waiting list; a verdict that came in meanwhile counts.
        drop(
            self.inner
                .lock()
                .take_waiter(|p| core::ptr::eq(p, &*pending)),
        );
        Ok(match pending.state.load(Ordering::Acquire) {
            ALLOWED => {
                self.stats.allowed.fetch_add(1, Ordering::Relaxed);
                Verdict::Allow
            }
            DENIED => {
                self.stats.denied.fetch_add(1, Ordering::Relaxed);
                pr_info!("namespace {}: agent denied event {}\n", ns_id, pending.seq);
                Verdict::Deny
            }
            ABANDONED => {
                self.stats.abandoned.fetch_add(1, Ordering::Relaxed);
                pr_warn!(
                    "namespace {}: agent gone before answering event {}: fail mode {}\n",
                    ns_id,
                    pending.seq,
                    Disp(fail)
                );
                failed
            }
            _ => {
                self.stats.timeouts.fetch_add(1, Ordering::Relaxed);
                let killed = if woken == Woken::Signal {
                    " (killed)"
                } else {
                    ""
                };
                pr_warn!(
                    "namespace {}: no verdict for event {} in {} ms{}: fail mode {}\n",
                    ns_id,
                    pending.seq,
                    timeout_ms,
                    killed,
                    Disp(fail)
                );
                failed
            }
        })
    }

    /// An enforce-mode event with no agent connected: counted, and logged
    /// once until an agent connects.
    fn no_agent(&self, ns_id: u64, fail: FailMode, failed: Verdict) -> Verdict {
        self.stats.no_agent.fetch_add(1, Ordering::Relaxed);
        if !self.warned.swap(true, Ordering::Relaxed) {
            pr_warn!(
                "namespace {}: enforcing with no agent connected: fail mode {} until one reads events\n",
                ns_id,
                Disp(fail)
            );
        }
        failed
    }

    /// An agent opens `events`: one at a time.
    pub(crate) fn connect(&self) -> Result {
        if self.agent.swap(true, Ordering::AcqRel) {
            return Err(EBUSY);
        }
        self.warned.store(false, Ordering::Relaxed);
        Ok(())
    }

    /// The agent closed `events` (or died): events waiting for it get the
    /// fail mode now, and new ones do not wait.
    pub(crate) fn disconnect(&self) {
        {
            let inner = self.inner.lock();
            self.agent.store(false, Ordering::Release);
            for p in inner.waiting.iter().flatten() {
                let _ = p.state.compare_exchange(
                    WAITING,
                    ABANDONED,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
            }
        }
        self.wq.wake_all();
    }

    /// The namespace ended: readers see end-of-file after the last record.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.wq.wake_all();
    }

    /// Copies whole records (and lost lines) into `out`; blocks for the
    /// first unless `nonblock`. `Ok(0)`: the namespace ended, all read.
    pub(crate) fn read(&self, out: &mut UserSliceWriter, nonblock: bool) -> Result<usize> {
        loop {
            {
                let mut inner = self.inner.lock();
                let mut n = 0;
                let mut line = [0u8; 64];
                while let Some(q) = inner.front() {
                    let lost = q.lost_after.map(|l| {
                        let mut w = LineBuf::new(&mut line);
                        let _ = write!(w, "{l}");
                        w.len
                    });
                    let need = q.text.len() + lost.unwrap_or(0);
                    if need > out.len() {
                        if n == 0 {
                            pr_err!(
                                "events: a {}-byte read cannot take the next record ({} bytes)\n",
                                out.len(),
                                need
                            );
                            return Err(EINVAL);
                        }
                        break;
                    }
                    out.write_slice(&q.text)?;
                    if let Some(len) = lost {
                        out.write_slice(&line[..len])?;
                    }
                    n += need;
                    inner.pop();
                    self.stats.delivered.fetch_add(1, Ordering::Relaxed);
                }
                if n > 0 {
                    self.queued.store(inner.len, Ordering::Release);
                    self.room.store(true, Ordering::Release);
                    drop(inner);
                    self.wq.wake_all();
                    return Ok(n);
                }
            }
            if self.closed.load(Ordering::Acquire) {
                return Ok(0);
            }
            if nonblock {
                return Err(EAGAIN);
            }
            let woken = self.wq.wait(
                || self.queued.load(Ordering::Acquire) > 0 || self.closed.load(Ordering::Acquire),
                None,
                true,
            );
            if woken == Woken::Signal {
                return Err(ERESTARTSYS);
            }
        }
    }

    /// `POLLIN | POLLRDNORM` once a record (or end-of-file) is ready.
    pub(crate) fn readable(&self) -> bool {
        self.queued.load(Ordering::Acquire) > 0 || self.closed.load(Ordering::Acquire)
    }

    pub(crate) fn wait_queue(&self) -> &WaitQueue {
        &self.wq
    }

    /// One verdict from the agent.
    pub(crate) fn answer(&self, seq: u64, allow: bool) {
        let waiter = self.inner.lock().take_waiter(|p| p.seq == seq);
        if let Some(p) = waiter {
            let state = if allow { ALLOWED } else { DENIED };
            let _ = p
                .state
                .compare_exchange(WAITING, state, Ordering::AcqRel, Ordering::Acquire);
            self.wq.wake_all();
        } else {
            self.stats.late.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `namespaces/<id>/model`: the setting and the counters.
    pub(crate) fn show(&self, config: &ModelConfig, out: &mut impl Write) -> core::fmt::Result {
        let s = &self.stats;
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let next_seq = self.inner.lock().next_seq;
        writeln!(out, "{config}")?;
        writeln!(
            out,
            "agent {}",
            u8::from(self.agent.load(Ordering::Relaxed))
        )?;
        writeln!(out, "next_seq {next_seq}")?;
        writeln!(out, "queued {}", self.queued.load(Ordering::Relaxed))?;
        writeln!(out, "delivered {}", get(&s.delivered))?;
        writeln!(out, "lost {}", get(&s.lost))?;
        writeln!(out, "allowed {}", get(&s.allowed))?;
        writeln!(out, "denied {}", get(&s.denied))?;
        writeln!(out, "fail_no_agent {}", get(&s.no_agent))?;
        writeln!(out, "fail_timeout {}", get(&s.timeouts))?;
        writeln!(out, "fail_agent_gone {}", get(&s.abandoned))?;
        writeln!(out, "late_verdicts {}", get(&s.late))
    }
}

/// A `fmt::Write` into a fixed buffer (for the short `lost` line).
struct LineBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> LineBuf<'a> {
    fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }
}

impl Write for LineBuf<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
