//! The PyPI client against recorded Simple API pages (PEP 691 JSON, PEP 503 HTML from
//! pypi.org, pypiserver and devpi, the legacy JSON API), then against real pypiserver and
//! devpi-server instances serving distributions made for the test.

mod support;

use polyver_model::Ecosystem;
use polyver_net::testing::{Response, TestServer};
use polyver_upstream::registries::pypi::{Client, Project};
use polyver_upstream::{Registry, Release, Timestamp, Upstream, UpstreamError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use support::{endpoint, fixture, free_port, run, tools_or_skip, Service};

const PEP_691: &str = "application/vnd.pypi.simple.v1+json";

fn ts(text: &str) -> Option<Timestamp> {
    Some(text.parse().unwrap())
}

/// `(version, yanked, published)` of every release, in the client's order.
fn summary(project: &Project) -> Vec<(&str, Option<&str>, Option<Timestamp>)> {
    project
        .package
        .releases
        .iter()
        .map(|r| (r.version.as_str(), r.yanked.as_deref(), r.published))
        .collect()
}

fn project(server: &TestServer, base_path: &str, name: &str) -> Project {
    let (endpoint, _cache) = endpoint(&server.url(base_path));
    Client::new(endpoint)
        .project(name)
        .unwrap()
        .expect("the project exists")
}

#[test]
fn pep_691_json_page_gives_versions_yanks_dates_and_hashes() {
    let server = TestServer::start();
    server.route(
        "/simple/requests/",
        Response::ok(fixture("pypi/requests.json")).header("Content-Type", PEP_691),
    );
    let project = project(&server, "/simple", "Requests");

    let asked = &server.requests()[0];
    assert_eq!(asked.path, "/simple/requests/");
    assert!(
        asked.header("accept").unwrap().starts_with(PEP_691),
        "JSON is preferred: {asked:?}"
    );
    assert_eq!(project.package.name, "Requests");
    assert_eq!(project.package.url, server.url("/simple/requests/"));
    assert_eq!(
        summary(&project),
        [
            ("2.31.0", None, ts("2023-05-22T15:12:42.31379Z")),
            (
                "2.32.0",
                // The wheel's reason; the sdist is yanked without one.
                Some("Yanked due to conflicts with CVE-2024-35195 mitigation"),
                ts("2024-05-20T15:56:15.921124Z")
            ),
            ("2.32.3", None, ts("2024-05-29T15:37:47.027401Z")),
            // PEP 700 lists it although it has no file: a release, undated.
            ("2.33.0rc1", None, None),
        ]
    );
    // The dates came from the page: the JSON API is not asked.
    assert_eq!(server.hits("/pypi/requests/json"), 0);

    let files: Vec<_> = project
        .files
        .iter()
        .map(|f| (f.filename.as_str(), f.version.as_deref()))
        .collect();
    assert_eq!(files.len(), 7);
    assert_eq!(files[6], ("requests-2.32.3.tar.gz.asc", None));
    assert_eq!(
        files[4],
        ("requests-2.32.3-py3-none-any.whl", Some("2.32.3"))
    );
    assert_eq!(
        project.files[4].sha256.as_deref(),
        Some("70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6")
    );
    assert_eq!(project.files[3].yanked.as_deref(), Some(""));
    assert_eq!(project.files[6].sha256, None);
}

#[test]
fn pep_503_html_page_reads_like_the_json_one_without_dates() {
    let server = TestServer::start();
    server.route(
        "/simple/requests/",
        Response::ok(fixture("pypi/requests.html")).header("Content-Type", "text/html"),
    );
    let html = project(&server, "/simple", "requests");

    server.route(
        "/simple/requests/",
        Response::ok(fixture("pypi/requests.json")).header("Content-Type", PEP_691),
    );
    let json = project(&server, "/simple", "requests");

    // No upload times in HTML: the JSON API beside /simple was asked, and its 404 only
    // means there are no dates.
    assert_eq!(server.hits("/pypi/requests/json"), 1);
    let undated: Vec<Release> = json
        .package
        .releases
        .iter()
        .filter(|r| r.version != "2.33.0rc1") // only PEP 700's `versions` names it
        .map(|r| Release {
            published: None,
            ..r.clone()
        })
        .collect();
    assert_eq!(html.package.releases, undated);
    let hashes =
        |p: &Project| -> Vec<Option<String>> { p.files.iter().map(|f| f.sha256.clone()).collect() };
    assert_eq!(hashes(&html), hashes(&json));
}

#[test]
fn entity_escaped_html_as_devpi_writes_it() {
    let server = TestServer::start();
    server.route(
        "/root/dev/+simple/polyver-demo/",
        Response::ok(fixture("pypi/devpi-escaped.html"))
            .header("Content-Type", "text/html; charset=UTF-8"),
    );
    let project = project(&server, "/root/dev/+simple", "Polyver.Demo");
    assert_eq!(
        summary(&project),
        [
            (
                "2.0.0b1",
                Some("breaks \"import demo\" on Python <3.10 & PyPy \u{2014} use 2.0.0b2"),
                None
            ),
            // Its wheel is yanked, its sdist is not: the release stands (PEP 592).
            ("1.0.0", None, None),
        ]
    );
    assert_eq!(
        project.files[0].filename,
        "Polyver_Demo-2.0.0b1-py3-none-any.whl"
    );
    assert_eq!(project.files[2].yanked.as_deref(), Some(""));
    // A base not ending in /simple has no JSON API beside it: nothing else was asked.
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn dates_missing_from_the_simple_page_come_from_the_json_api() {
    let server = TestServer::start();
    server.route(
        "/simple/polyver-demo/",
        Response::ok(fixture("pypi/pypiserver-polyver-demo.html"))
            .header("Content-Type", "text/html; charset=UTF-8"),
    );
    server.route(
        "/pypi/polyver-demo/json",
        Response::ok(fixture("pypi/json-api-polyver-demo.json"))
            .header("Content-Type", "application/json"),
    );
    let project = project(&server, "/simple", "polyver_demo");
    assert_eq!(
        summary(&project),
        [
            // The sdist (`upload_time` only, UTC without a zone) was uploaded first.
            ("1.0.0", None, ts("2024-03-01T10:14:58Z")),
            ("2.0.0b1", None, ts("2024-06-11T08:00:41.1002Z")),
        ]
    );
    let docs = project.files.last().unwrap();
    assert_eq!(
        (docs.filename.as_str(), &docs.version),
        ("polyver-demo-docs.zip", &None)
    );
    assert_eq!(
        project.files[0].upload_time,
        ts("2024-03-01T10:15:02.481516Z")
    );
}

#[test]
fn a_json_api_that_is_not_json_gives_no_dates_and_a_broken_one_an_error() {
    let server = TestServer::start();
    server.route(
        "/simple/polyver-demo/",
        Response::ok(fixture("pypi/pypiserver-polyver-demo.html"))
            .header("Content-Type", "text/html"),
    );
    // An index whose catch-all answers every path with a web page.
    server.route(
        "/pypi/polyver-demo/json",
        Response::ok("<html>Welcome</html>").header("Content-Type", "text/html"),
    );
    let project = project(&server, "/simple", "polyver-demo");
    assert!(project
        .package
        .releases
        .iter()
        .all(|r| r.published.is_none()));

    server.route(
        "/pypi/polyver-demo/json",
        Response::ok("{\"releases\": [").header("Content-Type", "application/json"),
    );
    let (endpoint, _cache) = endpoint(&server.url("/simple"));
    let err = Client::new(endpoint).project("polyver-demo").unwrap_err();
    let url = server.url("/pypi/polyver-demo/json");
    assert!(
        matches!(&err, UpstreamError::Malformed { url: u, .. } if *u == url),
        "{err}"
    );
}

#[test]
fn malformed_pep_691_json_is_an_error_naming_the_url() {
    let server = TestServer::start();
    server.route(
        "/simple/broken/",
        Response::ok("{\"meta\": {\"api-version\": \"1.0\"}, \"files\": [")
            .header("Content-Type", PEP_691),
    );
    let (endpoint, _cache) = endpoint(&server.url("/simple"));
    let err = Client::new(endpoint).package("broken").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, UpstreamError::Malformed { .. }), "{err:?}");
    assert!(
        message.starts_with(&server.url("/simple/broken/")),
        "{message}"
    );
}

