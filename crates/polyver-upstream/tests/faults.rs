//! How registry lookups behave when the network or the registry misbehaves, end to end
//! through a JSON registry client (RubyGems) and polyver-net: throttling, server errors, a
//! hung server, garbage, missing packages, the cache and `--offline`.

mod common;

use common::{fixture, options};
use polyver_net::testing::{Response, TestServer};
use polyver_net::{Client as HttpClient, NetError, Options};
use polyver_upstream::registries::rubygems::Client;
use polyver_upstream::{Endpoint, Registry, UpstreamError};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PATH: &str = "/api/v1/versions/nokogiri.json";

fn registry(server: &TestServer, options: Options) -> Client {
    let http = Arc::new(HttpClient::new(options).unwrap());
    Client::new(Endpoint::new(http, server.base_url(), None))
}

fn quick(cache: &Path) -> Options {
    Options {
        retries: 2,
        ..options(cache)
    }
}

#[test]
fn throttled_with_retry_after_then_answered() {
    let server = TestServer::start();
    server.queue(PATH, [Response::status(429).header("Retry-After", "1")]);
    server.route(PATH, Response::ok(fixture("rubygems/nokogiri.json")));
    let cache = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let package = registry(&server, quick(cache.path()))
        .package("nokogiri")
        .unwrap()
        .unwrap();
    assert_eq!(package.releases.len(), 3);
    assert_eq!(server.hits(PATH), 2);
    // The server's Retry-After was honoured, not the 10 ms backoff.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_server_error_then_an_answer() {
    let server = TestServer::start();
    server.queue(PATH, [Response::status(500).body("upstream connect error")]);
    server.route(PATH, Response::ok(fixture("rubygems/nokogiri.json")));
    let cache = tempfile::tempdir().unwrap();
    let package = registry(&server, quick(cache.path()))
        .package("nokogiri")
        .unwrap();
    assert_eq!(package.unwrap().releases.len(), 3);
    assert_eq!(server.hits(PATH), 2);
}

#[test]
fn a_server_that_keeps_failing_is_an_error_naming_the_url() {
    let server = TestServer::start();
    server.route(PATH, Response::status(503));
    let cache = tempfile::tempdir().unwrap();
    let err = registry(&server, quick(cache.path()))
        .package("nokogiri")
        .unwrap_err();
    assert!(
        matches!(
            err,
            UpstreamError::Net(NetError::Status { status: 503, .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains(&server.url(PATH)), "{err}");
    assert_eq!(
        server.hits(PATH),
        3,
        "one attempt and the two configured retries"
    );
}

#[test]
fn a_hung_server_times_out_after_the_configured_retries() {
    let server = TestServer::start();
    server.route(
        PATH,
        Response::ok(fixture("rubygems/nokogiri.json")).delay(Duration::from_secs(5)),
    );
    let cache = tempfile::tempdir().unwrap();
    let options = Options {
        timeout: Duration::from_millis(300),
        retries: 1,
        ..options(cache.path())
    };
    let started = Instant::now();
    let err = registry(&server, options).package("nokogiri").unwrap_err();
    match &err {
        UpstreamError::Net(NetError::Timeout { url, attempts }) => {
            assert_eq!(url, &server.url(PATH));
            assert_eq!(*attempts, 2);
        }
        other => panic!("expected a timeout, got {other}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(PATH), 2);
}

#[test]
fn malformed_json_is_an_error_naming_the_url() {
    let server = TestServer::start();
    server.route(PATH, Response::ok("[{\"number\": \"1.0\", "));
    let cache = tempfile::tempdir().unwrap();
    let err = registry(&server, quick(cache.path()))
        .package("nokogiri")
        .unwrap_err();
    assert!(matches!(err, UpstreamError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains(&server.url(PATH)), "{err}");
    // Not retried: the same bytes would come back.
    assert_eq!(server.hits(PATH), 1);
}

#[test]
fn a_missing_package_is_none_and_one_failure_does_not_stop_the_next_lookup() {
    let server = TestServer::start();
    server.route(PATH, Response::ok(fixture("rubygems/nokogiri.json")));
    server.route("/api/v1/versions/broken.json", Response::ok("<html>"));
    let cache = tempfile::tempdir().unwrap();
    let client = registry(&server, quick(cache.path()));
    let mut outcomes = Vec::new();
    for name in ["missing", "broken", "nokogiri"] {
        outcomes.push(match client.package(name) {
            Ok(Some(p)) => format!("{name}: {} releases", p.releases.len()),
            Ok(None) => format!("{name}: not on the registry"),
            Err(e) => format!("{name}: error: {e}"),
        });
    }
    assert_eq!(outcomes[0], "missing: not on the registry");
    assert!(outcomes[1].starts_with("broken: error:"), "{}", outcomes[1]);
    assert_eq!(outcomes[2], "nokogiri: 3 releases");
}

#[test]
fn a_warm_cache_is_used_then_revalidated() {
    let server = TestServer::start();
    let etag = "\"v1-5f3a\"";
    server.route(
        PATH,
        Response::ok(fixture("rubygems/nokogiri.json")).header("ETag", etag),
    );
    let cache = tempfile::tempdir().unwrap();
    let http = Arc::new(HttpClient::new(quick(cache.path())).unwrap());
    let mut endpoint = Endpoint::new(Arc::clone(&http), server.base_url(), None);
    endpoint.max_age = Duration::from_secs(3600);
    let fresh = Client::new(endpoint.clone());
    let first = fresh.package("nokogiri").unwrap().unwrap();
    assert_eq!(server.hits(PATH), 1);

    // Within max_age: no request at all.
    assert_eq!(fresh.package("nokogiri").unwrap().unwrap(), first);
    assert_eq!(server.hits(PATH), 1);

    // Past max_age: one conditional request; the server says 304 and the cached body is
    // used (the route's new body, with the same ETag, is never sent).
    server.route(PATH, Response::ok("[]").header("ETag", etag));
    endpoint.max_age = Duration::ZERO;
    let stale = Client::new(endpoint);
    assert_eq!(stale.package("nokogiri").unwrap().unwrap(), first);
    assert_eq!(server.hits(PATH), 2);
    let revalidation = &server.requests()[1];
    assert_eq!(revalidation.header("if-none-match"), Some(etag));
}

#[test]
fn offline_with_a_cold_cache_names_the_url() {
    let server = TestServer::start();
    server.route(PATH, Response::ok(fixture("rubygems/nokogiri.json")));
    let cache = tempfile::tempdir().unwrap();
    let offline = Options {
        offline: true,
        ..quick(cache.path())
    };
    let err = registry(&server, offline.clone())
        .package("nokogiri")
        .unwrap_err();
    match &err {
        UpstreamError::Net(NetError::Offline { url }) => assert_eq!(url, &server.url(PATH)),
        other => panic!("expected an offline error, got {other}"),
    }
    assert!(server.requests().is_empty());

    // Once cached, offline answers from the cache whatever its age.
    registry(&server, quick(cache.path()))
        .package("nokogiri")
        .unwrap();
    let package = registry(&server, offline)
        .package("nokogiri")
        .unwrap()
        .unwrap();
    assert_eq!(package.releases.len(), 3);
    assert_eq!(server.hits(PATH), 1);
}
