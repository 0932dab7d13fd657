//! One module per file format; each implements [`crate::Extractor`].

pub mod bun_lock;
pub mod cargo_lock;
pub mod cargo_toml;
pub mod compose;
pub mod composer_json;
pub mod composer_lock;
pub mod dockerfile;
pub mod gemfile;
pub mod gemfile_lock;
pub mod github_actions;
pub mod gitlab_ci;
pub mod go_mod;
pub mod go_sum;
pub mod gradle;
pub mod gradle_catalog;
pub mod gradle_lockfile;
pub mod helm;
pub mod kubernetes;
mod lock_graph;
pub mod migrations;
pub mod msbuild;
pub mod nuget_lock;
pub mod openapi;
pub mod package_json;
pub mod package_lock;
pub mod pdm_lock;
pub mod pipfile;
pub mod pipfile_lock;
pub mod pnpm_lock;
pub mod poetry_lock;
pub mod pom;
pub mod pulumi;
pub mod pyproject;
pub(crate) mod python_locks;
pub mod requirements;
pub mod setup_cfg;
pub mod terraform;
pub mod uv_lock;
pub mod version_files;
pub mod yarn_lock;

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
