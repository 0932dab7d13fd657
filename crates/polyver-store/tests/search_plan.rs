//! The search across repositories is answered from indexes: on a registry of a few hundred
//! repositories with history, after ANALYZE, each backend's planner reads the
//! (ecosystem, name, scan_id, ordinal) index of migration 4 and never scans the components
//! table. (A planner may rightly prefer a full scan of a tiny table, hence the data.)

mod common;

use polyver_model::{Component, Ecosystem, Inventory, Kind, Location};
use polyver_store::{ScanMeta, Store, UsageQuery};

const REPOSITORIES: usize = 300;
const SCANS: usize = 2;
const COMPONENTS: usize = 60;

fn seed(store: &Store) {
    for r in 0..REPOSITORIES {
        for scan in 0..SCANS {
            let components = (0..COMPONENTS)
                .map(|i| {
                    // Package i of 600: each package is used by a tenth of the repositories.
                    let mut c = Component::new(
                        Kind::Package,
                        Ecosystem::Pypi,
                        format!("package-{}", (r * COMPONENTS + i) % 600),
                        polyver_model::Format::Requirements,
                        Location::new("requirements.txt", i as u32 + 1),
                    );
                    c.version = Some(format!("1.{scan}.{i}"));
                    c.refresh_purl();
                    c
                })
                .collect();
            let inventory = Inventory {
                schema: "polyver.scan/v1".into(),
                root: "/src".into(),
                components,
                diagnostics: vec![],
                stats: Default::default(),
                links: vec![],
                declared_licenses: vec![],
                license_files: vec![],
            };
            let t = (r * SCANS + scan) as i64;
            let meta = ScanMeta {
                repository: format!("org/repo-{r:04}"),
                commit: None,
                branch: None,
                root: None,
                started_at: t,
                finished_at: t,
                tool_version: "0.1.0".into(),
            };
            store.record(&meta, &inventory, &[]).unwrap();
        }
    }
}

fn the_search_reads_the_package_index(store: &Store) {
    seed(store);
    store.block_on(async {
        sqlx::query("ANALYZE")
            .execute(store.inner().pool())
            .await
            .unwrap()
    });
    let query = UsageQuery {
        ecosystem: Ecosystem::Pypi,
        name: "package-7".into(),
        kind: None,
        range: None,
        include_unknown: false,
    };
    let plan = store
        .block_on(store.inner().explain_search(&query))
        .unwrap()
        .join("\n");
    eprintln!("{plan}");
    assert!(
        plan.contains("components_by_package_in_order"),
        "the search does not use the package index:\n{plan}"
    );
    let full_scan = match store.backend() {
        polyver_store::Backend::Postgres => "Seq Scan on components",
        polyver_store::Backend::Sqlite => "SCAN c",
    };
    assert!(
        !plan.lines().any(|l| l
            .trim_start()
            .trim_start_matches("-> ")
            .starts_with(full_scan)),
        "the search scans every component:\n{plan}"
    );
    let found = store
        .block_on(store.inner().search_latest(&query, None, 100))
        .unwrap();
    assert_eq!(found.items.len(), REPOSITORIES / 10);
    assert!(found.items.iter().all(|u| u
        .component
        .version
        .as_deref()
        .unwrap()
        .starts_with("1.1.")));
}

backends!(the_search_reads_the_package_index);
