// SPDX-License-Identifier: GPL-2.0
//! `ima-ns oci`: an OCI runtime (crun, runc) wrapped so that each container
//! runs in an IMA namespace of its own.
//!
//! ```text
//! ima-ns oci [--runtime PATH] [--state-dir DIR] [--sysfs DIR] [--] RUNTIME-ARGS...
//! ima-ns-runtime RUNTIME-ARGS...          (the same, settings from the environment)
//! ```
//!
//! - `create`/`run`: reads the bundle's `config.json`, writes `ns_unshare`
//!   with `pidns` and configures the new namespace from the annotations
//!   ([`ANN_POLICY`] and the others), with the container's identity for the
//!   `start` anchor, then runs the runtime. With `pidns`, only a process
//!   born into a new PID namespace enters: the container's init. The
//!   runtime and every helper it forks stay outside (they only inherit the
//!   hold), so their reads are not in the container's list.
//! - `exec`: writes `ns_join` with the container's namespace id and
//!   `pidns`, then runs the runtime: the process it forks after
//!   `setns(CLONE_NEWPID)` lands in the container's namespace.
//! - `delete`: runs the runtime, then forgets the container.
//! - anything else: runs the runtime with the arguments unchanged.
//!
//! The namespace id of each container is kept in
//! `<state-dir>/<runtime-root>/<container-id>`; nothing else is kept: the
//! namespace ends with the container's last process.

use crate::error::{Error, Result};
use crate::json::{self, Value};
use crate::run::Settings;
use crate::sysfs::Sysfs;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Inline policy: rules separated by newlines.
pub(crate) const ANN_POLICY: &str = "org.ima-ns.policy";
/// A policy file on the host (read by the wrapper).
pub(crate) const ANN_POLICY_FILE: &str = "org.ima-ns.policy-file";
/// `for_children/hash`.
pub(crate) const ANN_HASH: &str = "org.ima-ns.hash";
/// `for_children/template`.
pub(crate) const ANN_TEMPLATE: &str = "org.ima-ns.template";
/// `for_children/model`.
pub(crate) const ANN_MODEL: &str = "org.ima-ns.model";
/// DER certificates on the host for the namespace's keyring, `,`-separated.
pub(crate) const ANN_KEYS: &str = "org.ima-ns.keys";
/// `true`: no IMA namespace for this container (the runtime runs as is).
pub(crate) const ANN_DISABLE: &str = "org.ima-ns.disable";
/// Annotations copied into the identity, by prefix.
const IMAGE_PREFIX: &str = "org.opencontainers.image.";

/// Where the wrapper keeps container → namespace ids by default.
pub(crate) const DEFAULT_STATE_DIR: &str = "/run/ima-ns-oci";

/// The wrapper's own settings.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Wrapper {
    /// The runtime to run; `None`: `crun`, else `runc`, from `PATH`.
    pub(crate) runtime: Option<PathBuf>,
    pub(crate) state_dir: PathBuf,
    pub(crate) sysfs: PathBuf,
    /// The runtime's arguments, unchanged.
    pub(crate) args: Vec<OsString>,
}

/// Parses `ima-ns oci`'s arguments (after `oci`): its own options first,
/// then the runtime's. Environment defaults: `IMA_NS_OCI_RUNTIME`,
/// `IMA_NS_OCI_STATE_DIR`.
pub(crate) fn parse_wrapper(
    args: Vec<OsString>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<Wrapper> {
    let mut w = Wrapper {
        runtime: env("IMA_NS_OCI_RUNTIME").map(PathBuf::from),
        state_dir: env("IMA_NS_OCI_STATE_DIR")
            .map_or_else(|| DEFAULT_STATE_DIR.into(), PathBuf::from),
        sysfs: crate::cli::DEFAULT_SYSFS.into(),
        args: Vec::new(),
    };
    let mut it = args.into_iter().peekable();
    while let Some(arg) = it.peek() {
        let s = arg.to_string_lossy().into_owned();
        let (name, inline) = match s.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(OsString::from(v))),
            None => (s.clone(), None),
        };
        let slot = match name.as_str() {
            "--runtime" => &mut w.runtime,
            "--state-dir" | "--sysfs" => {
                it.next();
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .ok_or_else(|| Error::msg(format!("oci: {name} needs a value")))?,
                };
                if name == "--sysfs" {
                    w.sysfs = v.into();
                } else {
                    w.state_dir = v.into();
                }
                continue;
            }
            "--" => {
                it.next();
                break;
            }
            _ => break,
        };
        it.next();
        let v = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| Error::msg(format!("oci: {name} needs a value")))?,
        };
        *slot = Some(v.into());
    }
    w.args = it.collect();
    Ok(w)
}

