//! Matching on real advisories from shared/osv (PyPA, Go vulndb, RustSec snapshots) with
//! known affected and unaffected versions, plus synthetic documents for the schema features
//! the snapshots do not exercise (`limit`, epochs, alias merging across databases).

use polyver_advisory::db::{self, Database, Mode, Origin};
use polyver_advisory::matcher::{audit_components, Status};
use polyver_advisory::{import, AuditOptions, Ignore, ImportLimits, Imported};
use polyver_model::{Component, Constraint, Ecosystem, FindingSeverity, Kind, Location};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn shared_osv() -> Option<PathBuf> {
    let dir = std::env::var_os("POLYVER_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("osv");
    dir.join("PyPI").exists().then_some(dir)
}

/// [`built_db`]; `None` when shared/osv is missing (after [`polyver_testkit::skip`], which
/// fails in CI).
fn real_db() -> Option<&'static Database> {
    let db = built_db();
    if db.is_none() {
        polyver_testkit::skip(
            "shared/osv not found",
            "put the OSV snapshot in shared/osv beside the repository, or set POLYVER_SHARED_DIR",
        );
    }
    db
}

/// One database of all of shared/osv plus the synthetic advisories, built once per run.
fn built_db() -> Option<&'static Database> {
    static DB: OnceLock<Option<(tempfile::TempDir, Database)>> = OnceLock::new();
    DB.get_or_init(|| {
        let osv = shared_osv()?;
        let dir = tempfile::tempdir().unwrap();
        let path = Database::file_in(dir.path());
        let imported = import::import_path(&osv, &ImportLimits::default()).unwrap();
        assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
        assert!(
            imported.withdrawn > 0,
            "the snapshot has withdrawn advisories"
        );
        let origin = Origin {
            source: osv.display().to_string(),
            ..Origin::default()
        };
        db::update(&path, imported, Mode::Merge, &origin, 1).unwrap();
        let synthetic = import::import_path(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic"),
            &ImportLimits::default(),
        )
        .unwrap();
        db::update(&path, synthetic, Mode::Merge, &origin, 2).unwrap();
        let db = Database::open(&path).unwrap();
        Some((dir, db))
    })
    .as_ref()
    .map(|(_, db)| db)
}

fn pinned(eco: Ecosystem, name: &str, version: &str) -> Component {
    Component::new(
        Kind::Package,
        eco,
        name,
        polyver_model::Format::Requirements,
        Location::new("requirements.txt", 3),
    )
    .with_version(version)
}

/// The ids (primary and aliases) of the findings for one pinned version.
fn ids(eco: Ecosystem, name: &str, version: &str) -> Vec<String> {
    let db = real_db().unwrap();
    let report =
        audit_components(&[pinned(eco, name, version)], db, &AuditOptions::default()).unwrap();
    report
        .findings
        .iter()
        .flat_map(|f| std::iter::once(f.id.clone()).chain(f.aliases.iter().cloned()))
        .collect()
}

fn check(eco: Ecosystem, name: &str, id: &str, affected: &[&str], unaffected: &[&str]) {
    if real_db().is_none() {
        return;
    }
    for v in affected {
        assert!(
            ids(eco, name, v).iter().any(|x| x == id),
            "{name} {v} should be affected by {id}"
        );
    }
    for v in unaffected {
        assert!(
            !ids(eco, name, v).iter().any(|x| x == id),
            "{name} {v} should not be affected by {id}"
        );
    }
}

#[test]
fn unsorted_introduced_fixed_pairs_pysec_2023_192() {
    check(
        Ecosystem::Pypi,
        "urllib3",
        "PYSEC-2023-192",
        &["1.26.16", "1.0", "2.0.0", "2.0.5"],
        &["1.26.17", "1.26.18", "2.0.6", "2.1.0"],
    );
}

#[test]
fn last_affected_is_inclusive_pysec_2022_42969() {
    check(
        Ecosystem::Pypi,
        "py",
        "PYSEC-2022-42969",
        &["1.11.0", "1.4.0"],
        &["1.11.1", "2.0"],
    );
}

#[test]
fn pre_releases_are_plain_versions_in_osv_ranges_pysec_2014_27() {
    // introduced 0, fixed 4.2.3, introduced 4.3a0, fixed 4.3b1
    check(
        Ecosystem::Pypi,
        "Plone",
        "PYSEC-2014-27",
        &["4.2.2", "4.3a0", "4.3a2"],
        &["4.2.3", "4.3b1", "4.3"],
    );
    // fixed 3.10.0a1: the pre-release itself is the fix.
    check(
        Ecosystem::Pypi,
        "ZODB3",
        "PYSEC-2010-27",
        &["3.9.7"],
        &["3.10.0a1", "3.10.0"],
    );
}

