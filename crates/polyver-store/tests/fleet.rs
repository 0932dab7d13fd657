//! `AsyncStore::fleet`: every repository's latest scan in counts, on SQLite and PostgreSQL.

mod common;

use polyver_model::{
    Component, Ecosystem, Finding, FindingKind, FindingSeverity, Inventory, Kind, Location,
};
use polyver_store::{ScanMeta, Store};
use std::collections::BTreeMap;

fn component(kind: Kind, eco: Ecosystem, name: &str, version: &str) -> Component {
    let mut c = Component::new(
        kind,
        eco,
        name,
        polyver_model::Format::Requirements,
        Location::new("requirements.txt", 1),
    );
    c.version = Some(version.into());
    c
}

fn inventory(components: Vec<Component>) -> Inventory {
    common::inventory_of("/src", components)
}

fn meta(repo: &str, t: i64) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: None,
        branch: None,
        root: None,
        started_at: t - 10,
        finished_at: t,
        tool_version: "0.1.0".into(),
    }
}

fn finding(kind: FindingKind, rule: &str, severity: FindingSeverity, name: &str) -> Finding {
    Finding {
        kind,
        rule: rule.into(),
        severity_unknown: false,
        severity,
        title: format!("{rule}: {name}"),
        ecosystem: Some(if name == "python" {
            Ecosystem::Docker
        } else {
            Ecosystem::Pypi
        }),
        name: Some(name.into()),
        version: None,
        aliases: vec![],
        locations: vec![
            Location::new("Dockerfile", 1),
            Location::new("api/Dockerfile", 1),
        ],
    }
}

fn counts(list: &[(&str, &str, u64)]) -> BTreeMap<(String, String), u64> {
    list.iter()
        .map(|(a, b, n)| ((a.to_string(), b.to_string()), *n))
        .collect()
}

fn only_the_latest_scan_of_each_repository_is_counted(store: &Store) {
    use FindingKind::*;
    use FindingSeverity::*;
    // An older scan of `web` with other components and findings: never counted.
    store
        .record(
            &meta("web", 1_000),
            &inventory(vec![component(Kind::Package, Ecosystem::Npm, "old", "1")]),
            &[finding(Vulnerability, "GHSA-old", Critical, "old")],
        )
        .unwrap();
    let latest = inventory(vec![
        component(Kind::Package, Ecosystem::Pypi, "requests", "2.31.0"),
        component(Kind::Package, Ecosystem::Pypi, "django", "4.2.0"),
        component(Kind::Image, Ecosystem::Docker, "python", "3.8"),
    ]);
    let findings = [
        finding(Vulnerability, "GHSA-1", Critical, "django"),
        finding(Vulnerability, "GHSA-2", Critical, "django"),
        finding(Vulnerability, "GHSA-3", High, "requests"),
        finding(Drift, "drift/not-approved", Medium, "python"),
        finding(Policy, "policy/sla-breach", High, "django"),
        finding(Floating, "floating/unbounded-range", Low, "nothing-stored"),
    ];
    store
        .record(&meta("web", 2_000), &latest, &findings)
        .unwrap();
    let hostile = "evil\"repo\\\nname";
    store
        .record(
            &meta(hostile, 3_000),
            &inventory(vec![component(
                Kind::Package,
                Ecosystem::Cargo,
                "serde",
                "1",
            )]),
            &[],
        )
        .unwrap();

    let fleet = store
        .block_on(store.inner().fleet(&[Drift, Policy]))
        .unwrap();
    let names: Vec<&str> = fleet
        .repositories
        .iter()
        .map(|r| r.repository.as_str())
        .collect();
    assert_eq!(names, [hostile, "web"]);
    let web = &fleet.repositories[1];
    assert_eq!(web.finished_at, 2_000);
    assert_eq!(web.components, 3);
    assert_eq!(
        web.component_counts,
        counts(&[("docker", "image", 1), ("pypi", "package", 2)])
    );
    assert_eq!(
        web.finding_counts,
        counts(&[
            ("drift", "medium", 1),
            ("floating", "low", 1),
            ("policy", "high", 1),
            ("vulnerability", "critical", 2),
            ("vulnerability", "high", 1),
        ])
    );
    let vulns = web.findings_by_severity(Vulnerability);
    assert_eq!(vulns, BTreeMap::from([("critical", 2), ("high", 1)]));
    let detailed: Vec<(&str, &[String])> = web
        .findings
        .iter()
        .map(|f| (f.finding.rule.as_str(), f.component_kinds.as_slice()))
        .collect();
    assert_eq!(
        detailed,
        [
            ("drift/not-approved", &["image".to_string()][..]),
            ("policy/sla-breach", &["package".to_string()][..]),
        ]
    );
    assert_eq!(web.findings[0].finding, findings[3]);
    let other = &fleet.repositories[0];
    assert_eq!(other.components, 1);
    assert!(other.finding_counts.is_empty() && other.findings.is_empty());

    // Nothing detailed asked: counts only.
    let fleet = store.block_on(store.inner().fleet(&[])).unwrap();
    assert!(fleet.repositories.iter().all(|r| r.findings.is_empty()));
    assert_eq!(fleet.repositories[1].finding_counts.len(), 5);
}

fn an_empty_registry_is_an_empty_fleet(store: &Store) {
    let fleet = store
        .block_on(store.inner().fleet(&[FindingKind::Drift]))
        .unwrap();
    assert!(fleet.repositories.is_empty());
}

backends!(
    only_the_latest_scan_of_each_repository_is_counted,
    an_empty_registry_is_an_empty_fleet
);
