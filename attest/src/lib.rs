// SPDX-License-Identifier: GPL-2.0
//! Attesting one IMA namespace from a TPM quote: the evidence file
//! ([`evidence`]), the TPM 2.0 structures of a quote and its signature
//! ([`quote`]), measurement lists ([`list`]), keylime runtime policies
//! ([`policy`]) and the verifier ([`verify`]).
//!
//! Pure and std-only: no TPM, no kernel, no files. `ima-ns attest` builds
//! the evidence from the module's files and tpm2-tools' quote output;
//! `ima-ns verify` and the fuzz target call [`evidence::Evidence::parse`]
//! and [`verify::verify`]. The format is in `Documentation/attestation.md`.
#![forbid(unsafe_code)]

pub mod evidence;
pub mod list;
pub mod policy;
pub mod quote;
pub mod verify;

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (either case), `None` on an odd length or a non-hex digit.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(unhex("00AB10"), Some(vec![0, 0xab, 0x10]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex("+1"), None);
        assert_eq!(unhex(""), Some(vec![]));
    }
}
