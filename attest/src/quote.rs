// SPDX-License-Identifier: GPL-2.0
//! TPM 2.0 quotes: `TPMS_ATTEST` of type `TPM_ST_ATTEST_QUOTE` (what
//! `tpm2_quote -m` writes), `TPMT_SIGNATURE` (`tpm2_quote -s`, the default
//! tss format), the attestation key's public key (PEM, `tpm2_createak -f
//! pem`), and the signature check. Parsed here, from the TPM 2.0 Library
//! spec part 2 (structures), so verification needs no TPM and no TSS.

use crate::list::Reader;
use ima_tpm::{Digest, HashAlgo};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rsa::pkcs8::DecodePublicKey;
use std::fmt;

/// `TPM_GENERATED_VALUE`: every TPM-made `TPMS_ATTEST` starts with it.
pub const TPM_GENERATED: u32 = 0xff54_4347;
/// `TPM_ST_ATTEST_QUOTE`.
pub const ST_ATTEST_QUOTE: u16 = 0x8018;
/// `TPM_ALG_RSASSA`.
pub const ALG_RSASSA: u16 = 0x0014;
/// `TPM_ALG_RSAPSS`.
pub const ALG_RSAPSS: u16 = 0x0016;
/// `TPM_ALG_ECDSA`.
pub const ALG_ECDSA: u16 = 0x0018;

/// Why a quote or signature does not parse or verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteError(pub String);

impl fmt::Display for QuoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(s: impl Into<String>) -> QuoteError {
    QuoteError(s.into())
}

/// One `TPMS_PCR_SELECTION`: a bank and the PCRs selected in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The bank's `TPM_ALG_ID`.
    pub alg: u16,
    /// Selected PCR indexes, ascending.
    pub pcrs: Vec<u32>,
}

/// A parsed `TPMS_ATTEST` quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// `qualifiedSigner`: the AK's qualified name.
    pub signer: Vec<u8>,
    /// `extraData`: the verifier's nonce.
    pub extra_data: Vec<u8>,
    /// `clockInfo.clock` (ms).
    pub clock: u64,
    /// `clockInfo.resetCount`, `restartCount`.
    pub reset_count: u32,
    /// `clockInfo.restartCount`.
    pub restart_count: u32,
    /// `firmwareVersion`.
    pub firmware: u64,
    /// `attested.quote.pcrSelect`, in order.
    pub selection: Vec<Selection>,
    /// `attested.quote.pcrDigest`: the hash of the selected PCRs' values,
    /// concatenated in selection order.
    pub pcr_digest: Vec<u8>,
}

/// Parses a `TPMS_ATTEST` that must be a quote, with nothing after it.
pub fn parse_quote(b: &[u8]) -> Result<Quote, QuoteError> {
    let mut r = Reader::new(b);
    let t = || err("quote is truncated");
    if r.u32be().ok_or_else(t)? != TPM_GENERATED {
        return Err(err("quote does not start with TPM_GENERATED_VALUE"));
    }
    if r.u16be().ok_or_else(t)? != ST_ATTEST_QUOTE {
        return Err(err("attestation structure is not a quote"));
    }
    let signer = r.tpm2b().ok_or_else(t)?.to_vec();
    let extra_data = r.tpm2b().ok_or_else(t)?.to_vec();
    let clock = r.u64be().ok_or_else(t)?;
    let reset_count = r.u32be().ok_or_else(t)?;
    let restart_count = r.u32be().ok_or_else(t)?;
    let _safe = r.u8().ok_or_else(t)?;
    let firmware = r.u64be().ok_or_else(t)?;
    let count = r.u32be().ok_or_else(t)?;
    // TPM2_NUM_PCR_BANKS is 16.
    if count > 16 {
        return Err(err("quote selects more than 16 banks"));
    }
    let mut selection = Vec::new();
    for _ in 0..count {
        let alg = r.u16be().ok_or_else(t)?;
        let size = r.u8().ok_or_else(t)?;
        let bits = r.take(size.into()).ok_or_else(t)?;
        let pcrs = (0..u32::from(size) * 8)
            .filter(|&i| bits[(i / 8) as usize] & (1 << (i % 8)) != 0)
            .collect();
        selection.push(Selection { alg, pcrs });
    }
    let pcr_digest = r.tpm2b().ok_or_else(t)?.to_vec();
    if !r.done() {
        return Err(err("bytes after the quote"));
    }
    Ok(Quote {
        signer,
        extra_data,
        clock,
        reset_count,
        restart_count,
        firmware,
        selection,
        pcr_digest,
    })
}

