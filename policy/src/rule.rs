// SPDX-License-Identifier: GPL-2.0
//! A parsed policy rule (`struct ima_rule_entry`) and how it matches an
//! event (`ima_match_rules()`).

use crate::algo::HashAlgos;
use crate::event::Event;
use crate::inline_str::InlineStr;
use crate::template::Template;
use crate::upstream::Upstream;

/// A rule's action. The discriminants are upstream's action values
/// (`MEASURE`, `DONT_MEASURE`, ... in ima_policy.c), so
/// `Action::bits` is a plain load on the hot path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Action {
    /// `measure`.
    Measure = 0x1,
    /// `dont_measure`.
    DontMeasure = 0x2,
    /// `appraise`.
    Appraise = 0x4,
    /// `dont_appraise`.
    DontAppraise = 0x8,
    /// `audit`.
    Audit = 0x40,
    /// `dont_audit` (7.3; not in [`Action::ALL`], 6.12's set).
    DontAudit = 0x80,
    /// `hash`.
    Hash = 0x100,
    /// `dont_hash`.
    DontHash = 0x200,
}

impl Action {
    /// Every action of 6.12, in the order `ima_policy_show()` tests them.
    pub const ALL: [Action; 7] = [
        Self::Measure,
        Self::DontMeasure,
        Self::Appraise,
        Self::DontAppraise,
        Self::Audit,
        Self::Hash,
        Self::DontHash,
    ];

    /// Every action of 7.3 (`dont_audit` added), in `ima_policy_show()`'s
    /// order.
    pub const ALL_7_3: [Action; 8] = [
        Self::Measure,
        Self::DontMeasure,
        Self::Appraise,
        Self::DontAppraise,
        Self::Audit,
        Self::DontAudit,
        Self::Hash,
        Self::DontHash,
    ];

    /// The keyword.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Measure => "measure",
            Self::DontMeasure => "dont_measure",
            Self::Appraise => "appraise",
            Self::DontAppraise => "dont_appraise",
            Self::Audit => "audit",
            Self::DontAudit => "dont_audit",
            Self::Hash => "hash",
            Self::DontHash => "dont_hash",
        }
    }

    /// Parses an action keyword of 6.12.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::from_name_for(s, Upstream::V6_12)
    }

    /// Parses an action keyword of `upstream`'s grammar.
    pub fn from_name_for(s: &str, upstream: Upstream) -> Option<Self> {
        if upstream.policy_7_3_grammar() {
            Self::ALL_7_3.into_iter().find(|a| a.name() == s)
        } else {
            Self::ALL.into_iter().find(|a| a.name() == s)
        }
    }

    /// Upstream's action value (`MEASURE`, `DONT_MEASURE`, ... in
    /// ima_policy.c).
    #[inline]
    pub(crate) const fn bits(self) -> u32 {
        self as u32
    }
}

/// The hook a rule applies to (`enum ima_hooks`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[expect(missing_docs, reason = "names are upstream's func= values")]
pub enum Func {
    #[default]
    FileCheck,
    MmapCheck,
    MmapCheckReqprot,
    BprmCheck,
    CredsCheck,
    ModuleCheck,
    FirmwareCheck,
    KexecKernelCheck,
    KexecInitramfsCheck,
    PolicyCheck,
    KexecCmdline,
    KeyCheck,
    CriticalData,
    SetxattrCheck,
    /// `POST_SETATTR`: an event-only hook (appraisal after a setattr). No
    /// rule can name it; when an event has it, rules match regardless of
    /// their `func=` and `mask=`, as upstream.
    PostSetattr,
}

impl Func {
    /// A buffer event (`KEY_CHECK`, `CRITICAL_DATA`): rules match on
    /// `func=` and the data's name only, whatever else they test.
    #[inline]
    pub const fn is_buffer(self) -> bool {
        matches!(self, Self::KeyCheck | Self::CriticalData)
    }

