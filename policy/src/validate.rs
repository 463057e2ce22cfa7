// SPDX-License-Identifier: GPL-2.0
//! Which rules are consistent (`ima_validate_rule()`), on upstream's rule
//! flags so the checks read as upstream's.

use crate::rule::{Action, AppraiseType, Func, PolicyRule, Rule, SubjectGid, SubjectId, TextField};
use crate::upstream::Upstream;
use crate::{MAY_APPEND, MAY_EXEC, MAY_READ, MAY_WRITE};

// `ima_rule_entry.flags` bits (ima_policy.c and ima.h).
pub(crate) const IMA_FUNC: u32 = 0x0001;
pub(crate) const IMA_MASK: u32 = 0x0002;
pub(crate) const IMA_FSMAGIC: u32 = 0x0004;
pub(crate) const IMA_UID: u32 = 0x0008;
pub(crate) const IMA_FOWNER: u32 = 0x0010;
pub(crate) const IMA_FSUUID: u32 = 0x0020;
pub(crate) const IMA_INMASK: u32 = 0x0040;
pub(crate) const IMA_EUID: u32 = 0x0080;
pub(crate) const IMA_PCR: u32 = 0x0100;
pub(crate) const IMA_FSNAME: u32 = 0x0200;
pub(crate) const IMA_KEYRINGS: u32 = 0x0400;
pub(crate) const IMA_LABEL: u32 = 0x0800;
pub(crate) const IMA_VALIDATE_ALGOS: u32 = 0x1000;
pub(crate) const IMA_GID: u32 = 0x2000;
pub(crate) const IMA_EGID: u32 = 0x4000;
pub(crate) const IMA_FGROUP: u32 = 0x8000;
pub(crate) const IMA_DIGSIG_REQUIRED: u32 = 0x0100_0000;
pub(crate) const IMA_PERMIT_DIRECTIO: u32 = 0x0200_0000;
/// 7.3's flag for `appraise_type=sigv3`; set here for a `sigv3` rule of
/// either line (6.12's need `digest_type=verity` besides).
pub(crate) const IMA_SIGV3_REQUIRED: u32 = 0x0800_0000;
pub(crate) const IMA_MODSIG_ALLOWED: u32 = 0x2000_0000;
pub(crate) const IMA_CHECK_BLACKLIST: u32 = 0x4000_0000;
pub(crate) const IMA_VERITY_REQUIRED: u32 = 0x8000_0000;

/// Where a violation is, for naming the token: a flag's bit number
/// (0..32), or one of the slots below.
pub(crate) type Slot = usize;
/// The action keyword.
pub(crate) const SLOT_ACTION: Slot = 32;
/// The first LSM label condition.
pub(crate) const SLOT_LSM: Slot = 33;
/// The whole rule (no better token).
pub(crate) const SLOT_RULE: Slot = 34;
/// Number of slots.
pub(crate) const SLOTS: usize = 35;

/// The slot of a single flag.
pub(crate) const fn slot(flag: u32) -> Slot {
    flag.trailing_zeros() as Slot
}

/// A failed check: where, and why.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) slot: Slot,
    pub(crate) reason: &'static str,
}

fn fail(slot: Slot, reason: &'static str) -> Result<(), Violation> {
    Err(Violation { slot, reason })
}

/// Upstream's `entry->flags` for `r`.
pub(crate) fn flags(rule: &impl PolicyRule) -> u32 {
    let r = rule.core();
    let mut f = 0;
    let mut set = |cond: bool, bit: u32| {
        if cond {
            f |= bit;
        }
    };
    set(r.func.is_some(), IMA_FUNC);
    set(r.mask.is_some_and(|m| !m.inverted), IMA_MASK);
    set(r.mask.is_some_and(|m| m.inverted), IMA_INMASK);
    set(r.fsmagic.is_some(), IMA_FSMAGIC);
    set(matches!(r.subject, Some(SubjectId::Uid(_))), IMA_UID);
    set(matches!(r.subject, Some(SubjectId::Euid(_))), IMA_EUID);
    set(r.fowner.is_some(), IMA_FOWNER);
    set(r.fsuuid.is_some(), IMA_FSUUID);
    set(r.pcr.is_some(), IMA_PCR);
    set(rule.text(TextField::FsName).is_some(), IMA_FSNAME);
    set(rule.text(TextField::Keyrings).is_some(), IMA_KEYRINGS);
    set(rule.text(TextField::Label).is_some(), IMA_LABEL);
    set(r.appraise_algos.is_some(), IMA_VALIDATE_ALGOS);
    set(matches!(r.group, Some(SubjectGid::Gid(_))), IMA_GID);
    set(matches!(r.group, Some(SubjectGid::Egid(_))), IMA_EGID);
    set(r.fgroup.is_some(), IMA_FGROUP);
    f | nonaction_flags(rule)
}

