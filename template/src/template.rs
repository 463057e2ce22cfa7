// SPDX-License-Identifier: GPL-2.0
//! Template descriptors (`ima_template.c`): the built-in templates, custom
//! formats from `ima_template_fmt=`, encoding an event into template data,
//! and the template digest (`ima_calc_field_array_hash()`).

use crate::field::{EVENT_NAME_LEN_MAX, FIELD_ID_MAX_LEN};
use crate::sink::put_zeros;
use crate::{EventData, Field, MalformedEntry, Overflow, ShortStr, Sink};
use ima_tpm::{Digest, HashAlgo, Hasher};

/// `IMA_TEMPLATE_NUM_FIELDS_MAX`.
pub const MAX_FIELDS: usize = 15;

/// Why a format string is not a template (`template_desc_init_fields()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FmtError {
    /// More than [`MAX_FIELDS`] fields (`-EINVAL`).
    TooManyFields,
    /// An empty field id or one longer than 16 bytes (`-EINVAL`).
    BadFieldLength,
    /// A field id no field has (`-ENOENT`).
    UnknownField,
}

impl FmtError {
    /// The (positive) errno upstream returns for it.
    pub const fn errno(self) -> i32 {
        match self {
            Self::TooManyFields | Self::BadFieldLength => 22, // EINVAL
            Self::UnknownField => 2,                          // ENOENT
        }
    }
}

/// Why an event could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The sink is full.
    Overflow,
    /// The template has the legacy `d` field, the file digest is not
    /// SHA-1, and [`EventData::sha1_digest`] is missing (or not SHA-1).
    NeedSha1Digest,
    /// A field is longer than its `u32` length can say.
    TooLong,
}

impl From<Overflow> for EncodeError {
    fn from(_: Overflow) -> Self {
        Self::Overflow
    }
}

/// A template: a name and up to [`MAX_FIELDS`] fields. A plain value
/// (no allocation): built-in ones are statics, custom ones are parsed
/// from a format string into a `Template` the caller keeps.
///
/// # Invariants
///
/// `nfields <= MAX_FIELDS`; `fields[nfields..]` are all [`Field::D`].
#[derive(Clone, Copy)]
pub struct Template {
    /// What the list shows: the built-in name, or a custom format string.
    name: ShortStr,
    /// Made from `ima_template_fmt=` (upstream's nameless descriptor).
    custom: bool,
    fields: [Field; MAX_FIELDS],
    nfields: u8,
}

impl Template {
    /// A named template of `fields`; panics (at compile time for statics)
    /// with more than [`MAX_FIELDS`].
    const fn named(name: &str, fields: &[Field]) -> Self {
        assert!(fields.len() <= MAX_FIELDS);
        let mut t = Self {
            name: ShortStr::new(name),
            custom: false,
            fields: [Field::D; MAX_FIELDS],
            nfields: fields.len() as u8,
        };
        let mut i = 0;
        while i < fields.len() {
            t.fields[i] = fields[i];
            i += 1;
        }
        // INVARIANT: at most MAX_FIELDS, the rest left as `D`.
        t
    }

