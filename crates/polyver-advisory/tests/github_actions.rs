//! GitHub Actions advisories match workflow refs the way GitHub's database means them
//! (issue 13 item 1): OSV writes `fixed: 46.0.1`, workflows write `@v45.0.7`, `@v45`, a SHA
//! with a `# v45.0.7` comment, or a branch. The advisory is GHSA-mrrh-fwg8-r2c3 (the
//! tj-actions/changed-files compromise, CVE-2025-30066), as OSV publishes it.

use polyver_advisory::db::{self, Database, Mode, Origin};
use polyver_advisory::matcher::{audit_components, Status};
use polyver_advisory::{import, AuditOptions, ImportLimits};
use polyver_model::{Component, Constraint, Ecosystem, Format, Kind, Location};
use std::path::Path;

fn database(dir: &Path) -> Database {
    let path = Database::file_in(dir);
    let imported = import::import_path(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github-actions"),
        &ImportLimits::default(),
    )
    .unwrap();
    db::update(&path, imported, Mode::Merge, &Origin::default(), 1).unwrap();
    Database::open(&path).unwrap()
}

/// An action component as the GitHub Actions extractor records it.
fn action(name: &str, version: Option<&str>, branch: Option<&str>, line: u32) -> Component {
    let mut c = Component::new(
        Kind::Action,
        Ecosystem::GithubActions,
        name,
        Format::GithubActions,
        Location::new(".github/workflows/ci.yml", line),
    );
    if let Some(v) = version {
        c = c.with_version(v);
    }
    if let Some(b) = branch {
        c.constraint = Some(Constraint::new(b));
    }
    c
}

#[test]
fn tags_floating_tags_shas_and_branches() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let name = "tj-actions/changed-files";
    let components = vec![
        action(name, Some("v45.0.7"), None, 1), // affected
        action(name, Some("v46.0.1"), None, 2), // the fix
        action(name, Some("v45"), None, 3),     // floats over 45.x: admits it
        action(name, Some("v46"), None, 4),     // floats over 46.x: 46.0.0 is affected
        action(name, Some("v47.1"), None, 5),   // floats over 47.1.x: clean
        action(
            name,
            Some("b4ffde65f46336ab88eb53be808477a3936bae11"),
            None,
            6,
        ), // no comment
        action(name, None, Some("main"), 7),    // a branch
        action("TJ-Actions/Changed-Files", Some("v1.0.0"), None, 8), // GitHub ignores case
    ];
    let report = audit_components(&components, &db, &AuditOptions::default()).unwrap();
    let by_line = |line: u32| {
        report
            .findings
            .iter()
            .find(|f| f.locations.iter().any(|l| l.line == line))
    };
    let affected = by_line(1).expect("v45.0.7 is affected");
    assert_eq!(affected.id, "GHSA-mrrh-fwg8-r2c3");
    assert_eq!(affected.status, Status::Affected);
    assert_eq!(affected.smallest_fix.as_deref(), Some("46.0.1"));
    assert!(by_line(2).is_none(), "46.0.1 is the fix");
    let floating = by_line(3).expect("v45 floats over affected releases");
    assert_eq!(floating.status, Status::NotPinned);
    assert!(
        by_line(4).is_some(),
        "v46 floats over 46.0.0, which is affected"
    );
    assert!(
        by_line(5).is_none(),
        "v47.1 floats over no affected release"
    );
    assert!(by_line(8).is_some(), "names match case-insensitively");
    // The SHA without a version comment and the branch: not matched, counted, said.
    assert!(by_line(6).is_none() && by_line(7).is_none());
    assert_eq!(report.stats.version_unknown, 2);
    assert_eq!(report.stats.checked, 6);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.contains("2 GitHub Actions")));
}
