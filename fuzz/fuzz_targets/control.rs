// SPDX-License-Identifier: GPL-2.0
//! Fuzzes the parsers behind the other writable control files, with any
//! bytes a writer can send: `for_children/template` (`Template::lookup`,
//! `Template::parse_fmt`), `for_children/hash` (`HashAlgo::from_name`),
//! `for_children/model` (`ModelConfig::parse`), `namespaces/<id>/verdicts`
//! (`parse_verdict`), and the event records agents parse
//! (`RecordView::parse`, `unescape`), `ns_unshare`/`ns_join` values
//! (`parse_unshare`, `parse_join`) and `for_children/identity`
//! (`check_identity`), and the module's load parameters (`ima_params::parse`,
//! the data split at NULs into the string parameters). None may panic;
//! what parses reads back the same.
#![no_main]

use ima_model::{
    check_identity, identity_lines, parse_join, parse_unshare, parse_verdict, unescape, Entry,
    ModelConfig, RecordView,
};
use ima_template::Template;
use ima_tpm::HashAlgo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    params(data);
    if check_identity(data).is_ok() {
        assert!(identity_lines(data).all(|l| !l.is_empty() && !l.contains(&b'\n')));
    }
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let text = text.trim();
    if let Ok(t) = Template::parse_fmt(text) {
        assert_eq!(t.name(), text);
        let again = Template::parse_fmt(t.name()).expect("a parsed format parses again");
        assert_eq!(again.fields(), t.fields());
    }
    if let Some(t) = Template::lookup(text) {
        assert!(t.name() == text || Template::parse_fmt(text).is_ok());
    }
    if let Some(j) = parse_join(text) {
        let shown = match j.entry {
            Entry::Fork => format!("{}", j.id),
            Entry::NewPidNs => format!("{} pidns", j.id),
        };
        assert_eq!(shown, text);
    }
    if parse_unshare(text).is_some() {
        assert!(text == "1" || text == "pidns");
    }
    if let Some(a) = HashAlgo::from_name(text) {
        assert_eq!(a.name(), text);
    }
    if let Ok(m) = ModelConfig::parse(text) {
        let shown = m.to_string();
        assert_eq!(
            ModelConfig::parse(&shown),
            Ok(m),
            "{text:?} shown as {shown:?}"
        );
    }
    for line in text.lines() {
        if let Some(v) = parse_verdict(line) {
            assert!(line.contains(if v.allow { "allow" } else { "deny" }));
        }
        if let Some(RecordView::Event(e)) = RecordView::parse(line) {
            let _ = e.get("path").map(|p| unescape(p).count());
        }
    }
});

/// The string parameters from `data`'s NUL-separated fields, the flags
/// and `pcr=` from its first bytes: parsing never panics, and what parses
/// keeps a choice the parser accepts again.
fn params(data: &[u8]) {
    let mut f = data.split(|&b| b == 0);
    let mut next = || f.next().unwrap_or(b"");
    let bits = data.first().copied().unwrap_or(0);
    let raw = ima_params::Raw {
        hash: next(),
        policy: next(),
        template: next(),
        template_fmt: next(),
        write_policy: bits & 1 != 0,
        read_policy: bits & 2 != 0,
        appraise: next(),
        keyring_restrict: bits & 4 != 0,
        lock: bits & 8 != 0,
        x509: next(),
        securityfs_dir: next(),
        keyring_prefix: next(),
        pcr: i32::from(data.get(1).copied().unwrap_or(0) as i8),
        host: next(),
        upstream: next(),
    };
    for line in [ima_policy::Upstream::V6_12, ima_policy::Upstream::V7_3] {
        if let Ok(p) = ima_params::parse(&raw, line) {
            let _ = p.appraise_enabled();
        }
    }
}
