//! The gate as a library: settings resolved once, the database and policy prepared before
//! the scan, every check on one inventory, warnings returned instead of printed.

use polyver_engine::{Check, CheckStatus, Engine, ErrorKind, GateOptions, Overrides};
use polyver_model::FindingSeverity;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Two installations' worth of conflict: a requirements file that includes another pinning
/// the same package differently (unsatisfiable in one installation), and a floating image.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(
        r,
        "svc/requirements.txt",
        "-r ../shared/base.txt\nflask==2.0\n",
    );
    write(r, "shared/base.txt", "flask==3.0\n");
    write(r, "Dockerfile", "FROM ubuntu:latest\n");
    dir
}

fn engine(root: &Path) -> Engine {
    let overrides = Overrides {
        osv_db: Some(root.join("no-osv-here")),
        ..Overrides::default()
    };
    Engine::new(root, &overrides).unwrap()
}

#[test]
fn one_scan_every_check_and_the_threshold_decides() {
    let dir = repo();
    let engine = engine(dir.path());
    let gate = engine.gate(GateOptions::default()).unwrap();
    // No database: skipped with a warning said before the scan, not an error.
    assert!(gate.warnings.iter().any(|w| w.contains("no OSV database")));
    let inventory = engine.scan().unwrap();
    // The include was recorded by the walk, so the two pins are one installation.
    assert_eq!(inventory.links.len(), 1);
    let verdict = gate.run(&inventory).unwrap();
    let status = |c: Check| {
        verdict
            .results
            .iter()
            .find(|r| r.check == c)
            .map(|r| r.status)
            .unwrap()
    };
    assert_eq!(status(Check::Audit), CheckStatus::Skipped);
    assert_eq!(status(Check::Lock), CheckStatus::Skipped);
    assert_eq!(status(Check::Conflicts), CheckStatus::Fail);
    assert!(verdict.failed);
    let conflicts = verdict
        .results
        .iter()
        .find(|r| r.check == Check::Conflicts)
        .unwrap();
    assert!(conflicts
        .findings
        .iter()
        .any(|f| f.rule == "conflict/unsatisfiable"));
    // Every rule a finding carries is in the catalogue.
    for f in verdict.results.iter().flat_map(|r| &r.findings) {
        assert!(
            polyver_engine::rules::rule(&f.rule).is_some(),
            "{} is not in the catalogue",
            f.rule
        );
    }

    // Above every finding's severity, the same inventory passes.
    let lenient = engine
        .gate(GateOptions {
            fail_on: FindingSeverity::Critical,
            skip: vec![Check::Licenses],
            ..GateOptions::default()
        })
        .unwrap()
        .run(&inventory)
        .unwrap();
    assert!(!lenient.failed);
    assert!(lenient
        .results
        .iter()
        .any(|r| r.check == Check::Licenses && r.reason.as_deref() == Some("by --skip")));
}

#[test]
fn errors_come_before_the_scan_and_say_whose_they_are() {
    let dir = repo();
    // Required audit without a database: the environment (exit 3), with what to run.
    let e = engine(dir.path())
        .gate(GateOptions {
            require_audit: true,
            ..GateOptions::default()
        })
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Environment);
    assert!(e.hint.unwrap().contains("polyver db sync"));
    // A root that is not a directory: the user's input (exit 2).
    let e = engine(&dir.path().join("missing"))
        .gate(GateOptions::default())
        .err()
        .unwrap();
    assert_eq!(e.exit_code(), 2);
    // A bad polyver.toml stops settings, with the nearest key.
    write(dir.path(), "polyver.toml", "[scan]\nexlude = []\n");
    let e = Engine::new(dir.path(), &Overrides::default())
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Input);
}
