//! Snapshot tests for conda environment files (jupyterlab's binder environment: space-form
//! specs, `python =3.11`; xarray's CI environment: operators, a `pip:` list), Google Cloud
//! Build and Skaffold files (microservices-demo, a Skaffold remote Helm chart), and
//! jsonnet-bundler files (kube-prometheus, prometheus-mixin).

mod common;

use common::extract_fixture;

#[test]
fn conda_environment() {
    insta::assert_json_snapshot!(extract_fixture("conda-environment", "conda-environment"));
}

#[test]
fn cloud_build() {
    insta::assert_json_snapshot!(extract_fixture("cloud-build", "cloud-build"));
}

#[test]
fn skaffold() {
    insta::assert_json_snapshot!(extract_fixture("skaffold", "skaffold"));
}

#[test]
fn jsonnetfile() {
    insta::assert_json_snapshot!(extract_fixture("jsonnetfile", "jsonnetfile"));
}

#[test]
fn jsonnetfile_lock() {
    insta::assert_json_snapshot!(extract_fixture("jsonnetfile-lock", "jsonnetfile"));
}

/// Dockerfiles of argo-cd, jupyterlab, microservices-demo and opentelemetry-demo: `apt-get`
/// pins through ARGs, `apk add --virtual`, `go install`, `npm install -g`, `# syntax=`.
#[test]
fn dockerfile_packages() {
    insta::assert_json_snapshot!(extract_fixture("dockerfile", "dockerfile-packages"));
}
