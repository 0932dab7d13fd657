//! The compatibility matrix of a scan: written with the scan in its transaction
//! (`record_with_compatibility`) or its push (`ingest_with`), read back in order with every
//! field, absent for a scan stored without one; on SQLite and PostgreSQL.

mod common;

use polyver_model::{Component, Ecosystem, Kind, Location};
use polyver_store::{
    Attached, CompatEvidence, CompatResult, Ingested, ScanMeta, Store, StoredCompat,
};

fn meta(t: i64) -> ScanMeta {
    ScanMeta {
        repository: "acme/shop".into(),
        commit: Some(format!("{t:040}")),
        branch: None,
        root: None,
        started_at: t - 10,
        finished_at: t,
        tool_version: "0.1.0".into(),
    }
}

fn inventory() -> polyver_model::Inventory {
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "fastapi",
        polyver_model::Format::Requirements,
        Location::new("requirements.txt", 3),
    );
    c.version = Some("0.110.0".into());
    common::inventory_of("/src", vec![c])
}

/// A failing declared cell, a passing derived one, and a rule that applies nowhere.
fn matrix() -> Vec<StoredCompat> {
    let cell = |result, checked: &str, path: &str, line| StoredCompat {
        rule: "compat/rule".into(),
        declared: true,
        title: "fastapi within `>=0.111` with python >=3.12".into(),
        origin: "polyver.toml:7".into(),
        reason: Some("pydantic 2 only".into()),
        result,
        checked: Some(checked.into()),
        path: Some(path.into()),
        line: Some(line),
        relation: Some("outside".into()),
        evidence: vec![
            CompatEvidence {
                requirement: "0.110.0".into(),
                path: path.into(),
                line,
            },
            CompatEvidence {
                requirement: "python 3.12 (when python >=3.12)".into(),
                path: ".python-version".into(),
                line: 1,
            },
        ],
    };
    vec![
        cell(CompatResult::Fail, "fastapi 0.110.0", "requirements.txt", 3),
        StoredCompat {
            rule: "compat/requires-python".into(),
            declared: false,
            reason: None,
            relation: Some("within".into()),
            ..cell(CompatResult::Pass, "python 3.12", ".python-version", 1)
        },
        StoredCompat {
            rule: "compat/rule".into(),
            declared: true,
            title: "django within `>=4.2`".into(),
            origin: "polyver.toml:12".into(),
            reason: None,
            result: CompatResult::NotApplicable,
            checked: None,
            path: None,
            line: None,
            relation: None,
            evidence: vec![],
        },
    ]
}

fn the_matrix_is_stored_with_its_scan_and_read_back_in_order(store: &Store) {
    let without = store.record(&meta(1_000), &inventory(), &[]).unwrap();
    let with = store
        .record_with_compatibility(&meta(2_000), &inventory(), &[], &matrix())
        .unwrap();
    assert_eq!(store.compatibility(with).unwrap(), matrix());
    assert!(store.compatibility(without).unwrap().is_empty());
    assert!(store.compatibility(999_999).unwrap().is_empty());

    // Many cells take several INSERTs, still one scan.
    let many: Vec<StoredCompat> = (0..4_000)
        .map(|i| StoredCompat {
            line: Some(i + 1),
            ..matrix()[0].clone()
        })
        .collect();
    let big = store
        .record_with_compatibility(&meta(3_000), &inventory(), &[], &many)
        .unwrap();
    assert_eq!(store.compatibility(big).unwrap(), many);
}

fn a_pushed_scan_brings_its_matrix_in_its_transaction(store: &Store) {
    let id = "6a1d3c52-3c1d-4d8e-9a51-1f2e3d4c5b6a";
    let push = |compatibility: &[StoredCompat]| {
        store
            .block_on(store.inner().ingest_with(
                id,
                &meta(1_000),
                (&inventory(), &[]),
                Attached {
                    outdated: &[],
                    compatibility,
                },
                None,
            ))
            .unwrap()
    };
    let Ingested::Created { id: scan } = push(&matrix()) else {
        panic!("the first delivery stores");
    };
    assert_eq!(store.compatibility(scan).unwrap(), matrix());
    // A retry (even with another matrix) writes nothing.
    assert_eq!(push(&matrix()[..1]), Ingested::Existing { id: scan });
    assert_eq!(store.compatibility(scan).unwrap(), matrix());
}

backends!(
    the_matrix_is_stored_with_its_scan_and_read_back_in_order,
    a_pushed_scan_brings_its_matrix_in_its_transaction
);
