//! `polyver push` against a running `polyver serve`, on SQLite and PostgreSQL: the same push
//! twice stored once (`--scan-id`, `--from`), a push interrupted by kill -9 inside its
//! transaction leaving the last complete scan and its retry succeeding, a scan's
//! compatibility matrix going from `scan` through `push` to the API and the dashboard, and
//! the client's errors. (Who may push what: cli_serve_auth.rs.)

#[path = "common/pg.rs"]
mod pg;
#[path = "common/server.rs"]
mod server;
#[path = "common/temp.rs"]
mod temp;

use serde_json::{json, Value};
use server::{checkout, history, polyver, request, token, Server};
use std::path::Path;
use std::time::{Duration, Instant};

const C1: &str = "1111111111111111111111111111111111111111";
const C2: &str = "2222222222222222222222222222222222222222";
const SCAN_ID: &str = "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a";

fn on_both(tag: &str, body: fn(&Path, &str)) {
    let dir = temp::fresh_dir("push", tag);
    let sqlite = format!("sqlite://{}", dir.join("server.db").display());
    body(&dir, &sqlite);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg) = pg::PgSchema::create(tag) {
        let dir = temp::fresh_dir("push", &format!("{tag}-pg"));
        body(&dir, &pg.url);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A push document for `repository`, as bytes.
fn run_push(dir: &Path, server: &Server, token: &str, args: &[&str]) -> std::process::Output {
    polyver(dir)
        .args(["push", "--server", &server.url(), "--retries", "0"])
        .env("POLYVER_TOKEN", token)
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn pushed_twice_stored_once(dir: &Path, db: &str) {
    let server = Server::start(dir, db, &[]);
    let push = token(
        dir,
        db,
        &["--scope", "push", "--repo", "git.example/acme/*"],
    );
    let repo = dir.join("shop");
    std::fs::create_dir_all(&repo).unwrap();
    checkout(
        &repo,
        "https://git.example/acme/shop.git",
        C1,
        "requests==2.31.0\nflask==3.0.0\n",
    );

    // The same push twice (a re-run CI job with its scan id): one scan.
    let first = run_push(&repo, &server, &push, &["--scan-id", SCAN_ID]);
    assert_eq!(stdout_of(&first), "1\n");
    assert_eq!(
        String::from_utf8_lossy(&first.stderr),
        format!(
            "pushed scan 1 of git.example/acme/shop to {}\n",
            server.url()
        )
    );
    let again = run_push(
        &repo,
        &server,
        &push,
        &["--scan-id", SCAN_ID, "--format", "json"],
    );
    let again: Value = serde_json::from_str(&stdout_of(&again)).unwrap();
    assert_eq!(
        again,
        json!({"schema": "polyver.push-result/v1", "server": server.url(), "id": 1,
               "scan_id": SCAN_ID, "repository": "git.example/acme/shop", "created": false,
               "outdated": 0})
    );
    let scans = history(dir, db, "git.example/acme/shop");
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0]["commit"], C1);
    assert_eq!(scans[0]["components"], 2);

    // Without --scan-id every push is a new scan (a daily scan of an unchanged tree is history).
    assert_eq!(stdout_of(&run_push(&repo, &server, &push, &[])), "2\n");
    // A saved scan pushed twice: its id comes from the file, so once.
    let saved = dir.join("scan.json");
    polyver(&repo)
        .args(["scan", "--no-store", "--format", "json", "-o"])
        .arg(&saved)
        .assert()
        .success();
    let from = [
        "--from",
        saved.to_str().unwrap(),
        "--repo",
        "git.example/acme/saved",
    ];
    assert_eq!(stdout_of(&run_push(&repo, &server, &push, &from)), "3\n");
    assert_eq!(stdout_of(&run_push(&repo, &server, &push, &from)), "3\n");
    let saved_scans = history(dir, db, "git.example/acme/saved");
    assert_eq!(saved_scans.len(), 1);
    // Recorded as a scan of the file's root: this checkout, its commit.
    assert_eq!(saved_scans[0]["commit"], C1);

    // The scan id reused for another commit is refused (exit 2 with the server's reason).
    checkout(
        &repo,
        "https://git.example/acme/shop.git",
        C2,
        "requests==2.32.0\n",
    );
    let reused = run_push(&repo, &server, &push, &["--scan-id", SCAN_ID]);
    assert_eq!(reused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&reused.stderr);
    assert!(
        stderr.contains(&format!(
            "(HTTP 422): scan id {SCAN_ID} was already used for scan 1 of \
             `git.example/acme/shop` at commit {C1}"
        )),
        "{stderr}"
    );
    assert_eq!(history(dir, db, "git.example/acme/shop").len(), 2);
}

