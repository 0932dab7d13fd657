//! The GitHub client (actions) against recorded REST API responses.

mod common;

use common::{endpoint, endpoint_with_auth, fixture};
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::github::Client;
use polyver_upstream::{Auth, Registry, UpstreamError};

const TAGS: &str = "/repos/actions/checkout/tags?per_page=100";
const TAGS_2: &str = "/repositories/197814629/tags?per_page=100&page=2";
const RELEASES: &str = "/repos/actions/checkout/releases?per_page=100";

fn api() -> TestServer {
    let server = TestServer::start();
    let next = format!(
        "<{}>; rel=\"next\", <{}>; rel=\"last\"",
        server.url(TAGS_2),
        server.url(TAGS_2)
    );
    server.route(
        TAGS,
        Response::ok(fixture("github/tags-1.json")).header("Link", &next),
    );
    server.route(TAGS_2, Response::ok(fixture("github/tags-2.json")));
    server.route(RELEASES, Response::ok(fixture("github/releases.json")));
    server
}

#[test]
fn tags_with_commits_merged_with_release_dates() {
    let server = api();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_credentials(endpoint(&server, "", cache.path()));
    // A reusable workflow's path is not part of the repository.
    let package = client
        .package("actions/checkout/.github/workflows/ci.yml")
        .unwrap()
        .unwrap();
    let versions = package.versions();
    assert_eq!(versions, ["v4.2.2", "v4", "v5.0.0-beta.1", "v3.6.0"]);
    let v422 = package.release("v4.2.2").unwrap();
    assert_eq!(
        v422.digest.as_deref(),
        Some("11bd71901bbe5b1630ceea73d27597364c9af683")
    );
    assert_eq!(v422.published.unwrap().to_string(), "2024-10-23T14:46:00Z");
    assert!(!v422.prerelease);
    let beta = package.release("v5.0.0-beta.1").unwrap();
    assert!(beta.prerelease);
    // A tag without a release has no date; a draft release is not a release.
    assert_eq!(package.release("v3.6.0").unwrap().published, None);
    assert!(package.release("v5.0.0").is_none());
    assert_eq!(
        server.requests()[0].header("accept"),
        Some("application/vnd.github+json")
    );
}

#[test]
fn tag_digest_from_the_list_or_the_refs_api() {
    let server = api();
    server.route(
        "/repos/actions/checkout/git/ref/tags/v1",
        Response::ok("{\"ref\":\"refs/tags/v1\",\"node_id\":\"x\",\"url\":\"u\",\"object\":{\"sha\":\"9999999999999999999999999999999999999999\",\"type\":\"tag\",\"url\":\"u\"}}"),
    );
    server.route(
        "/repos/actions/checkout/git/tags/9999999999999999999999999999999999999999",
        Response::ok("{\"sha\":\"9999999999999999999999999999999999999999\",\"tag\":\"v1\",\"object\":{\"sha\":\"50fbc622fc4ef5163becd7fab6573eac35f8462e\",\"type\":\"commit\",\"url\":\"u\"}}"),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_credentials(endpoint(&server, "", cache.path()));
    assert_eq!(
        client
            .tag_digest("actions/checkout", "v4")
            .unwrap()
            .as_deref(),
        Some("11bd71901bbe5b1630ceea73d27597364c9af683")
    );
    // Beyond the listing: an annotated tag peeled to its commit.
    assert_eq!(
        client
            .tag_digest("actions/checkout", "v1")
            .unwrap()
            .as_deref(),
        Some("50fbc622fc4ef5163becd7fab6573eac35f8462e")
    );
    assert_eq!(client.tag_digest("actions/checkout", "v0").unwrap(), None);
}

#[test]
fn the_token_is_sent_and_an_exhausted_quota_says_what_to_do() {
    let server = api();
    let cache = tempfile::tempdir().unwrap();
    let auth = Auth::Bearer("ghp_example".into());
    let client = Client::with_credentials(endpoint_with_auth(&server, "", cache.path(), auth));
    client.package("actions/checkout").unwrap().unwrap();
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer ghp_example")));

    let limited = TestServer::start();
    limited.route(
        "/repos/actions/setup-node/tags?per_page=100",
        Response::status(403)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", "1735689600")
            .body("{\"message\":\"API rate limit exceeded for 192.0.2.1.\",\"documentation_url\":\"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting\"}"),
    );
    limited.route(
        "/repos/private/repo/tags?per_page=100",
        Response::status(403).header("x-ratelimit-remaining", "42"),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_credentials(endpoint(&limited, "", cache.path()));
    let err = client.package("actions/setup-node").unwrap_err();
    assert!(matches!(err, UpstreamError::RateLimited { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("2025-01-01T00:00:00Z"), "{text}");
    assert!(text.contains("GITHUB_TOKEN"), "{text}");
    assert!(text.contains("token-env"), "{text}");
    // A refusal with quota left is an authorization problem, not a rate limit.
    let err = client.package("private/repo").unwrap_err();
    assert!(
        matches!(err, UpstreamError::Unauthorized { status: 403, .. }),
        "{err}"
    );
}

#[test]
fn missing_repositories_and_bad_names() {
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_credentials(endpoint(&server, "", cache.path()));
    assert!(client.package("nobody/nothing").unwrap().is_none());
    for bad in ["checkout", "actions/../x", "actions/check out"] {
        assert!(
            matches!(client.package(bad), Err(UpstreamError::BadName { .. })),
            "{bad}"
        );
    }
}

#[test]
fn pagination_stops_after_ten_pages() {
    let server = TestServer::start();
    // An endless chain of pages, each pointing at the next.
    for page in 1..=12 {
        let path = format!("/repos/big/repo/tags?per_page=100&page={page}");
        let next = format!(
            "<{}>; rel=\"next\"",
            server.url(&format!(
                "/repos/big/repo/tags?per_page=100&page={}",
                page + 1
            ))
        );
        let body = format!(
            "[{{\"name\":\"v{page}\",\"commit\":{{\"sha\":\"{page:040}\",\"url\":\"u\"}}}}]"
        );
        server.route(&path, Response::ok(body).header("link", &next));
    }
    let first = format!(
        "<{}>; rel=\"next\"",
        server.url("/repos/big/repo/tags?per_page=100&page=1")
    );
    server.route(
        "/repos/big/repo/tags?per_page=100",
        Response::ok("[]").header("link", &first),
    );
    let cache = tempfile::tempdir().unwrap();
    let client = Client::with_credentials(endpoint(&server, "", cache.path()));
    let package = client.package("big/repo").unwrap().unwrap();
    assert_eq!(package.releases.len(), 9, "the first page and nine more");
    let tag_pages = server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/repos/big/repo/tags"))
        .count();
    assert_eq!(tag_pages, polyver_upstream::registries::github::MAX_PAGES);
}
