// SPDX-License-Identifier: GPL-2.0
//! The module's securityfs directory (`/sys/kernel/security/ima/`).
//!
//! Every file access of the tool goes through [`Sysfs`], which turns OS
//! errors into messages naming the file and, where the errno says something
//! specific about this interface, a hint (see [`hint`]).

use crate::error::{errno, Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A securityfs directory of ima_ns.ko, or a fake one in tests.
pub(crate) struct Sysfs {
    root: PathBuf,
}

/// What the kernel means by `errno` on file `rel` (relative to the ima
/// directory), if that says more than strerror does.
pub(crate) fn hint(rel: &str, errno: i32) -> Option<&'static str> {
    let pending = rel.starts_with("for_children");
    Some(match errno {
        errno::EPERM | errno::EACCES => "needs CAP_SYS_ADMIN",
        errno::ENODEV => "ima_ns.ko state missing: is the module being unloaded?",
        errno::ENOENT if rel == "ns_unshare" => "ima_ns.ko not loaded, or built without namespaces",
        errno::ENOENT if pending => "this process has no pending IMA namespace",
        errno::ENOENT if rel == "namespaces" => "ima_ns.ko built without namespaces",
        errno::ENOENT if rel.starts_with("namespaces/") && rel.matches('/').count() == 1 => {
            "no such namespace below this one: not a descendant, or already gone"
        }
        errno::ENOENT if rel.starts_with("namespaces/") => "the namespace is gone",
        errno::ENOENT if rel == "vpcr" => "the host namespace has no vpcr",
        errno::ENOENT => "ima_ns.ko not loaded?",
        errno::EBUSY if rel == "ns_unshare" => "this process already has a pending IMA namespace",
        errno::EBUSY if rel == "for_children/policy" => {
            "the namespace is already active, or its policy is open elsewhere"
        }
        errno::EBUSY if pending => "the namespace is already active",
        errno::EINVAL if rel == "for_children/policy" => "see dmesg for the rejected rule",
        errno::EINVAL if rel == "for_children/hash" => "hash algorithm not available; see dmesg",
        errno::EINVAL if rel == "for_children/template" => "unknown template; see dmesg",
        _ => return None,
    })
}

