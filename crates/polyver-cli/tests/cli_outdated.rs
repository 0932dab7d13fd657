//! `polyver outdated` end to end: the binary scans a small repository, asks registries
//! configured in `[registries]` (a local server answering in the registries' formats), and
//! reports current / wanted / latest; `--fail-on-outdated` gates; `--offline` answers from the
//! cache of the previous run without a request, and says what it could not answer. The rows
//! are stored with the repository's latest stored scan, `polyver push` sends them along, and
//! a real `polyver serve` shows them (`/api/v1/repositories/{repo}/outdated`, `/metrics`).

#[path = "common/serve.rs"]
mod serve;

use assert_cmd::Command;
use polyver_net::testing::{Response, TestServer};
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/outdated");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

struct Setup {
    server: TestServer,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let server = TestServer::start();
        server.route(
            "/simple/requests/",
            Response::ok(fixture("requests.json"))
                .header("Content-Type", "application/vnd.pypi.simple.v1+json")
                .header("ETag", "\"requests-1\""),
        );
        server.route(
            "/npm/express",
            Response::ok(fixture("express.json")).header("Content-Type", "application/json"),
        );
        server.route(
            "/npm/left-pad",
            Response::ok(fixture("left-pad.json")).header("Content-Type", "application/json"),
        );
        server.route(
            "/v2/library/python/tags/list?n=1000",
            Response::ok(fixture("python-tags.json")).header("Content-Type", "application/json"),
        );
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        write(&repo, "requirements.txt", "requests==2.31.0\n");
        write(
            &repo,
            "web/package.json",
            r#"{"name":"web","dependencies":{"express":"^4.17.0","left-pad":"1.1.0"}}"#,
        );
        write(
            &repo,
            "web/package-lock.json",
            r#"{"name":"web","lockfileVersion":3,"requires":true,"packages":{
              "":{"name":"web","dependencies":{"express":"^4.17.0","left-pad":"1.1.0"}},
              "node_modules/express":{"version":"4.17.1"},
              "node_modules/left-pad":{"version":"1.1.0"}}}"#,
        );
        write(&repo, "Dockerfile", "FROM python:3.10.12-slim-bookworm\n");
        write(
            dir.path(),
            "polyver.toml",
            &format!(
                "[registries]\npypi = \"{0}/simple\"\nnpm = \"{0}/npm\"\ndocker = \"{0}\"\n",
                server.base_url()
            ),
        );
        Setup { server, dir }
    }

    fn polyver(&self) -> Command {
        let mut cmd = Command::cargo_bin("polyver").unwrap();
        cmd.current_dir(self.dir.path().join("repo"))
            .env("NO_COLOR", "1")
            .env("POLYVER_CACHE_DIR", self.dir.path().join("cache"))
            .args(["outdated", "--config"])
            .arg(self.dir.path().join("polyver.toml"));
        cmd
    }

    fn json(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let out = self
            .polyver()
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap(), json)
    }
}

fn row<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}: {doc:#}"))
}

#[test]
fn current_wanted_latest_per_component_from_the_configured_registries() {
    let setup = Setup::new();
    let (code, doc) = setup.json(&[]);
    assert_eq!(code, 0);
    assert_eq!(doc["schema"], "polyver.outdated/v1");

    let requests = row(&doc, "requests");
    assert_eq!(requests["current"], "2.31.0");
    // 2.32.0 is yanked and 3.0.0rc1 a pre-release: neither is "latest".
    assert_eq!(requests["latest"], "2.32.3");
    assert_eq!(requests["bump"], "minor");
    assert_eq!(requests["minors_behind"], 1);
    assert_eq!(requests["current_published"], "2023-05-22T15:12:42.313Z");

    let express = row(&doc, "express");
    assert_eq!(express["path"], "web/package.json");
    assert_eq!(express["current"], "4.17.1");
    assert_eq!(express["current_from"], "web/package-lock.json");
    assert_eq!(express["wanted"], "4.21.2");
    assert_eq!(express["latest"], "5.1.0");
    assert_eq!(express["bump"], "major");
    assert_eq!(express["libyears"], 5.85);

    let left_pad = row(&doc, "left-pad");
    assert_eq!(left_pad["deprecated"], "use String.prototype.padStart()");

    let python = row(&doc, "python");
    assert_eq!(python["kind"], "image");
    assert_eq!(python["latest"], "3.12.8-slim-bookworm");

    assert_eq!(doc["summary"]["outdated"], 4);
    assert_eq!(doc["summary"]["major"], 1);
    assert_eq!(doc["lookups"], 4);
    assert_eq!(doc["network"]["cache_hits"], 0);
}

#[test]
fn the_table_lists_what_is_behind_and_a_summary() {
    let setup = Setup::new();
    let out = setup.polyver().env("COLUMNS", "200").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ECOSYSTEM"), "{text}");
    let express = text.lines().find(|l| l.contains("express")).unwrap();
    for cell in ["4.17.1", "4.21.2", "5.1.0", "1 major", "web/package.json:1"] {
        assert!(express.contains(cell), "{cell} missing: {express}");
    }
    assert!(text
        .lines()
        .any(|l| l.contains("left-pad") && l.contains("deprecated")));
    assert!(
        text.contains("4 of 4 components outdated (1 major, 3 minor, 0 patch)"),
        "{text}"
    );
}

