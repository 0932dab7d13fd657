//! The OpenAPI extractor on malformed and hostile input: every malformed API description
//! yields a diagnostic with a line (and whatever could be read before the problem); files
//! that are not API descriptions yield nothing; nothing panics and every run ends quickly.

mod common;

use polyver_extract::registry::extractors;
use polyver_extract::{Extracted, SourceFile};
use std::path::Path;
use std::time::{Duration, Instant};

fn run(name: &str, text: &str) -> Extracted {
    let all = extractors();
    let x = all.iter().find(|x| x.id() == "openapi").unwrap();
    assert!(x.matches(Path::new(name)), "openapi should match {name}");
    let start = Instant::now();
    let found = x.extract(&SourceFile::from_text(name, text));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    for d in &found.diagnostics {
        assert_eq!(d.path, name);
    }
    found
}

fn diagnosed(name: &str, text: &str) -> Extracted {
    let found = run(name, text);
    assert!(
        found.diagnostics.iter().any(|d| d.line > 0),
        "{text:?}: no diagnostic with a line: {:?}",
        found.diagnostics
    );
    found
}

#[test]
fn yaml_syntax_error_keeps_what_was_read() {
    let found = diagnosed(
        "openapi.yaml",
        "openapi: 3.0.3\ninfo:\n  title: A\n  version: 1.2.0\npaths:\n  /v1/x: {get: [\n",
    );
    assert!(
        found.diagnostics.iter().any(|d| d.line >= 6),
        "{:?}",
        found.diagnostics
    );
    assert_eq!(found.components.len(), 1, "{:?}", found.components);
    assert_eq!(found.components[0].version.as_deref(), Some("1.2.0"));
}

#[test]
fn json_syntax_error_has_a_line() {
    let found = diagnosed(
        "api/spec.json",
        "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"A\",\n}\n",
    );
    assert!(found.components.is_empty());
    assert!(
        found.diagnostics.iter().any(|d| d.line == 4),
        "{:?}",
        found.diagnostics
    );
}

#[test]
fn wrong_shapes_are_diagnosed() {
    for text in [
        "openapi: 3.1.0\ninfo: [a]\n",
        "openapi: 3.1.0\ninfo:\n  title: A\n",
        "openapi: 3.1.0\ninfo:\n  title: [A]\n  version: {a: b}\n",
        "openapi: [3]\ninfo:\n  title: A\n  version: \"1\"\n",
        "swagger: \"2.0\"\ninfo:\n  title: A\n  version: \"1\"\nbasePath: [x]\n",
        "openapi: 3.0.0\ninfo:\n  title: A\n  version: \"1\"\nservers: {url: /v1}\npaths: [x]\n",
    ] {
        let found = diagnosed("openapi.yml", text);
        assert_eq!(found.components.len(), 1, "{text}: {:?}", found.components);
    }
}

#[test]
fn missing_title_names_the_file() {
    let found = run(
        "specs/billing.openapi.json",
        "{\"openapi\": \"3.0.1\", \"info\": {\"version\": \"7\"}}",
    );
    assert_eq!(found.components[0].name, "specs/billing.openapi.json");
    assert_eq!(
        found.components[0].purl,
        "pkg:generic/openapi/specs%2Fbilling.openapi.json@7"
    );
}

#[test]
fn not_api_descriptions_are_silent() {
    for (name, text) in [
        ("api/values.yaml", "image: x\nopenapi_docs: true\n"),
        ("api/config.json", "{\"swagger\"\n"),
        ("api/list.yaml", "- openapi: 3.0.0\n"),
        ("api/app.yml", "{{ openapi }}: [\n"),
    ] {
        let found = run(name, text);
        assert!(found.components.is_empty(), "{text}");
        assert!(
            found.diagnostics.is_empty(),
            "{text}: {:?}",
            found.diagnostics
        );
    }
}

#[test]
fn hostile_input_ends_quickly() {
    let deep = format!(
        "openapi: 3.0.0\npaths: {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    run("openapi.yaml", &deep);
    let deep_json = format!(
        "{{\"openapi\": \"3.0.0\", \"paths\": {}{}}}",
        "[".repeat(600),
        "]".repeat(600)
    );
    diagnosed("openapi.json", &deep_json);
    let mut many = String::from("openapi: 3.0.0\ninfo: {title: A, version: '1'}\npaths:\n");
    for i in 0..20_000 {
        many.push_str(&format!("  /v{i}/x:\n    get: {{deprecated: true}}\n"));
    }
    let found = run("openapi.yaml", &many);
    let api = found.components[0].api.as_ref().unwrap();
    assert_eq!(
        (api.operations, api.deprecated_operations),
        (20_000, 20_000)
    );
    for seed in 0..200 {
        let text = common::noise(
            seed,
            300,
            "openapi: swagger\n  -{}[]\"',/v1 get deprecated true info version title paths",
        );
        run("openapi.yaml", &text);
        run("swagger.json", &text);
    }
}
