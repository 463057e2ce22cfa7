// SPDX-License-Identifier: GPL-2.0
//! The policy grammar of 6.12 against 7.3's (ima_policy.c of each): what
//! one line accepts and the other refuses, and what the accepted rules do.

extern crate std;

use crate::{evaluate, parse_line_as, Event, Func, Rule, Upstream, MAY_EXEC};
use std::format;

const OLD: Upstream = Upstream::V6_12;
const NEW: Upstream = Upstream::V7_3;

fn ok(line: &str, u: Upstream) -> Rule {
    match parse_line_as(line, u) {
        Ok(Some(r)) => r,
        other => panic!("{line:?} under {}: {other:?}", u.name()),
    }
}

fn refused(line: &str, u: Upstream) -> &str {
    match parse_line_as(line, u) {
        Err(e) => e.token,
        other => panic!("{line:?} under {} accepted: {other:?}", u.name()),
    }
}

fn exec(func: Func) -> Event<'static> {
    Event {
        func,
        mask: MAY_EXEC,
        ..Default::default()
    }
}

#[test]
fn sigv3_for_regular_files_is_7_3() {
    let line = "appraise func=BPRM_CHECK appraise_type=sigv3";
    assert_eq!(refused(line, OLD), "appraise_type=sigv3");
    let r = ok(line, NEW);
    assert_eq!(
        format!("{r}"),
        "appraise func=BPRM_CHECK appraise_type=sigv3 \n"
    );
    let d = evaluate([&r], &exec(Func::BprmCheck));
    assert!(d.appraise && d.digsig_required && d.sigv3_required && d.check_blacklist);
    assert!(!d.verity_required);
    // 7.3's ima_validate_rule() lets MODULE_CHECK and the kexec funcs
    // have IMA_SIGV3_REQUIRED; 6.12 needs digest_type=verity, which they
    // cannot have.
    for f in [
        "MODULE_CHECK",
        "KEXEC_KERNEL_CHECK",
        "FIRMWARE_CHECK",
        "MMAP_CHECK",
    ] {
        let line = format!("appraise func={f} appraise_type=sigv3");
        ok(&line, NEW);
        refused(&line, OLD);
    }
    // Still only on appraise rules, and not on KEY_CHECK/CRITICAL_DATA.
    for u in Upstream::ALL {
        refused("measure func=BPRM_CHECK appraise_type=sigv3", u);
        refused("appraise func=KEY_CHECK appraise_type=sigv3", u);
        refused(
            "appraise func=SETXATTR_CHECK appraise_algos=sha256 appraise_type=sigv3",
            u,
        );
    }
}

#[test]
fn verity_and_sigv3_in_either_order_is_7_3() {
    let verity_first = "appraise func=BPRM_CHECK digest_type=verity appraise_type=sigv3";
    let sigv3_first = "appraise func=BPRM_CHECK appraise_type=sigv3 digest_type=verity";
    let shown = "appraise func=BPRM_CHECK appraise_type=sigv3 digest_type=verity \n";
    for u in Upstream::ALL {
        let r = ok(verity_first, u);
        assert_eq!(format!("{r}"), shown);
        let d = evaluate([&r], &exec(Func::BprmCheck));
        assert!(d.verity_required && d.digsig_required && d.sigv3_required);
    }
    // 6.12's shown form does not read back (sigv3 before
    // digest_type=verity); 7.3's does.
    assert_eq!(refused(sigv3_first, OLD), "appraise_type=sigv3");
    assert_eq!(ok(sigv3_first, NEW), ok(verity_first, NEW));
}

#[test]
fn imasig_and_verity() {
    // imasig after digest_type=verity: refused by both.
    for u in Upstream::ALL {
        let line = "appraise func=BPRM_CHECK digest_type=verity appraise_type=imasig";
        assert_eq!(refused(line, u), "appraise_type=imasig");
    }
    // The other order: 7.3 takes it (IMA_DIGSIG_REQUIRED | IMA_VERITY_REQUIRED,
    // which then wants an fs-verity signature), 6.12 does not.
    let line = "appraise func=BPRM_CHECK appraise_type=imasig digest_type=verity";
    assert_eq!(refused(line, OLD), "digest_type=verity");
    let r = ok(line, NEW);
    assert_eq!(r.validate_for(OLD), Err("imasig with digest_type=verity"));
    assert_eq!(r.validate_for(NEW), Ok(()));
    let d = evaluate([&r], &exec(Func::BprmCheck));
    assert!(d.verity_required && d.digsig_required && !d.sigv3_required);
}

#[test]
fn modsig_never_with_sigv3_or_verity() {
    let line = "appraise func=MODULE_CHECK appraise_type=sigv3 appraise_type=imasig|modsig";
    assert_eq!(refused(line, NEW), "appraise_type=imasig|modsig");
    for u in Upstream::ALL {
        ok("appraise func=MODULE_CHECK appraise_type=imasig|modsig", u);
    }
}

#[test]
fn dont_audit_is_7_3() {
    assert_eq!(refused("dont_audit func=BPRM_CHECK", OLD), "dont_audit");
    let quiet = ok("dont_audit func=BPRM_CHECK", NEW);
    assert_eq!(format!("{quiet}"), "dont_audit func=BPRM_CHECK \n");
    let loud = ok("audit", NEW);
    // The first matching rule of the audit class decides it.
    assert!(!evaluate([&quiet, &loud], &exec(Func::BprmCheck)).audit);
    assert!(evaluate([&quiet, &loud], &exec(Func::MmapCheck)).audit);
    assert!(evaluate([&loud, &quiet], &exec(Func::BprmCheck)).audit);
    // It decides nothing else.
    let measure = ok("measure func=BPRM_CHECK", NEW);
    assert!(evaluate([&quiet, &measure], &exec(Func::BprmCheck)).measure);
    // Like dont_measure: no appraise_type=, no pcr=.
    refused("dont_audit appraise_type=imasig", NEW);
    refused("dont_audit pcr=10", NEW);
    // The summary counts it as no audit.
    assert!(!crate::PolicySummary::of(&[quiet])
        .actions
        .contains(crate::ActionMask::AUDIT));
}

#[test]
fn suffixed_comment_is_7_3() {
    let line = "measure func=BPRM_CHECK # executables";
    assert_eq!(refused(line, OLD), "#");
    assert_eq!(ok(line, NEW), ok("measure func=BPRM_CHECK", NEW));
    // Everything after the '#' word is ignored, even a bad token.
    assert_eq!(
        ok("measure func=BPRM_CHECK #x bogus=1", NEW),
        ok("measure func=BPRM_CHECK", NEW)
    );
    // A word ending in '#' is still a bad value; a line that is only a
    // comment is no rule for both.
    refused("measure func=BPRM_CHECK#", NEW);
    for u in Upstream::ALL {
        assert_eq!(parse_line_as("  # all comment", u), Ok(None));
    }
    // A rule that ends before its action is incomplete.
    refused("func=BPRM_CHECK # measure", NEW);
}

#[test]
fn the_6_12_grammar_is_unchanged_by_default() {
    for line in ["dont_audit", "appraise appraise_type=sigv3", "measure # c"] {
        assert!(crate::parse_line(line).is_err(), "{line}");
        assert_eq!(crate::parse_line(line), parse_line_as(line, OLD));
    }
}
