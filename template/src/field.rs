// SPDX-License-Identifier: GPL-2.0
//! Template fields: their ids, how each encodes an event
//! (`ima_event*_init()` in `ima_template_lib.c`) and how the ASCII list
//! shows it (`ima_show_template_*()`).

use crate::event::{EventData, EVM_XATTR_PORTABLE_DIGSIG, IMA_XATTR_SIG_TYPES};
use crate::sink::{put_hex, FmtSink};
use crate::{EncodeError, MalformedEntry, Overflow, Sink};
use core::fmt::Write;
use ima_tpm::{Digest, HashAlgo};

/// `IMA_EVENT_NAME_LEN_MAX`: longest name the legacy `n` field records.
pub const EVENT_NAME_LEN_MAX: usize = 255;

/// `IMA_TEMPLATE_FIELD_ID_MAX_LEN`: longest field id a format may name.
pub const FIELD_ID_MAX_LEN: usize = 16;

/// A template field, by its upstream id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `d`: the raw SHA-1 digest (legacy `ima` template).
    D,
    /// `n`: the name, at most 255 bytes, NUL-terminated (legacy `ima`).
    N,
    /// `d-ng`: `<algo>:` NUL digest.
    DigestNg,
    /// `d-ngv2`: `<ima|verity>:<algo>:` NUL digest.
    DigestNgV2,
    /// `n-ng`: the event name, NUL-terminated, spaces replaced by `_`.
    NameNg,
    /// `sig`: `security.ima` if it is a signature, else the EVM portable
    /// signature, else empty.
    Sig,
    /// `buf`: the measured buffer.
    Buf,
    /// `d-modsig`: `<algo>:` NUL digest of the file without its appended
    /// signature; empty without one.
    DigestModsig,
    /// `modsig`: the raw appended signature; empty without one.
    Modsig,
    /// `evmsig`: the EVM portable signature; empty without one.
    EvmSig,
    /// `iuid`: inode uid, `u32`.
    IUid,
    /// `igid`: inode gid, `u32`.
    IGid,
    /// `imode`: inode mode, `u16`.
    IMode,
    /// `xattrnames`: EVM-protected xattr names, `|`-separated, NUL-ended.
    XattrNames,
    /// `xattrlengths`: their value lengths, `u32` each.
    XattrLengths,
    /// `xattrvalues`: their values, concatenated.
    XattrValues,
}

/// How a field shows in the ASCII list (`enum data_formats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DataFmt {
    Digest,
    DigestWithAlgo,
    DigestWithTypeAndAlgo,
    String,
    Hex,
    Uint,
}

impl Field {
    /// Every field, in the order of upstream's `supported_fields[]`.
    pub const ALL: [Field; 16] = [
        Self::D,
        Self::N,
        Self::DigestNg,
        Self::DigestNgV2,
        Self::NameNg,
        Self::Sig,
        Self::Buf,
        Self::DigestModsig,
        Self::Modsig,
        Self::EvmSig,
        Self::IUid,
        Self::IGid,
        Self::IMode,
        Self::XattrNames,
        Self::XattrLengths,
        Self::XattrValues,
    ];

