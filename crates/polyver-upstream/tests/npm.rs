//! The npm client against recorded packuments (registry.npmjs.org's format: an unscoped
//! deprecated package, a scoped one with an unpublished version, an unpublished package), then
//! against a real verdaccio that the test publishes to with the npm client.

mod support;

use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::npm::Client;
use polyver_upstream::{Package, Registry, Timestamp, UpstreamError};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::{endpoint, fixture, free_port, http, run, tools_or_skip, Service};

fn ts(text: &str) -> Option<Timestamp> {
    Some(text.parse().unwrap())
}

/// `(version, deprecated, published)` of every release, by version.
fn summary(package: &Package) -> Vec<(&str, Option<&str>, Option<Timestamp>)> {
    let mut out: Vec<_> = package
        .releases
        .iter()
        .map(|r| (r.version.as_str(), r.deprecated.as_deref(), r.published))
        .collect();
    out.sort();
    out
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(t, v)| (t.to_string(), v.to_string()))
        .collect()
}

fn serve(path: &str, file: &str) -> TestServer {
    let server = TestServer::start();
    server.route(
        path,
        Response::ok(fixture(file)).header("Content-Type", "application/json"),
    );
    server
}

const REQUEST_DEPRECATION: &str =
    "request has been deprecated, see https://github.com/request/request/issues/3142";

#[test]
fn full_packument_gives_dates_tags_and_deprecations() {
    let server = serve("/request", "npm/request.json");
    let (endpoint, _cache) = endpoint(server.base_url());
    let package = Client::new(endpoint).package("request").unwrap().unwrap();

    let asked = &server.requests()[0];
    // The full document: the abbreviated one has no `time`.
    assert_eq!(asked.header("accept"), Some("application/json"));
    assert_eq!(package.url, server.url("/request"));
    assert_eq!(
        summary(&package),
        [
            (
                "2.88.0",
                Some(REQUEST_DEPRECATION),
                ts("2018-08-10T19:31:20.193Z")
            ),
            // `deprecated: ""` is how a deprecation is lifted.
            ("2.88.1", None, ts("2020-02-11T16:35:25.611Z")),
            (
                "2.88.2",
                Some(REQUEST_DEPRECATION),
                ts("2020-02-11T16:50:19.112Z")
            ),
        ]
    );
    assert_eq!(package.tags, tags(&[("latest", "2.88.2")]));
    // `latest` is deprecated: so is the package.
    assert_eq!(package.deprecated.as_deref(), Some(REQUEST_DEPRECATION));
    assert!(package.releases.iter().all(|r| r.yanked.is_none()));
}

#[test]
fn scoped_name_is_encoded_and_unpublished_versions_are_not_releases() {
    let server = serve("/@angular%2fcore", "npm/scoped.json");
    let (endpoint, _cache) = endpoint(server.base_url());
    let package = Client::new(endpoint)
        .package("@angular/core")
        .unwrap()
        .expect("served at @angular%2fcore");
    assert_eq!(package.name, "@angular/core");
    assert_eq!(
        summary(&package),
        [
            (
                "17.3.0",
                Some("Angular v17 is no longer supported. Use @angular/core@18 or newer."),
                ts("2024-03-13T21:05:20.876Z")
            ),
            // 18.0.1 is in `time` but not in `versions`: unpublished.
            ("18.0.0", None, ts("2024-05-22T17:31:19.345Z")),
            ("18.1.0-next.0", None, ts("2024-05-29T17:45:10.002Z")),
        ]
    );
    assert_eq!(
        package.tags,
        tags(&[
            ("latest", "18.0.0"),
            ("next", "18.1.0-next.0"),
            ("v17-lts", "17.3.0")
        ])
    );
    // An old line deprecated, `latest` not: the package is not.
    assert_eq!(package.deprecated, None);
}

#[test]
fn a_wholly_unpublished_package_and_an_unknown_one_are_none() {
    let server = serve("/left-pad-legacy", "npm/unpublished.json");
    let (endpoint, _cache) = endpoint(server.base_url());
    let client = Client::new(endpoint);
    assert_eq!(client.package("left-pad-legacy").unwrap(), None);
    assert_eq!(client.package("@nobody/nothing").unwrap(), None);
    assert_eq!(server.hits("/@nobody%2fnothing"), 1);
}

