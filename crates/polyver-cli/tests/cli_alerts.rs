//! `polyver alerts` checked by Prometheus's own tool: the rules the binary writes pass
//! `promtool check rules`, and `promtool test rules` runs fixtures/alerts/rules_test.yml
//! (each alert firing and not firing, with the thresholds of fixtures/alerts/polyver.toml);
//! every query of the dashboard parses as PromQL. Without promtool (Debian package
//! `prometheus`) the tests skip, except under CI=true.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/alerts");

/// `promtool`, or `None` after saying why the test skips.
fn promtool() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("promtool"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        polyver_testkit::skip(
            "promtool is not installed",
            "install the Debian package `prometheus` (apt-get install prometheus)",
        );
    }
    found
}

/// A directory with the fixture's polyver.toml and unit tests.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["polyver.toml", "rules_test.yml"] {
        std::fs::copy(Path::new(FIXTURE).join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn run_promtool(promtool: &Path, dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(promtool)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?}:\n{text}");
    text
}

#[test]
fn promtool_accepts_the_rules_and_every_alert_fires_only_when_it_should() {
    let Some(promtool) = promtool() else { return };
    let dir = workdir();
    polyver(dir.path())
        .args(["alerts", "-o", "rules.yml"])
        .assert()
        .success();
    let rules = std::fs::read_to_string(dir.path().join("rules.yml")).unwrap();
    assert!(
        rules.contains("health-below = 50, scan-stale-after = \"1d\""),
        "{rules}"
    );
    let checked = run_promtool(&promtool, dir.path(), &["check", "rules", "rules.yml"]);
    assert!(checked.contains("SUCCESS: 4 rules found"), "{checked}");
    let tested = run_promtool(&promtool, dir.path(), &["test", "rules", "rules_test.yml"]);
    assert!(tested.contains("SUCCESS"), "{tested}");
}

#[test]
fn the_unit_tests_fail_against_other_thresholds() {
    // The fixture's tests depend on the configured thresholds: rules written with the
    // defaults (health below 60, stale after 7 days) must not pass them.
    let Some(promtool) = promtool() else { return };
    let dir = workdir();
    std::fs::remove_file(dir.path().join("polyver.toml")).unwrap();
    polyver(dir.path())
        .args(["alerts", "-o", "rules.yml"])
        .assert()
        .success();
    let out = std::process::Command::new(&promtool)
        .current_dir(dir.path())
        .args(["test", "rules", "rules_test.yml"])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("alertname: PolyverScanStale"), "{text}");
    assert!(text.contains("alertname: PolyverHealthLow"), "{text}");
}

#[test]
fn every_dashboard_query_is_valid_promql() {
    let Some(promtool) = promtool() else { return };
    let dir = workdir();
    polyver(dir.path())
        .args(["alerts", "-o", "rules.yml", "--dashboard", "dashboard.json"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("dashboard.json")).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Each query as a recording rule, Grafana's variables replaced by what they expand to.
    let mut rules = String::from("groups:\n- name: dashboard\n  rules:\n");
    let mut queries = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"]
                .as_str()
                .unwrap()
                .replace("$repo", ".*")
                .replace("$__rate_interval", "5m");
            queries += 1;
            rules.push_str(&format!(
                "  - record: polyver_dashboard:query_{queries}\n    expr: {}\n",
                serde_json::to_string(&expr).unwrap()
            ));
        }
    }
    assert_eq!(queries, 13);
    std::fs::write(dir.path().join("dashboard_queries.yml"), rules).unwrap();
    let checked = run_promtool(
        &promtool,
        dir.path(),
        &["check", "rules", "dashboard_queries.yml"],
    );
    assert!(checked.contains("SUCCESS: 13 rules found"), "{checked}");
}

#[test]
fn json_holds_rules_and_dashboard_and_a_bad_dashboard_path_is_exit_3() {
    let dir = workdir();
    let out = polyver(dir.path())
        .args(["alerts", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "polyver.alerts/v1");
    assert_eq!(doc["thresholds"]["health_below"], 50);
    assert_eq!(doc["thresholds"]["scan_stale_after_seconds"], 86_400);
    assert_eq!(
        doc["rules"]["groups"][0]["rules"].as_array().unwrap().len(),
        4
    );
    assert_eq!(doc["dashboard"]["uid"], "polyver-fleet");

    let out = polyver(dir.path())
        .args(["alerts", "--dashboard", "no/such/dir/dashboard.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write the dashboard to no/such/dir/dashboard.json"),
        "{stderr}"
    );
}

#[test]
fn a_bad_threshold_in_polyver_toml_is_exit_2_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("polyver.toml"),
        "[server.alerts]\nhealth-below = 150\n",
    )
    .unwrap();
    let out = polyver(dir.path()).arg("alerts").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("polyver.toml:2"), "{stderr}");
    assert!(stderr.contains("health-below"), "{stderr}");
}
