// SPDX-License-Identifier: GPL-2.0
//! Appraisal's pure core: what a `security.ima` value says
//! (`enum evm_ima_xattr_type`, `struct signature_v2_hdr`), which hash the
//! file must be collected with (`ima_get_hash_algo()`), the decision of
//! `xattr_verify()` and of the no-xattr path of
//! `ima_appraise_measurement()` up to the signature check itself, what a
//! v2 or v3 signature covers, and the value fix mode writes
//! (`ima_fix_xattr()`). The kernel shell reads the xattr, hashes the file
//! and verifies signatures with the kernel's asymmetric-key API.
//!
//! Everything here takes untrusted bytes (any file's xattr) and never
//! panics on them (fuzzed: `fuzz/fuzz_targets/xattr.rs`).
#![no_std]
#![forbid(unsafe_code)]

mod algo;
mod encoding;
mod verify;
mod xattr;

pub use algo::{KernelHashAlgo, HASH_ALGO_LAST};
pub use encoding::SigEncoding;
pub use verify::{check_missing, check_xattr, Check, Required, Signed, Status};
pub use xattr::{
    fix_value, hash_algo_for, FileId, ImaXattr, SigError, SigHeader, XattrType, FIX_VALUE_MAX,
    SIG_HEADER_LEN,
};
