//! Snapshot tests for `paket.lock`, `*.deps.json`, Julia's `Manifest.toml` and Haskell
//! Stack's `stack.yaml.lock`, on real files (Paket's own lock, Pkg.jl's and syft's test data)
//! and on osv-scalibr's fixtures, whose (name, version) sets are checked against what
//! scalibr's own Go tests expect, so the two tools read the same files the same way (the
//! deliberate differences are asserted, and said why, where they occur).
//!
//! Large real files get a one-line-per-component summary snapshot instead of the full JSON,
//! so a review can read every entry.

mod common;

use common::{extract_fixture, Snapshot};
use polyver_model::Component;
use std::collections::BTreeSet;
use std::fmt::Write;

/// One line per component: where, what (the purl says name, version and the Julia uuid),
/// scope, direct, then url, marker, a prefix of the integrity and the edges; then the
/// diagnostics.
fn summary(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    for c in &snapshot.components {
        let loc = &c.locations[0];
        write!(
            out,
            "{}:{} {} {} {} {}",
            loc.path,
            loc.line,
            c.kind.id(),
            c.purl,
            c.scope.id(),
            if c.direct { "direct" } else { "transitive" }
        )
        .unwrap();
        if c.locations.len() > 1 {
            write!(out, " (+{} places)", c.locations.len() - 1).unwrap();
        }
        if let Some(u) = &c.url {
            write!(out, " url={u}").unwrap();
        }
        if let Some(m) = &c.marker {
            write!(out, " marker={m:?}").unwrap();
        }
        if let Some(p) = &c.platform {
            write!(out, " platform={p}").unwrap();
        }
        if let Some(i) = &c.integrity {
            write!(out, " integrity={}…", &i[..i.len().min(24)]).unwrap();
        }
        if !c.dependencies.is_empty() {
            let deps: Vec<String> = c
                .dependencies
                .iter()
                .map(|d| match &d.version {
                    Some(v) => format!("{}@{v}", d.name),
                    None => d.name.clone(),
                })
                .collect();
            write!(out, " -> {}", deps.join(", ")).unwrap();
        }
        out.push('\n');
    }
    for d in &snapshot.diagnostics {
        writeln!(out, "{d:?}").unwrap();
    }
    out
}

/// The (name, version) pairs of the packages (not runtimes or snapshots) found in `dir`.
fn packages(id: &str, dir: &str) -> BTreeSet<(String, String)> {
    names_versions(
        extract_fixture(id, dir)
            .components
            .iter()
            .filter(|c| c.kind == polyver_model::Kind::Package),
    )
}

fn names_versions<'a>(
    components: impl Iterator<Item = &'a Component>,
) -> BTreeSet<(String, String)> {
    components
        .map(|c| (c.name.clone(), c.version.clone().unwrap_or_default()))
        .collect()
}

/// Files that fail to parse live apart (`tests/fixtures-malformed/`, see its README); the
/// fixture loader joins these to `tests/fixtures`.
const MALFORMED_DEPS_JSON: &str = "../fixtures-malformed/deps-json";
const MALFORMED_JULIA: &str = "../fixtures-malformed/julia-manifest";
const MALFORMED_STACK: &str = "../fixtures-malformed/stack-lock";

fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn paket_lock() {
    insta::assert_json_snapshot!(extract_fixture("paket-lock", "paket-lock/small"));
}

#[test]
fn paket_lock_of_paket_itself() {
    insta::assert_snapshot!(summary(&extract_fixture("paket-lock", "paket-lock/paket")));
}

#[test]
fn paket_lock_matches_scalibr() {
    // paketlock_test.go, "valid paket.lock file". scalibr makes the GITHUB entries `github`
    // packages; polyver makes them `generic` ones named by their remote: same pairs.
    assert_eq!(
        packages("paket-lock", "paket-lock/scalibr"),
        pairs(&[
            ("NUnit", "2.6.4"),
            ("FSharp.Core", "4.5.0"),
            ("Newtonsoft.Json", "12.0.3"),
            ("Microsoft.Extensions.Logging", "6.0.0"),
            ("FAKE", "5.20.4"),
            ("Paket", "7.0.0"),
            ("fsprojects/Paket", "5.0.0"),
            ("fsharp/FAKE", "5.20.4"),
        ])
    );
    // "paket.lock file not valid format": no packages (and here a diagnostic at line 1).
    let invalid = extract_fixture("paket-lock", "paket-lock/scalibr-invalid");
    assert!(invalid.components.is_empty());
    assert_eq!(invalid.diagnostics[0].line, 1);
}

#[test]
fn deps_json() {
    insta::assert_json_snapshot!(extract_fixture("deps-json", "deps-json/scalibr"));
}

#[test]
fn deps_json_of_built_apps() {
    insta::assert_snapshot!(summary(&extract_fixture("deps-json", "deps-json/syft")));
}

