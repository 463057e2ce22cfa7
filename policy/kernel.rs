// SPDX-License-Identifier: GPL-2.0
//! The policy in force in a namespace and updates written to `policy`.
//!
//! Readers (every hook) take a reference to the current rule set; a
//! writer builds the complete new set off to the side while its writes
//! are parsed (`rule_set::Update`) and swaps it in when the `policy` file
//! is closed after an error-free write, as upstream does. An update that
//! runs out of memory fails the `write()` that hit it; the swap at close
//! allocates nothing.

#[path = "rule_set.rs"]
mod rule_set;

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use ima_policy::{Action, Func, PolicyRule, Rule};
use kernel::new_spinlock;
use kernel::prelude::*;
use kernel::sync::{Arc, SpinLock};
pub(crate) use rule_set::{RuleSet, Segment, Update};

/// Rules as parsed, before they are installed.
pub(crate) type Rules = Segment;

#[pin_data]
pub(crate) struct PolicyStore {
    /// Leaf lock: held only to clone or swap the `Arc`.
    #[pin]
    current: SpinLock<Arc<RuleSet>>,
    /// The rules in force are the boot-time default: the first custom
    /// policy replaces them, later ones append (IMA_WRITE_POLICY).
    default: AtomicBool,
    /// An open writer exists (`EBUSY` for a second). With
    /// `write_policy=0` it stays set after the first update, as upstream
    /// without CONFIG_IMA_WRITE_POLICY.
    busy: AtomicBool,
    /// `appraise func=` bits of every rule set installed so far
    /// ([`ima_policy::PolicySummary::appraise_funcs`]): sticky, as upstream's
    /// `ima_appraise |= temp_ima_appraise`, which a later policy never
    /// clears.
    appraise_funcs: AtomicU32,
}

impl PolicyStore {
    pub(crate) fn new(initial: Arc<RuleSet>) -> impl PinInit<Self> {
        let appraise_funcs = AtomicU32::new(initial.summary().appraise_funcs);
        pin_init!(Self {
            current <- new_spinlock!(initial, "ima_ns_policy"),
            default: AtomicBool::new(true),
            busy: AtomicBool::new(false),
            appraise_funcs,
        })
    }

    /// Whether an `appraise func=func` rule was ever in force here.
    pub(crate) fn appraised_func(&self, func: Func) -> bool {
        self.appraise_funcs.load(Ordering::Acquire) & 1 << func.index() != 0
    }

    pub(crate) fn current(&self) -> Arc<RuleSet> {
        self.current.lock().clone()
    }

    /// Claims the single writer slot.
    pub(crate) fn begin_write(&self) -> Result {
        if self.busy.swap(true, Ordering::AcqRel) {
            if !write_policy() && !self.default.load(Ordering::Acquire) {
                pr_err!("the policy is loaded and write_policy=0: no further updates\n");
            }
            return Err(EBUSY);
        }
        Ok(())
    }

    /// Starts the update of the writer holding the slot: it extends the
    /// custom policy in force, or replaces the boot-time default.
    fn begin_update(&self) -> Result<Update> {
        let base = if self.default.load(Ordering::Acquire) {
            None
        } else {
            Some(self.current())
        };
        Update::new(base)
    }

    /// Releases the writer slot (unless `write_policy=0` locks the policy
    /// after an update); installs `pending` if given.
    pub(crate) fn end_write(&self, pending: Option<Update>) -> Result {
        let result = match pending {
            Some(p) => self.install(p),
            None => Ok(()),
        };
        if result.is_err() || write_policy() || self.default.load(Ordering::Acquire) {
            self.busy.store(false, Ordering::Release);
        }
        result
    }

