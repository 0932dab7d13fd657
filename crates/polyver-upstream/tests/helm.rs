//! The Helm repository client against a recorded index.yaml.

mod common;

use common::{client, endpoint_with_auth, fixture};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::helm::Client;
use polyver_upstream::{Auth, Endpoint, Registry, UpstreamError};

fn repository() -> TestServer {
    let server = TestServer::start();
    server.route(
        "/charts/index.yaml",
        Response::ok(fixture("helm/index.yaml")),
    );
    server
}

#[test]
fn a_chart_from_the_repository_its_dependency_names() {
    let server = repository();
    let cache = tempfile::tempdir().unwrap();
    // No default repository configured.
    let client = Client::new(Endpoint::new(client(cache.path()), "", None));
    let repo = server.url("/charts/");
    let package = client
        .package_from("postgresql", Some(&repo))
        .unwrap()
        .unwrap();
    assert_eq!(package.url, server.url("/charts/index.yaml"));
    let versions = package.versions();
    assert_eq!(versions, ["14.3.1", "13.2.0"]);
    let newest = &package.releases[0];
    assert_eq!(
        newest.digest.as_deref(),
        Some("sha256:0d3a1f9c4d6e8b2a7f5c3e1d9b8a7c6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b")
    );
    assert_eq!(
        newest.published.unwrap().to_string(),
        "2024-03-05T14:33:06.543721982Z"
    );
    assert_eq!(
        package.releases[1].published.unwrap().to_string(),
        "2023-10-31T09:01:02Z"
    );
    assert_eq!(package.deprecated, None);

    let old = client
        .package_from("old-chart", Some(&repo))
        .unwrap()
        .unwrap();
    assert_eq!(old.releases[0].deprecated.as_deref(), Some(""));
    assert_eq!(old.releases[1].deprecated, None);
    assert!(old.deprecated.unwrap().contains("2.0.0"));

    assert!(client.package_from("redis", Some(&repo)).unwrap().is_none());
    // The index was fetched once for the three lookups.
    assert_eq!(server.hits("/charts/index.yaml"), 1);
}

#[test]
fn the_configured_repository_is_the_default_and_keeps_its_credentials() {
    let server = repository();
    let other = TestServer::start();
    other.route("/index.yaml", Response::ok(fixture("helm/index.yaml")));
    let cache = tempfile::tempdir().unwrap();
    let auth = Auth::Bearer("chart-token".into());
    let client = Client::new(endpoint_with_auth(&server, "/charts", cache.path(), auth));
    assert_eq!(
        client
            .package("postgresql")
            .unwrap()
            .unwrap()
            .releases
            .len(),
        2
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer chart-token")
    );
    // A repository on another host never sees them.
    client
        .package_from("postgresql", Some(other.base_url()))
        .unwrap()
        .unwrap();
    assert_eq!(other.requests()[0].header("authorization"), None);
}

#[test]
fn repositories_polyver_cannot_read_are_clear_errors() {
    let server = repository();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(Endpoint::new(client(cache.path()), "", None));
    let cases = [
        (None, "[registries] helm is not set"),
        (
            Some("oci://registry-1.docker.io/bitnamicharts"),
            "OCI registry",
        ),
        (Some("@bitnami"), "helm repo add"),
        (Some("alias:bitnami"), "helm repo add"),
        (Some("file://../common"), "not a chart repository URL"),
    ];
    for (source, expected) in cases {
        let err = client.package_from("postgresql", source).unwrap_err();
        assert!(matches!(err, UpstreamError::BadName { .. }), "{err}");
        assert!(err.to_string().contains(expected), "{source:?}: {err}");
    }
    assert!(server.requests().is_empty());

    server.route("/bad/index.yaml", Response::ok("entries: [unclosed"));
    let err = client
        .package_from("postgresql", Some(&server.url("/bad")))
        .unwrap_err();
    assert!(matches!(err, UpstreamError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("/bad/index.yaml"), "{err}");
}