    /// Every func a rule can name, in `enum ima_hooks` order.
    pub const ALL: [Func; 14] = [
        Self::FileCheck,
        Self::MmapCheck,
        Self::MmapCheckReqprot,
        Self::BprmCheck,
        Self::CredsCheck,
        Self::ModuleCheck,
        Self::FirmwareCheck,
        Self::KexecKernelCheck,
        Self::KexecInitramfsCheck,
        Self::PolicyCheck,
        Self::KexecCmdline,
        Self::KeyCheck,
        Self::CriticalData,
        Self::SetxattrCheck,
    ];

    /// Number of [`Func`] values, including [`Func::PostSetattr`].
    pub const COUNT: usize = 15;

    /// A dense number below [`Func::COUNT`], for tables indexed by func.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The canonical name `ima_policy_show()` prints.
    pub const fn name(self) -> &'static str {
        match self {
            Self::FileCheck => "FILE_CHECK",
            Self::MmapCheck => "MMAP_CHECK",
            Self::MmapCheckReqprot => "MMAP_CHECK_REQPROT",
            Self::BprmCheck => "BPRM_CHECK",
            Self::CredsCheck => "CREDS_CHECK",
            Self::ModuleCheck => "MODULE_CHECK",
            Self::FirmwareCheck => "FIRMWARE_CHECK",
            Self::KexecKernelCheck => "KEXEC_KERNEL_CHECK",
            Self::KexecInitramfsCheck => "KEXEC_INITRAMFS_CHECK",
            Self::PolicyCheck => "POLICY_CHECK",
            Self::KexecCmdline => "KEXEC_CMDLINE",
            Self::KeyCheck => "KEY_CHECK",
            Self::CriticalData => "CRITICAL_DATA",
            Self::SetxattrCheck => "SETXATTR_CHECK",
            Self::PostSetattr => "POST_SETATTR",
        }
    }

    /// Parses a `func=` value, with upstream's aliases (`PATH_CHECK`,
    /// `FILE_MMAP`). `POST_SETATTR` is not a `func=` value.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "PATH_CHECK" => Some(Self::FileCheck),
            "FILE_MMAP" => Some(Self::MmapCheck),
            _ => Self::ALL.into_iter().find(|f| f.name() == s),
        }
    }
}

/// A `mask=` condition: one `MAY_*` bit, exact (`mask=`) or any-of
/// (`mask=^`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mask {
    /// The `MAY_*` bit named.
    pub bits: u32,
    /// `^` (`IMA_INMASK`): the event's mask need only contain the bit.
    pub inverted: bool,
}

/// Comparison of an id condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdOp {
    /// `=`.
    Eq,
    /// `>`.
    Gt,
    /// `<`.
    Lt,
}

/// An id condition such as `uid>1000` (ids compare unsigned, as
/// `uid_gt()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IdCond {
    /// Comparison.
    pub op: IdOp,
    /// The id, in the policy writer's user namespace (initial one for now).
    pub id: u32,
}

impl IdCond {
    /// Whether `v` satisfies the condition.
    #[inline]
    pub fn holds(self, v: u32) -> bool {
        match self.op {
            IdOp::Eq => v == self.id,
            IdOp::Gt => v > self.id,
            IdOp::Lt => v < self.id,
        }
    }
}

/// Which subject uid a rule tests. Upstream keeps `uid` and `euid` in one
/// field, so a rule can have only one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubjectId {
    /// `uid`: the real uid.
    Uid(IdCond),
    /// `euid`: the effective uid (also suid and uid with CAP_SETUID).
    Euid(IdCond),
}

/// Which subject gid a rule tests; like [`SubjectId`], one per rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubjectGid {
    /// `gid`: the real gid.
    Gid(IdCond),
    /// `egid`: the effective gid (also sgid and gid with CAP_SETGID).
    Egid(IdCond),
}

