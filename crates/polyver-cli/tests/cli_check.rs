//! `polyver check` end to end: a repository written here with one problem per check (an
//! unsatisfiable pair, a vulnerable pin matched against an OSV database imported in the test,
//! a denied licence, a drifted polyver.lock, a duplicated Flyway migration), exit codes per
//! `--fail-on` and `--skip`, the skipped and required audit, JSON fields, SARIF validity, and
//! the table and markdown output.

#[path = "common/sarif.rs"]
mod sarif;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn polyver(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env("POLYVER_OSV_DB", db)
        .env("NO_COLOR", "1")
        .env_remove("POLYVER_DATA_DIR")
        .env_remove("POLYVER_DATABASE_URL")
        .env_remove("POLYVER_PYPI_URL")
        .env_remove("POLYVER_NPM_URL")
        .env_remove("POLYVER_CRATES_IO_URL");
    cmd
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const PACKAGE_LOCK: &str = r#"{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "web", "version": "1.0.0", "license": "MIT",
         "dependencies": {"left-pad": "1.3.0", "evil-lib": "2.0.0"}},
    "node_modules/left-pad": {"version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", "license": "MIT"},
    "node_modules/evil-lib": {"version": "2.0.0",
      "resolved": "https://registry.npmjs.org/evil-lib/-/evil-lib-2.0.0.tgz", "license": "AGPL-3.0-only"}
  }
}
"#;

/// CVSS 9.1: critical.
const ADVISORY: &str = r#"{"id": "TEST-2023-1", "modified": "2023-10-02T00:00:00Z", "summary": "cookie leak",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"}],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.26.17"}]}]}]}"#;

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// The OSV database with TEST-2023-1.
    db: PathBuf,
    /// A directory with no database in it.
    no_db: PathBuf,
}

/// Every check has something: urllib3 1.26.5 (TEST-2023-1, critical), requests `<2.20` and
/// `>=2.31` (unsatisfiable, high), evil-lib AGPL-3.0-only (denied, high), polyver.lock
/// recording left-pad 1.2.0 while the lock file has 1.3.0 (drift, high), Flyway V1 twice
/// (duplicate, high) and no V2 (gap, medium).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(
        &root,
        "requirements.txt",
        "urllib3==1.26.5\nrequests<2.20\nrequests>=2.31\n",
    );
    write(&root, "web/package-lock.json", PACKAGE_LOCK);
    write(
        &root,
        "polyver.toml",
        "[licenses]\ndeny = [\"AGPL-3.0-only\"]\n",
    );
    write(&root, "db/migration/V1__init.sql", "select 1;\n");
    write(&root, "db/migration/V1__again.sql", "select 1;\n");
    write(&root, "db/migration/V3__later.sql", "select 1;\n");
    write(&dir.path().join("osv"), "TEST-2023-1.json", ADVISORY);
    let db = dir.path().join("osv-db");
    let no_db = dir.path().join("no-osv-db");
    polyver(&db)
        .args(["db", "import"])
        .arg(dir.path().join("osv"))
        .assert()
        .success();
    // Record the lock, then make it drift: left-pad 1.2.0 where the repository has 1.3.0.
    polyver(&db).arg("lock").arg(&root).assert().success();
    let lock = std::fs::read_to_string(root.join("polyver.lock")).unwrap();
    assert!(lock.contains("version = \"1.3.0\""), "{lock}");
    std::fs::write(
        root.join("polyver.lock"),
        lock.replace("version = \"1.3.0\"", "version = \"1.2.0\""),
    )
    .unwrap();
    Fixture {
        _dir: dir,
        root,
        db,
        no_db,
    }
}