/// A parsed `TPMT_SIGNATURE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// RSASSA-PKCS1-v1_5 or RSA-PSS over the hash `hash`.
    Rsa {
        /// `TPM_ALG_RSASSA` or `TPM_ALG_RSAPSS`.
        scheme: u16,
        /// The digest algorithm.
        hash: HashAlgo,
        /// The signature.
        sig: Vec<u8>,
    },
    /// ECDSA over the hash `hash`.
    Ecdsa {
        /// The digest algorithm.
        hash: HashAlgo,
        /// `signatureR`.
        r: Vec<u8>,
        /// `signatureS`.
        s: Vec<u8>,
    },
}

impl Signature {
    /// The hash algorithm of the signing scheme, which is also the one of
    /// the quote's `pcrDigest`.
    pub fn hash(&self) -> HashAlgo {
        match self {
            Signature::Rsa { hash, .. } | Signature::Ecdsa { hash, .. } => *hash,
        }
    }
}

/// Parses a `TPMT_SIGNATURE`, with nothing after it.
pub fn parse_signature(b: &[u8]) -> Result<Signature, QuoteError> {
    let mut r = Reader::new(b);
    let t = || err("signature is truncated");
    let alg = r.u16be().ok_or_else(t)?;
    let hash_id = r.u16be().ok_or_else(t)?;
    let hash = HashAlgo::from_tpm_id(hash_id).ok_or_else(|| {
        err(format!(
            "signature hash 0x{hash_id:04x} is not sha1/sha256/sha384/sha512"
        ))
    })?;
    let sig = match alg {
        ALG_RSASSA | ALG_RSAPSS => Signature::Rsa {
            scheme: alg,
            hash,
            sig: r.tpm2b().ok_or_else(t)?.to_vec(),
        },
        ALG_ECDSA => Signature::Ecdsa {
            hash,
            r: r.tpm2b().ok_or_else(t)?.to_vec(),
            s: r.tpm2b().ok_or_else(t)?.to_vec(),
        },
        _ => {
            return Err(err(format!(
                "signature scheme 0x{alg:04x} is not RSASSA, RSAPSS or ECDSA"
            )))
        }
    };
    if !r.done() {
        return Err(err("bytes after the signature"));
    }
    Ok(sig)
}

/// An attestation key's public part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AkPub {
    /// RSA.
    Rsa(rsa::RsaPublicKey),
    /// ECC NIST P-256.
    P256(p256::PublicKey),
}

/// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo): RSA or P-256.
pub fn parse_ak_pem(pem: &str) -> Result<AkPub, QuoteError> {
    if let Ok(k) = rsa::RsaPublicKey::from_public_key_pem(pem) {
        return Ok(AkPub::Rsa(k));
    }
    if let Ok(k) = p256::PublicKey::from_public_key_pem(pem) {
        return Ok(AkPub::P256(k));
    }
    Err(err(
        "AK public key is not a PEM RSA or P-256 SubjectPublicKeyInfo",
    ))
}

