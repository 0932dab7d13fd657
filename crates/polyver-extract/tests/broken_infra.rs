//! The infrastructure extractors (Kubernetes, Helm, Terraform, Pulumi) on malformed and
//! hostile input: every malformed file yields a diagnostic with a line (and whatever could
//! be read before the problem); nothing panics and every run ends quickly.

mod common;

use common::{diagnosed, run};

const K8S: (&str, &str) = ("kubernetes", "deploy/k8s/app.yaml");
const KUSTOMIZE: (&str, &str) = ("kubernetes", "overlays/prod/kustomization.yaml");
const CHART: (&str, &str) = ("helm", "charts/app/Chart.yaml");
const CHART_LOCK: (&str, &str) = ("helm", "charts/app/Chart.lock");
const VALUES: (&str, &str) = ("helm", "charts/app/values.yaml");
const TF: (&str, &str) = ("terraform", "infra/main.tf");
const TF_LOCK: (&str, &str) = ("terraform", "infra/.terraform.lock.hcl");
const PULUMI: (&str, &str) = ("pulumi", "infra/Pulumi.yaml");

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: nginx:1.25\n";

#[test]
fn kubernetes_syntax_error_keeps_earlier_documents() {
    let text =
        format!("{DEPLOYMENT}---\napiVersion: v1\nkind: Pod\nspec:\n  containers: [{{image: [x\n");
    let found = diagnosed(K8S, &text);
    assert_eq!(found.components.len(), 1, "{:?}", found.components);
    assert!(
        found.diagnostics.iter().any(|d| d.line >= 14),
        "{:?}",
        found.diagnostics
    );
}

#[test]
fn kubernetes_wrong_shapes() {
    for text in [
        "apiVersion: v1\nkind: Pod\nspec:\n  containers: nginx\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - nginx:1.25\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: [nginx]\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: \"nginx:\"\n",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec: [a]\n",
        "apiVersion: v1\nkind: List\nitems: {a: b}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n",
    ] {
        let found = diagnosed(K8S, text);
        assert!(
            found.components.is_empty(),
            "{text}: {:?}",
            found.components
        );
    }
}

#[test]
fn kustomization_wrong_shapes() {
    diagnosed(KUSTOMIZE, "images: nginx\n");
    diagnosed(KUSTOMIZE, "images:\n  - newTag: 1.0\n");
    diagnosed(KUSTOMIZE, "helmCharts:\n  - repo: https://x\n");
    let found = diagnosed(KUSTOMIZE, "images:\n  - name: a\n    newTag: '2'\n  - [\n");
    assert_eq!(found.components.len(), 1);
}

#[test]
fn kubernetes_hostile_input_ends() {
    let mut bomb = String::from("apiVersion: v1\nkind: List\nx-a: &a [\"l\", \"l\", \"l\", \"l\", \"l\", \"l\", \"l\", \"l\", \"l\", \"l\"]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("x-{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    diagnosed(K8S, &bomb);
    let nested = format!("apiVersion: v1\nkind: List\nitems: {}\n", "[".repeat(5000));
    diagnosed(K8S, &nested);
    // Lists of lists are followed only a few levels deep.
    let mut deep = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for depth in 1..40 {
        let pad = "  ".repeat(depth * 2);
        deep.push_str(&format!(
            "{pad}- apiVersion: v1\n{pad}  kind: List\n{pad}  items:\n"
        ));
    }
    run(K8S, &deep);
}

#[test]
fn helm_malformed() {
    let found = diagnosed(
        CHART,
        "apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 18.6.1\n    repository: https://charts.bitnami.com/bitnami\n  - name: [broken\n",
    );
    assert_eq!(found.components.len(), 1);
    diagnosed(CHART, "apiVersion: v2\ndependencies: redis\n");
    diagnosed(CHART, "dependencies:\n  - version: 1.0.0\n");
    diagnosed(CHART, "dependencies:\n  - name: {a: b}\n");
    diagnosed(CHART, "dependencies:\n  - redis\n");
    diagnosed(CHART, "dependencies:\n  - name: redis\n    version: [1]\n");
    diagnosed(
        CHART_LOCK,
        "dependencies:\n- name: redis\n  repository: https://x\n",
    );
    diagnosed(
        CHART_LOCK,
        "dependencies:\n- name: redis\n  version: 1.0.0\n\tdigest: x\n",
    );
}

#[test]
fn helm_values_malformed() {
    let found = diagnosed(
        VALUES,
        "image:\n  repository: acme/app\n  tag: 1.0.0\nsidecar:\n  image: \"unterminated\n",
    );
    assert_eq!(found.components.len(), 1);
    diagnosed(VALUES, "image:\n  repository: [a]\n");
    let found = diagnosed(VALUES, "image:\n  repository: 'acme/app:'\n  tag: ''\n");
    assert!(found.components.is_empty());
    diagnosed(VALUES, "image: \"nginx:\"\n");
    let deep = "a:\n  ".to_string() + &"[".repeat(3000);
    diagnosed(VALUES, &deep);
}

#[test]
fn terraform_syntax_errors_keep_earlier_blocks() {
    let found = diagnosed(
        TF,
        "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.5.2\"\n}\n\nmodule \"broken\" {\n  source = \"x\n}\n",
    );
    assert_eq!(found.components.len(), 1, "{:?}", found.components);
    let d = &found.diagnostics[0];
    assert!(d.line >= 6, "{d:?}");

    diagnosed(TF, "terraform {\n  required_version = \n}\n");
    diagnosed(
        TF,
        "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n  }\n",
    );
    diagnosed(TF, "}}}}\n");
    diagnosed(TF, &"x = [".repeat(2000));
    diagnosed(TF, &("x = ".to_string() + &"(".repeat(5000)));
}

#[test]
fn terraform_wrong_shapes() {
    diagnosed(TF, "terraform {\n  required_version = 1.5\n}\n");
    diagnosed(
        TF,
        "terraform {\n  required_providers {\n    aws = [1]\n  }\n}\n",
    );
    diagnosed(TF, "module \"m\" {\n  version = \"1.0.0\"\n}\n");
    diagnosed(TF, "module \"m\" {\n  source = \"${var.src}\"\n}\n");
    diagnosed(TF, "module \"m\" {\n  source = var.src\n}\n");
    diagnosed(
        TF_LOCK,
        "provider \"registry.terraform.io/hashicorp/aws\" {\n  hashes = []\n}\n",
    );
    diagnosed(TF_LOCK, "provider \"registry.terraform.io/hashicorp/aws\" {\n  version = \"1.0.0\"\n  hashes = \"h1:x\"\n}\n");
    diagnosed(TF_LOCK, "provider {\n  version = \"1.0.0\"\n}\n");
    let found = diagnosed(
        TF_LOCK,
        "provider \"registry.terraform.io/hashicorp/aws\" {\n  version = \"5.0.0\"\n}\n\nprovider \"x\" {\n  version = \n",
    );
    assert_eq!(found.components.len(), 1);
}

#[test]
fn pulumi_malformed() {
    diagnosed(PULUMI, "name: x\nruntime: [python\n");
    diagnosed(PULUMI, "name: x\n");
    diagnosed(PULUMI, "name: x\nruntime:\n  options: {}\n");
    diagnosed(PULUMI, "name: x\nruntime: [python]\n");
    let found = run(PULUMI, "name: x\nruntime: python\n");
    assert_eq!(found.components.len(), 1);
}