#[test]
fn deps_json_matches_scalibr() {
    // depsjson_test.go, "valid": scalibr also reports `TestLibrary 1.0.0`, the `project`
    // library, i.e. the app itself; polyver leaves the project's own code out, as it does in
    // every lock format.
    assert_eq!(
        packages("deps-json", "deps-json/scalibr"),
        pairs(&[
            ("AWSSDK.Core", "3.7.10.6"),
            ("Microsoft.Extensions.DependencyInjection", "6.0.0"),
        ])
    );
    // "nopackagename" (scalibr: TestLibrary and AWSSDK.Core): the library without a
    // version is skipped with a diagnostic; "empty": nothing; "invalid": an error.
    let broken = extract_fixture("deps-json", "deps-json/scalibr-broken");
    assert_eq!(
        names_versions(broken.components.iter().filter(|c| c.name != "dotnet")),
        pairs(&[("AWSSDK.Core", "3.7.10.6")])
    );
    let lines: Vec<(&str, u32)> = broken
        .diagnostics
        .iter()
        .map(|d| (d.path.as_str(), d.line))
        .collect();
    assert_eq!(lines, [("nopackagename.deps.json", 57)]);
    let invalid = extract_fixture("deps-json", MALFORMED_DEPS_JSON);
    assert!(invalid.components.is_empty());
    assert_eq!(invalid.diagnostics[0].line, 1);
}

#[test]
fn julia_manifest() {
    insta::assert_json_snapshot!(extract_fixture("julia-manifest", "julia-manifest/scalibr"));
}

#[test]
fn julia_manifest_of_pkg_tests() {
    insta::assert_snapshot!(summary(&extract_fixture(
        "julia-manifest",
        "julia-manifest/pkg"
    )));
}

#[test]
fn julia_manifest_matches_scalibr() {
    let dir = |name: &str| format!("julia-manifest/scalibr/{name}");
    let versioned = |name: &str| -> BTreeSet<(String, String)> {
        names_versions(
            extract_fixture("julia-manifest", &dir(name))
                .components
                .iter()
                .filter(|c| c.version.is_some()),
        )
    };
    // manifesttoml_test.go, case by case.
    assert_eq!(
        versioned("only-version-dependency"),
        pairs(&[("JSON", "0.20.0")])
    );
    assert_eq!(
        versioned("more-than-two-dependencies"),
        pairs(&[("JSON", "1.0.0"), ("TOML", "2.0.0")])
    );
    assert_eq!(
        versioned("git-dependency-with-commit"),
        pairs(&[("DataStructures", "0.17.0"), ("Unregistered", "0.2.0")])
    );
    assert!(extract_fixture("julia-manifest", &dir("no-dependency"))
        .components
        .is_empty());
    // "no version dependency - should be filtered out": scalibr drops `Unicode`; polyver
    // reports it, as the standard library it is (no version, `url = "stdlib"`).
    let stdlib = extract_fixture("julia-manifest", &dir("no-version-dependency")).components;
    assert_eq!(stdlib.len(), 1);
    assert_eq!(stdlib[0].name, "Unicode");
    assert_eq!(stdlib[0].version, None);
    assert_eq!(stdlib[0].url.as_deref(), Some("stdlib"));
    assert_eq!(
        stdlib[0].purl,
        "pkg:julia/Unicode?uuid=4ec0a83e-493e-50e2-b9ac-8f72acf5a8f5"
    );
    // "invalid toml file": an error, at its line.
    let broken = extract_fixture("julia-manifest", MALFORMED_JULIA);
    assert!(broken.components.is_empty());
    assert_eq!(broken.diagnostics.len(), 1);
    assert_eq!(broken.diagnostics[0].line, 1);
}

#[test]
fn stack_lock() {
    insta::assert_json_snapshot!(extract_fixture("stack-lock", "stack-lock/scalibr"));
}

#[test]
fn stack_lock_with_git_package() {
    insta::assert_snapshot!(summary(&extract_fixture("stack-lock", "stack-lock/syft")));
}

#[test]
fn stack_lock_matches_scalibr() {
    // stacklock_test.go, "valid stack.yaml.lock file"; the snapshot `lts-22.41` is a
    // `runtime` component in polyver, not a package.
    assert_eq!(
        packages("stack-lock", "stack-lock/scalibr"),
        pairs(&[
            ("fuzzyset", "0.2.4"),
            ("hasql-pool", "1.0.1"),
            ("jose-jwt", "0.10.0"),
            ("postgresql-libpq", "0.10.1.0"),
        ])
    );
    // "invalid stack.yaml.lock file" (an empty `packages:`): nothing, and nothing to report.
    let invalid = extract_fixture("stack-lock", "stack-lock/scalibr-broken");
    assert!(invalid.components.is_empty());
    assert!(invalid.diagnostics.is_empty());
    // syft's corrupt lock: a YAML error at its line.
    let corrupt = extract_fixture("stack-lock", MALFORMED_STACK);
    assert!(corrupt.diagnostics.iter().any(|d| d.line > 0));
}
