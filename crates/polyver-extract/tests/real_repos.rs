//! Snapshot tests on files copied from real repositories (issue 14: coverage found missing
//! on microservices-demo, opentelemetry-demo, prometheus, jupyterlab and argo-cd). Each
//! fixture directory `<format-id>-real/` (or the format's own) has a NOTICE.md naming the
//! repository, commit and licence of each file.

mod common;

use common::extract_fixture;

/// Dependencies inside `if`/`else` in `dependencies { }` and the protobuf plugin's
/// `artifact = "g:a:v"` (protoc, protoc-gen-grpc-java) are read.
#[test]
fn gradle_conditional_dependencies_and_protobuf_artifacts() {
    let snap = extract_fixture("gradle", "gradle-real");
    let adservice = snap
        .components
        .iter()
        .filter(|c| c.locations[0].path.starts_with("microservices-demo/"))
        .filter(|c| c.kind == polyver_model::Kind::Package)
        .count();
    assert_eq!(adservice, 12, "all 12 dependencies of adservice");
    insta::assert_json_snapshot!(snap);
}

/// `distributionUrl` of the Gradle wrapper pins the `gradle` tool.
#[test]
fn gradle_wrapper_properties() {
    insta::assert_json_snapshot!(extract_fixture("gradle-wrapper", "gradle-wrapper"));
}

/// Kustomize components whose registry or tag is a placeholder `sed` replaces
/// (`CONTAINER_IMAGES_REGISTRY/adservice`, `newTag: CONTAINER_IMAGES_TAG`): no placeholder
/// is reported as an image name or version, and each is said.
#[test]
fn kustomize_placeholders_are_not_images() {
    let snap = extract_fixture("kubernetes", "kubernetes-real");
    assert!(snap
        .components
        .iter()
        .all(|c| !c.name.contains("CONTAINER_IMAGES")
            && c.version
                .as_deref()
                .is_none_or(|v| !v.contains("CONTAINER_IMAGES"))));
    let said = |token: &str| {
        snap.diagnostics
            .iter()
            .filter(|d| d.message.contains(token))
            .count()
    };
    assert_eq!(said("placeholder `CONTAINER_IMAGES_REGISTRY`"), 12);
    assert_eq!(said("placeholder `CONTAINER_IMAGES_TAG`"), 11);
    insta::assert_json_snapshot!(snap);
}

/// Services of an override file (`compose.observability.yaml`, used with `-f` after
/// `compose.yaml`) that only change fields are no warning.
#[test]
fn compose_override_services_are_not_warned() {
    let snap = extract_fixture("compose", "compose-real");
    assert!(snap
        .diagnostics
        .iter()
        .all(|d| d.severity != polyver_model::Severity::Warning || !d.message.contains("neither")));
    assert_eq!(
        snap.diagnostics
            .iter()
            .filter(|d| d.message.contains("overrides fields"))
            .count(),
        3
    );
    insta::assert_json_snapshot!(snap);
}

/// Helm values: `mcImage: {repository, tag}` beside `image:`, a Bitnami
/// `metrics.image: {registry, repository, tag}`, and an `images.repository` prefix.
#[test]
fn helm_values_image_blocks_under_other_keys() {
    let snap = extract_fixture("helm", "helm-real");
    let has = |name: &str, version: &str| {
        snap.components
            .iter()
            .any(|c| c.name == name && c.version.as_deref() == Some(version))
    };
    assert!(has("minio/mc", "RELEASE.2018-06-09T02-18-09Z"));
    assert!(has("oliver006/redis_exporter", "v0.20.2"));
    insta::assert_json_snapshot!(snap);
}

/// GitHub Actions: `runs-on` runner images (`ubuntu-24.04`, `macos-26`, `macos-latest`,
/// argo-cd's `${{ github.repository == ... && 'oracle-vm-...' || 'ubuntu-24.04' }}`) and
/// tool versions given to setup actions (golangci-lint `version`, pnpm's range,
/// setup-dotnet). Actions themselves are snapshotted elsewhere: left out here.
#[test]
fn github_actions_runners_and_setup_inputs() {
    let mut snap = extract_fixture("github-actions", "github-actions-real");
    snap.components
        .retain(|c| c.kind != polyver_model::Kind::Action);
    let version = |name: &str| {
        snap.components
            .iter()
            .filter(|c| c.name == name)
            .filter_map(|c| c.version.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(version("golangci-lint"), ["2.13.0"]);
    assert!(version("macos-runner").contains(&"26".to_string()));
    assert!(version("ubuntu-runner").contains(&"24.04".to_string()));
    insta::assert_json_snapshot!(snap);
}

/// `workspace:*` (pnpm workspace protocol) is kept as the constraint, with the spec as the
/// non-registry `url`, never dropped or parsed as a semver range.
#[test]
fn package_json_workspace_protocol() {
    let snap = extract_fixture("package-json", "package-json-real");
    let workspace: Vec<_> = snap
        .components
        .iter()
        .filter(|c| c.url.as_deref() == Some("workspace:*"))
        .map(|c| {
            (
                c.name.as_str(),
                c.constraint.as_ref().map(|k| k.raw.as_str()),
            )
        })
        .collect();
    assert_eq!(
        workspace,
        [
            ("@prometheus-io/codemirror-promql", Some("workspace:*")),
            ("@prometheus-io/lezer-promql", Some("workspace:*")),
        ]
    );
    insta::assert_json_snapshot!(snap);
}