impl Sysfs {
    /// The directory at `root`.
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        Sysfs { root: root.into() }
    }

    /// The directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` in the directory.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The error for `op` (e.g. "read") on `rel` failing with `cause`.
    pub(crate) fn error(&self, op: &str, rel: &str, cause: io::Error) -> Error {
        let h = cause.raw_os_error().and_then(|n| hint(rel, n));
        Error::io(format!("{op} {}", self.path(rel).display()), cause).with_hint(h)
    }

    /// Fails unless the directory exists: the first thing each command
    /// checks, so that a missing module reads as one, not as a missing file.
    pub(crate) fn check(&self) -> Result {
        let what = || self.root.display().to_string();
        match fs::metadata(&self.root) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(Error::msg(format!("{}: not a directory", what()))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(Error::io(what(), e).with_hint(Some(
                    "ima_ns.ko not loaded, or securityfs not mounted: \
                 mount -t securityfs securityfs /sys/kernel/security",
                )))
            }
            Err(e) => Err(Error::io(what(), e)),
        }
    }

    /// The contents of `rel`.
    pub(crate) fn read(&self, rel: &str) -> Result<Vec<u8>> {
        fs::read(self.path(rel)).map_err(|e| self.error("read", rel, e))
    }

    /// The contents of `rel` as text, lossily decoded.
    pub(crate) fn read_text(&self, rel: &str) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.read(rel)?).into_owned())
    }

    /// A one-line value such as `ns_id`, without surrounding whitespace.
    pub(crate) fn read_value(&self, rel: &str) -> Result<String> {
        Ok(self.read_text(rel)?.trim().to_owned())
    }

    /// `rel` opened for reading.
    pub(crate) fn open_read(&self, rel: &str) -> Result<File> {
        File::open(self.path(rel)).map_err(|e| self.error("open", rel, e))
    }

    /// `rel` opened write-only, never created or truncated: securityfs files
    /// exist or the interface is missing.
    pub(crate) fn open_write(&self, rel: &str) -> Result<File> {
        OpenOptions::new()
            .write(true)
            .open(self.path(rel))
            .map_err(|e| self.error("open", rel, e))
    }

    /// Writes `data` to `rel` in one open.
    pub(crate) fn write(&self, rel: &str, data: &[u8]) -> Result {
        self.open_write(rel)?
            .write_all(data)
            .map_err(|e| self.error("write", rel, e))
    }

    /// The names of the directory `rel`'s entries that are directories.
    pub(crate) fn subdirs(&self, rel: &str) -> Result<Vec<String>> {
        let err = |e| self.error("read", rel, e);
        let mut names = Vec::new();
        for entry in fs::read_dir(self.path(rel)).map_err(err)? {
            let entry = entry.map_err(err)?;
            if is_dir(&entry.path()) {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }
}

fn is_dir(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdir::TempDir;

    #[test]
    fn hints_name_the_likely_cause() {
        assert_eq!(
            hint("ns_unshare", errno::EPERM),
            Some("needs CAP_SYS_ADMIN")
        );
        assert_eq!(
            hint("namespaces/3/policy", errno::EACCES),
            Some("needs CAP_SYS_ADMIN")
        );
        assert!(hint("ns_unshare", errno::ENOENT)
            .unwrap()
            .contains("not loaded"));
        assert!(hint("ns_unshare", errno::EBUSY)
            .unwrap()
            .contains("already has"));
        assert!(hint("for_children/policy", errno::EINVAL)
            .unwrap()
            .contains("dmesg"));
        assert!(hint("for_children/hash", errno::EBUSY)
            .unwrap()
            .contains("already active"));
        assert!(hint("for_children/ns_id", errno::ENOENT)
            .unwrap()
            .contains("no pending"));
        assert!(hint("namespaces/9", errno::ENOENT)
            .unwrap()
            .contains("descendant"));
        assert!(hint("ns_id", errno::ENODEV)
            .unwrap()
            .contains("state missing"));
        assert_eq!(hint("ns_id", errno::EINVAL), None);
    }

    #[test]
    fn errors_name_the_file() {
        let s = Sysfs::new("/x/ima");
        let e = s.error(
            "write",
            "for_children/policy",
            io::Error::from_raw_os_error(errno::EINVAL),
        );
        assert_eq!(
            e.to_string(),
            "write /x/ima/for_children/policy: Invalid argument (see dmesg for the rejected rule)"
        );
    }

    #[test]
    fn missing_directory_is_reported_as_such() {
        let dir = TempDir::new("sysfs-missing");
        let e = Sysfs::new(dir.path().join("ima")).check().unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with(&format!(
            "{}: No such file or directory (",
            dir.path().join("ima").display()
        )));
        assert!(
            msg.contains("not loaded") && msg.contains("securityfs not mounted"),
            "{msg}"
        );
        dir.file("ima", "");
        let msg = Sysfs::new(dir.path().join("ima"))
            .check()
            .unwrap_err()
            .to_string();
        assert!(msg.ends_with("ima: not a directory"), "{msg}");
        Sysfs::new(dir.path()).check().unwrap();
    }

    #[test]
    fn reads_writes_and_lists() {
        let dir = TempDir::new("sysfs-rw");
        dir.file("ns_id", " 4\n");
        dir.file("ns_unshare", "");
        dir.file("namespaces/2/parent", "0\n");
        dir.file("namespaces/10/parent", "2\n");
        dir.file("namespaces/README", "not a namespace");
        let s = Sysfs::new(dir.path());
        assert_eq!(s.read_value("ns_id").unwrap(), "4");
        s.write("ns_unshare", b"1\n").unwrap();
        assert_eq!(dir.read("ns_unshare"), "1\n");
        let mut names = s.subdirs("namespaces").unwrap();
        names.sort();
        assert_eq!(names, ["10", "2"]);
        let e = s.write("for_children/hash", b"sha1\n").unwrap_err();
        assert_eq!(e.errno(), Some(errno::ENOENT));
        assert!(e.to_string().contains("no pending IMA namespace"), "{e}");
    }
}
