//! `polyver outdated`'s rows per scan (`record_outdated`, `outdated`), pushed with a scan
//! (`ingest_with`), their status (recorded, or implied for a push that has none), and the
//! update lag and currency standings `fleet` reads from the latest scans, on SQLite and
//! PostgreSQL.

mod common;

use polyver_model::{Component, Ecosystem, Inventory, Kind, Location};
use polyver_store::{
    Ingested, OutdatedStatus, ScanMeta, Standing, Store, StoreError, StoredOutdated,
};
use std::collections::BTreeMap;

fn inventory(names: &[&str]) -> Inventory {
    common::inventory_of(
        "/src",
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut c = Component::new(
                    Kind::Package,
                    Ecosystem::Pypi,
                    *name,
                    polyver_model::Format::Requirements,
                    Location::new("requirements.txt", i as u32 + 1),
                );
                c.version = Some("1.0.0".into());
                c
            })
            .collect(),
    )
}

fn meta(repo: &str, t: i64) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: Some(format!("{t:040}")),
        branch: None,
        root: None,
        started_at: t - 10,
        finished_at: t,
        tool_version: "0.1.0".into(),
    }
}

fn row(name: &str, line: u32, bump: Option<&str>, days: Option<u64>) -> StoredOutdated {
    StoredOutdated {
        ecosystem: "pypi".into(),
        name: name.into(),
        path: "requirements.txt".into(),
        line,
        current: Some("1.0.0".into()),
        latest: Some(if bump.is_some() { "2.0.0" } else { "1.0.0" }.into()),
        bump: bump.map(str::to_string),
        majors_behind: u64::from(bump == Some("major")),
        minors_behind: u64::from(bump == Some("minor")) * 3,
        patches_behind: 0,
        days_behind: days,
        yanked: name == "yanked",
        deprecated: name == "old",
        checked_at: 1_767_225_600,
        status: Some(if bump.is_some() {
            OutdatedStatus::Outdated
        } else {
            OutdatedStatus::UpToDate
        }),
    }
}

/// The status of each stored row of `scan`, in recorded order.
fn statuses(store: &Store, scan: i64) -> Vec<Option<OutdatedStatus>> {
    store
        .outdated(scan)
        .unwrap()
        .into_iter()
        .map(|r| r.status)
        .collect()
}

fn rows_are_replaced_per_scan_and_read_back_in_order(store: &Store) {
    let first = store
        .record(&meta("acme/shop", 1_000), &inventory(&["requests"]), &[])
        .unwrap();
    let second = store
        .record(
            &meta("acme/shop", 2_000),
            &inventory(&["requests", "old", "yanked"]),
            &[],
        )
        .unwrap();
    assert!(store.outdated(second).unwrap().is_empty(), "none recorded");

    let rows = vec![
        row("requests", 1, Some("major"), Some(400)),
        row("old", 2, None, None),
        row("yanked", 3, Some("minor"), Some(u64::from(u32::MAX) + 7)),
    ];
    store.record_outdated(second, &rows).unwrap();
    assert_eq!(store.outdated(second).unwrap(), rows);
    assert!(store.outdated(first).unwrap().is_empty(), "another scan's");

    // Recording again replaces the scan's rows as a whole.
    let again = vec![row("requests", 1, Some("patch"), Some(3))];
    store.record_outdated(second, &again).unwrap();
    assert_eq!(store.outdated(second).unwrap(), again);
    store.record_outdated(second, &[]).unwrap();
    assert!(store.outdated(second).unwrap().is_empty());

    // Many rows take several INSERTs (the parameter limit), still one transaction.
    let many: Vec<StoredOutdated> = (0..3_000)
        .map(|i| {
            row(
                &format!("pkg-{i}"),
                i + 1,
                Some("minor"),
                Some(u64::from(i)),
            )
        })
        .collect();
    store.record_outdated(first, &many).unwrap();
    assert_eq!(store.outdated(first).unwrap(), many);

    let error = store.record_outdated(999_999, &again).unwrap_err();
    assert!(matches!(error, StoreError::NotFound(_)), "{error}");
}

fn the_fleet_has_the_lag_of_each_latest_scan(store: &Store) {
    let old = store
        .record(&meta("acme/shop", 1_000), &inventory(&["requests"]), &[])
        .unwrap();
    store
        .record_outdated(old, &[row("requests", 1, Some("major"), Some(900))])
        .unwrap();
    let latest = store
        .record(
            &meta("acme/shop", 2_000),
            &inventory(&["requests", "flask", "httpx", "undated"]),
            &[],
        )
        .unwrap();
    store
        .record_outdated(
            latest,
            &[
                row("requests", 1, Some("minor"), Some(40)),
                // The same package in another file: the larger lag counts.
                StoredOutdated {
                    path: "requirements-dev.txt".into(),
                    ..row("requests", 1, Some("minor"), Some(75))
                },
                row("flask", 2, None, Some(0)),
                row("httpx", 3, Some("patch"), Some(0)),
                row("undated", 4, Some("major"), None),
            ],
        )
        .unwrap();
    // A repository whose latest scan has no rows has no lag, even if an older scan had.
    let billing_old = store
        .record(&meta("acme/billing", 1_500), &inventory(&["requests"]), &[])
        .unwrap();
    store
        .record_outdated(billing_old, &[row("requests", 1, Some("major"), Some(9))])
        .unwrap();
    store
        .record(&meta("acme/billing", 2_500), &inventory(&["requests"]), &[])
        .unwrap();

    let fleet = store.block_on(store.inner().fleet(&[])).unwrap();
    let lag: BTreeMap<&str, BTreeMap<(String, String), u64>> = fleet
        .repositories
        .iter()
        .map(|r| (r.repository.as_str(), r.update_lag_days.clone()))
        .collect();
    let key = |name: &str| ("pypi".to_string(), name.to_string());
    assert_eq!(
        lag["acme/shop"],
        BTreeMap::from([(key("requests"), 75), (key("httpx"), 0)])
    );
    assert!(lag["acme/billing"].is_empty());
}

