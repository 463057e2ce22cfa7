// SPDX-License-Identifier: GPL-2.0
//! The measurement path (upstream's `process_measurement()`), across the
//! namespace tree: every namespace from the task's up to the host whose
//! policy asks for the event records it; the file is hashed at most once
//! per hash algorithm, however many namespaces record it.

use crate::appraise;
use crate::collect::{algo_slot, cached_digest, Hashed, PATH_MAX};
use crate::compat::cred::{self, Credential, CredentialExt, SubjectIds};
use crate::file::{File, FileFacts};
use crate::iint::IintState;
use crate::model::Verdict;
use crate::namespace::ImaNamespace;
use crate::policy::RuleSet;
use crate::report::{self, Object};
use crate::state::ImaState;
use crate::template::TemplateRef;
use ima_plan::{Depths, InodeUse, Interest, Mprotect, Plan};
use ima_policy::{Decision, Event, Func};
use ima_template::{EventData, Template, IMA_BUF};
use ima_tpm::{Digest, HashAlgo};
use kernel::prelude::*;

/// `MAY_ACCESS`: the mask `ima_must_appraise()` evaluates new files with.
const MAY_ACCESS: u32 = 0x10;

/// The credentials rules test, read once per event: the ids of `cred`
/// (current's if `None`), and current's capabilities only once some rule
/// set tests `euid`/`egid` (upstream's `has_capability_noaudit()` calls).
struct Subject<'a> {
    cred: Option<&'a Credential>,
    ids: Option<SubjectIds>,
    caps: bool,
}

impl<'a> Subject<'a> {
    fn new(cred: Option<&'a Credential>) -> Self {
        Self {
            cred,
            ids: None,
            caps: false,
        }
    }

    fn get(&mut self, rules: &RuleSet) -> &SubjectIds {
        let s = rules.summary();
        let want_caps = s.needs_cap_setuid || s.needs_cap_setgid;
        if want_caps && !self.caps {
            self.ids = None;
        }
        let cred = self.cred;
        let ids = self.ids.get_or_insert_with(|| match cred {
            Some(c) => c.subject_ids(want_caps),
            None => cred::with_current(|c| c.subject_ids(want_caps)),
        });
        self.caps |= want_caps;
        ids
    }
}

fn with_subject<'a>(mut e: Event<'a>, s: &SubjectIds) -> Event<'a> {
    e.uid = s.uid;
    e.euid = s.euid;
    e.suid = s.suid;
    e.cap_setuid = s.cap_setuid;
    e.gid = s.gid;
    e.egid = s.egid;
    e.sgid = s.sgid;
    e.cap_setgid = s.cap_setgid;
    e
}

/// The template a rule's `template=` names.
fn rule_template(t: Option<ima_policy::Template>) -> Option<&'static Template> {
    t.and_then(|t| Template::builtin(t.name()))
}

/// The template `n` records an event in: the rule's, else its own.
fn template_for(n: &ImaNamespace, rule: Option<&'static Template>) -> TemplateRef {
    match rule {
        Some(t) => TemplateRef::Builtin(t),
        None => n.config().template,
    }
}

/// What a file event measures: the file, or the contents the kernel read
/// from it (`kernel_post_read_file`), which are what it goes on to use.
pub(crate) struct FileEvent<'a> {
    pub(crate) file: &'a File<'a>,
    /// The subject's credentials (`bprm->cred` for CREDS_CHECK); `None`
    /// for current's.
    pub(crate) cred: Option<&'a Credential>,
    pub(crate) func: Func,
    pub(crate) mask: u32,
    pub(crate) contents: Option<&'a [u8]>,
}

