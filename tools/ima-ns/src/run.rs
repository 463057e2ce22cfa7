// SPDX-License-Identifier: GPL-2.0
//! `ima-ns run`: a command as the first member of a new IMA namespace.
//!
//! The module's interface works like `unshare(CLONE_NEWTIME)`: writing
//! `ns_unshare` gives this task a new, not yet active namespace for its
//! children, which it configures through `for_children/`; the next child
//! it forks becomes the first member and activates it. So [`start`] writes
//! `ns_unshare`, configures, and forks the command; the tool itself stays
//! in its namespace and [`wait`]s for the child's status.

use crate::cli::RunArgs;
use crate::error::{Error, Result};
use crate::policy;
use crate::sysfs::Sysfs;
use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

/// Upstream's securityfs directory, where tools look for IMA's files.
const UPSTREAM_IMA: &str = "/sys/kernel/security/ima";
/// Upstream's EVM directory.
const UPSTREAM_EVM: &str = "/sys/kernel/security/integrity/evm";

/// Bind mounts that put the module's directory at upstream's paths in the
/// command's own mount namespace: (source, target) pairs.
///
/// Only when the module's directory is not upstream's (beside built-in
/// IMA, which owns `ima`) and the target exists: the command then sees its
/// namespace's view at `/sys/kernel/security/ima`, while the host keeps
/// built-in IMA's there. `ima` may be a symlink (`integrity/ima` on 7.x):
/// a bind mount follows it and covers the directory.
pub(crate) fn upstream_mounts(
    sysfs: &Path,
    upstream_ima: &Path,
    upstream_evm: &Path,
) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if same(sysfs, upstream_ima) || !upstream_ima.is_dir() || !sysfs.is_dir() {
        return out;
    }
    out.push((sysfs.to_path_buf(), upstream_ima.to_path_buf()));
    let evm = sysfs.join("evm");
    if evm.is_dir() && upstream_evm.is_dir() {
        out.push((evm, upstream_evm.to_path_buf()));
    }
    out
}

/// `MS_BIND`, `MS_REC`, `MS_PRIVATE` (uapi/linux/mount.h) and
/// `CLONE_NEWNS` (uapi/linux/sched.h).
const MS_BIND: u64 = 0x1000;
const MS_REC: u64 = 0x4000;
const MS_PRIVATE: u64 = 1 << 18;
const CLONE_NEWNS: i32 = 0x0002_0000;

extern "C" {
    /// unshare(2), from the C library std links against.
    fn unshare(flags: i32) -> i32;
    /// mount(2).
    fn mount(
        source: *const std::ffi::c_char,
        target: *const std::ffi::c_char,
        fstype: *const std::ffi::c_char,
        flags: u64,
        data: *const std::ffi::c_void,
    ) -> i32;
}

