//! Snapshot tests for the Dart, Apple, C/C++ and R lock extractors on real lock files (their
//! sources in each fixture folder's NOTICE): Flutter Gallery's `pubspec.lock`, SwiftPM
//! `Package.resolved` version 1 (with branch pins) and 3, Signal iOS's `Podfile.lock` (nested
//! subspecs, git pods), Conan 1 and Conan 2 `conan.lock`, and a `renv.lock` with
//! `Requirements`; and the scalibr fixtures (tests/scalibr_parity.rs) whose sources and
//! shapes the real files lack: pub git and path packages, renv GitHub and Bioconductor
//! records, Conan 1 revisions and edges, the oldest Conan 1 lock with `@user/channel`.

mod common;

use common::{extract_fixture, Snapshot};
use polyver_extract::{registry, SourceFile};
use polyver_model::{merge_components, Format};

/// The scalibr fixtures `fixtures` of format `id`, read as if named `name` (scalibr's files
/// have other names), in one snapshot.
fn extract_scalibr(id: &str, name: &str, fixtures: &[&str]) -> Snapshot {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let extractor = registry::extractor(Format::from_id(id).unwrap());
    let (mut components, mut diagnostics) = (Vec::new(), Vec::new());
    for fixture in fixtures {
        let text = std::fs::read_to_string(dir.join(id).join("scalibr").join(fixture)).unwrap();
        let found = extractor.extract(&SourceFile::from_text(format!("{fixture}/{name}"), text));
        components.extend(found.components);
        diagnostics.extend(found.diagnostics);
    }
    Snapshot {
        components: merge_components(components),
        diagnostics,
    }
}

#[test]
fn pubspec_lock() {
    insta::assert_json_snapshot!(extract_fixture("pubspec-lock", "pubspec-lock"));
}

#[test]
fn package_resolved_v1() {
    insta::assert_json_snapshot!(extract_fixture("package-resolved", "package-resolved/v1"));
}

#[test]
fn package_resolved_v3() {
    insta::assert_json_snapshot!(extract_fixture("package-resolved", "package-resolved/v3"));
}

#[test]
fn podfile_lock() {
    insta::assert_json_snapshot!(extract_fixture("podfile-lock", "podfile-lock"));
}

#[test]
fn conan_lock_v1() {
    insta::assert_json_snapshot!(extract_fixture("conan-lock", "conan-lock/v1"));
}

#[test]
fn conan_lock_v2() {
    insta::assert_json_snapshot!(extract_fixture("conan-lock", "conan-lock/v2"));
}

#[test]
fn renv_lock() {
    insta::assert_json_snapshot!(extract_fixture("renv-lock", "renv-lock"));
}

#[test]
fn pubspec_lock_git_path_and_sdk_sources() {
    insta::assert_json_snapshot!(extract_scalibr(
        "pubspec-lock",
        "pubspec.lock",
        &["source-git.lock", "source-path.lock", "source-sdk.lock"]
    ));
}

#[test]
fn renv_lock_github_and_bioconductor_records() {
    insta::assert_json_snapshot!(extract_scalibr(
        "renv-lock",
        "renv.lock",
        &["with-mixed-sources.lock", "with-bioconductor.lock"]
    ));
}

#[test]
fn conan_lock_v1_revisions_edges_and_user_channel() {
    insta::assert_json_snapshot!(extract_scalibr(
        "conan-lock",
        "conan.lock",
        &[
            "nested-dependencies.v1.revisions.json",
            "old-format-0.0.json"
        ]
    ));
}
