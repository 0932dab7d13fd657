//! What an audit did not look at is counted, not passed as checked (issue 13 item 7): with a
//! database holding only GitHub Actions advisories, npm and PyPI components are "not covered"
//! per ecosystem, images are "not audited" (OSV has no container-image advisories), and
//! `checked` counts only what was looked up, per ecosystem.

use polyver_advisory::db::{self, Database, Mode, Origin};
use polyver_advisory::matcher::audit_components;
use polyver_advisory::{import, AuditOptions, ImportLimits};
use polyver_model::{Component, Ecosystem, Format, Kind, Location};
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

fn component(kind: Kind, eco: Ecosystem, format: Format, name: &str, version: &str) -> Component {
    Component::new(kind, eco, name, format, Location::new("f", 1)).with_version(version)
}

#[test]
fn checked_not_covered_and_images_are_counted_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let components = vec![
        component(
            Kind::Action,
            Ecosystem::GithubActions,
            Format::GithubActions,
            "actions/checkout",
            "v4.1.1",
        ),
        component(
            Kind::Package,
            Ecosystem::Npm,
            Format::PackageLock,
            "ms",
            "2.1.3",
        ),
        component(
            Kind::Package,
            Ecosystem::Npm,
            Format::PackageLock,
            "debug",
            "4.3.4",
        ),
        component(
            Kind::Package,
            Ecosystem::Pypi,
            Format::Requirements,
            "requests",
            "2.31.0",
        ),
        component(
            Kind::Image,
            Ecosystem::Docker,
            Format::Dockerfile,
            "postgres",
            "16",
        ),
    ];
    let report = audit_components(&components, &db, &AuditOptions::default()).unwrap();
    let stats = &report.stats;
    assert_eq!(stats.components, 5);
    assert_eq!(stats.checked, 1, "only the action is looked up: {stats:?}");
    assert_eq!(
        stats.checked_by_ecosystem.get("GitHub Actions"),
        Some(&1),
        "{stats:?}"
    );
    assert_eq!(
        stats.not_covered_by_ecosystem.get("npm"),
        Some(&2),
        "{stats:?}"
    );
    assert_eq!(
        stats.not_covered_by_ecosystem.get("PyPI"),
        Some(&1),
        "{stats:?}"
    );
    assert_eq!(stats.images_not_audited, 1);
    assert_eq!(
        stats.coverage_gaps(),
        [
            "3 components not checked: the OSV database has no advisories for PyPI 1, npm 2",
            "1 image not audited: OSV has no container-image advisories",
        ]
    );
    assert_eq!(
        stats.checked_text(),
        "1 checked against OSV: GitHub Actions 1"
    );
}
