//! Registry figures, printed (run with `cargo bench -p polyver-store --bench registry`):
//! - ingest of one 10,000-component scan (with locations and dependency edges), SQLite file
//!   and PostgreSQL;
//! - "every repository whose latest scan uses log4j-core within [2.0,2.17.1)" over 1,000
//!   stored scans (200 repositories x 5 scans, 200 components each).
//!
//! PostgreSQL is POLYVER_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
//! in a schema of its own that is dropped at the end; skipped when unreachable.

use polyver_model::{Component, DependencyEdge, Ecosystem, Inventory, Kind, Location};
use polyver_store::{ScanMeta, Store};
use sqlx::{Connection, Executor, PgConnection};
use std::time::{Duration, Instant};

const LOG4J: &str = "org.apache.logging.log4j:log4j-core";

fn inventory(n: usize, salt: usize) -> Inventory {
    let ecosystems = [
        Ecosystem::Npm,
        Ecosystem::Pypi,
        Ecosystem::Maven,
        Ecosystem::Cargo,
    ];
    let components = (0..n)
        .map(|i| {
            let eco = ecosystems[i % ecosystems.len()];
            let mut c = Component::new(
                Kind::Package,
                eco,
                format!("package-{i}"),
                polyver_model::Format::Requirements,
                Location::new(format!("services/s{}/lock", i % 50), (i + 1) as u32),
            );
            c.version = Some(format!("1.{}.{}", (i + salt) % 30, i % 7));
            c.integrity = Some(format!("sha512-{i:064x}"));
            c.direct = i % 5 == 0;
            if i % 3 == 0 {
                c.locations.push(Location::new("package.json", 10));
            }
            c.dependencies = (1..=(i % 4))
                .map(|d| DependencyEdge {
                    name: format!("package-{}", (i + d) % n),
                    version: Some("1.0.0".into()),
                })
                .collect();
            c.refresh_purl();
            c
        })
        .collect();
    Inventory {
        schema: "polyver.scan/v1".into(),
        root: "/bench".into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: Vec::new(),
        declared_licenses: Vec::new(),
        license_files: Vec::new(),
    }
}

fn meta(repo: &str, i: usize) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: Some(format!("{i:040x}")),
        branch: Some("main".into()),
        root: None,
        started_at: i as i64,
        finished_at: i as i64 + 1,
        tool_version: "bench".into(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn run(label: &str, url: &str) {
    let store = Store::open(url).unwrap();

    // 1. One 10k-component scan, three times.
    let inv = inventory(10_000, 0);
    let rows: usize = inv.components.len()
        + inv
            .components
            .iter()
            .map(|c| c.locations.len() + c.dependencies.len())
            .sum::<usize>();
    let times: Vec<Duration> = (0..3)
        .map(|i| {
            let t = Instant::now();
            store.record(&meta("ingest", i), &inv, &[]).unwrap();
            t.elapsed()
        })
        .collect();
    println!(
        "{label}: ingest 10,000 components ({rows} rows) in one transaction: median {} (runs: {})",
        ms(median(times.clone())),
        times.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", ")
    );

    // 2. 200 repositories x 5 scans; log4j-core's version moves over the scans, so only the
    // latest scan of each repository may answer.
    let t = Instant::now();
    let mut expected = 0;
    for r in 0..200 {
        for s in 0..5 {
            let mut inv = inventory(199, r + s);
            let version = if s == 4 {
                if r % 4 == 0 {
                    expected += 1;
                    "2.16.0"
                } else {
                    "2.17.2"
                }
            } else {
                "2.14.1"
            };
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Maven,
                LOG4J,
                polyver_model::Format::Pom,
                Location::new("pom.xml", 40),
            );
            c.version = Some(version.into());
            inv.components.push(c);
            store
                .record(&meta(&format!("repo-{r:03}"), s), &inv, &[])
                .unwrap();
        }
    }
    println!(
        "{label}: stored 1,000 scans of 200 components (200 repositories) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut found = 0;
    let times: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let usages = store
                .usages(Ecosystem::Maven, LOG4J, Some("[2.0,2.17.1)"))
                .unwrap();
            found = usages.iter().filter(|u| u.in_range == Some(true)).count();
            t.elapsed()
        })
        .collect();
    assert_eq!(
        found, expected,
        "the query must find exactly the affected repositories"
    );
    println!(
        "{label}: repositories using {LOG4J} in [2.0,2.17.1) over 1,000 scans: {found} found, median {} (min {}, max {})",
        ms(median(times.clone())),
        ms(*times.iter().min().unwrap()),
        ms(*times.iter().max().unwrap())
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful either way.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("polyver-store-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    run("sqlite", &polyver_store::sqlite_url(&dir.join("bench.db")));
    let _ = std::fs::remove_dir_all(&dir);

    let base = std::env::var("POLYVER_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("polyver_bench_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let created = rt.block_on(async {
        let mut c = PgConnection::connect(&base).await.ok()?;
        c.execute(format!("CREATE SCHEMA {schema}").as_str())
            .await
            .ok()?;
        Some(())
    });
    if created.is_none() {
        println!("postgres: SKIPPED (no server at {base})");
        return;
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    run(
        "postgres",
        &format!("{base}{sep}options=-csearch_path%3D{schema}"),
    );
    rt.block_on(async {
        if let Ok(mut c) = PgConnection::connect(&base).await {
            let _ = c
                .execute(format!("DROP SCHEMA {schema} CASCADE").as_str())
                .await;
        }
    });
}
