// SPDX-License-Identifier: GPL-2.0
//! What an event gives the template fields to encode: upstream's
//! `struct ima_event_data`, as plain borrowed values.
//!
//! The kernel shell gathers these (file digest, name, xattrs, inode
//! attributes) before encoding; the fields then decide, as the
//! `ima_event*_init()` functions of `ima_template_lib.c` do, what of it
//! goes into the template data and what is left empty.

use ima_tpm::Digest;

/// `security.ima` types that the `sig` field records
/// (`EVM_IMA_XATTR_DIGSIG`, `IMA_VERITY_DIGSIG`).
pub const IMA_XATTR_SIG_TYPES: [u8; 2] = [0x03, 0x06];

/// `security.evm` type that `evmsig` (and `sig` as a fallback) records:
/// `EVM_XATTR_PORTABLE_DIGSIG`.
pub const EVM_XATTR_PORTABLE_DIGSIG: u8 = 0x05;

/// What the file digest is a digest of, as `d-ngv2` tells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DigestKind {
    /// The file content (`ima:`).
    #[default]
    Ima,
    /// The fs-verity digest (`verity:`), when the policy rule said
    /// `digest_type=verity` (`IMA_VERITY_REQUIRED`).
    Verity,
}

impl DigestKind {
    /// Prefix as `digest_type_name[]` spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ima => "ima",
            Self::Verity => "verity",
        }
    }
}

/// An appended (module-style) signature.
#[derive(Clone, Copy, Debug)]
pub struct Modsig<'a> {
    /// Digest of the file without the signature (`ima_get_modsig_digest`),
    /// for `d-modsig`.
    pub digest: &'a Digest,
    /// The raw PKCS#7 signature (`ima_get_raw_modsig`), for `modsig`.
    pub raw: &'a [u8],
}

/// Inode attributes, for `iuid`, `igid`, `imode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InodeAttrs {
    /// `i_uid_read()`: `i_uid` as the inode's own user namespace
    /// (`sb->s_user_ns`) maps it.
    pub uid: u32,
    /// `i_gid_read()`.
    pub gid: u32,
    /// `i_mode`.
    pub mode: u16,
}

/// One EVM-protected xattr present on the file, for `xattrnames`,
/// `xattrlengths` and `xattrvalues`.
#[derive(Clone, Copy, Debug)]
pub struct Xattr<'a> {
    /// Name, e.g. `security.selinux`, without a NUL.
    pub name: &'a [u8],
    /// Value as `getxattr` returns it.
    pub value: &'a [u8],
}

/// Everything the template fields of one event can record.
///
/// Optional parts left `None` (or empty) give empty fields, exactly where
/// upstream's field init functions return without data: no file (buffer
/// measurements), no signature, no appended signature, and so on.
#[derive(Clone, Copy, Debug)]
pub struct EventData<'a> {
    /// The file (or buffer) digest. For a violation only its algorithm
    /// counts (upstream's `ima_hash_algo`): its bytes are recorded as zeros.
    pub digest: &'a Digest,
    /// The event records a violation (`event_data->violation`): digests
    /// are zeros and `d-ngv2` says `ima`.
    pub violation: bool,
    /// For `d-ngv2`.
    pub digest_kind: DigestKind,
    /// SHA-1 digest for the legacy `d` field when [`EventData::digest`] is
    /// not SHA-1: upstream re-hashes the file with SHA-1 (for
    /// `boot_aggregate`: the SHA-1 boot aggregate, zeros without a TPM).
    pub sha1_digest: Option<&'a Digest>,
    /// The event name (path, `boot_aggregate`, buffer name), without NUL.
    /// Encoded up to its first NUL, as `strlen()` would.
    pub name: &'a [u8],
    /// The file's dentry name, which the legacy `n` field uses instead of
    /// a name longer than 255 bytes; without it that name is truncated.
    pub dentry_name: Option<&'a [u8]>,
    /// `security.ima` as read for appraisal (`event_data->xattr_value`).
    pub ima_xattr: Option<&'a [u8]>,
    /// `security.evm` of the file; `None` when there is no file.
    pub evm_xattr: Option<&'a [u8]>,
    /// The appended signature, if the file has one and the template
    /// records it.
    pub modsig: Option<Modsig<'a>>,
    /// Measured buffer (`ima-buf`: kexec command line, keys, critical
    /// data).
    pub buf: Option<&'a [u8]>,
    /// Inode attributes; `None` when there is no file.
    pub inode: Option<InodeAttrs>,
    /// EVM-protected xattrs present on the file, in EVM's configured order;
    /// empty when there is no file.
    pub xattrs: &'a [Xattr<'a>],
}

impl<'a> EventData<'a> {
    /// An event with only a digest and a name: what `ima-ng` records.
    pub const fn new(digest: &'a Digest, name: &'a [u8]) -> Self {
        Self {
            digest,
            violation: false,
            digest_kind: DigestKind::Ima,
            sha1_digest: None,
            name,
            dentry_name: None,
            ima_xattr: None,
            evm_xattr: None,
            modsig: None,
            buf: None,
            inode: None,
            xattrs: &[],
        }
    }

    /// A violation on `name`, recorded with zero digests of `algo_digest`'s
    /// algorithm (pass `Digest::zero(ima_hash_algo)`).
    pub const fn violation(algo_digest: &'a Digest, name: &'a [u8]) -> Self {
        let mut e = Self::new(algo_digest, name);
        e.violation = true;
        e
    }
}
