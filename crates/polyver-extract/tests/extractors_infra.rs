//! Snapshot tests of the infrastructure extractors (Kubernetes manifests and Kustomize,
//! Helm charts, Terraform, Pulumi) on their fixture directories (see
//! `common::extract_fixture`).

mod common;

use common::extract_fixture;

#[test]
fn kubernetes() {
    insta::assert_json_snapshot!(extract_fixture("kubernetes", "kubernetes"));
}

#[test]
fn helm() {
    insta::assert_json_snapshot!(extract_fixture("helm", "helm"));
}

#[test]
fn terraform() {
    insta::assert_json_snapshot!(extract_fixture("terraform", "terraform"));
}

#[test]
fn pulumi() {
    insta::assert_json_snapshot!(extract_fixture("pulumi", "pulumi"));
}