    /// Swaps `update` in. Allocates nothing: it cannot fail for lack of
    /// memory, only if the policy changed under the writer (which the
    /// writer slot rules out).
    fn install(&self, update: Update) -> Result {
        let mut current = self.current.lock();
        let unchanged = match update.base() {
            Some(base) => Arc::ptr_eq(base, &*current),
            None => self.default.load(Ordering::Acquire),
        };
        if !unchanged {
            drop(current);
            pr_err!("the policy changed while an update was written\n");
            return Err(EBUSY);
        }
        let new = update.finish()?;
        self.appraise_funcs
            .fetch_or(new.summary().appraise_funcs, Ordering::AcqRel);
        let old = core::mem::replace(&mut *current, new);
        self.default.store(false, Ordering::Release);
        drop(current);
        drop(old); // outside the lock
        Ok(())
    }
}

/// Why the module cannot enforce a rule the grammar accepts, if it cannot.
/// Such rules are refused (`EINVAL`), never silently ignored.
fn unenforceable(rule: &Rule) -> Option<&'static str> {
    match rule.func {
        Some(Func::KexecCmdline) => {
            return Some(
                "KEXEC_CMDLINE: kexec_file_load() passes the command line to IMA directly \
                 (ima_kexec_cmdline), with no LSM hook a module can reach",
            )
        }
        Some(Func::CriticalData)
            if rule
                .label
                .as_ref()
                .is_some_and(|l| l.items().any(|i| i != "modules")) =>
        {
            return Some(
                "CRITICAL_DATA: only label=modules (init_module images) reaches a module; \
                 the kernel passes other critical data to IMA directly",
            )
        }
        _ => {}
    }
    if rule.needs_lsm() {
        return Some(
            "LSM label conditions (subj_*, obj_*): the LSM rule-matching interface \
             is not exported to modules",
        );
    }
    if rule.pcr.is_some_and(|p| p != 10) {
        return Some("pcr= other than 10 is not supported yet");
    }
    if rule.digest_verity && rule.action != Action::Appraise {
        return Some(
            "digest_type=verity is enforced on appraise rules only: measurements record \
             file hashes",
        );
    }
    if rule.appraise_type == Some(ima_policy::AppraiseType::ImaSigModsig) {
        return Some("appraise_type=imasig|modsig: appended signatures are not verified yet");
    }

    None
}

/// Parses one line into a rule the module can enforce.
/// A rule to parse into, on the heap: a `Rule` is over 2 KiB, and rules
/// moved through return values overflowed a 16 KiB kernel stack
/// (`tests/check_frames.sh` keeps frames small).
fn new_rule() -> Result<KBox<Rule>> {
    const EMPTY: Rule = Rule::new(ima_policy::Action::Measure);
    Ok(KBox::new(EMPTY, GFP_KERNEL)?)
}

fn parse_enforceable(line: &str, rule: &mut Rule) -> Result<bool> {
    match ima_policy::parse_line_into(line, crate::compat::upstream(), rule) {
        Ok(true) => match unenforceable(rule) {
            None => Ok(true),
            Some(why) => {
                pr_err!("policy rule rejected: \"{}\": {}\n", line.trim(), why);
                Err(EINVAL)
            }
        },
        Ok(false) => Ok(false),
        Err(e) => {
            pr_err!("policy rule rejected at \"{}\": {}\n", e.token, e.reason);
            Err(EINVAL)
        }
    }
}

/// The rules of the built-in policies `ima_policy=` names
/// (parsed with the other parameters, `ima_ns/params.rs`). `Err`: out
/// of memory.
pub(crate) fn builtin_selection(
    selection: ima_policy::BuiltinSelection,
) -> core::result::Result<Rules, &'static str> {
    if selection.fail_securely {
        pr_notice!("ima_policy=fail_securely: no effect (there are no unverifiable-signature filesystems to fail)\n");
    }
    let mut rules = Segment::new();
    builtin(selection.lines_for(crate::compat::upstream()), &mut rules)
        .map_err(|_| "(out of memory)")?;
    Ok(rules)
}

