//! `polyver token create|list|revoke` through the binary, on SQLite and PostgreSQL: the
//! token alone on the last line of stdout, its expiry from the flag, `[server]
//! tokens.expiry-days` or the default, the list without secrets, revocation once, and input
//! errors as exit 2.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/server.rs"]
mod server;
#[path = "common/temp.rs"]
mod temp;

use serde_json::Value;
use server::polyver;
use std::path::Path;

const DAY_MS: i64 = 86_400_000;

fn on_both(tag: &str, body: fn(&Path, &str)) {
    let dir = temp::fresh_dir("token", tag);
    let sqlite = format!("sqlite://{}", dir.join("server.db").display());
    body(&dir, &sqlite);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg) = pg::PgSchema::create(tag) {
        let dir = temp::fresh_dir("token", &format!("{tag}-pg"));
        body(&dir, &pg.url);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = polyver(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn life_cycle(dir: &Path, db: &str) {
    // create: the token alone on stdout, what it is on stderr.
    let out = polyver(dir)
        .args([
            "token",
            "create",
            "--scope",
            "push",
            "--repo",
            "github.com/acme/*",
        ])
        .args(["--name", "ci", "--db", db])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let secret = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(secret.starts_with("pvt_") && secret.len() == 47, "{secret}");
    assert!(
        stderr.starts_with(
            "created token 1 `ci`: scope push, repositories github.com/acme/*, expires "
        ),
        "{stderr}"
    );

    // Expiry: the default (90 days), [server] tokens.expiry-days, the flag, 0 = never.
    std::fs::write(
        dir.join("polyver.toml"),
        "[server.tokens]\nexpiry-days = 7\n",
    )
    .unwrap();
    let from_config = json(
        dir,
        &[
            "token", "create", "--scope", "read", "--db", db, "--format", "json",
        ],
    );
    let from_flag = json(
        dir,
        &[
            "token",
            "create",
            "--scope",
            "admin",
            "--expiry-days",
            "0",
            "--name",
            "ops",
            "--db",
            db,
            "--format",
            "json",
        ],
    );
    std::fs::remove_file(dir.join("polyver.toml")).unwrap();
    assert_eq!(from_config["schema"], "polyver.tokens/v1");
    let t = &from_config["tokens"][0];
    assert_eq!(
        (t["id"].as_i64(), t["name"].as_str()),
        (Some(2), Some("read"))
    );
    assert_eq!(
        t["expires_at"].as_i64().unwrap() - t["created_at"].as_i64().unwrap(),
        7 * DAY_MS
    );
    assert!(from_config["secret"].as_str().unwrap().starts_with("pvt_"));
    assert_eq!(from_flag["tokens"][0]["expires_at"], Value::Null);
    assert_eq!(from_flag["tokens"][0]["expires"], Value::Null);

    // list: every token, never a secret or a hash.
    let list = json(dir, &["token", "list", "--db", db, "--format", "json"]);
    let tokens = list["tokens"].as_array().unwrap();
    let rows: Vec<(i64, &str, &str, &str)> = tokens
        .iter()
        .map(|t| {
            (
                t["id"].as_i64().unwrap(),
                t["name"].as_str().unwrap(),
                t["scope"].as_str().unwrap(),
                t["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "ci", "push", "active"),
            (2, "read", "read", "active"),
            (3, "ops", "admin", "active")
        ]
    );
    let first = &tokens[0];
    assert_eq!(
        first["expires_at"].as_i64().unwrap() - first["created_at"].as_i64().unwrap(),
        90 * DAY_MS
    );
    assert_eq!(first["repositories"], "github.com/acme/*");
    let table = polyver(dir)
        .args(["token", "list", "--db", db])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    for text in [list.to_string(), table.clone()] {
        assert!(
            !text.contains(&secret[4..]) && !text.contains("hash"),
            "{text}"
        );
    }
    assert!(
        table.contains("github.com/acme/*") && table.contains("never"),
        "{table}"
    );
    assert!(table.ends_with("3 tokens: 3 active\n"), "{table}");

    // revoke: once; again says so; an unknown id is exit 2.
    polyver(dir)
        .args(["token", "revoke", "1", "--db", db])
        .assert()
        .success()
        .stdout("revoked token 1 `ci`: it is refused from now on\n");
    let again = json(
        dir,
        &["token", "revoke", "1", "--db", db, "--format", "json"],
    );
    assert_eq!(again["revoked"], false);
    assert_eq!(again["tokens"][0]["status"], "revoked");
    polyver(dir)
        .args(["token", "revoke", "42", "--db", db])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("error: no token with id 42"));
    let list = json(dir, &["token", "list", "--db", db, "--format", "json"]);
    assert_eq!(list["tokens"][0]["status"], "revoked");
    assert!(list["tokens"][0]["revoked_at"].is_i64());
    assert_eq!(list["tokens"][1]["status"], "active");
}

#[test]
fn create_list_revoke() {
    on_both("life", life_cycle);
}

#[test]
fn bad_input_is_exit_2() {
    let dir = temp::fresh_dir("token", "bad");
    let db = format!("sqlite://{}", dir.join("server.db").display());
    polyver(&dir)
        .args(["token", "create", "--scope", "write", "--db", &db])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "[possible values: read, push, admin]",
        ));
    polyver(&dir)
        .args([
            "token", "create", "--scope", "push", "--repo", "acme/[x", "--db", &db,
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: --repo: `acme/[x` is not a repository pattern",
        ));
    polyver(&dir)
        .args(["token", "create", "--scope", "push", "--db", "mysql://x"])
        .assert()
        .code(2);
    // The database comes from [server] database-url when --db is not given.
    std::fs::write(
        dir.join("polyver.toml"),
        format!("[server]\ndatabase-url = \"{db}\"\n"),
    )
    .unwrap();
    polyver(&dir)
        .args(["token", "create", "--scope", "read", "-q"])
        .assert()
        .success()
        .stderr("");
    let list = json(&dir, &["token", "list", "--format", "json"]);
    assert_eq!(list["tokens"].as_array().unwrap().len(), 1);
}
