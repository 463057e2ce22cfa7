// SPDX-License-Identifier: GPL-2.0
//! What a file event gives the template fields beyond its digest and
//! name: `security.ima`, `security.evm`, the inode's owner and mode, and
//! the xattrs EVM protects (upstream's `ima_event_data`, gathered only for
//! the fields a template has).

use crate::file::File;
use ima_template::{EventData, Field, InodeAttrs, Template, Xattr, EVENT_NAME_LEN_MAX};
use kernel::prelude::*;

/// What a template needs beyond digest and name.
#[derive(Clone, Copy, Default)]
struct Needs {
    ima_xattr: bool,
    evm_xattr: bool,
    inode: bool,
    xattrs: bool,
    dentry_name: bool,
}

impl Needs {
    fn of(t: &Template) -> Self {
        let mut n = Self::default();
        for f in t.fields() {
            match f {
                Field::Sig => {
                    n.ima_xattr = true;
                    n.evm_xattr = true;
                }
                Field::EvmSig => n.evm_xattr = true,
                Field::IUid | Field::IGid | Field::IMode => n.inode = true,
                Field::XattrNames | Field::XattrLengths | Field::XattrValues => n.xattrs = true,
                Field::N => n.dentry_name = true,
                _ => {}
            }
        }
        n
    }
}

/// The optional parts of a file event, read from the file on first need
/// and then shared by every namespace that records the event.
#[derive(Default)]
pub(crate) struct FileExtras {
    read: Needs,
    ima_xattr: Option<KVec<u8>>,
    evm_xattr: Option<KVec<u8>>,
    inode: Option<InodeAttrs>,
    /// The xattrs EVM protects that the file has, (name, value), in EVM's
    /// order (`evm_read_protected_xattrs()`). `None` until read: dropping
    /// an empty `KVec` still calls the allocator, on every event.
    xattrs: Option<KVec<(KVec<u8>, KVec<u8>)>>,
    dentry_name: Option<KVec<u8>>,
}

impl FileExtras {
    /// Reads what `template` needs and was not read yet. A file whose
    /// xattrs cannot be read is recorded without them, as upstream does.
    pub(crate) fn fill(&mut self, file: &File<'_>, template: &Template, name: &[u8]) -> Result {
        let need = Needs::of(template);
        if need.ima_xattr && !self.read.ima_xattr {
            self.ima_xattr = file.xattr(c"security.ima").unwrap_or(None);
            self.read.ima_xattr = true;
        }
        if need.evm_xattr && !self.read.evm_xattr {
            self.evm_xattr = file.xattr(c"security.evm").unwrap_or(None);
            self.read.evm_xattr = true;
        }
        if need.inode && !self.read.inode {
            let f = file.facts();
            self.inode = Some(InodeAttrs {
                uid: f.iuid,
                gid: f.igid,
                mode: f.mode as u16,
            });
            self.read.inode = true;
        }
        if need.xattrs && !self.read.xattrs {
            // As ima_eventinodexattrs_init_common(): a read error leaves
            // the fields empty.
            let d = crate::dentry::Dentry::of_file(file);
            self.xattrs = match (crate::state::get(), d) {
                (Some(st), Some(d)) => crate::evm::read_protected_xattrs(st, d).ok(),
                _ => None,
            };
            self.read.xattrs = true;
        }
        // The legacy `n` field names a long path by its last component.
        if need.dentry_name && !self.read.dentry_name && name.len() > EVENT_NAME_LEN_MAX {
            let mut buf = [0u8; EVENT_NAME_LEN_MAX];
            let mut dentry_name = KVec::new();
            dentry_name.extend_from_slice(file.dentry_name(&mut buf), GFP_KERNEL)?;
            self.dentry_name = Some(dentry_name);
            self.read.dentry_name = true;
        }
        Ok(())
    }

    /// Calls `f` with `base` completed by what was read. `ima_xattr` is
    /// left out of violations, whose event carries no appraisal data.
    pub(crate) fn with_event<R>(
        &self,
        base: EventData<'_>,
        f: impl FnOnce(&EventData<'_>) -> R,
    ) -> R {
        // Borrowed views of what `fill` read; past the room, none (as an
        // allocation failure upstream: the fields stay empty).
        let xattrs = self.xattrs.as_deref().unwrap_or(&[]);
        let mut views = KVec::with_capacity(xattrs.len(), GFP_KERNEL).unwrap_or_default();
        for (name, value) in xattrs.iter() {
            if views.push(Xattr { name, value }, GFP_KERNEL).is_err() {
                views = KVec::new();
                break;
            }
        }
        let mut ev = base;
        if !ev.violation {
            ev.ima_xattr = self.ima_xattr.as_deref();
        }
        ev.evm_xattr = self.evm_xattr.as_deref();
        ev.inode = self.inode;
        ev.xattrs = &views;
        if self.read.dentry_name {
            ev.dentry_name = Some(self.dentry_name.as_deref().unwrap_or(&[]));
        }
        f(&ev)
    }
}