    /// The field id as in `ima_template_fmt=`.
    pub const fn id(self) -> &'static str {
        match self {
            Self::D => "d",
            Self::N => "n",
            Self::DigestNg => "d-ng",
            Self::DigestNgV2 => "d-ngv2",
            Self::NameNg => "n-ng",
            Self::Sig => "sig",
            Self::Buf => "buf",
            Self::DigestModsig => "d-modsig",
            Self::Modsig => "modsig",
            Self::EvmSig => "evmsig",
            Self::IUid => "iuid",
            Self::IGid => "igid",
            Self::IMode => "imode",
            Self::XattrNames => "xattrnames",
            Self::XattrLengths => "xattrlengths",
            Self::XattrValues => "xattrvalues",
        }
    }

    /// `lookup_template_field()`: the field with exactly this id.
    pub fn from_id(id: &[u8]) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.id().as_bytes() == id)
    }

    /// The `field_show` function's data format.
    const fn data_fmt(self) -> DataFmt {
        match self {
            Self::D => DataFmt::Digest,
            Self::DigestNg | Self::DigestModsig => DataFmt::DigestWithAlgo,
            Self::DigestNgV2 => DataFmt::DigestWithTypeAndAlgo,
            Self::N | Self::NameNg | Self::XattrNames => DataFmt::String,
            Self::Sig
            | Self::Buf
            | Self::Modsig
            | Self::EvmSig
            | Self::XattrLengths
            | Self::XattrValues => DataFmt::Hex,
            Self::IUid | Self::IGid | Self::IMode => DataFmt::Uint,
        }
    }

    /// Length of the field's value for `event` (without the `u32` prefix).
    pub fn len(self, event: &EventData<'_>) -> Result<usize, EncodeError> {
        let mut c = crate::Counter::default();
        self.write(event, &mut c)?;
        Ok(c.0)
    }

    /// Writes the field's value for `event` (without the `u32` prefix), as
    /// its upstream init function fills `ima_field_data`.
    pub fn write<S: Sink + ?Sized>(
        self,
        event: &EventData<'_>,
        out: &mut S,
    ) -> Result<(), EncodeError> {
        let ev = event;
        match self {
            Self::D => out.put(legacy_digest(ev)?)?,
            Self::N => put_string(out, legacy_name(ev))?,
            Self::DigestNg => put_digest(out, None, ev.digest.algo(), file_digest(ev))?,
            Self::DigestNgV2 => {
                let kind = if ev.violation {
                    crate::DigestKind::Ima
                } else {
                    ev.digest_kind
                };
                put_digest(out, Some(kind.name()), ev.digest.algo(), file_digest(ev))?;
            }
            Self::NameNg => put_string(out, c_str(ev.name))?,
            Self::Sig => match ev.ima_xattr {
                Some(x) if x.first().is_some_and(|t| IMA_XATTR_SIG_TYPES.contains(t)) => {
                    out.put(x)?
                }
                _ => Self::EvmSig.write(ev, out)?,
            },
            Self::Buf => out.put(ev.buf.unwrap_or(&[]))?,
            Self::DigestModsig => match &ev.modsig {
                None => {}
                Some(_) if ev.violation => {
                    put_digest(out, None, HashAlgo::Sha1, &[0; 20])?;
                }
                Some(m) => put_digest(out, None, m.digest.algo(), m.digest.as_bytes())?,
            },
            Self::Modsig => out.put(ev.modsig.map_or(&[][..], |m| m.raw))?,
            Self::EvmSig => match ev.evm_xattr {
                Some(x) if x.first() == Some(&EVM_XATTR_PORTABLE_DIGSIG) => out.put(x)?,
                _ => {}
            },
            Self::IUid => {
                if let Some(i) = ev.inode {
                    out.put_u32(i.uid)?;
                }
            }
            Self::IGid => {
                if let Some(i) = ev.inode {
                    out.put_u32(i.gid)?;
                }
            }
            Self::IMode => {
                if let Some(i) = ev.inode {
                    out.put(&i.mode.to_le_bytes())?;
                }
            }
            Self::XattrNames => {
                for (i, x) in ev.xattrs.iter().enumerate() {
                    if i > 0 {
                        out.put(b"|")?;
                    }
                    out.put(c_str(x.name))?;
                }
                if !ev.xattrs.is_empty() {
                    out.put(b"\0")?;
                }
            }
            Self::XattrLengths => {
                for x in ev.xattrs {
                    let len = u32::try_from(x.value.len()).map_err(|_| EncodeError::TooLong)?;
                    out.put_u32(len)?;
                }
            }
            Self::XattrValues => {
                for x in ev.xattrs {
                    out.put(x.value)?;
                }
            }
        }
        Ok(())
    }

    /// Shows a non-empty stored `value` as the ASCII list does
    /// (`ima_show_template_data_ascii()`).
    pub fn show_ascii<S: Sink + ?Sized>(
        self,
        value: &[u8],
        out: &mut S,
    ) -> Result<(), MalformedEntry> {
        match self.data_fmt() {
            DataFmt::Digest | DataFmt::Hex => put_hex(out, value)?,
            DataFmt::DigestWithAlgo | DataFmt::DigestWithTypeAndAlgo => {
                // strrchr() over the C string, then skip ':' and NUL.
                let prefix = c_str(value);
                if prefix.len() == value.len() {
                    return Err(MalformedEntry); // strrchr would run off
                }
                let colon = prefix
                    .iter()
                    .rposition(|&b| b == b':')
                    .ok_or(MalformedEntry)?;
                if colon != 0 {
                    out.put(prefix)?;
                }
                put_hex(out, value.get(colon + 2..).ok_or(MalformedEntry)?)?;
            }
            DataFmt::String => out.put(c_str(value))?,
            DataFmt::Uint => {
                let mut w = FmtSink(out);
                let r = match *value {
                    [a] => write!(w, "{a}"),
                    [a, b] => write!(w, "{}", u16::from_le_bytes([a, b])),
                    [a, b, c, d] => write!(w, "{}", u32::from_le_bytes([a, b, c, d])),
                    [a, b, c, d, e, f, g, h] => {
                        write!(w, "{}", u64::from_le_bytes([a, b, c, d, e, f, g, h]))
                    }
                    _ => Ok(()),
                };
                r.map_err(|_| MalformedEntry)?;
            }
        }
        Ok(())
    }
}

