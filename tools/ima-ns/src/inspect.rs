// SPDX-License-Identifier: GPL-2.0
//! `ima-ns list`, `show` and `id`: reading namespaces through securityfs.
//!
//! A privileged reader sees each descendant namespace as
//! `namespaces/<id>/` with its `parent`, `vpcr`, `policy`, counters and
//! measurement lists; `ns_id` is the reader's own namespace.

use crate::error::{errno, Error, Result};
use crate::sysfs::Sysfs;
use std::io::{self, Read, Write};

fn out_err(e: io::Error) -> Error {
    Error::io("write to stdout", e)
}

/// One `list` row.
struct Row {
    id: u64,
    parent: String,
    entries: String,
}

/// The `list` row of namespace `id`.
fn read_row(sysfs: &Sysfs, id: u64) -> Result<Row> {
    Ok(Row {
        id,
        parent: sysfs.read_value(&format!("namespaces/{id}/parent"))?,
        entries: sysfs.read_value(&format!("namespaces/{id}/runtime_measurements_count"))?,
    })
}

/// `ima-ns list`: `ID PARENT ENTRIES`, one namespace a line, by id.
pub(crate) fn list(sysfs: &Sysfs, out: &mut dyn Write) -> Result {
    sysfs.check()?;
    let mut rows = Vec::new();
    for name in sysfs.subdirs("namespaces")? {
        let Ok(id) = name.parse::<u64>() else {
            continue;
        };
        match read_row(sysfs, id) {
            Ok(row) => rows.push(row),
            // Freed since the directory was read: not live any more.
            Err(e) if e.errno() == Some(errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
    }
    rows.sort_by_key(|r| r.id);
    let header = ["ID", "PARENT", "ENTRIES"].map(String::from);
    let cells = rows
        .into_iter()
        .map(|r| [r.id.to_string(), r.parent, r.entries]);
    let table: Vec<[String; 3]> = std::iter::once(header).chain(cells).collect();
    let w: [usize; 3] =
        std::array::from_fn(|i| table.iter().map(|row| row[i].len()).max().unwrap_or(0));
    for [id, parent, entries] in &table {
        writeln!(out, "{id:>0$} {parent:>1$} {entries:>2$}", w[0], w[1], w[2]).map_err(out_err)?;
    }
    Ok(())
}

/// Copies file `rel` to `out` as it is read (measurement lists can be long).
fn copy(sysfs: &Sysfs, rel: &str, out: &mut dyn Write) -> Result {
    let mut file = sysfs.open_read(rel)?;
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(sysfs.error("read", rel, e)),
        };
        out.write_all(&buf[..n]).map_err(out_err)?;
    }
}

