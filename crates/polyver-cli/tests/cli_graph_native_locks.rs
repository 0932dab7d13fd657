//! `polyver graph` and `polyver why` on the lock formats that record edges beside the npm,
//! Python, Cargo, Ruby and PHP ones: Signal iOS's `Podfile.lock` (subspecs merged into their
//! pod), a Conan 1 graph lock (scalibr's fixture with revisions) and a `renv.lock` with
//! `Requirements`, from the extractor fixtures.

#[path = "common/temp.rs"]
mod temp;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../polyver-extract/tests/fixtures")
}

fn repo() -> PathBuf {
    let dir = temp::fresh_dir("graph-native", "locks");
    for (from, to) in [
        ("podfile-lock/Podfile.lock", "ios/Podfile.lock"),
        (
            "conan-lock/scalibr/nested-dependencies.v1.revisions.json",
            "native/conan.lock",
        ),
        ("renv-lock/renv.lock", "analysis/renv.lock"),
    ] {
        let target = dir.join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixtures().join(from), target).unwrap();
    }
    dir
}

fn polyver(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("polyver")
        .unwrap()
        .env_remove("NO_COLOR")
        .env_remove("POLYVER_DATABASE_URL")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `from -> to` edges of one lock's graph, by node id.
fn edges(graphs: &[Value], lock: &str) -> BTreeSet<(String, String)> {
    let g = graphs
        .iter()
        .find(|g| g["lock"] == lock)
        .unwrap_or_else(|| panic!("no graph for {lock}"));
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_string(),
                e["to"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn podfile_conan_and_renv_locks_have_their_edges() {
    let dir = repo();
    let json: Value = serde_json::from_str(&polyver(&dir, &["graph", "--format", "json"])).unwrap();
    let graphs = json["graphs"].as_array().unwrap();
    let locks: BTreeSet<&str> = graphs.iter().map(|g| g["lock"].as_str().unwrap()).collect();
    assert_eq!(
        locks,
        BTreeSet::from([
            "analysis/renv.lock",
            "ios/Podfile.lock",
            "native/conan.lock"
        ])
    );
    for g in graphs {
        assert_eq!(g["stats"]["unresolved_edges"], 0, "{}", g["lock"]);
    }
    let pods = edges(graphs, "ios/Podfile.lock");
    for (from, to) in [
        ("YapDatabase@3.1.1", "CocoaLumberjack@3.6.2"),
        ("YapDatabase@3.1.1", "SQLCipher@4.4.0"),
    ] {
        assert!(
            pods.contains(&(from.into(), to.into())),
            "{from} -> {to}: {pods:?}"
        );
    }
    // Subspecs are one node with their pod: no self-edges, no `AFNetworking/...` nodes.
    assert!(pods
        .iter()
        .all(|(f, t)| f != t && !f.contains('/') && !t.contains('/')));
    let conan = edges(graphs, "native/conan.lock");
    assert!(conan.contains(&("freetype@2.12.1".into(), "libpng@1.6.39".into())));
    assert!(conan.contains(&("libpng@1.6.39".into(), "zlib@1.2.13".into())));
    let renv = edges(graphs, "analysis/renv.lock");
    assert!(renv.contains(&("rmarkdown@2.28".into(), "knitr@1.48".into())));
    assert!(renv.contains(&("bslib@0.8.0".into(), "sass@0.4.9".into())));
    // `why` walks them from a direct dependency.
    let why = polyver(&dir, &["why", "zlib"]);
    assert!(
        why.contains("freetype@2.12.1 → libpng@1.6.39 → zlib@1.2.13"),
        "{why}"
    );
}
