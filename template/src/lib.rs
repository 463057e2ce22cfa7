//! IMA templates: how a measurement is encoded, hashed and listed.
//!
//! Byte for byte what upstream's `ima_template_lib.c`, `ima_crypto.c`
//! (`ima_calc_field_array_hash`) and `ima_fs.c` (`ima_measurements_show`,
//! `ima_ascii_measurements_show`) produce, in the little-endian layout that
//! x86 and `ima_canonical_fmt` share. Pure logic with no allocation: output
//! goes to a [`Sink`] the caller provides.
#![no_std]

mod entry;
mod sink;
mod template;

pub use entry::{template_digest, Entry, MalformedEntry};
pub use sink::{Counter, Overflow, Sink, SliceSink};
pub use template::{Field, Template, IMA_NG};
