//! Template descriptors and their fields' encodings.

use crate::{Overflow, Sink};
use ima_tpm::Digest;

/// A template field, by its upstream id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `d-ng`: `<algo>:` NUL digest.
    DigestNg,
    /// `n-ng`: the event name, NUL-terminated, spaces replaced by `_`.
    NameNg,
}

impl Field {
    /// The field id as in `ima_template_fmt=`.
    pub const fn id(self) -> &'static str {
        match self {
            Self::DigestNg => "d-ng",
            Self::NameNg => "n-ng",
        }
    }
}

/// A template: a name and an ordered list of fields.
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    /// Name shown in the list (`ima-ng`).
    pub name: &'static str,
    /// Fields, in order.
    pub fields: &'static [Field],
}

/// The `ima-ng` template, upstream's default: `d-ng|n-ng`.
pub static IMA_NG: Template = Template {
    name: "ima-ng",
    fields: &[Field::DigestNg, Field::NameNg],
};

impl Template {
    /// Writes the template data of an `ima-ng` event: each field as a
    /// little-endian `u32` length followed by its bytes, the layout of
    /// `binary_runtime_measurements` and of the template hash input.
    pub fn write_ima_ng(
        file_digest: &Digest,
        name: &[u8],
        out: &mut impl Sink,
    ) -> Result<(), Overflow> {
        write_digest_ng(file_digest, out)?;
        write_name_ng(name, out)
    }

    /// Length of [`Template::write_ima_ng`]'s output.
    pub fn ima_ng_len(file_digest: &Digest, name: &[u8]) -> usize {
        let algo = file_digest.algo();
        4 + algo.name().len() + 2 + algo.digest_size() + 4 + name.len() + 1
    }
}

/// `ima_eventdigest_init_common()` with an algorithm: `"sha256:" '\0' digest`.
fn write_digest_ng(d: &Digest, out: &mut impl Sink) -> Result<(), Overflow> {
    let algo = d.algo();
    let len = algo.name().len() + 2 + algo.digest_size();
    out.put_u32(len as u32)?;
    out.put(algo.name().as_bytes())?;
    out.put(b":\0")?;
    out.put(d.as_bytes())
}

/// `ima_write_template_field_data(DATA_FMT_STRING)`: NUL-terminated, with
/// spaces replaced so ASCII list parsers can split on them.
fn write_name_ng(name: &[u8], out: &mut impl Sink) -> Result<(), Overflow> {
    out.put_u32(name.len() as u32 + 1)?;
    for chunk in name.split_inclusive(|&b| b == b' ') {
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
