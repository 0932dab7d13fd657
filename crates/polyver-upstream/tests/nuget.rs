//! The NuGet v3 client against a recorded service index and registration pages, served
//! gzip-compressed as nuget.org serves its SemVer 2.0.0 registrations.

mod common;

use common::{endpoint, endpoint_with_auth, fixture, paths};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::nuget::Client;
use polyver_upstream::{Auth, Registry, UpstreamError};
use std::io::Write;

/// A fixture with the server's URL where nuget.org's would be.
fn served(server: &TestServer, name: &str) -> Vec<u8> {
    String::from_utf8(fixture(name))
        .unwrap()
        .replace("{{BASE}}", server.base_url())
        .into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

const REGISTRATION: &str = "/v3/registration5-gz-semver2/contoso.legacy/";

fn feed() -> TestServer {
    let server = TestServer::start();
    server.route(
        "/v3/index.json",
        Response::ok(served(&server, "nuget/index.json")),
    );
    let index = gzip(&served(&server, "nuget/registration-index.json"));
    server.route(
        &format!("{REGISTRATION}index.json"),
        Response::ok(index).header("content-encoding", "gzip"),
    );
    server.route(
        &format!("{REGISTRATION}page/1.0.0/1.2.0.json"),
        Response::ok(served(&server, "nuget/registration-page.json")),
    );
    server
}

#[test]
fn versions_from_inline_and_fetched_pages() {
    let server = feed();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/v3/index.json", cache.path()));
    let package = client.package("Contoso.Legacy").unwrap().unwrap();
    let versions = package.versions();
    assert_eq!(
        versions,
        ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0-beta.1+build.7"]
    );

    // No `listed` (some feeds omit it) means listed.
    let first = package.release("1.0.0").unwrap();
    assert_eq!(first.yanked, None);
    assert_eq!(first.published.unwrap().to_string(), "2019-01-01T00:00:00Z");
    // Unlisted, with nuget.org's 1900 date: no date.
    let unlisted = package.release("1.1.0").unwrap();
    assert_eq!(unlisted.yanked.as_deref(), Some("unlisted"));
    assert_eq!(unlisted.published, None);
    assert_eq!(
        package.release("1.2.0").unwrap().deprecated.as_deref(),
        Some("CriticalBugs")
    );
    assert_eq!(
        package.release("2.0.0").unwrap().deprecated.as_deref(),
        Some("Replaced by Contoso.Modern.; use Contoso.Modern instead")
    );
    // The SemVer 2.0.0 registration is chosen, the service index read once.
    client.package("contoso.legacy").unwrap().unwrap();
    assert_eq!(server.hits("/v3/index.json"), 1);
    assert!(paths(&server)
        .iter()
        .all(|p| !p.contains("registration5-semver1") && !p.contains("gz-semver1")));
}

#[test]
fn feed_credentials_stay_on_the_feed() {
    let server = feed();
    let other = TestServer::start();
    // The service index sends registrations to another host.
    let index = String::from_utf8(fixture("nuget/index.json"))
        .unwrap()
        .replace("{{BASE}}", other.base_url());
    server.route("/v3/index.json", Response::ok(index));
    other.route(&format!("{REGISTRATION}index.json"), Response::status(404));
    let cache = tempfile::tempdir().unwrap();
    let auth = Auth::Bearer("feed-token".into());
    let client = Client::new(endpoint_with_auth(
        &server,
        "/v3/index.json",
        cache.path(),
        auth,
    ));
    assert!(client.package("Contoso.Legacy").unwrap().is_none());
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer feed-token")
    );
    assert_eq!(other.requests()[0].header("authorization"), None);
}

#[test]
fn a_feed_without_registrations_and_bad_ids() {
    let server = TestServer::start();
    server.route(
        "/v3/index.json",
        Response::ok("{\"version\":\"3.0.0\",\"resources\":[]}"),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/v3/index.json", cache.path()));
    let err = client.package("Contoso.Legacy").unwrap_err();
    assert!(
        err.to_string().contains("names no RegistrationsBaseUrl"),
        "{err}"
    );
    assert!(matches!(
        client.package("a/b"),
        Err(UpstreamError::BadName { .. })
    ));

    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/no/index.json", cache.path()));
    let err = client.package("Contoso.Legacy").unwrap_err();
    assert!(err.to_string().contains("/no/index.json"), "{err}");
}