#[test]
fn malformed_json_is_an_error_naming_the_url() {
    let server = TestServer::start();
    server.route(
        "/broken",
        Response::ok("{\"versions\": {\"1.0.0\": ").header("Content-Type", "application/json"),
    );
    server.route(
        "/odd",
        Response::ok(r#"{"versions": {"1.0.0": {}}, "time": {"1.0.0": "last tuesday"}}"#),
    );
    let (endpoint, _cache) = endpoint(server.base_url());
    let client = Client::new(endpoint);
    let err = client.package("broken").unwrap_err();
    assert!(
        matches!(&err, UpstreamError::Malformed { url, .. } if *url == server.url("/broken")),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(&server.url("/broken")), "{err}");
    // An unreadable date is no date, not an error.
    let odd = client.package("odd").unwrap().unwrap();
    assert_eq!(summary(&odd), [("1.0.0", None, None)]);
}

#[test]
fn a_name_no_registry_can_hold_is_refused_without_a_request() {
    let server = TestServer::start();
    let (endpoint, _cache) = endpoint(server.base_url());
    let client = Client::new(endpoint);
    for name in ["../../etc", "file:../local", "@scope", ""] {
        let err = client.package(name).unwrap_err();
        assert!(
            matches!(err, UpstreamError::BadName { .. }),
            "{name}: {err:?}"
        );
    }
    assert!(server.requests().is_empty());
}

/// `verdaccio.yaml`: storage and users in `dir`, no uplink (never the network), everyone
/// may read, users may publish.
fn verdaccio_config(dir: &Path) -> String {
    let access = "    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n";
    format!(
        "storage: {storage}\nauth:\n  htpasswd:\n    file: {htpasswd}\n    max_users: 10\n\
         uplinks: {{}}\npackages:\n  '@*/*':\n{access}  '**':\n{access}\
         web:\n  enable: false\nlog: {{ type: stdout, format: pretty, level: warn }}\n",
        storage = dir.join("storage").display(),
        htpasswd = dir.join("htpasswd").display(),
    )
}

#[test]
fn real_verdaccio() {
    let Some(tools) = tools_or_skip("real_verdaccio", &["verdaccio", "npm"]) else {
        return;
    };
    let (verdaccio, npm) = (&tools[0], &tools[1]);
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("verdaccio.yaml");
    std::fs::write(&config, verdaccio_config(work.path())).unwrap();
    let port = free_port();
    let registry = format!("http://127.0.0.1:{port}/");
    let mut command = Command::new(verdaccio);
    command
        .arg("--config")
        .arg(&config)
        .args(["--listen", &format!("127.0.0.1:{port}")]);
    let mut server = Service::start("verdaccio", command, &work.path().join("server.log"));
    server.wait_for(&format!("{registry}-/ping"), Duration::from_secs(60));

    // A user, through the CouchDB-style endpoint `npm adduser` uses; its token publishes.
    let (status, body) = http(
        "PUT",
        &format!("{registry}-/user/org.couchdb.user:polyver"),
        &[("Content-Type", "application/json")],
        Some(br#"{"name": "polyver", "password": "polyver-test-password"}"#),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = answer["token"].as_str().expect("a token");
    let npmrc = work.path().join("npmrc");
    std::fs::write(&npmrc, format!("//127.0.0.1:{port}/:_authToken={token}\n")).unwrap();

    let npm = |dir: &Path, args: &[&str]| {
        let mut command = Command::new(npm);
        command
            .current_dir(dir)
            .args(args)
            .arg("--registry")
            .arg(&registry)
            .arg("--userconfig")
            .arg(&npmrc)
            .env("npm_config_cache", work.path().join("npm-cache"))
            .env("npm_config_update_notifier", "false")
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false");
        run(command)
    };
    let publish = |name: &str, version: &str, tag: &str| {
        let dir = work
            .path()
            .join(format!("{}-{version}", name.replace('/', "+")));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = serde_json::json!({
            "name": name, "version": version, "description": "polyver test", "license": "MIT"
        });
        std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
        npm(&dir, &["publish", "--tag", tag]);
    };

    let before = Timestamp::now();
    publish("@polyver/demo", "1.0.0", "latest");
    publish("@polyver/demo", "1.1.0", "latest");
    publish("@polyver/demo", "2.0.0-beta.1", "next");
    publish("@polyver/demo", "1.2.0-rc.1", "rc");
    npm(work.path(), &["unpublish", "@polyver/demo@1.2.0-rc.1"]);
    npm(
        work.path(),
        &[
            "deprecate",
            "@polyver/demo@1.0.0",
            "use 1.1.0: security fix",
        ],
    );
    publish("polyver-old", "0.1.0", "latest");
    npm(
        work.path(),
        &["deprecate", "polyver-old", "no longer maintained"],
    );
    let after = Timestamp::now();

    let (endpoint, _cache) = endpoint(&format!("http://127.0.0.1:{port}"));
    let client = Client::new(endpoint);
    let demo = client.package("@polyver/demo").unwrap().expect("published");
    let releases = summary(&demo);
    let found: Vec<(&str, Option<&str>)> = releases.iter().map(|(v, d, _)| (*v, *d)).collect();
    assert_eq!(
        found,
        [
            ("1.0.0", Some("use 1.1.0: security fix")),
            ("1.1.0", None),
            ("2.0.0-beta.1", None),
        ]
    );
    let dates: Vec<Timestamp> = ["1.0.0", "1.1.0", "2.0.0-beta.1"]
        .iter()
        .map(|v| demo.release(v).unwrap().published.expect("dated"))
        .collect();
    assert!(
        before <= dates[0] && dates[0] < dates[1] && dates[1] < dates[2] && dates[2] <= after,
        "{before} {dates:?} {after}"
    );
    assert_eq!(demo.tags.get("latest").map(String::as_str), Some("1.1.0"));
    assert_eq!(
        demo.tags.get("next").map(String::as_str),
        Some("2.0.0-beta.1")
    );
    assert_eq!(demo.deprecated, None);

    let old = client.package("polyver-old").unwrap().expect("published");
    assert_eq!(old.deprecated.as_deref(), Some("no longer maintained"));
    assert_eq!(client.package("@polyver/nothing").unwrap(), None);
}
