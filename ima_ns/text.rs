// SPDX-License-Identifier: GPL-2.0
//! A growable byte buffer that is both an `ima_template` [`Sink`] and a
//! `fmt::Write`: template data, event records, report lines.

use ima_template::{Overflow, Sink};
use kernel::prelude::*;

/// Bytes under construction: template data, event records.
pub(crate) struct DataBuf(pub(crate) KVec<u8>);

impl Sink for DataBuf {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        self.0
            .extend_from_slice(bytes, GFP_KERNEL)
            .map_err(|_| Overflow)
    }
}

impl core::fmt::Write for DataBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.put(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}
