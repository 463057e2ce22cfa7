// SPDX-License-Identifier: GPL-2.0
//! Per-inode integrity state (upstream's `iint`), for every namespace at
//! once: which namespaces measured, appraised or audited which version of
//! the contents, its digests, the readers and violation flags, and how
//! events change them (a new version, the last writer's close, a truncate,
//! an xattr change, a copy-up). One state for all namespaces, so a file is
//! hashed once per algorithm until it changes.
//!
//! A version is the file's change cookie (`None`: the filesystem keeps
//! none); what is cached for a version holds while the cookie is the
//! file's, and without a cookie until the last writer closes or a
//! truncate. The kernel shell (`ima_ns/iint.rs`) keeps the states in a
//! tree keyed by inode, under a mutex each, and supplies the lists
//! ([`Storage`]: `KVec` there, `Vec` in tests).
#![no_std]
#![forbid(unsafe_code)]

mod list;
mod state;

#[cfg(test)]
mod tests;

pub use list::{List, NoMemory, Storage};
pub use state::{Real, State};