/// Handles one file event for a task in `ns`: measures it in every
/// namespace whose policy asks, then reports it to the agents of the
/// namespaces in external mode, whose verdict it returns. Measurement
/// never denies: its errors are logged and the access goes on, as upstream
/// does for measurement-only policies.
pub(crate) fn file_event(st: &ImaState, ns: &ImaNamespace, ev: &FileEvent<'_>) -> Result<Verdict> {
    let mut plan = Plan::new();
    let mut subject = Subject::new(ev.cred);
    // Read on the first policy that can act on this hook at all.
    let mut facts: Option<FileFacts<'_>> = None;
    for n in ns.lineage() {
        let rules = n.policy.current();
        let summary = rules.summary();
        let interest = Interest::of(ev.func, summary.actions, summary.may_match_func(ev.func));
        if !interest.any() {
            continue;
        }
        if facts.is_none() {
            let f = ev.file.facts();
            if !f.regular {
                return Ok(Verdict::Allow);
            }
            facts = Some(f);
        }
        let Some(facts) = facts.as_ref() else {
            continue;
        };
        let d = if interest.evaluate {
            let event = Event {
                func: ev.func,
                mask: ev.mask,
                ..file_attrs(facts)
            };
            rules.evaluate(&with_subject(event, subject.get(&rules)))
        } else {
            Decision::default()
        };
        plan.add(n.depth, interest, &d, facts.writable);
    }
    plan.set_external(Depths::from_bits(report::external_depths(ns)));
    let inode_use = plan.inode();
    if inode_use == InodeUse::None {
        return Ok(Verdict::Allow);
    }
    let facts = match facts {
        Some(f) => f,
        None => ev.file.facts(),
    };
    if !facts.regular {
        return Ok(Verdict::Allow);
    }

    let inode = facts.inode;
    let iint = match inode_use {
        InodeUse::Create => st.iints.get_or_create(inode)?,
        // Only a writer's ToMToU check: readers open, and a state that
        // says some namespace measured one.
        InodeUse::IfReaders | InodeUse::None => match facts.readers {
            true => match st.iints.get(inode) {
                Some(iint) => iint,
                None => return Ok(Verdict::Allow),
            },
            false => return Ok(Verdict::Allow),
        },
    };
    let mut state = iint.lock();
    if let Some(real) = ev.file.real_inode() {
        state.check_stacked(real);
    }
    let mut hashed = Hashed::new(ev.file, ev.contents);
    let mut measured = Ok(());
    if !plan.violations().is_empty() {
        measured = check_violations(ns, &plan, &facts, &mut state, &mut hashed);
    }
    if measured.is_ok() {
        measured = measure_lineage(st, ns, &plan, &mut state, &mut hashed);
    }
    if plan.integrity() && !integrity(st, ns, &plan, ev.mask, &facts, &mut state, &mut hashed) {
        return Ok(Verdict::Deny);
    }
    let external = plan.external().bits();
    if external == 0 {
        return measured.map(|()| Verdict::Allow);
    }
    if let Err(e) = measured {
        pr_warn!("{} not measured: {:?}\n", ev.func.name(), e);
    }
    let mut digests = [None; 4];
    if ima_model::has_stable_contents(facts.fsmagic) {
        for n in report::external(ns, external) {
            let algo = n.algo();
            // An unreadable file is reported without a digest.
            digests[algo_slot(algo)?] = hashed.digest(st, &mut state, algo).ok();
        }
    }
    drop(state);
    let object = Object {
        path: hashed.name()?,
        file: Some(report::file_id(&facts)),
        digests: &digests,
    };
    report::event(st, ns, external, ev.func, ev.mask, &object, true)
}

/// Appraises in every namespace the plan names (all must pass, unless
/// `ima_appraise` is not `enforce`), audits, and marks the file for a
/// `security.ima` update at its last writer's close. Returns whether the
/// access may go on.
fn integrity(
    st: &ImaState,
    ns: &ImaNamespace,
    plan: &Plan,
    mask: u32,
    facts: &FileFacts<'_>,
    state: &mut IintState,
    hashed: &mut Hashed<'_>,
) -> bool {
    let mut allow = true;
    for n in ns.lineage() {
        let allowed = plan
            .appraisal(n.depth)
            .map(|rule| appraise::appraise(st, n, rule, mask, facts, state, hashed));
        // An appraised file written to gets a fresh hash when the last
        // writer closes, as upstream's IMA_UPDATE_XATTR.
        if state.update_xattr.is_none()
            && plan.claims_xattr_update(n.depth, allowed, facts.writable)
        {
            state.update_xattr = Some(n.algo());
        }
        allow &= allowed != Some(false);
        if plan.audits(n.depth) {
            if let Err(e) = audit(st, n, state, hashed) {
                pr_warn!("namespace {}: audit record lost: {:?}\n", n.id, e);
            }
        }
    }
    allow
}

