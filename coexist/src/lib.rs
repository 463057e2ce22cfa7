// SPDX-License-Identifier: GPL-2.0
//! Coexistence with built-in IMA: which securityfs directory, keyring
//! names, PCR and host mode ima_ns.ko uses, decided once at load from its
//! module parameters and from whether the kernel has IMA built in.
//!
//! Pure logic: no kernel calls, no allocation. The kernel shell
//! (`ima_ns/coexist.rs`) detects built-in IMA, reads the parameters, calls
//! [`resolve`] and keeps the [`Settings`]; see Documentation/coexistence.md
//! for why each default is what it is.
#![no_std]
#![forbid(unsafe_code)]

use core::fmt;

/// The securityfs directory without built-in IMA: upstream's own path, so
/// tools find `/sys/kernel/security/ima` as they expect.
pub const DIR_ALONE: &str = "ima";
/// The securityfs directory beside built-in IMA, which owns `ima`.
pub const DIR_BESIDE_IMA: &str = "ima-ns";
/// Keyring name prefix without built-in IMA: `.ima`, `.evm`, `.ima_ns<id>`.
pub const KEYRING_PREFIX_ALONE: &str = ".";
/// Keyring name prefix beside built-in IMA, whose keyrings are `.ima` and
/// `.evm` (`_ima` and `_evm` without `CONFIG_INTEGRITY_TRUSTED_KEYRING`):
/// `.ima_ns.ima`, `.ima_ns.evm`, `.ima_ns.ima_ns<id>`.
pub const KEYRING_PREFIX_BESIDE_IMA: &str = ".ima_ns.";
/// PCR of the host list without built-in IMA (`CONFIG_IMA_MEASURE_PCR_IDX`).
pub const PCR_ALONE: u32 = 10;
/// PCR of the host list beside built-in IMA, which extends PCR 10: the
/// last of the PC Client's OS PCRs (8-15; 16 and 23 are resettable by
/// software, 17-22 are extended from DRTM localities only). 11-13 carry a
/// unified kernel image and its phases (systemd-stub, systemd-pcrphase) and
/// are what signed disk-unlock policies bind to; 14 is shim's MOK state,
/// recorded in the firmware event log that boot verifiers replay; 15 is
/// extended only by systemd's opt-in identity measurements (machine-id,
/// file systems, volume keys), logged in userspace.
pub const PCR_BESIDE_IMA: u32 = 15;
/// The PCR built-in IMA extends by default.
pub const BUILTIN_IMA_PCR: u32 = 10;
/// Longest securityfs directory name accepted.
pub const MAX_DIR_LEN: usize = 32;
/// Longest keyring prefix accepted (the `keyring_prefix` buffer is 17 bytes).
pub const MAX_KEYRING_PREFIX_LEN: usize = 16;

/// What the kernel has, as found at load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// IMA is built in: `ima_measure_critical_data()` is exported.
    pub builtin_ima: bool,
}

/// Who keeps the host's measurement list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostMode {
    /// The module: its own host policy, list and PCR.
    Own,
    /// Built-in IMA: the module runs namespaces only and records their
    /// anchors in built-in IMA's list as critical data.
    Ima,
}

impl HostMode {
    /// The parameter's spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::Ima => "ima",
        }
    }
}

/// The module parameters as given; empty strings and a negative `pcr`
/// mean "choose for me".
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    pub dir: &'a str,
    pub keyring_prefix: &'a str,
    pub pcr: i32,
    pub host: &'a str,
}

/// What the module uses, decided once at load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings<'a> {
    /// The securityfs directory, or (when not given) the directories to
    /// try in order: the first that does not exist yet.
    pub dirs: Dirs<'a>,
    pub keyring_prefix: &'a str,
    /// The PCR the host list extends (host mode `own`).
    pub pcr: u32,
    pub host: HostMode,
}

/// Candidate securityfs directory names, in the order to try them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dirs<'a> {
    /// `securityfs_dir=` was given: that one or nothing.
    Given(&'a str),
    /// [`DIR_ALONE`] when free, else [`DIR_BESIDE_IMA`].
    Auto,
}

impl<'a> Dirs<'a> {
    /// The names to try, in order.
    pub fn candidates(self) -> impl Iterator<Item = &'a str> {
        let (a, b) = match self {
            Self::Given(d) => (d, None),
            Self::Auto => (DIR_ALONE, Some(DIR_BESIDE_IMA)),
        };
        core::iter::once(a).chain(b)
    }
}

