//! IMA templates: how a measurement is encoded, hashed and listed.
//!
//! Byte for byte what upstream's `ima_template.c`, `ima_template_lib.c`,
//! `ima_crypto.c` (`ima_calc_field_array_hash`) and `ima_fs.c`
//! (`ima_measurements_show`, `ima_ascii_measurements_show`) produce, in the
//! little-endian layout that x86 and `ima_canonical_fmt` share. Pure logic
//! with no allocation: output goes to a [`Sink`] the caller provides.
//!
//! The kernel shell describes an event as an [`EventData`], picks a
//! [`Template`] (a built-in static such as [`IMA_NG`], [`Template::builtin`]
//! by name, or [`Template::parse_fmt`] for `ima_template_fmt=`), sizes the
//! data with [`Template::len`], encodes it with [`Template::write`], hashes
//! it per bank with [`Template::template_digest`], and lists it through
//! [`Entry`].
#![no_std]

mod entry;
mod event;
mod field;
mod short_str;
mod sink;
mod template;

pub use entry::{template_digest, Entry, MalformedEntry};
pub use event::{
    DigestKind, EventData, InodeAttrs, Modsig, Xattr, EVM_XATTR_PORTABLE_DIGSIG,
    IMA_XATTR_SIG_TYPES,
};
pub use field::{Field, EVENT_NAME_LEN_MAX, FIELD_ID_MAX_LEN};
pub use short_str::{ShortStr, MAX_FMT_LEN};
pub use sink::{Counter, Overflow, Sink, SliceSink};
pub use template::{
    EncodeError, FieldValues, FmtError, Template, BUILTIN, EVM_SIG, IMA, IMA_BUF, IMA_MODSIG,
    IMA_NG, IMA_NGV2, IMA_SIG, IMA_SIGV2, MAX_FIELDS,
};
