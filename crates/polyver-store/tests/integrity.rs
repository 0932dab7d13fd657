//! A SQLite registry that is damaged is refused on open, at once and with a reason; a full
//! disk is reported as such; several first opens of a new file at the same time all succeed.

use polyver_model::{Component, Ecosystem, Inventory, Kind, Location};
use polyver_store::{sqlite_url, ScanMeta, Store, StoreError};
use sqlx::{Connection, Executor, SqliteConnection};
use std::path::Path;
use std::time::{Duration, Instant};

fn inventory(n: usize) -> Inventory {
    let components = (0..n)
        .map(|i| {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Npm,
                format!("package-{i}"),
                polyver_model::Format::Requirements,
                Location::new(
                    format!("services/s{}/package-lock.json", i % 20),
                    i as u32 + 1,
                ),
            );
            c.version = Some(format!("1.{}.{}", i % 30, i % 7));
            c.refresh_purl();
            c
        })
        .collect();
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

fn meta(repo: &str) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: None,
        branch: None,
        root: None,
        started_at: 1,
        finished_at: 2,
        tool_version: "0.1.0".into(),
    }
}

/// A registry file holding one scan of `n` components, with the WAL folded back into the
/// file (so damaging the file damages the data). Returns its page size.
fn registry_file(path: &Path, n: usize) -> usize {
    let url = sqlite_url(path);
    let store = Store::open(&url).unwrap();
    store.record(&meta("app"), &inventory(n), &[]).unwrap();
    drop(store);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        conn.execute("PRAGMA journal_mode = DELETE").await.unwrap();
        let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        page_size as usize
    })
}

fn damaged_reason(result: Result<Store, StoreError>) -> String {
    match result {
        Err(e @ StoreError::Damaged { .. }) => {
            assert!(e.is_damaged());
            e.to_string()
        }
        Err(other) => panic!("expected a damaged registry, got {other}"),
        Ok(_) => panic!("a damaged registry opened"),
    }
}

/// Found by the fault campaign: a damaged header made every command wait 10 s for the
/// connection pool's acquire timeout, then blamed the directory's permissions.
#[test]
fn a_damaged_header_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polyver.db");
    registry_file(&path, 10);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"garbage garbage!");
    std::fs::write(&path, &bytes).unwrap();
    let started = Instant::now();
    let reason = damaged_reason(Store::open(&sqlite_url(&path)));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(reason.contains("header"), "{reason}");
    assert!(reason.contains("polyver.db"), "{reason}");

    // A file that is not a database at all (too short to hold a header).
    std::fs::write(&path, b"hello").unwrap();
    damaged_reason(Store::open(&sqlite_url(&path)));
}

/// Found by the fault campaign: a registry damaged in the middle still took new scans.
#[test]
fn a_page_damaged_in_the_middle_is_found_by_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polyver.db");
    let page = registry_file(&path, 3000);
    let mut bytes = std::fs::read(&path).unwrap();
    let pages = bytes.len() / page;
    assert!(pages > 20, "{pages} pages");
    let middle = pages / 2 * page;
    bytes[middle..middle + page].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();
    let store = Store::open(&sqlite_url(&path)).expect("opening checks only the header");
    let err = store.check_integrity().unwrap_err();
    assert!(err.is_damaged(), "{err}");
    assert!(err.to_string().contains("integrity check failed"), "{err}");
}

#[test]
fn a_truncated_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polyver.db");
    let page = registry_file(&path, 3000);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2 / page * page]).unwrap();
    let reason = damaged_reason(Store::open(&sqlite_url(&path)));
    assert!(reason.contains("truncated"), "{reason}");
}

#[test]
fn an_intact_registry_and_a_new_empty_file_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polyver.db");
    registry_file(&path, 100);
    let store = Store::open(&sqlite_url(&path)).unwrap();
    store.check_integrity().unwrap();
    assert_eq!(store.history("app", 10).unwrap().len(), 1);
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    Store::open(&sqlite_url(&empty)).unwrap();
}

/// SQLITE_FULL, made here with a page limit: the error says the disk is full, and the
/// registry keeps what it had.
#[test]
fn a_full_disk_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polyver.db");
    let store = Store::open(&sqlite_url(&path)).unwrap();
    store.record(&meta("app"), &inventory(10), &[]).unwrap();
    let pool = store.inner().pool().clone();
    store.block_on(async {
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&pool)
            .await
            .unwrap();
        sqlx::query(&format!("PRAGMA max_page_count = {}", pages + 2))
            .execute(&pool)
            .await
            .unwrap();
    });
    let err = store
        .record(&meta("app"), &inventory(5000), &[])
        .unwrap_err();
    assert!(err.is_disk_full(), "{err}");
    assert!(!err.is_damaged(), "{err}");
    assert_eq!(store.history("app", 10).unwrap().len(), 1);
}

/// Found by the fault campaign: of 5 first scans at once on a new file, 1-2 failed with
/// "table repositories already exists" (each saw an empty schema and created it).
#[test]
fn concurrent_first_opens_of_a_new_file_all_succeed() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(&dir.path().join(format!("new-{round}.db")));
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(5));
        let writers: Vec<_> = (0..5)
            .map(|i| {
                let (url, barrier) = (url.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let store = Store::open(&url)?;
                    store.record(&meta(&format!("repo-{i}")), &inventory(50), &[])
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap().unwrap();
        }
        let store = Store::open(&url).unwrap();
        assert_eq!(store.repositories().unwrap().len(), 5);
    }
}
