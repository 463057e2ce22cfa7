// SPDX-License-Identifier: GPL-2.0
//! ima_ns.ko's module parameters, parsed once at load.
//!
//! The parameters are declared in C (`ima_ns/glue.c`: 7.3's Rust
//! `module!` takes integer parameters only, and 6.12's none that are
//! strings). The kernel shell (`ima_ns/params.rs`) copies their buffers
//! once at init, [`parse`]s them into one [`Params`] and keeps it for
//! the module's life; nothing else reads the parameters. A bad value
//! refuses the load with `EINVAL` and the [`ParamError`]'s line in the
//! log, as upstream's boot parameters would (they log and go on, the
//! module refuses instead: a wrong measurement list is worse than none).
//!
//! The coexistence parameters (`securityfs_dir`, `keyring_prefix`, `pcr`,
//! `host`) are only carried here: `ima_coexist::resolve` decides them
//! with what the kernel has.
#![no_std]
#![forbid(unsafe_code)]

use core::ffi::CStr;
use core::fmt;
use ima_policy::{BuiltinSelection, Upstream};
use ima_template::{FmtError, Template};
use ima_tpm::HashAlgo;

#[cfg(test)]
mod tests;

/// `ima_appraise=` (upstream's boot parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppraiseMode {
    /// Failures deny the access (`EACCES`).
    Enforce,
    /// Failures are logged and audited only.
    Log,
    /// As `Log`, and files without a valid hash get one written.
    Fix,
    /// `appraise` rules are ignored.
    Off,
}

impl AppraiseMode {
    /// Parses an `ima_appraise=` value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "enforce" => Self::Enforce,
            "log" => Self::Log,
            "fix" => Self::Fix,
            "off" => Self::Off,
            _ => return None,
        })
    }

    /// The parameter value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Log => "log",
            Self::Fix => "fix",
            Self::Off => "off",
        }
    }
}

/// The host template: a built-in one, or a format string's fields.
#[derive(Clone, Copy, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value for the module's life, and Copy"
)]
pub enum TemplateChoice {
    Builtin(&'static Template),
    Custom(Template),
}

impl TemplateChoice {
    /// The template.
    pub fn template(&self) -> &Template {
        match self {
            Self::Builtin(t) => t,
            Self::Custom(t) => t,
        }
    }
}

/// The coexistence parameters, as given (`ima_coexist::Params`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coexist<'a> {
    pub dir: &'a str,
    pub keyring_prefix: &'a str,
    /// -1: not given.
    pub pcr: i32,
    pub host: &'a str,
}

/// The parameter buffers as C declares them: strings NUL-padded.
#[derive(Clone, Copy, Debug)]
pub struct Raw<'a> {
    pub hash: &'a [u8],
    pub policy: &'a [u8],
    pub template: &'a [u8],
    pub template_fmt: &'a [u8],
    pub write_policy: bool,
    pub read_policy: bool,
    pub appraise: &'a [u8],
    pub keyring_restrict: bool,
    pub lock: bool,
    pub x509: &'a [u8],
    pub securityfs_dir: &'a [u8],
    pub keyring_prefix: &'a [u8],
    pub pcr: i32,
    pub host: &'a [u8],
    pub upstream: &'a [u8],
}

/// Every parameter, parsed.
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    /// `ima_hash=`.
    pub hash: HashAlgo,
    /// `ima_template_fmt=` if given, else `ima_template=`.
    pub template: TemplateChoice,
    /// `ima_policy=` as given (empty: none).
    pub policy_text: &'a str,
    /// `ima_policy=`, parsed.
    pub policy: BuiltinSelection,
    /// `write_policy=` (upstream's `CONFIG_IMA_WRITE_POLICY`).
    pub write_policy: bool,
    /// `read_policy=` (upstream's `CONFIG_IMA_READ_POLICY`).
    pub read_policy: bool,
    /// `ima_appraise=`.
    pub appraise: AppraiseMode,
    /// `keyring_restrict=` (`CONFIG_INTEGRITY_TRUSTED_KEYRING`).
    pub keyring_restrict: bool,
    /// `lock=`: measurement cannot be turned off.
    pub lock: bool,
    /// `ima_x509=`, if given.
    pub x509: Option<&'a CStr>,
    /// `upstream=`, or the kernel's own line.
    pub upstream: Upstream,
    /// `securityfs_dir=`, `keyring_prefix=`, `pcr=`, `host=`.
    pub coexist: Coexist<'a>,
}

