// SPDX-License-Identifier: GPL-2.0
//! Temporary directories standing in for securityfs in unit tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory under `std::env::temp_dir()`, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// A new empty directory; `tag` names it for whoever finds it left over.
    pub(crate) fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("ima-ns-test-{}-{n}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Creates file `rel` (and its parents) holding `contents`.
    pub(crate) fn file(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create parents");
        fs::write(path, contents).expect("write file");
    }

    /// The contents of file `rel`.
    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.0.join(rel)).expect("read file")
    }

    /// A fake ima directory with a pending-namespace interface whose
    /// `for_children/ns_id` reads `id`; every writable file is empty.
    pub(crate) fn fake_ima(tag: &str, id: u64) -> Self {
        let dir = TempDir::new(tag);
        dir.file("ns_id", "0\n");
        dir.file("ns_live", "0\n");
        dir.file("ns_unshare", "");
        dir.file("for_children/ns_id", format!("{id}\n"));
        for f in ["policy", "hash", "template"] {
            dir.file(&format!("for_children/{f}"), "");
        }
        dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