/// The bits of [`flags`] that a matching rule adds to the action
/// (`IMA_NONACTION_RULE_FLAGS` and `IMA_PERMIT_DIRECTIO`): all the policy
/// walk needs of them, on every match, without the rest's string lookups.
#[inline]
pub(crate) fn nonaction_flags(rule: &impl PolicyRule) -> u32 {
    let r = rule.core();
    let mut f = 0;
    if r.appraise_type.is_some() {
        f |= IMA_DIGSIG_REQUIRED | IMA_CHECK_BLACKLIST;
    }
    match r.appraise_type {
        Some(AppraiseType::ImaSigModsig) => f |= IMA_MODSIG_ALLOWED,
        Some(AppraiseType::Sigv3) => f |= IMA_SIGV3_REQUIRED,
        _ => {}
    }
    if r.digest_verity {
        f |= IMA_VERITY_REQUIRED;
    }
    if r.permit_directio {
        f |= IMA_PERMIT_DIRECTIO;
    }
    f
}

const FILE_FLAGS: u32 = IMA_FUNC
    | IMA_MASK
    | IMA_FSMAGIC
    | IMA_UID
    | IMA_FOWNER
    | IMA_FSUUID
    | IMA_INMASK
    | IMA_EUID
    | IMA_PCR
    | IMA_FSNAME
    | IMA_GID
    | IMA_EGID
    | IMA_FGROUP
    | IMA_DIGSIG_REQUIRED
    | IMA_PERMIT_DIRECTIO
    | IMA_VALIDATE_ALGOS
    | IMA_CHECK_BLACKLIST
    | IMA_SIGV3_REQUIRED;

/// `ima_validate_rule()`, plus the invariants the parser guarantees and a
/// hand-built [`Rule`] could break (one known `MAY_*` bit, `pcr` below 64,
/// `template=` only on `measure`, no `func=POST_SETATTR`; in 6.12, `sigv3`
/// and only `sigv3` with `digest_type=verity`; in 7.3 `sigv3` anywhere a
/// signature may be required, not with `imasig|modsig`).
pub(crate) fn check(r: &Rule, upstream: Upstream) -> Result<(), Violation> {
    if let Some(m) = r.mask {
        if ![MAY_EXEC, MAY_WRITE, MAY_READ, MAY_APPEND].contains(&m.bits) {
            return fail(slot(IMA_MASK), "mask is not one MAY_* bit");
        }
    }
    if r.pcr.is_some_and(|p| p >= 64) {
        return fail(slot(IMA_PCR), "pcr out of range");
    }
    if upstream.sigv3_any_file() {
        // 7.3 refuses imasig after digest_type=verity (the parser's
        // business: the other order is a valid rule) and imasig|modsig
        // with either.
        if r.appraise_type == Some(AppraiseType::ImaSigModsig) && r.digest_verity {
            return fail(
                slot(IMA_VERITY_REQUIRED),
                "imasig|modsig with digest_type=verity",
            );
        }
    } else if r.appraise_type == Some(AppraiseType::Sigv3) && !r.digest_verity {
        return fail(slot(IMA_DIGSIG_REQUIRED), "sigv3 needs digest_type=verity");
    } else if r.digest_verity
        && matches!(
            r.appraise_type,
            Some(AppraiseType::ImaSig | AppraiseType::ImaSigModsig)
        )
    {
        return fail(slot(IMA_VERITY_REQUIRED), "imasig with digest_type=verity");
    }
    if r.template.is_some() && r.action != Action::Measure {
        return fail(SLOT_RULE, "template= only after measure");
    }
    if r.appraise_algos.is_some_and(|a| a.is_empty()) {
        return fail(slot(IMA_VALIDATE_ALGOS), "empty appraise_algos");
    }
    let flags = flags(r);
    if r.action != Action::Measure && flags & IMA_PCR != 0 {
        return fail(slot(IMA_PCR), "pcr= only on measure rules");
    }
    if r.action != Action::Appraise {
        if flags & (IMA_DIGSIG_REQUIRED | IMA_MODSIG_ALLOWED | IMA_CHECK_BLACKLIST) != 0 {
            return fail(
                slot(IMA_DIGSIG_REQUIRED),
                "appraise_type= only on appraise rules",
            );
        }
        if flags & IMA_VALIDATE_ALGOS != 0 {
            return fail(
                slot(IMA_VALIDATE_ALGOS),
                "appraise_algos= only on appraise rules",
            );
        }
    }
    let measure_only = matches!(r.action, Action::Measure | Action::DontMeasure);
    let no_lsm = !r.needs_lsm();
    let allowed = match r.func {
        None
        | Some(
            Func::FileCheck
            | Func::MmapCheck
            | Func::MmapCheckReqprot
            | Func::BprmCheck
            | Func::CredsCheck
            | Func::FirmwareCheck
            | Func::PolicyCheck,
        ) => FILE_FLAGS | IMA_VERITY_REQUIRED,
        Some(Func::ModuleCheck | Func::KexecKernelCheck | Func::KexecInitramfsCheck) => {
            FILE_FLAGS | IMA_MODSIG_ALLOWED
        }
        Some(Func::KexecCmdline) => {
            if !measure_only {
                return fail(
                    slot(IMA_FUNC),
                    "func=KEXEC_CMDLINE only on measure/dont_measure",
                );
            }
            IMA_FUNC
                | IMA_FSMAGIC
                | IMA_UID
                | IMA_FOWNER
                | IMA_FSUUID
                | IMA_EUID
                | IMA_PCR
                | IMA_FSNAME
                | IMA_GID
                | IMA_EGID
                | IMA_FGROUP
        }
        Some(Func::KeyCheck) => {
            if !measure_only {
                return fail(
                    slot(IMA_FUNC),
                    "func=KEY_CHECK only on measure/dont_measure",
                );
            }
            check_flags(flags, IMA_FUNC | IMA_UID | IMA_GID | IMA_PCR | IMA_KEYRINGS)?;
            if !no_lsm {
                return fail(SLOT_LSM, "no LSM conditions with func=KEY_CHECK");
            }
            return check_combinations(r, flags);
        }
        Some(Func::CriticalData) => {
            if !measure_only {
                return fail(
                    slot(IMA_FUNC),
                    "func=CRITICAL_DATA only on measure/dont_measure",
                );
            }
            check_flags(flags, IMA_FUNC | IMA_UID | IMA_GID | IMA_PCR | IMA_LABEL)?;
            if !no_lsm {
                return fail(SLOT_LSM, "no LSM conditions with func=CRITICAL_DATA");
            }
            return check_combinations(r, flags);
        }
        Some(Func::SetxattrCheck) => {
            if r.action != Action::Appraise {
                return fail(slot(IMA_FUNC), "func=SETXATTR_CHECK only on appraise");
            }
            if flags & IMA_VALIDATE_ALGOS == 0 {
                return fail(slot(IMA_FUNC), "func=SETXATTR_CHECK needs appraise_algos=");
            }
            IMA_FUNC | IMA_VALIDATE_ALGOS
        }
        Some(Func::PostSetattr) => return fail(slot(IMA_FUNC), "not a func= value"),
    };
    check_flags(flags, allowed)?;
    check_combinations(r, flags)
}

