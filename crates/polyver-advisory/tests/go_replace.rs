//! A module replaced in go.mod (`replace`) is audited as what is built (issue 18 item 5): the
//! component keeps the required module and version, `url` names the replacement. A version
//! override to the fix is clean, a vulnerable fork is reported under the fork's name, a local
//! directory is counted as version unknown.

use polyver_advisory::db::{self, Database, Mode, Origin};
use polyver_advisory::matcher::audit_components;
use polyver_advisory::{import, AuditOptions, ImportLimits};
use polyver_model::{Component, Ecosystem, Format, Kind, Location};
use std::path::Path;

fn database(dir: &Path) -> Database {
    let path = Database::file_in(dir);
    let imported = import::import_path(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-replace"),
        &ImportLimits::default(),
    )
    .unwrap();
    db::update(&path, imported, Mode::Merge, &Origin::default(), 1).unwrap();
    Database::open(&path).unwrap()
}

/// A required module as the go.mod extractor records it, replaced when `url` is given.
fn module(name: &str, version: &str, url: Option<&str>, line: u32) -> Component {
    let mut c = Component::new(
        Kind::Module,
        Ecosystem::Go,
        name,
        Format::GoMod,
        Location::new("go.mod", line),
    )
    .with_version(version);
    if let Some(u) = url {
        c.replaced = true;
        c.url = Some(u.to_string());
    }
    c
}

#[test]
fn the_replacement_is_audited_not_the_required_version() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let components = vec![
        module("github.com/a/lib", "v1.2.3", None, 1),
        module(
            "github.com/a/lib",
            "v1.2.3",
            Some("github.com/a/lib@v1.2.4"),
            2,
        ),
        module(
            "github.com/a/dep",
            "v1.0.0",
            Some("github.com/me/fork@v1.5.0"),
            3,
        ),
        module("github.com/a/lib", "v1.2.3", Some("../lib"), 4),
    ];
    let report = audit_components(&components, &db, &AuditOptions::default()).unwrap();
    let hits: Vec<(String, Option<String>, Vec<u32>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                f.version.clone(),
                f.locations.iter().map(|l| l.line).collect(),
            )
        })
        .collect();
    assert_eq!(
        hits,
        vec![
            (
                "github.com/a/lib".to_string(),
                Some("v1.2.3".to_string()),
                vec![1]
            ),
            (
                "github.com/me/fork".to_string(),
                Some("v1.5.0".to_string()),
                vec![3]
            ),
        ]
    );
    assert_eq!(report.stats.version_unknown, 1);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("1 module replaced by a local directory names no version")),
        "{:?}",
        report.warnings
    );
}
