//! `polyver scan` end to end on a tree that mixes every supported format: the extractor
//! fixtures of `crates/polyver-extract/tests/fixtures` (Python, JavaScript, containers, CI,
//! Rust, Go, JVM, Ruby, PHP, .NET, Dart, Swift, CocoaPods, Conan, R, Kubernetes, Helm,
//! Terraform, Pulumi, migrations, OpenAPI).
//! Every registered extractor must contribute components, no file may fail outright (the
//! fixtures' deliberate mistakes are warnings: a bad line, a missing include), and the
//! CycloneDX output of the whole mix must carry every component.

use assert_cmd::Command;
use polyver_extract::registry::extractors;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../polyver-extract/tests/fixtures")
}

fn scan(format: &str) -> Value {
    let out = Command::cargo_bin("polyver")
        .unwrap()
        .args(["-q", "scan", "--no-store", "--format", format])
        .arg(fixtures())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_extractor_contributes_to_one_mixed_scan() {
    let inventory = scan("json");
    let components = inventory["components"].as_array().unwrap();
    let sources: BTreeSet<&str> = components
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    // The SBOM reader claims no file in a walk (only an SBOM named on the command line).
    let registered: BTreeSet<&'static str> = extractors()
        .iter()
        .map(|x| x.id())
        .filter(|id| *id != "sbom")
        .collect();
    let silent: Vec<_> = registered.difference(&sources).collect();
    assert!(
        silent.is_empty(),
        "extractors with no component in the mixed scan: {silent:?}"
    );
    let kinds: BTreeSet<&str> = components
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "package",
        "image",
        "runtime",
        "tool",
        "action",
        "provider",
        "module",
        "migration",
        "api",
    ] {
        assert!(kinds.contains(kind), "no component of kind {kind}");
    }
    // Every location points into the tree, with a line.
    for c in components {
        for l in c["locations"].as_array().unwrap() {
            assert!(
                fixtures().join(l["path"].as_str().unwrap()).is_file(),
                "{l}"
            );
            assert!(l["line"].as_u64().unwrap() >= 1, "{c}");
        }
    }
    let errors: Vec<&Value> = inventory["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The SBOM lists software once per purl: migration revisions left out, declarations of
    // one purl in several files merged, components without a purl kept apart.
    let mut purls = std::collections::BTreeSet::new();
    let mut expected = 0;
    for c in components.iter().filter(|c| c["kind"] != "migration") {
        let purl = c["purl"].as_str().unwrap_or_default();
        if purl.is_empty() || purls.insert(purl.to_string()) {
            expected += 1;
        }
    }
    let bom = scan("cyclonedx");
    assert_eq!(bom["components"].as_array().unwrap().len(), expected);
    assert!(expected < components.len(), "the fixture has duplicates");
}
