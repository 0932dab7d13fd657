//! The Maven repository client against a recorded maven-metadata.xml.

mod common;

use common::{endpoint, endpoint_with_auth, fixture};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::maven::Client;
use polyver_upstream::{Auth, Registry, UpstreamError};

const PATH: &str = "/maven2/org/apache/logging/log4j/log4j-core/maven-metadata.xml";

#[test]
fn versions_and_the_latest_and_release_tags() {
    let server = TestServer::start();
    server.route(
        PATH,
        Response::ok(fixture("maven/log4j-core-maven-metadata.xml")),
    );
    let cache = tempfile::tempdir().unwrap();
    let auth = Auth::Basic {
        username: "reader".into(),
        password: "secret".into(),
    };
    let package = Client::new(endpoint_with_auth(&server, "/maven2", cache.path(), auth))
        .package("org.apache.logging.log4j:log4j-core")
        .unwrap()
        .unwrap();
    let versions = package.versions();
    assert_eq!(
        versions,
        [
            "2.0-beta9",
            "2.0",
            "2.14.1",
            "2.15.0",
            "2.16.0",
            "2.17.1",
            "2.24.3",
            "3.0.0-beta2"
        ]
    );
    assert_eq!(package.tags["release"], "2.24.3");
    assert_eq!(package.tags["latest"], "3.0.0-beta2");
    // No per-version dates in the metadata.
    assert!(package.releases.iter().all(|r| r.published.is_none()));
    // A private repository gets its credentials.
    let request = &server.requests()[0];
    assert_eq!(
        request.header("authorization"),
        Some("Basic cmVhZGVyOnNlY3JldA==")
    );
}

#[test]
fn missing_artifacts_bad_names_and_bad_documents() {
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/maven2", cache.path()));
    assert!(client.package("com.example:nothing").unwrap().is_none());
    assert!(matches!(
        client.package("${project.groupId}:core"),
        Err(UpstreamError::BadName { .. })
    ));
    server.route(
        PATH,
        Response::ok("<html><body>502 Bad Gateway</body></html>"),
    );
    let err = client
        .package("org.apache.logging.log4j:log4j-core")
        .unwrap_err();
    assert!(matches!(err, UpstreamError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains(&server.url(PATH)), "{err}");
}