#[test]
fn semver_ranges_with_several_pairs_rustsec_2021_0003() {
    check(
        Ecosystem::Cargo,
        "smallvec",
        "RUSTSEC-2021-0003",
        &["0.6.3", "0.6.13", "1.0.0", "1.6.0"],
        &["0.6.2", "0.6.14", "0.7.0", "1.6.1"],
    );
}

#[test]
fn go_modules_with_v_prefix_and_pseudo_versions() {
    check(
        Ecosystem::Go,
        "github.com/gin-gonic/gin",
        "GO-2021-0052",
        &["v1.7.6", "v1.6.0", "v0.0.0-20200101000000-abcdefabcdef"],
        &["v1.7.7", "v1.9.0"],
    );
    // introduced at a pseudo-version of 1.3.1's pre-release line.
    check(
        Ecosystem::Go,
        "github.com/gin-gonic/gin",
        "GO-2023-1737",
        &["v1.4.0", "v1.9.0"],
        &["v1.3.0", "v1.9.1"],
    );
}

#[test]
fn several_affected_entries_for_one_package() {
    // GO-2023-1497: [0, 1.3.4) in one entry, [1.4.0, 1.4.2) in another.
    check(
        Ecosystem::Go,
        "github.com/sylabs/scs-library-client",
        "GO-2023-1497",
        &["v1.3.3", "v1.4.0", "v1.4.1"],
        &["v1.3.4", "v1.3.9", "v1.4.2"],
    );
    // GO-2023-2185 (stdlib): pairs out of order across two entries, and a pre-release
    // `introduced: 1.21.0-0` that admits the release candidates.
    check(
        Ecosystem::Go,
        "stdlib",
        "GO-2023-2185",
        &["v1.20.10", "v1.20.11", "v1.21.0-rc.2", "v1.21.4"],
        &["v1.20.12", "v1.21.5", "v1.22.0"],
    );
    let Some(db) = real_db() else { return };
    let r = audit_components(
        &[pinned(
            Ecosystem::Go,
            "github.com/sylabs/scs-library-client",
            "v1.3.3",
        )],
        db,
        &AuditOptions::default(),
    )
    .unwrap();
    let f = r.findings.iter().find(|f| f.id == "GO-2023-1497").unwrap();
    assert_eq!(f.fixed_versions, ["v1.3.4", "v1.4.2"]);
    assert_eq!(f.smallest_fix.as_deref(), Some("v1.3.4"));
}

#[test]
fn withdrawn_advisories_never_match() {
    let Some(db) = real_db() else { return };
    // GO-2022-0617 is withdrawn; nothing for k8s.io/kubernetes carries its id.
    for &b in db.lookup("Go", "k8s.io/kubernetes") {
        assert_ne!(db.load(b).unwrap().id, "GO-2022-0617");
    }
}

#[test]
fn limit_events_epochs_and_versions_lists() {
    // Synthetic (tests/fixtures/synthetic): the snapshots have none of these.
    check(
        Ecosystem::Npm,
        "limited",
        "TEST-LIMIT-1",
        &["1.0.0", "1.4.9"],
        &["0.9.0", "1.5.0", "2.0.0"],
    );
    check(
        Ecosystem::Pypi,
        "epoched",
        "TEST-EPOCH-1",
        &["1!1.0", "1!1.9"],
        &["5.0", "1!2.0"],
    );
    check(
        Ecosystem::Pypi,
        "listed",
        "TEST-LIST-1",
        &["1.0", "1.0.0", "2.1"],
        &["1.1", "2.0"],
    );
}

#[test]
fn aliases_merge_into_one_finding_with_the_highest_severity() {
    let Some(db) = real_db() else { return };
    let report = audit_components(
        &[pinned(Ecosystem::Pypi, "urllib3", "1.26.16")],
        db,
        &AuditOptions::default(),
    )
    .unwrap();
    // GHSA-v845-jxx5-vc9f (synthetic, from another database) is the same flaw.
    let merged: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.aliases.iter().any(|a| a == "CVE-2023-43804"))
        .collect();
    assert_eq!(merged.len(), 1, "{:#?}", report.findings);
    let f = merged[0];
    assert_eq!(f.id, "GHSA-v845-jxx5-vc9f");
    assert!(f.aliases.contains(&"PYSEC-2023-192".to_string()));
    // The GHSA copy carries a v4 vector scoring higher than PYSEC's v3 one.
    assert_eq!(f.severity_source, "cvss_v4");
    assert_eq!(f.smallest_fix.as_deref(), Some("1.26.17"));
    // Sorted most severe first.
    let sev: Vec<FindingSeverity> = report
        .findings
        .iter()
        .map(|f| f.effective_severity)
        .collect();
    assert!(sev.windows(2).all(|w| w[0] >= w[1]), "{sev:?}");
}

