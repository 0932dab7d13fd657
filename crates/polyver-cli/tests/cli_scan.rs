//! `polyver scan` end to end on small trees built in the test: formats, exit codes,
//! diagnostics on stderr, reproducible SBOMs.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn polyver() -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("SOURCE_DATE_EPOCH");
    // These trees are scanned as input only; the registry has its own tests (cli_store.rs).
    cmd.env("POLYVER_NO_STORE", "1");
    cmd
}

/// A small repository: a requirements file (one line broken), a package.json, a Dockerfile.
fn tree(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polyver-cli-scan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("web")).unwrap();
    std::fs::write(
        dir.join("requirements.txt"),
        "requests==2.31.0\nflask>=2.0,<3\nbroken[extra\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("web/package.json"),
        "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"@scope/ui\": \"^1.2.0\"\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        "ARG PY=3.12\nFROM python:${PY}-slim AS base\nFROM base\n",
    )
    .unwrap();
    dir
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn table_groups_by_file_and_diagnostics_go_to_stderr() {
    let dir = tree("table");
    polyver()
        .arg("scan")
        .arg(&dir)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "requirements.txt\n  :1  package  pypi  requests  2.31.0",
        ))
        .stdout(predicate::str::contains(
            "Dockerfile\n  :2  image  docker  python  3.12-slim",
        ))
        .stdout(predicate::str::contains("4 components"))
        .stderr(predicate::str::contains("warning[parse-error]: "))
        .stderr(predicate::str::contains(
            " --> requirements.txt:3\n  |\n3 | broken[extra\n",
        ));
    // --strict turns an unparseable line into a failed check.
    polyver()
        .arg("scan")
        .arg(&dir)
        .arg("--strict")
        .assert()
        .code(1);
    // -q keeps stderr quiet.
    polyver()
        .arg("-q")
        .arg("scan")
        .arg(&dir)
        .assert()
        .code(0)
        .stderr("");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn json_and_markdown() {
    let dir = tree("json");
    let inv = json(polyver().arg("scan").arg(&dir).args(["--format", "json"]));
    assert_eq!(inv["schema"], "polyver.scan/v1");
    let names: Vec<&str> = inv["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["flask", "requests", "@scope/ui", "python"],
        "{names:?}"
    );
    assert_eq!(inv["diagnostics"][0]["path"], "requirements.txt");
    assert_eq!(inv["diagnostics"][0]["line"], 3);
    polyver()
        .arg("scan")
        .arg(&dir)
        .args(["--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| requirements.txt | 1 | package | pypi | requests | 2.31.0 | runtime | yes |",
        ))
        .stdout(predicate::str::contains("## Diagnostics"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sboms_are_reproducible_with_source_date_epoch() {
    let dir = tree("sbom");
    let run = |format: &str| {
        let out = polyver()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .arg("scan")
            .arg(&dir)
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let bom: Value = serde_json::from_slice(&run("cyclonedx")).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(bom["components"].as_array().unwrap().len(), 4);
    let dir_name = dir.file_name().unwrap().to_str().unwrap();
    assert_eq!(bom["metadata"]["component"]["name"], dir_name);
    assert_eq!(run("cyclonedx"), run("cyclonedx"), "same input, same bytes");
    let spdx: Value = serde_json::from_slice(&run("spdx")).unwrap();
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    assert_eq!(spdx["creationInfo"]["created"], "2023-11-14T22:13:20Z");
    polyver()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .arg("scan")
        .arg(&dir)
        .args(["--format", "spdx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SOURCE_DATE_EPOCH"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_directory_is_an_input_error() {
    polyver()
        .args(["scan", "/nonexistent/polyver/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot scan /nonexistent/polyver/dir",
        ))
        .stderr(predicate::str::contains("hint: "));
    let _ = Path::new(".");
}

#[test]
fn polyver_toml_scan_section_applies_and_bad_keys_are_located() {
    let dir = tree("config");
    std::fs::write(dir.join("polyver.toml"), "[scan]\nexclude = [\"web/**\"]\n").unwrap();
    let inv = json(polyver().arg("scan").arg(&dir).args(["--format", "json"]));
    let names: Vec<&str> = inv["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"@scope/ui"),
        "web/ excluded by polyver.toml: {names:?}"
    );
    // Found upward from a subdirectory too, and the command line adds to it.
    let inv =
        json(
            polyver()
                .arg("scan")
                .arg(&dir)
                .args(["--format", "json", "--exclude", "Dockerfile"]),
        );
    assert_eq!(inv["components"].as_array().unwrap().len(), 2);

    std::fs::write(
        dir.join("polyver.toml"),
        "[scan]\nexclude = []\nexlude = [\"web/**\"]\n",
    )
    .unwrap();
    polyver()
        .arg("scan")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: unknown key `exlude`"))
        .stderr(predicate::str::contains(
            "polyver.toml:3:1\n  |\n3 | exlude = ",
        ))
        .stderr(predicate::str::contains("hint: did you mean `exclude`?"));
    // --config names another file.
    let other = dir.join("other.toml");
    std::fs::write(&other, "[scan]\nmax-file-size = 10\n").unwrap();
    let inv = json(
        polyver()
            .arg("--config")
            .arg(&other)
            .arg("scan")
            .arg(&dir)
            .args(["--format", "json"]),
    );
    assert!(inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "file-too-large"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sboms_list_migrations_only_with_with_migrations() {
    let dir = tree("migrations");
    let versions = dir.join("alembic/versions");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(
        dir.join("alembic.ini"),
        "[alembic]\nscript_location = alembic\n",
    )
    .unwrap();
    std::fs::write(
        versions.join("aaa1_init.py"),
        "revision = \"aaa1\"\ndown_revision = None\n",
    )
    .unwrap();
    let inventory = json(polyver().arg("scan").arg(&dir).args(["--format", "json"]));
    assert!(
        inventory["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "migration"),
        "the fixture has a migration: {inventory}"
    );
    let data = |bom: &Value| {
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["type"] == "data")
            .count()
    };
    let plain = json(
        polyver()
            .arg("scan")
            .arg(&dir)
            .args(["--format", "cyclonedx"]),
    );
    assert_eq!(data(&plain), 0);
    let with =
        json(
            polyver()
                .arg("scan")
                .arg(&dir)
                .args(["--format", "cyclonedx", "--with-migrations"]),
        );
    assert_eq!(data(&with), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_named_file_keeps_its_directories_inside_a_work_tree() {
    let dir = tree("named-file");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    std::fs::write(
        dir.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    )
    .unwrap();
    // By absolute path: the work tree is the top, so the file is read as a workflow.
    let v = json(
        polyver()
            .arg("scan")
            .arg(dir.join(".github/workflows/ci.yml"))
            .args(["--format", "json"]),
    );
    let components = v["components"].as_array().unwrap();
    // actions/checkout and the job's runner, ubuntu-latest.
    assert_eq!(components.len(), 2, "{v:#}");
    for c in components {
        assert_eq!(c["source"], "github-actions");
        assert_eq!(c["locations"][0]["path"], ".github/workflows/ci.yml");
    }
    // Only that file: the requirements.txt beside it is not read.
    assert!(components.iter().all(|c| c["ecosystem"] != "pypi"));
    std::fs::remove_dir_all(&dir).unwrap();
}
