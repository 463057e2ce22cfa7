// SPDX-License-Identifier: GPL-2.0
//! `ima-ns run --key`: certificates into a pending namespace's keyring.
//!
//! The module names the keyring `.ima_ns<ID>` and lets the task holding
//! the namespace for its children reach it by name until the namespace
//! is active (then only its members can). The tool must add the keys
//! itself: a forked `keyctl` would be the namespace's first member.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// `add_key(2)` on x86-64 and arm64 (the only syscall the tool needs that
/// std lacks).
#[cfg(target_arch = "x86_64")]
const SYS_ADD_KEY: i64 = 248;
#[cfg(target_arch = "aarch64")]
const SYS_ADD_KEY: i64 = 217;

extern "C" {
    /// syscall(2), from the C library std links against.
    fn syscall(number: i64, ...) -> i64;
}

/// The serial of keyring `name` in `/proc/keys` text ("serial flags usage
/// timeout perm uid gid type description: summary"): the first column
/// (hex) of the line whose type is `keyring` and description `name`.
pub(crate) fn keyring_serial(proc_keys: &str, name: &str) -> Option<i32> {
    proc_keys.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let serial = words.next()?;
        let rest: Vec<&str> = words.skip(6).collect();
        let (ty, desc) = (rest.first()?, rest.get(1)?);
        let desc = desc.strip_suffix(':').unwrap_or(desc);
        (*ty == "keyring" && desc == name)
            .then(|| u32::from_str_radix(serial, 16).ok().map(|s| s as i32))
            .flatten()
    })
}

/// The module's keyring name prefix (`keyring_prefix`: `.` gives
/// `.ima_ns<ID>`; beside built-in IMA `.ima_ns.` gives `.ima_ns.ima_ns<ID>`).
fn keyring_prefix() -> String {
    std::fs::read_to_string("/sys/module/ima_ns/parameters/keyring_prefix")
        .ok()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_owned())
}

/// Adds each DER certificate in `keys` to namespace `id`'s keyring.
pub(crate) fn add_all(id: &str, keys: &[PathBuf]) -> Result {
    let name = format!("{}ima_ns{id}", keyring_prefix());
    let proc_keys =
        std::fs::read_to_string("/proc/keys").map_err(|e| Error::io("read /proc/keys", e))?;
    let serial = keyring_serial(&proc_keys, &name)
        .ok_or_else(|| Error::msg(format!("keyring {name} not found in /proc/keys")))?;
    for path in keys {
        let der =
            std::fs::read(path).map_err(|e| Error::io(format!("read {}", path.display()), e))?;
        // SAFETY: the strings are NUL-terminated; `der` is valid for its
        // length; add_key only reads them.
        let ret = unsafe {
            syscall(
                SYS_ADD_KEY,
                c"asymmetric".as_ptr(),
                c"".as_ptr(),
                der.as_ptr(),
                der.len(),
                serial,
            )
        };
        if ret < 0 {
            return Err(Error::io(
                format!("add {} to keyring {name}", path.display()),
                std::io::Error::last_os_error(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_keyring_line() {
        let text = "\
06d95e17 I--Q---     2 perm 1f3f0000     0 65534 keyring   _uid.0: empty
2a8b2f61 I------     1 perm 3f0f0000     0     0 keyring   .ima_ns12: 1
2a8b2f62 I------     1 perm 3f0f0000     0     0 keyring   .ima_ns1: empty
3b8b2f63 I------     1 perm 3f010000     0     0 asymmetric .ima_ns2: X509.rsa
";
        assert_eq!(keyring_serial(text, ".ima_ns1"), Some(0x2a8b2f62));
        assert_eq!(keyring_serial(text, ".ima_ns12"), Some(0x2a8b2f61));
        assert_eq!(keyring_serial(text, ".ima_ns2"), None);
    }
}