/// The six LSM label conditions, in upstream's `lsm[]` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LsmField {
    /// `obj_user=`.
    ObjUser,
    /// `obj_role=`.
    ObjRole,
    /// `obj_type=`.
    ObjType,
    /// `subj_user=`.
    SubjUser,
    /// `subj_role=`.
    SubjRole,
    /// `subj_type=`.
    SubjType,
}

impl LsmField {
    /// All six, in `lsm[]` order (the order of matching and showing).
    pub const ALL: [LsmField; 6] = [
        Self::ObjUser,
        Self::ObjRole,
        Self::ObjType,
        Self::SubjUser,
        Self::SubjRole,
        Self::SubjType,
    ];

    /// The key before `=`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::ObjUser => "obj_user",
            Self::ObjRole => "obj_role",
            Self::ObjType => "obj_type",
            Self::SubjUser => "subj_user",
            Self::SubjRole => "subj_role",
            Self::SubjType => "subj_type",
        }
    }

    /// Whether the condition is on the subject (task) rather than the
    /// object (inode).
    pub const fn is_subject(self) -> bool {
        matches!(self, Self::SubjUser | Self::SubjRole | Self::SubjType)
    }

    /// The audit field type `ima_filter_rule_init()` is given
    /// (`AUDIT_SUBJ_USER` ... from include/uapi/linux/audit.h).
    pub const fn audit_type(self) -> u32 {
        match self {
            Self::SubjUser => 13,
            Self::SubjRole => 14,
            Self::SubjType => 15,
            Self::ObjUser => 19,
            Self::ObjRole => 20,
            Self::ObjType => 21,
        }
    }
}

/// `appraise_type=`: which signatures appraisal requires. All of them set
/// `IMA_DIGSIG_REQUIRED | IMA_CHECK_BLACKLIST`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppraiseType {
    /// `imasig`: a signature in `security.ima`.
    ImaSig,
    /// `imasig|modsig`: also an appended signature (`IMA_MODSIG_ALLOWED`).
    ImaSigModsig,
    /// `sigv3`: a v3 signature (`IMA_SIGV3_REQUIRED` in 7.3). 6.12: an
    /// fs-verity signature, only after `digest_type=verity`; 7.3: any
    /// file's, in either order.
    Sigv3,
}

impl AppraiseType {
    /// The value `ima_policy_show()` prints.
    pub const fn name(self) -> &'static str {
        match self {
            Self::ImaSig => "imasig",
            Self::ImaSigModsig => "imasig|modsig",
            Self::Sigv3 => "sigv3",
        }
    }
}

/// Capacity of `fsname=` (filesystem type names are short).
pub const FSNAME_MAX: usize = 32;
/// Capacity of a `keyrings=` or `label=` value, `|` separators included.
pub const OPT_LIST_MAX: usize = 255;
/// Capacity of one LSM label (`subj_type=` ...).
pub const LSM_LABEL_MAX: usize = 255;

/// An `fsname=` value.
pub type FsName = InlineStr<FSNAME_MAX>;
/// An LSM label value.
pub type LsmLabel = InlineStr<LSM_LABEL_MAX>;

/// A `|`-separated list of non-empty names (`keyrings=`, `label=`), as
/// `ima_alloc_rule_opt_list()` accepts.
///
/// # Invariants
///
/// Non-empty; no item is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OptList(InlineStr<OPT_LIST_MAX>);

impl OptList {
    /// Parses a list: `Err` with a reason for an empty item or a value over
    /// [`OPT_LIST_MAX`] bytes.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        if s.split('|').any(str::is_empty) {
            return Err("empty list item");
        }
        // INVARIANT: checked above; `split` yields at least one item.
        InlineStr::new(s)
            .map(Self)
            .ok_or("list longer than 255 bytes")
    }

    /// The items.
    pub fn items(&self) -> impl Iterator<Item = &str> {
        self.0.as_str().split('|')
    }

    /// Whether `name` is one of the items (`strcmp()`).
    pub fn contains(&self, name: &[u8]) -> bool {
        self.0.as_bytes().split(|&b| b == b'|').any(|i| i == name)
    }

    /// The list as written, `|`-separated.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A filesystem UUID (`uuid_t`), bytes in the order they are written.
