//! `paket.lock`, `*.deps.json`, Julia's `Manifest.toml` and `stack.yaml.lock` on malformed
//! input: each yields a diagnostic pointing at the line at fault, and none panics on truncated
//! fixtures, noise or deep nesting. Also: a `Manifest.toml` that is not Julia's is left alone.

mod common;

use common::run;

/// The characters these formats branch on, shuffled by `common::noise`.
const NOISE: &str =
    "{}[]()\":,=<>/@#\n\r\t -_.+0129abcdeNUGETGROUPHITremote: specs uuid deps version hackage-";

/// (extractor id, file name, malformed content, line a diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    (
        "paket-lock",
        "paket.lock",
        "This is not a valid paket.lock file",
        1,
    ),
    ("paket-lock", "paket.lock", "NUGET\n  remote: x\n    Foo\n", 3),
    ("paket-lock", "paket.lock", "NUGET\n    Foo (1.0)\n", 2),
    (
        "paket-lock",
        "paket.lock",
        "NUGET\n  remote: x\n    Foo (1.0\n",
        3,
    ),
    (
        "paket-lock",
        "paket.lock",
        "NUGET\n  remote: x\n      Dep (>= 1.0)\n",
        3,
    ),
    ("deps-json", "App.deps.json", "[1]", 1),
    ("deps-json", "App.deps.json", "{\n\"libraries\": {\n", 3),
    ("deps-json", "App.deps.json", "{\n\"libraries\": [\n]}", 2),
    ("deps-json", "App.deps.json", "{\n\"runtimeTarget\": {}\n}", 2),
    (
        "deps-json",
        "App.deps.json",
        "{\n\"libraries\": {\n\"Foo\": {\"type\": \"package\"}\n}}",
        3,
    ),
    (
        "deps-json",
        "App.deps.json",
        "{\n\"libraries\": {\n\"A/1.0\": {\"type\": \"weird\"}\n}}",
        3,
    ),
    (
        "deps-json",
        "App.deps.json",
        "{\n\"targets\": {\n\"net8.0\": {\n\"A/1.0\": {\"dependencies\": {\"B\": 1}}\n}}}",
        4,
    ),
    ("julia-manifest", "Manifest.toml", "[[deps.A]\n", 1),
    ("julia-manifest", "Manifest.toml", "manifest_format = 2\n", 1),
    (
        "julia-manifest",
        "Manifest.toml",
        "manifest_format = \"2.0\"\ndeps = [1]\n",
        2,
    ),
    (
        "julia-manifest",
        "Manifest.toml",
        "manifest_format = \"2.0\"\n[deps]\nA = 1\n",
        3,
    ),
    (
        "julia-manifest",
        "Manifest.toml",
        "manifest_format = \"2.0\"\n\n[[deps.A]]\nversion = \"1.0.0\"\n",
        3,
    ),
    (
        "julia-manifest",
        "JuliaManifest.toml",
        "julia_version = \"1.10.0\"\nmanifest_format = \"2.0\"\n\n[[deps.A]]\nuuid = \"u\"\ndeps = 3\n",
        6,
    ),
    (
        "julia-manifest",
        "Manifest-v1.11.toml",
        "julia_version = \"1.11.0\"\nmanifest_format = \"9.0\"\n",
        2,
    ),
    ("stack-lock", "stack.yaml.lock", "- a\n", 1),
    ("stack-lock", "stack.yaml.lock", "packages: 3\n", 1),
    ("stack-lock", "stack.yaml.lock", "packages:\n- foo: 1\n", 2),
    (
        "stack-lock",
        "stack.yaml.lock",
        "packages:\n- completed:\n    hackage: fuzzyset\n",
        3,
    ),
    (
        "stack-lock",
        "stack.yaml.lock",
        "packages:\n- completed:\n    git: https://example.com/x.git\n",
        3,
    ),
    ("stack-lock", "stack.yaml.lock", "packages: [\n", 2),
    ("stack-lock", "stack.yaml.lock", "snapshots:\n- {}\n", 2),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    common::assert_located_diagnostics(MALFORMED);
}

#[test]
fn a_manifest_toml_that_is_not_julias_is_left_alone() {
    for text in [
        "[package]\nname = \"site\"\nversion = \"1.0.0\"\n",
        "[[files]]\npath = \"a.txt\"\nsha = \"abc\"\n",
        "",
    ] {
        let found = run(("julia-manifest", "Manifest.toml"), text);
        assert!(found.components.is_empty(), "{text:?}: {found:?}");
        assert!(found.diagnostics.is_empty(), "{text:?}: {found:?}");
    }
    // Julia's first layout, without `julia_version`, is told by its `uuid` entries.
    let old = run(
        ("julia-manifest", "Manifest.toml"),
        "[[Dates]]\nuuid = \"ade2ca70-3891-5945-98fb-dc099432e06a\"\n",
    );
    assert_eq!(old.components.len(), 1);
}

#[test]
fn file_names_claimed() {
    let all = polyver_extract::registry::extractors();
    let claims = |id: &str, name: &str| {
        all.iter()
            .find(|x| x.id() == id)
            .unwrap()
            .matches(std::path::Path::new(name))
    };
    for name in [
        "Manifest.toml",
        "docs/Manifest.toml",
        "JuliaManifest.toml",
        "Manifest-v1.11.toml",
        "JuliaManifest-v1.12.toml",
    ] {
        assert!(claims("julia-manifest", name), "{name}");
    }
    for name in [
        "manifest.toml",
        "Manifest.toml.backup",
        "Project.toml",
        "Manifest-vX.toml",
        "Manifest-v.toml",
    ] {
        assert!(!claims("julia-manifest", name), "{name}");
    }
    for name in ["App.deps.json", "bin/Release/net8.0/My.App.deps.json"] {
        assert!(claims("deps-json", name), "{name}");
    }
    for name in [".deps.json", "deps.json", "App.deps.json.bak"] {
        assert!(!claims("deps-json", name), "{name}");
    }
    assert!(claims("paket-lock", "src/paket.lock"));
    assert!(!claims("paket-lock", "paket.dependencies"));
    assert!(claims("stack-lock", "stack.yaml.lock"));
    assert!(!claims("stack-lock", "stack.yaml"));
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("paket.lock", "paket-lock/small/paket-2014/paket.lock"),
        ("paket.lock", "paket-lock/small/group-conditions/paket.lock"),
        ("App.deps.json", "deps-json/scalibr/valid.deps.json"),
        (
            "Manifest.toml",
            "julia-manifest/pkg/SameNameDifferentUUID/Manifest.toml",
        ),
        (
            "Manifest.toml",
            "julia-manifest/pkg/HasDepWithExtensions.jl/Manifest.toml",
        ),
        ("stack.yaml.lock", "stack-lock/scalibr/stack.yaml.lock"),
    ];
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "{\"libraries\": ".to_string() + &"{\"a\":".repeat(10_000),
        "packages:\n".to_string() + &"- ".repeat(10_000),
        "NUGET\n  remote: x\n".to_string() + &"    A (1)\n      B\n".repeat(5_000),
        "deps = ".to_string() + &"[".repeat(5_000),
    ];
    common::assert_never_panics(&samples, 3, NOISE, &extra);
}