/// The func's list of allowed flags: the first other one is named.
fn check_flags(flags: u32, allowed: u32) -> Result<(), Violation> {
    let extra = flags & !allowed;
    if extra == 0 {
        return Ok(());
    }
    let reason = match extra & extra.wrapping_neg() {
        IMA_KEYRINGS => "keyrings= only with func=KEY_CHECK",
        IMA_LABEL => "label= only with func=CRITICAL_DATA",
        IMA_MODSIG_ALLOWED => {
            "imasig|modsig only with MODULE_CHECK, KEXEC_KERNEL_CHECK, KEXEC_INITRAMFS_CHECK"
        }
        IMA_VERITY_REQUIRED => "digest_type=verity not allowed with this func",
        _ => "condition not allowed with this func",
    };
    fail(slot(extra), reason)
}

fn check_combinations(r: &Rule, flags: u32) -> Result<(), Violation> {
    if flags & IMA_CHECK_BLACKLIST != 0 && flags & IMA_DIGSIG_REQUIRED == 0 {
        return fail(
            slot(IMA_CHECK_BLACKLIST),
            "blacklist check needs a signature",
        );
    }
    if r.action == Action::Appraise
        && flags & IMA_VERITY_REQUIRED != 0
        && flags & IMA_DIGSIG_REQUIRED == 0
    {
        return fail(
            slot(IMA_VERITY_REQUIRED),
            "appraise digest_type=verity needs appraise_type=sigv3",
        );
    }
    Ok(())
}

impl Rule {
    /// Whether the rule is one 6.12's `ima_parse_rule()` could have
    /// produced (`ima_validate_rule()` and the value ranges): `Err` says
    /// why not. Every rule [`parse_line`](crate::parse_line) returns passes.
    pub fn validate(&self) -> Result<(), &'static str> {
        self.validate_for(Upstream::V6_12)
    }

    /// [`Rule::validate`] as `upstream` validates; every rule
    /// [`parse_line_as`](crate::parse_line_as) returns for it passes.
    pub fn validate_for(&self, upstream: Upstream) -> Result<(), &'static str> {
        check(self, upstream).map_err(|v| v.reason)
    }
}
