//! The OCI registry client against recorded registry answers served by a local server:
//! Docker Hub names, the bearer-token challenge (token service on the same server), paginated
//! tag lists, refusals, missing repositories and tags, and digests from the
//! `Docker-Content-Digest` header or the manifest bytes.

use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::oci;
use polyver_upstream::{Auth, Endpoint, Registry, Upstream, UpstreamError};
use std::sync::Arc;
use std::time::Duration;

const HUB_SCOPE: &str = "repository%3Alibrary%2Fpython%3Apull";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/oci/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn net(cache: &std::path::Path) -> Arc<polyver_net::Client> {
    Arc::new(
        polyver_net::Client::new(polyver_net::Options {
            cache_dir: Some(cache.to_path_buf()),
            timeout: Duration::from_secs(5),
            retries: 0,
            backoff: Duration::from_millis(10),
            ..Default::default()
        })
        .unwrap(),
    )
}

/// A client whose `[registries] docker` endpoint is `server` (a Docker Hub mirror).
fn client(server: &TestServer, cache: &std::path::Path, auth: Option<Auth>) -> oci::Client {
    oci::Client::new(Endpoint::new(net(cache), server.base_url(), auth))
}

fn basic() -> Auth {
    Auth::Basic {
        username: "ci".into(),
        password: "s3cret".into(),
    }
}

fn bearer_challenge(server: &TestServer, repository: &str) -> Response {
    Response::status(401)
        .header(
            "WWW-Authenticate",
            &format!(
                r#"Bearer realm="{}",service="registry.docker.io",scope="repository:{repository}:pull""#,
                server.url("/token")
            ),
        )
        .header("Content-Type", "application/json")
        .body(fixture("unauthorized.json"))
}

fn tags(package: &polyver_upstream::Package) -> Vec<&str> {
    package
        .releases
        .iter()
        .map(|r| r.version.as_str())
        .collect()
}

#[test]
fn a_docker_hub_short_name_is_asked_under_library_with_a_bearer_token_across_pages() {
    let server = TestServer::start();
    let page_1 = "/v2/library/python/tags/list?n=1000";
    let page_2 = "/v2/library/python/tags/list?last=3.11.9-slim-bookworm&n=1000";
    server.queue(page_1, [bearer_challenge(&server, "library/python")]);
    server.route(
        page_1,
        Response::ok(fixture("python-tags-page-1.json"))
            .header("Content-Type", "application/json")
            .header("Link", &format!("<{page_2}>; rel=\"next\"")),
    );
    server.route(
        page_2,
        Response::ok(fixture("python-tags-page-2.json")).header("Content-Type", "application/json"),
    );
    let token_path = format!("/token?service=registry.docker.io&scope={HUB_SCOPE}");
    server.route(&token_path, Response::ok(fixture("docker-hub-token.json")));
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);

    let package = registry.package("python").unwrap().unwrap();
    assert_eq!(
        tags(&package),
        [
            "3.10.12-slim-bookworm",
            "3.10.13-slim-bookworm",
            "3.11.9-slim-bookworm",
            "3.12.4-slim-bookworm",
            "3.12.4-alpine3.20",
            "latest"
        ]
    );
    assert!(package.releases.iter().all(|r| r.published.is_none()));
    assert_eq!(package.name, "python");
    assert_eq!(package.url, server.url(page_1));

    let token = format!(
        "Bearer {}",
        serde_json::from_slice::<serde_json::Value>(&fixture("docker-hub-token.json")).unwrap()
            ["token"]
            .as_str()
            .unwrap()
    );
    let requests = server.requests();
    let summary: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.path.as_str(), r.header("authorization")))
        .collect();
    assert_eq!(
        summary,
        [
            (page_1, None),
            (token_path.as_str(), None),
            (page_1, Some(token.as_str())),
            // The token is kept: the next page needs no new challenge.
            (page_2, Some(token.as_str())),
        ]
    );

    // The same token serves the manifest of the same repository.
    let manifest = "/v2/library/python/manifests/3.12.4-slim-bookworm";
    let digest = "sha256:9b9cd46b4d5a6b8b3b2f8b1f8b1e8d8d6b0c1f5b1d3e5f7a9c1e3f5a7c9e1f3a";
    server.route(
        manifest,
        Response::ok(fixture("python-index.json"))
            .header("Content-Type", "application/vnd.oci.image.index.v1+json")
            .header("Docker-Content-Digest", digest),
    );
    assert_eq!(
        registry
            .tag_digest("python", "3.12.4-slim-bookworm")
            .unwrap()
            .as_deref(),
        Some(digest)
    );
    let asked = server.requests().pop().unwrap();
    assert_eq!(asked.header("authorization"), Some(token.as_str()));
    let accept = asked.header("accept").unwrap();
    for media_type in [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ] {
        assert!(accept.contains(media_type), "{media_type} not in {accept}");
    }
    assert_eq!(server.hits(&token_path), 1);
}

