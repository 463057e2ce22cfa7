// SPDX-License-Identifier: GPL-2.0
//! One measurement-list entry and its two list formats.

use crate::field::c_str;
use crate::sink::FmtSink;
use crate::{Field, Overflow, Sink, Template};
use core::fmt::Write;
use ima_tpm::{Digest, HashAlgo};

/// An entry as the list files show it: PCR, template, template data, and
/// the template digest of the bank being listed.
pub struct Entry<'a> {
    /// PCR the entry was extended into.
    pub pcr: u32,
    /// Template the data is encoded with.
    pub template: &'a Template,
    /// Template data: length-prefixed fields ([`Template::write`]).
    pub data: &'a [u8],
    /// Template digest in the listed bank.
    pub digest: &'a Digest,
}

/// Template data that does not parse as its template says.
#[derive(Debug, PartialEq, Eq)]
pub struct MalformedEntry;

impl From<Overflow> for MalformedEntry {
    fn from(_: Overflow) -> Self {
        MalformedEntry
    }
}

/// Template digest of `data` in bank `algo`, for every template but the
/// legacy `ima`: upstream hashes each field's `u32` length and bytes,
/// which is exactly the stored template data.
///
/// Kept for the kernel shell; [`Template::template_digest`] handles every
/// template.
pub fn template_digest(algo: HashAlgo, data: &[u8]) -> Digest {
    Digest::of(algo, &[data])
}

impl Entry<'_> {
    /// Writes the entry as `binary_runtime_measurements` does: PCR, template
    /// digest, name length, name, data length, data. The legacy `ima`
    /// template has no data length, its `d` no field length, and its `n` is
    /// written as `u32 strlen` and the name without NUL.
    pub fn write_binary(&self, out: &mut impl Sink) -> Result<(), MalformedEntry> {
        let name = self.template.name();
        out.put_u32(self.pcr)?;
        out.put(self.digest.as_bytes())?;
        out.put_u32(name.len() as u32)?;
        out.put(name.as_bytes())?;
        if !self.template.is_legacy_ima() {
            let len = u32::try_from(self.data.len()).map_err(|_| MalformedEntry)?;
            out.put_u32(len)?;
            out.put(self.data)?;
            return Ok(());
        }
        for (field, value) in self.template.split_data(self.data)?.iter() {
            match field {
                // IMA_SHOW_BINARY_NO_FIELD_LEN
                Field::D => out.put(value)?,
                // IMA_SHOW_BINARY_OLD_STRING_FMT
                Field::N => {
                    let s = c_str(value);
                    out.put_u32(s.len() as u32)?;
                    out.put(s)?;
                }
                _ => {
                    out.put_u32(value.len() as u32)?;
                    out.put(value)?;
                }
            }
        }
        Ok(())
    }

    /// Writes the entry as `ascii_runtime_measurements` does:
    /// `"%2d <digest hex> <template> <field> <field>...\n"`, an empty field
    /// showing as nothing between its spaces.
    pub fn write_ascii(&self, out: &mut impl Sink) -> Result<(), MalformedEntry> {
        let values = self.template.split_data(self.data)?;
        let mut w = FmtSink(out);
        write!(
            w,
            "{:2} {:x} {}",
            self.pcr,
            self.digest,
            self.template.name()
        )
        .map_err(|_| MalformedEntry)?;
        for (field, value) in values.iter() {
            w.0.put(b" ")?;
            if !value.is_empty() {
                field.show_ascii(value, w.0)?;
            }
        }
        w.0.put(b"\n")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Counter, SliceSink, IMA_NG};

    fn ima_ng_data<'a>(buf: &'a mut [u8], d: &Digest, name: &[u8]) -> &'a [u8] {
        let mut s = SliceSink::new(buf);
        Template::write_ima_ng(d, name, &mut s).unwrap();
        let n = s.written().len();
        &buf[..n]
    }

    #[test]
    fn ima_ng_data_matches_upstream_layout() {
        let d = Digest::from_bytes(HashAlgo::Sha1, &[0x11; 20]).unwrap();
        let mut buf = [0u8; 128];
        let data = ima_ng_data(&mut buf, &d, b"/bin/a b");
        let mut want = [0u8; 128];
        let mut w = SliceSink::new(&mut want);
        w.put(&26u32.to_le_bytes()).unwrap(); // "sha1:" NUL + 20
        w.put(b"sha1:\0").unwrap();
        w.put(&[0x11; 20]).unwrap();
        w.put(&9u32.to_le_bytes()).unwrap(); // name + NUL
        w.put(b"/bin/a_b\0").unwrap();
        assert_eq!(data, w.written());
        assert_eq!(data.len(), Template::ima_ng_len(&d, b"/bin/a b"));
    }

    /// The boot_aggregate entry of a TPM-less upstream kernel with
    /// `ima_hash=sha256` (all-zero aggregate): its sha1 template digest
    /// `0adefe76...` appears in real lists and upstream documentation.
    #[test]
    fn zero_boot_aggregate_template_digest_matches_real_lists() {
        let d = Digest::zero(HashAlgo::Sha256);
        let mut buf = [0u8; 128];
        let data = ima_ng_data(&mut buf, &d, b"boot_aggregate");
        let td = template_digest(HashAlgo::Sha1, data);
        let mut hex = [0u8; 40];
        let mut s = SliceSink::new(&mut hex);
        write!(FmtSink(&mut s), "{td:x}").unwrap();
        assert_eq!(&hex, b"0adefe762c149c7cec19da62f0da1297fcfbffff");
    }

    #[test]
    fn ascii_and_binary_lines() {
        let d = Digest::from_bytes(HashAlgo::Sha256, &[0xab; 32]).unwrap();
        let mut buf = [0u8; 128];
        let data = ima_ng_data(&mut buf, &d, b"/usr/bin/true");
        let td = Digest::from_bytes(HashAlgo::Sha1, &[0x01; 20]).unwrap();
        let e = Entry {
            pcr: 10,
            template: &IMA_NG,
            data,
            digest: &td,
        };

        let mut out = [0u8; 256];
        let mut s = SliceSink::new(&mut out);
        e.write_ascii(&mut s).unwrap();
        let line = core::str::from_utf8(s.written()).unwrap();
        assert_eq!(
            line,
            "10 0101010101010101010101010101010101010101 ima-ng \
             sha256:abababababababababababababababababababababababababababababababab /usr/bin/true\n"
        );

        let mut c = Counter::default();
        e.write_binary(&mut c).unwrap();
        assert_eq!(c.0, 4 + 20 + 4 + 6 + 4 + data.len());
        let mut bin = [0u8; 256];
        let mut s = SliceSink::new(&mut bin);
        e.write_binary(&mut s).unwrap();
        assert_eq!(&s.written()[..4], &10u32.to_le_bytes());
        assert_eq!(&s.written()[24..34], b"\x06\0\0\0ima-ng");
    }

    #[test]
    fn malformed_data_is_an_error_not_a_panic() {
        let td = Digest::zero(HashAlgo::Sha1);
        for data in [&b""[..], b"\xff\xff\xff\xff", b"\x01\0\0\0a"] {
            let e = Entry {
                pcr: 10,
                template: &IMA_NG,
                data,
                digest: &td,
            };
            let mut out = [0u8; 256];
            assert_eq!(
                e.write_ascii(&mut SliceSink::new(&mut out)),
                Err(MalformedEntry)
            );
        }
    }
}