/// In the forked child, before exec: a private mount namespace with
/// `mounts` bound. Only syscalls on prepared strings: async-signal-safe.
fn bind_in_new_mount_ns(mounts: &[(CString, CString)]) -> std::io::Result<()> {
    // SAFETY: plain syscalls; the strings are NUL-terminated and outlive
    // the calls; NULL is allowed for the unused arguments.
    unsafe {
        if unshare(CLONE_NEWNS) != 0
            || mount(
                std::ptr::null(),
                c"/".as_ptr(),
                std::ptr::null(),
                MS_REC | MS_PRIVATE,
                std::ptr::null(),
            ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
        for (src, dst) in mounts {
            if mount(
                src.as_ptr(),
                dst.as_ptr(),
                std::ptr::null(),
                MS_BIND,
                std::ptr::null(),
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

/// Creates and configures the pending namespace; its id if `args.print_id`.
pub(crate) fn configure(
    sysfs: &Sysfs,
    args: &RunArgs,
    policy_text: &[u8],
) -> Result<Option<String>> {
    let settings = Settings {
        unshare: "1",
        hash: args.hash.as_deref(),
        template: args.template.as_deref(),
        model: args.model.as_deref(),
        identity: None,
        keys: &args.keys,
    };
    let id = configure_pending(sysfs, &settings, policy_text)?;
    Ok((args.print_id || args.model.is_some()).then_some(id))
}

/// What a new namespace is given before its first member exists.
pub(crate) struct Settings<'a> {
    /// The value written to `ns_unshare` (`1`, or `pidns`: see
    /// namespaces.md).
    pub(crate) unshare: &'a str,
    pub(crate) hash: Option<&'a str>,
    pub(crate) template: Option<&'a str>,
    pub(crate) model: Option<&'a str>,
    /// `for_children/identity`, recorded in the `start` anchor.
    pub(crate) identity: Option<&'a [u8]>,
    /// DER certificates for its keyring.
    pub(crate) keys: &'a [std::path::PathBuf],
}

/// Creates the pending namespace and configures it; its id.
///
/// The policy goes last: its rules may depend on the hash and template.
pub(crate) fn configure_pending(
    sysfs: &Sysfs,
    settings: &Settings<'_>,
    policy_text: &[u8],
) -> Result<String> {
    let chunks = policy::chunks(policy_text)?;
    sysfs.write("ns_unshare", format!("{}\n", settings.unshare).as_bytes())?;
    if let Some(hash) = settings.hash {
        sysfs.write("for_children/hash", format!("{hash}\n").as_bytes())?;
    }
    if let Some(template) = settings.template {
        sysfs.write("for_children/template", format!("{template}\n").as_bytes())?;
    }
    if let Some(model) = settings.model {
        sysfs.write("for_children/model", format!("{model}\n").as_bytes())?;
    }
    if let Some(identity) = settings.identity {
        sysfs.write("for_children/identity", identity)?;
    }
    // The update is applied when the file is closed after error-free
    // writes, so it is closed (dropped) here before anything else happens.
    let mut file = sysfs.open_write("for_children/policy")?;
    policy::write(&mut file, policy_text, &chunks).map_err(|(chunk, e)| {
        let (first, last) = chunk.lines;
        let lines = if first == last {
            format!("line {first}")
        } else {
            format!("lines {first}-{last}")
        };
        sysfs.error(
            &format!("write policy {lines} to"),
            "for_children/policy",
            e,
        )
    })?;
    drop(file);
    let id = sysfs.read_value("for_children/ns_id")?;
    if !settings.keys.is_empty() {
        crate::keys::add_all(&id, settings.keys)?;
    }
    Ok(id)
}

/// An enforcing namespace denies (or allows, by its fail mode) every event
/// until its agent reads: wait for one before starting the command.
fn wait_for_agent(sysfs: &Sysfs, id: &str) -> Result {
    let rel = format!("namespaces/{id}/model");
    for _ in 0..3000 {
        let text = sysfs.read_text(&rel)?;
        let enforcing = text.lines().next().is_some_and(|l| l.contains(" enforce "));
        if !enforcing || text.lines().any(|l| l == "agent 1") {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Err(Error::msg(format!(
        "namespace {id}: no agent read {} within 30 s",
        sysfs.path(&format!("namespaces/{id}/events")).display()
    )))
}

/// Reads the policy, sets up the namespace, prints its id to `log` if asked
/// to, and forks the command into it.
pub(crate) fn start(sysfs: &Sysfs, args: &RunArgs, log: &mut dyn Write) -> Result<Child> {
    sysfs.check()?;
    let text = policy::read(&args.policy)?;
    if let Some(id) = configure(sysfs, args, &text)? {
        if args.print_id {
            // Nothing to do if stderr is gone: the id is a courtesy.
            let _ = writeln!(log, "ima-ns: namespace {id}");
            let _ = log.flush();
        }
        if args.model.is_some() {
            wait_for_agent(sysfs, &id)?;
        }
    }
    let mut cmd = Command::new(&args.argv[0]);
    cmd.args(&args.argv[1..]);
    // A pre_exec hook makes std fork(2) instead of taking its posix_spawn
    // path, which clones with CLONE_VM | CLONE_VFORK (clone3, std 1.95 on
    // glibc). A CLONE_VM child cannot enter a new time namespace, and the
    // module may follow that rule; a real fork is a member either way.
    //
    // Beside built-in IMA the hook also binds the module's directory over
    // upstream's paths in a new mount namespace ([`upstream_mounts`]).
    let mounts = upstream_mounts(
        sysfs.root(),
        Path::new(UPSTREAM_IMA),
        Path::new(UPSTREAM_EVM),
    )
    .into_iter()
    .map(|(s, d)| {
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes()).map_err(|_| Error::msg("path with NUL"))
        };
        Ok((c(&s)?, c(&d)?))
    })
    .collect::<Result<Vec<_>>>()?;
    // SAFETY: the hook makes only syscalls on strings prepared before the
    // fork, so it is async-signal-safe and touches no state the fork could
    // have left inconsistent.
    unsafe {
        cmd.pre_exec(move || {
            if mounts.is_empty() {
                Ok(())
            } else {
                bind_in_new_mount_ns(&mounts)
            }
        })
    };
    cmd.spawn().map_err(|e| {
        let status = if e.kind() == std::io::ErrorKind::NotFound {
            127
        } else {
            126
        };
        Error::io(format!("cannot run {}", args.argv[0].to_string_lossy()), e).with_status(status)
    })
}

/// Waits for the command: its exit status, or 128+N if signal N killed it.
pub(crate) fn wait(mut child: Child) -> Result<u8> {
    let status = child
        .wait()
        .map_err(|e| Error::io("wait for the command", e))?;
    Ok(match (status.code(), status.signal()) {
        // Exit statuses are 0..=255 on Linux.
        (Some(code), _) => code as u8,
        (None, Some(sig)) => (128 + sig) as u8,
        (None, None) => 125,
    })
}

/// Lets the command alone take SIGINT and SIGQUIT from the terminal while
/// the tool waits (as system(3) does), so that a ^C ends the command and
/// the tool still reports its status. Call only after [`start`]: the
/// ignored dispositions would be inherited across exec.
pub(crate) fn ignore_interrupts() {
    /// `sighandler_t` (a function pointer or one of the `SIG_*` values).
    type SigHandler = usize;
    const SIG_IGN: SigHandler = 1;
    const SIGINT: i32 = 2;
    const SIGQUIT: i32 = 3;
    extern "C" {
        /// signal(2), from the C library std links against.
        fn signal(signum: i32, handler: SigHandler) -> SigHandler;
    }
    for sig in [SIGINT, SIGQUIT] {
        // SAFETY: SIG_IGN installs no handler, so no code runs in signal
        // context; signal() is safe to call at any time.
        unsafe { signal(sig, SIG_IGN) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::PolicySource;
    use crate::testdir::TempDir;
    use std::ffi::OsString;

    fn args(dir: &TempDir, argv: &[&str]) -> RunArgs {
        RunArgs {
            policy: PolicySource::File(dir.path().join("policy.txt")),
            hash: None,
            template: None,
            model: None,
            print_id: false,
            keys: Vec::new(),
            argv: argv.iter().map(OsString::from).collect(),
        }
    }

    fn run(sysfs: &Sysfs, args: &RunArgs) -> Result<u8> {
        wait(start(sysfs, args, &mut Vec::new())?)
    }

    #[test]
    fn configures_then_runs() {
        let dir = TempDir::fake_ima("run-config", 5);
        dir.file(
            "policy.txt",
            "measure func=BPRM_CHECK\ndont_measure fsmagic=0x9fa0",
        );
        let sysfs = Sysfs::new(dir.path());
        let mut a = args(&dir, &["true"]);
        a.hash = Some("sha384".into());
        a.template = Some("ima-ng".into());
        a.print_id = true;
        let mut log = Vec::new();
        let status = wait(start(&sysfs, &a, &mut log).unwrap()).unwrap();
        assert_eq!(status, 0);
        assert_eq!(dir.read("ns_unshare"), "1\n");
        assert_eq!(dir.read("for_children/hash"), "sha384\n");
        assert_eq!(dir.read("for_children/template"), "ima-ng\n");
        assert_eq!(
            dir.read("for_children/policy"),
            "measure func=BPRM_CHECK\ndont_measure fsmagic=0x9fa0\n"
        );
        assert_eq!(String::from_utf8(log).unwrap(), "ima-ns: namespace 5\n");
    }

    #[test]
    fn defaults_leave_hash_and_template_alone() {
        let dir = TempDir::fake_ima("run-defaults", 1);
        dir.file("policy.txt", "");
        assert_eq!(
            run(&Sysfs::new(dir.path()), &args(&dir, &["true"])).unwrap(),
            0
        );
        assert_eq!(dir.read("ns_unshare"), "1\n");
        for f in ["hash", "template", "policy"] {
            assert_eq!(dir.read(&format!("for_children/{f}")), "", "{f}");
        }
    }

    #[test]
    fn passes_the_command_status_on() {
        let dir = TempDir::fake_ima("run-status", 1);
        dir.file("policy.txt", "measure\n");
        let sysfs = Sysfs::new(dir.path());
        assert_eq!(run(&sysfs, &args(&dir, &["false"])).unwrap(), 1);
        assert_eq!(
            run(&sysfs, &args(&dir, &["sh", "-c", "exit 7"])).unwrap(),
            7
        );
        assert_eq!(
            run(&sysfs, &args(&dir, &["sh", "-c", "kill -TERM $$"])).unwrap(),
            128 + 15
        );
    }

    #[test]
    fn command_not_found_is_127() {
        let dir = TempDir::fake_ima("run-notfound", 1);
        dir.file("policy.txt", "measure\n");
        let e = run(
            &Sysfs::new(dir.path()),
            &args(&dir, &["/nonexistent/ima-ns-cmd"]),
        )
        .unwrap_err();
        assert_eq!(e.status(), Some(127));
        assert_eq!(
            e.to_string(),
            "cannot run /nonexistent/ima-ns-cmd: No such file or directory"
        );
        let e = run(&Sysfs::new(dir.path()), &args(&dir, &["/"])).unwrap_err();
        assert_eq!(e.status(), Some(126));
    }

    #[test]
    fn missing_directory_fails_before_anything_runs() {
        let dir = TempDir::new("run-missing");
        dir.file("policy.txt", "measure\n");
        let marker = dir.path().join("ran");
        let a = args(&dir, &["touch", marker.to_str().unwrap()]);
        let e = run(&Sysfs::new(dir.path().join("ima")), &a).unwrap_err();
        assert!(e.to_string().contains("not loaded"), "{e}");
        assert_eq!(e.status(), None);
        assert!(!marker.exists());
    }

    #[test]
    fn missing_pending_namespace_is_named() {
        let dir = TempDir::new("run-nopending");
        dir.file("ima/ns_unshare", "");
        dir.file("policy.txt", "measure\n");
        let e = run(&Sysfs::new(dir.path().join("ima")), &args(&dir, &["true"])).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("open ") && msg.contains("for_children/policy"),
            "{msg}"
        );
        assert!(
            msg.ends_with("(this process has no pending IMA namespace)"),
            "{msg}"
        );
    }

    #[test]
    fn binds_only_beside_builtin_ima() {
        let dir = TempDir::new("run-mounts");
        dir.file("ima/policy", "");
        dir.file("ima-ns/policy", "");
        dir.file("ima-ns/evm/evm", "");
        dir.file("integrity/evm/evm", "");
        let p = dir.path();
        let (ima, evm) = (p.join("ima"), p.join("integrity/evm"));
        // The module has upstream's directory: nothing to bind.
        assert!(upstream_mounts(&ima, &ima, &evm).is_empty());
        assert_eq!(
            upstream_mounts(&p.join("ima-ns"), &ima, &evm),
            [
                (p.join("ima-ns"), ima.clone()),
                (p.join("ima-ns/evm"), evm.clone())
            ]
        );
        // No built-in IMA directory to cover: nothing.
        assert!(upstream_mounts(&p.join("ima-ns"), &p.join("none"), &evm).is_empty());
    }

    #[test]
    fn overlong_policy_line_fails_before_unshare() {
        let dir = TempDir::fake_ima("run-longline", 1);
        dir.file("policy.txt", vec![b'x'; 5000]);
        let e = run(&Sysfs::new(dir.path()), &args(&dir, &["true"])).unwrap_err();
        assert!(
            e.to_string().starts_with("policy line 1: 5001 bytes"),
            "{e}"
        );
        assert_eq!(dir.read("ns_unshare"), "");
    }
}
