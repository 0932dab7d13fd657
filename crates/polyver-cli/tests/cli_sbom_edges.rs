//! The SBOMs and `polyver graph` resolve lock edges with one resolver (the project model):
//! on a repository of real lock files from nine ecosystems and lock formats (ranges in yarn
//! and pnpm, marker splits in uv, a Pulumi project's providers), the CycloneDX
//! `dependencies` and the SPDX `DEPENDS_ON` relationships are exactly the graph's edges, by
//! package URL.
//!
//! The two hand-made locks are where the SBOM writers' former resolver disagreed: an entry
//! whose optional dependency its own lock did not record (`fsevents` on Linux) got an edge
//! to the same package in another, unrelated lock file.

#[path = "common/temp.rs"]
mod temp;
use assert_cmd::Command;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("POLYVER_DATABASE_URL")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .current_dir(dir);
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
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const DESKTOP_LOCK: &str = r#"{ "name": "desktop", "lockfileVersion": 3, "packages": {
  "": { "name": "desktop", "dependencies": { "chokidar": "^3.5.0" } },
  "node_modules/chokidar": { "version": "3.5.3", "dependencies": { "anymatch": "~3.1.2" },
    "optionalDependencies": { "fsevents": "~2.3.2" } },
  "node_modules/anymatch": { "version": "3.1.3" }
}}"#;

const TOOLS_LOCK: &str = r#"{ "name": "tools", "lockfileVersion": 3, "packages": {
  "": { "name": "tools", "dependencies": { "fsevents": "2.3.3" } },
  "node_modules/fsevents": { "version": "2.3.3" }
}}"#;

fn repo() -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../polyver-extract/tests/fixtures");
    let dir = temp::fresh_dir("sbom-edges", "repo");
    for (from, to) in [
        ("package-lock/v3", "web"),
        ("yarn-lock/berry", "admin"),
        ("pnpm-lock/v9", "shop"),
        ("poetry-lock/v2.0", "api"),
        ("uv-lock/workspace", "ml"),
        ("cargo-lock/v4", "agent"),
        ("gemfile", "billing"),
        ("composer", "cms"),
        ("pulumi-providers", "infra"),
    ] {
        copy_dir(&fixtures.join(from), &dir.join(to));
    }
    std::fs::create_dir_all(dir.join("desktop")).unwrap();
    std::fs::write(dir.join("desktop/package-lock.json"), DESKTOP_LOCK).unwrap();
    std::fs::create_dir_all(dir.join("tools")).unwrap();
    std::fs::write(dir.join("tools/package-lock.json"), TOOLS_LOCK).unwrap();
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

type Edges = BTreeSet<(String, String)>;

fn graph_edges(dir: &Path) -> Edges {
    let doc = json(polyver(dir).args(["graph", "--format", "json"]));
    let mut edges = Edges::new();
    for g in doc["graphs"].as_array().unwrap() {
        let purl: BTreeMap<&str, &str> = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| (n["id"].as_str().unwrap(), n["purl"].as_str().unwrap()))
            .collect();
        for e in g["edges"].as_array().unwrap() {
            let end = |k: &str| purl[e[k].as_str().unwrap()].to_string();
            edges.insert((end("from"), end("to")));
        }
    }
    edges
}

fn cyclonedx_edges(dir: &Path) -> Edges {
    let bom = json(polyver(dir).args(["scan", ".", "--format", "cyclonedx"]));
    let purl: BTreeMap<&str, &str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["bom-ref"].as_str().unwrap(), c["purl"].as_str().unwrap()))
        .collect();
    let mut edges = Edges::new();
    for d in bom["dependencies"].as_array().unwrap() {
        let from = d["ref"].as_str().unwrap();
        if from == "polyver-root" {
            continue;
        }
        for to in d["dependsOn"].as_array().unwrap() {
            edges.insert((
                purl[from].to_string(),
                purl[to.as_str().unwrap()].to_string(),
            ));
        }
    }
    edges
}

fn spdx_edges(dir: &Path) -> Edges {
    let doc = json(polyver(dir).args(["scan", ".", "--format", "spdx"]));
    let purl: BTreeMap<&str, &str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let purl = p["externalRefs"]
                .as_array()?
                .iter()
                .find(|r| r["referenceType"] == "purl")?;
            Some((
                p["SPDXID"].as_str().unwrap(),
                purl["referenceLocator"].as_str().unwrap(),
            ))
        })
        .collect();
    doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relationshipType"] == "DEPENDS_ON")
        .filter(|r| r["spdxElementId"] != "SPDXRef-Repository")
        .map(|r| {
            let end = |k: &str| purl[r[k].as_str().unwrap()].to_string();
            (end("spdxElementId"), end("relatedSpdxElement"))
        })
        .collect()
}

#[test]
fn sbom_dependency_edges_are_the_graph_edges() {
    let dir = repo();
    let graph = graph_edges(&dir);
    assert!(graph.len() > 40, "a real repository: {} edges", graph.len());
    let cyclonedx = cyclonedx_edges(&dir);
    assert_eq!(
        cyclonedx.difference(&graph).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "CycloneDX edges polyver graph does not draw"
    );
    assert_eq!(
        graph.difference(&cyclonedx).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "graph edges CycloneDX misses"
    );
    assert_eq!(spdx_edges(&dir), graph, "SPDX DEPENDS_ON edges");
}