#[test]
fn fail_on_outdated_gates_by_bump_kind() {
    let setup = Setup::new();
    let (code, doc) = setup.json(&["--fail-on-outdated", "major"]);
    assert_eq!((code, &doc["failed"]), (1, &serde_json::json!(true)));
    assert_eq!(doc["fail_on"], "major");
    // Nothing is behind by a major once express is on 5.x.
    let lock = setup.dir.path().join("repo/web/package-lock.json");
    let text = std::fs::read_to_string(&lock)
        .unwrap()
        .replace("4.17.1", "5.1.0");
    std::fs::write(&lock, text).unwrap();
    write(
        &setup.dir.path().join("repo"),
        "web/package.json",
        r#"{"name":"web","dependencies":{"express":"^5.0.0","left-pad":"1.1.0"}}"#,
    );
    let (code, _) = setup.json(&["--fail-on-outdated", "major"]);
    assert_eq!(code, 0);
    let (code, _) = setup.json(&["--fail-on-outdated", "minor"]);
    assert_eq!(code, 1);
}

#[test]
fn offline_answers_from_the_cache_and_says_what_it_could_not_answer() {
    let setup = Setup::new();
    let (_, online) = setup.json(&[]);
    let requests_before = setup.server.requests().len();

    let (code, offline) = setup.json(&["--offline"]);
    assert_eq!(code, 0);
    assert_eq!(
        setup.server.requests().len(),
        requests_before,
        "--offline made a request"
    );
    assert_eq!(offline["rows"], online["rows"]);
    assert_eq!(offline["network"]["requests"], 0);

    // A new package the cache has never seen: a problem, not a failure.
    let repo = setup.dir.path().join("repo");
    write(
        &repo,
        "requirements.txt",
        "requests==2.31.0\nflask==3.0.0\n",
    );
    let (code, offline) = setup.json(&["--offline"]);
    assert_eq!(code, 0);
    let problems = offline["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{offline:#}");
    assert_eq!(problems[0]["name"], "flask");
    assert_eq!(
        problems[0]["message"],
        "not in the cache, and --offline is set"
    );
    assert_eq!(row(&offline, "flask")["status"], "unknown");
}