#[test]
fn the_same_push_twice_is_one_scan() {
    on_both("twice", pushed_twice_stored_once);
}

fn wait_for(path: &Path, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn killed_mid_push(dir: &Path, db: &str) {
    let repo = dir.join("shop");
    std::fs::create_dir_all(&repo).unwrap();
    checkout(
        &repo,
        "https://git.example/acme/shop.git",
        C1,
        "requests==2.31.0\n",
    );
    let push = token(dir, db, &["--scope", "push"]);
    let server = Server::start(dir, db, &[]);
    assert_eq!(stdout_of(&run_push(&repo, &server, &push, &[])), "1\n");
    drop(server);

    // The server stops inside the second push's transaction (debug builds pause there when
    // told to), and is killed with -9 there.
    let marker = dir.join("paused");
    let mut server = Server::start(
        dir,
        db,
        &[("POLYVER_TEST_PAUSE_BEFORE_COMMIT", marker.to_str().unwrap())],
    );
    checkout(
        &repo,
        "https://git.example/acme/shop.git",
        C2,
        "requests==2.32.0\nflask==3.0.0\n",
    );
    let url = server.url();
    let client = {
        let repo = repo.clone();
        let push = push.clone();
        std::thread::spawn(move || {
            polyver(&repo)
                .args([
                    "push",
                    "--server",
                    &url,
                    "--retries",
                    "0",
                    "--scan-id",
                    SCAN_ID,
                ])
                .env("POLYVER_TOKEN", push)
                .output()
                .unwrap()
        })
    };
    assert!(
        wait_for(&marker, Duration::from_secs(60)),
        "the server never paused"
    );
    server.kill();
    let interrupted = client.join().unwrap();
    assert_eq!(interrupted.status.code(), Some(3), "{interrupted:?}");
    let stderr = String::from_utf8_lossy(&interrupted.stderr);
    assert!(stderr.contains(&format!("--scan-id {SCAN_ID}")), "{stderr}");

    // The store holds the last complete scan; the retried push is stored once.
    let scans = history(dir, db, "git.example/acme/shop");
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0]["commit"], C1);
    let server = Server::start(dir, db, &[]);
    let retried = run_push(&repo, &server, &push, &["--scan-id", SCAN_ID]);
    let id = stdout_of(&retried);
    assert!(String::from_utf8_lossy(&retried.stderr).starts_with("pushed scan"));
    let scans = history(dir, db, "git.example/acme/shop");
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[0]["commit"], C2);
    assert_eq!(scans[0]["id"].to_string() + "\n", id);
    assert_eq!(scans[0]["components"], 2);
}

#[test]
fn a_push_killed_mid_transaction_leaves_the_last_complete_scan() {
    on_both("killed", killed_mid_push);
}

/// A checkout whose `[[compat]]` rules fail at the root, pass in `api/` and apply nowhere,
/// with a derived `requires-python` rule that passes.
fn compat_checkout(repo: &Path) {
    std::fs::create_dir_all(repo.join("api")).unwrap();
    checkout(
        repo,
        "https://git.example/acme/models.git",
        C1,
        "fastapi==0.110.0\nuvicorn==0.29.0\n",
    );
    let files = [
        (
            "polyver.toml",
            "[[compat]]\nwhen = { python = \"3.10\" }\n\
             require = { \"pypi:fastapi\" = \">=0.100,<0.105\" }\n\
             reason = \"fastapi 0.105 needs pydantic 2\"\n\n\
             [[compat]]\nwhen = { python = \"3.10\" }\nrequire = { \"pypi:django\" = \">=4.2\" }\n",
        ),
        (".python-version", "3.10\n"),
        (
            "pyproject.toml",
            "[project]\nname = \"models\"\nversion = \"1.0\"\nrequires-python = \">=3.9\"\n",
        ),
        ("api/requirements.txt", "fastapi==0.104.1\n"),
    ];
    for (path, text) in files {
        std::fs::write(repo.join(path), text).unwrap();
    }
}

