//! The dashboard's reads: findings of one kind per severity for each scan of a repository
//! (`finding_counts_since`, the history charts) and the outdated share of each latest scan
//! (`outdated_shares`), on SQLite and PostgreSQL.

mod common;

use polyver_model::{
    Component, Ecosystem, Finding, FindingKind, FindingSeverity, Inventory, Kind, Location,
};
use polyver_store::{OutdatedShare, ScanMeta, SeverityCounts, Store, StoredOutdated};

fn inventory(n: usize) -> Inventory {
    common::inventory_of(
        "/src",
        (0..n)
            .map(|i| {
                Component::new(
                    Kind::Package,
                    Ecosystem::Pypi,
                    format!("p{i}"),
                    polyver_model::Format::Requirements,
                    Location::new("requirements.txt", i as u32 + 1),
                )
            })
            .collect(),
    )
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

fn finding(kind: FindingKind, severity: FindingSeverity) -> Finding {
    Finding {
        kind,
        rule: "r".into(),
        severity,
        severity_unknown: false,
        title: "t".into(),
        ecosystem: None,
        name: None,
        version: None,
        aliases: vec![],
        locations: vec![Location::new("requirements.txt", 1)],
    }
}

fn finding_counts_per_scan(store: &Store) {
    use FindingKind::{Conflict, Vulnerability};
    use FindingSeverity::{Critical, High, Low};
    let first = store
        .record(
            &meta("acme/shop", 1_000),
            &inventory(1),
            &[
                finding(Vulnerability, Critical),
                finding(Vulnerability, High),
                finding(Vulnerability, High),
                finding(Conflict, Critical),
            ],
        )
        .unwrap();
    let clean = store
        .record(&meta("acme/shop", 2_000), &inventory(1), &[])
        .unwrap();
    let third = store
        .record(
            &meta("acme/shop", 3_000),
            &inventory(1),
            &[finding(Vulnerability, Low)],
        )
        .unwrap();
    // Another repository's findings never count.
    store
        .record(
            &meta("acme/other", 4_000),
            &inventory(1),
            &[finding(Vulnerability, Critical)],
        )
        .unwrap();
    let inner = store.inner();
    let counts = store
        .block_on(inner.finding_counts_since("acme/shop", Vulnerability, first))
        .unwrap();
    let expected = [
        (
            first,
            SeverityCounts {
                critical: 1,
                high: 2,
                ..Default::default()
            },
        ),
        (
            third,
            SeverityCounts {
                low: 1,
                ..Default::default()
            },
        ),
    ];
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), expected);
    let since = store
        .block_on(inner.finding_counts_since("acme/shop", Vulnerability, clean))
        .unwrap();
    assert_eq!(since.keys().copied().collect::<Vec<_>>(), [third]);
    let conflicts = store
        .block_on(inner.finding_counts_since("acme/shop", Conflict, first))
        .unwrap();
    assert_eq!(conflicts[&first].critical, 1);
}

fn row(name: &str, bump: Option<&str>) -> StoredOutdated {
    StoredOutdated {
        ecosystem: "pypi".into(),
        name: name.into(),
        path: "requirements.txt".into(),
        line: 1,
        current: Some("1.0.0".into()),
        latest: Some("2.0.0".into()),
        bump: bump.map(str::to_string),
        majors_behind: u64::from(bump.is_some()),
        minors_behind: 0,
        patches_behind: 0,
        days_behind: None,
        yanked: false,
        deprecated: false,
        checked_at: 1_767_225_600,
        status: None,
    }
}

fn outdated_shares_of_latest_scans(store: &Store) {
    let old = store
        .record(&meta("acme/shop", 1_000), &inventory(3), &[])
        .unwrap();
    store
        .record_outdated(old, &[row("p0", Some("major"))])
        .unwrap();
    let shop = store
        .record(&meta("acme/shop", 2_000), &inventory(3), &[])
        .unwrap();
    store
        .record_outdated(
            shop,
            &[
                row("p0", Some("major")),
                row("p1", None),
                row("p2", Some("minor")),
            ],
        )
        .unwrap();
    // A latest scan without rows has no share.
    let bare = store
        .record(&meta("acme/bare", 3_000), &inventory(2), &[])
        .unwrap();
    let shares = store.block_on(store.inner().outdated_shares()).unwrap();
    assert_eq!(
        shares.into_iter().collect::<Vec<_>>(),
        [(
            shop,
            OutdatedShare {
                checked: 3,
                behind: 2
            }
        )]
    );
    assert!(bare > shop);
}

backends!(finding_counts_per_scan, outdated_shares_of_latest_scans);
