//! `polyver plan` end to end, offline, on a repository written here: an npm project whose
//! lock resolves a vulnerable lodash inside its declared range and a vulnerable transitive
//! minimist, a Python service pinning a vulnerable urllib3 and a dev requirement, against
//! an OSV database imported in the test. (Registry answers are the registry clients' tests;
//! here every lag is unknown, and said so.)

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const PACKAGE_JSON: &str = r#"{"name": "web", "version": "1.0.0",
  "dependencies": {"lodash": "^4.17.0", "mkdirp": "^0.5.5"}}
"#;

const PACKAGE_LOCK: &str = r#"{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "web", "version": "1.0.0",
         "dependencies": {"lodash": "^4.17.0", "mkdirp": "^0.5.5"}},
    "node_modules/lodash": {"version": "4.17.20",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz"},
    "node_modules/mkdirp": {"version": "0.5.5",
      "resolved": "https://registry.npmjs.org/mkdirp/-/mkdirp-0.5.5.tgz",
      "dependencies": {"minimist": "^1.2.5", "wrappy": "1"}},
    "node_modules/minimist": {"version": "1.2.5",
      "resolved": "https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz"},
    "node_modules/wrappy": {"version": "1.0.2",
      "resolved": "https://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz"}
  }
}
"#;

fn advisory(id: &str, ecosystem: &str, name: &str, fixed: &str, vector: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2024-02-01T00:00:00Z", "published": "2023-01-10T00:00:00Z",
 "summary": "{name} flaw",
 "severity": [{{"type": "CVSS_V3", "score": "{vector}"}}],
 "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
   "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}]}}]}}"#
    )
}

struct Fixture {
    dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "web/package.json", PACKAGE_JSON);
    write(&root, "web/package-lock.json", PACKAGE_LOCK);
    write(&root, "api/requirements.txt", "urllib3==1.26.5\n");
    write(&root, "api/requirements-dev.txt", "black==22.1.0\n");
    let osv = dir.path().join("osv");
    for (id, eco, name, fixed, vector) in [
        (
            "GHSA-test-mini",
            "npm",
            "minimist",
            "1.2.6",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        ),
        (
            "GHSA-test-loda",
            "npm",
            "lodash",
            "4.17.21",
            "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
        ),
        (
            "PYSEC-test-url",
            "PyPI",
            "urllib3",
            "1.26.17",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
        ),
    ] {
        write(
            &osv,
            &format!("{id}.json"),
            &advisory(id, eco, name, fixed, vector),
        );
    }
    let db = dir.path().join("osv-db");
    polyver(&dir, &db)
        .args(["db", "import"])
        .arg(&osv)
        .assert()
        .success();
    Fixture { dir, root, db }
}

