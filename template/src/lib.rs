// SPDX-License-Identifier: GPL-2.0
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
//!
//! ```
//! use ima_template::{Entry, EventData, InodeAttrs, SliceSink, Template};
//! use ima_tpm::{Digest, HashAlgo};
//!
//! let t = Template::parse_fmt("d-ng|n-ng|iuid").unwrap();
//! let file = Digest::of(HashAlgo::Sha256, &[b"content"]);
//! let mut ev = EventData::new(&file, b"/bin/true");
//! ev.inode = Some(InodeAttrs { uid: 0, gid: 0, mode: 0o100755 });
//!
//! // Size once, then fill (the kernel shell allocates `len` bytes).
//! let len = t.len(&ev).unwrap();
//! let mut buf = [0u8; 128];
//! let mut sink = SliceSink::new(&mut buf[..len]);
//! t.write(&ev, &mut sink).unwrap();
//! let data = &buf[..len];
//!
//! // One template digest per PCR bank.
//! let sha1 = t.template_digest(HashAlgo::Sha1, data).unwrap();
//! assert_eq!(t.event_digest(HashAlgo::Sha1, &ev).unwrap(), sha1);
//!
//! // The ASCII list line.
//! let entry = Entry { pcr: 10, template: &t, data, digest: &sha1 };
//! let mut line = [0u8; 256];
//! let mut out = SliceSink::new(&mut line);
//! entry.write_ascii(&mut out).unwrap();
//! let line = core::str::from_utf8(out.written()).unwrap();
//! assert!(line.ends_with(" d-ng|n-ng|iuid sha256:ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73 /bin/true 0\n"));
//! ```
#![no_std]
#![forbid(unsafe_code)]

pub mod anchor;
mod entry;
mod event;
mod field;
pub mod index;
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
