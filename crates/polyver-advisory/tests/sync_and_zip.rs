//! `db sync` against a local HTTP server serving zips built here, and the zip defences.

use polyver_advisory::db::Database;
use polyver_advisory::import::{import_path, import_zip, ImportError};
use polyver_advisory::sync::{export_url, shrink_refusal, sync};
use polyver_advisory::ImportLimits;
use polyver_net::testing::{Response, TestServer};
use polyver_net::{Client, Options};
use std::io::{Cursor, Write};
use std::path::Path;
use std::time::Duration;
use zip::write::SimpleFileOptions;

fn advisory(id: &str, eco: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-05-01T00:00:00Z","summary":"{id} summary",
            "affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},
            "ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
    )
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn client(cache: &Path, offline: bool) -> Client {
    Client::new(Options {
        offline,
        timeout: Duration::from_secs(10),
        retries: 0,
        cache_dir: Some(cache.to_path_buf()),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn sync_downloads_imports_and_revalidates() {
    let server = TestServer::start();
    let v1 = zip_of(&[
        (
            "PYSEC-1.json",
            advisory("PYSEC-1", "PyPI", "Foo", "1.0").into_bytes(),
        ),
        (
            "PYSEC-2.json",
            advisory("PYSEC-2", "PyPI", "bar", "2.0").into_bytes(),
        ),
        ("BROKEN.json", b"{not json".to_vec()),
    ]);
    server.route("/PyPI/all.zip", Response::ok(v1).header("ETag", "\"v1\""));
    let dir = tempfile::tempdir().unwrap();
    let db_path = Database::file_in(&dir.path().join("osv"));
    let client = client(&dir.path().join("cache"), false);
    let ecos = vec!["PyPI".to_string()];
    let limits = ImportLimits::default();
    let out = sync(
        &client,
        &db_path,
        server.base_url(),
        &ecos,
        &limits,
        false,
        10,
        &|_, _, _| {},
    )
    .unwrap();
    assert_eq!(out[0].status, "updated");
    assert_eq!(out[0].advisories, 2);
    assert_eq!(out[0].skipped, 1);
    assert!(out[0].warnings[0].source.ends_with("!BROKEN.json"));
    let db = Database::open(&db_path).unwrap();
    assert_eq!(db.lookup("PyPI", "foo").len(), 1);
    assert_eq!(db.ecosystems()["PyPI"].etag.as_deref(), Some("\"v1\""));
    drop(db);

    // Unchanged: the server answers 304 to the stored ETag; nothing is re-imported.
    server.route("/PyPI/all.zip", Response::status(304));
    let out = sync(
        &client,
        &db_path,
        server.base_url(),
        &ecos,
        &limits,
        false,
        20,
        &|_, _, _| {},
    )
    .unwrap();
    assert_eq!(out[0].status, "not-modified");
    let requests = server.requests();
    assert_eq!(
        requests.last().unwrap().header("If-None-Match"),
        Some("\"v1\"")
    );
    assert_eq!(
        Database::open(&db_path).unwrap().ecosystems()["PyPI"].imported_at,
        20
    );

    // A new export replaces the ecosystem: PYSEC-2 is gone (deleted upstream).
    let v2 = zip_of(&[(
        "PYSEC-1.json",
        advisory("PYSEC-1", "PyPI", "foo", "1.1").into_bytes(),
    )]);
    server.route("/PyPI/all.zip", Response::ok(v2).header("ETag", "\"v2\""));
    sync(
        &client,
        &db_path,
        server.base_url(),
        &ecos,
        &limits,
        false,
        30,
        &|_, _, _| {},
    )
    .unwrap();
    let db = Database::open(&db_path).unwrap();
    assert!(db.lookup("PyPI", "bar").is_empty());
    assert_eq!(db.ecosystems()["PyPI"].advisories, 1);
    drop(db);

    // A failing sync (server error, then a zip bomb) leaves the previous database usable.
    server.route("/PyPI/all.zip", Response::status(500));
    assert!(sync(
        &client,
        &db_path,
        server.base_url(),
        &ecos,
        &limits,
        false,
        40,
        &|_, _, _| {}
    )
    .is_err());
    let bomb = zip_of(&[("X.json", vec![b' '; 8 << 20])]);
    server.route("/PyPI/all.zip", Response::ok(bomb).header("ETag", "\"v3\""));
    let err = sync(
        &client,
        &db_path,
        server.base_url(),
        &ecos,
        &limits,
        false,
        50,
        &|_, _, _| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("compression ratio"), "{err}");
    let db = Database::open(&db_path).unwrap();
    assert_eq!(db.lookup("PyPI", "foo").len(), 1);
    assert_eq!(db.ecosystems()["PyPI"].etag.as_deref(), Some("\"v2\""));
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(db_path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(leftovers, ["advisories.pvdb"]);
}

#[test]
fn offline_sync_fails_without_touching_the_network() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir.path().join("cache"), true);
    let err = sync(
        &client,
        &Database::file_in(dir.path()),
        server.base_url(),
        &["PyPI".to_string()],
        &ImportLimits::default(),
        false,
        1,
        &|_, _, _| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("--offline"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn export_urls_escape_ecosystem_names() {
    assert_eq!(
        export_url("https://x.test/", "GitHub Actions"),
        "https://x.test/GitHub%20Actions/all.zip"
    );
}

fn refused(bytes: Vec<u8>, limits: &ImportLimits) -> String {
    match import_zip(Cursor::new(bytes), Path::new("t.zip"), limits) {
        Err(ImportError::Refused { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn hostile_zips_are_refused() {
    let limits = ImportLimits::default();
    let ok = advisory("A-1", "npm", "a", "1.0.0").into_bytes();
    for name in ["../evil.json", "/etc/evil.json", "a/../../evil.json"] {
        let reason = refused(zip_of(&[(name, ok.clone())]), &limits);
        assert!(reason.contains("path traversal"), "{name}: {reason}");
    }
    let reason = refused(zip_of(&[("bomb.json", vec![b'0'; 4 << 20])]), &limits);
    assert!(reason.contains("compression ratio"), "{reason}");
    let small = ImportLimits {
        max_entry_size: 1000,
        ..ImportLimits::default()
    };
    let big = format!("{{\"id\":\"B\",\"summary\":\"{}\"}}", "x1y2".repeat(600));
    let reason = refused(zip_of(&[("big.json", big.into_bytes())]), &small);
    assert!(reason.contains("limit"), "{reason}");
    let few = ImportLimits {
        max_entries: 1,
        ..ImportLimits::default()
    };
    let reason = refused(
        zip_of(&[("a.json", ok.clone()), ("b.json", ok.clone())]),
        &few,
    );
    assert!(reason.contains("entries"), "{reason}");
    // Not a zip at all: an error, not a panic.
    assert!(import_zip(
        Cursor::new(b"PK\x03\x04junk".to_vec()),
        Path::new("t.zip"),
        &limits
    )
    .is_err());
}

#[test]
fn a_folder_and_a_zip_import_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let a = advisory("A-1", "npm", "a", "1.0.0");
    std::fs::create_dir_all(dir.path().join("npm")).unwrap();
    std::fs::write(dir.path().join("npm/A-1.json"), &a).unwrap();
    std::fs::write(
        dir.path().join("all.zip"),
        zip_of(&[("A-1.json", a.into_bytes())]),
    )
    .unwrap();
    let from_dir = import_path(&dir.path().join("npm"), &ImportLimits::default()).unwrap();
    let from_zip = import_path(&dir.path().join("all.zip"), &ImportLimits::default()).unwrap();
    assert_eq!(from_dir.advisories, from_zip.advisories);
    assert_eq!(from_dir.advisories.len(), 1);
}

/// Found by the fault campaign: a mirror whose all.zip held only corrupt entries left PyPI
/// with 0 advisories, exit 0. Such an export, or one that loses more than half of the
/// advisories, is now refused and the previous data kept; `allow_shrink` accepts it.
#[test]
fn an_export_that_empties_or_halves_an_ecosystem_is_refused() {
    let server = TestServer::start();
    let good: Vec<(String, Vec<u8>)> = (1..=4)
        .map(|i| {
            let id = format!("PYSEC-{i}");
            let body = advisory(&id, "PyPI", &format!("pkg{i}"), "1.0").into_bytes();
            (format!("{id}.json"), body)
        })
        .collect();
    let good: Vec<(&str, Vec<u8>)> = good.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    server.route(
        "/PyPI/all.zip",
        Response::ok(zip_of(&good)).header("ETag", "\"good\""),
    );
    let dir = tempfile::tempdir().unwrap();
    let db_path = Database::file_in(&dir.path().join("osv"));
    let client = client(&dir.path().join("cache"), false);
    let ecos = vec!["PyPI".to_string()];
    let limits = ImportLimits::default();
    let run = |allow_shrink: bool| {
        sync(
            &client,
            &db_path,
            server.base_url(),
            &ecos,
            &limits,
            allow_shrink,
            10,
            &|_, _, _| {},
        )
        .unwrap()
    };
    assert_eq!(run(false)[0].advisories, 4);
    let before = std::fs::read(&db_path).unwrap();

    // Every entry corrupt.
    let corrupt = zip_of(&[
        ("PYSEC-1.json", b"{\"id\": 1".to_vec()),
        ("PYSEC-2.json", b"not json".to_vec()),
    ]);
    server.route(
        "/PyPI/all.zip",
        Response::ok(corrupt).header("ETag", "\"broken\""),
    );
    let out = run(false);
    assert_eq!(out[0].status, "refused");
    assert_eq!(out[0].advisories, 4, "the previous count is reported");
    let reason = out[0].refused.as_deref().unwrap();
    assert!(reason.contains("all 2 entries"), "{reason}");
    assert_eq!(
        std::fs::read(&db_path).unwrap(),
        before,
        "database untouched"
    );

    // An empty export, then one with 1 of the 4 advisories.
    server.route(
        "/PyPI/all.zip",
        Response::ok(zip_of(&[])).header("ETag", "\"empty\""),
    );
    assert_eq!(run(false)[0].status, "refused");
    server.route(
        "/PyPI/all.zip",
        Response::ok(zip_of(&good[..1])).header("ETag", "\"one\""),
    );
    let out = run(false);
    assert_eq!(out[0].status, "refused");
    assert!(out[0]
        .refused
        .as_deref()
        .unwrap()
        .contains("more than half"));
    let db = Database::open(&db_path).unwrap();
    assert_eq!(db.ecosystems()["PyPI"].advisories, 4);
    assert_eq!(db.ecosystems()["PyPI"].etag.as_deref(), Some("\"good\""));
    drop(db);

    // Half is still accepted; and on purpose, anything is.
    server.route(
        "/PyPI/all.zip",
        Response::ok(zip_of(&good[..2])).header("ETag", "\"two\""),
    );
    assert_eq!(run(false)[0].status, "updated");
    server.route(
        "/PyPI/all.zip",
        Response::ok(zip_of(&[])).header("ETag", "\"empty\""),
    );
    let out = run(true);
    assert_eq!(out[0].status, "updated");
    assert_eq!(out[0].advisories, 0);
}

#[test]
fn shrink_refusal_thresholds() {
    assert_eq!(shrink_refusal(0, 0, 0), None, "a first, empty export");
    assert!(
        shrink_refusal(0, 0, 3).is_some(),
        "a first export of corrupt entries"
    );
    assert_eq!(shrink_refusal(10, 5, 0), None);
    assert!(shrink_refusal(10, 4, 0).is_some());
    assert_eq!(
        shrink_refusal(10, 12, 40),
        None,
        "some corrupt entries are only warnings"
    );
}
