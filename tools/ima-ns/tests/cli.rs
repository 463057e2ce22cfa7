// SPDX-License-Identifier: GPL-2.0
//! The `ima-ns` binary against fake securityfs trees: exit statuses and
//! messages as a caller sees them.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fake ima directory under the temp dir, removed on drop.
struct Fake(PathBuf);

impl Fake {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ima-ns-cli-{}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let fake = Fake(dir);
        fake.file("ns_id", "0\n");
        fake.file("ns_unshare", "");
        fake.file("for_children/ns_id", "7\n");
        for f in ["policy", "hash", "template"] {
            fake.file(&format!("for_children/{f}"), "");
        }
        fake.file("namespaces/7/parent", "0\n");
        fake.file("namespaces/7/runtime_measurements_count", "1\n");
        fake
    }

    fn file(&self, rel: &str, contents: &str) {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.0.join(rel)).unwrap()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn ima_ns(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ima-ns"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn run_from_stdin_prints_id_and_passes_status() {
    let fake = Fake::new("run");
    let dir = fake.path().to_str().unwrap();
    let out = ima_ns(
        &[
            "--sysfs",
            dir,
            "run",
            "--policy",
            "-",
            "--hash",
            "sha512",
            "--print-id",
            "sh",
            "-c",
            "exit 3",
        ],
        "measure func=BPRM_CHECK\n",
    );
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(text(&out.stderr), "ima-ns: namespace 7\n");
    assert_eq!(text(&out.stdout), "");
    assert_eq!(fake.read("ns_unshare"), "1\n");
    assert_eq!(fake.read("for_children/hash"), "sha512\n");
    assert_eq!(
        fake.read("for_children/policy"),
        "measure func=BPRM_CHECK\n"
    );
}

#[test]
fn run_is_silent_on_success() {
    let fake = Fake::new("silent");
    fake.file("p", "measure\n");
    let p = fake.path().join("p");
    let out = ima_ns(
        &[
            "run",
            "--sysfs",
            fake.path().to_str().unwrap(),
            "--policy",
            p.to_str().unwrap(),
            "true",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn run_failures_exit_125_126_127() {
    let fake = Fake::new("run-fail");
    let dir = fake.path().to_str().unwrap();
    let missing = fake.path().join("missing");
    let out = ima_ns(
        &[
            "--sysfs",
            missing.to_str().unwrap(),
            "run",
            "--policy",
            "-",
            "true",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(125));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("ima-ns: ")
            && err.contains("No such file or directory (ima_ns.ko not loaded"),
        "{err}"
    );

    let out = ima_ns(
        &["--sysfs", dir, "run", "--policy", "-", "/nonexistent/cmd"],
        "",
    );
    assert_eq!(out.status.code(), Some(127));
    let out = ima_ns(&["--sysfs", dir, "run", "--policy", "-", "/"], "");
    assert_eq!(out.status.code(), Some(126));

    let out = ima_ns(&["run", "true"], "");
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        text(&out.stderr),
        "ima-ns: run: --policy FILE is required\nTry 'ima-ns --help'.\n"
    );
}

#[test]
fn other_commands_exit_1_or_2() {
    let fake = Fake::new("other");
    let dir = fake.path().to_str().unwrap();
    let out = ima_ns(&["--sysfs", dir, "id"], "");
    assert_eq!((out.status.code(), text(&out.stdout)), (Some(0), "0\n"));
    let out = ima_ns(&["--sysfs", dir, "list"], "");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "ID PARENT ENTRIES\n 7      0       1\n")
    );
    let out = ima_ns(&["--sysfs", dir, "show", "8"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("ima-ns: namespace 8: No such file or directory ("));
    let out = ima_ns(&["--sysfs", "/nonexistent/ima", "list"], "");
    assert_eq!(out.status.code(), Some(1));
    let out = ima_ns(&["show"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = ima_ns(&["--help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("Usage: ima-ns"));
}
