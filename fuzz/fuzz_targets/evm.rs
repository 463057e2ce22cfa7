// SPDX-License-Identifier: GPL-2.0
//! Fuzzes what EVM does with bytes others control: `security.evm` values
//! (anyone with the disk), writes to securityfs `evm` and `evm_xattrs`
//! (root). No panic; a classified value keeps its bytes; the flags only
//! ever gain bits, and never lose the lock.
#![no_main]

use ima_evm::{parse_xattrs_write, EvmValue, Flags, XattrsWrite, XATTR_NAME_MAX};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match EvmValue::parse(data) {
        EvmValue::Hmac(h) => assert_eq!(&data[1..], &h[..]),
        EvmValue::Signature(k, v) => {
            assert_eq!(v, data);
            assert_eq!(data[0], k.type_byte());
            assert!(data.len() > 9);
        }
        _ => {}
    }
    let (seed, text) = data.split_first().map_or((0, data), |(s, t)| (*s, t));
    let old = Flags(u32::from(seed).rotate_right(1) & Flags::INIT_MASK);
    if let Ok(w) = old.plan_write(text) {
        let new = w.apply(old);
        assert_eq!(
            new.0 & old.0 & !Flags::ALLOW_METADATA_WRITES,
            old.0 & !Flags::ALLOW_METADATA_WRITES
        );
        assert!(old.0 & Flags::SETUP_COMPLETE == 0);
        assert!(!(new.hmac() && new.metadata_writes_allowed()));
    }
    match parse_xattrs_write(text) {
        Ok(XattrsWrite::Add(name)) => {
            assert!(name.starts_with(b"security.") && name.len() <= XATTR_NAME_MAX);
        }
        Ok(XattrsWrite::Lock) | Err(_) => {}
    }
});