    /// The built-in template called `name` (`ima_template=`).
    pub fn builtin(name: &str) -> Option<&'static Template> {
        BUILTIN.into_iter().find(|t| t.name == name)
    }

    /// `lookup_template_desc()`: the built-in template whose name or
    /// format string is `s`.
    pub fn lookup(s: &str) -> Option<&'static Template> {
        BUILTIN
            .into_iter()
            .find(|t| t.name == s || t.fmt().as_str() == s)
    }

    /// A custom template from a `|`-separated field list, validated as
    /// `ima_template_fmt=` is. It is nameless: lists show its format.
    pub fn parse_fmt(fmt: &str) -> Result<Template, FmtError> {
        // template_fmt_size(): separators + 1, checked before the fields.
        if fmt.bytes().filter(|&b| b == b'|').count() + 1 > MAX_FIELDS {
            return Err(FmtError::TooManyFields);
        }
        let mut t = Self {
            name: ShortStr::EMPTY,
            custom: true,
            fields: [Field::D; MAX_FIELDS],
            nfields: 0,
        };
        for (i, id) in fmt.split('|').enumerate() {
            if id.is_empty() || id.len() > FIELD_ID_MAX_LEN {
                return Err(FmtError::BadFieldLength);
            }
            t.fields[i] = Field::from_id(id.as_bytes()).ok_or(FmtError::UnknownField)?;
            t.nfields += 1;
        }
        // INVARIANT: the count was checked above; unset slots stay `D`.
        t.name = t.fmt();
        Ok(t)
    }

    /// The name the lists show: a built-in's name, a custom format string.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Made from a format string rather than built in.
    pub fn is_custom(&self) -> bool {
        self.custom
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[Field] {
        &self.fields[..usize::from(self.nfields)]
    }

    /// The format string: field ids joined by `|`.
    pub fn fmt(&self) -> ShortStr {
        let mut s = ShortStr::EMPTY;
        for (i, f) in self.fields().iter().enumerate() {
            // Cannot overflow: MAX_FMT_LEN holds MAX_FIELDS longest ids.
            let _ = if i > 0 { s.push("|") } else { Some(()) };
            let _ = s.push(f.id());
        }
        s
    }

    /// The legacy `ima` template, which hashes and lists its fields
    /// without length prefixes.
    pub fn is_legacy_ima(&self) -> bool {
        !self.custom && self.name == "ima"
    }

    /// `ima_template_has_modsig()`: the template records appended
    /// signatures, so the caller must collect them.
    pub fn has_modsig(&self) -> bool {
        self.fields()
            .iter()
            .any(|f| matches!(f, Field::Modsig | Field::DigestModsig))
    }

    /// Whether `ima_template=` accepts this template with file hash
    /// `algo`: the legacy `ima` template only with SHA-1 (or MD5).
    pub fn allows_hash_algo(&self, algo: HashAlgo) -> bool {
        !self.is_legacy_ima() || algo == HashAlgo::Sha1
    }

    /// Writes the template data of `event`: each field as a little-endian
    /// `u32` length and its bytes (upstream's `template_data[]` with
    /// `ima_canonical_fmt`'s byte order, as the kexec buffer carries it).
    /// This is what [`crate::Entry::data`] holds for every template.
    pub fn write(&self, event: &EventData<'_>, out: &mut impl Sink) -> Result<(), EncodeError> {
        for &f in self.fields() {
            let len = u32::try_from(f.len(event)?).map_err(|_| EncodeError::TooLong)?;
            out.put_u32(len)?;
            f.write(event, out)?;
        }
        Ok(())
    }

    /// Length of [`Template::write`]'s output, to allocate it at once.
    pub fn len(&self, event: &EventData<'_>) -> Result<usize, EncodeError> {
        let mut c = crate::Counter::default();
        self.write(event, &mut c)?;
        Ok(c.0)
    }

    /// The template digest of `event` in `algo`, without encoding it first
    /// (same result as [`Template::template_digest`] of the data).
    ///
    /// Violations are not hashed upstream: their template digest is zero.
    pub fn event_digest(
        &self,
        algo: HashAlgo,
        event: &EventData<'_>,
    ) -> Result<Digest, EncodeError> {
        let mut h = Hasher::new(algo);
        if self.is_legacy_ima() {
            for &f in self.fields() {
                let len = f.len(event)?;
                f.write(event, &mut h)?;
                if f == Field::N {
                    put_zeros(&mut h, (EVENT_NAME_LEN_MAX + 1).saturating_sub(len))?;
                }
            }
        } else {
            self.write(event, &mut h)?;
        }
        Ok(h.finish())
    }

    /// `ima_calc_field_array_hash_tfm()` over stored template data: the
    /// hash of the data as stored, except for the legacy `ima` template,
    /// whose fields are hashed without lengths and whose `n` is padded
    /// with zeros to 256 bytes.
    pub fn template_digest(&self, algo: HashAlgo, data: &[u8]) -> Result<Digest, MalformedEntry> {
        let values = self.split_data(data)?;
        let mut h = Hasher::new(algo);
        if self.is_legacy_ima() {
            for (f, v) in values.iter() {
                h.update(v);
                if f == Field::N {
                    let pad = (EVENT_NAME_LEN_MAX + 1)
                        .checked_sub(v.len())
                        .ok_or(MalformedEntry)?;
                    put_zeros(&mut h, pad)?;
                }
            }
        } else {
            h.update(data);
        }
        Ok(h.finish())
    }

    /// Splits stored template data into its fields' values, checking that
    /// there are exactly as many as the template has and nothing after
    /// them (`ima_parse_buf(ENFORCE_FIELDS | ENFORCE_BUFEND)`).
    pub fn split_data<'d>(&self, data: &'d [u8]) -> Result<FieldValues<'d, '_>, MalformedEntry> {
        let mut values: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
        let mut rest = data;
        for v in values.iter_mut().take(self.fields().len()) {
            let (len, tail) = rest.split_first_chunk::<4>().ok_or(MalformedEntry)?;
            let len = u32::from_le_bytes(*len) as usize;
            if tail.len() < len {
                return Err(MalformedEntry);
            }
            (*v, rest) = tail.split_at(len);
        }
        if !rest.is_empty() {
            return Err(MalformedEntry);
        }
        Ok(FieldValues {
            template: self,
            values,
        })
    }

    /// Writes the template data of an `ima-ng` event.
    ///
    /// A thin wrapper over [`Template::write`] for [`IMA_NG`], kept for
    /// the kernel shell.
    pub fn write_ima_ng(
        file_digest: &Digest,
        name: &[u8],
        out: &mut impl Sink,
    ) -> Result<(), Overflow> {
        IMA_NG
            .write(&EventData::new(file_digest, name), out)
            .map_err(|_| Overflow)
    }

    /// Length of [`Template::write_ima_ng`]'s output.
    pub fn ima_ng_len(file_digest: &Digest, name: &[u8]) -> usize {
        // Cannot fail: ima-ng has no `d` field and a sink that only counts.
        IMA_NG.len(&EventData::new(file_digest, name)).unwrap_or(0)
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.custom == other.custom && self.fields() == other.fields()
    }
}

