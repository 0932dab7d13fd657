//! Snapshot tests for the Python manifest and lock extractors: `setup.cfg`, `Pipfile`,
//! `Pipfile.lock`, `poetry.lock` (lock-version 1.1, 2.0, 2.1), `uv.lock` (workspace and
//! virtual roots), `pdm.lock` (4.x and 3.x) and PEP 751 `pylock.toml` (as uv and pip write
//! it, and every source kind of the PEP). Fixture directories hold the manifest
//! beside a lock where the lock needs it to tell direct from transitive entries.

mod common;

use common::extract_fixture;

#[test]
fn setup_cfg() {
    insta::assert_json_snapshot!(extract_fixture("setup-cfg", "setup-cfg"));
}

#[test]
fn pipfile() {
    insta::assert_json_snapshot!(extract_fixture("pipfile", "pipfile"));
}

#[test]
fn pipfile_lock() {
    insta::assert_json_snapshot!(extract_fixture("pipfile-lock", "pipfile"));
}

#[test]
fn poetry_lock_v1_1() {
    insta::assert_json_snapshot!(extract_fixture("poetry-lock", "poetry-lock/v1.1"));
}

#[test]
fn poetry_lock_v2_0() {
    insta::assert_json_snapshot!(extract_fixture("poetry-lock", "poetry-lock/v2.0"));
}

#[test]
fn poetry_lock_v2_1() {
    insta::assert_json_snapshot!(extract_fixture("poetry-lock", "poetry-lock/v2.1"));
}

#[test]
fn uv_lock_workspace() {
    insta::assert_json_snapshot!(extract_fixture("uv-lock", "uv-lock/workspace"));
}

#[test]
fn uv_lock_virtual() {
    insta::assert_json_snapshot!(extract_fixture("uv-lock", "uv-lock/virtual"));
}

#[test]
fn pdm_lock_v4() {
    insta::assert_json_snapshot!(extract_fixture("pdm-lock", "pdm-lock/v4"));
}

#[test]
fn pdm_lock_v3() {
    insta::assert_json_snapshot!(extract_fixture("pdm-lock", "pdm-lock/v3"));
}

/// Written by `uv export --format pylock.toml` (uv 0.13), wheels cut to two per package.
#[test]
fn pylock_uv() {
    insta::assert_json_snapshot!(extract_fixture("pylock", "pylock/uv"));
}

/// Written by `pip lock requests==2.32.3 -o pylock.pip.toml` (pip 26.3): no manifest, no
/// edges, so no entry is called direct.
#[test]
fn pylock_pip() {
    insta::assert_json_snapshot!(extract_fixture("pylock", "pylock/pip"));
}

#[test]
fn pylock_spec_sources() {
    insta::assert_json_snapshot!(extract_fixture("pylock", "pylock/spec"));
}