fn polyver(dir: &tempfile::TempDir, db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env("POLYVER_OSV_DB", db)
        .env("POLYVER_CACHE_DIR", dir.path().join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("POLYVER_DATA_DIR");
    cmd
}

fn plan(f: &Fixture, db: &Path, args: &[&str]) -> std::process::Output {
    polyver(&f.dir, db)
        .args(["plan", "--offline"])
        .arg(&f.root)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect()
}

#[test]
fn recommendations_come_most_urgent_first_with_their_fixes_and_constraints() {
    let f = fixture();
    let doc = json(&plan(&f, &f.db, &["--format", "json"]));
    assert_eq!(doc["schema"], "polyver.plan/v1");
    let recs = &doc["recommendations"];
    // Critical in a transitive runtime dependency, high in a direct one, medium in a
    // direct one: severity first, exposure next.
    assert_eq!(names(recs), ["minimist", "lodash", "urllib3"], "{recs:#}");
    let priorities: Vec<u64> = recs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["priority"].as_u64().unwrap())
        .collect();
    assert_eq!(priorities, [81, 73, 60]);
    let lodash = &recs[1];
    assert_eq!(lodash["from"], serde_json::json!(["4.17.20"]));
    assert_eq!(lodash["to"], "4.17.21");
    assert_eq!(lodash["fixes"], serde_json::json!(["GHSA-test-loda"]));
    assert_eq!(
        lodash["within_constraint"], true,
        "inside ^4.17.0: {lodash:#}"
    );
    let urllib3 = &recs[2];
    assert_eq!(urllib3["to"], "1.26.17");
    assert_eq!(urllib3["within_constraint"], false, "==1.26.5 must change");
    assert_eq!(
        urllib3["places"][0]["location"]["path"],
        "api/requirements.txt"
    );

    let minimist = &doc["components"][0];
    assert_eq!(minimist["name"], "minimist");
    assert_eq!(minimist["direct"], false);
    let terms: Vec<(&str, u64)> = minimist["priority"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["points"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        terms,
        [("severity", 49), ("sla", 16), ("lag", 0), ("exposure", 16)]
    );
    let lag = &minimist["priority"]["terms"][2]["why"];
    assert_eq!(
        lag,
        "unknown: transitive: not looked up (--all looks it up)"
    );
    // lodash is one component: the manifest range and the lock entry resolving it.
    let lodash = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lodash")
        .unwrap();
    let paths: Vec<&str> = lodash["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["web/package-lock.json", "web/package.json"]);
    let black = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "black")
        .unwrap();
    assert_eq!(black["scope"], "dev");
    assert_eq!(black["priority"]["score"], 0);
    assert_eq!(
        doc["summary"]["components"], 5,
        "wrappy is transitive and clean"
    );
    assert_eq!(doc["summary"]["sla_breaches"], 3);
    assert!(doc["coverage"]["vulnerabilities_checked"]
        .as_bool()
        .unwrap());
    let health = doc["health"]["score"].as_u64().unwrap();
    assert!(
        health < 70,
        "three vulnerabilities past their SLA: {health}"
    );
}

#[test]
fn all_adds_transitive_components_and_limit_keeps_the_most_urgent() {
    let f = fixture();
    let doc = json(&plan(&f, &f.db, &["--all", "--format", "json"]));
    let all = names(&doc["components"]);
    assert!(all.contains(&"wrappy"), "{all:?}");
    assert_eq!(doc["summary"]["components"], 6);
    let doc = json(&plan(&f, &f.db, &["--limit", "1", "--format", "json"]));
    assert_eq!(names(&doc["recommendations"]), ["minimist"]);
    assert_eq!(names(&doc["components"]), ["minimist"]);
    assert_eq!(doc["summary"]["recommendations"], 3, "the totals stay");
    let out = plan(&f, &f.db, &["--limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn table_and_markdown_explain_each_priority() {
    let f = fixture();
    let out = plan(&f, &f.db, &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text
        .lines()
        .find(|l| l.trim_start().starts_with("81"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        first.contains("fix") && first.contains("npm minimist"),
        "{first}"
    );
    assert!(
        text.contains("at web/package.json:") && text.contains("(`^4.17.0`: within range)"),
        "{text}"
    );
    assert!(
        text.contains("+49  severity        GHSA-test-mini: critical, CVSS 9.8"),
        "{text}"
    );
    assert!(text.contains("Health "), "{text}");
    let out = plan(&f, &f.db, &["--format", "markdown"]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Update plan\n"), "{md}");
    assert!(
        md.contains("| 81 | fix | `minimist` (npm) | 1.2.5 | 1.2.6 |"),
        "{md}"
    );
}

#[test]
fn without_a_database_vulnerabilities_are_not_checked_and_it_says_so() {
    let f = fixture();
    let none = f.dir.path().join("no-db");
    let out = plan(&f, &none, &["--format", "json"]);
    let doc = json(&out);
    assert_eq!(doc["coverage"]["vulnerabilities_checked"], false);
    let note = doc["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("vulnerabilities not checked: no OSV database at")
            && note.contains("polyver db sync"),
        "{note}"
    );
    assert_eq!(doc["recommendations"], serde_json::json!([]));
    let health = doc["health"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "vulnerabilities")
        .unwrap();
    assert_eq!(health["score"], Value::Null);
    let term = &doc["components"][0]["priority"]["terms"][0];
    assert_eq!(term["points"], 0);
    assert!(term["why"]
        .as_str()
        .unwrap()
        .starts_with("vulnerabilities not checked"));
    // A database that exists but is broken: exit 3. A missing path: exit 2.
    let broken = f.dir.path().join("broken");
    write(&broken, "advisories.pvdb", "not a database");
    assert_eq!(plan(&f, &broken, &[]).status.code(), Some(3));
    let out = polyver(&f.dir, &f.db)
        .args(["plan", "--offline"])
        .arg(f.root.join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
