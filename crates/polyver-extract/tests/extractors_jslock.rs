//! Snapshot tests for the JavaScript lock files: yarn (classic and berry), pnpm (5.x, 6.0,
//! 9.0) and bun, each on real-shaped fixtures (see `common::extract_fixture`).

mod common;

use common::extract_fixture;

#[test]
fn yarn_lock_classic() {
    insta::assert_json_snapshot!(extract_fixture("yarn-lock", "yarn-lock/classic"));
}

#[test]
fn yarn_lock_berry() {
    insta::assert_json_snapshot!(extract_fixture("yarn-lock", "yarn-lock/berry"));
}

#[test]
fn yarn_lock_berry_v4_patch_and_git() {
    insta::assert_json_snapshot!(extract_fixture("yarn-lock", "yarn-lock/berry-v4"));
}

#[test]
fn pnpm_lock_v5_3_single_project() {
    insta::assert_json_snapshot!(extract_fixture("pnpm-lock", "pnpm-lock/v5-3"));
}

#[test]
fn pnpm_lock_v5_4_workspace() {
    insta::assert_json_snapshot!(extract_fixture("pnpm-lock", "pnpm-lock/v5"));
}

#[test]
fn pnpm_lock_v6() {
    insta::assert_json_snapshot!(extract_fixture("pnpm-lock", "pnpm-lock/v6"));
}

#[test]
fn pnpm_lock_v9() {
    insta::assert_json_snapshot!(extract_fixture("pnpm-lock", "pnpm-lock/v9"));
}

#[test]
fn bun_lock_v1_jsonc_nested() {
    insta::assert_json_snapshot!(extract_fixture("bun-lock", "bun-lock/v1"));
}

#[test]
fn bun_lock_v2_workspaces() {
    insta::assert_json_snapshot!(extract_fixture("bun-lock", "bun-lock/v2"));
}