/// What a runtime command line says, as far as the wrapper cares.
#[derive(Debug, PartialEq, Eq, Default)]
pub(crate) struct RuntimeCall {
    /// `--root`: the runtime's state directory.
    pub(crate) root: Option<PathBuf>,
    /// The command (`create`, `exec`, ...); `None` for `--version` etc.
    pub(crate) command: Option<String>,
    /// The container id (the command's first operand).
    pub(crate) id: Option<String>,
    /// `--bundle`/`-b`.
    pub(crate) bundle: Option<PathBuf>,
    /// crun's `--config`/`-f` of `create`/`run`.
    pub(crate) config: Option<PathBuf>,
}

/// Global options of crun and runc that take a value.
const GLOBAL_VALUED: [&str; 6] = [
    "--root",
    "--log",
    "--log-format",
    "--criu",
    "--rootless",
    "--cgroup-manager",
];

/// Options of `command` that take a value (crun's and runc's).
fn valued(command: &str, opt: &str) -> bool {
    match command {
        "create" | "run" => matches!(
            opt,
            "-b" | "--bundle"
                | "--console-socket"
                | "--pid-file"
                | "--preserve-fds"
                | "-f"
                | "--config"
        ),
        "exec" => matches!(
            opt,
            "--console-socket"
                | "--cwd"
                | "-e"
                | "--env"
                | "-u"
                | "--user"
                | "-p"
                | "--process"
                | "--pid-file"
                | "--process-label"
                | "--apparmor"
                | "--preserve-fds"
                | "-c"
                | "--cap"
                | "--cgroup"
                | "-g"
                | "--additional-gids"
        ),
        "kill" | "delete" | "start" | "state" => false,
        _ => opt == "--pid-file",
    }
}

/// Parses a crun/runc command line without judging it: unknown options are
/// taken as flags, and whatever the wrapper does not use is left to the
/// runtime.
pub(crate) fn parse_runtime_args(args: &[OsString]) -> RuntimeCall {
    let mut call = RuntimeCall::default();
    let mut it = args.iter();
    // Global options.
    while let Some(arg) = it.next() {
        let s = arg.to_string_lossy();
        if let Some(opt) = s.strip_prefix("--").filter(|_| s.len() > 2) {
            let (name, inline) = match opt.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_owned())),
                None => (s.to_string(), None),
            };
            if GLOBAL_VALUED.contains(&name.as_str()) {
                let v = inline.or_else(|| it.next().map(|v| v.to_string_lossy().into_owned()));
                if name == "--root" {
                    call.root = v.map(PathBuf::from);
                }
            }
            continue;
        }
        if s.starts_with('-') {
            continue;
        }
        call.command = Some(s.into_owned());
        break;
    }
    let Some(command) = call.command.clone() else {
        return call;
    };
    let mut only_operands = false;
    while let Some(arg) = it.next() {
        let s = arg.to_string_lossy();
        if !only_operands && s == "--" {
            only_operands = true;
            continue;
        }
        if !only_operands && s.starts_with('-') && s.len() > 1 {
            let (name, inline) = match s.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
                _ => (s.to_string(), None),
            };
            if valued(&command, &name) {
                let v = inline.or_else(|| it.next().map(|v| v.to_string_lossy().into_owned()));
                match name.as_str() {
                    "-b" | "--bundle" => call.bundle = v.map(PathBuf::from),
                    "-f" | "--config" => call.config = v.map(PathBuf::from),
                    _ => {}
                }
            }
            continue;
        }
        call.id = Some(s.into_owned());
        break;
    }
    call
}

/// A container id the wrapper can name a file after.
fn check_id(id: &str) -> Result {
    if id.is_empty() || id == "." || id == ".." || id.contains('/') || id.len() > 1024 {
        return Err(Error::msg(format!("oci: unusable container id {id:?}")));
    }
    Ok(())
}

