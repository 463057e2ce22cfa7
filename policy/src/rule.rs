//! A parsed policy rule and how it matches an event.

use crate::event::Event;

/// A rule's action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `measure`.
    Measure,
    /// `dont_measure`.
    DontMeasure,
}

/// The hook a rule applies to (`enum ima_hooks`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "names are upstream's func= values")]
pub enum Func {
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
}

impl Func {
    /// Every func, in `enum ima_hooks` order.
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
        }
    }

    /// Parses a `func=` value, with upstream's aliases.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "PATH_CHECK" => Some(Self::FileCheck),
            "FILE_MMAP" => Some(Self::MmapCheck),
            _ => Self::ALL.into_iter().find(|f| f.name() == s),
        }
    }
}

/// A `mask=` condition: `MAY_*` bits, exact (`mask=`) or any-of (`mask=^`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mask {
    /// The `MAY_*` bit named.
    pub bits: u32,
    /// `^`: the event's mask need only contain the bit.
    pub inverted: bool,
}

/// Comparison of a `uid`/`euid`/`fowner` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdOp {
    /// `=`.
    Eq,
    /// `>`.
    Gt,
    /// `<`.
    Lt,
}

/// An id condition such as `uid>1000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdCond {
    /// Comparison.
    pub op: IdOp,
    /// The id, in the policy writer's user namespace (initial one for now).
    pub id: u32,
}

impl IdCond {
    fn holds(self, v: u32) -> bool {
        match self.op {
            IdOp::Eq => v == self.id,
            IdOp::Gt => v > self.id,
            IdOp::Lt => v < self.id,
        }
    }
}

/// Which subject id a rule tests. Upstream keeps `uid` and `euid` in one
/// field, so a rule can have only one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectId {
    /// `uid`: the real uid.
    Uid(IdCond),
    /// `euid`: the effective uid (also suid and uid with CAP_SETUID).
    Euid(IdCond),
}

/// One policy rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
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
    /// `fowner` condition.
    pub fowner: Option<IdCond>,
}

impl Rule {
    /// A rule with `action` and no conditions: it matches every event.
    pub const fn new(action: Action) -> Self {
        Self {
            action,
            func: None,
            mask: None,
            fsmagic: None,
            subject: None,
            fowner: None,
        }
    }

    /// Whether the rule applies to `e` (`ima_match_rules()`).
    pub fn matches(&self, e: &Event) -> bool {
        if self.func.is_some_and(|f| f != e.func) {
            return false;
        }
        if let Some(m) = self.mask {
            let ok = if m.inverted {
                m.bits & e.mask != 0
            } else {
                m.bits == e.mask
            };
            if !ok {
                return false;
            }
        }
        if self.fsmagic.is_some_and(|m| m != e.fsmagic) {
            return false;
        }
        match self.subject {
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
        self.fowner.is_none_or(|c| c.holds(e.fowner))
    }
}
