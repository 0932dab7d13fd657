//! CI rewrites proven on real files: GitHub Actions workflows and GitLab CI.

mod infra_common;

use infra_common::*;
use polyver_model::Format;
use polyver_update::formats::github_actions::pin_action;
use polyver_update::{Outcome, Request};

const SHA: &str = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d";

#[test]
fn sha_pinned_actions_move_commit_and_comment() {
    let text = fixture("github-actions/scorecard-main.yml");
    let path = ".github/workflows/main.yml";
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        "actions/checkout",
        44,
        &target("v7.1.0", Some(SHA)),
        Some("v7.1.0"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_sha_pin_checkout", diff);
    // A comment written without `v` keeps its style.
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        "codecov/codecov-action",
        71,
        &target("v7.1.0", Some(SHA)),
        Some("7.1.0"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_sha_pin_codecov", diff);
}

#[test]
fn tag_pinned_actions_and_setup_versions() {
    let text = fixture("github-actions/ci-main.yaml");
    let path = ".github/workflows/ci-main.yaml";
    let c = component(Format::GithubActions, path, &text, "actions/checkout", 36);
    // `@v7` already follows v7.2.0.
    assert_eq!(
        rewrite(
            Format::GithubActions,
            path,
            &text,
            &c,
            36,
            &target("v7.2.0", None),
            false
        ),
        Ok(Outcome::AlreadySatisfied)
    );
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        "actions/checkout",
        36,
        &target("v8.0.1", None),
        Some("v8"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_tag_major", diff);
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        "go",
        44,
        &target("1.27.2", None),
        Some("1.27"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_setup_go", diff);
}

#[test]
fn pin_actions_turns_a_tag_into_a_commit_with_its_tag_in_a_comment() {
    let text = fixture("github-actions/ci-main.yaml");
    let path = ".github/workflows/ci-main.yaml";
    let c = component(
        Format::GithubActions,
        path,
        &text,
        "actions/setup-dotnet",
        37,
    );
    let t = target("v6.1.0", Some(&format!("sha1:{SHA}")));
    let request = Request {
        component: &c,
        path,
        line: 37,
        target: &t,
        bump_ranges: false,
    };
    let new = rewritten(pin_action(&text, &request));
    yaml_loads(&new);
    let after = component(
        Format::GithubActions,
        path,
        &new,
        "actions/setup-dotnet",
        37,
    );
    assert_eq!(after.version.as_deref(), Some("v6.1.0"));
    assert_eq!(
        after.integrity.as_deref(),
        Some(format!("sha1:{SHA}").as_str())
    );
    insta::assert_snapshot!("gha_pin_action", diff(path, &text, &new));
    // Pinning again changes nothing.
    let again = Request {
        component: &after,
        ..request
    };
    assert_eq!(pin_action(&new, &again), Ok(Outcome::AlreadySatisfied));
}

#[test]
fn gitlab_ci_default_image_and_service() {
    let text = fixture("gitlab-ci/Django.gitlab-ci.yml");
    let path = ".gitlab-ci.yml";
    let (new, diff) = prove(
        Format::GitlabCi,
        path,
        &text,
        "mysql",
        46,
        &target("8.4", None),
        Some("8.4"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gitlab_service", diff);
    let (new, diff) = prove(
        Format::GitlabCi,
        path,
        &text,
        "ubuntu",
        40,
        &target("24.04", None),
        Some("24.04"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gitlab_default_image", diff);
}

#[test]
fn composite_action_steps() {
    let text = fixture("github-actions/setup-node-action.yml");
    let path = ".github/actions/setup-node/action.yml";
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        "actions/cache",
        23,
        &target("v4.2.3", None),
        Some("v4"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_composite_cache", diff);
}

#[test]
fn reusable_workflow_call() {
    let text = fixture("github-actions/pyorbs-test-pull-request.yml");
    let path = ".github/workflows/test-pull-request.yml";
    let name = "logikal-io/github-workflows/.github/workflows/run-python-tests.yml";
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        name,
        7,
        &target("v11", None),
        Some("v11"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_reusable_workflow", diff);
}

#[test]
fn gitlab_ci_image_name_form() {
    let text = fixture("gitlab-ci/Kaniko.gitlab-ci.yml");
    let path = "templates/Kaniko.gitlab-ci.yml";
    let (new, diff) = prove(
        Format::GitlabCi,
        path,
        &text,
        "gcr.io/kaniko-project/executor",
        19,
        &target("v1.23.2-debug", None),
        Some("v1.23.2-debug"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gitlab_image_name_form", diff);
}

#[test]
fn matrix_versions_move_where_they_are_written() {
    let text = "on: push\r\njobs:\r\n  test:\r\n    runs-on: ubuntu-latest\r\n    strategy:\r\n      matrix:\r\n        python: [\"3.11\", 3.12]  # supported\r\n    steps:\r\n      - uses: actions/setup-python@v5\r\n        with:\r\n          python-version: ${{ matrix.python }}\r\n";
    let path = ".github/workflows/test.yml";
    let found: Vec<_> = scan(Format::GithubActions, path, text)
        .into_iter()
        .filter(|c| c.name == "python")
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    for c in &found {
        let old = c.version.clone().unwrap();
        let new = if old == "3.11" { "3.13.2" } else { "3.14.0" };
        let out = rewritten(rewrite(
            Format::GithubActions,
            path,
            text,
            c,
            7,
            &target(new, None),
            false,
        ));
        yaml_loads(&out);
        let expected = if old == "3.11" {
            text.replace("\"3.11\"", "\"3.13\"")
        } else {
            // A plain `3.14` would load as a float: quoted.
            text.replace(" 3.12]", " '3.14']")
        };
        assert_eq!(out, expected);
        let moved = &new[..4];
        assert!(scan(Format::GithubActions, path, &out)
            .iter()
            .any(|a| a.name == "python" && a.version.as_deref() == Some(moved)));
    }
}

/// `go-version: ${{ env.GO_VERSION }}`: the version is written once, in the workflow's
/// `env`, and moves there (quoted, since a plain `1.20` would load as the float 1.2).
#[test]
fn env_versions_move_where_they_are_set() {
    let text = fixture("github-actions/scorecard-main-2022.yml");
    let path = ".github/workflows/main.yml";
    let go: Vec<_> = scan(Format::GithubActions, path, &text)
        .into_iter()
        .filter(|c| c.name == "go")
        .collect();
    assert!(!go.is_empty());
    assert!(go.iter().all(|c| c.locations[0].line == 30), "{go:#?}");
    let (new, diff) = prove(
        Format::GithubActions,
        path,
        &text,
        "go",
        30,
        &target("1.20.14", None),
        Some("1.20"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("gha_env_go_version", diff);
}