#[test]
fn an_oauth_access_token_is_used_and_a_short_lived_one_is_not_kept() {
    let server = TestServer::start();
    let challenge = Response::status(401).header(
        "WWW-Authenticate",
        &format!(
            r#"Bearer realm="{}?client=polyver",service="registry.internal""#,
            server.url("/oauth/token")
        ),
    );
    let list = "/v2/team/app/tags/list?n=1000";
    let manifest = "/v2/team/app/manifests/1.0.0";
    server.queue(list, [challenge.clone()]);
    server.queue(manifest, [challenge]);
    server.route(
        list,
        Response::ok(r#"{"name":"team/app","tags":["1.0.0"]}"#),
    );
    server.route(
        manifest,
        Response::ok(fixture("docker-manifest-v2.json")).header(
            "Docker-Content-Digest",
            "sha256:0000000000000000000000000000000000000000000000000000000000000001",
        ),
    );
    // Without a scope in the challenge, the client asks for pull access to the repository.
    let token_path = "/oauth/token?client=polyver&service=registry.internal&scope=repository%3Ateam%2Fapp%3Apull";
    server.route(
        token_path,
        Response::ok(fixture("oauth-token-short-lived.json")),
    );
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);

    assert_eq!(
        tags(&registry.package("team/app").unwrap().unwrap()),
        ["1.0.0"]
    );
    assert!(registry.tag_digest("team/app", "1.0.0").unwrap().is_some());
    // `expires_in: 5` leaves nothing usable: each request earned its own token.
    assert_eq!(server.hits(token_path), 2);
    let retried = server.requests().pop().unwrap();
    assert_eq!(
        retried.header("authorization"),
        Some("Bearer b2F1dGgtYWNjZXNzLXRva2Vu")
    );
}

#[test]
fn a_missing_repository_or_tag_is_none() {
    let server = TestServer::start();
    let not_found = |body: &str| {
        Response::status(404)
            .header("Content-Type", "application/json")
            .body(fixture(body))
    };
    server.route(
        "/v2/team/missing/tags/list?n=1000",
        not_found("name-unknown.json"),
    );
    server.route(
        "/v2/team/app/manifests/9.9.9",
        not_found("manifest-unknown.json"),
    );
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);
    assert!(registry.package("team/missing").unwrap().is_none());
    assert!(registry.tag_digest("team/app", "9.9.9").unwrap().is_none());
}