#[test]
fn smallest_fix_and_whether_the_constraint_allows_it() {
    let Some(db) = real_db() else { return };
    let mut lock = pinned(Ecosystem::Cargo, "smallvec", "1.5.0");
    lock.source = polyver_model::Format::CargoLock;
    let mut manifest = Component::new(
        Kind::Package,
        Ecosystem::Cargo,
        "smallvec",
        polyver_model::Format::CargoToml,
        Location::new("Cargo.toml", 9),
    );
    manifest.constraint = Some(Constraint::new("1.5"));
    let r = audit_components(
        &[lock.clone(), manifest.clone()],
        db,
        &AuditOptions::default(),
    )
    .unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "RUSTSEC-2021-0003")
        .unwrap();
    assert_eq!(f.status, Status::Affected);
    assert_eq!(f.fixed_versions, ["0.6.14", "1.6.1"]);
    assert_eq!(f.smallest_fix.as_deref(), Some("1.6.1"));
    assert_eq!(f.fix_satisfies_constraint, Some(true)); // ^1.5 admits 1.6.1
    manifest.constraint = Some(Constraint::new("~1.5"));
    let r = audit_components(&[lock, manifest], db, &AuditOptions::default()).unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "RUSTSEC-2021-0003")
        .unwrap();
    assert_eq!(f.fix_satisfies_constraint, Some(false));
}

/// urllib3's Cookie-header flaw, whichever of its ids is primary.
fn is_cookie_flaw(f: &polyver_advisory::matcher::VulnFinding) -> bool {
    f.id == "PYSEC-2023-192" || f.aliases.iter().any(|a| a == "PYSEC-2023-192")
}

#[test]
fn a_pin_elsewhere_in_the_repository_does_not_resolve_an_unpinned_range() {
    let Some(db) = real_db() else { return };
    let declared = |path: &str, constraint: &str| {
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Pypi,
            "urllib3",
            polyver_model::Format::Requirements,
            Location::new(path, 1),
        );
        c.constraint = Some(Constraint::new(constraint));
        c
    };
    let locked = |path: &str, version: &str| {
        let mut c = declared(path, version);
        c.constraint = None;
        c.with_version(version)
    };
    // services/a pins a vulnerable version; services/b only has a range and no lock: b must
    // be reported as not pinned, and a's fix check must not see b's constraint.
    let comps = [
        locked("services/a/requirements.txt", "1.26.5"),
        declared("services/b/requirements.txt", ">=1.26,<1.26.17"),
    ];
    let r = audit_components(&comps, db, &AuditOptions::default()).unwrap();
    let b = r
        .findings
        .iter()
        .find(|f| f.status == Status::NotPinned)
        .expect("services/b reported as not pinned");
    assert_eq!(b.locations[0].path, "services/b/requirements.txt");
    let a = r
        .findings
        .iter()
        .find(|f| is_cookie_flaw(f) && f.status == Status::Affected)
        .unwrap();
    assert!(a.constraints.is_empty(), "{:?}", a.constraints);
    assert_eq!(a.fix_satisfies_constraint, None);

    // A lock in the manifest's directory (or above it) resolves the range: no not-pinned
    // finding, and the manifest's constraint is the one the fix is checked against.
    let comps = [
        locked("services/b/poetry.lock", "1.26.5"),
        declared("services/b/pyproject.toml", ">=1.26,<1.26.17"),
    ];
    let r = audit_components(&comps, db, &AuditOptions::default()).unwrap();
    assert!(r.findings.iter().all(|f| f.status != Status::NotPinned));
    let f = r.findings.iter().find(|f| is_cookie_flaw(f)).unwrap();
    assert_eq!(f.constraints, [">=1.26,<1.26.17"]);
    assert_eq!(f.fix_satisfies_constraint, Some(false));
    let comps = [
        locked("poetry.lock", "1.26.5"),
        declared("services/b/pyproject.toml", ">=1.26"),
    ];
    let r = audit_components(&comps, db, &AuditOptions::default()).unwrap();
    assert!(r.findings.iter().all(|f| f.status != Status::NotPinned));

    // A lock pin counts only where the project pairs the lock with the manifest: poetry.lock
    // resolves pyproject.toml, not a requirements file beside it (pip never reads it).
    let poetry = |path: &str| {
        let mut c = locked(path, "1.26.5");
        c.source = polyver_model::Format::PoetryLock;
        c
    };
    let comps = [
        poetry("services/c/poetry.lock"),
        declared("services/c/requirements.txt", ">=1.26,<1.26.17"),
    ];
    let r = audit_components(&comps, db, &AuditOptions::default()).unwrap();
    assert!(r.findings.iter().any(|f| f.status == Status::NotPinned));
    let mut pyproject = declared("services/c/pyproject.toml", ">=1.26,<1.26.17");
    pyproject.source = polyver_model::Format::Pyproject;
    let r = audit_components(
        &[poetry("services/c/poetry.lock"), pyproject],
        db,
        &AuditOptions::default(),
    )
    .unwrap();
    assert!(r.findings.iter().all(|f| f.status != Status::NotPinned));
}