/// The file holding container `id`'s namespace id.
pub(crate) fn state_file(
    state_dir: &Path,
    root: Option<&Path>,
    runtime: &Path,
    id: &str,
) -> PathBuf {
    let key = match root {
        Some(root) => root
            .as_os_str()
            .as_bytes()
            .iter()
            .map(|&b| {
                if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
                    b as char
                } else {
                    '_'
                }
            })
            .collect::<String>(),
        None => format!(
            "default-{}",
            runtime
                .file_name()
                .map_or("runtime".into(), OsStr::to_string_lossy)
        ),
    };
    state_dir.join(key).join(id)
}

/// The namespace settings a bundle's annotations ask for.
#[derive(Debug, PartialEq, Eq, Default)]
pub(crate) struct NsSpec {
    pub(crate) policy: Vec<u8>,
    pub(crate) hash: Option<String>,
    pub(crate) template: Option<String>,
    pub(crate) model: Option<String>,
    pub(crate) keys: Vec<PathBuf>,
    pub(crate) identity: Vec<u8>,
}

/// Most bytes of identity (the kernel takes 4095 in one write).
const IDENTITY_MAX: usize = 4095;

/// Makes `s` one printable-ASCII line: `%` and every byte outside `!`..`~`
/// but space are written `%XX` (as the model's event records).
fn escape(s: &str) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        if (b' '..=b'~').contains(&b) && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads the namespace settings from `config` (the parsed `config.json`
/// of `bundle`); `None` if the container asks for no namespace
/// ([`ANN_DISABLE`]). `read` reads host files (policy, for errors' sake
/// injectable in tests).
pub(crate) fn ns_spec(
    config: &Value,
    bundle: &Path,
    id: &str,
    runtime: &Path,
    read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<Option<NsSpec>> {
    let ann = config.get("annotations");
    let get = |k: &str| ann.and_then(|a| a.get(k)).and_then(Value::as_str);
    if get(ANN_DISABLE) == Some("true") {
        return Ok(None);
    }
    let pid_ns = config
        .get("linux")
        .and_then(|l| l.get("namespaces"))
        .map(Value::as_array)
        .unwrap_or_default()
        .iter()
        .any(|n| n.get("type").and_then(Value::as_str) == Some("pid"));
    if !pid_ns {
        return Err(Error::msg(format!(
            "oci: {}: no pid namespace in linux.namespaces; an IMA namespace is entered by the container's first process in a new PID namespace (or set {ANN_DISABLE}=true)",
            bundle.display()
        )));
    }
    let mut spec = NsSpec {
        hash: get(ANN_HASH).map(str::to_owned),
        template: get(ANN_TEMPLATE).map(str::to_owned),
        model: get(ANN_MODEL).map(str::to_owned),
        ..NsSpec::default()
    };
    spec.policy = match (get(ANN_POLICY), get(ANN_POLICY_FILE)) {
        (Some(_), Some(_)) => {
            return Err(Error::msg(format!(
                "oci: set {ANN_POLICY} or {ANN_POLICY_FILE}, not both"
            )))
        }
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(path)) => {
            read(Path::new(path)).map_err(|e| Error::io(format!("oci: read policy {path}"), e))?
        }
        (None, None) => Vec::new(),
    };
    if !spec.policy.is_empty() && !spec.policy.ends_with(b"\n") {
        spec.policy.push(b'\n');
    }
    if let Some(keys) = get(ANN_KEYS) {
        spec.keys = keys
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(PathBuf::from)
            .collect();
    }
    let root = config
        .get("root")
        .and_then(|r| r.get("path"))
        .and_then(Value::as_str)
        .map(|p| bundle.join(p));
    let mut lines = vec![
        format!("container {}", escape(id)),
        format!(
            "runtime {}",
            escape(
                &runtime
                    .file_name()
                    .unwrap_or(runtime.as_os_str())
                    .to_string_lossy()
            )
        ),
        format!("bundle {}", escape(&bundle.to_string_lossy())),
    ];
    if let Some(root) = root {
        lines.push(format!("rootfs {}", escape(&root.to_string_lossy())));
    }
    let mut image: Vec<_> = ann
        .map(Value::members)
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| k.starts_with(IMAGE_PREFIX))
        .filter_map(|(k, v)| Some(format!("annotation {}={}", escape(k), escape(v.as_str()?))))
        .collect();
    image.sort();
    image.dedup();
    lines.extend(image);
    for line in lines {
        // Whole lines only; the container id and paths come first.
        if spec.identity.len() + line.len() + 1 > IDENTITY_MAX {
            break;
        }
        spec.identity.extend_from_slice(line.as_bytes());
        spec.identity.push(b'\n');
    }
    Ok(Some(spec))
}

