//! The RubyGems client against a recorded `/api/v1/versions` answer.

mod common;

use common::{endpoint, fixture};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::rubygems::Client;
use polyver_upstream::{Registry, UpstreamError};

#[test]
fn one_release_per_version_preferring_the_ruby_platform() {
    let server = TestServer::start();
    server.route(
        "/api/v1/versions/nokogiri.json",
        Response::ok(fixture("rubygems/nokogiri.json")),
    );
    let cache = tempfile::tempdir().unwrap();
    let package = Client::new(endpoint(&server, "", cache.path()))
        .package("nokogiri")
        .unwrap()
        .unwrap();
    let versions = package.versions();
    assert_eq!(versions, ["1.18.3", "1.18.0.rc1", "1.16.7"]);
    let ruby = package.release("1.18.3").unwrap();
    assert_eq!(
        ruby.published.unwrap().to_string(),
        "2025-02-18T19:30:02.112Z"
    );
    assert_eq!(
        ruby.digest.as_deref(),
        Some("sha256:6b4ea5db3ae2b8bd1bd8dc3a9c3d18a1a0ee9c4d3b5c8a2c1d0e9f8a7b6c5d4e")
    );
    // A version published for one platform only keeps that one.
    assert!(package.release("1.18.0.rc1").unwrap().published.is_some());
    assert_eq!(package.release("1.16.7").unwrap().digest, None);
    // The API lists no yanked versions.
    assert!(package.releases.iter().all(|r| r.yanked.is_none()));
}

#[test]
fn unknown_gems_and_bad_names() {
    let server = TestServer::start();
    server.route(
        "/api/v1/versions/nope.json",
        Response::status(404).body("This rubygem could not be found."),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    assert!(client.package("nope").unwrap().is_none());
    assert!(matches!(
        client.package("../secrets"),
        Err(UpstreamError::BadName { .. })
    ));
    assert_eq!(server.requests().len(), 1);
}