fn run(db: &Path, root: &Path, args: &[&str]) -> std::process::Output {
    polyver(db)
        .arg("check")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn check<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {doc:#}"))
}

fn rules(c: &Value) -> Vec<String> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn json_reports_every_check_with_its_findings() {
    let f = fixture();
    let out = run(&f.db, &f.root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["schema"], "polyver.check/v1");
    assert_eq!(doc["fail_on"], "high");
    assert_eq!(doc["verdict"], "fail");
    let names: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "parse",
            "audit",
            "licenses",
            "conflicts",
            "lock",
            "migrations",
            "policy"
        ]
    );
    // Every file of the fixture parses; every other check fails.
    assert_eq!(check(&doc, "parse")["status"], "pass");
    for c in doc["checks"].as_array().unwrap().iter().skip(1) {
        assert_eq!(c["status"], "fail", "{c:#}");
        let keys: Vec<&String> = c["counts"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["critical", "high", "medium", "low", "info"], "{c:#}");
        let total: u64 = c["counts"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(total, c["total"].as_u64().unwrap());
        assert_eq!(c["findings"].as_array().unwrap().len() as u64, total);
        // The shared Finding shape.
        for finding in c["findings"].as_array().unwrap() {
            for key in ["kind", "rule", "severity", "title", "locations"] {
                assert!(finding.get(key).is_some(), "{key} in {finding:#}");
            }
        }
    }
    let audit = check(&doc, "audit");
    assert_eq!(audit["counts"]["critical"], 1);
    assert_eq!(audit["findings"][0]["rule"], "TEST-2023-1");
    assert_eq!(audit["findings"][0]["kind"], "vulnerability");
    assert_eq!(audit["findings"][0]["version"], "1.26.5");
    assert_eq!(
        audit["findings"][0]["locations"][0]["path"],
        "requirements.txt"
    );
    let licenses = check(&doc, "licenses");
    let denied: Vec<&Value> = licenses["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license/denied")
        .collect();
    assert_eq!(denied.len(), 1, "{licenses:#}");
    assert_eq!(denied[0]["name"], "evil-lib");
    assert_eq!(denied[0]["severity"], "high");
    assert!(rules(check(&doc, "conflicts")).contains(&"conflict/unsatisfiable".to_string()));
    let lock = check(&doc, "lock");
    assert_eq!(rules(lock), ["lock/drift"], "{lock:#}");
    assert_eq!(lock["findings"][0]["name"], "left-pad");
    assert_eq!(lock["findings"][0]["severity"], "high");
    assert_eq!(
        lock["findings"][0]["locations"][0]["path"],
        "web/package-lock.json"
    );
    assert_eq!(
        rules(check(&doc, "migrations")),
        ["migration/duplicate", "migration/gap"]
    );
    // TEST-2023-1 (critical, no `published`) was last modified 2023-10-02: long past the
    // 0 days [policy.sla] gives a critical flaw.
    let policy = check(&doc, "policy");
    assert_eq!(rules(policy), ["policy/sla-breach"], "{policy:#}");
    assert_eq!(policy["findings"][0]["kind"], "policy");
    assert_eq!(doc["summary"]["failed"], 6);
    assert_eq!(doc["summary"]["skipped"], 0);
}

#[test]
fn exit_codes_follow_fail_on_and_skip() {
    let f = fixture();
    let code = |args: &[&str]| run(&f.db, &f.root, args).status.code();
    assert_eq!(code(&[]), Some(1), "default threshold high");
    // Only the audit has a critical finding.
    assert_eq!(code(&["--fail-on", "critical"]), Some(1));
    assert_eq!(code(&["--fail-on", "critical", "--skip", "audit"]), Some(0));
    // Only the migrations: the duplicate V1 is high, the gap medium.
    let others = [
        "--skip",
        "audit",
        "--skip",
        "licenses",
        "--skip",
        "conflicts",
        "--skip",
        "lock",
    ];
    assert_eq!(code(&others), Some(1));
    let mut critical = others.to_vec();
    critical.extend(["--fail-on", "critical"]);
    assert_eq!(code(&critical), Some(0));
    let mut none = others.to_vec();
    none.extend(["--skip", "migrations", "--fail-on", "info"]);
    assert_eq!(code(&none), Some(0), "every check skipped");
    // Only the licences: a denied licence (high), unknown ones (low).
    let licences = [
        "--skip",
        "audit",
        "--skip",
        "conflicts",
        "--skip",
        "lock",
        "--skip",
        "migrations",
    ];
    assert_eq!(code(&licences), Some(1));
    let mut critical = licences.to_vec();
    critical.extend(["--fail-on", "critical"]);
    assert_eq!(code(&critical), Some(0));
    assert_eq!(code(&["--fail-on", "bogus"]), Some(2));
    assert_eq!(code(&["--skip", "bogus"]), Some(2));

    let out = run(
        &f.db,
        &f.root,
        &["--format", "json", "--skip", "lock", "--skip", "licences"],
    );
    let doc = json(&out);
    for name in ["lock", "licenses"] {
        let c = check(&doc, name);
        assert_eq!(c["status"], "skipped");
        assert_eq!(c["reason"], "by --skip");
        assert_eq!(c["total"], 0);
    }
    assert_eq!(doc["summary"]["skipped"], 2);
}

