//! One module per file format; each implements [`crate::Extractor`].

pub mod apple;
pub mod ci;
pub mod conda;
pub mod containers;
pub mod cpp;
pub mod dart;
pub mod dotnet;
pub mod elixir;
pub mod go;
pub mod haskell;
pub mod infrastructure;
pub mod javascript;
pub mod jsonnet;
pub mod julia;
pub mod jvm;
pub mod migrations;
pub mod openapi;
pub mod php;
pub mod python;
pub mod r;
pub mod ruby;
pub mod rust;
pub mod sbom;
pub mod version_files;

// Every format module stays reachable at `extractors::<format>` (fuzz targets, tests).
pub use apple::{package_resolved, podfile_lock};
pub use ci::{github_actions, gitlab_ci};
pub use containers::{compose, dockerfile, helm, kubernetes};
pub use cpp::conan_lock;
pub use dart::pubspec_lock;
pub use dotnet::{deps_json, msbuild, nuget_lock, paket_lock};
pub use go::{go_mod, go_sum};
pub use haskell::stack_lock;
pub use infrastructure::{pulumi, terraform};
pub(crate) use javascript::lock_graph;
pub use javascript::{bun_lock, package_json, package_lock, pnpm_lock, yarn_lock};
pub use julia::julia_manifest;
pub use jvm::{gradle, gradle_catalog, gradle_lockfile, gradle_wrapper, pom};
pub use php::{composer_json, composer_lock};
pub(crate) use python::python_locks;
pub use python::{
    pdm_lock, pipfile, pipfile_lock, poetry_lock, pylock, pyproject, requirements, setup_cfg,
    uv_lock,
};
pub use r::renv_lock;
pub use ruby::{gemfile, gemfile_lock};
pub use rust::{cargo_lock, cargo_toml};
// The formats of issue 14 (coverage, part 2), on their own lines for merges.
pub use ci::cloud_build;
pub use conda::environment as conda_environment;
pub use containers::skaffold;
pub use elixir::{mix_exs, mix_lock};
pub use jsonnet::jsonnetfile;

use polyver_model::Scope;

/// The scope a group, extra or file name implies (`dev`, `test`, `docs`, ...), by its
/// words: `requirements-dev.txt`, `[dependency-groups] test`, `test-requirements.txt`.
pub(crate) fn scope_from_words(name: &str, default: Scope) -> Scope {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |set: &[&str]| words.iter().any(|w| set.contains(w));
    if has(&["test", "tests", "testing"]) {
        Scope::Test
    } else if has(&[
        "dev",
        "develop",
        "development",
        "lint",
        "linting",
        "docs",
        "doc",
        "typing",
    ]) {
        Scope::Dev
    } else if has(&["build"]) {
        Scope::Build
    } else {
        default
    }
}

/// The first document of a YAML lock file, when it is the mapping its tool writes. An empty
/// file is a warning (`keys` says what it should hold); a syntax error is already a
/// diagnostic; a top level that is not a mapping (a scalar, a sequence) is an error: nothing
/// in it can be read.
pub(crate) fn yaml_lock_document(
    file: &crate::SourceFile,
    out: &mut crate::Extracted,
    lock: &str,
    keys: &str,
) -> Option<crate::yaml::Node> {
    use polyver_model::{Diagnostic, DiagnosticCode};
    let loaded = crate::yaml::load_file(file, &mut out.diagnostics);
    let error = loaded.error.is_some();
    let Some(doc) = loaded.documents.into_iter().next() else {
        if !error {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                format!("empty {lock}: no {keys}"),
            ));
        }
        return None;
    };
    if !doc.is_mapping() {
        out.diagnose(
            Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                doc.line,
                format!(
                    "{lock} must be a mapping with {keys}, found {}",
                    doc.type_with_article()
                ),
            )
            .with_column(doc.column),
        );
        return None;
    }
    Some(doc)
}

/// The string literals of a manifest that is code (`Package.swift`, `conanfile.py`), read
/// as text and never run: what a lock extractor compares its entries with to tell direct
/// dependencies from transitive ones. Escapes are kept as written.
pub(crate) fn string_literals(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[start];
        let body = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, b) in body.bytes().enumerate() {
            match b {
                b'\\' if !escaped => escaped = true,
                b'\n' => break,
                b if b == quote && !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        match end {
            Some(i) => {
                out.push(&body[..i]);
                rest = &body[i + 1..];
            }
            None => rest = body,
        }
    }
    out
}
