//! The client against a local server: cache hits make no request, stale entries are
//! revalidated (304 keeps the body), offline answers from the cache only, transient failures
//! are retried, downloads are atomic and conditional.

use polyver_net::testing::{Response, TestServer};
use polyver_net::{Client, Download, NetError, Options, Request, Validators};
use std::time::Duration;

fn client(cache: &std::path::Path, offline: bool) -> Client {
    Client::new(Options {
        offline,
        cache_dir: Some(cache.to_path_buf()),
        timeout: Duration::from_secs(2),
        retries: 2,
        backoff: Duration::from_millis(10),
        ..Options::default()
    })
    .unwrap()
}

const DAY: Duration = Duration::from_secs(86_400);

#[test]
fn a_fresh_cache_entry_is_served_without_a_request() {
    let server = TestServer::start();
    server.route("/pkg", Response::ok("{\"license\":\"MIT\"}"));
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), false);

    let first = c.get_cached(&server.url("/pkg"), DAY).unwrap();
    assert_eq!(first.body, b"{\"license\":\"MIT\"}");
    assert!(!first.from_cache);
    let second = c.get_cached(&server.url("/pkg"), DAY).unwrap();
    assert!(second.from_cache);
    assert_eq!(second.body, first.body);
    assert_eq!(
        server.hits("/pkg"),
        1,
        "the second lookup must not reach the server"
    );

    // A new client on the same cache directory (a second run) also needs no request.
    let again = client(cache.path(), false)
        .get_cached(&server.url("/pkg"), DAY)
        .unwrap();
    assert!(again.from_cache);
    assert_eq!(server.hits("/pkg"), 1);
}

#[test]
fn a_stale_entry_is_revalidated_with_its_etag() {
    let server = TestServer::start();
    server.route("/idx", Response::ok("v1").header("ETag", "\"abc\""));
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), false);
    c.get_cached(&server.url("/idx"), Duration::ZERO).unwrap();
    let second = c.get_cached(&server.url("/idx"), Duration::ZERO).unwrap();
    assert!(second.revalidated && !second.from_cache);
    assert_eq!(second.body, b"v1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("if-none-match"), None);
    assert_eq!(requests[1].header("if-none-match"), Some("\"abc\""));

    // The resource changes: the new body replaces the cached one.
    server.route("/idx", Response::ok("v2").header("ETag", "\"def\""));
    let third = c.get_cached(&server.url("/idx"), Duration::ZERO).unwrap();
    assert_eq!(third.body, b"v2");
    assert!(!third.revalidated);
}

#[test]
fn a_no_store_request_never_touches_the_cache() {
    let server = TestServer::start();
    server.queue("/token", [Response::ok("t1").header("ETag", "\"x\"")]);
    server.route("/token", Response::ok("t2").header("ETag", "\"x\""));
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), false);
    let request = Request::get(server.url("/token")).max_age(DAY).no_store();
    assert_eq!(c.fetch(&request).unwrap().body, b"t1");
    let second = c.fetch(&request).unwrap();
    assert_eq!(second.body, b"t2");
    assert!(!second.from_cache && !second.revalidated);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "no answer may come from the cache");
    assert_eq!(requests[1].header("if-none-match"), None);
    let stored = walk_files(cache.path());
    assert!(stored.is_empty(), "nothing may be written: {stored:?}");
    // Offline, with nothing to answer from, it fails without connecting.
    let offline = client(cache.path(), true);
    assert!(matches!(
        offline.fetch(&request),
        Err(NetError::Offline { .. })
    ));
    assert_eq!(server.requests().len(), 2);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn offline_answers_from_the_cache_whatever_its_age_and_never_connects() {
    let server = TestServer::start();
    server.route("/a", Response::ok("cached"));
    let cache = tempfile::tempdir().unwrap();
    client(cache.path(), false)
        .get_cached(&server.url("/a"), DAY)
        .unwrap();
    let offline = client(cache.path(), true);
    let got = offline
        .get_cached(&server.url("/a"), Duration::ZERO)
        .unwrap();
    assert!(got.from_cache);
    let err = offline
        .get_cached(&server.url("/never-fetched"), DAY)
        .unwrap_err();
    assert!(matches!(err, NetError::Offline { .. }), "{err}");
    assert!(err.to_string().contains("--offline"));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn transient_failures_are_retried_and_permanent_ones_are_not() {
    let server = TestServer::start();
    server.queue("/flaky", [Response::status(503), Response::status(500)]);
    server.route("/flaky", Response::ok("finally"));
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), false);
    assert_eq!(
        c.get_cached(&server.url("/flaky"), DAY).unwrap().body,
        b"finally"
    );
    assert_eq!(server.hits("/flaky"), 3);

    // A refusal is passed to the caller once, without retries, and never cached.
    server.route(
        "/forbidden",
        Response::status(403).header("x-ratelimit-remaining", "0"),
    );
    let forbidden = c.get_cached(&server.url("/forbidden"), DAY).unwrap();
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(server.hits("/forbidden"), 1);
    let again = c.get_cached(&server.url("/forbidden"), DAY).unwrap();
    assert!(!again.from_cache);
    assert_eq!(server.hits("/forbidden"), 2);

    // A missing package is an answer, and is cached like one.
    let missing = c.get_cached(&server.url("/missing"), DAY).unwrap();
    assert_eq!(missing.status, 404);
    assert!(!missing.is_success());
    assert!(
        c.get_cached(&server.url("/missing"), DAY)
            .unwrap()
            .from_cache
    );
    assert_eq!(server.hits("/missing"), 1);
}

