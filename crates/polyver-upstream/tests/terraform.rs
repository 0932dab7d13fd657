//! The Terraform registry client against recorded registry responses.

mod common;

use common::{endpoint, fixture, paths};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::terraform::Client;
use polyver_upstream::{Registry, UpstreamError};

fn registry() -> TestServer {
    let server = TestServer::start();
    server.route(
        "/.well-known/terraform.json",
        Response::ok(fixture("terraform/terraform.json")),
    );
    server.route(
        "/v1/providers/hashicorp/aws/versions",
        Response::ok(fixture("terraform/aws-versions.json")),
    );
    server.route(
        "/v1/providers/hashicorp/template/versions",
        Response::ok(fixture("terraform/template-versions.json")),
    );
    server.route(
        "/v1/modules/terraform-aws-modules/vpc/aws/versions",
        Response::ok(fixture("terraform/vpc-versions.json")),
    );
    server
}

#[test]
fn provider_versions_through_service_discovery() {
    let server = registry();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    let aws = client.package("hashicorp/aws").unwrap().unwrap();
    let versions = aws.versions();
    assert_eq!(versions, ["5.31.0", "4.67.0", "5.0.0-beta1", "2.70.4"]);
    assert_eq!(aws.deprecated, None);
    // The default host written out is the same registry.
    let again = client
        .package("registry.terraform.io/hashicorp/aws")
        .unwrap()
        .unwrap();
    assert_eq!(again.releases.len(), 4);
    assert_eq!(
        paths(&server),
        [
            "/.well-known/terraform.json",
            "/v1/providers/hashicorp/aws/versions"
        ],
        "the second lookup is answered from the cache"
    );

    let template = client.package("hashicorp/template").unwrap().unwrap();
    assert!(template.deprecated.unwrap().contains("archived"));
    assert!(client.package("hashicorp/nothing").unwrap().is_none());
}

#[test]
fn module_versions_with_and_without_a_subdirectory() {
    let server = registry();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    for name in [
        "terraform-aws-modules/vpc/aws",
        "terraform-aws-modules/vpc/aws//modules/vpc-endpoints",
    ] {
        let vpc = client.package(name).unwrap().unwrap();
        assert_eq!(vpc.name, name);
        let versions = vpc.versions();
        assert_eq!(versions, ["5.5.1", "3.19.0"]);
    }
    // A module from Git has no registry.
    let err = client
        .package_from(
            "github.com/acme/infra//vpc",
            Some("git::https://github.com/acme/infra.git//vpc?ref=v1.2.0"),
        )
        .unwrap_err();
    assert!(matches!(err, UpstreamError::BadName { .. }), "{err}");
}

#[test]
fn a_mirror_without_discovery_serves_the_api_under_its_base() {
    let server = TestServer::start();
    server.route(
        "/mirror/v1/providers/hashicorp/aws/versions",
        Response::ok(fixture("terraform/aws-versions.json")),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "/mirror", cache.path()));
    assert_eq!(
        client
            .package("hashicorp/aws")
            .unwrap()
            .unwrap()
            .releases
            .len(),
        4
    );
}

#[test]
fn discovery_with_other_paths_and_bad_documents() {
    let server = TestServer::start();
    server.route(
        "/.well-known/terraform.json",
        Response::ok("{\"providers.v1\":\"/api/registry/v1/providers\",\"tfe.v2\":\"/api/v2/\"}"),
    );
    server.route(
        "/api/registry/v1/providers/acme/thing/versions",
        Response::ok("{\"id\":\"acme/thing\",\"versions\":[{\"version\":\"1.0.0\"}]}"),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(endpoint(&server, "", cache.path()));
    assert_eq!(
        client
            .package("acme/thing")
            .unwrap()
            .unwrap()
            .releases
            .len(),
        1
    );
    let err = client.package("acme/vpc/aws").unwrap_err();
    assert!(err.to_string().contains("no `modules.v1` service"), "{err}");

    server.route("/v1/providers/acme/broken/versions", Response::ok("{"));
    let cache = tempfile::tempdir().unwrap();
    server.route(
        "/.well-known/terraform.json",
        Response::ok("{\"providers.v1\":\"/v1/providers/\"}"),
    );
    let client = Client::new(endpoint(&server, "", cache.path()));
    let err = client.package("acme/broken").unwrap_err();
    assert!(matches!(err, UpstreamError::Malformed { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("/v1/providers/acme/broken/versions"),
        "{err}"
    );
}