#[test]
fn a_refusal_is_unauthorized() {
    let server = TestServer::start();
    // Docker Hub's answer for a private (or non-existent) repository: a token is granted,
    // and the registry still refuses it.
    let private = "/v2/library/private-thing/tags/list?n=1000";
    server.route(private, bearer_challenge(&server, "library/private-thing"));
    server.route(
        "/token?service=registry.docker.io&scope=repository%3Alibrary%2Fprivate-thing%3Apull",
        Response::ok(fixture("docker-hub-token.json")),
    );
    // A 403 DENIED.
    server.route(
        "/v2/team/denied/tags/list?n=1000",
        Response::status(403).body(fixture("denied.json")),
    );
    // A Basic challenge, and no credentials configured.
    server.route(
        "/v2/team/basic/tags/list?n=1000",
        Response::status(401).header("WWW-Authenticate", r#"Basic realm="Registry Realm""#),
    );
    // A 401 with no challenge at all.
    server.route("/v2/team/bare/tags/list?n=1000", Response::status(401));
    // The token service refuses.
    server.route(
        "/v2/team/no-token/tags/list?n=1000",
        bearer_challenge(&server, "team/no-token"),
    );
    server.route(
        "/token?service=registry.docker.io&scope=repository%3Ateam%2Fno-token%3Apull",
        Response::status(401),
    );
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);

    let status = |name: &str| match registry.package(name) {
        Err(UpstreamError::Unauthorized { status, url }) => {
            assert!(url.starts_with(server.base_url()), "{url}");
            status
        }
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(status("private-thing"), 401);
    assert_eq!(status("team/denied"), 403);
    assert_eq!(status("team/basic"), 401);
    assert_eq!(status("team/bare"), 401);
    assert_eq!(status("team/no-token"), 401);
    // One token request for the private repository, then the refusal: no loop.
    assert_eq!(server.hits(private), 2);
    let message = registry.package("private-thing").unwrap_err().to_string();
    assert!(message.contains("[registries]"), "{message}");
}

#[test]
fn configured_basic_credentials_answer_challenges_and_reach_the_token_service() {
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), Some(basic()));
    let header = basic().header();

    // A Basic registry (htpasswd): the credentials go with the request.
    server.route(
        "/v2/team/app/tags/list?n=1000",
        Response::ok(r#"{"name":"team/app","tags":["2.0"]}"#),
    );
    assert_eq!(
        tags(&registry.package("team/app").unwrap().unwrap()),
        ["2.0"]
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(header.as_str())
    );

    // A Bearer registry: the token service gets them, the registry gets the token.
    let list = "/v2/library/python/tags/list?n=1000";
    server.queue(list, [bearer_challenge(&server, "library/python")]);
    server.route(list, Response::ok(fixture("python-tags-page-2.json")));
    let token_path = format!("/token?service=registry.docker.io&scope={HUB_SCOPE}");
    server.route(&token_path, Response::ok(fixture("docker-hub-token.json")));
    registry.package("python").unwrap().unwrap();
    let requests = server.requests();
    let token_request = requests.iter().find(|r| r.path == token_path).unwrap();
    assert_eq!(token_request.header("authorization"), Some(header.as_str()));
    assert!(requests
        .last()
        .unwrap()
        .header("authorization")
        .unwrap()
        .starts_with("Bearer eyJ"));

    // Credentials the registry refuses: Unauthorized, not a loop.
    server.route(
        "/v2/team/wrong/tags/list?n=1000",
        Response::status(401).header("WWW-Authenticate", r#"Basic realm="Registry Realm""#),
    );
    assert!(matches!(
        registry.package("team/wrong"),
        Err(UpstreamError::Unauthorized { status: 401, .. })
    ));
    assert_eq!(server.hits("/v2/team/wrong/tags/list?n=1000"), 1);

    // Never to a plain-HTTP token service elsewhere.
    server.route(
        "/v2/team/leak/tags/list?n=1000",
        Response::status(401).header(
            "WWW-Authenticate",
            r#"Bearer realm="http://auth.example.invalid/token",service="x""#,
        ),
    );
    let error = registry.package("team/leak").unwrap_err().to_string();
    assert!(error.contains("not HTTPS"), "{error}");
}

#[test]
fn images_naming_a_registry_go_there_and_get_the_credentials_only_if_it_is_the_configured_one() {
    let mirror = TestServer::start();
    let other = TestServer::start();
    let other_host = other.base_url().trim_start_matches("http://").to_string();
    let mirror_host = mirror.base_url().trim_start_matches("http://").to_string();
    for server in [&mirror, &other] {
        server.route(
            "/v2/owner/img/tags/list?n=1000",
            Response::ok(r#"{"name":"owner/img","tags":["v1"]}"#),
        );
    }
    mirror.route(
        "/v2/library/postgres/tags/list?n=1000",
        Response::ok(r#"{"name":"library/postgres","tags":["16.3-alpine3.20"]}"#),
    );
    let cache = tempfile::tempdir().unwrap();
    // `https://…/v2/` is accepted for the base as well.
    let base = format!("{}/v2/", mirror.base_url());
    let registry = oci::Client::new(Endpoint::new(net(cache.path()), &base, Some(basic())));

    // An explicit loopback host: plain HTTP, no credentials.
    let package = registry
        .package(&format!("{other_host}/owner/img"))
        .unwrap()
        .unwrap();
    assert_eq!(tags(&package), ["v1"]);
    assert_eq!(package.url, other.url("/v2/owner/img/tags/list?n=1000"));
    assert_eq!(other.requests()[0].header("authorization"), None);
    assert_eq!(mirror.requests().len(), 0);

    // The configured host itself: its credentials.
    registry
        .package(&format!("{mirror_host}/owner/img"))
        .unwrap()
        .unwrap();
    // Docker Hub names: the mirror, with `library/`.
    let postgres = registry.package("postgres").unwrap().unwrap();
    assert_eq!(tags(&postgres), ["16.3-alpine3.20"]);
    let header = basic().header();
    for request in mirror.requests() {
        assert_eq!(request.header("authorization"), Some(header.as_str()));
    }
    assert_eq!(mirror.requests().len(), 2);

    // A name the API cannot express is refused before any request.
    assert!(matches!(
        registry.package("Not/Valid"),
        Err(UpstreamError::BadName { .. })
    ));
    assert!(matches!(
        registry.tag_digest("postgres", "a/b"),
        Err(UpstreamError::BadName { .. })
    ));
}

#[test]
fn pagination_stops_at_loops_foreign_origins_and_fifty_pages() {
    let server = TestServer::start();
    let first = |name: &str| format!("/v2/team/{name}/tags/list?n=1000");
    // A link back to the first page.
    server.route(
        &first("loop"),
        Response::ok(r#"{"tags":["a"]}"#).header("Link", "<?n=1000>; rel=\"next\""),
    );
    // A link to another server.
    server.route(
        &first("away"),
        Response::ok(r#"{"tags":["a"]}"#).header(
            "Link",
            "<https://elsewhere.example/v2/team/away/tags/list?last=a>; rel=\"next\"",
        ),
    );
    // 51 pages, each linking to the next with a path-relative link.
    let page = |i: usize| {
        if i == 0 {
            first("long")
        } else {
            format!("/v2/team/long/tags/list?last=t{i}&n=1000")
        }
    };
    for i in 0..51 {
        server.route(
            &page(i),
            Response::ok(format!(r#"{{"tags":["t{}"]}}"#, i + 1)).header(
                "Link",
                &format!("<list?last=t{}&n=1000>; rel=\"next\"", i + 1),
            ),
        );
    }
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);
    let message = |name: &str| registry.package(name).unwrap_err().to_string();
    assert!(message("team/loop").contains("loops back"));
    assert!(message("team/away").contains("another server"));
    let long = message("team/long");
    assert!(long.contains("past 50 pages (50 tags read)"), "{long}");
    assert_eq!(server.hits(&page(49)), 1);
    assert_eq!(server.hits(&page(50)), 0);
}

#[test]
fn a_registry_that_rejects_n_is_asked_without_it() {
    let server = TestServer::start();
    server.route(
        "/v2/team/app/tags/list?n=1000",
        Response::status(400).body(fixture("pagination-number-invalid.json")),
    );
    server.route(
        "/v2/team/app/tags/list",
        Response::ok(r#"{"name":"team/app","tags":["1","2"]}"#),
    );
    let cache = tempfile::tempdir().unwrap();
    let package = client(&server, cache.path(), None)
        .package("team/app")
        .unwrap()
        .unwrap();
    assert_eq!(tags(&package), ["1", "2"]);
    assert_eq!(package.url, server.url("/v2/team/app/tags/list"));
}

#[test]
fn an_answer_that_is_not_a_tag_list_is_malformed_and_null_tags_are_none() {
    let server = TestServer::start();
    server.route(
        "/v2/team/html/tags/list?n=1000",
        Response::ok("<html>login</html>"),
    );
    server.route(
        "/v2/team/empty/tags/list?n=1000",
        Response::ok(r#"{"name":"team/empty","tags":null}"#),
    );
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);
    match registry.package("team/html") {
        Err(UpstreamError::Malformed { url, reason }) => {
            assert!(url.ends_with("/v2/team/html/tags/list?n=1000"));
            assert!(reason.contains("not a tag list"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(registry
        .package("team/empty")
        .unwrap()
        .unwrap()
        .releases
        .is_empty());
}

#[test]
fn the_digest_comes_from_the_header_else_from_the_manifest_bytes() {
    use sha2::{Digest, Sha256};
    let server = TestServer::start();
    let manifest = fixture("docker-manifest-v2.json");
    server.route(
        "/v2/team/app/manifests/1.0.0",
        Response::ok(manifest.clone()).header(
            "Content-Type",
            "application/vnd.docker.distribution.manifest.v2+json",
        ),
    );
    server.route(
        "/v2/team/app/manifests/bad",
        Response::ok(manifest.clone()).header("Docker-Content-Digest", "md5-ish"),
    );
    server.route("/v2/team/app/manifests/empty", Response::ok(""));
    let cache = tempfile::tempdir().unwrap();
    let registry = client(&server, cache.path(), None);
    let expected: String = Sha256::digest(&manifest)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        registry.tag_digest("team/app", "1.0.0").unwrap(),
        Some(format!("sha256:{expected}"))
    );
    assert!(matches!(
        registry.tag_digest("team/app", "bad"),
        Err(UpstreamError::Malformed { .. })
    ));
    assert!(matches!(
        registry.tag_digest("team/app", "empty"),
        Err(UpstreamError::Malformed { .. })
    ));
}

#[test]
fn the_docker_row_of_registries_builds_this_client_on_the_configured_url() {
    let server = TestServer::start();
    server.route(
        "/v2/library/redis/tags/list?n=1000",
        Response::ok(r#"{"name":"library/redis","tags":["7.2.5-alpine"]}"#),
    );
    let mut config = polyver_config::RegistriesSection::default();
    config.by_ecosystem.insert(
        "docker".into(),
        polyver_config::Registry {
            url: Some(server.base_url().to_string()),
            auth: None,
            line: 2,
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let upstream = Upstream::new(net(cache.path()), &config).unwrap();
    let registry = upstream
        .registry(polyver_model::Ecosystem::Docker)
        .expect("a docker registry");
    let package = registry.package("redis").unwrap().unwrap();
    assert_eq!(tags(&package), ["7.2.5-alpine"]);
}
