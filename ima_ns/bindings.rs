// SPDX-License-Identifier: GPL-2.0
//! Bindings to the C functions and types the `kernel` crate does not cover
//! in 6.12 (securityfs, seq_file, TPM, shash), plus our own `glue.h`.
//!
//! Generated at build time by `ima_ns/gen-bindings.sh` with the kernel's own
//! bindgen command line, restricted by allowlists to what we call.

#![allow(
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unknown_lints,
    unnecessary_transmutes,
    clippy::all,
    // The lints 7.x's kernel enables beyond `clippy::all`, as its own
    // `rust/bindings` allows them for generated code.
    clippy::as_underscore,
    clippy::cast_lossless,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::undocumented_unsafe_blocks
)]

use kernel::ffi;
// bindgen 0.71 (7.x) derives pin-init's `MaybeZeroable` on every struct.
#[cfg(kernel_7)]
use pin_init::MaybeZeroable;

type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

include!("bindings_generated.rs");