impl Params<'_> {
    /// The defaults of `glue.c`'s declarations, before [`parse`] ran.
    pub const DEFAULT: Params<'static> = Params {
        hash: HashAlgo::Sha256,
        template: TemplateChoice::Builtin(&ima_template::IMA_NG),
        policy_text: "",
        policy: BuiltinSelection {
            tcb: false,
            original_tcb: false,
            secure_boot: false,
            appraise_tcb: false,
            critical_data: false,
            fail_securely: false,
        },
        write_policy: true,
        read_policy: true,
        appraise: AppraiseMode::Enforce,
        keyring_restrict: false,
        lock: false,
        x509: None,
        upstream: Upstream::V6_12,
        coexist: Coexist {
            dir: "",
            keyring_prefix: "",
            pcr: -1,
            host: "",
        },
    };

    /// Whether `appraise` rules take effect.
    pub fn appraise_enabled(&self) -> bool {
        self.appraise != AppraiseMode::Off
    }
}

/// Why the module refuses to load; its `Display` is the log line.
#[derive(Clone, Copy, Debug)]
pub enum ParamError<'a> {
    Hash(&'a str),
    Template(&'a str, FmtError),
    /// The template (by the name lists show) records SHA-1 only.
    TemplateSha1Only(&'a str),
    Appraise(&'a str),
    Upstream(&'a str),
    Policy(&'a str),
}

impl fmt::Display for ParamError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hash(s) => write!(f, "ima_hash={s} is not one of sha1, sha256, sha384, sha512"),
            Self::Template(s, e) => {
                write!(f, "template \"{s}\": not a template name or field list ({e:?})")
            }
            Self::TemplateSha1Only(name) => write!(
                f,
                "template \"{name}\" records SHA-1 digests only: load with ima_hash=sha1"
            ),
            Self::Appraise(s) => {
                write!(f, "ima_appraise={s} is not one of enforce, log, fix, off")
            }
            Self::Upstream(s) => write!(f, "upstream={s} is not one of 6.12, 7.3"),
            Self::Policy(s) => write!(
                f,
                "ima_policy: \"{s}\" is not a built-in policy (tcb, original_tcb, appraise_tcb, secure_boot, critical_data)"
            ),
        }
    }
}

/// A NUL-padded parameter buffer as a string (empty if not UTF-8).
pub fn nul_padded(bytes: &[u8]) -> &str {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    core::str::from_utf8(&bytes[..len]).unwrap_or("")
}

/// `ima_template=` / `ima_template_fmt=`: a built-in template by name or
/// format string, else a custom format (upstream's `ima_template_setup()`
/// and `ima_template_fmt_setup()`).
pub fn parse_template(text: &str) -> Result<TemplateChoice, FmtError> {
    if let Some(t) = Template::lookup(text) {
        return Ok(TemplateChoice::Builtin(t));
    }
    Template::parse_fmt(text).map(TemplateChoice::Custom)
}

/// Parses every parameter, in the order the module always checked them;
/// `kernel_line` is what `upstream=` defaults to.
pub fn parse<'a>(raw: &Raw<'a>, kernel_line: Upstream) -> Result<Params<'a>, ParamError<'a>> {
    let hash_text = nul_padded(raw.hash);
    let hash = HashAlgo::from_name(hash_text).ok_or(ParamError::Hash(hash_text))?;
    // As upstream, a format string wins over a template name.
    let fmt = nul_padded(raw.template_fmt);
    let text = if fmt.is_empty() {
        nul_padded(raw.template)
    } else {
        fmt
    };
    let template = parse_template(text).map_err(|e| ParamError::Template(text, e))?;
    if !template.template().allows_hash_algo(hash) {
        // The name lists show: a built-in's, or a custom one's format,
        // which is `text` (the field ids, as given).
        return Err(ParamError::TemplateSha1Only(match template {
            TemplateChoice::Builtin(t) => t.name(),
            TemplateChoice::Custom(_) => text,
        }));
    }
    let appraise_text = nul_padded(raw.appraise);
    let appraise = AppraiseMode::parse(appraise_text).ok_or(ParamError::Appraise(appraise_text))?;
    let up = nul_padded(raw.upstream);
    let upstream = if up.is_empty() {
        kernel_line
    } else {
        Upstream::from_name(up).ok_or(ParamError::Upstream(up))?
    };
    let policy_text = nul_padded(raw.policy);
    let policy = BuiltinSelection::parse(policy_text).map_err(ParamError::Policy)?;
    let x509 = CStr::from_bytes_until_nul(raw.x509)
        .ok()
        .filter(|s| !s.is_empty());
    Ok(Params {
        hash,
        template,
        policy_text,
        policy,
        write_policy: raw.write_policy,
        read_policy: raw.read_policy,
        appraise,
        keyring_restrict: raw.keyring_restrict,
        lock: raw.lock,
        x509,
        upstream,
        coexist: Coexist {
            dir: nul_padded(raw.securityfs_dir),
            keyring_prefix: nul_padded(raw.keyring_prefix),
            pcr: raw.pcr,
            host: nul_padded(raw.host),
        },
    })
}
