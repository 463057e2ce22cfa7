// SPDX-License-Identifier: GPL-2.0
//! `ima-ns model`: a reference agent for namespaces in external mode.
//!
//! It reads the namespace's event records (`namespaces/<id>/events`) and
//! answers those that wait (`namespaces/<id>/verdicts`). The model is the
//! set of (event type, subject executable digest, object digest) tuples a
//! workload produced: `learn` collects it, `enforce` denies everything
//! outside it. Objects without a digest (files whose contents are
//! generated, e.g. procfs) are identified by path instead.
//!
//! Both run until the namespace ends (end-of-file on `events`). `learn`
//! appends each new tuple to the model file as it sees it, so the file is
//! complete whenever the agent stops, however it stops.

use crate::error::{Error, Result};
use crate::sysfs::Sysfs;
use ima_model::{unescape, EventView, RecordView};
use ima_tpm::{Digest, HashAlgo};
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

/// The model file's first line.
pub(crate) const MODEL_HEADER: &str = "# ima-ns model v1: func subject-exe object";

/// A read takes whole records; a record is at most a few KiB.
const READ_SIZE: usize = 64 * 1024;

/// The tuple an event contributes to a model: one line of the model file.
pub(crate) fn tuple(ev: &EventView<'_>) -> String {
    let exe = ev.get("exe").unwrap_or("-");
    let object = match ev.get("digest") {
        Some(d) if d != "-" => d.to_owned(),
        _ => format!("path:{}", ev.get("path").unwrap_or("-")),
    };
    format!("{} {exe} {object}", ev.func)
}

/// A model file's tuples.
pub(crate) fn parse_model(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// What to do with each event.
pub(crate) trait Policy {
    /// `true` to allow. Called for every event, waiting or not.
    fn decide(&mut self, ev: &EventView<'_>) -> Result<bool>;
}

/// `learn`: allow everything, record each new tuple.
pub(crate) struct Learner<W: Write> {
    seen: BTreeSet<String>,
    out: W,
}

impl<W: Write> Learner<W> {
    pub(crate) fn new(mut out: W) -> Result<Self> {
        writeln!(out, "{MODEL_HEADER}").map_err(|e| Error::io("write the model", e))?;
        Ok(Self {
            seen: BTreeSet::new(),
            out,
        })
    }

    pub(crate) fn tuples(&self) -> usize {
        self.seen.len()
    }
}

impl<W: Write> Policy for Learner<W> {
    fn decide(&mut self, ev: &EventView<'_>) -> Result<bool> {
        let t = tuple(ev);
        if !self.seen.contains(&t) {
            writeln!(self.out, "{t}")
                .and_then(|()| self.out.flush())
                .map_err(|e| Error::io("write the model", e))?;
            self.seen.insert(t);
        }
        Ok(true)
    }
}

/// `enforce`: allow what the model has; report the rest on `report`.
pub(crate) struct Enforcer<W: Write> {
    model: BTreeSet<String>,
    report: W,
    pub(crate) denied: usize,
}

impl<W: Write> Enforcer<W> {
    pub(crate) fn new(model: BTreeSet<String>, report: W) -> Self {
        Self {
            model,
            report,
            denied: 0,
        }
    }
}

impl<W: Write> Policy for Enforcer<W> {
    fn decide(&mut self, ev: &EventView<'_>) -> Result<bool> {
        if self.model.contains(&tuple(ev)) {
            return Ok(true);
        }
        self.denied += 1;
        let path: Vec<u8> = unescape(ev.get("path").unwrap_or("-"))
            .map(|b| b.unwrap_or(b'?'))
            .collect();
        writeln!(
            self.report,
            "{} seq={} ns={} func={} comm={} path={} digest={} exe={}",
            if ev.reply {
                "denied"
            } else {
                "unknown (not waiting)"
            },
            ev.seq,
            ev.ns,
            ev.func,
            ev.get("comm").unwrap_or("-"),
            String::from_utf8_lossy(&path),
            ev.get("digest").unwrap_or("-"),
            ev.get("exe").unwrap_or("-"),
        )
        .and_then(|()| self.report.flush())
        .map_err(|e| Error::io("write the report", e))?;
        Ok(false)
    }
}

/// What a session saw.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) events: u64,
    pub(crate) lost: u64,
    pub(crate) answered: u64,
}

/// Serves the namespace's events with `policy` until end-of-file:
/// `events` is the opened events file, `verdicts` the verdicts file.
pub(crate) fn serve(
    events: &mut impl Read,
    verdicts: &mut impl Write,
    policy: &mut impl Policy,
    log: &mut dyn Write,
) -> Result<Summary> {
    let mut buf = vec![0u8; READ_SIZE];
    let mut sum = Summary::default();
    loop {
        let n = match events.read(&mut buf) {
            Ok(0) => return Ok(sum),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("read events", e)),
        };
        let text = std::str::from_utf8(&buf[..n])
            .map_err(|_| Error::msg("events: a record is not ASCII"))?;
        for line in text.lines() {
            match RecordView::parse(line) {
                Some(RecordView::Event(ev)) => {
                    sum.events += 1;
                    let allow = policy.decide(&ev)?;
                    if ev.reply {
                        let verdict = if allow { "allow" } else { "deny" };
                        verdicts
                            .write_all(format!("{} {verdict}\n", ev.seq).as_bytes())
                            .map_err(|e| Error::io("write verdicts", e))?;
                        sum.answered += 1;
                    }
                }
                Some(RecordView::Lost(l)) => {
                    sum.lost += l.count;
                    let _ = writeln!(
                        log,
                        "ima-ns model: {} events lost from seq {} (queue full)",
                        l.count, l.first
                    );
                }
                None => {
                    return Err(Error::msg(format!(
                        "events: not a version-1 record: {line:?}"
                    )))
                }
            }
        }
    }
}

