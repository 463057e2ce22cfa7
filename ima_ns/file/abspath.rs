// SPDX-License-Identifier: GPL-2.0
//! The name an entry records for a file: upstream's `ima_d_path()`.
//!
//! Upstream names a file by `d_absolute_path()`: its path from the root of
//! the mount tree, whatever the measuring task's root is (a chroot does not
//! rename files in the host's list), with no " (deleted)" suffix. Where no
//! such path exists (memfds and other pseudo files, files of a detached
//! mount) the name is the dentry's own, truncated as upstream's `NAME_MAX`
//! buffer truncates it.
//!
//! `d_absolute_path()` is not exported to modules in 6.12: its address is
//! looked up once at load through a kprobe that is registered disabled
//! (never armed) and unregistered at once. Without kprobes the module falls
//! back to `d_path()`, which names files relative to the task's root, and
//! says so in the kernel log.

use super::File;
use crate::bindings;
use crate::compat::CStrExt;
use core::ffi::{c_int, CStr};
use core::ops::Range;
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::ffi::{c_char, c_ulong};
use kernel::prelude::*;

/// `char *d_absolute_path(const struct path *, char *, int)`
/// (include/linux/dcache.h).
type DAbsolutePath = unsafe extern "C" fn(*const bindings::path, *mut c_char, c_int) -> *mut c_char;

/// The address of `d_absolute_path()`; 0 until [`resolve`] found it.
static D_ABSOLUTE_PATH: AtomicUsize = AtomicUsize::new(0);

const SYMBOL: &CStr = c"d_absolute_path";

/// Upstream's `namebuf` is `char filename[NAME_MAX]`, filled by
/// `strscpy(namebuf, name, NAME_MAX)`: at most `NAME_MAX - 1` bytes.
const DENTRY_NAME_MAX: usize = 255 - 1;

/// Finds `d_absolute_path()`; called once at load, before the hooks run.
pub(crate) fn resolve() {
    match lookup(SYMBOL) {
        Ok(addr) => D_ABSOLUTE_PATH.store(addr, Ordering::Release),
        Err(e) => pr_warn!(
            "d_absolute_path() not found ({:?}): entries name files by d_path(), relative to the measuring task's root (chroot), not as upstream IMA\n",
            e
        ),
    }
}

/// The entry address of kernel symbol `name`, from kprobes' own lookup.
fn lookup(name: &'static CStr) -> Result<usize> {
    // SAFETY: all-zero is a valid, unregistered `struct kprobe`.
    let mut kp: bindings::kprobe = unsafe { core::mem::zeroed() };
    kp.symbol_name = name.as_char_ptr();
    // Registered disabled: the probe is never armed, nothing is patched.
    kp.flags = bindings::KPROBE_FLAG_DISABLED;
    // SAFETY: `kp` is valid and stays alive until it is unregistered below.
    kernel::error::to_result(unsafe { bindings::register_kprobe(&mut kp) })?;
    let addr = kp.addr as usize;
    // SAFETY: registered just above.
    unsafe { bindings::unregister_kprobe(&mut kp) };
    symbol_start(addr, name)
}

/// The start of the symbol `addr` lies in, which must be `name`. kprobes
/// may place a probe past the entry (after an IBT `ENDBR64`); kallsyms says
/// where the function begins.
fn symbol_start(addr: usize, name: &CStr) -> Result<usize> {
    // KSYM_SYMBOL_LEN is below 1 KiB ("name+0xoff/0xsize [module buildid]").
    let mut buf = KVec::from_elem(0u8, 1024, GFP_KERNEL)?;
    // SAFETY: `buf` has room for KSYM_SYMBOL_LEN bytes.
    unsafe { bindings::sprint_symbol(buf.as_mut_ptr().cast(), addr as c_ulong) };
    let text = CStr::from_bytes_until_nul(&buf).map_err(|_| EINVAL)?;
    let off = parse_symbol(text.to_bytes(), name.to_bytes()).ok_or_else(|| {
        pr_err!("{:?} resolved to {:?}\n", name, text);
        ENOENT
    })?;
    addr.checked_sub(off).ok_or(EINVAL)
}

/// The offset in `"<name>+0x<off>/0x<size>"`, if the symbol is `name`.
fn parse_symbol(text: &[u8], name: &[u8]) -> Option<usize> {
    let rest = text.strip_prefix(name)?.strip_prefix(b"+0x")?;
    let end = rest.iter().position(|&b| b == b'/')?;
    let hex = core::str::from_utf8(&rest[..end]).ok()?;
    usize::from_str_radix(hex, 16).ok()
}

/// `ima_d_path()`: the name an entry records for `file`, built in `buf`
/// (`PATH_MAX` bytes).
pub(crate) fn ima_d_path<'b>(file: &File<'_>, buf: &'b mut [u8]) -> &'b [u8] {
    match absolute(file, buf) {
        Some(r) => &buf[r],
        None => {
            let n = buf.len().min(DENTRY_NAME_MAX);
            file.dentry_name(&mut buf[..n])
        }
    }
}

/// `d_absolute_path()` (or the `d_path()` fallback) into `buf`: the range
/// of the NUL-terminated name, `None` where the path cannot be built.
fn absolute(file: &File<'_>, buf: &mut [u8]) -> Option<Range<usize>> {
    let len = c_int::try_from(buf.len()).ok()?;
    let base = buf.as_mut_ptr();
    // SAFETY: the file is valid (`File` invariant); its `f_path` is fixed
    // for the life of the file.
    let path = unsafe { crate::compat::file_path(file.as_ptr()) };
    let f = D_ABSOLUTE_PATH.load(Ordering::Acquire);
    let p = if f != 0 {
        // SAFETY: `f` is the entry of `d_absolute_path()` (checked against
        // kallsyms in `resolve`), whose C prototype `DAbsolutePath` is.
        let f: DAbsolutePath = unsafe { core::mem::transmute::<usize, DAbsolutePath>(f) };
        // SAFETY: `path` is a valid path; `buf` is writable for `len` bytes.
        unsafe { f(path, base.cast(), len) }
    } else {
        // SAFETY: as above; `d_path` is exported.
        unsafe { bindings::d_path(path, base.cast(), len) }
    };
    let p = kernel::error::from_err_ptr(p).ok()?;
    // Both write into `buf` and return a pointer into it.
    let start = (p as usize).checked_sub(base as usize)?;
    let name = buf.get(start..)?;
    let end = start + name.iter().position(|&b| b == 0)?;
    // d_path() names pseudo files by d_dname ("pipe:[..]"): not a path.
    if f == 0 && buf.get(start) != Some(&b'/') {
        return None;
    }
    Some(start..end)
}
