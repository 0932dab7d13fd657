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