#[test]
fn a_slow_server_times_out_with_the_attempt_count() {
    let server = TestServer::start();
    server.route(
        "/slow",
        Response::ok("late").delay(Duration::from_millis(1500)),
    );
    let cache = tempfile::tempdir().unwrap();
    let c = Client::new(Options {
        cache_dir: Some(cache.path().to_path_buf()),
        timeout: Duration::from_millis(200),
        retries: 1,
        backoff: Duration::from_millis(1),
        ..Options::default()
    })
    .unwrap();
    let err = c.get_cached(&server.url("/slow"), DAY).unwrap_err();
    assert!(
        matches!(err, NetError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let server = TestServer::start();
    server.route("/big", Response::ok(vec![b'x'; 4096]));
    let cache = tempfile::tempdir().unwrap();
    let c = Client::new(Options {
        cache_dir: Some(cache.path().to_path_buf()),
        max_body: 1024,
        ..Options::default()
    })
    .unwrap();
    let err = c.get_cached(&server.url("/big"), DAY).unwrap_err();
    assert!(
        matches!(err, NetError::TooLarge { limit: 1024, .. }),
        "{err}"
    );
}

#[test]
fn downloads_are_conditional_and_replace_the_file_only_when_complete() {
    let server = TestServer::start();
    let export = vec![7u8; 300_000];
    server.route(
        "/PyPI/all.zip",
        Response::ok(export.clone())
            .header("ETag", "\"e1\"")
            .header("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT"),
    );
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("sub").join("all.zip");
    let c = client(dir.path(), false);
    let seen = std::cell::Cell::new(0u64);
    let got = c
        .download(
            &server.url("/PyPI/all.zip"),
            &Validators::default(),
            &dest,
            &|done, total| {
                assert_eq!(total, Some(300_000));
                seen.set(done);
            },
        )
        .unwrap();
    let Download::Fetched { validators, bytes } = got else {
        panic!("expected a download")
    };
    assert_eq!(bytes, 300_000);
    assert_eq!(seen.get(), 300_000);
    assert_eq!(std::fs::read(&dest).unwrap(), export);
    assert_eq!(validators.etag.as_deref(), Some("\"e1\""));

    // Unchanged: 304, the file is untouched.
    let again = c
        .download(&server.url("/PyPI/all.zip"), &validators, &dest, &|_, _| {})
        .unwrap();
    assert_eq!(again, Download::NotModified);

    // A failing download leaves the previous file in place and no partial file behind.
    server.route("/PyPI/all.zip", Response::status(500));
    let err = c
        .download(
            &server.url("/PyPI/all.zip"),
            &Validators::default(),
            &dest,
            &|_, _| {},
        )
        .unwrap_err();
    assert!(matches!(err, NetError::Status { status: 500, .. }), "{err}");
    assert_eq!(std::fs::read(&dest).unwrap(), export);
    let leftovers: Vec<_> = std::fs::read_dir(dest.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    // 404 is an error for a download, never an empty file.
    let missing = dir.path().join("missing.zip");
    let err = c
        .download(
            &server.url("/nope.zip"),
            &Validators::default(),
            &missing,
            &|_, _| {},
        )
        .unwrap_err();
    assert!(matches!(err, NetError::Status { status: 404, .. }), "{err}");
    assert!(!missing.exists());
}

#[test]
fn offline_downloads_fail_before_connecting() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let err = client(dir.path(), true)
        .download(
            &server.url("/x"),
            &Validators::default(),
            &dir.path().join("x"),
            &|_, _| {},
        )
        .unwrap_err();
    assert!(matches!(err, NetError::Offline { .. }));
    assert!(server.requests().is_empty());
}