fn open_channel(sysfs: &Sysfs, id: u64) -> Result<(File, File)> {
    sysfs.check()?;
    let events = sysfs.open_read(&format!("namespaces/{id}/events"))?;
    let verdicts = sysfs.open_write(&format!("namespaces/{id}/verdicts"))?;
    Ok((events, verdicts))
}

/// `model learn ID --out FILE`.
pub(crate) fn learn(sysfs: &Sysfs, id: u64, out: &Path, log: &mut dyn Write) -> Result<u8> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(out)
        .map_err(|e| Error::io(format!("create {}", out.display()), e))?;
    let (mut events, mut verdicts) = open_channel(sysfs, id)?;
    let mut learner = Learner::new(file)?;
    let sum = serve(&mut events, &mut verdicts, &mut learner, log)?;
    let _ = writeln!(
        log,
        "ima-ns model: namespace {id} ended: {} events, {} tuples learned, {} lost",
        sum.events,
        learner.tuples(),
        sum.lost
    );
    Ok(0)
}

/// `model enforce ID --model FILE`: anchors the model's digest in the
/// namespace's list, then serves. Exit status 0, or 3 if it denied any.
pub(crate) fn enforce(
    sysfs: &Sysfs,
    id: u64,
    model_path: &Path,
    report: &mut dyn Write,
    log: &mut dyn Write,
) -> Result<u8> {
    let text =
        fs::read(model_path).map_err(|e| Error::io(format!("read {}", model_path.display()), e))?;
    let model = parse_model(&String::from_utf8_lossy(&text));
    if model.is_empty() {
        return Err(Error::msg(format!(
            "{}: no tuples (learn a model first)",
            model_path.display()
        )));
    }
    let (mut events, mut verdicts) = open_channel(sysfs, id)?;
    let state = model_state(&text, model.len());
    sysfs.write(&format!("namespaces/{id}/model_state"), state.as_bytes())?;
    let _ = writeln!(log, "ima-ns model: enforcing {}", state.trim_end());
    let mut enforcer = Enforcer::new(model, report);
    let sum = serve(&mut events, &mut verdicts, &mut enforcer, log)?;
    let _ = writeln!(
        log,
        "ima-ns model: namespace {id} ended: {} events, {} denied, {} lost",
        sum.events, enforcer.denied, sum.lost
    );
    Ok(if enforcer.denied > 0 { 3 } else { 0 })
}

/// The line anchored in the namespace's list: the model file's digest.
pub(crate) fn model_state(model_file: &[u8], tuples: usize) -> String {
    let d = Digest::of(HashAlgo::Sha256, &[model_file]);
    format!("ima-ns-model v1 sha256:{d:x} tuples={tuples}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, func: &str, reply: bool, path: &str, digest: &str) -> String {
        format!(
            "ima-ns-event 1 seq={seq} ns=2 func={func} mask=0x1 reply={} pid=1 tgid=1 uid=0 \
             euid=0 gid=0 egid=0 cap_eff=0x0 comm=sh exe=sha256:aa path={path} dev=0:1 ino=2 \
             fowner=0 fgroup=0 fmode=0o100755 digest={digest}\n",
            u8::from(reply)
        )
    }

    #[test]
    fn learn_then_enforce() {
        let stream = [
            record(1, "BPRM_CHECK", true, "/bin/true", "sha256:01"),
            record(2, "FILE_CHECK", false, "/proc/self/status", "-"),
            record(3, "BPRM_CHECK", true, "/bin/true", "sha256:01"),
        ]
        .concat();
        let mut model = Vec::new();
        let mut verdicts = Vec::new();
        let mut learner = Learner::new(&mut model).unwrap();
        let sum = serve(
            &mut stream.as_bytes(),
            &mut verdicts,
            &mut learner,
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!((sum.events, sum.answered, learner.tuples()), (3, 2, 2));
        assert_eq!(verdicts, b"1 allow\n3 allow\n");
        let model = String::from_utf8(model).unwrap();
        assert_eq!(
            model,
            format!(
                "{MODEL_HEADER}\nBPRM_CHECK sha256:aa sha256:01\n\
                 FILE_CHECK sha256:aa path:/proc/self/status\n"
            )
        );

        // The same workload passes; a changed binary is denied, once.
        let changed = [
            record(1, "BPRM_CHECK", true, "/bin/true", "sha256:01"),
            record(2, "BPRM_CHECK", true, "/bin/t%20rue", "sha256:02"),
            "ima-ns-lost 1 first=3 count=2\n".to_owned(),
        ]
        .concat();
        let mut report = Vec::new();
        let mut verdicts = Vec::new();
        let mut enforcer = Enforcer::new(parse_model(&model), &mut report);
        let sum = serve(
            &mut changed.as_bytes(),
            &mut verdicts,
            &mut enforcer,
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!((sum.events, sum.lost, enforcer.denied), (2, 2, 1));
        assert_eq!(verdicts, b"1 allow\n2 deny\n");
        assert_eq!(
            String::from_utf8(report).unwrap(),
            "denied seq=2 ns=2 func=BPRM_CHECK comm=sh path=/bin/t rue digest=sha256:02 \
             exe=sha256:aa\n"
        );
    }

    #[test]
    fn junk_in_the_stream_is_an_error() {
        let mut learner = Learner::new(Vec::new()).unwrap();
        let e = serve(
            &mut &b"ima-ns-event 9 seq=1\n"[..],
            &mut Vec::new(),
            &mut learner,
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a version-1 record"), "{e}");
    }

    #[test]
    fn model_state_names_the_file_digest() {
        assert_eq!(
            model_state(b"", 0),
            "ima-ns-model v1 sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 tuples=0\n"
        );
    }
}