/// A parameter the module refuses to load with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// `securityfs_dir=`: empty parts, `/`, or not `[A-Za-z0-9._-]`.
    Dir,
    /// `keyring_prefix=`: must start with `.` (userspace cannot create
    /// such keyrings) and be `[A-Za-z0-9._-]`, at most 16 bytes.
    KeyringPrefix,
    /// `keyring_prefix=.` beside built-in IMA: `.ima` and `.evm` are its.
    KeyringPrefixTaken,
    /// `pcr=`: not one of the OS PCRs 8-15.
    Pcr,
    /// `pcr=10` with `host=own` beside built-in IMA: both lists would
    /// extend it and neither would replay.
    PcrTaken,
    /// `host=`: not `own` or `ima`.
    Host,
    /// `host=ima` on a kernel without IMA.
    HostImaMissing,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Dir => "securityfs_dir= must be a name of [A-Za-z0-9._-], at most 32 bytes, not . or ..",
            Self::KeyringPrefix => "keyring_prefix= must start with '.' and be [A-Za-z0-9._-], at most 16 bytes",
            Self::KeyringPrefixTaken => "keyring_prefix=. names built-in IMA's keyrings .ima and .evm: choose another prefix",
            Self::Pcr => "pcr= must be one of the OS PCRs 8-15 (0-7 are firmware's, 16 and 23 resettable, 17-22 DRTM's)",
            Self::PcrTaken => "pcr=10 is built-in IMA's: with host=own the module needs another PCR",
            Self::Host => "host= must be own or ima",
            Self::HostImaMissing => "host=ima needs IMA built into the kernel (CONFIG_IMA): this kernel has none",
        })
    }
}

fn name_chars_ok(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Decides the settings from the parameters and the facts.
pub fn resolve<'a>(p: &Params<'a>, facts: Facts) -> Result<Settings<'a>, ParamError> {
    let host = match p.host {
        "" if facts.builtin_ima => HostMode::Ima,
        "" | "own" => HostMode::Own,
        "ima" => HostMode::Ima,
        _ => return Err(ParamError::Host),
    };
    if host == HostMode::Ima && !facts.builtin_ima {
        return Err(ParamError::HostImaMissing);
    }
    let dirs = match p.dir {
        "" => Dirs::Auto,
        "." | ".." => return Err(ParamError::Dir),
        d if d.len() <= MAX_DIR_LEN && name_chars_ok(d) => Dirs::Given(d),
        _ => return Err(ParamError::Dir),
    };
    let keyring_prefix = match p.keyring_prefix {
        "" if facts.builtin_ima => KEYRING_PREFIX_BESIDE_IMA,
        "" => KEYRING_PREFIX_ALONE,
        k if !k.starts_with('.') || k.len() > MAX_KEYRING_PREFIX_LEN || !name_chars_ok(k) => {
            return Err(ParamError::KeyringPrefix)
        }
        KEYRING_PREFIX_ALONE if facts.builtin_ima => return Err(ParamError::KeyringPrefixTaken),
        k => k,
    };
    let pcr = match p.pcr {
        n if n < 0 && facts.builtin_ima => PCR_BESIDE_IMA,
        n if n < 0 => PCR_ALONE,
        n @ 8..=15 => n as u32,
        _ => return Err(ParamError::Pcr),
    };
    if facts.builtin_ima && host == HostMode::Own && pcr == BUILTIN_IMA_PCR {
        return Err(ParamError::PcrTaken);
    }
    Ok(Settings {
        dirs,
        keyring_prefix,
        pcr,
        host,
    })
}

/// What a keyring is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyringPurpose {
    /// `security.ima` signatures.
    Ima,
    /// `security.evm` signatures.
    Evm,
}

impl KeyringPurpose {
    const fn word(self) -> &'static str {
        match self {
            Self::Ima => "ima",
            Self::Evm => "evm",
        }
    }
}

/// A keyring's name: `<prefix>ima` for the host (`.ima` with the prefix
/// `.`), `<prefix>ima_ns<id>` for namespace `id`.
#[derive(Clone, Copy, Debug)]
pub struct KeyringName<'a> {
    pub prefix: &'a str,
    pub purpose: KeyringPurpose,
    pub id: u64,
}

impl fmt::Display for KeyringName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix)?;
        f.write_str(self.purpose.word())?;
        match self.id {
            0 => Ok(()),
            id => write!(f, "_ns{id}"),
        }
    }
}

/// The namespace whose keyring `name` is, if it is one of the module's
/// under `prefix`: the inverse of [`KeyringName`].
pub fn keyring_owner(prefix: &str, name: &[u8]) -> Option<u64> {
    let rest = name.strip_prefix(prefix.as_bytes())?;
    let rest = rest
        .strip_prefix(b"ima")
        .or_else(|| rest.strip_prefix(b"evm"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let digits = rest.strip_prefix(b"_ns")?;
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut id = 0u64;
    for d in digits {
        id = id.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    (id != 0).then_some(id)
}