/// The `audit` action in `n` (`ima_audit_measurement()`): once per
/// version of the file.
fn audit(
    st: &ImaState,
    n: &ImaNamespace,
    state: &mut IintState,
    hashed: &mut Hashed<'_>,
) -> Result {
    let digest = hashed.digest(st, state, n.algo())?;
    if !state.first_audit(n.id, hashed.version_now())? {
        return Ok(());
    }
    crate::audit::rule(hashed.name()?, &digest, n.id)
}

/// `ima_rdwr_violation_check()` in each namespace the plan names, each
/// step as the planner decides it from the inode's state. Readers
/// measured here are tracked until released.
fn check_violations(
    ns: &ImaNamespace,
    plan: &Plan,
    facts: &FileFacts<'_>,
    state: &mut IintState,
    hashed: &mut Hashed<'_>,
) -> Result {
    for n in ns.lineage() {
        if !plan.violations().contains(n.depth) {
            continue;
        }
        let seen = state.violation_state(n.id, facts.readers);
        let measures = plan.measure().contains(n.depth);
        let step = ima_plan::violation_step(facts.writable, facts.open_for_write, measures, seen);
        if step.changes(seen) {
            state.apply_violation(n.id, &step)?;
        }
        if let Some(v) = step.violation {
            hashed.record_violation(n, v.cause())?;
        }
    }
    Ok(())
}

/// Records the event in every namespace the plan names that has not
/// measured this version of the file yet.
fn measure_lineage(
    st: &ImaState,
    ns: &ImaNamespace,
    plan: &Plan,
    state: &mut IintState,
    hashed: &mut Hashed<'_>,
) -> Result {
    for n in ns.lineage() {
        if !plan.measure().contains(n.depth) || state.measured_in(n.id, || hashed.version_now()) {
            continue;
        }
        let template = template_for(n, rule_template(plan.template(n.depth)));
        let digest = hashed.digest(st, state, n.algo())?;
        // The legacy `d` field is SHA-1 whatever the namespace hashes with.
        let sha1 = match template.is_legacy_ima() && digest.algo() != HashAlgo::Sha1 {
            true => Some(hashed.digest(st, state, HashAlgo::Sha1)?),
            false => None,
        };
        let version = hashed.version();
        hashed.prepare(&template)?;
        let mut event = EventData::new(&digest, hashed.name_bytes());
        event.sha1_digest = sha1.as_ref();
        hashed.with_event(event, |e| n.record_event(Some(template.clone()), e))?;
        state.mark(n.id, version)?;
    }
    Ok(())
}

/// A buffer the kernel hands over with no file behind it.
pub(crate) struct BufferEvent<'a> {
    pub(crate) func: Func,
    /// The entry's name: the keyring, or "init_module".
    pub(crate) name: &'a [u8],
    /// What `keyrings=` / `label=` test.
    pub(crate) func_data: &'a [u8],
    pub(crate) data: &'a [u8],
    /// Record the data's digest, not the data (critical data "modules").
    pub(crate) hash_data: bool,
}

/// `process_buffer_measurement()` in every namespace from `ns` up whose
/// policy asks for it: the `ima-buf` template unless the rule names
/// another; no measured-once cache, as upstream.
pub(crate) fn buffer_event(st: &ImaState, ns: &ImaNamespace, ev: &BufferEvent<'_>) -> Result {
    let base = Event {
        func: ev.func,
        func_data: Some(ev.func_data),
        ..Default::default()
    };
    let mut subject = Subject::new(None);
    // (digest, digest of the data if `hash_data`), once per algorithm.
    let mut hashed: [Option<(Digest, Option<Digest>)>; 4] = [None; 4];
    let measured = measure_buffer(st, ns, ev, base, &mut subject, &mut hashed);
    let external = report::external_depths(ns);
    if external == 0 {
        return measured;
    }
    if let Err(e) = measured {
        pr_warn!("{} not measured: {:?}\n", ev.func.name(), e);
    }
    // Agents get the digest of the data itself.
    let mut digests = [None; 4];
    for n in report::external(ns, external) {
        let algo = n.algo();
        digests[algo_slot(algo)?] = Some(st.hashers.get(algo)?.hash_buf(ev.data)?);
    }
    let object = Object {
        path: ev.name,
        file: None,
        digests: &digests,
    };
    // These hooks run after the fact: reported, never waited on.
    report::event(st, ns, external, ev.func, 0, &object, false).map(|_| ())
}

