//! One module per file format; each implements [`crate::Extractor`].

pub mod dockerfile;
pub mod package_json;
pub mod package_lock;
pub mod pyproject;
pub mod requirements;
pub mod version_files;

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