fn pkcs1v15(hash: HashAlgo) -> rsa::Pkcs1v15Sign {
    match hash {
        HashAlgo::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
        HashAlgo::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlgo::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlgo::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

fn pss(hash: HashAlgo) -> rsa::Pss {
    match hash {
        HashAlgo::Sha1 => rsa::Pss::new::<sha1::Sha1>(),
        HashAlgo::Sha256 => rsa::Pss::new::<sha2::Sha256>(),
        HashAlgo::Sha384 => rsa::Pss::new::<sha2::Sha384>(),
        HashAlgo::Sha512 => rsa::Pss::new::<sha2::Sha512>(),
    }
}

/// Checks that `sig` is `ak`'s signature over `msg` (the quote bytes).
pub fn verify_signature(ak: &AkPub, msg: &[u8], sig: &Signature) -> Result<(), QuoteError> {
    let digest = Digest::of(sig.hash(), &[msg]);
    let bad = || err("signature does not verify");
    match (ak, sig) {
        (AkPub::Rsa(k), Signature::Rsa { scheme, hash, sig }) => {
            let r = if *scheme == ALG_RSASSA {
                k.verify(pkcs1v15(*hash), digest.as_bytes(), sig)
            } else {
                k.verify(pss(*hash), digest.as_bytes(), sig)
            };
            r.map_err(|_| bad())
        }
        (AkPub::P256(k), Signature::Ecdsa { r, s, .. }) => {
            let pad = |v: &[u8]| -> Result<[u8; 32], QuoteError> {
                let v = v
                    .strip_prefix(&[0][..])
                    .filter(|v| v.len() >= 32)
                    .unwrap_or(v);
                if v.len() > 32 {
                    return Err(bad());
                }
                let mut out = [0u8; 32];
                out[32 - v.len()..].copy_from_slice(v);
                Ok(out)
            };
            let sig = p256::ecdsa::Signature::from_scalars(pad(r)?, pad(s)?).map_err(|_| bad())?;
            p256::ecdsa::VerifyingKey::from(k)
                .verify_prehash(digest.as_bytes(), &sig)
                .map_err(|_| bad())
        }
        _ => Err(err("signature scheme does not match the AK's key type")),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A quote of PCR 10 in `banks` with `nonce` and `pcr_digest`.
    pub(crate) fn quote_bytes(nonce: &[u8], banks: &[HashAlgo], pcr_digest: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&TPM_GENERATED.to_be_bytes());
        b.extend_from_slice(&ST_ATTEST_QUOTE.to_be_bytes());
        b.extend_from_slice(&4u16.to_be_bytes());
        b.extend_from_slice(b"name");
        b.extend_from_slice(&(nonce.len() as u16).to_be_bytes());
        b.extend_from_slice(nonce);
        b.extend_from_slice(&1234u64.to_be_bytes());
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&0u32.to_be_bytes());
        b.push(1);
        b.extend_from_slice(&7u64.to_be_bytes());
        b.extend_from_slice(&(banks.len() as u32).to_be_bytes());
        for a in banks {
            b.extend_from_slice(&a.tpm_id().to_be_bytes());
            b.extend_from_slice(&[3, 0, 0b100, 0]);
        }
        b.extend_from_slice(&(pcr_digest.len() as u16).to_be_bytes());
        b.extend_from_slice(pcr_digest);
        b
    }

    #[test]
    fn quote_parses() {
        let q = parse_quote(&quote_bytes(
            b"nonce",
            &[HashAlgo::Sha1, HashAlgo::Sha256],
            &[9; 32],
        ))
        .unwrap();
        assert_eq!(q.extra_data, b"nonce");
        assert_eq!(q.signer, b"name");
        assert_eq!(q.clock, 1234);
        assert_eq!(q.selection.len(), 2);
        assert_eq!(
            q.selection[1],
            Selection {
                alg: 0x000b,
                pcrs: vec![10]
            }
        );
        assert_eq!(q.pcr_digest, vec![9; 32]);
    }

    #[test]
    fn bad_quotes_are_refused() {
        let good = quote_bytes(b"n", &[HashAlgo::Sha256], &[1; 32]);
        for n in 0..good.len() {
            assert!(parse_quote(&good[..n]).is_err(), "{n}");
        }
        let mut extra = good.clone();
        extra.push(0);
        assert_eq!(parse_quote(&extra).unwrap_err().0, "bytes after the quote");
        let mut magic = good.clone();
        magic[0] = 0;
        assert!(parse_quote(&magic).is_err());
        let mut ty = good;
        ty[5] = 0x17; // TPM_ST_ATTEST_CERTIFY
        assert_eq!(
            parse_quote(&ty).unwrap_err().0,
            "attestation structure is not a quote"
        );
    }

    #[test]
    fn signatures_parse() {
        let mut b = vec![0x00, 0x14, 0x00, 0x0b, 0x00, 0x02, 0xaa, 0xbb];
        assert_eq!(
            parse_signature(&b).unwrap(),
            Signature::Rsa {
                scheme: ALG_RSASSA,
                hash: HashAlgo::Sha256,
                sig: vec![0xaa, 0xbb]
            }
        );
        b.push(0);
        assert!(parse_signature(&b).is_err());
        let e = [0x00, 0x18, 0x00, 0x0b, 0x00, 0x01, 0x01, 0x00, 0x01, 0x02];
        assert_eq!(
            parse_signature(&e).unwrap(),
            Signature::Ecdsa {
                hash: HashAlgo::Sha256,
                r: vec![1],
                s: vec![2]
            }
        );
        assert!(parse_signature(&[0x00, 0x01, 0x00, 0x0b]).is_err());
        assert!(parse_signature(&[0x00, 0x14, 0x00, 0x99]).is_err());
    }
}