fn a_pushed_scan_brings_its_rows_in_its_transaction(store: &Store) {
    let id = "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a";
    let rows = vec![row("requests", 1, Some("major"), Some(12))];
    let push = |rows: &[StoredOutdated]| {
        store
            .block_on(store.inner().ingest_with(
                id,
                &meta("acme/shop", 1_000),
                (&inventory(&["requests"]), &[]),
                polyver_store::Attached {
                    outdated: rows,
                    compatibility: &[],
                },
                None,
            ))
            .unwrap()
    };
    let Ingested::Created { id: scan } = push(&rows) else {
        panic!("first delivery stores");
    };
    assert_eq!(store.outdated(scan).unwrap(), rows);
    // A retry (even with other rows) writes nothing.
    assert_eq!(
        push(&[row("requests", 1, Some("patch"), Some(1))]),
        Ingested::Existing { id: scan }
    );
    assert_eq!(store.outdated(scan).unwrap(), rows);
}

fn a_status_is_kept_and_an_absent_one_is_implied(store: &Store) {
    let scan = store
        .record(
            &meta("acme/shop", 1_000),
            &inventory(&["a", "b", "c", "d"]),
            &[],
        )
        .unwrap();
    // `nginx:latest`: both versions known, yet undecided (not a version of the scheme).
    let undecided = StoredOutdated {
        current: Some("latest".into()),
        latest: Some("1.27.3".into()),
        status: Some(OutdatedStatus::Unknown),
        ..row("a", 1, None, None)
    };
    let implied = |r: StoredOutdated| StoredOutdated { status: None, ..r };
    let no_latest = StoredOutdated {
        latest: None,
        ..implied(row("d", 4, None, None))
    };
    store
        .record_outdated(
            scan,
            &[
                undecided.clone(),
                implied(row("b", 2, Some("minor"), Some(5))),
                implied(row("c", 3, None, None)),
                no_latest,
            ],
        )
        .unwrap();
    assert_eq!(
        statuses(store, scan),
        [
            Some(OutdatedStatus::Unknown),
            Some(OutdatedStatus::Outdated),
            Some(OutdatedStatus::UpToDate),
            Some(OutdatedStatus::Unknown),
        ]
    );
    // The fleet counts the latest scan's rows by standing.
    let fleet = store.block_on(store.inner().fleet(&[])).unwrap();
    let standing = |status, bump: Option<&str>, minors_behind| Standing {
        status,
        bump: bump.map(str::to_string),
        minors_behind,
    };
    assert_eq!(
        fleet.repositories[0].outdated_standings,
        BTreeMap::from([
            (standing(OutdatedStatus::UpToDate, None, 0), 1),
            (standing(OutdatedStatus::Outdated, Some("minor"), 3), 1),
            (standing(OutdatedStatus::Unknown, None, 0), 2),
        ])
    );
}

fn migration_6_gives_the_rows_before_it_their_implied_status(store: &Store) {
    let scan = store
        .record(&meta("acme/shop", 1_000), &inventory(&["a", "b", "c"]), &[])
        .unwrap();
    // Back to schema 5, with rows as a polyver of then wrote them (no status column).
    let old_rows = [
        ("a", Some("1.0"), Some("2.0"), Some("major")),
        ("b", Some("1.0"), Some("1.0"), None),
        ("c", None, Some("1.0"), None),
    ];
    store.block_on(async {
        let pool = store.inner().pool();
        for sql in [
            "DROP TABLE compatibility",
            "ALTER TABLE outdated DROP COLUMN status",
            "DELETE FROM _sqlx_migrations WHERE version = 6",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        for (i, (name, current, latest, bump)) in old_rows.into_iter().enumerate() {
            sqlx::query(
                "INSERT INTO outdated (scan_id, ordinal, ecosystem, name, path, line, \
                 current_version, latest_version, bump, majors_behind, minors_behind, \
                 patches_behind, yanked, deprecated, checked_at) \
                 VALUES ($1, $2, 'pypi', $3, 'requirements.txt', 1, $4, $5, $6, 0, 0, 0, 0, 0, 0)",
            )
            .bind(scan)
            .bind(i as i64)
            .bind(name)
            .bind(current.map(str::to_string))
            .bind(latest.map(str::to_string))
            .bind(bump.map(str::to_string))
            .execute(pool)
            .await
            .unwrap();
        }
    });
    let reopened = Store::open(store.url()).unwrap();
    assert_eq!(
        statuses(&reopened, scan),
        [
            Some(OutdatedStatus::Outdated),
            Some(OutdatedStatus::UpToDate),
            Some(OutdatedStatus::Unknown),
        ]
    );
    assert!(reopened.compatibility(scan).unwrap().is_empty());
}

backends!(
    migration_6_gives_the_rows_before_it_their_implied_status,
    a_status_is_kept_and_an_absent_one_is_implied,
    rows_are_replaced_per_scan_and_read_back_in_order,
    the_fleet_has_the_lag_of_each_latest_scan,
    a_pushed_scan_brings_its_rows_in_its_transaction
);
