//! One module per file format; each implements [`crate::Extractor`].

pub mod ci;
pub mod conda;
pub mod containers;
pub mod dotnet;
pub mod elixir;
pub mod go;
pub mod infrastructure;
pub mod javascript;
pub mod jsonnet;
pub mod jvm;
pub mod migrations;
pub mod openapi;
pub mod php;
pub mod python;
pub mod ruby;
pub mod rust;
pub mod sbom;
pub mod version_files;

// Every format module stays reachable at `extractors::<format>` (fuzz targets, tests).
pub use ci::{github_actions, gitlab_ci};
pub use containers::{compose, dockerfile, helm, kubernetes};
pub use dotnet::{msbuild, nuget_lock};
pub use go::{go_mod, go_sum};
pub use infrastructure::{pulumi, terraform};
pub(crate) use javascript::lock_graph;
pub use javascript::{bun_lock, package_json, package_lock, pnpm_lock, yarn_lock};
pub use jvm::{gradle, gradle_catalog, gradle_lockfile, pom};
pub use php::{composer_json, composer_lock};
pub(crate) use python::python_locks;
pub use python::{
    pdm_lock, pipfile, pipfile_lock, poetry_lock, pylock, pyproject, requirements, setup_cfg,
    uv_lock,
};
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
