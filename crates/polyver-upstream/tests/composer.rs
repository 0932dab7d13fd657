//! The Composer client against recorded Packagist p2 files.

mod common;

use common::{endpoint, fixture, paths};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::composer::Client;
use polyver_upstream::{Registry, UpstreamError};

fn packagist() -> TestServer {
    let server = TestServer::start();
    server.route(
        "/packages.json",
        Response::ok(fixture("composer/packages.json")),
    );
    server.route(
        "/p2/swiftmailer/swiftmailer.json",
        Response::ok(fixture("composer/swiftmailer.json")),
    );
    server.route(
        "/p2/monolog/monolog.json",
        Response::ok(fixture("composer/monolog.json")),
    );
    server
}

#[test]
fn minified_versions_are_expanded_and_abandoned_is_deprecated() {
    let server = packagist();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    let package = client.package("SwiftMailer/SwiftMailer").unwrap().unwrap();
    let versions = package.versions();
    assert_eq!(versions, ["v6.3.0", "v6.2.7", "v6.0.0-BETA1", "v5.4.12"]);
    assert_eq!(
        package
            .release("v6.2.7")
            .unwrap()
            .published
            .unwrap()
            .to_string(),
        "2021-03-09T12:30:35Z"
    );
    // An unparsable date is no date, not an error.
    assert_eq!(package.release("v5.4.12").unwrap().published, None);
    assert_eq!(
        package.deprecated.as_deref(),
        Some("abandoned; use symfony/mailer instead")
    );

    let monolog = client.package("monolog/monolog").unwrap().unwrap();
    assert_eq!(monolog.deprecated, None);
    assert_eq!(monolog.releases.len(), 2);
    // packages.json is read once for the metadata URL template.
    assert_eq!(server.hits("/packages.json"), 1);
}

#[test]
fn a_repository_without_packages_json_uses_the_p2_layout_under_its_base() {
    let server = TestServer::start();
    server.route(
        "/composer/p2/monolog/monolog.json",
        Response::ok(fixture("composer/monolog.json")),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/composer", cache.path()));
    let package = client.package("monolog/monolog").unwrap().unwrap();
    assert_eq!(package.releases.len(), 2);
    assert_eq!(
        paths(&server),
        [
            "/composer/packages.json",
            "/composer/p2/monolog/monolog.json"
        ]
    );
}

#[test]
fn a_metadata_url_template_from_packages_json_is_followed() {
    let server = TestServer::start();
    server.route(
        "/repo/packages.json",
        Response::ok("{\"packages\":[],\"metadata-url\":\"/repo/p2/%package%.json\"}"),
    );
    server.route(
        "/repo/p2/monolog/monolog.json",
        Response::ok(fixture("composer/monolog.json")),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/repo", cache.path()));
    assert_eq!(
        client
            .package("monolog/monolog")
            .unwrap()
            .unwrap()
            .releases
            .len(),
        2
    );
}

#[test]
fn unknown_packages_platform_names_and_bad_files() {
    let server = packagist();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    assert!(client.package("acme/nothing").unwrap().is_none());
    assert!(matches!(
        client.package("ext-mbstring"),
        Err(UpstreamError::BadName { .. })
    ));
    server.route("/p2/acme/broken.json", Response::ok("{\"packages\":{}}"));
    let err = client.package("acme/broken").unwrap_err();
    assert!(err.to_string().contains("/p2/acme/broken.json"), "{err}");
    assert!(err.to_string().contains("no `packages` list"), "{err}");
}