pub type Uuid = [u8; 16];

/// A rule's fixed-size part: every condition and option but its strings.
///
/// Small (about a hundred bytes) and `Copy`: stored rule sets keep it
/// inline and the rare strings out of line ([`CompactRule`](crate::CompactRule)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleCore {
    /// Action taken when the rule matches.
    pub action: Action,
    /// `func=`.
    pub func: Option<Func>,
    /// `mask=`.
    pub mask: Option<Mask>,
    /// `fsmagic=`.
    pub fsmagic: Option<u64>,
    /// `uid`/`euid` condition.
    pub subject: Option<SubjectId>,
    /// `gid`/`egid` condition.
    pub group: Option<SubjectGid>,
    /// `fowner` condition.
    pub fowner: Option<IdCond>,
    /// `fgroup` condition.
    pub fgroup: Option<IdCond>,
    /// `fsuuid=`.
    pub fsuuid: Option<Uuid>,
    /// `pcr=`: 0..=63 (only on `measure`).
    pub pcr: Option<u8>,
    /// `template=` (only on `measure`).
    pub template: Option<Template>,
    /// `appraise_type=` (only on `appraise`).
    pub appraise_type: Option<AppraiseType>,
    /// `digest_type=verity` (`IMA_VERITY_REQUIRED`).
    pub digest_verity: bool,
    /// `permit_directio`.
    pub permit_directio: bool,
    /// `appraise_algos=` (only on `appraise`).
    pub appraise_algos: Option<HashAlgos>,
}

impl RuleCore {
    /// A core with `action` and no conditions.
    pub const fn new(action: Action) -> Self {
        Self {
            action,
            func: None,
            mask: None,
            fsmagic: None,
            fsuuid: None,
            subject: None,
            group: None,
            fowner: None,
            fgroup: None,
            pcr: None,
            template: None,
            appraise_type: None,
            digest_verity: false,
            appraise_algos: None,
            permit_directio: false,
        }
    }
}

/// One policy rule as [`parse_line`](crate::parse_line) returns it: its
/// [`RuleCore`] (whose fields read and write through `Deref`) and its
/// strings inline, at their caps. About 2 KiB: a parse result, not a
/// storage format; store rules as [`CompactRule`](crate::CompactRule)s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// Everything but the strings.
    pub core: RuleCore,
    /// `fsname=`.
    pub fsname: Option<FsName>,
    /// `keyrings=` (only with `func=KEY_CHECK`).
    pub keyrings: Option<OptList>,
    /// `label=` (only with `func=CRITICAL_DATA`).
    pub label: Option<OptList>,
    /// LSM label conditions, indexed by `LsmField as usize`.
    pub lsm: [Option<LsmLabel>; 6],
}

impl core::ops::Deref for Rule {
    type Target = RuleCore;
    fn deref(&self) -> &RuleCore {
        &self.core
    }
}

impl core::ops::DerefMut for Rule {
    fn deref_mut(&mut self) -> &mut RuleCore {
        &mut self.core
    }
}

impl Rule {
    /// A rule with `action` and no conditions: it matches every file event.
    pub const fn new(action: Action) -> Self {
        Self {
            core: RuleCore::new(action),
            fsname: None,
            lsm: [None; 6],
            keyrings: None,
            label: None,
        }
    }
}

/// A string-valued condition of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextField {
    /// `fsname=`.
    FsName,
    /// `keyrings=`.
    Keyrings,
    /// `label=`.
    Label,
    /// An LSM label condition.
    Lsm(LsmField),
}

impl TextField {
    /// Every text field.
    pub const ALL: [TextField; 9] = [
        Self::FsName,
        Self::Keyrings,
        Self::Label,
        Self::Lsm(LsmField::ObjUser),
        Self::Lsm(LsmField::ObjRole),
        Self::Lsm(LsmField::ObjType),
        Self::Lsm(LsmField::SubjUser),
        Self::Lsm(LsmField::SubjRole),
        Self::Lsm(LsmField::SubjType),
    ];

