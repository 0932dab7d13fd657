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
    // No database: the audit is skipped on purpose (without `--skip audit` it is an error,
    // see below), and a malformed file is a finding of the parse check.
    write(dir.path(), "web/package.json", "{ \"dependencies\": \n");
    let gate = engine
        .gate(GateOptions {
            skip: vec![Check::Audit],
            ..GateOptions::default()
        })
        .unwrap();
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
    assert_eq!(status(Check::Parse), CheckStatus::Fail);
    let parse = verdict
        .results
        .iter()
        .find(|r| r.check == Check::Parse)
        .unwrap();
    assert_eq!(parse.failing, 1);
    assert_eq!(parse.findings[0].rule, "diagnostic/unreadable");
    assert_eq!(parse.findings[0].locations[0].path, "web/package.json");
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
    // A parse error fails whatever the threshold, unless allowed.
    let strict_parse = engine
        .gate(GateOptions {
            fail_on: FindingSeverity::Critical,
            skip: vec![Check::Audit, Check::Licenses],
            ..GateOptions::default()
        })
        .unwrap()
        .run(&inventory)
        .unwrap();
    assert!(strict_parse.failed);
    let lenient = engine
        .gate(GateOptions {
            fail_on: FindingSeverity::Critical,
            skip: vec![Check::Audit, Check::Licenses],
            allow_parse_errors: true,
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
    // No database: the environment (exit 3), with what to run and how to go on without.
    let e = engine(dir.path())
        .gate(GateOptions::default())
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Environment);
    let hint = e.hint.unwrap();
    assert!(
        hint.contains("polyver db sync") && hint.contains("--skip audit"),
        "{hint}"
    );
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

/// A database older than `[audit] max-age-days` (default 7) is refused, with what to run.
#[test]
fn a_stale_database_is_refused() {
    use polyver_advisory::db::{self, Database, Mode, Origin};
    let dir = tempfile::tempdir().unwrap();
    let imported = polyver_advisory::import::import_path(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../polyver-advisory/tests/fixtures/github-actions"),
        &polyver_advisory::ImportLimits::default(),
    )
    .unwrap();
    let now = polyver_engine::audit::now();
    let ten_days_ago = now - 10 * 86_400;
    let path = Database::file_in(dir.path());
    db::update(
        &path,
        imported,
        Mode::Merge,
        &Origin::default(),
        ten_days_ago,
    )
    .unwrap();
    let db = Database::open(&path).unwrap();
    let mut config = polyver_config::Config::default();
    let e = polyver_engine::audit::check_age(&db, &config, now).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Environment);
    assert!(e.message.contains("10 days ago"), "{}", e.message);
    assert!(e.hint.unwrap().contains("polyver db sync"));
    config.audit.max_age_days = Some(30);
    assert!(polyver_engine::audit::check_age(&db, &config, now).is_ok());
}
