//! Snapshot tests of the YAML-based extractors (Compose, GitHub Actions, GitLab CI) on their
//! fixture directories (see `common::extract_fixture`).

mod common;

use common::extract_fixture;

#[test]
fn compose() {
    insta::assert_json_snapshot!(extract_fixture("compose", "compose"));
}

#[test]
fn github_actions() {
    insta::assert_json_snapshot!(extract_fixture("github-actions", "github-actions"));
}

#[test]
fn gitlab_ci() {
    insta::assert_json_snapshot!(extract_fixture("gitlab-ci", "gitlab-ci"));
}
