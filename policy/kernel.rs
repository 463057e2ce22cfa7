//! The policy in force in a namespace and updates written to `policy`.
//!
//! Readers (every hook) take a reference to the current rule set; a
//! writer builds a complete new set off to the side and swaps it in when
//! the `policy` file is closed after an error-free write, as upstream does.

use core::sync::atomic::{AtomicBool, Ordering};
use ima_policy::{Action, Decision, Event, Func, Rule, Template};
use kernel::new_spinlock;
use kernel::prelude::*;
use kernel::sync::{Arc, SpinLock};

/// An immutable rule set.
pub(crate) type Rules = KVec<Rule>;

#[pin_data]
pub(crate) struct PolicyStore {
    /// Leaf lock: held only to clone or swap the `Arc`.
    #[pin]
    current: SpinLock<Arc<Rules>>,
    /// The rules in force are the boot-time default: the first custom
    /// policy replaces them, later ones append (IMA_WRITE_POLICY).
    default: AtomicBool,
    /// An open writer exists (`EBUSY` for a second).
    busy: AtomicBool,
}

impl PolicyStore {
    pub(crate) fn new(initial: Arc<Rules>) -> impl PinInit<Self> {
        pin_init!(Self {
            current <- new_spinlock!(initial, "ima_ns_policy"),
            default: AtomicBool::new(true),
            busy: AtomicBool::new(false),
        })
    }

    pub(crate) fn current(&self) -> Arc<Rules> {
        self.current.lock().clone()
    }

    pub(crate) fn evaluate(&self, event: &Event<'_>) -> Decision {
        ima_policy::evaluate(self.current().iter(), event)
    }

    /// Claims the single writer slot.
    pub(crate) fn begin_write(&self) -> Result {
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err(EBUSY);
        }
        Ok(())
    }

    /// Releases the writer slot; installs `pending` if given.
    pub(crate) fn end_write(&self, pending: Option<Rules>) -> Result {
        let result = match pending {
            Some(p) => self.install(p),
            None => Ok(()),
        };
        self.busy.store(false, Ordering::Release);
        result
    }

    fn install(&self, pending: Rules) -> Result {
        let rules = if self.default.load(Ordering::Acquire) {
            pending
        } else {
            let old = self.current();
            let mut all = KVec::with_capacity(old.len() + pending.len(), GFP_KERNEL)?;
            all.extend_from_slice(&old, GFP_KERNEL)?;
            all.extend_from_slice(&pending, GFP_KERNEL)?;
            all
        };
        let new = Arc::new(rules, GFP_KERNEL)?;
        let old = core::mem::replace(&mut *self.current.lock(), new);
        self.default.store(false, Ordering::Release);
        drop(old); // outside the lock
        Ok(())
    }
}

/// Why the module cannot enforce a rule the grammar accepts, if it cannot.
/// Such rules are refused (`EINVAL`), never silently ignored.
fn unenforceable(rule: &Rule) -> Option<&'static str> {
    if !matches!(rule.action, Action::Measure | Action::DontMeasure) {
        return Some("only measure and dont_measure rules are enforced so far");
    }
    if !matches!(
        rule.func,
        None | Some(Func::FileCheck | Func::MmapCheck | Func::BprmCheck)
    ) {
        return Some("func= not hooked yet (hooked: FILE_CHECK, MMAP_CHECK, BPRM_CHECK)");
    }
    if rule.needs_lsm() {
        return Some("LSM label conditions (subj_*, obj_*) are not supported");
    }
    if rule.pcr.is_some_and(|p| p != 10) {
        return Some("pcr= other than 10 is not supported yet");
    }
    if rule.template.is_some_and(|t| t != Template::ImaNg) {
        return Some("template= other than ima-ng is not supported yet");
    }
    if rule.digest_verity {
        return Some("digest_type=verity is not supported");
    }
    None
}

/// Parses one line into a rule the module can enforce.
fn parse_enforceable(line: &str) -> Result<Option<Rule>> {
    match ima_policy::parse_line(line) {
        Ok(Some(rule)) => match unenforceable(&rule) {
            None => Ok(Some(rule)),
            Some(why) => {
                pr_err!("policy rule rejected: \"{}\": {}\n", line.trim(), why);
                Err(EINVAL)
            }
        },
        Ok(None) => Ok(None),
        Err(e) => {
            pr_err!("policy rule rejected at \"{}\": {}\n", e.token, e.reason);
            Err(EINVAL)
        }
    }
}

/// Parses built-in policy lines (`ima_policy=tcb`). Upstream's text is
/// kept whole, so it reads back as upstream shows it; rules for hooks the
/// module does not have yet are kept (they never fire) and logged.
pub(crate) fn builtin(lines: &[&str]) -> Result<Rules> {
    let mut rules = KVec::with_capacity(lines.len(), GFP_KERNEL)?;
    for line in lines {
        let Some(rule) = ima_policy::parse_line(line).map_err(|_| EINVAL)? else {
            continue;
        };
        if let Some(why) = unenforceable(&rule) {
            pr_notice!("built-in rule \"{}\" inactive: {}\n", line.trim(), why);
        }
        rules.push(rule, GFP_KERNEL)?;
    }
    Ok(rules)
}

/// One open writer's pending rules.
pub(crate) struct PolicyWriter {
    pub(crate) rules: Rules,
    /// A write failed: the whole update is dropped at close.
    pub(crate) failed: bool,
}

impl PolicyWriter {
    /// Parses one write: complete lines, the last one possibly without a
    /// newline. On the first bad rule the write fails with `EINVAL` and the
    /// update is poisoned.
    pub(crate) fn write(&mut self, text: &[u8]) -> Result {
        let res = self.parse(text);
        if res.is_err() {
            self.failed = true;
        }
        res
    }

    fn parse(&mut self, text: &[u8]) -> Result {
        if self.failed {
            return Err(EINVAL);
        }
        let text = core::str::from_utf8(text).map_err(|_| {
            pr_err!("policy is not valid UTF-8\n");
            EINVAL
        })?;
        for line in ima_policy::policy_lines(text) {
            if let Some(rule) = parse_enforceable(line)? {
                self.rules.push(rule, GFP_KERNEL)?;
            }
        }
        Ok(())
    }
}
