//! The Mix, conda, Cloud Build, Skaffold, jsonnet-bundler and Dockerfile `RUN` readers on
//! malformed input: each yields at least one diagnostic pointing at a line of the file, and
//! none panics on truncated fixtures, noise or deep nesting.

mod common;

/// The characters these formats branch on, shuffled by `common::noise`.
const NOISE: &str =
    "{}[]()%\":,=<>/!?&|;'~^*@#\\\n\r\t -_.abcdeghimnoprstvx019$`:hex:git dependencies: pip steps";

/// (extractor id, file name, malformed content, line the diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    (
        "mix-exs",
        "mix.exs",
        "defp deps do\n  [\n    {:a, \"~> 1.0\" :b}\n  ]\nend\n",
        3,
    ),
    (
        "mix-exs",
        "mix.exs",
        "def project do\n  [deps: [\n    {:a, \"1.0\"},\n    {:b, \"1.0\"\n  ]]\nend\n",
        5,
    ),
    ("mix-exs", "mix.exs", "defp deps do\n  [\n    \"oops\n  ]\nend\n", 3),
    (
        "mix-exs",
        "mix.exs",
        "defp deps do\n  [\n    dep(:a)\n  ]\nend\n",
        3,
    ),
    (
        "mix-lock",
        "mix.lock",
        "%{\n  \"a\": {:hex, :a, \"1.0\"},\n  \"b\": {:hex, :b},\n}\n",
        3,
    ),
    (
        "mix-lock",
        "mix.lock",
        "%{\n  \"a\": {:hex, :a, \"1.0\"}\n  \"b\": {:hex, :b, \"2.0\"}\n}\n",
        3,
    ),
    ("mix-lock", "mix.lock", "%{\n  \"a\": {:path, \"../a\"}\n}\n", 2),
    ("mix-lock", "mix.lock", "<<<<<<< HEAD\n%{}\n", 1),
    (
        "conda-environment",
        "environment.yml",
        "name: x\ndependencies:\n  - numpy=1.26\n  - =1.2\n",
        4,
    ),
    (
        "conda-environment",
        "environment.yml",
        "dependencies:\n  - numpy\n  - {a: 1}\n",
        3,
    ),
    (
        "conda-environment",
        "environment.yml",
        "dependencies:\n  - pip:\n    - \"requests>=\"\n",
        3,
    ),
    (
        "cloud-build",
        "cloudbuild.yaml",
        "steps:\n- args: ['build']\n",
        2,
    ),
    (
        "cloud-build",
        "cloudbuild.yaml",
        "steps:\n- name: 'gcr.io/$PROJECT_ID/x'\n",
        2,
    ),
    ("cloud-build", "cloudbuild.yaml", "steps: build\n", 1),
    (
        "skaffold",
        "skaffold.yaml",
        "apiVersion: skaffold/v4beta11\nkind: Config\nmanifests:\n  helm:\n    releases:\n    - name: x\n      remoteChart: ''\n",
        7,
    ),
    (
        "skaffold",
        "skaffold.yaml",
        "apiVersion: skaffold/v2beta29\nrequires:\n- git:\n    path: x\n",
        4,
    ),
    (
        "skaffold",
        "skaffold.yaml",
        "apiVersion: skaffold/v4beta11\nverify:\n- name: t\n  container:\n    image: ['a']\n",
        5,
    ),
    (
        "jsonnetfile",
        "jsonnetfile.json",
        "{\n  \"dependencies\": [\n    {\"version\": \"main\"}\n  ]\n}\n",
        3,
    ),
    (
        "jsonnetfile",
        "jsonnetfile.json",
        "{\n  \"dependencies\": {}\n}\n",
        2,
    ),
    (
        "jsonnetfile-lock",
        "jsonnetfile.lock.json",
        "{\n\"dependencies\": [\n{\"source\": {\"git\": {\"remote\": \"https://github.com/a/b.git\"}}}\n]}\n",
        3,
    ),
    (
        "dockerfile",
        "Dockerfile",
        "FROM alpine:3.19\nRUN apk add --no-cache curl=${CURL_VERSION}\n",
        2,
    ),
    (
        "dockerfile",
        "Dockerfile",
        "FROM debian:12\nARG PKG\nRUN apt-get install -y $PKG\n",
        3,
    ),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    common::assert_located_diagnostics(MALFORMED);
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("mix.exs", "mix/mix.exs"),
        ("mix.lock", "mix/mix.lock"),
        ("environment.yml", "conda-environment/ci/environment.yml"),
        (
            "cloudbuild.yaml",
            "cloud-build/microservices-demo/cloudbuild.yaml",
        ),
        ("skaffold.yaml", "skaffold/skaffold.yaml"),
        (
            "jsonnetfile.lock.json",
            "jsonnetfile/kube-prometheus/jsonnetfile.lock.json",
        ),
        (
            "jsonnetfile.json",
            "jsonnetfile/prometheus-mixin/jsonnetfile.json",
        ),
        ("Dockerfile", "dockerfile-packages/argo-cd/Dockerfile"),
    ];
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "{".repeat(10_000),
        "%{".repeat(5_000),
        "defp deps do\n".to_string() + &"[{:a, ".repeat(5_000),
        "\"\"\"".to_string(),
        "~s(".to_string(),
        "#{".repeat(1_000),
        "RUN apt-get install ".to_string() + &"$(".repeat(5_000),
        "FROM a\nRUN ".to_string() + &"\"".repeat(3),
        "dependencies:\n".to_string() + &"- pip:\n  ".repeat(200),
    ];
    common::assert_never_panics(&samples, 7, NOISE, &extra);
}
