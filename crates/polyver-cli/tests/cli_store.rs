//! The registry end to end through the binary: `scan` stores, `history` lists, `diff`
//! compares; the same bodies run on SQLite and on PostgreSQL (a schema of its own in
//! POLYVER_TEST_DATABASE_URL; when no server answers, skipped with a message, or failed
//! under CI=true). A writer
//! killed before COMMIT leaves the previous state intact.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/temp.rs"]
mod temp;

use assert_cmd::Command;
use pg::PgSchema;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const C1: &str = "1111111111111111111111111111111111111111";
const C2: &str = "2222222222222222222222222222222222222222";

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("POLYVER_DATABASE_URL")
        .env_remove("POLYVER_NO_STORE")
        .env_remove(PAUSE)
        // Never the developer's own advisory database: tests say which one they use.
        .env("POLYVER_OSV_DB", "/nonexistent/polyver-osv");
    cmd
}

const PAUSE: &str = "POLYVER_TEST_PAUSE_BEFORE_COMMIT";

fn temp(name: &str) -> PathBuf {
    temp::fresh_dir("store", name)
}

/// A checkout at `commit` on `main` with an origin remote, written the way git writes it.
fn checkout(dir: &Path, commit: &str) {
    let git = dir.join(".git");
    std::fs::create_dir_all(git.join("refs/heads")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(git.join("refs/heads/main"), format!("{commit}\n")).unwrap();
    std::fs::write(
        git.join("config"),
        "[remote \"origin\"]\n\turl = https://git.example/acme/shop.git\n",
    )
    .unwrap();
}

fn write(dir: &Path, requirements: &str, react: &str) {
    std::fs::write(dir.join("requirements.txt"), requirements).unwrap();
    std::fs::write(
        dir.join("package.json"),
        format!("{{\"dependencies\": {{\"react\": \"{react}\"}}}}\n"),
    )
    .unwrap();
}

fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `body` with `Some(--db URL)` for PostgreSQL, and with an explicit SQLite file.
fn on_both(tag: &str, body: fn(&[String])) {
    let dir = temp(&format!("{tag}-db"));
    let sqlite = format!("sqlite://{}", dir.join("registry.db").display());
    body(&["--db".to_string(), sqlite]);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg) = PgSchema::create(tag) {
        body(&["--db".to_string(), pg.url.clone()]);
    }
}

