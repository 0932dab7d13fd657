//! Image rewrites proven on real files: Dockerfiles, Compose, Kubernetes, Helm (see
//! `infra_common` for what each proof checks).

mod infra_common;

use infra_common::*;
use polyver_model::Format;
use polyver_update::{Outcome, RewriteError};

const DIGEST: &str = "sha256:4a6e7c2b9f0d1e3a5c7b9d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e1a";

#[test]
fn dockerfile_tag_and_digest_move_with_platform_and_stage_kept() {
    let text = fixture("dockerfile/frontend.Dockerfile");
    let (_, diff) = prove(
        Format::Dockerfile,
        "src/frontend/Dockerfile",
        &text,
        "golang",
        18,
        &target("1.26.6-alpine", Some(DIGEST)),
        Some("1.26.6-alpine"),
    );
    insta::assert_snapshot!("dockerfile_frontend", diff);
    // A pinned digest is never dropped for want of a new one.
    let c = component(
        Format::Dockerfile,
        "src/frontend/Dockerfile",
        &text,
        "golang",
        18,
    );
    let err = rewrite(
        Format::Dockerfile,
        "Dockerfile",
        &text,
        &c,
        18,
        &target("1.26.6-alpine", None),
        false,
    )
    .unwrap_err();
    assert!(matches!(err, RewriteError::Unsupported { .. }), "{err}");
    // An image with neither tag nor digest has nothing to move.
    let c = component(
        Format::Dockerfile,
        "src/frontend/Dockerfile",
        &text,
        "gcr.io/distroless/static",
        32,
    );
    assert!(rewrite(
        Format::Dockerfile,
        "Dockerfile",
        &text,
        &c,
        32,
        &target("nonroot", None),
        false
    )
    .is_err());
}

#[test]
fn dockerfile_multi_stage_base_image() {
    let text = fixture("dockerfile/emailservice.Dockerfile");
    let (_, diff) = prove(
        Format::Dockerfile,
        "src/emailservice/Dockerfile",
        &text,
        "python",
        18,
        &target("3.14.7-alpine", Some(DIGEST)),
        Some("3.14.7-alpine"),
    );
    insta::assert_snapshot!("dockerfile_emailservice", diff);
}

#[test]
fn dockerfile_arg_default_is_edited_where_it_is_written() {
    let text = fixture("dockerfile/scico.Dockerfile");
    let (_, diff) = prove(
        Format::Dockerfile,
        "Dockerfile",
        &text,
        "node",
        2,
        &target("22.12.0-alpine", None),
        Some("22.12.0-alpine"),
    );
    assert!(diff.contains("+ARG NODE_VERSION=22.12.0\n"), "{diff}");
    insta::assert_snapshot!("dockerfile_arg_default", diff);
}