/// The file digest's bytes, zeros for a violation.
fn file_digest<'a>(ev: &'a EventData<'_>) -> &'a [u8] {
    const ZEROS: [u8; ima_tpm::MAX_DIGEST_SIZE] = [0; ima_tpm::MAX_DIGEST_SIZE];
    if ev.violation {
        &ZEROS[..ev.digest.algo().digest_size()]
    } else {
        ev.digest.as_bytes()
    }
}

/// `ima_eventdigest_init()`: a SHA-1 digest, zeros for a violation.
fn legacy_digest<'a>(ev: &'a EventData<'_>) -> Result<&'a [u8], EncodeError> {
    if ev.violation {
        return Ok(&[0; 20]);
    }
    let d: &Digest = if ev.digest.algo() == HashAlgo::Sha1 {
        ev.digest
    } else {
        ev.sha1_digest.ok_or(EncodeError::NeedSha1Digest)?
    };
    if d.algo() != HashAlgo::Sha1 {
        return Err(EncodeError::NeedSha1Digest);
    }
    Ok(d.as_bytes())
}

/// `ima_eventname_init_common(size_limit = true)`.
fn legacy_name<'a>(ev: &'a EventData<'_>) -> &'a [u8] {
    let name = c_str(ev.name);
    if name.len() <= EVENT_NAME_LEN_MAX {
        return name;
    }
    let name = ev.dentry_name.map_or(name, c_str);
    // A dentry name is at most NAME_MAX (255) bytes; cut anyway so the
    // legacy template hash's 256-byte buffer always holds it.
    &name[..name.len().min(EVENT_NAME_LEN_MAX)]
}

/// `ima_eventdigest_init_common()`: `[<type>:]<algo>:` NUL digest.
fn put_digest<S: Sink + ?Sized>(
    out: &mut S,
    kind: Option<&str>,
    algo: HashAlgo,
    digest: &[u8],
) -> Result<(), Overflow> {
    if let Some(k) = kind {
        out.put(k.as_bytes())?;
        out.put(b":")?;
    }
    out.put(algo.name().as_bytes())?;
    out.put(b":\0")?;
    out.put(digest)
}

/// `ima_write_template_field_data(DATA_FMT_STRING)`: NUL-terminated, with
/// spaces replaced so ASCII list parsers can split on them.
pub(crate) fn put_string<S: Sink + ?Sized>(out: &mut S, s: &[u8]) -> Result<(), Overflow> {
    for chunk in s.split_inclusive(|&b| b == b' ') {
        match chunk.split_last() {
            Some((b' ', head)) => {
                out.put(head)?;
                out.put(b"_")?;
            }
            _ => out.put(chunk)?,
        }
    }
    out.put(b"\0")
}

/// Up to the first NUL, as `strlen()` / `%s` see a C string.
pub(crate) fn c_str(v: &[u8]) -> &[u8] {
    v.split(|&b| b == 0).next().unwrap_or(v)
}
