// SPDX-License-Identifier: GPL-2.0
//! Fuzzes what appraisal does with a file's `security.ima`, which anyone
//! who can write the file's xattrs (or the disk) controls: classifying,
//! choosing the hash algorithm, parsing signature headers, deciding. No
//! panic; a parsed header accounts for every byte; a decision that waits
//! for a key carries the value it was given.
#![no_main]

use ima_appraise::{
    check_xattr, hash_algo_for, Check, KernelHashAlgo, Required, SigHeader, SIG_HEADER_LEN,
};
use ima_policy::Upstream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &[u8]| {
    if let Ok(h) = SigHeader::parse(value) {
        assert_eq!(h.sig.len() + SIG_HEADER_LEN, value.len());
        assert!(h.hash_algo.id() < ima_appraise::HASH_ALGO_LAST);
    }
    for upstream in Upstream::ALL {
        let algo = hash_algo_for(Some(value), KernelHashAlgo::SHA256, upstream);
        let digest = [0x5a; 64];
        let digest = &digest[..algo.digest_size()];
        for (signature, verity, sigv3) in [
            (false, false, false),
            (true, false, false),
            (true, false, true),
            (true, true, true),
        ] {
            for immutable in [false, true] {
                let req = Required {
                    signature,
                    verity,
                    sigv3,
                };
                if let Check::Verify { value: v, .. } =
                    check_xattr(value, algo, digest, req, immutable, upstream)
                {
                    assert_eq!(v, value);
                }
            }
        }
    }
});
