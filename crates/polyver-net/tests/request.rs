//! Requests with headers: `Accept` is part of the cache key and `Authorization` is sent but
//! never stored; the headers registry clients read survive the cache; a 401 reaches the
//! caller uncached; the counters say what was requested; the per-host limit holds.

use polyver_net::testing::{Response, TestServer};
use polyver_net::{Client, Options, Request, Stats};
use std::time::{Duration, Instant};

fn client(cache: &std::path::Path, max_per_host: usize) -> Client {
    Client::new(Options {
        cache_dir: Some(cache.to_path_buf()),
        timeout: Duration::from_secs(5),
        retries: 0,
        backoff: Duration::from_millis(10),
        max_per_host,
        ..Options::default()
    })
    .unwrap()
}

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn accept_is_part_of_the_cache_key_and_authorization_is_sent() {
    let server = TestServer::start();
    server.route(
        "/simple/flask/",
        Response::ok("{}")
            .header("Content-Type", "application/vnd.pypi.simple.v1+json")
            .header("ETag", "\"v1\""),
    );
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), 4);
    let url = server.url("/simple/flask/");
    let json = Request::get(&url)
        .accept("application/vnd.pypi.simple.v1+json")
        .authorization(Some("Bearer s3cret".into()))
        .max_age(HOUR);
    let first = c.fetch(&json).unwrap();
    assert_eq!(
        first.header("content-type"),
        Some("application/vnd.pypi.simple.v1+json")
    );
    let sent = &server.requests()[0];
    assert_eq!(
        sent.header("accept"),
        Some("application/vnd.pypi.simple.v1+json")
    );
    assert_eq!(sent.header("authorization"), Some("Bearer s3cret"));

    // Same URL and Accept: from the cache, with its headers.
    let again = c.fetch(&json).unwrap();
    assert!(again.from_cache);
    assert_eq!(again.header("content-type"), first.header("content-type"));
    assert_eq!(server.hits("/simple/flask/"), 1);

    // Another Accept is another representation: a request.
    let html = Request::get(&url).accept("text/html").max_age(HOUR);
    assert!(!c.fetch(&html).unwrap().from_cache);
    assert_eq!(server.hits("/simple/flask/"), 2);

    // The secret is never written to the cache directory.
    for entry in walk(cache.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("s3cret"),
            "{} holds the token",
            entry.display()
        );
    }
    assert_eq!(
        c.stats(),
        Stats {
            requests: 2,
            cache_hits: 1,
            revalidated: 0
        }
    );
}

#[test]
fn unauthorized_reaches_the_caller_with_its_challenge_and_is_not_cached() {
    let server = TestServer::start();
    server.route(
        "/v2/library/postgres/tags/list",
        Response::status(401).header(
            "WWW-Authenticate",
            "Bearer realm=\"http://auth/token\",service=\"registry\"",
        ),
    );
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), 4);
    let request = Request::get(server.url("/v2/library/postgres/tags/list")).max_age(HOUR);
    let first = c.fetch(&request).unwrap();
    assert_eq!(first.status, 401);
    assert!(first
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer realm="));
    let second = c.fetch(&request).unwrap();
    assert!(!second.from_cache, "a 401 is asked again, never cached");
    assert_eq!(server.hits("/v2/library/postgres/tags/list"), 2);
}

#[test]
fn a_stale_entry_is_revalidated_and_counted() {
    let server = TestServer::start();
    server.route("/p", Response::ok("body").header("ETag", "\"e\""));
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), 4);
    let request = Request::get(server.url("/p"));
    c.fetch(&request).unwrap();
    let again = c.fetch(&request).unwrap();
    assert!(again.revalidated);
    assert_eq!(again.body, b"body");
    assert_eq!(
        c.stats(),
        Stats {
            requests: 2,
            cache_hits: 0,
            revalidated: 1
        }
    );
}

#[test]
fn requests_to_one_host_wait_for_a_free_slot() {
    let server = TestServer::start();
    for i in 0..4 {
        server.route(
            &format!("/slow/{i}"),
            Response::ok("x").delay(Duration::from_millis(300)),
        );
    }
    let cache = tempfile::tempdir().unwrap();
    let c = client(cache.path(), 2);
    let started = Instant::now();
    std::thread::scope(|s| {
        for i in 0..4 {
            let c = &c;
            let url = server.url(&format!("/slow/{i}"));
            s.spawn(move || c.fetch(&Request::get(url)).unwrap());
        }
    });
    // Four 300 ms answers two at a time cannot take less than 600 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(590),
        "{:?}",
        started.elapsed()
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
