// SPDX-License-Identifier: GPL-2.0
//! Where a namespace's `start` and `end` anchors go: the parent's list,
//! or, for a child of the host with `host=ima`, built-in IMA's list as
//! critical data (label `ima-ns`, template `ima-buf`, the blob as the
//! buffer), so that a verifier of the host's IMA list verifies them too.

use crate::namespace::ImaNamespace;
use ima_tpm::Digest;
use kernel::prelude::*;

/// Records anchor `name` (`ima-ns:start:<id>`, ...) over `blob` for a
/// child of `parent`.
pub(crate) fn record(parent: &ImaNamespace, name: &[u8], blob: &[u8]) -> Result {
    if parent.is_host() && crate::coexist::get().host_is_builtin() {
        return crate::coexist::critical_data(name, blob);
    }
    parent.record(&Digest::of(parent.algo(), &[blob]), name)
}
