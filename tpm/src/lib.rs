// SPDX-License-Identifier: GPL-2.0
//! TPM banks, digests and PCR arithmetic for ima-ns.
//!
//! Pure logic: no kernel calls, no allocation. The kernel shell
//! (`tpm/kernel.rs`) reads and extends real PCRs; this crate computes what
//! they must contain: extend, replay of a measurement list, boot_aggregate.
#![no_std]
#![forbid(unsafe_code)]

mod algo;
mod digest;
mod pcr;

pub use algo::HashAlgo;
pub use digest::{Digest, Hasher, MAX_DIGEST_SIZE};
pub use pcr::{boot_aggregate, extend, replay, BootAggregateError};
