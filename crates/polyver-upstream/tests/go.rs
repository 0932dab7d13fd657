//! The Go module proxy client against recorded proxy responses.

mod common;

use common::{client, endpoint, fixture};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::go::Client;
use polyver_upstream::{Endpoint, Registry, UpstreamError};

const MODULE: &str = "/github.com/!example/!mod/@v/";

fn serve_module(server: &TestServer) {
    server.route(&format!("{MODULE}list"), Response::ok(fixture("go/list")));
    for v in [
        "v1.0.0",
        "v1.1.0",
        "v1.2.0",
        "v1.2.1",
        "v1.3.0-rc.1",
        "v1.3.0",
    ] {
        server.route(
            &format!("{MODULE}{v}.info"),
            Response::ok(fixture(&format!("go/{v}.info"))),
        );
    }
    server.route(
        &format!("{MODULE}v1.3.0.mod"),
        Response::ok(fixture("go/v1.3.0.mod")),
    );
}

#[test]
fn versions_times_and_retractions_of_the_latest_go_mod() {
    let server = TestServer::start();
    serve_module(&server);
    let cache = tempfile::tempdir().unwrap();
    let package = Client::new(endpoint(&server, "", cache.path()))
        .package("github.com/Example/Mod")
        .unwrap()
        .unwrap();
    assert_eq!(package.name, "github.com/Example/Mod");
    assert_eq!(package.releases.len(), 6);
    assert_eq!(
        package
            .release("v1.2.1")
            .unwrap()
            .published
            .unwrap()
            .to_string(),
        "2022-01-11T09:15:00Z"
    );
    assert_eq!(
        package.release("v1.2.0").unwrap().retracted.as_deref(),
        Some("v1.2.0 panics on empty input.")
    );
    for v in ["v1.0.0", "v1.1.0"] {
        assert_eq!(
            package.release(v).unwrap().retracted.as_deref(),
            Some("Published from the wrong branch."),
            "{v}"
        );
    }
    for v in ["v1.2.1", "v1.3.0-rc.1", "v1.3.0"] {
        assert_eq!(package.release(v).unwrap().retracted, None, "{v}");
    }
    // Only the latest release's go.mod is read.
    assert_eq!(server.hits(&format!("{MODULE}v1.3.0.mod")), 1);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path.ends_with(".mod"))
            .count(),
        1
    );
}

#[test]
fn a_module_without_tags_resolves_through_latest() {
    let server = TestServer::start();
    server.route("/example.com/untagged/@v/list", Response::ok(""));
    server.route(
        "/example.com/untagged/@latest",
        Response::ok(fixture("go/latest-pseudo.info")),
    );
    let cache = tempfile::tempdir().unwrap();
    let package = Client::new(endpoint(&server, "", cache.path()))
        .package("example.com/untagged")
        .unwrap()
        .unwrap();
    assert_eq!(package.releases.len(), 1);
    let pseudo = &package.releases[0];
    assert_eq!(pseudo.version, "v0.0.0-20240102030405-abcdefabcdef");
    assert_eq!(
        pseudo.published.unwrap().to_string(),
        "2024-01-02T03:04:05Z"
    );
}

#[test]
fn major_version_modules_are_their_own_modules() {
    let server = TestServer::start();
    server.route("/example.com/m/v2/@v/list", Response::ok("v2.0.0\n"));
    server.route(
        "/example.com/m/v2/@v/v2.0.0.info",
        Response::ok("{\"Version\":\"v2.0.0\",\"Time\":\"2024-02-02T00:00:00Z\"}"),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    let v2 = client.package("example.com/m/v2").unwrap().unwrap();
    assert_eq!(v2.releases.len(), 1);
    // The go.mod of v2.0.0 is not there: no retractions, no error.
    assert_eq!(v2.releases[0].retracted, None);
    // The v1 module is another module, which this proxy does not have.
    assert!(client.package("example.com/m").unwrap().is_none());
}

#[test]
fn goproxy_keywords_and_garbage_are_clear_errors() {
    let cache = tempfile::tempdir().unwrap();
    for base in ["off", "direct", "https://a.example,direct"] {
        let client = Client::new(Endpoint::new(client(cache.path()), base, None));
        let err = client.package("example.com/m").unwrap_err();
        assert!(matches!(err, UpstreamError::BadName { .. }), "{err}");
        assert!(err.to_string().contains("not one proxy URL"), "{err}");
    }
    let server = TestServer::start();
    server.route(
        "/example.com/m/@v/list",
        Response::ok("<html><body>Sign in</body></html>"),
    );
    let err = Client::new(endpoint(&server, "", cache.path()))
        .package("example.com/m")
        .unwrap_err();
    assert!(matches!(err, UpstreamError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("/example.com/m/@v/list"), "{err}");
}

#[test]
fn published_version_files_are_not_asked_again() {
    let server = TestServer::start();
    serve_module(&server);
    let cache = tempfile::tempdir().unwrap();
    let mut always_revalidate = endpoint(&server, "", cache.path());
    always_revalidate.max_age = std::time::Duration::ZERO;
    let client = Client::new(always_revalidate);
    for _ in 0..2 {
        let package = client.package("github.com/Example/Mod").unwrap().unwrap();
        assert_eq!(package.releases.len(), 6);
    }
    // The list can change and is asked again; a version's .info and .mod cannot.
    assert_eq!(server.hits(&format!("{MODULE}list")), 2);
    assert_eq!(server.hits(&format!("{MODULE}v1.2.0.info")), 1);
    assert_eq!(server.hits(&format!("{MODULE}v1.3.0.mod")), 1);
}