fn history_and_diff_body(db: &[String]) {
    let dir = temp("history");
    checkout(&dir, C1);
    write(
        &dir,
        "django==4.2.9\nrequests==2.31.0\nflask==3.0.0\n",
        "18.2.0",
    );
    polyver(&dir)
        .args(db)
        .args(["scan", "-q"])
        .assert()
        .success();
    checkout(&dir, C2);
    write(
        &dir,
        "django==4.2.10\nrequests==2.31.0\nhttpx==0.27.0\n",
        "17.0.2",
    );
    polyver(&dir)
        .args(db)
        .args(["scan", "-q"])
        .assert()
        .success();

    let h = json_of(polyver(&dir).args(db).args(["history", "--format", "json"]));
    assert_eq!(h["schema"], "polyver.history/v1");
    assert_eq!(h["repository"], "git.example/acme/shop");
    let scans = h["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[0]["commit"], C2);
    assert_eq!(scans[1]["commit"], C1);
    assert_eq!(scans[0]["branch"], "main");
    assert_eq!(scans[0]["components"], 4);
    assert_eq!(
        scans[0]["root"],
        dir.canonicalize().unwrap().to_str().unwrap()
    );

    let d = json_of(polyver(&dir).args(db).args(["diff", "--format", "json"]));
    assert_eq!(d["schema"], "polyver.diff/v1");
    assert_eq!(d["from"]["commit"], C1);
    assert_eq!(d["to"]["commit"], C2);
    assert_eq!(
        d["summary"],
        serde_json::json!({"added": 1, "removed": 1, "upgraded": 1, "downgraded": 1, "constraint": 0})
    );
    assert_eq!(d["ecosystems"]["npm"]["downgraded"], 1);
    let changes: Vec<String> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c["change"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                c["from"].as_str().unwrap_or("-"),
                c["to"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            "upgraded django 4.2.9 4.2.10",
            "removed flask 3.0.0 -",
            "added httpx - 0.27.0",
            "downgraded react 18.2.0 17.0.2",
        ]
    );

    // The same scans named other ways: offsets, commit prefixes; reversed order flips kinds.
    let back = json_of(
        polyver(&dir)
            .args(db)
            .args(["diff", "latest", "-1", "--format", "json"]),
    );
    assert_eq!(back["summary"]["downgraded"], 1, "django goes back down");
    assert_eq!(back["summary"]["upgraded"], 1, "react goes back up");
    let by_commit = json_of(polyver(&dir).args(db).args([
        "diff",
        "commit:1111",
        "commit:2222",
        "--format",
        "json",
    ]));
    assert_eq!(by_commit["changes"], d["changes"]);

    let table = polyver(&dir).args(db).arg("diff").output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("upgraded    django  4.2.9 -> 4.2.10  requirements.txt:1"),
        "{text}"
    );
    assert!(
        text.contains("1 added, 1 removed, 1 upgraded, 1 downgraded"),
        "{text}"
    );
    let md = polyver(&dir)
        .args(db)
        .args(["diff", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("| pypi | 1 | 1 | 1 | 0 |"), "{md}");

    let missing = polyver(&dir).args(db).args(["diff", "-5"]).assert().code(2);
    let err = String::from_utf8_lossy(&missing.get_output().stderr).to_string();
    assert!(
        err.contains("no scan 5 before the latest") && err.contains("hint:"),
        "{err}"
    );
    polyver(&dir).args(db).args(["diff", "zz"]).assert().code(2);
    polyver(&dir)
        .args(db)
        .args(["history", "--format", "sarif"])
        .assert()
        .code(2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scan_stores_and_history_and_diff_read_it_on_both_backends() {
    on_both("history", history_and_diff_body);
}

#[test]
fn default_registry_lives_in_dot_polyver_and_is_ignored_by_git_and_the_walker() {
    let dir = temp("default");
    checkout(&dir, C1);
    write(&dir, "django==4.2.9\n", "18.2.0");
    std::fs::create_dir_all(dir.join("services/api")).unwrap();
    polyver(&dir).args(["scan", "-q"]).assert().success();
    assert!(dir.join(".polyver/polyver.db").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.join(".polyver/.gitignore")).unwrap(),
        "# polyver's local registry\n*\n"
    );
    // A subdirectory scan goes to the same registry, under its own name.
    polyver(&dir.join("services/api"))
        .args(["scan", "-q"])
        .assert()
        .success();
    assert!(!dir.join("services/api/.polyver").exists());
    let h = json_of(polyver(&dir).args(["history", "--format", "json"]));
    assert_eq!(h["scans"].as_array().unwrap().len(), 1);
    let sub = json_of(polyver(&dir).args([
        "history",
        "--repo",
        "git.example/acme/shop/services/api",
        "--format",
        "json",
    ]));
    assert_eq!(sub["scans"][0]["components"], 0);
    // --no-store writes nothing; --repo overrides the name.
    polyver(&dir)
        .args(["scan", "-q", "--no-store"])
        .assert()
        .success();
    polyver(&dir)
        .args(["scan", "-q", "--repo", "renamed"])
        .assert()
        .success();
    let h = json_of(polyver(&dir).args(["history", "--format", "json"]));
    assert_eq!(
        h["scans"].as_array().unwrap().len(),
        1,
        "--no-store added nothing"
    );
    let r = json_of(polyver(&dir).args(["history", "--repo", "renamed", "--format", "json"]));
    assert_eq!(r["scans"][0]["components"], 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unwritable_default_registry_warns_but_an_explicit_one_fails_with_exit_3() {
    let dir = temp("readonly");
    write(&dir, "django==4.2.9\n", "18.2.0");
    // `.polyver` is a file, so the registry cannot be created (chmod is no use as root).
    std::fs::write(dir.join(".polyver"), "").unwrap();
    let out = polyver(&dir)
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the scan was not stored"),
        "{stderr}"
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["components"].as_array().unwrap().len(), 2);

    let bad = format!("sqlite://{}/.polyver/x.db", dir.display());
    let out = polyver(&dir).args(["--db", &bad, "scan"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint:"));
    let out = polyver(&dir)
        .args(["--db", "postgres://nobody:secret@127.0.0.1:1/none", "scan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nobody:***@") && !stderr.contains("secret"),
        "{stderr}"
    );
    polyver(&dir)
        .args(["--db", "mysql://x", "scan"])
        .assert()
        .code(2);

    let out = polyver(&dir).arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `polyver scan` first"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn killed_writer_body(db: &[String]) {
    let dir = temp("kill");
    checkout(&dir, C1);
    write(&dir, "django==4.2.9\n", "18.2.0");
    polyver(&dir)
        .args(db)
        .args(["scan", "-q"])
        .assert()
        .success();

    // A large second scan, paused inside its transaction and killed there.
    checkout(&dir, C2);
    let big: String = (0..20_000)
        .map(|i| format!("package-{i}==1.0.{i}\n"))
        .collect();
    write(&dir, &big, "19.0.0");
    let marker = dir.join("paused");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("polyver"))
        .current_dir(&dir)
        .args(db)
        .args(["scan", "-q", "--format", "json", "-o"])
        .arg(dir.join("out.json"))
        .env(PAUSE, &marker)
        .env_remove("POLYVER_NO_STORE")
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the writer never reached COMMIT"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the writer exited before COMMIT"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // The registry opens, still has exactly the first scan, and takes new scans.
    let h = json_of(polyver(&dir).args(db).args(["history", "--format", "json"]));
    let scans = h["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 1, "{h}");
    assert_eq!(
        (scans[0]["commit"].as_str(), scans[0]["components"].as_u64()),
        (Some(C1), Some(2))
    );
    polyver(&dir)
        .args(db)
        .args(["scan", "-q"])
        .assert()
        .success();
    let d = json_of(polyver(&dir).args(db).args(["diff", "--format", "json"]));
    assert_eq!(d["summary"]["added"], 20_000);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_writer_killed_before_commit_leaves_the_previous_state_intact() {
    on_both("kill", killed_writer_body);
}

/// RFC 3339 times (`2026-01-02T03:04:05Z`) replaced, so output can be snapshotted.
fn untimed(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        let shape = b.get(i..i + 20).is_some_and(|w| {
            w.iter().enumerate().all(|(k, c)| match k {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            })
        });
        if shape {
            out.push_str("<time>");
            i += 20;
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

#[test]
fn a_stored_scan_records_its_conflicts_and_vulnerabilities() {
    let dir = temp("findings");
    checkout(&dir, C1);
    write(
        &dir,
        "urllib3==1.26.5\nrequests<2.20\nrequests>=2.31\n",
        "18.2.0",
    );
    let osv = temp("findings-osv");
    std::fs::create_dir_all(osv.join("advisories")).unwrap();
    std::fs::write(
        osv.join("advisories/TEST-2023-1.json"),
        r#"{"id": "TEST-2023-1", "modified": "2023-10-02T00:00:00Z", "summary": "cookie leak",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N"}],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.26.17"}]}]}]}"#,
    )
    .unwrap();
    let db = osv.join("db");
    polyver(&dir)
        .args(["db", "import"])
        .arg(osv.join("advisories"))
        .env("POLYVER_OSV_DB", &db)
        .assert()
        .success();
    let url = format!("sqlite://{}", dir.join("registry.db").display());
    polyver(&dir)
        .args(["scan", "-q", "--db", &url])
        .env("POLYVER_OSV_DB", &db)
        .assert()
        .success();
    // Without a database the vulnerability is not recorded, the conflict still is.
    polyver(&dir)
        .args(["scan", "-q", "--db", &url])
        .assert()
        .success();
    let out = polyver(&dir)
        .args(["history", "--format", "json", "--db", &url])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let scans = doc["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 2);
    // Newest first: the scan without an OSV database, then the one with it.
    assert_eq!(scans[0]["findings"]["high"], 1, "{doc:#}"); // requests <2.20 vs >=2.31
    assert_eq!(scans[0]["findings"]["medium"], 0, "{doc:#}");
    // The conflict, and TEST-2023-1 open past the 30 days [policy.sla] gives a medium
    // (a `policy/sla-breach` finding is high).
    assert_eq!(scans[1]["findings"]["high"], 2, "{doc:#}");
    assert_eq!(scans[1]["findings"]["medium"], 1, "{doc:#}"); // CVSS 4.4: TEST-2023-1
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&osv);
}

#[test]
fn history_and_diff_output() {
    let dir = temp("snapshot");
    let db = [
        "--db".to_string(),
        format!("sqlite://{}/r.db", dir.display()),
    ];
    let tree = dir.join("shop");
    std::fs::create_dir_all(&tree).unwrap();
    checkout(&tree, C1);
    write(
        &tree,
        "django==4.2.9\nrequests==2.31.0\nflask==3.0.0\n",
        "18.2.0",
    );
    std::fs::write(tree.join("Dockerfile"), "FROM python:3.11-slim\n").unwrap();
    let chart = |v: &str| {
        format!("apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: {v}\n    repository: https://charts.example\n")
    };
    std::fs::write(tree.join("Chart.yaml"), chart("17.9.0")).unwrap();
    polyver(&tree)
        .args(&db)
        .args(["scan", "-q"])
        .assert()
        .success();
    checkout(&tree, C2);
    write(
        &tree,
        "django==4.2.10\nrequests==2.31.0\nhttpx==0.27.0\n",
        "17.0.2",
    );
    std::fs::write(tree.join("Dockerfile"), "FROM python:3.12-slim\n").unwrap();
    // helm has no version rules in polyver: compared as text, marked `*`.
    std::fs::write(tree.join("Chart.yaml"), chart("18.1.0")).unwrap();
    polyver(&tree)
        .args(&db)
        .args(["scan", "-q"])
        .assert()
        .success();
    let run = |args: &[&str]| {
        let out = polyver(&tree).args(&db).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        untimed(&String::from_utf8(out.stdout).unwrap())
    };
    insta::assert_snapshot!("history_table", run(&["history"]));
    insta::assert_snapshot!("diff_table", run(&["diff"]));
    insta::assert_snapshot!("diff_markdown", run(&["diff", "--format", "markdown"]));
    let _ = std::fs::remove_dir_all(&dir);
}