/// The runtime to run: the wrapper's setting, else `crun`, else `runc`.
fn runtime_path(w: &Wrapper) -> PathBuf {
    if let Some(r) = &w.runtime {
        return r.clone();
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    for name in ["crun", "runc"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    PathBuf::from("crun")
}

fn runtime_error(runtime: &Path, e: std::io::Error) -> Error {
    let status = if e.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    Error::io(format!("oci: cannot run {}", runtime.display()), e).with_status(status)
}

/// Runs the runtime as a child (forked: see run.rs) and waits for it.
fn run_runtime(runtime: &Path, args: &[OsString]) -> Result<u8> {
    let mut cmd = Command::new(runtime);
    cmd.args(args);
    // SAFETY: the hook does nothing (async-signal-safe).
    unsafe { cmd.pre_exec(|| Ok(())) };
    let child = cmd.spawn().map_err(|e| runtime_error(runtime, e))?;
    crate::run::ignore_interrupts();
    crate::run::wait(child)
}

/// Replaces this process with the runtime (keeping what this task holds
/// for its children).
fn exec_runtime(runtime: &Path, args: &[OsString]) -> Error {
    runtime_error(runtime, Command::new(runtime).args(args).exec())
}

/// The bundle directory and its config file.
fn bundle_paths(call: &RuntimeCall) -> Result<(PathBuf, PathBuf)> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("oci: current directory", e))?;
    let bundle = cwd.join(call.bundle.clone().unwrap_or_default());
    let config = bundle.join(call.config.clone().unwrap_or_else(|| "config.json".into()));
    Ok((bundle, config))
}

/// `create`/`run`: sets up the namespace, runs the runtime, records the
/// container's namespace id.
fn create(w: &Wrapper, runtime: &Path, call: &RuntimeCall, id: &str) -> Result<u8> {
    let (bundle, config_path) = bundle_paths(call)?;
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| Error::io(format!("oci: read {}", config_path.display()), e))?;
    let config = json::parse(&text)
        .map_err(|e| Error::msg(format!("oci: {}: {e}", config_path.display())))?;
    let Some(spec) = ns_spec(&config, &bundle, id, runtime, |p| std::fs::read(p))? else {
        return Err(exec_runtime(runtime, &w.args));
    };
    let sysfs = Sysfs::new(&w.sysfs);
    sysfs.check()?;
    let file = state_file(&w.state_dir, call.root.as_deref(), runtime, id);
    if let Ok(old) = std::fs::read_to_string(&file) {
        if sysfs.path(&format!("namespaces/{}", old.trim())).is_dir() {
            return Err(Error::msg(format!(
                "oci: container {id} already has IMA namespace {} ({})",
                old.trim(),
                file.display()
            )));
        }
    }
    let settings = Settings {
        unshare: "pidns",
        hash: spec.hash.as_deref(),
        template: spec.template.as_deref(),
        model: spec.model.as_deref(),
        identity: Some(&spec.identity),
        keys: &spec.keys,
    };
    let ns = crate::run::configure_pending(&sysfs, &settings, &spec.policy)?;
    let save = || -> Result {
        let dir = file.parent().expect("state file has a directory");
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&file, format!("{ns}\n")))
            .map_err(|e| Error::io(format!("oci: write {}", file.display()), e))
    };
    if call.command.as_deref() == Some("run") {
        // `exec` may come while it runs.
        save()?;
        let status = run_runtime(runtime, &w.args);
        let _ = std::fs::remove_file(&file);
        return status;
    }
    let status = run_runtime(runtime, &w.args)?;
    if status == 0 {
        save()?;
    }
    Ok(status)
}