fn measure_buffer(
    st: &ImaState,
    ns: &ImaNamespace,
    ev: &BufferEvent<'_>,
    base: Event<'_>,
    subject: &mut Subject<'_>,
    hashed: &mut [Option<(Digest, Option<Digest>)>; 4],
) -> Result {
    for n in ns.lineage() {
        let rules = n.policy.current();
        if !rules.summary().may_match_func(ev.func) {
            continue;
        }
        let d = rules.evaluate(&with_subject(base, subject.get(&rules)));
        if !d.measure {
            continue;
        }
        let algo = n.algo();
        let slot = algo_slot(algo)?;
        let (digest, data_digest) = match hashed[slot] {
            Some(h) => h,
            None => *hashed[slot].insert(buffer_digests(st, algo, ev)?),
        };
        let mut event = EventData::new(&digest, ev.name);
        event.buf = Some(data_digest.as_ref().map_or(ev.data, Digest::as_bytes));
        let template = rule_template(d.template).unwrap_or(&IMA_BUF);
        n.record_event(Some(TemplateRef::Builtin(template)), &event)?;
    }
    Ok(())
}

/// The digest a buffer entry records and, with `hash_data`, the data's
/// digest it records as its buffer (the entry's digest is then the digest
/// of that digest, as `process_buffer_measurement(buf_hash)`).
fn buffer_digests(
    st: &ImaState,
    algo: HashAlgo,
    ev: &BufferEvent<'_>,
) -> Result<(Digest, Option<Digest>)> {
    let hasher = st.hashers.get(algo)?;
    let digest = hasher.hash_buf(ev.data)?;
    if !ev.hash_data {
        return Ok((digest, None));
    }
    Ok((hasher.hash_buf(digest.as_bytes())?, Some(digest)))
}

/// `mprotect()` made a file mapping executable (`ima_file_mprotect()`).
/// The mmap lock is held, so the file cannot be read (appraised or
/// measured) here: as upstream, the change is refused (`EPERM`) when an
/// `appraise` rule of some namespace from `ns` up covers the mapping
/// (MMAP_CHECK or MMAP_CHECK_REQPROT), since the mapping would escape it;
/// a mapping only `measure` rules cover is let through and reported.
/// Each such namespace audits `collect_data failed-mprotect`. Returns
/// whether the change is refused.
pub(crate) fn mprotect(ns: &ImaNamespace, file: &File<'_>) -> bool {
    let facts = file.facts();
    if !facts.regular {
        return false;
    }
    let base = Event {
        mask: ima_policy::MAY_EXEC,
        ..file_attrs(&facts)
    };
    let mut subject = Subject::new(None);
    let mut path: Option<KVec<u8>> = None;
    let mut denied = false;
    for n in ns.lineage() {
        let rules = n.policy.current();
        let mut here = Mprotect::default();
        for func in [Func::MmapCheck, Func::MmapCheckReqprot] {
            if !rules.summary().may_match_func(func) {
                continue;
            }
            here.add(&rules.evaluate(&with_subject(Event { func, ..base }, subject.get(&rules))));
        }
        if !here.acts() {
            continue;
        }
        let covered = here.covered;
        denied |= covered;
        // No room for the name does not let the change through.
        if path.is_none() {
            path = crate::compat::zeroed_bytes(PATH_MAX).ok();
        }
        let name = match &mut path {
            Some(buf) => file.path(buf),
            None => &[],
        };
        pr_notice!(
            "namespace {}: mprotect(PROT_EXEC) on {}: collect_data failed-mprotect ({})\n",
            n.id,
            kernel::str::BStr::from_bytes(name),
            if covered {
                "denied: an appraise rule covers the mapping, which cannot be appraised here"
            } else {
                "a mapping made executable after mmap is not measured"
            }
        );
        // Upstream audits only where appraisal is in force.
        if Mprotect::audits(rules.summary().actions, appraise::enabled()) {
            crate::audit::integrity_data_res(
                Some(file),
                name,
                "collect_data",
                "failed-mprotect",
                !covered,
                n.id,
            );
        }
    }
    denied
}

