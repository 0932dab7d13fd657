//! Snapshot tests: each extractor on its fixture directory (see `common::extract_fixture`).
//! Constraint validity is left unevaluated here: that is the version engine's business, not
//! the extractor's.

mod common;

use common::extract_fixture;

#[test]
fn requirements() {
    insta::assert_json_snapshot!(extract_fixture("requirements", "requirements"));
}

#[test]
fn pyproject() {
    insta::assert_json_snapshot!(extract_fixture("pyproject", "pyproject"));
}

#[test]
fn package_json() {
    insta::assert_json_snapshot!(extract_fixture("package-json", "package-json"));
}

#[test]
fn package_lock_v3() {
    insta::assert_json_snapshot!(extract_fixture("package-lock", "package-lock/v3"));
}

#[test]
fn package_lock_v1() {
    insta::assert_json_snapshot!(extract_fixture("package-lock", "package-lock/v1"));
}

/// npm installs from npm-shrinkwrap.json and ignores a package-lock.json beside it (found by
/// osv-scalibr's peer suite): only the shrinkwrap's packages, and an info on the other.
#[test]
fn package_lock_beside_a_shrinkwrap_is_not_read() {
    insta::assert_json_snapshot!(extract_fixture("package-lock", "package-lock/shrinkwrap"));
}

#[test]
fn dockerfile() {
    insta::assert_json_snapshot!(extract_fixture("dockerfile", "dockerfile"));
}

#[test]
fn version_files() {
    insta::assert_json_snapshot!(extract_fixture("version-file", "version-files"));
}