/// Parses built-in policy lines into `rules`. Upstream's text is kept
/// whole, so it reads back as upstream shows it; rules the module cannot
/// enforce yet (appraisal) are kept, never fire, and are logged.
fn builtin<'a>(lines: impl Iterator<Item = &'a str>, rules: &mut Rules) -> Result {
    let mut rule = new_rule()?;
    for line in lines {
        if !ima_policy::parse_line_into(line, crate::compat::upstream(), &mut rule)
            .map_err(|_| EINVAL)?
        {
            continue;
        }
        if let Some(why) = unenforceable(&rule) {
            pr_notice!("built-in rule \"{}\" inactive: {}\n", line.trim(), why);
        }
        rules.push(&rule)?;
    }
    Ok(())
}

/// `write_policy=` (upstream's CONFIG_IMA_WRITE_POLICY).
fn write_policy() -> bool {
    crate::params::get().write_policy
}

/// `read_policy=` (upstream's CONFIG_IMA_READ_POLICY).
pub(crate) fn read_policy() -> bool {
    crate::params::get().read_policy
}

/// One open writer's pending update.
pub(crate) struct PolicyWriter {
    /// Created by the first write.
    update: Option<Update>,
    /// A write failed: the whole update is dropped at close.
    pub(crate) failed: bool,
}

impl PolicyWriter {
    pub(crate) const fn new() -> Self {
        Self {
            update: None,
            failed: false,
        }
    }

    /// The update to install: `None` if no rule was written.
    pub(crate) fn into_update(self) -> Option<Update> {
        self.update.filter(|u| u.len() != 0)
    }

    /// Parses one write into the update of `store`: complete lines, the
    /// last one possibly without a newline. On the first bad rule (or
    /// failed allocation) the write fails with `EINVAL` (`ENOMEM`) and
    /// the update is poisoned.
    pub(crate) fn write(&mut self, store: &PolicyStore, text: &[u8]) -> Result {
        let res = self.parse(store, text);
        if res.is_err() {
            self.failed = true;
            // Nothing of a poisoned update is kept.
            self.update = None;
        }
        res
    }

    fn parse(&mut self, store: &PolicyStore, text: &[u8]) -> Result {
        if self.failed {
            return Err(EINVAL);
        }
        if self.update.is_none() {
            self.update = Some(store.begin_update()?);
        }
        if text.first() == Some(&b'/') {
            return self.load_file(text);
        }
        self.parse_rules(text)
    }

    fn parse_rules(&mut self, text: &[u8]) -> Result {
        let update = self.update.as_mut().ok_or(EINVAL)?;
        let text = core::str::from_utf8(text).map_err(|_| {
            pr_err!("policy is not valid UTF-8\n");
            EINVAL
        })?;
        let mut rule = new_rule()?;
        for line in ima_policy::policy_lines(text) {
            if parse_enforceable(line, &mut rule)? {
                update.push(&rule).inspect_err(|e| {
                    pr_err!(
                        "policy update abandoned after {} rules: {:?}\n",
                        update.len(),
                        e
                    );
                })?;
            }
        }
        Ok(())
    }

    /// A write starting with `/` names a policy file (upstream's
    /// `ima_read_policy()`): the kernel reads it, which POLICY_CHECK rules
    /// measure, and its rules join the pending update.
    fn load_file(&mut self, text: &[u8]) -> Result {
        // The path ends at the first newline, as upstream's strsep().
        let end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
        let mut path = KVec::with_capacity(end + 1, GFP_KERNEL)?;
        path.extend_from_slice(&text[..end], GFP_KERNEL)?;
        path.push(0, GFP_KERNEL)?;
        let path = core::ffi::CStr::from_bytes_with_nul(&path).map_err(|_| EINVAL)?;
        let file =
            crate::kernel_read::KernelReadFile::read(path, crate::kernel_read::ReadId::Policy)
                .inspect_err(|e| {
                    pr_err!(
                        "Unable to open file: {} ({:?})\n",
                        path.to_str().unwrap_or("?"),
                        e
                    );
                })?;
        self.parse_rules(&file)
    }
}