/// Writes `text` under `label:`, each line indented by two spaces.
fn section(out: &mut dyn Write, label: &str, text: &str) -> io::Result<()> {
    writeln!(out, "{label}:")?;
    for line in text.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// `ima-ns show ID`: the namespace's parent, vpcr, counters and policy,
/// then its ascii measurement list; with `binary`, only the binary list.
pub(crate) fn show(sysfs: &Sysfs, id: u64, binary: bool, out: &mut dyn Write) -> Result {
    sysfs.check()?;
    let dir = format!("namespaces/{id}");
    std::fs::metadata(sysfs.path(&dir)).map_err(|e| {
        let h = e.raw_os_error().and_then(|n| crate::sysfs::hint(&dir, n));
        Error::io(format!("namespace {id}"), e).with_hint(h)
    })?;
    if binary {
        return copy(sysfs, &format!("{dir}/binary_runtime_measurements"), out);
    }
    let parent = sysfs.read_value(&format!("{dir}/parent"))?;
    let vpcr = sysfs.read_text(&format!("{dir}/vpcr"))?;
    let count = sysfs.read_value(&format!("{dir}/runtime_measurements_count"))?;
    let violations = sysfs.read_value(&format!("{dir}/violations"))?;
    let policy = sysfs.read_text(&format!("{dir}/policy"))?;
    (|| {
        writeln!(out, "namespace: {id}")?;
        writeln!(out, "parent: {parent}")?;
        section(out, "vpcr", &vpcr)?;
        writeln!(out, "runtime_measurements_count: {count}")?;
        writeln!(out, "violations: {violations}")?;
        section(out, "policy", &policy)?;
        writeln!(out, "ascii_runtime_measurements:")
    })()
    .map_err(out_err)?;
    copy(sysfs, &format!("{dir}/ascii_runtime_measurements"), out)
}

/// `ima-ns id`: the caller's namespace id.
pub(crate) fn id(sysfs: &Sysfs, out: &mut dyn Write) -> Result {
    sysfs.check()?;
    let id = sysfs.read_value("ns_id")?;
    writeln!(out, "{id}").map_err(out_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdir::TempDir;

    const LIST: &str =
        "10 8d5c0e0a sha256:0a1b /usr/bin/true\n10 1234abcd sha256:2c3d /etc/passwd\n";

    /// A host view with namespaces 3 (child of the host) and 12 (child of 3).
    fn fake() -> TempDir {
        let dir = TempDir::fake_ima("inspect", 20);
        dir.file("ns_id", "0\n");
        for (id, parent, count) in [(3, 0, 2), (12, 3, 15)] {
            let d = format!("namespaces/{id}");
            dir.file(&format!("{d}/parent"), format!("{parent}\n"));
            dir.file(
                &format!("{d}/runtime_measurements_count"),
                format!("{count}\n"),
            );
            dir.file(&format!("{d}/violations"), "0\n");
            dir.file(&format!("{d}/vpcr"), "sha1 aa11\nsha256 4a5b\n");
            dir.file(&format!("{d}/policy"), "measure func=BPRM_CHECK\n");
            dir.file(&format!("{d}/ascii_runtime_measurements"), LIST);
            dir.file(
                &format!("{d}/binary_runtime_measurements"),
                [0u8, 159, 255, 10],
            );
        }
        dir
    }

    fn output(f: impl FnOnce(&mut dyn Write) -> Result) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn list_sorts_by_id_and_aligns() {
        let dir = fake();
        dir.file("namespaces/notes/parent", "x");
        let s = Sysfs::new(dir.path());
        let text = output(|o| list(&s, o));
        assert_eq!(
            text,
            "ID PARENT ENTRIES\n 3      0       2\n12      3      15\n"
        );
    }

    #[test]
    fn list_skips_a_namespace_freed_meanwhile_and_shows_none() {
        let dir = fake();
        std::fs::remove_file(dir.path().join("namespaces/12/parent")).unwrap();
        let s = Sysfs::new(dir.path());
        assert_eq!(
            output(|o| list(&s, o)),
            "ID PARENT ENTRIES\n 3      0       2\n"
        );
        std::fs::remove_dir_all(dir.path().join("namespaces")).unwrap();
        std::fs::create_dir(dir.path().join("namespaces")).unwrap();
        assert_eq!(output(|o| list(&s, o)), "ID PARENT ENTRIES\n");
    }

    #[test]
    fn list_without_namespaces_dir_says_so() {
        let dir = TempDir::fake_ima("inspect-nodir", 1);
        let e = list(&Sysfs::new(dir.path()), &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "namespaces: No such file or directory (ima_ns.ko built without namespaces)"
            ),
            "{e}"
        );
    }

    #[test]
    fn show_prints_every_file() {
        let dir = fake();
        let s = Sysfs::new(dir.path());
        let text = output(|o| show(&s, 12, false, o));
        let want = format!(
            "namespace: 12\nparent: 3\nvpcr:\n  sha1 aa11\n  sha256 4a5b\n\
             runtime_measurements_count: 15\nviolations: 0\n\
             policy:\n  measure func=BPRM_CHECK\nascii_runtime_measurements:\n{LIST}"
        );
        assert_eq!(text, want);
    }

    #[test]
    fn show_binary_is_the_raw_list() {
        let dir = fake();
        let mut out = Vec::new();
        show(&Sysfs::new(dir.path()), 3, true, &mut out).unwrap();
        assert_eq!(out, [0u8, 159, 255, 10]);
    }

    #[test]
    fn show_unknown_namespace() {
        let dir = fake();
        let e = show(&Sysfs::new(dir.path()), 4, false, &mut Vec::new()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "namespace 4: No such file or directory \
             (no such namespace below this one: not a descendant, or already gone)"
        );
    }

    #[test]
    fn id_and_missing_directory() {
        let dir = fake();
        assert_eq!(output(|o| id(&Sysfs::new(dir.path()), o)), "0\n");
        let gone = Sysfs::new(dir.path().join("nope"));
        for e in [
            id(&gone, &mut Vec::new()),
            list(&gone, &mut Vec::new()),
            show(&gone, 3, false, &mut Vec::new()),
        ] {
            assert!(e
                .unwrap_err()
                .to_string()
                .contains("ima_ns.ko not loaded, or securityfs not mounted"));
        }
    }
}
