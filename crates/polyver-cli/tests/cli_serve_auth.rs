//! Who may do what on a running `polyver serve`, over HTTP, on SQLite and PostgreSQL:
//! scopes (admin ⊇ push ⊇ read), repository patterns, unknown, expired and revoked tokens,
//! `[server] read`, revocation seen by a second replica; and what `POST /api/v1/scans`
//! accepts (gzip, media types, Idempotency-Key, a reused scan id).

#[path = "common/pg.rs"]
mod pg;
#[path = "common/server.rs"]
mod server;
#[path = "common/temp.rs"]
mod temp;

use serde_json::{json, Value};
use server::{document, history, polyver, request, token, Server, JSON};
use std::path::Path;

const SCAN_ID: &str = "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a";

fn on_both(tag: &str, body: fn(&Path, &str)) {
    let dir = temp::fresh_dir("auth", tag);
    let sqlite = format!("sqlite://{}", dir.join("server.db").display());
    body(&dir, &sqlite);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg) = pg::PgSchema::create(tag) {
        let dir = temp::fresh_dir("auth", &format!("{tag}-pg"));
        body(&dir, &pg.url);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A push document for `repository`, as bytes.
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