    /// A dense number below 9 (the tag in [`CompactRule`](crate::CompactRule)'s packed text).
    pub const fn tag(self) -> u8 {
        match self {
            Self::FsName => 0,
            Self::Keyrings => 1,
            Self::Label => 2,
            Self::Lsm(f) => 3 + f as u8,
        }
    }
}

/// A rule in whatever form it is kept: its [`RuleCore`] and its strings.
/// Matching ([`PolicyRule::matches_with`]), showing (`Display`) and
/// evaluation work on any implementation, so a [`Rule`] and the
/// [`CompactRule`](crate::CompactRule) made from it behave the same.
pub trait PolicyRule {
    /// The fixed-size part.
    fn core(&self) -> &RuleCore;

    /// The value of `field`, if the rule has one.
    fn text(&self, field: TextField) -> Option<&str>;

    /// Whether the rule has any string condition (`false` lets matching
    /// skip the lookups).
    fn has_text(&self) -> bool {
        TextField::ALL.iter().any(|&f| self.text(f).is_some())
    }

    /// The rule's LSM label condition `field`, if any.
    fn lsm_label(&self, field: LsmField) -> Option<&str> {
        self.text(TextField::Lsm(field))
    }

    /// Whether the rule has LSM label conditions, which only the kernel
    /// can evaluate (see [`PolicyRule::matches_with`]).
    fn needs_lsm(&self) -> bool {
        self.has_text() && LsmField::ALL.iter().any(|&f| self.lsm_label(f).is_some())
    }

