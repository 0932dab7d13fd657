//! pip-compile / `uv pip compile` output as a lock with edges (issue 13 item 5), end to end
//! on the real outputs in polyver-extract's `requirements-compiled` fixtures: `conflicts`
//! stops calling a compiled range unbounded and reports drift, `graph` draws the `# via`
//! edges, `why` prints the paths (and where a package is pinned when no graph has it), and
//! `audit` still pairs the `.in` range with the compiled pin.

#[path = "common/temp.rs"]
mod temp;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(tool: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../polyver-extract/tests/fixtures/requirements-compiled")
        .join(tool)
}

/// A copy of one tool's fixture directory, to edit.
fn copy(tool: &str, test: &str) -> PathBuf {
    let dir = temp::fresh_dir("reqlock", test);
    for e in std::fs::read_dir(fixture(tool)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn polyver() -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("POLYVER_DATA_DIR")
        .env_remove("POLYVER_DATABASE_URL");
    cmd
}

fn json(cmd: &mut Command, code: i32) -> Value {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rules(doc: &Value) -> Vec<(String, String)> {
    doc["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn conflicts_take_the_compiled_file_as_the_lock_of_the_in_file() {
    for tool in ["pip-tools", "uv"] {
        // `flask>=2.3`, `urllib3`, `pytest>=7` have no upper bound, but the compiled file
        // beside them pins them: nothing floats.
        let doc = json(
            polyver()
                .args(["conflicts", "--format", "json"])
                .arg(fixture(tool)),
            0,
        );
        assert_eq!(
            rules(&doc),
            Vec::<(String, String)>::new(),
            "{tool}: {doc:#}"
        );
    }
    // Drift: the .in now excludes the pinned flask and names a package the lock lacks.
    let dir = copy("uv", "drift");
    std::fs::write(
        dir.join("requirements.in"),
        "flask>=2.3,<3\nrequests[socks]>=2.28\nurllib3\ndjango>=4,<6\n",
    )
    .unwrap();
    let doc = json(
        polyver().args(["conflicts", "--format", "json"]).arg(&dir),
        1,
    );
    let found = rules(&doc);
    assert!(
        found.contains(&("conflict/lock-mismatch".into(), "flask".into())),
        "{doc:#}"
    );
    assert!(
        found.contains(&("conflict/missing-from-lock".into(), "django".into())),
        "{doc:#}"
    );
    let mismatch = doc["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "conflict/lock-mismatch")
        .unwrap();
    // The pin once, at its line in the compiled file (it is also read through `-c`).
    assert_eq!(
        mismatch["entries"].as_array().unwrap().len(),
        2,
        "{mismatch:#}"
    );
    assert_eq!(
        mismatch["entries"][1]["location"]["path"],
        "requirements.txt"
    );
    assert_eq!(mismatch["entries"][1]["location"]["line"], 11);
}

#[test]
fn graph_draws_the_via_edges() {
    for tool in ["pip-tools", "uv"] {
        let doc = json(
            polyver()
                .args(["graph", "-q", "--format", "json"])
                .arg(fixture(tool)),
            0,
        );
        let graphs = doc["graphs"].as_array().unwrap();
        let locks: Vec<&str> = graphs.iter().map(|g| g["lock"].as_str().unwrap()).collect();
        assert_eq!(
            locks,
            ["requirements-dev.txt", "requirements.txt"],
            "{tool}"
        );
        let g = &graphs[1];
        assert_eq!(g["source"], "requirements-lock");
        assert_eq!(g["stats"]["unresolved_edges"], 0, "{tool}");
        let roots: Vec<&str> = g["roots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(
            roots,
            ["flask@3.1.3", "requests@2.34.2", "urllib3@2.2.3"],
            "{tool}"
        );
        let edges: Vec<(String, String)> = g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["from"].as_str().unwrap().to_string(),
                    e["to"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for parent in ["flask@3.1.3", "jinja2@3.1.6", "werkzeug@3.1.9"] {
            assert!(
                edges.contains(&(parent.to_string(), "markupsafe@3.0.4".to_string())),
                "{tool}: {edges:?}"
            );
        }
        assert_eq!(edges.len(), 13, "{tool}: {edges:?}");
    }
    // A drawing names the edges too.
    let out = polyver()
        .args(["graph", "-q", "--format", "dot"])
        .arg(fixture("pip-tools"))
        .output()
        .unwrap();
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.contains("markupsafe@3.0.4"), "{dot}");
}

#[test]
fn why_prints_the_paths_and_where_a_plain_pin_is() {
    let out = polyver()
        .args(["why", "MarkupSafe", "-q"])
        .arg(fixture("uv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("flask@3.1.3 → jinja2@3.1.6 → markupsafe@3.0.4"),
        "{text}"
    );
    assert!(
        text.contains("flask@3.1.3 → werkzeug@3.1.9 → markupsafe@3.0.4"),
        "{text}"
    );
    // A hand-written requirements file records no edges: why says where it is pinned.
    let dir = temp::fresh_dir("reqlock", "plain");
    std::fs::write(dir.join("requirements.txt"), "Flask==2.0.1\nrequests>=2\n").unwrap();
    let out = polyver().args(["why", "flask"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "flask@2.0.1 pinned at requirements.txt:1 (pypi, requirements): no dependency graph records what pulls it in\n"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is in no dependency graph"), "{err}");
    let doc = json(
        polyver()
            .args(["why", "flask", "--format", "json"])
            .arg(&dir),
        1,
    );
    assert_eq!(doc["matches"], serde_json::json!([]));
    assert_eq!(doc["pinned_elsewhere"][0]["version"], "2.0.1");
    assert_eq!(doc["pinned_elsewhere"][0]["line"], 1);
    // A range is not a pin.
    let doc = json(
        polyver()
            .args(["why", "requests", "--format", "json"])
            .arg(&dir),
        1,
    );
    assert_eq!(doc["pinned_elsewhere"], serde_json::json!([]));
}

#[test]
fn audit_pairs_the_in_range_with_the_compiled_pin() {
    let osv = temp::fresh_dir("reqlock", "osv");
    std::fs::create_dir_all(osv.join("PyPI")).unwrap();
    std::fs::write(
        osv.join("PyPI/PYSEC-TEST-1.json"),
        r#"{"id":"PYSEC-TEST-1","modified":"2026-01-01T00:00:00Z","summary":"test advisory","affected":[{"package":{"ecosystem":"PyPI","name":"jinja2"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.1.7"}]}]}]}"#,
    )
    .unwrap();
    let db = temp::fresh_dir("reqlock", "db");
    let out = polyver()
        .env("POLYVER_OSV_DB", &db)
        .args(["db", "import"])
        .arg(&osv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = copy("pip-tools", "audit");
    std::fs::write(
        dir.join("requirements.in"),
        "flask>=2.3\nrequests[socks]>=2.28\nurllib3\njinja2>=3\n",
    )
    .unwrap();
    let doc = json(
        polyver()
            .env("POLYVER_OSV_DB", &db)
            .args(["audit", "--format", "json"])
            .arg(&dir),
        0,
    );
    assert_eq!(doc["summary"]["not_pinned"], 0, "{doc:#}");
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{doc:#}");
    let f = &findings[0];
    assert_eq!(f["version"], "3.1.6");
    assert_eq!(f["locations"][0]["path"], "requirements.txt");
    // The `.in` range the pin resolves, not the lock's own `==`: 3.1.7 satisfies it.
    assert_eq!(f["constraints"], serde_json::json!([">=3"]));
    assert_eq!(f["fix_satisfies_constraint"], true);
}
