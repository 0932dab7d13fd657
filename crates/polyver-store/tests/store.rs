//! The registry's contract, run unchanged against SQLite and PostgreSQL.

mod common;

use polyver_model::{
    Component, Constraint, DependencyEdge, Ecosystem, Finding, FindingKind, FindingSeverity,
    Inventory, Kind, Location, Scope,
};
use polyver_store::{ChangeKind, ScanMeta, ScanRef, Store, StoreError};

fn component(
    eco: Ecosystem,
    name: &str,
    version: Option<&str>,
    path: &str,
    line: u32,
) -> Component {
    let mut c = Component::new(
        Kind::Package,
        eco,
        name,
        polyver_model::Format::Requirements,
        Location::new(path, line),
    );
    c.version = version.map(str::to_string);
    c
}

fn inventory(components: Vec<Component>) -> Inventory {
    Inventory {
        schema: "polyver.scan/v1".into(),
        root: "/src/app".into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: Vec::new(),
        declared_licenses: Vec::new(),
        license_files: Vec::new(),
    }
}

fn meta(repo: &str, commit: &str, t: i64) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: Some(commit.into()),
        branch: Some("main".into()),
        root: None,
        started_at: t,
        finished_at: t + 5,
        tool_version: "0.1.0".into(),
    }
}

fn finding(sev: FindingSeverity, rule: &str) -> Finding {
    Finding {
        kind: FindingKind::Vulnerability,
        rule: rule.into(),
        severity_unknown: false,
        severity: sev,
        title: format!("{rule} in requests"),
        ecosystem: Some(Ecosystem::Pypi),
        name: Some("requests".into()),
        version: Some("2.0.0".into()),
        aliases: vec!["CVE-2023-32681".into()],
        locations: vec![Location::new("requirements.txt", 1).with_column(1)],
    }
}