    /// Whether the rule applies to `e` (`ima_match_rules()`), treating
    /// every LSM label condition as not holding: a rule for which
    /// [`PolicyRule::needs_lsm`] is true never matches here.
    #[inline]
    fn matches(&self, e: &Event<'_>) -> bool
    where
        Self: Sized,
    {
        self.matches_with(e, &mut |_, _| false)
    }

    /// `ima_match_rules()`. After every other condition holds, `lsm` is
    /// called for each LSM label condition in `lsm[]` order with the field
    /// and label; the rule matches only if it returns true for all of them.
    /// It is the kernel's `security_filter_rule_match()` (with the inode's
    /// secid for `obj_*`, the task's for `subj_*`).
    #[inline(always)]
    fn matches_with(&self, e: &Event<'_>, lsm: &mut impl FnMut(LsmField, &str) -> bool) -> bool
    where
        Self: Sized,
    {
        matches_with(self, e, lsm)
    }
}

impl PolicyRule for Rule {
    #[inline]
    fn core(&self) -> &RuleCore {
        &self.core
    }

    fn text(&self, field: TextField) -> Option<&str> {
        match field {
            TextField::FsName => self.fsname.as_ref().map(|s| s.as_str()),
            TextField::Keyrings => self.keyrings.as_ref().map(OptList::as_str),
            TextField::Label => self.label.as_ref().map(OptList::as_str),
            TextField::Lsm(f) => self.lsm[f as usize].as_ref().map(|s| s.as_str()),
        }
    }

    fn has_text(&self) -> bool {
        self.fsname.is_some()
            || self.keyrings.is_some()
            || self.label.is_some()
            || self.lsm.iter().any(Option::is_some)
    }
}

/// `ima_match_rules()`. The conditions are all tested (only their
/// result matters, and none has side effects) before the LSM callback, so
/// their order is free: `fsmagic=` first (the filesystem exclusions,
/// `dont_measure fsmagic=...`, are most of the rules every file event
/// walks past: `tcb` has 12 of 21), then the hook's `func=`/`mask=`, the
/// ids most rules test, the rare conditions last. Always inlined into the
/// walk's loop (see [`PolicyWalk::step`](crate::PolicyWalk::step)), all
/// but the rare conditions.
#[inline(always)]
fn matches_with(
    r: &impl PolicyRule,
    e: &Event<'_>,
    lsm: &mut impl FnMut(LsmField, &str) -> bool,
) -> bool {
    // Buffer events test `func=` and their data only, as upstream.
    if e.func.is_buffer() {
        return r.core().func == Some(e.func) && matches_func_data(r, e);
    }
    matches_file(r, e, lsm)
}

/// [`matches_with`] for an event that is not a buffer event
/// ([`Func::is_buffer`]): the walk decides that once per walk, not once
/// per rule ([`PolicyWalk::step_indexed`](crate::PolicyWalk::step_indexed)).
#[inline(always)]
pub(crate) fn matches_file(
    r: &impl PolicyRule,
    e: &Event<'_>,
    lsm: &mut impl FnMut(LsmField, &str) -> bool,
) -> bool {
    let c = r.core();
    if c.fsmagic.is_some_and(|m| m != e.fsmagic) {
        return false;
    }
    match e.func {
        // Regardless of `func=` and `mask=`, as upstream.
        Func::PostSetattr | Func::KeyCheck | Func::CriticalData => {}
        f => {
            if c.func.is_some_and(|g| g != f) {
                return false;
            }
            if let Some(m) = c.mask {
                let ok = if m.inverted {
                    m.bits & e.mask != 0
                } else {
                    m.bits == e.mask
                };
                if !ok {
                    return false;
                }
            }
        }
    }
    match c.subject {
        Some(SubjectId::Uid(c)) if !c.holds(e.uid) => return false,
        Some(SubjectId::Euid(c)) => {
            let ok = if e.cap_setuid {
                c.holds(e.euid) || c.holds(e.suid) || c.holds(e.uid)
            } else {
                c.holds(e.euid)
            };
            if !ok {
                return false;
            }
        }
        _ => {}
    }
    if c.fowner.is_some_and(|c| !c.holds(e.fowner)) {
        return false;
    }
    matches_rare(r, e, lsm)
}

/// The rest of [`matches_with`]: conditions few rules have, and the LSM
/// labels: out of line, to keep the walk's loop small.
#[inline(never)]
fn matches_rare(
    r: &impl PolicyRule,
    e: &Event<'_>,
    lsm: &mut impl FnMut(LsmField, &str) -> bool,
) -> bool {
    let c = r.core();
    match c.group {
        Some(SubjectGid::Gid(c)) if !c.holds(e.gid) => return false,
        Some(SubjectGid::Egid(c)) => {
            let ok = if e.cap_setgid {
                c.holds(e.egid) || c.holds(e.sgid) || c.holds(e.gid)
            } else {
                c.holds(e.egid)
            };
            if !ok {
                return false;
            }
        }
        _ => {}
    }
    if c.fgroup.is_some_and(|c| !c.holds(e.fgroup)) {
        return false;
    }
    if c.fsuuid.is_some_and(|u| u != e.fsuuid) {
        return false;
    }
    if !r.has_text() {
        return true;
    }
    if r.text(TextField::FsName)
        .is_some_and(|n| n.as_bytes() != e.fsname)
    {
        return false;
    }
    for field in LsmField::ALL {
        if let Some(label) = r.lsm_label(field) {
            if !lsm(field, label) {
                return false;
            }
        }
    }
    true
}

/// `ima_match_rule_data()`: for `KEY_CHECK` and `CRITICAL_DATA`.
fn matches_func_data(r: &impl PolicyRule, e: &Event<'_>) -> bool {
    if let Some(SubjectId::Uid(c)) = r.core().subject {
        if !c.holds(e.uid) {
            return false;
        }
    }
    let list = match e.func {
        Func::KeyCheck => r.text(TextField::Keyrings),
        Func::CriticalData => r.text(TextField::Label),
        _ => return false,
    };
    match (list, e.func_data) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(list), Some(name)) => list.as_bytes().split(|&b| b == b'|').any(|i| i == name),
    }
}