#[test]
fn compose_images_move_one_service_at_a_time() {
    let text = fixture("compose/elk-compose.yaml");
    let (new, diff) = prove(
        Format::Compose,
        "elk/compose.yaml",
        &text,
        "kibana",
        38,
        &target("7.17.25", None),
        Some("7.17.25"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("compose_elk_kibana", diff);

    let text = fixture("compose/wasmedge-compose.yml");
    let (new, diff) = prove(
        Format::Compose,
        "wasmedge/compose.yml",
        &text,
        "docker.redpanda.com/vectorized/redpanda",
        3,
        &target("v23.3.21", None),
        Some("v23.3.21"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("compose_wasmedge_redpanda", diff);

    // The commented-out image on the next line is not touched.
    let text = fixture("compose/react-express-mysql-compose.yaml");
    let (new, diff) = prove(
        Format::Compose,
        "r/compose.yaml",
        &text,
        "mariadb",
        33,
        &target("10.11.10-jammy", None),
        Some("10.11.10-jammy"),
    );
    assert!(new.contains("    #image: mysql:8.0.27\n"));
    yaml_loads(&new);
    insta::assert_snapshot!("compose_react_mariadb", diff);
}

#[test]
fn kubernetes_images_in_a_multi_document_release() {
    let text = fixture("kubernetes/kubernetes-manifests.yaml");
    let path = "release/kubernetes-manifests.yaml";
    let (new, diff) = prove(
        Format::Kubernetes,
        path,
        &text,
        "busybox",
        494,
        &target("1.38.1", Some(DIGEST)),
        Some("1.38.1"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("kubernetes_busybox_digest", diff);
    let name = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend";
    let (new, diff) = prove(
        Format::Kubernetes,
        path,
        &text,
        name,
        53,
        &target("v0.10.7", None),
        Some("v0.10.7"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("kubernetes_frontend", diff);
}

#[test]
fn helm_values_split_keys_and_quoted_tags() {
    let text = fixture("helm/snmp-exporter-values.yaml");
    let path = "charts/prometheus-snmp-exporter/values.yaml";
    let name = "quay.io/prometheus-operator/prometheus-config-reloader";
    let (new, diff) = prove(
        Format::Helm,
        path,
        &text,
        name,
        173,
        &target("v0.94.0", None),
        Some("v0.94.0"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("helm_snmp_config_reloader", diff);
    // `tag: ""` defers to the chart's appVersion: refused, with the reason.
    let c = component(
        Format::Helm,
        path,
        &text,
        "quay.io/prometheus/snmp-exporter",
        6,
    );
    let err = rewrite(
        Format::Helm,
        path,
        &text,
        &c,
        6,
        &target("v0.30.0", None),
        false,
    )
    .unwrap_err();
    assert!(err.to_string().contains("appVersion"), "{err}");

    let text = fixture("helm/modbus-exporter-values.yaml");
    let path = "charts/prometheus-modbus-exporter/values.yaml";
    let name = "openenergyprojects/config-reloader-sidecar";
    let (new, diff) = prove(
        Format::Helm,
        path,
        &text,
        name,
        109,
        &target("20240101_0000000", None),
        Some("20240101_0000000"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("helm_modbus_sidecar", diff);
}

#[test]
fn helm_chart_dependencies() {
    let text = fixture("helm/Chart.yaml");
    let path = "charts/kube-prometheus-stack/Chart.yaml";
    let (new, diff) = prove(
        Format::Helm,
        path,
        &text,
        "kube-state-metrics",
        54,
        &target("8.5.0", None),
        Some("8.5.0"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("helm_chart_exact", diff);
    // A wildcard that admits the target is left alone; one that does not moves its series.
    let c = component(Format::Helm, path, &text, "prometheus-windows-exporter", 66);
    assert_eq!(
        rewrite(
            Format::Helm,
            path,
            &text,
            &c,
            66,
            &target("0.12.4", None),
            false
        ),
        Ok(Outcome::AlreadySatisfied)
    );
    let (new, diff) = prove(
        Format::Helm,
        path,
        &text,
        "prometheus-windows-exporter",
        66,
        &target("0.13.1", None),
        Some("0.13.*"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("helm_chart_wildcard", diff);
}

/// Kustomize entries as the extractor locates them (the kustomize documentation's own
/// example, plus a `helmCharts` entry): `newTag`, `digest` and `version` move in place.
#[test]
fn kustomize_images_and_helm_charts() {
    let text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: postgres\n  newName: my-registry/my-postgres\n  newTag: v1\n- name: nginx\n  newTag: 1.8.0\n- name: alpine\n  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\nhelmCharts:\n- name: ingress-nginx\n  repo: https://kubernetes.github.io/ingress-nginx\n  version: 4.8.3\n";
    let path = "overlays/prod/kustomization.yaml";
    let (new, diff) = prove(
        Format::Kubernetes,
        path,
        text,
        "nginx",
        7,
        &target("1.27.3", None),
        Some("1.27.3"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("kustomize_new_tag", diff);
    let (_, diff) = prove(
        Format::Kubernetes,
        path,
        text,
        "my-registry/my-postgres",
        5,
        &target("v2", None),
        Some("v2"),
    );
    insta::assert_snapshot!("kustomize_new_name_tag", diff);
    let c = component(Format::Kubernetes, path, text, "alpine", 9);
    let moved = rewritten(rewrite(
        Format::Kubernetes,
        path,
        text,
        &c,
        9,
        &target("3.20", Some(DIGEST)),
        false,
    ));
    let after = component(Format::Kubernetes, path, &moved, "alpine", 9);
    assert_eq!(after.integrity.as_deref(), Some(DIGEST));
    let (new, diff) = prove(
        Format::Kubernetes,
        path,
        text,
        "ingress-nginx",
        12,
        &target("4.11.0", None),
        Some("4.11.0"),
    );
    yaml_loads(&new);
    insta::assert_snapshot!("kustomize_helm_chart", diff);
}