#[test]
fn an_unknown_project_is_none_and_a_bad_name_is_never_asked() {
    let server = TestServer::start();
    let (endpoint, _cache) = endpoint(&server.url("/simple"));
    let client = Client::new(endpoint);
    assert_eq!(client.package("not-there").unwrap(), None);
    assert_eq!(server.hits("/simple/not-there/"), 1);

    let err = client.package("../etc/passwd").unwrap_err();
    assert!(matches!(err, UpstreamError::BadName { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_archived_project_is_deprecated_as_a_whole() {
    let server = TestServer::start();
    server.route(
        "/simple/pepy/",
        Response::ok(fixture("pypi/archived.json")).header("Content-Type", PEP_691),
    );
    let project = project(&server, "/simple", "pepy");
    assert_eq!(
        project.package.deprecated.as_deref(),
        Some("archived: superseded by pepy-tech")
    );
    assert_eq!(
        summary(&project),
        [("0.1.0", None, ts("2019-02-14T21:05:13.412Z"))]
    );
}

#[test]
fn registries_pypi_url_points_the_client_at_a_private_index() {
    let server = TestServer::start();
    server.route(
        "/private/simple/requests/",
        Response::ok(fixture("pypi/requests.json")).header("Content-Type", PEP_691),
    );
    let mut config = polyver_config::RegistriesSection::default();
    config.by_ecosystem.insert(
        "pypi".into(),
        polyver_config::Registry {
            url: Some(server.url("/private/simple/")),
            auth: None,
            line: 1,
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let http = polyver_net::Client::new(polyver_net::Options {
        cache_dir: Some(cache.path().to_path_buf()),
        ..polyver_net::Options::default()
    })
    .unwrap();
    let upstream = Upstream::new(Arc::new(http), &config).unwrap();
    let registry = upstream.registry(Ecosystem::Pypi).expect("a PyPI registry");
    let package = registry.package("requests").unwrap().unwrap();
    assert_eq!(package.releases.len(), 4);
    assert!(upstream.registry(Ecosystem::Npm).is_some());
}

/// The distributions made for the real-index tests: `Polyver.Demo` 1.0.0 (sdist and wheel)
/// and 2.0.0b1 (wheel), by file name with their sha256.
fn make_dists(dir: &std::path::Path) -> BTreeMap<String, String> {
    let mut command = Command::new("python3");
    command
        .arg(support::support_file("make_dists.py"))
        .arg(dir)
        .args(["Polyver.Demo", "1.0.0", "2.0.0b1:wheel"]);
    run(command)
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(path, sha)| {
            let name = std::path::Path::new(path).file_name().unwrap();
            (name.to_string_lossy().into_owned(), sha.to_string())
        })
        .collect()
}

/// What both real indexes must answer for the distributions of [`make_dists`]: the two
/// versions, nothing yanked, every file with its true sha256, and no dates (neither index
/// states upload times in the Simple API).
fn assert_demo_project(project: &Project, made: &BTreeMap<String, String>) {
    let mut releases = summary(project);
    releases.sort();
    assert_eq!(releases, [("1.0.0", None, None), ("2.0.0b1", None, None)]);
    let served: BTreeMap<String, String> = project
        .files
        .iter()
        .map(|f| (f.filename.clone(), f.sha256.clone().unwrap_or_default()))
        .collect();
    assert_eq!(&served, made);
}

#[test]
fn real_pypiserver() {
    let Some(tools) = tools_or_skip("real_pypiserver", &["pypi-server"]) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let packages = work.path().join("packages");
    let made = make_dists(&packages);
    let port = free_port();
    let mut command = Command::new(&tools[0]);
    command
        .args(["run", "-i", "127.0.0.1", "-p", &port.to_string()])
        // Never redirect an unknown project to pypi.org.
        .arg("--disable-fallback")
        .arg(&packages);
    let mut server = Service::start("pypi-server", command, &work.path().join("server.log"));
    let base = format!("http://127.0.0.1:{port}/simple");
    server.wait_for(&format!("{base}/"), Duration::from_secs(60));

    let (endpoint, _cache) = endpoint(&base);
    let client = Client::new(endpoint);
    let project = client.project("polyver-demo").unwrap().expect("served");
    assert_demo_project(&project, &made);
    // pypiserver has no JSON API at /pypi/{name}/json: its 404 is not an error (above), and
    // an unknown project is simply absent.
    assert_eq!(client.package("not-there").unwrap(), None);
}

/// A devpi-server on a fresh server directory without the root/pypi mirror (so nothing can
/// reach pypi.org), and the devpi client logged in to it as root.
struct Devpi {
    _server: Service,
    root: String,
    devpi: PathBuf,
    client_dir: PathBuf,
}

impl Devpi {
    /// `offline` forbids mirroring too; without it only the indexes the test creates exist.
    fn start(tools: &[PathBuf], work: &Path, offline: bool) -> Devpi {
        let [init, server, devpi] = [&tools[0], &tools[1], &tools[2]];
        let serverdir = work.join("server");
        let mut command = Command::new(init);
        command
            .arg("--serverdir")
            .arg(&serverdir)
            .arg("--no-root-pypi");
        run(command);
        let port = free_port();
        let mut command = Command::new(server);
        command.arg("--serverdir").arg(&serverdir).args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ]);
        if offline {
            command.arg("--offline-mode");
        }
        let mut server = Service::start("devpi-server", command, &work.join("server.log"));
        let root = format!("http://127.0.0.1:{port}");
        server.wait_for(&format!("{root}/+api"), Duration::from_secs(90));
        let devpi = Devpi {
            _server: server,
            root,
            devpi: devpi.clone(),
            client_dir: work.join("client"),
        };
        devpi.run(&["use", &devpi.root]);
        devpi.run(&["login", "root", "--password", ""]);
        devpi
    }

    fn run(&self, args: &[&str]) -> String {
        let mut command = Command::new(&self.devpi);
        command.arg("--clientdir").arg(&self.client_dir).args(args);
        run(command)
    }
}

const DEVPI_TOOLS: &[&str] = &["devpi-init", "devpi-server", "devpi"];

#[test]
fn real_devpi_server() {
    let Some(tools) = tools_or_skip("real_devpi_server", DEVPI_TOOLS) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let made = make_dists(&work.path().join("dist"));
    let devpi = Devpi::start(&tools, work.path(), true);
    // Upload as devpi users do: an index without bases, then the files.
    devpi.run(&["index", "-c", "dev", "bases="]);
    devpi.run(&["use", "root/dev"]);
    let mut upload = vec!["upload".to_string()];
    upload.extend(
        made.keys()
            .map(|f| work.path().join("dist").join(f).display().to_string()),
    );
    devpi.run(&upload.iter().map(String::as_str).collect::<Vec<_>>());

    let (endpoint, _cache) = endpoint(&format!("{}/root/dev/+simple", devpi.root));
    let client = Client::new(endpoint);
    let project = client.project("Polyver.Demo").unwrap().expect("uploaded");
    assert_demo_project(&project, &made);
    assert_eq!(client.package("not-there").unwrap(), None);
}

/// devpi keeps no yanks on its own indexes ("PEP 592 isn't supported for private stages
/// yet"), but passes a mirrored index's through. So a mirror index whose upstream is the
/// test's own server (the recorded pypi.org page) shows what devpi writes for yanked files.
#[test]
fn real_devpi_mirror_passes_yanks_through() {
    let Some(tools) = tools_or_skip("real_devpi_mirror_passes_yanks_through", DEVPI_TOOLS) else {
        return;
    };
    let upstream = TestServer::start();
    upstream.route(
        "/simple/",
        Response::ok(
            r#"<!DOCTYPE html><html><body><a href="requests/">requests</a></body></html>"#,
        )
        .header("Content-Type", "text/html"),
    );
    upstream.route(
        "/simple/requests/",
        Response::ok(fixture("pypi/requests.json")).header("Content-Type", PEP_691),
    );
    let work = tempfile::tempdir().unwrap();
    let devpi = Devpi::start(&tools, work.path(), false);
    let mirror_url = format!("mirror_url={}", upstream.url("/simple/"));
    devpi.run(&["index", "-c", "upstream", "type=mirror", &mirror_url]);

    let (endpoint, _cache) = endpoint(&format!("{}/root/upstream/+simple", devpi.root));
    let project = Client::new(endpoint)
        .project("requests")
        .unwrap()
        .expect("mirrored");
    assert!(
        upstream.hits("/simple/requests/") >= 1,
        "devpi asked its upstream"
    );
    // devpi drops PEP 700's `versions` and upload times, and keeps the yanks.
    let mut releases = summary(&project);
    releases.sort();
    assert_eq!(
        releases,
        [
            ("2.31.0", None, None),
            (
                "2.32.0",
                Some("Yanked due to conflicts with CVE-2024-35195 mitigation"),
                None
            ),
            ("2.32.3", None, None),
        ]
    );
    let hashes: BTreeMap<&str, Option<&str>> = project
        .files
        .iter()
        .map(|f| (f.filename.as_str(), f.sha256.as_deref()))
        .collect();
    assert_eq!(
        hashes.get("requests-2.32.3-py3-none-any.whl"),
        Some(&Some(
            "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"
        ))
    );
}
