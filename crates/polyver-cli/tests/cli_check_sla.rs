//! The `policy` check of `polyver check` end to end: `[policy.sla]` on the audit's findings,
//! with an advisory published a given number of days before the test runs, imported into an
//! OSV database here.

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
        .env_remove("POLYVER_DATABASE_URL");
    cmd
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
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

/// An advisory of urllib3 (CVSS 7.5, high) published `days` days ago.
fn high_advisory(days: u64) -> String {
    let published = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
    let published = humantime::format_rfc3339_seconds(published);
    format!(
        r#"{{"id": "TEST-2024-7", "modified": "{published}", "published": "{published}",
 "summary": "header injection",
 "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"}}],
 "affected": [{{"package": {{"ecosystem": "PyPI", "name": "urllib3"}},
   "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "1.26.18"}}]}}]}}]}}"#
    )
}

/// A repository pinning urllib3 1.26.5 and a database with one high advisory published
/// `days` ago.
fn sla_fixture(days: u64) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "requirements.txt", "urllib3==1.26.5\n");
    write(&root, "polyver.toml", "[licenses]\nunknown = \"allow\"\n");
    write(
        &dir.path().join("osv"),
        "TEST-2024-7.json",
        &high_advisory(days),
    );
    let db = dir.path().join("osv-db");
    polyver(&db)
        .args(["db", "import"])
        .arg(dir.path().join("osv"))
        .assert()
        .success();
    (dir, root, db)
}

/// Issue 20: `[policy.sla]` is a check of its own. A high advisory (7 days by default) open
/// for 30 days fails it with `policy/sla-breach` (high), in JSON and SARIF; `--skip policy`
/// and `--skip audit` (whose findings it reads) skip it.
#[test]
fn a_vulnerability_older_than_its_sla_fails_the_policy_check() {
    let (_dir, root, db) = sla_fixture(30);
    let out = run(&db, &root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let policy = check(&doc, "policy");
    assert_eq!(policy["status"], "fail", "{policy:#}");
    assert_eq!(rules(policy), ["policy/sla-breach"]);
    let finding = &policy["findings"][0];
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["name"], "urllib3");
    assert_eq!(finding["locations"][0]["path"], "requirements.txt");
    let title = finding["title"].as_str().unwrap();
    assert!(
        title.contains("TEST-2024-7 (high) published") && title.contains("7-day [policy.sla]"),
        "{title}"
    );
    assert!(
        policy["note"].as_str().unwrap().contains("high 7"),
        "{policy:#}"
    );

    let out = run(&db, &root, &["--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log = json(&out);
    sarif::assert_valid_sarif(&log);
    let run0 = &log["runs"][0];
    let breach = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "policy/sla-breach")
        .expect("the breach is a SARIF result");
    assert_eq!(
        breach["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "requirements.txt"
    );
    assert!(run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "policy/sla-breach"));

    // Skipped on request, and with the audit it reads.
    let only_policy = |extra: &[&str]| {
        let mut args = vec![
            "--format",
            "json",
            "--skip",
            "audit",
            "--skip",
            "licenses",
            "--skip",
            "conflicts",
        ];
        args.extend_from_slice(extra);
        json(&run(&db, &root, &args))
    };
    let doc = only_policy(&[]);
    assert_eq!(check(&doc, "policy")["status"], "skipped");
    assert!(check(&doc, "policy")["reason"]
        .as_str()
        .unwrap()
        .contains("audit"));
    let out = run(&db, &root, &["--skip", "policy", "--skip", "audit"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&db, &root, &["--skip", "policy", "--format", "json"]);
    assert_eq!(check(&json(&out), "policy")["reason"], "by --skip");
}

#[test]
fn a_vulnerability_inside_its_sla_passes_the_policy_check() {
    // Published 2 days ago: inside the default 7 days for high.
    let (_dir, root, db) = sla_fixture(2);
    let doc = json(&run(&db, &root, &["--format", "json"]));
    let policy = check(&doc, "policy");
    assert_eq!(policy["status"], "pass", "{policy:#}");
    assert_eq!(policy["total"], 0);
    assert_eq!(
        check(&doc, "audit")["status"],
        "fail",
        "the audit still reports it"
    );
    // 30 days old, but polyver.toml allows 60 for high: passes; 1 day allowed: fails.
    let (_dir, root, db) = sla_fixture(30);
    let toml = |high: u32| {
        std::fs::write(
            root.join("polyver.toml"),
            format!("[licenses]\nunknown = \"allow\"\n\n[policy.sla]\nhigh = {high}\n"),
        )
        .unwrap();
    };
    toml(60);
    let doc = json(&run(&db, &root, &["--format", "json"]));
    assert_eq!(check(&doc, "policy")["status"], "pass");
    toml(1);
    let doc = json(&run(&db, &root, &["--format", "json"]));
    assert_eq!(check(&doc, "policy")["status"], "fail");
}