const C1: &str = "1111111111111111111111111111111111111111";
const C2: &str = "2222222222222222222222222222222222222222";
const C3: &str = "2222aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn scan_round_trips_every_field(store: &Store) {
    let mut rich = component(
        Ecosystem::Npm,
        "@scope/pkg",
        Some("1.2.3"),
        "package-lock.json",
        7,
    );
    rich.constraint = Some(Constraint {
        raw: "^1.2.0".into(),
        valid: Some(true),
    });
    rich.scope = Scope::Dev;
    rich.direct = false;
    rich.integrity = Some("sha512-abc".into());
    rich.extras = vec!["x".into()];
    rich.locations
        .push(Location::new("package.json", 12).with_column(5));
    rich.dependencies = vec![
        DependencyEdge {
            name: "left-pad".into(),
            version: Some("1.3.0".into()),
        },
        DependencyEdge {
            name: "ms".into(),
            version: None,
        },
    ];
    rich.refresh_purl();
    let inv = inventory(vec![
        component(
            Ecosystem::Pypi,
            "requests",
            Some("2.0.0"),
            "requirements.txt",
            1,
        ),
        rich.clone(),
        component(Ecosystem::Docker, "python", None, "Dockerfile", 1),
    ]);
    let findings = vec![
        finding(FindingSeverity::High, "GHSA-j8r2-6x86-q33q"),
        finding(FindingSeverity::Critical, "PYSEC-1"),
        finding(FindingSeverity::High, "PYSEC-2"),
    ];
    let id = store
        .record(&meta("org/app", C1, 1_700_000_000_000), &inv, &findings)
        .unwrap();

    assert_eq!(store.components(id).unwrap(), inv.components);
    assert_eq!(store.findings(id).unwrap(), findings);
    let h = store.history("org/app", 10).unwrap();
    assert_eq!(h.len(), 1);
    let s = &h[0];
    assert_eq!((s.id, s.repository.as_str()), (id, "org/app"));
    assert_eq!(s.commit.as_deref(), Some(C1));
    assert_eq!(s.branch.as_deref(), Some("main"));
    assert_eq!(
        (s.started_at, s.finished_at),
        (1_700_000_000_000, 1_700_000_000_005)
    );
    assert_eq!((s.components, s.direct_components), (3, 2));
    assert_eq!(
        (s.findings.critical, s.findings.high, s.findings.total()),
        (1, 2, 3)
    );
    assert_eq!(s.root, "/src/app");

    // The rows below a scan are real rows, not only JSON: the edges and locations are there.
    let (locations, edges): (i64, i64) = store.block_on(async {
        use sqlx::Row;
        let pool = store.inner().pool();
        let l = sqlx::query("SELECT COUNT(*) FROM locations WHERE scan_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
        let e = sqlx::query("SELECT COUNT(*) FROM dependencies WHERE scan_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0);
        (l, e)
    });
    assert_eq!((locations, edges), (4, 2));
}

fn history_is_per_repository_newest_first_and_limited(store: &Store) {
    for (i, commit) in [C1, C2, C3].iter().enumerate() {
        let inv = inventory(vec![
            component(Ecosystem::Pypi, "a", Some("1.0"), "r.txt", 1);
            i + 1
        ]);
        store
            .record(&meta("one", commit, i as i64 * 1000), &inv, &[])
            .unwrap();
    }
    store
        .record(&meta("two", C1, 5), &inventory(vec![]), &[])
        .unwrap();
    let h = store.history("one", 2).unwrap();
    assert_eq!(h.iter().map(|s| s.components).collect::<Vec<_>>(), [3, 2]);
    assert!(h[0].id > h[1].id);
    assert_eq!(store.history("two", 10).unwrap().len(), 1);
    assert!(store.history("nobody", 10).unwrap().is_empty());
    let repos = store.repositories().unwrap();
    assert_eq!(
        repos
            .iter()
            .map(|r| (r.name.as_str(), r.scans))
            .collect::<Vec<_>>(),
        [("one", 3), ("two", 1)]
    );
}

fn scan_references_resolve(store: &Store) {
    let mut ids = vec![];
    for commit in [C1, C2, C3] {
        ids.push(
            store
                .record(&meta("r", commit, 0), &inventory(vec![]), &[])
                .unwrap(),
        );
    }
    let id = |s: &str| {
        store
            .resolve("r", &s.parse::<ScanRef>().unwrap())
            .map(|s| s.id)
    };
    assert_eq!(id("latest").unwrap(), ids[2]);
    assert_eq!(id("-0").unwrap(), ids[2]);
    assert_eq!(id("-1").unwrap(), ids[1]);
    assert_eq!(id("-2").unwrap(), ids[0]);
    assert_eq!(id(&ids[1].to_string()).unwrap(), ids[1]);
    assert!(
        id("1111").is_err(),
        "all digits is a scan id, not a commit prefix"
    );
    assert_eq!(id("commit:1111").unwrap(), ids[0]);
    assert_eq!(id("2222A").unwrap(), ids[2]);
    assert_eq!(id("22222").unwrap_or(-1), -1, "22222 is read as a scan id");
    assert_eq!(id("commit:22222").unwrap(), ids[1]);
    let ambiguous = id("commit:2222").unwrap_err().to_string();
    assert!(ambiguous.contains("several"), "{ambiguous}");
    assert!(matches!(id("-3"), Err(StoreError::NotFound(_))));
    assert!(matches!(id("abcdef"), Err(StoreError::NotFound(_))));
    assert!("zz".parse::<ScanRef>().is_err());
    assert!("-x".parse::<ScanRef>().is_err());
}

fn cross_repository_range_query_uses_only_latest_scans(store: &Store) {
    let log4j = |v: &str| {
        component(
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            Some(v),
            "pom.xml",
            3,
        )
    };
    // `old` was vulnerable and then fixed: its latest scan is what counts.
    store
        .record(&meta("old", C1, 0), &inventory(vec![log4j("2.14.0")]), &[])
        .unwrap();
    store
        .record(&meta("old", C2, 1), &inventory(vec![log4j("2.17.1")]), &[])
        .unwrap();
    store
        .record(&meta("vuln", C1, 0), &inventory(vec![log4j("2.16.0")]), &[])
        .unwrap();
    let mut unpinned = log4j("x");
    unpinned.version = None;
    unpinned.constraint = Some(Constraint::new("[2.0,)"));
    store
        .record(&meta("ranged", C1, 0), &inventory(vec![unpinned]), &[])
        .unwrap();
    store
        .record(
            &meta("other", C1, 0),
            &inventory(vec![component(
                Ecosystem::Pypi,
                "log4j-core",
                Some("1.0"),
                "r.txt",
                1,
            )]),
            &[],
        )
        .unwrap();

    let found = store
        .usages(
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            Some("[2.0,2.17.1)"),
        )
        .unwrap();
    let summary: Vec<(String, Option<bool>)> = found
        .iter()
        .map(|u| (u.repository.clone(), u.in_range))
        .collect();
    assert_eq!(
        summary,
        [
            ("old".to_string(), Some(false)),
            ("ranged".to_string(), None),
            ("vuln".to_string(), Some(true)),
        ]
    );
    assert_eq!(found[2].component.version.as_deref(), Some("2.16.0"));
    assert!(store
        .usages(Ecosystem::Npm, "nothing", None)
        .unwrap()
        .is_empty());
}

fn stored_scans_diff(store: &Store) {
    let a = store
        .record(
            &meta("d", C1, 0),
            &inventory(vec![
                component(Ecosystem::Pypi, "django", Some("4.2.9"), "r.txt", 1),
                component(Ecosystem::Pypi, "flask", Some("3.0.0"), "r.txt", 2),
            ]),
            &[],
        )
        .unwrap();
    let b = store
        .record(
            &meta("d", C2, 1),
            &inventory(vec![
                component(Ecosystem::Pypi, "django", Some("4.2.10"), "r.txt", 1),
                component(Ecosystem::Npm, "react", Some("18.0.0"), "package.json", 4),
            ]),
            &[],
        )
        .unwrap();
    let d = polyver_store::diff(&store.components(a).unwrap(), &store.components(b).unwrap());
    assert_eq!(d.count(ChangeKind::Upgraded), 1);
    assert_eq!(d.count(ChangeKind::Removed), 1);
    assert_eq!(d.count(ChangeKind::Added), 1);
    assert_eq!(d.count(ChangeKind::Downgraded), 0);
}

fn reopening_applies_no_migration_twice_and_keeps_data(store: &Store) {
    store
        .record(&meta("k", C1, 0), &inventory(vec![]), &[])
        .unwrap();
    let versions: Vec<i64> = store.block_on(async {
        use sqlx::Row;
        sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(store.inner().pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    });
    assert_eq!(versions, polyver_store::schema::versions());

    // A registry migrated by a newer polyver is refused with a reason, not misread.
    store.block_on(async {
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (999, 'future', TRUE, $1, 0)",
        )
        .bind(vec![0u8; 48])
        .execute(store.inner().pool())
        .await
        .unwrap();
    });
    let url = store.url().to_string();
    let err = Store::open(&url).unwrap_err();
    assert!(err.is_from_newer_polyver(), "{err}");
}

fn a_large_scan_is_written_in_chunks(store: &Store) {
    // More rows than one statement can carry (30,000 parameters / 13 columns).
    let components: Vec<Component> = (0..5_000)
        .map(|i| {
            component(
                Ecosystem::Npm,
                &format!("pkg-{i}"),
                Some("1.0.0"),
                "package-lock.json",
                i + 1,
            )
        })
        .collect();
    let id = store
        .record(&meta("big", C1, 0), &inventory(components.clone()), &[])
        .unwrap();
    assert_eq!(store.components(id).unwrap(), components);
}

fn a_failed_scan_write_leaves_nothing_behind(store: &Store) {
    let before = store
        .record(&meta("t", C1, 0), &inventory(vec![]), &[])
        .unwrap();
    // The write fails after the scan, component and location rows went in: a table it
    // needs last is missing.
    store.block_on(async {
        use sqlx::Executor;
        store
            .inner()
            .pool()
            .execute("ALTER TABLE findings RENAME TO findings_gone")
            .await
            .unwrap();
    });
    let err = store.record(
        &meta("t", C2, 1),
        &inventory(vec![component(Ecosystem::Pypi, "a", Some("1"), "r.txt", 1)]),
        &[finding(FindingSeverity::Low, "X")],
    );
    assert!(err.is_err());
    store.block_on(async {
        use sqlx::Executor;
        store
            .inner()
            .pool()
            .execute("ALTER TABLE findings_gone RENAME TO findings")
            .await
            .unwrap();
    });
    let h = store.history("t", 10).unwrap();
    assert_eq!(h.iter().map(|s| s.id).collect::<Vec<_>>(), [before]);
    let latest = store.resolve("t", &ScanRef::Back(0)).unwrap();
    assert_eq!(latest.id, before);
    let rows: i64 = store.block_on(async {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) FROM components")
            .fetch_one(store.inner().pool())
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(
        rows, 0,
        "the components of the failed scan were rolled back"
    );
}

fn concurrent_writers_all_land_and_latest_is_the_newest(store: &Store) {
    // Four processes' worth of writers (own connections) on one registry at once.
    let url = store.url().to_string();
    std::thread::scope(|s| {
        for w in 0..4 {
            let url = url.clone();
            s.spawn(move || {
                let mine = Store::open(&url).unwrap();
                for i in 0..5 {
                    let inv = inventory(vec![
                        component(
                            Ecosystem::Pypi,
                            "shared",
                            Some(&format!("1.{w}.{i}")),
                            "r.txt",
                            1
                        );
                        20
                    ]);
                    mine.record(&meta("busy", C1, i), &inv, &[]).unwrap();
                }
            });
        }
    });
    let h = store.history("busy", 100).unwrap();
    assert_eq!(h.len(), 20);
    let newest = h.iter().map(|s| s.id).max().unwrap();
    let latest = store.repositories().unwrap()[0].latest_scan_id;
    assert_eq!(latest, Some(newest));
    assert_eq!(
        store.usages(Ecosystem::Pypi, "shared", None).unwrap().len(),
        20
    );
}

backends!(
    concurrent_writers_all_land_and_latest_is_the_newest,
    scan_round_trips_every_field,
    history_is_per_repository_newest_first_and_limited,
    scan_references_resolve,
    cross_repository_range_query_uses_only_latest_scans,
    stored_scans_diff,
    reopening_applies_no_migration_twice_and_keeps_data,
    a_large_scan_is_written_in_chunks,
    a_failed_scan_write_leaves_nothing_behind,
);
