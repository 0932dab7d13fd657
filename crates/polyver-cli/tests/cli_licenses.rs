//! `polyver licenses` end to end on the real metadata fixtures of polyver-license (an npm
//! lock, node_modules, a virtualenv's dist-info), with policies, a local registry server and
//! the on-disk cache.

#[path = "common/sarif.rs"]
mod sarif;

use assert_cmd::Command;
use polyver_net::testing::{Response, TestServer};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn polyver(cache: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("POLYVER_PYPI_URL")
        .env_remove("POLYVER_NPM_URL")
        .env_remove("POLYVER_CRATES_IO_URL")
        .env("POLYVER_CACHE_DIR", cache);
    cmd
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The fixture repository copied to a temp dir, with `config` as its polyver.toml.
fn repo(config: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../polyver-license/tests/fixtures/repo");
    copy_dir(&fixture, &root);
    std::fs::write(root.join("polyver.toml"), config).unwrap();
    (dir, root)
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap()
}

fn package<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn table_offline() {
    let (dir, root) = repo("");
    let out = polyver(dir.path())
        .args(["licenses", "--offline"])
        .arg(&root)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_and_markdown() {
    let (dir, root) = repo("");
    let out = polyver(dir.path())
        .args(["licenses", "--offline", "--format", "json"])
        .arg(&root)
        .assert()
        .success();
    let doc = json(&out.get_output().stdout);
    assert_eq!(doc["schema"], "polyver.licenses/v1");
    assert_eq!(doc["project"]["expression"], "MIT");
    let ua = package(&doc, "ua-parser-js");
    assert_eq!(ua["license"]["expression"], "AGPL-3.0-or-later");
    assert_eq!(ua["category"], "network-copyleft");
    assert_eq!(ua["verdict"]["outcome"], "pass");
    assert_eq!(ua["compatibility"]["level"], "warning");
    let pad = package(&doc, "left-pad-py");
    assert_eq!(pad["license"]["rule"], "unknown");
    assert_eq!(pad["verdict"]["outcome"], "warn");
    assert_eq!(doc["summary"]["packages"], 16);

    let out = polyver(dir.path())
        .args(["licenses", "--offline", "--format", "markdown"])
        .arg(&root)
        .assert()
        .success();
    let md = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(md.contains("| npm | ua-parser-js | 2.0.0 | AGPL-3.0-or-later | spdx | network-copyleft | **pass** |"), "{md}");
    assert!(md.contains("## Compatibility with the project licence"));

    let out = polyver(dir.path())
        .args(["licenses", "--offline", "--format", "sarif"])
        .arg(&root)
        .assert()
        .success();
    let log = json(&out.get_output().stdout);
    sarif::assert_valid_sarif(&log);
    let rules: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"license/denied"), "{rules:?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let has = |rule: &str, name: &str| {
        results
            .iter()
            .any(|r| r["ruleId"] == rule && r["message"]["text"].as_str().unwrap().contains(name))
    };
    assert!(has("license/incompatible", "ua-parser-js"), "{results:#?}");
    assert!(has("license/unknown", "left-pad-py"), "{results:#?}");
    let summary = &doc["summary"];
    let expected = ["violations", "warnings", "incompatible"]
        .iter()
        .map(|k| summary[*k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(results.len() as u64, expected, "one result per finding");

    polyver(dir.path())
        .args(["licenses", "--offline", "--format", "dot"])
        .arg(&root)
        .assert()
        .code(2);
}

#[test]
fn policy_violations_fail_only_when_asked() {
    let config = "[licenses]\nallow = [\"permissive\", \"weak-copyleft\"]\ndeny = [\"network-copyleft\"]\nunknown = \"allow\"\n\n[[licenses.exceptions]]\nname = \"pypi:chardet\"\nallow = [\"LGPL-2.0-or-later\"]\nreason = \"used as a separate module\"\n";
    let (dir, root) = repo(config);
    let out = polyver(dir.path())
        .args(["licenses", "--offline", "--format", "json"])
        .arg(&root)
        .assert()
        .success();
    let doc = json(&out.get_output().stdout);
    assert_eq!(doc["summary"]["violations"], 1);
    assert_eq!(
        package(&doc, "ua-parser-js")["verdict"]["reason"],
        "AGPL-3.0-or-later (network-copyleft) is denied by `network-copyleft`"
    );
    assert!(package(&doc, "chardet")["verdict"]["reason"]
        .as_str()
        .unwrap()
        .contains("used as a separate module"));
    polyver(dir.path())
        .args(["licenses", "--offline", "--fail-on-violation", "-q"])
        .arg(&root)
        .assert()
        .code(1);
    // `--fail-on` as everywhere else: the violation is high, so `critical` passes and
    // `high` fails, saying how many.
    polyver(dir.path())
        .args(["licenses", "--offline", "--fail-on", "critical"])
        .arg(&root)
        .assert()
        .success();
    let out = polyver(dir.path())
        .args(["licenses", "--offline", "--fail-on", "high"])
        .arg(&root)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("1 finding at or above high"), "{stderr}");
    // The old flag is hidden, and it cannot be combined with the new one.
    let help = polyver(dir.path())
        .args(["licenses", "--help"])
        .assert()
        .success();
    let help = String::from_utf8_lossy(&help.get_output().stdout);
    assert!(help.contains("--fail-on <SEVERITY>") && !help.contains("--fail-on-violation"));
    polyver(dir.path())
        .args(["licenses", "--fail-on", "high", "--fail-on-violation"])
        .arg(&root)
        .assert()
        .code(2);
}

#[test]
fn config_errors_point_at_the_line() {
    let (dir, root) = repo("[licenses]\nallow = [\"MIT\"]\ndeny = [\"GPL-3.0-onyl\"]\n");
    let out = polyver(dir.path())
        .args(["licenses", "--offline"])
        .arg(&root)
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("error: `GPL-3.0-onyl` is neither")
            && stderr
                .contains("polyver.toml:3:9\n  |\n3 | deny = [\"GPL-3.0-onyl\"]\n  |         ^\n"),
        "{stderr}"
    );
}