fn the_matrix_goes_from_scan_through_push_to_the_api_and_the_dashboard(dir: &Path, db: &str) {
    let server = Server::start(dir, db, &[]);
    let push = token(dir, db, &["--scope", "push"]);
    let repo = dir.join("models");
    compat_checkout(&repo);
    let local = format!("sqlite://{}", dir.join("local.db").display());

    // `scan` stores the matrix `report` shows, one row per check (a rule that applies
    // nowhere is one row).
    polyver(&repo)
        .args(["scan", "-q", "--db", &local])
        .assert()
        .success();
    let stored = polyver_store::Store::open(&local)
        .unwrap()
        .compatibility(1)
        .unwrap();
    let report = polyver(&repo)
        .args(["report", "--offline", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    let mut expected: Vec<(String, String, String)> = Vec::new();
    for rule in report["compatibility"].as_array().unwrap() {
        let title = rule["title"].as_str().unwrap().to_string();
        let cells = rule["cells"].as_array().unwrap();
        if cells.is_empty() {
            expected.push((title.clone(), "not-applicable".into(), String::new()));
        }
        for cell in cells {
            let result = if cell["pass"] == true { "pass" } else { "fail" };
            let checked = cell["checked"].as_str().unwrap().to_string();
            expected.push((title.clone(), result.into(), checked));
        }
    }
    let rows: Vec<(String, String, String)> = stored
        .iter()
        .map(|c| {
            (
                c.title.clone(),
                c.result.id().to_string(),
                c.checked.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(rows, expected);
    let results: Vec<&str> = stored.iter().map(|c| c.result.id()).collect();
    assert!(
        results.contains(&"pass")
            && results.contains(&"fail")
            && results.contains(&"not-applicable"),
        "{results:?}"
    );

    // `push` sends it; the server keeps it with the scan and shows it whole.
    let pushed = run_push(&repo, &server, &push, &["--db", &local]);
    assert_eq!(stdout_of(&pushed), "1\n");
    let path = "/api/v1/repositories/git.example%2Facme%2Fmodels/compatibility";
    let api = request(&server.addr, "GET", path, None, &[], b"").json();
    assert_eq!(api["items"], serde_json::to_value(&stored).unwrap());
    assert_eq!(
        api["fail"],
        results.iter().filter(|r| **r == "fail").count()
    );
    let page = request(
        &server.addr,
        "GET",
        "/repos/git.example/acme/models",
        None,
        &[],
        b"",
    );
    assert_eq!(page.status, 200);
    let shown: Vec<&str> = page
        .body
        .split("<tr data-result=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(shown, results, "the page's rows are the API's, in order");
    assert!(page.body.contains("fastapi 0.105 needs pydantic 2"));
}

#[test]
fn a_scans_compatibility_matrix_reaches_the_api_and_the_dashboard() {
    on_both(
        "compat",
        the_matrix_goes_from_scan_through_push_to_the_api_and_the_dashboard,
    );
}

#[test]
fn client_errors_say_what_to_do() {
    let dir = temp::fresh_dir("push", "errors");
    checkout(
        &dir,
        "https://git.example/acme/shop.git",
        C1,
        "requests==2.31.0\n",
    );
    let token_text = "pvt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    polyver(&dir)
        .args([
            "push",
            "--server",
            &dead,
            "--token",
            token_text,
            "--retries",
            "1",
        ])
        .assert()
        .code(3)
        .stderr(
            predicates::str::contains("cannot connect")
                .and(predicates::str::contains("(after 2 attempts)")),
        )
        .stderr(predicates::str::contains(
            "hint: check that the server runs",
        ));
    // Bad input never reaches the network.
    for (args, says) in [
        (
            vec!["--server", &dead, "--token", "secret"],
            "is not a polyver token",
        ),
        (
            vec!["--server", "polyver.internal", "--token", token_text],
            "is not an http(s) URL",
        ),
        (
            vec![
                "--server",
                &dead,
                "--token",
                token_text,
                "--scan-id",
                "run-7",
            ],
            "--scan-id: `run-7` is not a UUID",
        ),
        (
            vec![
                "--server",
                &dead,
                "--token",
                token_text,
                "--from",
                "requirements.txt",
            ],
            "--from requirements.txt: not a polyver scan document",
        ),
    ] {
        polyver(&dir)
            .arg("push")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
    }
    polyver(&dir)
        .args(["push", "--token", token_text])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--server <URL>"));
    // A refused token is exit 2 with the server's own words.
    let db = format!("sqlite://{}", dir.join("server.db").display());
    let server = Server::start(&dir, &db, &[]);
    let out = run_push(&dir, &server, token_text, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refused the push (HTTP 401): the token is not one of this server's"),
        "{stderr}"
    );
}

use predicates::prelude::PredicateBooleanExt as _;
