//! `polyver push` and the server's tokens against a running `polyver serve`, on SQLite and
//! PostgreSQL: who may read and write over HTTP (scopes, repository patterns, expired and
//! revoked tokens, `[server] read`), the same push twice stored once, a push interrupted by
//! kill -9 leaving the last complete scan and its retry succeeding, and the client's errors.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/server.rs"]
mod server;
#[path = "common/temp.rs"]
mod temp;

use serde_json::{json, Value};
use server::{checkout, polyver, request, token, Server};
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
fn document(scan_id: &str, repository: &str) -> Vec<u8> {
    json!({
        "schema": "polyver.push/v1",
        "scan_id": scan_id,
        "repository": repository,
        "commit": C1,
        "branch": "main",
        "started_at": 1_700_000_000_000i64,
        "finished_at": 1_700_000_001_000i64,
        "tool_version": "0.1.0",
        "inventory": {
            "schema": "polyver.scan/v1",
            "root": ".",
            "components": [],
            "diagnostics": [],
            "stats": {"files_walked": 0, "files_extracted": 0, "files_too_large": 0,
                      "components": 0, "components_by_source": {}}
        },
        "findings": []
    })
    .to_string()
    .into_bytes()
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn history(dir: &Path, db: &str, repository: &str) -> Vec<Value> {
    let out = polyver(dir)
        .args([
            "history", "--db", db, "--repo", repository, "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["scans"].as_array().unwrap().clone()
}

fn who_may_do_what(dir: &Path, db: &str) {
    std::fs::write(dir.join("polyver.toml"), "[server]\nread = \"token\"\n").unwrap();
    let guarded = Server::start(dir, db, &[]);
    let addr = guarded.addr.as_str();
    let read = token(dir, db, &["--scope", "read"]);
    let push = token(
        dir,
        db,
        &[
            "--scope",
            "push",
            "--repo",
            "github.com/acme/*",
            "--name",
            "ci",
        ],
    );
    let admin = token(dir, db, &["--scope", "admin"]);
    let revoked = token(dir, db, &["--scope", "admin", "--name", "old"]);
    polyver(dir)
        .args(["token", "revoke", "4", "--db", db])
        .assert()
        .success();
    // An expired token (made in the past through the store: the command line cannot).
    let store = polyver_store::Store::open(db).unwrap();
    let now = polyver_engine::registry::now_ms();
    let (_, expired) = store
        .create_token(
            &polyver_store::tokens::NewToken {
                name: "last-year".into(),
                scope: polyver_store::tokens::TokenScope::Admin,
                repo_pattern: None,
                expires_at: Some(now - 1000),
            },
            now - 86_400_000,
        )
        .unwrap();
    drop(store);

    // Probes are open; everything else wants a read token.
    assert_eq!(request(addr, "GET", "/healthz", None, &[], b"").status, 200);
    let a = request(addr, "GET", "/api/v1/repositories", None, &[], b"");
    assert_eq!(a.status, 401, "{}", a.body);
    assert_eq!(
        a.header("www-authenticate"),
        Some("Bearer realm=\"polyver\"")
    );
    assert!(a.json()["error"]
        .as_str()
        .unwrap()
        .contains("needs a token with scope read"));
    for (bad, says) in [
        (
            "pvt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "not one of this server's",
        ),
        ("not-a-token", "not one of this server's"),
        (revoked.as_str(), "token 4 (old) was revoked"),
        (expired.as_str(), "token 5 (last-year) expired at "),
    ] {
        let a = request(addr, "GET", "/api/v1/repositories", Some(bad), &[], b"");
        assert_eq!(a.status, 401, "{bad}: {}", a.body);
        assert_eq!(
            a.header("www-authenticate"),
            Some("Bearer realm=\"polyver\", error=\"invalid_token\"")
        );
        assert!(
            a.json()["error"].as_str().unwrap().contains(says),
            "{}",
            a.body
        );
    }
    // Any valid token reads (admin ⊇ push ⊇ read): past the guard, to the router (a read
    // endpoint, or 404 where none is built yet), never 401 or 403.
    for t in [&read, &push, &admin] {
        let a = request(addr, "GET", "/api/v1/repositories", Some(t), &[], b"");
        assert!(!matches!(a.status, 401 | 403), "{}: {}", a.status, a.body);
    }

    // Writing a scan needs push, and a repository the token reaches.
    let post = |t: Option<&str>, id: &str, repo: &str| {
        request(
            addr,
            "POST",
            "/api/v1/scans",
            t,
            &[JSON],
            &document(id, repo),
        )
    };
    let a = post(Some(&read), SCAN_ID, "github.com/acme/shop");
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(
        a.header("www-authenticate"),
        Some("Bearer realm=\"polyver\", error=\"insufficient_scope\", scope=\"push\"")
    );
    assert_eq!(
        a.json()["error"],
        "token 1 (read) has scope read; POST /api/v1/scans needs push"
    );
    let a = post(Some(&push), SCAN_ID, "github.com/other/shop");
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(
        a.json()["error"],
        "token 2 (ci) may only reach repositories matching `github.com/acme/*`, not \
         `github.com/other/shop`"
    );
    let a = post(Some(&push), SCAN_ID, "github.com/acme/shop");
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.header("location"), Some("/api/v1/scans/1"));
    assert_eq!(
        a.json(),
        json!({"id": 1, "scan_id": SCAN_ID, "repository": "github.com/acme/shop", "created": true})
    );
    let other = "7d9c7e0a-5b8f-4c39-8f0e-2a6b1c3d4e5f";
    assert_eq!(
        post(Some(&admin), other, "github.com/other/shop").status,
        201
    );
    assert_eq!(post(None, other, "github.com/other/shop").status, 401);
    // A write nobody classified needs admin.
    let a = request(addr, "DELETE", "/api/v1/scans", Some(&push), &[], b"");
    assert_eq!(a.status, 403, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().ends_with("needs admin"));
    assert_eq!(
        request(addr, "DELETE", "/api/v1/scans", Some(&admin), &[], b"").status,
        405
    );

    // Revoking takes effect at once, here and on every other replica of the database.
    // (In a directory of its own: polyver.toml is looked for upwards.)
    let open_dir = temp::fresh_dir("push", "open");
    let open = Server::start(&open_dir, db, &[]);
    let third = "33333333-2222-4333-8444-555555555555";
    let doc = document(third, "github.com/acme/api");
    let a = request(
        &open.addr,
        "POST",
        "/api/v1/scans",
        Some(&push),
        &[JSON],
        &doc,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    polyver(dir)
        .args(["token", "revoke", "2", "--db", db])
        .assert()
        .success();
    for server in [&guarded, &open] {
        let a = request(
            &server.addr,
            "POST",
            "/api/v1/scans",
            Some(&push),
            &[JSON],
            &doc,
        );
        assert_eq!(a.status, 401, "{}", a.body);
    }
    // With reads open, no token is needed to read (the other server's config says so).
    let a = request(&open.addr, "GET", "/api/v1/repositories", None, &[], b"");
    assert!(!matches!(a.status, 401 | 403), "{}", a.body);

    // What was stored, and by which token (the list says when each was last used).
    assert_eq!(history(dir, db, "github.com/acme/shop").len(), 1);
    assert_eq!(history(dir, db, "github.com/other/shop").len(), 1);
    let list: Value = serde_json::from_slice(
        &polyver(dir)
            .args(["token", "list", "--db", db, "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let used: Vec<bool> = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["last_used_at"].is_i64())
        .collect();
    assert_eq!(used, [true, true, true, false, false]);
}

#[test]
fn scopes_and_repository_patterns_over_http() {
    on_both("scopes", who_may_do_what);
}

fn the_body_is_checked(dir: &Path, db: &str) {
    let server = Server::start(dir, db, &[]);
    let push = token(dir, db, &["--scope", "push"]);
    let send = |headers: &[(&str, &str)], body: &[u8]| {
        request(
            &server.addr,
            "POST",
            "/api/v1/scans",
            Some(&push),
            headers,
            body,
        )
    };
    // Gzip is read; a body that only claims to be gzip is refused.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &document(SCAN_ID, "acme/shop")).unwrap();
    let gzipped = gz.finish().unwrap();
    let a = send(&[JSON, ("Content-Encoding", "gzip")], &gzipped);
    assert_eq!(a.status, 201, "{}", a.body);
    let a = send(
        &[JSON, ("Content-Encoding", "gzip")],
        &document(SCAN_ID, "acme/shop"),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.json()["error"]
        .as_str()
        .unwrap()
        .contains("not valid gzip"));
    let a = send(&[JSON, ("Content-Encoding", "br")], &gzipped);
    assert_eq!(a.status, 415, "{}", a.body);
    let a = send(&[("Content-Type", "text/plain")], b"hello");
    assert_eq!(a.status, 415, "{}", a.body);
    // The Idempotency-Key names the push too; it must agree with the body.
    let other = "7d9c7e0a-5b8f-4c39-8f0e-2a6b1c3d4e5f";
    let key = format!("\"{other}\"");
    let a = send(
        &[JSON, ("Idempotency-Key", &key)],
        &document(SCAN_ID, "acme/shop"),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().contains("differ"));
    let a = send(
        &[JSON, ("Idempotency-Key", &key)],
        &document(other, "acme/shop"),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    // Not a push document, or not a UUID.
    let a = send(&[JSON], b"{\"schema\": \"polyver.push/v1\"}");
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.json()["error"]
        .as_str()
        .unwrap()
        .contains("missing field"));
    let a = send(&[JSON], &document("42", "acme/shop"));
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().contains("not a UUID"));
    // The same scan id for another repository is another push: refused.
    let a = send(&[JSON], &document(SCAN_ID, "acme/other"));
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(history(dir, db, "acme/shop").len(), 2);
    assert!(history(dir, db, "acme/other").is_empty());
}

#[test]
fn the_push_body_is_checked() {
    on_both("body", the_body_is_checked);
}

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
               "scan_id": SCAN_ID, "repository": "git.example/acme/shop", "created": false})
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