/// Issue 13 item 3: a gate that cannot audit must not pass. No database: exit 3 before the
/// scan, with what to run and how to go on without one.
#[test]
fn no_database_fails_the_gate_unless_the_audit_is_skipped() {
    let f = fixture();
    let out = run(&f.no_db, &f.root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no OSV database")
            && err.contains("polyver db sync")
            && err.contains("--skip audit"),
        "{err}"
    );
    // The old --require-audit is still accepted (hidden) and changes nothing.
    let out = run(&f.no_db, &f.root, &["--require-audit"]);
    assert_eq!(out.status.code(), Some(3));
    let out = run(&f.no_db, &f.root, &["--skip", "audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "the other checks still fail");
    let doc = json(&out);
    assert_eq!(check(&doc, "audit")["reason"], "by --skip");
    // A skipped audit does not fail the gate by itself.
    let out = run(
        &f.no_db,
        &f.root,
        &[
            "--skip",
            "audit",
            "--skip",
            "licenses",
            "--skip",
            "conflicts",
            "--skip",
            "lock",
            "--skip",
            "migrations",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    // A database that exists but is not one: exit 3 as well.
    let broken = f.no_db.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("advisories.pvdb"), "not a database").unwrap();
    let out = run(&broken, &f.root, &[]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn lock_check_skipped_without_polyver_lock_and_input_errors_exit_2() {
    let f = fixture();
    std::fs::remove_file(f.root.join("polyver.lock")).unwrap();
    let doc = json(&run(&f.db, &f.root, &["--format", "json"]));
    let lock = check(&doc, "lock");
    assert_eq!(lock["status"], "skipped");
    assert!(lock["reason"].as_str().unwrap().contains("polyver lock"));
    // A lock recorded now is up to date: the check passes.
    polyver(&f.db).arg("lock").arg(&f.root).assert().success();
    let doc = json(&run(&f.db, &f.root, &["--format", "json"]));
    assert_eq!(check(&doc, "lock")["status"], "pass");
    // Malformed polyver.lock, bad polyver.toml, missing path: exit 2.
    std::fs::write(f.root.join("polyver.lock"), "[[component]]\nname = 3\n").unwrap();
    let out = run(&f.db, &f.root, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("polyver.lock"));
    std::fs::remove_file(f.root.join("polyver.lock")).unwrap();
    std::fs::write(f.root.join("polyver.toml"), "[licenses]\ndeny = 3\n").unwrap();
    assert_eq!(run(&f.db, &f.root, &[]).status.code(), Some(2));
    assert_eq!(
        run(&f.db, &f.root.join("nowhere"), &[]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&f.db, &f.root, &["--format", "dot"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_clean_repository_passes_and_the_gate_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "requirements.txt", "idna==3.7\n");
    write(&root, "polyver.toml", "[licenses]\nunknown = \"allow\"\n");
    let db = dir.path().join("osv-db");
    write(&dir.path().join("osv"), "TEST-2023-1.json", ADVISORY);
    polyver(&db)
        .args(["db", "import"])
        .arg(dir.path().join("osv"))
        .assert()
        .success();
    polyver(&db).arg("lock").arg(&root).assert().success();
    let before: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let lock = std::fs::read_to_string(root.join("polyver.lock")).unwrap();
    let out = polyver(&db)
        .arg("check")
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PASS: 7 checks ran"), "{text}");
    // No registry (.polyver/), no rewritten lock, nothing new.
    let after: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    assert!(!root.join(".polyver").exists());
    assert_eq!(
        std::fs::read_to_string(root.join("polyver.lock")).unwrap(),
        lock
    );
}

#[test]
fn sarif_is_valid_and_holds_every_check() {
    let f = fixture();
    let out = run(&f.db, &f.root, &["--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log = json(&out);
    sarif::assert_valid_sarif(&log);
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run");
    let results: Vec<&str> = runs[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    for id in [
        "TEST-2023-1",
        "license/denied",
        "conflict/unsatisfiable",
        "lock/drift",
        "migration/duplicate",
        "policy/sla-breach",
    ] {
        assert!(results.contains(&id), "{id} in {results:?}");
    }
    let rules: Vec<&str> = runs[0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in &results {
        assert!(rules.contains(id), "rule {id} described");
    }
}

#[test]
fn table_and_markdown_output() {
    let f = fixture();
    let out = run(&f.db, &f.root, &[]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("check_table", String::from_utf8(out.stdout).unwrap());
    let out = run(
        &f.db,
        &f.root,
        &["--format", "markdown", "--skip", "migrations"],
    );
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("check_markdown", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn audit_ignores_of_polyver_toml_are_honoured() {
    let f = fixture();
    std::fs::write(
        f.root.join("polyver.toml"),
        "[licenses]\ndeny = [\"AGPL-3.0-only\"]\n\n[[audit.ignore]]\nid = \"TEST-2023-1\"\nreason = \"not reachable\"\n",
    )
    .unwrap();
    let doc = json(&run(&f.db, &f.root, &["--format", "json"]));
    let audit = check(&doc, "audit");
    assert_eq!(audit["status"], "pass", "{audit:#}");
    assert_eq!(audit["total"], 0);
    assert!(
        audit["note"]
            .as_str()
            .unwrap()
            .contains("1 ignored by polyver.toml"),
        "{audit:#}"
    );
}

#[test]
fn licences_come_from_the_repository_unless_licenses_online() {
    use polyver_net::testing::{Response, TestServer};
    let f = fixture();
    let server = TestServer::start();
    server.route(
        "/pypi/urllib3/1.26.5/json",
        Response::ok(r#"{"info": {"license": "MIT", "classifiers": []}}"#),
    );
    let cache = f.no_db.join("cache");
    let unknown = |doc: &Value| -> Vec<String> {
        check(doc, "licenses")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["rule"] == "license/unknown")
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    let go = |args: &[&str]| {
        let out = polyver(&f.db)
            .env("POLYVER_PYPI_URL", server.url("/pypi"))
            .env("POLYVER_CACHE_DIR", &cache)
            .arg("check")
            .arg(&f.root)
            .args(["--format", "json", "--skip", "audit"])
            .args(args)
            .output()
            .unwrap();
        json(&out)
    };
    // Default: no registry lookups at all.
    let doc = go(&[]);
    assert!(server.requests().is_empty());
    assert!(unknown(&doc).contains(&"urllib3".to_string()), "{doc:#}");
    // --offline with --licenses-online: still nothing asked (the cache is empty).
    let doc = go(&["--licenses-online", "--offline"]);
    assert!(server.requests().is_empty());
    assert!(unknown(&doc).contains(&"urllib3".to_string()));
    // --licenses-online: the registry answers for the pinned urllib3.
    let doc = go(&["--licenses-online"]);
    assert_eq!(server.hits("/pypi/urllib3/1.26.5/json"), 1);
    assert!(!unknown(&doc).contains(&"urllib3".to_string()), "{doc:#}");
}

/// Issue 13 item 2: a file that cannot be parsed is a finding (rule, path:line) in every
/// format, and the gate fails on it whatever `--fail-on` says, unless
/// `--allow-parse-errors`.
#[test]
fn parse_errors_fail_the_gate_in_every_format() {
    let f = fixture();
    write(
        &f.root,
        "api/package-lock.json",
        "{ \"lockfileVersion\": 3,\n  \"packages\": {\n",
    );
    let others = [
        "--skip",
        "audit",
        "--skip",
        "licenses",
        "--skip",
        "conflicts",
        "--skip",
        "lock",
        "--skip",
        "migrations",
        "--fail-on",
        "critical",
    ];
    let out = run(
        &f.db,
        &f.root,
        &[&others[..], &["--format", "json"]].concat(),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let parse = check(&doc, "parse");
    assert_eq!(parse["status"], "fail");
    let finding = &parse["findings"][0];
    assert_eq!(finding["rule"], "diagnostic/unreadable");
    assert_eq!(finding["locations"][0]["path"], "api/package-lock.json");
    assert!(finding["locations"][0]["line"].as_u64().unwrap() > 0);

    let out = run(
        &f.db,
        &f.root,
        &[&others[..], &["--format", "sarif"]].concat(),
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "diagnostic/unreadable"
            && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "api/package-lock.json"));

    let out = run(&f.db, &f.root, &others);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("parse"), "{text}");

    let out = run(
        &f.db,
        &f.root,
        &[&others[..], &["--allow-parse-errors"]].concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
