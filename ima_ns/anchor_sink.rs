// SPDX-License-Identifier: GPL-2.0
//! Where a namespace's anchors (`start`, `checkpoint`, `end`) go: the
//! parent's list as an `ima-buf` entry holding the blob,
//! or, for a child of the host with `host=ima`, built-in IMA's list as
//! critical data (label `ima-ns`, template `ima-buf`, the blob as the
//! buffer), so that a verifier of the host's IMA list verifies them too.

use crate::namespace::ImaNamespace;
use kernel::prelude::*;

/// Records anchor `name` (`ima-ns:start:<id>`, ...) over `blob` for a
/// child of `parent`.
pub(crate) fn record(parent: &ImaNamespace, name: &[u8], blob: &[u8]) -> Result {
    if parent.is_host() && crate::coexist::get().host_is_builtin() {
        return crate::coexist::critical_data(name, blob);
    }
    let st = crate::state::get().ok_or(ENODEV)?;
    st.record_buffer(parent, name, blob)
}