/// A regular file was created without an open (`mknod(2)`), or as an
/// `O_TMPFILE` (which no `file_post_open` sees): as upstream's
/// `ima_post_path_mknod()` and `ima_post_create_tmpfile()`, if some
/// namespace from `ns` up must appraise it (`ima_must_appraise(MAY_ACCESS,
/// FILE_CHECK)`: an `appraise` or `hash` rule), the mknod'ed file is new
/// (it passes appraisal empty, until its last writer closes), and the
/// tmpfile gets `security.ima` written when its last writer closes.
pub(crate) fn new_file(
    st: &ImaState,
    ns: &ImaNamespace,
    facts: &FileFacts<'_>,
    tmpfile: bool,
) -> Result {
    if !facts.regular || !appraise::enabled() {
        return Ok(());
    }
    let base = Event {
        func: Func::FileCheck,
        mask: MAY_ACCESS,
        ..file_attrs(facts)
    };
    let mut subject = Subject::new(None);
    let mut algo = None;
    for n in ns.lineage() {
        let rules = n.policy.current();
        if !rules.summary().may_match_func(Func::FileCheck) {
            continue;
        }
        let d = rules.evaluate(&with_subject(base, subject.get(&rules)));
        if ima_plan::new_file_claims(&d) {
            algo = Some(n.algo());
            break;
        }
    }
    let Some(algo) = algo else {
        return Ok(());
    };
    let iint = st.iints.get_or_create(facts.inode)?;
    let mut state = iint.lock();
    if tmpfile {
        state.update_xattr = Some(algo);
    } else {
        state.new_file = true;
    }
    Ok(())
}

/// What rules test about the file.
fn file_attrs<'a>(facts: &FileFacts<'a>) -> Event<'a> {
    Event {
        fowner: facts.fowner,
        fgroup: facts.fgroup,
        fsmagic: facts.fsmagic,
        fsname: facts.fsname,
        fsuuid: facts.fsuuid,
        ..Default::default()
    }
}

/// A file opened for write is released (glue calls only for those). If
/// it was the last writer and the contents may have changed, the next access
/// measures the file again in every namespace (upstream's
/// `ima_check_last_writer()`).
pub(crate) fn file_release(st: &ImaState, file: &File<'_>) {
    let facts = file.facts();
    // Readers are the kernel's to count (`i_readcount`).
    if !facts.regular || !facts.writable || !facts.last_writer {
        return;
    }
    let Some(iint) = st.iints.get(facts.inode) else {
        return;
    };
    let mut state = iint.lock();
    if let Some(algo) = state.last_writer_closed(|| file.change_cookie()) {
        if let Err(e) = update_xattr(st, file, &mut state, algo) {
            pr_warn!("security.ima not updated: {:?}\n", e);
        }
    }
}

/// `ima_update_xattr()`: the last writer of a file that a `hash` rule
/// matched, or that passed appraisal, closed it: `security.ima` gets the
/// new digest, unless it holds a signature (never replaced).
fn update_xattr(st: &ImaState, file: &File<'_>, state: &mut IintState, algo: HashAlgo) -> Result {
    let current = file.xattr(c"security.ima")?;
    let signed = current.as_deref().and_then(ima_appraise::XattrType::of)
        == Some(ima_appraise::XattrType::DigSig);
    if signed {
        return Ok(());
    }
    let digest = cached_digest(st, file, state, algo, || file.change_cookie())?;
    appraise::write_hash(file, appraise::kernel_algo(algo), digest.as_bytes())?;
    // The verdicts were reached against the old value.
    state.forget_xattr_state();
    Ok(())
}