/// Runs `ima-ns oci`; the exit status.
pub(crate) fn main(w: &Wrapper) -> Result<u8> {
    let runtime = runtime_path(w);
    let call = parse_runtime_args(&w.args);
    let (Some(command), Some(id)) = (call.command.as_deref(), call.id.as_deref()) else {
        return Err(exec_runtime(&runtime, &w.args));
    };
    check_id(id)?;
    let file = state_file(&w.state_dir, call.root.as_deref(), &runtime, id);
    match command {
        "create" | "run" => create(w, &runtime, &call, id),
        "exec" => {
            if let Ok(ns) = std::fs::read_to_string(&file) {
                let sysfs = Sysfs::new(&w.sysfs);
                sysfs.write("ns_join", format!("{} pidns\n", ns.trim()).as_bytes())?;
            }
            Err(exec_runtime(&runtime, &w.args))
        }
        "delete" => {
            let status = run_runtime(&runtime, &w.args)?;
            if status == 0 {
                let _ = std::fs::remove_file(&file);
            }
            Ok(status)
        }
        _ => Err(exec_runtime(&runtime, &w.args)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn wrapper_options_then_runtime_args() {
        let none = |_: &str| None;
        let w = parse_wrapper(
            os(&[
                "--runtime",
                "/usr/bin/runc",
                "--state-dir=/s",
                "--root",
                "/r",
                "create",
                "c1",
            ]),
            none,
        )
        .unwrap();
        assert_eq!(w.runtime, Some("/usr/bin/runc".into()));
        assert_eq!(w.state_dir, PathBuf::from("/s"));
        assert_eq!(w.args, os(&["--root", "/r", "create", "c1"]));
        let w = parse_wrapper(os(&["--", "--runtime", "x"]), none).unwrap();
        assert_eq!(w.args, os(&["--runtime", "x"]));
        assert_eq!(w.runtime, None);
        let env = |k: &str| (k == "IMA_NS_OCI_RUNTIME").then(|| OsString::from("/bin/crun"));
        let w = parse_wrapper(os(&["state", "c"]), env).unwrap();
        assert_eq!(w.runtime, Some("/bin/crun".into()));
        assert_eq!(w.state_dir, PathBuf::from(DEFAULT_STATE_DIR));
        assert!(parse_wrapper(os(&["--runtime"]), none).is_err());
    }

    #[test]
    fn runtime_command_lines() {
        let c = parse_runtime_args(&os(&[
            "--root=/run/x",
            "--log",
            "/l",
            "--systemd-cgroup",
            "create",
            "--bundle",
            "/b",
            "--pid-file=/p",
            "-f",
            "cfg.json",
            "--no-pivot",
            "c1",
        ]));
        assert_eq!(c.root, Some("/run/x".into()));
        assert_eq!(c.command.as_deref(), Some("create"));
        assert_eq!(c.bundle, Some("/b".into()));
        assert_eq!(c.config, Some("cfg.json".into()));
        assert_eq!(c.id.as_deref(), Some("c1"));
        let c = parse_runtime_args(&os(&[
            "--cgroup-manager",
            "disabled",
            "exec",
            "-e",
            "A=1",
            "--tty",
            "-u",
            "0",
            "c2",
            "sh",
            "-c",
            "x",
        ]));
        assert_eq!(c.command.as_deref(), Some("exec"));
        assert_eq!(c.id.as_deref(), Some("c2"));
        assert_eq!(c.root, None);
        // delete -f is --force, not a config file.
        let c = parse_runtime_args(&os(&["delete", "-f", "c3"]));
        assert_eq!(c.id.as_deref(), Some("c3"));
        let c = parse_runtime_args(&os(&["--version"]));
        assert_eq!(c, RuntimeCall::default());
        let c = parse_runtime_args(&os(&["run", "--", "-weird"]));
        assert_eq!(c.id.as_deref(), Some("-weird"));
    }

    #[test]
    fn state_files_per_root() {
        let s = Path::new("/s");
        assert_eq!(
            state_file(s, None, Path::new("/usr/bin/crun"), "c1"),
            PathBuf::from("/s/default-crun/c1")
        );
        assert_eq!(
            state_file(s, Some(Path::new("/run/crun x")), Path::new("crun"), "c1"),
            PathBuf::from("/s/_run_crun_x/c1")
        );
        for bad in ["", ".", "..", "a/b"] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_id("abc-1.2_x").is_ok());
    }

    fn config(text: &str) -> Value {
        json::parse(text).unwrap()
    }

    const PID: &str = r#""linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}"#;

    #[test]
    fn annotations_give_the_settings_and_identity() {
        let c = config(&format!(
            r#"{{"root": {{"path": "rootfs"}}, {PID}, "annotations": {{
                "org.ima-ns.policy": "measure func=BPRM_CHECK",
                "org.ima-ns.hash": "sha512", "org.ima-ns.template": "ima-sig",
                "org.ima-ns.model": "external observe", "org.ima-ns.keys": "/k1.der, /k2.der",
                "org.opencontainers.image.ref.name": "busybox:1 %\u00e9",
                "org.opencontainers.image.digest": "sha256:ab",
                "other": "x"}}}}"#
        ));
        let no_read = |_: &Path| -> std::io::Result<Vec<u8>> { unreachable!() };
        let s = ns_spec(
            &c,
            Path::new("/b"),
            "c1",
            Path::new("/usr/bin/crun"),
            no_read,
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.policy, b"measure func=BPRM_CHECK\n");
        assert_eq!(s.hash.as_deref(), Some("sha512"));
        assert_eq!(s.template.as_deref(), Some("ima-sig"));
        assert_eq!(s.model.as_deref(), Some("external observe"));
        assert_eq!(
            s.keys,
            vec![PathBuf::from("/k1.der"), PathBuf::from("/k2.der")]
        );
        assert_eq!(
            String::from_utf8(s.identity.clone()).unwrap(),
            "container c1\nruntime crun\nbundle /b\nrootfs /b/rootfs\n\
             annotation org.opencontainers.image.digest=sha256:ab\n\
             annotation org.opencontainers.image.ref.name=busybox:1 %25%C3%A9\n"
        );
        assert_eq!(ima_model::check_identity(&s.identity), Ok(()));
    }

    #[test]
    fn policy_file_disable_and_errors() {
        let read = |p: &Path| {
            assert_eq!(p, Path::new("/etc/p"));
            Ok(b"measure".to_vec())
        };
        let c = config(&format!(
            r#"{{{PID}, "annotations": {{"org.ima-ns.policy-file": "/etc/p"}}}}"#
        ));
        let s = ns_spec(&c, Path::new("/b"), "c", Path::new("runc"), read)
            .unwrap()
            .unwrap();
        assert_eq!(s.policy, b"measure\n");
        assert_eq!(s.identity, b"container c\nruntime runc\nbundle /b\n");
        let c = config(r#"{"annotations": {"org.ima-ns.disable": "true"}}"#);
        assert!(ns_spec(&c, Path::new("/b"), "c", Path::new("runc"), read)
            .unwrap()
            .is_none());
        let c = config(r#"{"linux": {"namespaces": [{"type": "mount"}]}}"#);
        let e = ns_spec(&c, Path::new("/b"), "c", Path::new("runc"), read).unwrap_err();
        assert!(e.to_string().contains("no pid namespace"), "{e}");
        let c = config(&format!(
            r#"{{{PID}, "annotations": {{"org.ima-ns.policy": "a", "org.ima-ns.policy-file": "/p"}}}}"#
        ));
        assert!(ns_spec(&c, Path::new("/b"), "c", Path::new("runc"), read).is_err());
        let c = config(&format!(r#"{{{PID}}}"#));
        let s = ns_spec(&c, Path::new("/b"), "c", Path::new("runc"), read)
            .unwrap()
            .unwrap();
        assert!(s.policy.is_empty());
    }

    #[test]
    fn identity_is_cut_at_whole_lines() {
        let long = "x".repeat(3000);
        let c = config(&format!(
            r#"{{{PID}, "annotations": {{"org.opencontainers.image.a": "{long}", "org.opencontainers.image.b": "{long}"}}}}"#
        ));
        let s = ns_spec(&c, Path::new("/b"), "c", Path::new("runc"), |_| Ok(vec![]))
            .unwrap()
            .unwrap();
        assert!(s.identity.len() <= IDENTITY_MAX);
        assert_eq!(ima_model::check_identity(&s.identity), Ok(()));
        assert!(String::from_utf8(s.identity).unwrap().contains("image.a="));
    }
}