impl Eq for Template {}

impl core::fmt::Debug for Template {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("custom", &self.custom)
            .field("fields", &self.fields())
            .finish()
    }
}

/// Stored template data split into its fields' values.
pub struct FieldValues<'d, 't> {
    template: &'t Template,
    values: [&'d [u8]; MAX_FIELDS],
}

impl<'d> FieldValues<'d, '_> {
    /// Each field with its value.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &'d [u8])> + '_ {
        self.template
            .fields()
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }
}

use Field::*;

/// `ima`: `d|n`, the legacy template (SHA-1 digests, names up to 255).
pub static IMA: Template = Template::named("ima", &[D, N]);
/// `ima-ng`: `d-ng|n-ng`, upstream's default.
pub static IMA_NG: Template = Template::named("ima-ng", &[DigestNg, NameNg]);
/// `ima-sig`: `d-ng|n-ng|sig`.
pub static IMA_SIG: Template = Template::named("ima-sig", &[DigestNg, NameNg, Sig]);
/// `ima-ngv2`: `d-ngv2|n-ng`.
pub static IMA_NGV2: Template = Template::named("ima-ngv2", &[DigestNgV2, NameNg]);
/// `ima-sigv2`: `d-ngv2|n-ng|sig`.
pub static IMA_SIGV2: Template = Template::named("ima-sigv2", &[DigestNgV2, NameNg, Sig]);
/// `ima-buf`: `d-ng|n-ng|buf`.
pub static IMA_BUF: Template = Template::named("ima-buf", &[DigestNg, NameNg, Buf]);
/// `ima-modsig`: `d-ng|n-ng|sig|d-modsig|modsig`.
pub static IMA_MODSIG: Template =
    Template::named("ima-modsig", &[DigestNg, NameNg, Sig, DigestModsig, Modsig]);
/// `evm-sig`:
/// `d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode`.
pub static EVM_SIG: Template = Template::named(
    "evm-sig",
    &[
        DigestNg,
        NameNg,
        EvmSig,
        XattrNames,
        XattrLengths,
        XattrValues,
        IUid,
        IGid,
        IMode,
    ],
);

/// The built-in templates, in upstream's `builtin_templates[]` order.
pub static BUILTIN: [&Template; 8] = [
    &IMA,
    &IMA_NG,
    &IMA_SIG,
    &IMA_NGV2,
    &IMA_SIGV2,
    &IMA_BUF,
    &IMA_MODSIG,
    &EVM_SIG,
];