#[test]
fn registry_lookups_use_the_cache_on_the_second_run() {
    let server = TestServer::start();
    server.route(
        "/pypi/left-pad-py/1.0.0/json",
        Response::ok(r#"{"info": {"license": "BSD 3-Clause License", "classifiers": []}}"#),
    );
    let (dir, root) = repo("");
    let url = format!("pypi={}", server.url("/pypi"));
    for run in 0..2 {
        let out = polyver(dir.path())
            .args(["licenses", "--format", "json", "--registry-url", &url])
            .arg(&root)
            .assert()
            .success();
        let doc = json(&out.get_output().stdout);
        let pad = package(&doc, "left-pad-py");
        assert_eq!(pad["license"]["expression"], "BSD-3-Clause");
        assert_eq!(pad["license"]["rule"], "alias");
        assert_eq!(pad["source"], "registry:pypi");
        assert_eq!(doc["summary"]["registry_cached"], run);
    }
    assert_eq!(server.hits("/pypi/left-pad-py/1.0.0/json"), 1);
    assert_eq!(server.requests().len(), 1);

    // A bad --registry-url is a usage error.
    polyver(dir.path())
        .args(["licenses", "--registry-url", "pypi"])
        .arg(&root)
        .assert()
        .code(2);
}

#[test]
fn sboms_carry_local_licences_without_network() {
    let (dir, root) = repo("");
    let out = polyver(dir.path())
        .args(["scan", "--format", "spdx"])
        .arg(&root)
        .assert()
        .success();
    let doc = json(&out.get_output().stdout);
    let packages = doc["packages"].as_array().unwrap();
    assert_eq!(packages[0]["licenseDeclared"], "MIT");
    let declared = |name: &str| {
        packages
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["licenseDeclared"].clone())
            .unwrap()
    };
    assert_eq!(declared("ua-parser-js"), "AGPL-3.0-or-later");
    assert_eq!(declared("requests"), "Apache-2.0");
    // A guess is not a declaration.
    assert_eq!(declared("packaging"), "NOASSERTION");
    let out = polyver(dir.path())
        .args(["scan", "--format", "cyclonedx"])
        .arg(&root)
        .assert()
        .success();
    let bom = json(&out.get_output().stdout);
    let left_pad = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "left-pad")
        .unwrap();
    assert_eq!(left_pad["licenses"][0]["expression"], "WTFPL");
}

#[test]
fn scan_asks_registries_only_with_licenses_flag() {
    let server = TestServer::start();
    server.route(
        "/pypi/left-pad-py/1.0.0/json",
        Response::ok(r#"{"info": {"license_expression": "MIT", "classifiers": []}}"#),
    );
    let (dir, root) = repo("");
    let declared = |args: &[&str]| {
        let out = polyver(dir.path())
            .env("POLYVER_PYPI_URL", server.url("/pypi"))
            .args(["scan", "--format", "spdx"])
            .args(args)
            .arg(&root)
            .assert()
            .success();
        let doc = json(&out.get_output().stdout);
        doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "left-pad-py")
            .unwrap()["licenseDeclared"]
            .clone()
    };
    assert_eq!(declared(&[]), "NOASSERTION");
    assert_eq!(server.requests().len(), 0);
    assert_eq!(declared(&["--licenses"]), "MIT");
    assert_eq!(server.requests().len(), 1);
}