#[test]
fn a_registry_that_fails_is_one_problem_and_the_rest_is_answered() {
    let setup = Setup::new();
    setup
        .server
        .route("/simple/requests/", Response::status(500));
    let (code, doc) = setup.json(&[]);
    assert_eq!(code, 0);
    assert_eq!(doc["problems"][0]["name"], "requests");
    assert!(doc["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("HTTP 500"));
    assert_eq!(row(&doc, "express")["latest"], "5.1.0");
}

#[test]
fn rows_are_stored_with_the_latest_scan_and_pushed_with_it() {
    let setup = Setup::new();
    let local = format!("sqlite://{}", setup.dir.path().join("local.db").display());
    let at = |cmd: &mut Command| {
        cmd.env("POLYVER_NOW", "2025-06-01T00:00:00Z")
            .env_remove("POLYVER_NO_STORE")
            .env_remove("POLYVER_DATABASE_URL");
    };
    // No registry yet: nothing stored, and none created.
    let (_, doc) = setup.json(&[]);
    assert_eq!(doc["stored"], serde_json::Value::Null);
    assert!(!setup.dir.path().join("repo/.polyver").exists());

    let mut scan = Command::cargo_bin("polyver").unwrap();
    at(&mut scan);
    scan.current_dir(setup.dir.path().join("repo"))
        .args(["scan", "--db", &local, "--config"])
        .arg(setup.dir.path().join("polyver.toml"))
        .assert()
        .success();
    let mut outdated = setup.polyver();
    at(&mut outdated);
    let out = outdated.args(["--db", &local]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "stored 4 outdated rows with scan 1 of repo\n"
    );
    let mut outdated = setup.polyver();
    at(&mut outdated);
    let out = outdated
        .args(["--db", &local, "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["stored"],
        serde_json::json!({"scan_id": 1, "repository": "repo", "rows": 4})
    );
    let store = polyver_store::Store::open(&local).unwrap();
    let rows = store.outdated(1).unwrap();
    assert_eq!(rows.len(), 4, "replaced, not added: {rows:?}");
    let requests = rows.iter().find(|r| r.name == "requests").unwrap();
    assert_eq!(
        (
            requests.bump.as_deref(),
            requests.minors_behind,
            requests.current.as_deref()
        ),
        (Some("minor"), 1, Some("2.31.0"))
    );
    let days = requests.days_behind.expect("PyPI dates its releases");
    assert_eq!(
        requests.checked_at, 1_748_736_000,
        "POLYVER_NOW, in seconds"
    );
    assert!(rows.iter().any(|r| r.name == "left-pad" && r.deprecated));
    drop(store);

    // --no-store leaves the registry alone; an unknown --repo is said, not an error.
    let mut outdated = setup.polyver();
    at(&mut outdated);
    let out = outdated
        .args(["--db", &local, "--format", "json", "--no-store"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["stored"], serde_json::Value::Null);
    let mut outdated = setup.polyver();
    at(&mut outdated);
    let out = outdated
        .args(["--db", &local, "--repo", "elsewhere"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the registry has no scan of elsewhere"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A push of the same scan sends the rows; the server stores them with the pushed scan.
    let server_db = format!("sqlite://{}", setup.dir.path().join("server.db").display());
    let mut create = Command::cargo_bin("polyver").unwrap();
    let out = create
        .args(["token", "create", "--scope", "push", "--db", &server_db])
        .env_remove("POLYVER_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let served = serve::start(&server_db, &[], &[]);
    let mut push = Command::cargo_bin("polyver").unwrap();
    at(&mut push);
    let out = push
        .current_dir(setup.dir.path().join("repo"))
        .args([
            "push",
            "--server",
            &format!("http://{}", served.addr),
            "--token",
            &token,
        ])
        .args(["--db", &local, "--config"])
        .arg(setup.dir.path().join("polyver.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("with 4 outdated rows of local scan 1"),
        "{stderr}"
    );
    let (status, body) = serve::get(&served.addr, "/api/v1/repositories/repo/outdated");
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["total"], 4);
    let (_, metrics) = serve::get(&served.addr, "/metrics");
    assert!(
        metrics.contains(&format!(
            "polyver_update_lag_days{{repo=\"repo\",component=\"pypi:requests\"}} {days}"
        )),
        "{metrics}"
    );
}

/// The health's currency part from the rows `outdated` stored, as the server computes it for
/// `/metrics` and the dashboard, is `polyver plan`'s from its live lookups of the same
/// registries: same part, same score.
#[test]
fn plan_and_the_server_agree_on_the_health_of_stored_rows() {
    let setup = Setup::new();
    let dir = setup.dir.path();
    let local = format!("sqlite://{}", dir.join("local.db").display());
    // An OSV database (one advisory of a package the repository does not use), so that
    // plan and the stored scan both measure the vulnerabilities.
    write(
        dir,
        "osv/PYSEC-0000-1.json",
        r#"{"id": "PYSEC-0000-1", "modified": "2024-02-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "not-used-here"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}"#,
    );
    let osv_db = dir.join("osv-db");
    let polyver = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("polyver").unwrap();
        cmd.current_dir(dir.join("repo"))
            .env("POLYVER_NOW", "2025-06-01T00:00:00Z")
            .env("POLYVER_OSV_DB", &osv_db)
            .env("POLYVER_CACHE_DIR", dir.join("cache"))
            .env("NO_COLOR", "1")
            .env_remove("POLYVER_DATABASE_URL")
            .env_remove("POLYVER_DATA_DIR")
            .args(args);
        if args[0] != "db" {
            cmd.arg("--config").arg(dir.join("polyver.toml"));
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    polyver(&["db", "import", dir.join("osv").to_str().unwrap()]);
    polyver(&["scan", "-q", "--db", &local]);
    polyver(&["outdated", "-q", "--db", &local]);
    let plan: serde_json::Value =
        serde_json::from_slice(&polyver(&["plan", "--format", "json"])).unwrap();
    let health = &plan["health"];
    let currency = &health["parts"][0];
    assert_eq!(currency["name"], "currency");
    // express is a major behind: not every component is current.
    let score = currency["score"].as_f64().expect("currency measured");
    assert!(score > 0.0 && score < 1.0, "{currency}");

    let server_db = format!("sqlite://{}", dir.join("server.db").display());
    let out = Command::cargo_bin("polyver")
        .unwrap()
        .args(["token", "create", "--scope", "push", "--db", &server_db])
        .env_remove("POLYVER_DATABASE_URL")
        .output()
        .unwrap();
    let token = String::from_utf8(out.stdout).unwrap();
    let token = token.lines().last().unwrap().to_string();
    let served = serve::start(&server_db, &[], &[]);
    let server = format!("http://{}", served.addr);
    polyver(&[
        "push", "-q", "--server", &server, "--token", &token, "--db", &local,
    ]);
    let (_, metrics) = serve::get(&served.addr, "/metrics");
    assert!(
        metrics.contains(&format!(
            "polyver_health_score{{repo=\"repo\"}} {}\n",
            health["score"]
        )),
        "plan's health {health}:\n{metrics}"
    );
    let (status, page) = serve::get(&served.addr, "/repos/repo");
    assert_eq!(status, 200);
    let value = currency["value"].as_str().unwrap();
    assert!(
        page.contains(&format!("<th scope=\"row\">currency</th><td>{value}</td>")),
        "the dashboard's currency part is plan's ({value})"
    );
}
