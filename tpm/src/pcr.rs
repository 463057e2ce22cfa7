// SPDX-License-Identifier: GPL-2.0
//! PCR arithmetic: extend and boot_aggregate, as the TPM and upstream IMA
//! compute them.

use crate::{Digest, HashAlgo, Hasher};

/// `PCR_new = H(PCR_old || value)` in the bank of `pcr`.
///
/// `value` must already be a digest of the bank's algorithm (callers pad
/// SHA-1 digests for banks they cannot hash, as upstream does).
pub fn extend(pcr: &Digest, value: &Digest) -> Digest {
    Digest::of(pcr.algo(), &[pcr.as_bytes(), value.as_bytes()])
}

/// Replays a sequence of extends from a reset PCR: what a verifier does
/// with a measurement list, and what a namespace's virtual PCR holds.
pub fn replay<'a>(algo: HashAlgo, values: impl IntoIterator<Item = &'a Digest>) -> Digest {
    values
        .into_iter()
        .fold(Digest::zero(algo), |pcr, v| extend(&pcr, v))
}

/// Why a boot_aggregate could not be computed.
#[derive(Debug, PartialEq, Eq)]
pub enum BootAggregateError {
    /// Fewer PCR values than the algorithm needs (8 for SHA-1, 10 else).
    MissingPcrs,
    /// A PCR value is of another bank than the aggregate.
    WrongBank,
}

/// boot_aggregate as `ima_calc_boot_aggregate_tfm()` computes it: the hash
/// of PCRs 0-7, and for banks other than SHA-1 also PCRs 8-9 (kernel
/// command line and image in the usual allocation), all read from the
/// bank of `algo`.
pub fn boot_aggregate(algo: HashAlgo, pcrs: &[Digest]) -> Result<Digest, BootAggregateError> {
    let count = if algo == HashAlgo::Sha1 { 8 } else { 10 };
    let pcrs = pcrs.get(..count).ok_or(BootAggregateError::MissingPcrs)?;
    let mut h = Hasher::new(algo);
    for pcr in pcrs {
        if pcr.algo() != algo {
            return Err(BootAggregateError::WrongBank);
        }
        h.update(pcr.as_bytes());
    }
    Ok(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; 64] {
        let mut out = [0; 64];
        for (i, c) in s.as_bytes().chunks(2).enumerate() {
            out[i] = u8::from_str_radix(core::str::from_utf8(c).unwrap(), 16).unwrap();
        }
        out
    }

    #[test]
    fn sha256_of_abc_matches_fips_180_vector() {
        let d = Digest::of(HashAlgo::Sha256, &[b"abc"]);
        let want = hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(d.as_bytes(), &want[..32]);
    }

    #[test]
    fn extend_is_hash_of_old_and_new() {
        let zero = Digest::zero(HashAlgo::Sha1);
        let v = Digest::ones(HashAlgo::Sha1);
        let mut cat = [0u8; 40];
        cat[20..].fill(0xff);
        assert_eq!(extend(&zero, &v), Digest::of(HashAlgo::Sha1, &[&cat]));
    }

    /// Expected value computed independently with Python's hashlib.
    #[test]
    fn replay_matches_independent_computation() {
        let values: [Digest; 3] = [b"a", b"b", b"c"].map(|d| Digest::of(HashAlgo::Sha256, &[d]));
        let want = hex("202baab0d9ef5820d6d9c8d82fb5c7a18bb9fa436d42bc0961ed55c3f3f36b17");
        assert_eq!(replay(HashAlgo::Sha256, &values).as_bytes(), &want[..32]);
        assert_eq!(replay(HashAlgo::Sha1, &[]), Digest::zero(HashAlgo::Sha1));
    }

    #[test]
    fn boot_aggregate_of_zero_pcrs_sha1_uses_pcrs_0_to_7() {
        // With a fresh TPM, every PCR 0-9 reads as zeros.
        let pcrs = [Digest::zero(HashAlgo::Sha1); 10];
        let agg = boot_aggregate(HashAlgo::Sha1, &pcrs).unwrap();
        assert_eq!(agg, Digest::of(HashAlgo::Sha1, &[&[0u8; 160]]));
    }

    #[test]
    fn boot_aggregate_sha256_uses_pcrs_0_to_9() {
        let pcrs = [Digest::zero(HashAlgo::Sha256); 10];
        let agg = boot_aggregate(HashAlgo::Sha256, &pcrs).unwrap();
        assert_eq!(agg, Digest::of(HashAlgo::Sha256, &[&[0u8; 320]]));
        assert_eq!(
            boot_aggregate(HashAlgo::Sha256, &pcrs[..8]),
            Err(BootAggregateError::MissingPcrs)
        );
    }

    #[test]
    fn padded_sha1_fills_larger_bank_with_zeros() {
        let d = Digest::padded(HashAlgo::Sha256, &[0xab; 20]);
        assert_eq!(&d.as_bytes()[..20], &[0xab; 20]);
        assert_eq!(&d.as_bytes()[20..], &[0; 12]);
    }

    #[test]
    fn algo_ids_round_trip() {
        for a in HashAlgo::ALL {
            assert_eq!(HashAlgo::from_tpm_id(a.tpm_id()), Some(a));
            assert_eq!(HashAlgo::from_name(a.name()), Some(a));
        }
    }
}
