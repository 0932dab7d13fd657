//! The crates.io client against recorded sparse-index and API responses.

mod common;

use common::{endpoint, fixture, paths};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::cargo::{index_path, Client};
use polyver_upstream::{Registry, UpstreamError};

#[test]
fn index_paths_follow_the_sparse_layout() {
    assert_eq!(index_path("a").unwrap(), "1/a");
    assert_eq!(index_path("cc").unwrap(), "2/cc");
    assert_eq!(index_path("Syn").unwrap(), "3/s/syn");
    assert_eq!(index_path("Serde_JSON").unwrap(), "se/rd/serde_json");
    assert!(matches!(
        index_path("../etc/passwd"),
        Err(UpstreamError::BadName { .. })
    ));
    assert!(index_path("").is_err());
}

#[test]
fn versions_yanked_flags_checksums_and_dates() {
    let server = TestServer::start();
    server.route("/index/se/rd/serde", Response::ok(fixture("cargo/serde")));
    server.route(
        "/api/v1/crates/serde",
        Response::ok(fixture("cargo/api-serde.json")),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_api(
        endpoint(&server, "/index", cache.path()),
        Some(server.base_url().to_string()),
    );
    let package = client.package("Serde").unwrap().unwrap();
    assert_eq!(package.url, server.url("/index/se/rd/serde"));
    let versions = package.versions();
    assert_eq!(
        versions,
        ["0.1.0", "1.0.0", "1.0.119", "1.0.219", "1.0.228"]
    );

    // `pubtime` from the index wins; the API fills the others.
    let newest = package.release("1.0.228").unwrap();
    assert_eq!(
        newest.published.unwrap().to_string(),
        "2025-09-27T16:51:35Z"
    );
    assert_eq!(
        newest.digest.as_deref(),
        Some("sha256:9a8e94ea7f378bd32cbbd37198a4a91436180c5bb472411e48b5ec2e2124ae9e")
    );
    // A `v` 2 entry with `features2` reads like any other.
    let v2 = package.release("1.0.219").unwrap();
    assert_eq!(
        v2.published.unwrap().to_string(),
        "2025-03-09T22:08:38.470592Z"
    );
    assert_eq!(v2.yanked, None);

    let yanked = package.release("1.0.119").unwrap();
    assert_eq!(
        yanked.yanked.as_deref(),
        Some("breaks serde_derive 1.0.118")
    );
    assert_eq!(server.hits("/api/v1/crates/serde"), 1);
}

#[test]
fn no_api_means_no_dates_and_a_failing_api_is_not_fatal() {
    let server = TestServer::start();
    server.route("/se/rd/serde", Response::ok(fixture("cargo/serde")));
    let cache = tempfile::tempdir().unwrap();
    // A registry that is not crates.io: the index alone.
    let package = Client::new(endpoint(&server, "", cache.path()))
        .package("serde")
        .unwrap()
        .unwrap();
    assert_eq!(package.release("1.0.0").unwrap().published, None);
    assert_eq!(
        package.release("1.0.119").unwrap().yanked.as_deref(),
        Some("")
    );
    assert_eq!(paths(&server), ["/se/rd/serde"]);

    // An API that answers 500: the index's answer stands.
    server.route("/api/v1/crates/serde", Response::status(500));
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_api(
        endpoint(&server, "", cache.path()),
        Some(server.base_url().to_string()),
    );
    let package = client.package("serde").unwrap().unwrap();
    assert_eq!(package.releases.len(), 5);
    assert_eq!(package.release("1.0.0").unwrap().published, None);
}

#[test]
fn unknown_crates_and_broken_lines() {
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    assert!(client.package("no-such-crate").unwrap().is_none());

    server.route(
        "/3/a/abc",
        Response::ok("{\"name\":\"abc\",\"vers\":\"0.1.0\",\"deps\":[],\"cksum\":\"00\",\"features\":{},\"yanked\":false}\n<html>\n"),
    );
    let err = client.package("abc").unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&server.url("/3/a/abc")), "{text}");
    assert!(text.contains("line 2"), "{text}");
}

#[test]
fn a_private_registry_token_is_sent_as_cargo_sends_it() {
    let server = TestServer::start();
    server.route("/index/se/rd/serde", Response::ok(fixture("cargo/serde")));
    let cache = tempfile::tempdir().unwrap();
    let auth = polyver_upstream::Auth::Bearer("cio_secret".into());
    let client = Client::new(common::endpoint_with_auth(
        &server,
        "/index",
        cache.path(),
        auth,
    ));
    client.package("serde").unwrap().unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("cio_secret")
    );
}
