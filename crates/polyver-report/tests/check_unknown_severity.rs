//! `check` keeps an advisory's missing severity visible (issue 13 item 7): the finding counts
//! as medium for `--fail-on`, and every output says `unknown (counted as medium)` instead of
//! relabelling it.

use polyver_engine::{Check, CheckResult, CheckStatus};
use polyver_model::{Finding, FindingKind, FindingSeverity, Location};
use polyver_report::render::check;
use polyver_report::term::Term;

fn result(unknown: bool) -> CheckResult {
    CheckResult {
        check: Check::Audit,
        status: CheckStatus::Fail,
        reason: None,
        note: Some("1 component checked against 1 advisory (PyPI 1)".into()),
        findings: vec![Finding {
            kind: FindingKind::Vulnerability,
            rule: "GHSA-xxxx-yyyy-zzzz".into(),
            severity_unknown: unknown,
            severity: FindingSeverity::Medium,
            title: "requests 2.0.0: GHSA-xxxx-yyyy-zzzz (a flaw) — fix: 2.0.1".into(),
            ecosystem: None,
            name: Some("requests".into()),
            version: Some("2.0.0".into()),
            aliases: vec![],
            locations: vec![Location::new("requirements.txt", 3)],
        }],
        failing: 1,
    }
}

#[test]
fn unknown_severity_is_shown_as_counted_as_medium() {
    let results = [result(true)];
    let table = check::table(&results, FindingSeverity::Medium, true, &Term::PLAIN);
    assert!(
        table.contains("  unknown (counted as medium) GHSA-xxxx-yyyy-zzzz"),
        "{table}"
    );
    assert!(
        table.contains("1 medium (1 of unknown severity)"),
        "{table}"
    );
    let md = check::markdown(&results, FindingSeverity::Medium, true);
    assert!(md.contains("| **unknown (counted as medium)** |"), "{md}");
    let json = check::json(".", &results, FindingSeverity::Medium, true);
    let finding = &json["checks"][0]["findings"][0];
    assert_eq!(finding["severity"], "medium");
    assert_eq!(finding["severity_unknown"], true);
}

#[test]
fn a_rated_finding_is_shown_as_rated() {
    let results = [result(false)];
    let table = check::table(&results, FindingSeverity::Medium, true, &Term::PLAIN);
    assert!(!table.contains("unknown"), "{table}");
    let json = check::json(".", &results, FindingSeverity::Medium, true);
    assert!(json["checks"][0]["findings"][0]
        .get("severity_unknown")
        .is_none());
}
