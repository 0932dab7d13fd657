//! `polyver conflicts` end to end on the fixture repository `tests/fixtures/conflicts/repo`,
//! which plants one problem of every kind (and takes its policy from polyver.toml plus the
//! `.versions.yaml` / `.compatibility-matrix.yaml` mirrors): snapshots of each format, exit
//! codes, filters, and located configuration errors.

#[path = "common/sarif.rs"]
mod sarif;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conflicts/repo")
}

fn polyver() -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR").current_dir(fixture());
    cmd
}

fn stdout(cmd: &mut Command) -> (String, Option<i32>) {
    let out = cmd.output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), out.status.code())
}

#[test]
fn table_groups_by_kind_with_both_locations() {
    let (text, code) = stdout(polyver().arg("conflicts"));
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("conflicts_table", text);
}

#[test]
fn json_has_a_schema_and_every_kind() {
    let (text, code) = stdout(polyver().args(["conflicts", "--format", "json"]));
    assert_eq!(code, Some(1));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "polyver.conflicts/v1");
    assert_eq!(doc["fail_on"], "high");
    assert_eq!(doc["failed"], true);
    for kind in [
        "unsatisfiable",
        "lock-mismatch",
        "duplicate-in-lock",
        "floating",
        "drift",
        "compat",
    ] {
        assert!(
            doc["summary"]["by_kind"][kind].as_u64().unwrap_or(0) > 0,
            "no {kind} in {doc:#}"
        );
    }
    // polyver.toml wins over .versions.yaml for `python`; .versions.yaml adds `postgresql`.
    let drift: Vec<(&str, &str)> = doc["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "drift")
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["explanation"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        drift.contains(&("python", "approved at polyver.toml:3")),
        "{drift:?}"
    );
    assert!(
        drift.contains(&("postgres", "approved at .versions.yaml:3")),
        "{drift:?}"
    );
    insta::assert_snapshot!("conflicts_json", text);
}

#[test]
fn sarif_is_valid_with_one_result_per_conflict() {
    let (json_text, _) = stdout(polyver().args(["conflicts", "--format", "json"]));
    let doc: Value = serde_json::from_str(&json_text).unwrap();
    let (text, code) = stdout(polyver().args(["conflicts", "--format", "sarif"]));
    assert_eq!(
        code,
        Some(1),
        "the exit code follows --fail-on in every format"
    );
    let log: Value = serde_json::from_str(&text).unwrap();
    sarif::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), doc["conflicts"].as_array().unwrap().len());
    let unsat = results
        .iter()
        .find(|r| r["ruleId"] == "conflict/unsatisfiable")
        .expect("the planted unsatisfiable pair");
    assert_eq!(unsat["level"], "error");
    assert!(
        unsat["locations"].as_array().unwrap().len() >= 2,
        "{unsat:#}"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "conflict/unsatisfiable")
        .unwrap();
    assert!(rule["shortDescription"]["text"]
        .as_str()
        .unwrap()
        .contains("no common version"));
}

#[test]
fn markdown() {
    let (text, _) = stdout(polyver().args(["conflicts", "--format", "markdown"]));
    insta::assert_snapshot!("conflicts_markdown", text);
}

#[test]
fn fail_on_and_kind_filters_set_the_exit_code() {
    // Only medium and below among floating findings: passes at the default threshold.
    let (text, code) =
        stdout(polyver().args(["conflicts", "--kind", "floating", "--format", "json"]));
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["kind"] == "floating"));
    let (_, code) =
        stdout(polyver().args(["conflicts", "--kind", "floating", "--fail-on", "medium"]));
    assert_eq!(code, Some(1));
    let (_, code) = stdout(polyver().args(["conflicts", "--fail-on", "critical"]));
    assert_eq!(code, Some(0));
    polyver()
        .args(["conflicts", "--kind", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown kind `nonsense`"));
    polyver()
        .args(["conflicts", "--format", "cyclonedx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'cyclonedx' for '--format",
        ));
}

#[test]
fn configuration_errors_are_located() {
    let dir = std::env::temp_dir().join(format!("polyver-conflicts-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("polyver.toml"),
        "[[compat]]\nwhen = { python = \"3.10\" }\nrequires = { \"pypi:fastapi\" = \"<0.105\" }\n",
    )
    .unwrap();
    Command::cargo_bin("polyver")
        .unwrap()
        .arg("conflicts")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: unknown key `requires`"))
        .stderr(predicate::str::contains(
            "polyver.toml:3:1\n  |\n3 | requires = ",
        ))
        .stderr(predicate::str::contains("did you mean `require`?"));
    std::fs::write(dir.join("polyver.toml"), "[approved]\nnode = \">=>18\"\n").unwrap();
    Command::cargo_bin("polyver")
        .unwrap()
        .arg("conflicts")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: `node = \">=>18\"`: invalid npm range",
        ))
        .stderr(predicate::str::contains("polyver.toml:2:8\n"));
    std::fs::write(dir.join("polyver.toml"), "").unwrap();
    std::fs::write(dir.join(".versions.yaml"), "python: 3.10\npypi:flask: ^2\n").unwrap();
    Command::cargo_bin("polyver")
        .unwrap()
        .arg("conflicts")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".versions.yaml:2:1"));
    std::fs::remove_dir_all(dir).unwrap();
}
