// SPDX-License-Identifier: GPL-2.0
//! EVM's pure core (upstream's `security/integrity/evm/`, 6.12): what a
//! `security.evm` value says, which bytes its HMAC or signature covers
//! (the protected xattrs in upstream's order, then `struct h_misc` and the
//! filesystem UUID), the verification outcome as `enum integrity_status`,
//! the securityfs `evm` and `evm_xattrs` files, and the decisions of
//! `evm_protect_xattr()` / `evm_inode_setattr()`.
//!
//! The kernel shell (`evm/kernel.rs`) reads the xattrs and the inode,
//! computes the HMAC or digest with the kernel crypto API and verifies
//! signatures with the asymmetric-key API. Everything here takes
//! untrusted bytes and never panics on them (fuzzed:
//! `fuzz/fuzz_targets/evm.rs`).
#![no_std]
#![forbid(unsafe_code)]

mod flags;
mod hooks;
mod input;
mod protect;
mod status;
mod value;
mod xattrs;

pub use flags::{Flags, FlagsWrite, WriteError};
pub use hooks::{acl_changes_mode, copy_up_xattr, key_is_burnt, AclChange, CopyUp};
pub use input::{covers_uuid, Coverage, InputError, Metadata, MISC_LEN};
pub use protect::{protect_attr, protect_xattr, Refusal, XattrClass};
pub use status::{after_compute, appraisal_cause, without_value, Status};
pub use value::{EvmValue, ValueKind, HMAC_LEN};
pub use xattrs::{
    is_protected, parse_xattrs_write, Enabler, XattrsWrite, DEFAULT_XATTRS, XATTR_NAME_EVM,
    XATTR_NAME_IMA, XATTR_NAME_MAX,
};