#[test]
fn unpinned_constraints_report_the_advisories_their_range_admits() {
    let Some(db) = real_db() else { return };
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "urllib3",
        polyver_model::Format::Requirements,
        Location::new("requirements.txt", 1),
    );
    c.constraint = Some(Constraint::new(">=2.0,<2.0.6"));
    let r = audit_components(&[c.clone()], db, &AuditOptions::default()).unwrap();
    assert_eq!(r.findings.len(), 1);
    let f = &r.findings[0];
    assert_eq!(f.status, Status::NotPinned);
    assert!(f.admitted.iter().any(|id| id == "GHSA-v845-jxx5-vc9f"));
    assert!(f
        .summary
        .starts_with("version not pinned: `>=2.0,<2.0.6` admits"));
    // A range above every fix admits none of them.
    c.constraint = Some(Constraint::new(">=2.2.2"));
    let r = audit_components(&[c.clone()], db, &AuditOptions::default()).unwrap();
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // No constraint at all admits everything.
    c.constraint = None;
    let r = audit_components(&[c], db, &AuditOptions::default()).unwrap();
    assert!(r.findings[0].admitted.len() > 5);
}

#[test]
fn ignores_hold_until_their_date_then_report_again() {
    let Some(db) = real_db() else { return };
    let comps = [pinned(Ecosystem::Cargo, "smallvec", "1.5.0")];
    let mut options = AuditOptions {
        ignores: vec![Ignore {
            id: "CVE-2021-25900".into(),
            reason: "not reachable".into(),
            until: Some("2030-01-01".into()),
        }],
        today: "2026-11-25".into(),
    };
    let r = audit_components(&comps, db, &options).unwrap();
    assert!(r.findings.iter().all(|f| f.id != "RUSTSEC-2021-0003"));
    assert_eq!(r.ignored.len(), 1);
    options.today = "2030-01-02".into();
    let r = audit_components(&comps, db, &options).unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "RUSTSEC-2021-0003")
        .unwrap();
    assert!(f.ignore.as_ref().unwrap().expired);
}

#[test]
fn an_ignore_removes_one_advisory_from_a_not_pinned_finding() {
    let Some(db) = real_db() else { return };
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "urllib3",
        polyver_model::Format::Requirements,
        Location::new("requirements.txt", 1),
    );
    c.constraint = Some(Constraint::new(">=2.0,<2.0.6"));
    let before = audit_components(&[c.clone()], db, &AuditOptions::default()).unwrap();
    let n = before.findings[0].admitted.len();
    let options = AuditOptions {
        ignores: vec![Ignore {
            id: "CVE-2023-43804".into(),
            reason: "r".into(),
            until: None,
        }],
        today: "2026-01-01".into(),
    };
    let after = audit_components(&[c], db, &options).unwrap();
    if n == 1 {
        assert!(after.findings.is_empty());
        assert_eq!(after.ignored.len(), 1);
    } else {
        let f = &after.findings[0];
        assert_eq!(f.admitted.len(), n - 1);
        assert!(!f.admitted.iter().any(|id| id == "GHSA-v845-jxx5-vc9f"));
        assert!(f.summary.contains("(1 more ignored)"), "{}", f.summary);
    }
}

#[test]
fn status_counts_and_git_ranges() {
    let Some(db) = real_db() else { return };
    let pypi = &db.ecosystems()["PyPI"];
    assert!(pypi.advisories > 2500, "{pypi:?}");
    assert!(db.ecosystems()["Go"].advisories > 4000);
    let r = audit_components(
        &[pinned(Ecosystem::Pypi, "urllib3", "1.26.16")],
        db,
        &AuditOptions::default(),
    )
    .unwrap();
    assert!(r.stats.git_ranges_skipped > 0);
}

#[test]
fn corrupt_advisories_are_skipped_with_a_warning_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("GOOD-1.json"), br#"{"id":"GOOD-1","affected":[{"package":{"ecosystem":"npm","name":"a"},"versions":["1.0.0"]}]}"#).unwrap();
    std::fs::write(dir.path().join("BAD-1.json"), b"{\"id\": ").unwrap();
    let imported: Imported = import::import_path(dir.path(), &ImportLimits::default()).unwrap();
    assert_eq!(imported.advisories.len(), 1);
    assert_eq!(imported.warnings.len(), 1);
    assert!(imported.warnings[0].source.ends_with("BAD-1.json"));
    assert!(imported.warnings[0].to_string().contains("skipped"));
}
