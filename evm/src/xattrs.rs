// SPDX-License-Identifier: GPL-2.0
//! The protected xattrs (`evm_config_default_xattrnames[]`) and writes to
//! securityfs `evm_xattrs` (`evm_write_xattrs()`).

/// `XATTR_NAME_EVM`.
pub const XATTR_NAME_EVM: &str = "security.evm";
/// `XATTR_NAME_IMA`.
pub const XATTR_NAME_IMA: &str = "security.ima";
/// `XATTR_NAME_MAX`: the longest name `evm_xattrs` takes.
pub const XATTR_NAME_MAX: usize = 255;

/// Which kernel feature enables a default xattr (upstream: a Kconfig
/// option each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enabler {
    /// `CONFIG_SECURITY_SELINUX`.
    Selinux,
    /// `CONFIG_SECURITY_SMACK`.
    Smack,
    /// `CONFIG_EVM_EXTRA_SMACK_XATTRS`.
    SmackExtra,
    /// `CONFIG_SECURITY_APPARMOR`.
    Apparmor,
    /// Appraisal (`CONFIG_IMA_APPRAISE`): always, in this module.
    Ima,
    /// Always.
    Always,
}

/// The default list, in upstream's order: the order of the HMAC input.
pub const DEFAULT_XATTRS: [(&str, Enabler); 8] = [
    ("security.selinux", Enabler::Selinux),
    ("security.SMACK64", Enabler::Smack),
    ("security.SMACK64EXEC", Enabler::SmackExtra),
    ("security.SMACK64TRANSMUTE", Enabler::SmackExtra),
    ("security.SMACK64MMAP", Enabler::SmackExtra),
    ("security.apparmor", Enabler::Apparmor),
    (XATTR_NAME_IMA, Enabler::Ima),
    ("security.capability", Enabler::Always),
];

/// A valid write to `evm_xattrs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XattrsWrite<'a> {
    /// `.`: no more additions (the file becomes read-only).
    Lock,
    /// Protect this `security.*` name (or enable it if listed).
    Add(&'a [u8]),
}

/// Parses a write to `evm_xattrs`: one name, a trailing newline allowed.
/// The errors are upstream's (positive errno): `E2BIG` over
/// [`XATTR_NAME_MAX`] bytes, `EINVAL` for names outside `security.`.
/// Upstream also takes names with embedded NULs up to the first; here
/// such a write is `EINVAL`.
pub fn parse_xattrs_write(buf: &[u8]) -> Result<XattrsWrite<'_>, i32> {
    const E2BIG: i32 = 7;
    const EINVAL: i32 = 22;
    if buf.len() > XATTR_NAME_MAX {
        return Err(E2BIG);
    }
    let name = buf.strip_suffix(b"\n").unwrap_or(buf);
    if name == b"." {
        return Ok(XattrsWrite::Lock);
    }
    if name.contains(&0) || !name.starts_with(b"security.") {
        return Err(EINVAL);
    }
    Ok(XattrsWrite::Add(name))
}

/// `evm_protected_xattr_common()`: whether `req` names a listed xattr,
/// given as (name, enabled) pairs. Upstream also matches a name given
/// without its `security.` prefix, as a prefix of the listed suffix;
/// kept, since `evm_inode_init_security()` passes such names.
pub fn is_protected<'a>(
    list: impl IntoIterator<Item = (&'a [u8], bool)>,
    req: &[u8],
    all: bool,
) -> bool {
    list.into_iter().any(|(name, enabled)| {
        (all || enabled)
            && (name == req
                || name
                    .strip_prefix(b"security.")
                    .is_some_and(|s| s.starts_with(req)))
    })
}
