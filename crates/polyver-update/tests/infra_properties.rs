//! Properties of the image rewrites over generated files: whatever the indentation,
//! quoting, trailing comment and line endings, the rewrite changes exactly the tag (and
//! digest) text and a re-scan finds the new version at the same line.

mod infra_common;

use infra_common::*;
use polyver_model::Format;
use proptest::prelude::*;

fn tag() -> impl Strategy<Value = String> {
    "[0-9]{1,2}\\.[0-9]{1,2}(\\.[0-9]{1,2})?(-[a-z]{1,6})?"
}

fn name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("postgres"),
        Just("library/redis"),
        Just("docker.io/library/nginx"),
        Just("localhost:5000/team/app"),
        Just("ghcr.io/o/r"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn compose_image_rewrites_touch_only_the_tag(
        name in name(),
        old in tag(),
        new in tag(),
        indent in 4usize..8,
        quote in prop_oneof![Just(""), Just("'"), Just("\"")],
        comment in prop_oneof![Just(""), Just("  # pinned"), Just(" # 1.0 older")],
        crlf in any::<bool>(),
        digest in prop::option::of("[0-9a-f]{64}"),
    ) {
        prop_assume!(old != new);
        let eol = if crlf { "\r\n" } else { "\n" };
        let pad = " ".repeat(indent);
        let pin = digest.as_ref().map(|d| format!("@sha256:{d}")).unwrap_or_default();
        let text = format!(
            "# generated{eol}services:{eol}  svc:{eol}{pad}image: {quote}{name}:{old}{pin}{quote}{comment}{eol}{pad}restart: always{eol}"
        );
        let recorded = name.trim_start_matches("docker.io/").trim_start_matches("library/");
        let c = component(Format::Compose, "compose.yaml", &text, recorded, 4);
        let new_digest = "sha256:".to_string() + &"e".repeat(64);
        let t = target(&new, Some(&new_digest));
        let out = rewritten(rewrite(Format::Compose, "compose.yaml", &text, &c, 4, &t, false));
        let new_pin = if digest.is_some() { format!("@{new_digest}") } else { String::new() };
        let expected = text.replacen(
            &format!("{name}:{old}{pin}"),
            &format!("{name}:{new}{new_pin}"),
            1,
        );
        prop_assert_eq!(&out, &expected);
        let after = component(Format::Compose, "compose.yaml", &out, recorded, 4);
        prop_assert_eq!(after.version.as_deref(), Some(new.as_str()));
    }

    #[test]
    fn dockerfile_arg_defaults_move_only_the_default(
        old in tag(),
        new in tag(),
        suffix in prop_oneof![Just(""), Just("-alpine"), Just("-slim-bookworm")],
        quoted in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        prop_assume!(old != new && !old.contains('-') && !new.contains('-'));
        let eol = if crlf { "\r\n" } else { "\n" };
        let q = if quoted { "\"" } else { "" };
        let text = format!(
            "# syntax=docker/dockerfile:1{eol}ARG PY={q}{old}{q}{eol}FROM python:${{PY}}{suffix} AS base{eol}RUN echo ${{PY}}{eol}"
        );
        let c = component(Format::Dockerfile, "Dockerfile", &text, "python", 3);
        let t = target(&format!("{new}{suffix}"), None);
        let out = rewritten(rewrite(Format::Dockerfile, "Dockerfile", &text, &c, 3, &t, false));
        let expected = text.replacen(&format!("ARG PY={q}{old}{q}"), &format!("ARG PY={q}{new}{q}"), 1);
        prop_assert_eq!(&out, &expected);
        let after = component(Format::Dockerfile, "Dockerfile", &out, "python", 3);
        let expected_version = format!("{new}{suffix}");
        prop_assert_eq!(after.version.as_deref(), Some(expected_version.as_str()));
    }
}

/// (format, path) pairs for every infrastructure rewriter.
const FILES: &[(Format, &str)] = &[
    (Format::Dockerfile, "Dockerfile"),
    (Format::Compose, "compose.yaml"),
    (Format::Kubernetes, "k8s/deploy.yaml"),
    (Format::Helm, "chart/values.yaml"),
    (Format::Helm, "chart/Chart.yaml"),
    (Format::GithubActions, ".github/workflows/ci.yml"),
    (Format::GitlabCi, ".gitlab-ci.yml"),
    (Format::Terraform, "main.tf"),
    (Format::VersionFile, ".nvmrc"),
    (Format::VersionFile, ".tool-versions"),
    (Format::VersionFile, "mise.toml"),
    (Format::VersionFile, "rust-toolchain.toml"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Bad input gets an error, never a panic: any text, any line and column, any kind.
    #[test]
    fn rewriters_never_panic(
        file in 0..FILES.len(),
        text in "([ -~]|\r|\n|\t|é|\u{1F600}){0,160}",
        line in 0u32..12,
        column in prop::option::of(0u32..30),
        kind in prop_oneof![
            Just(polyver_model::Kind::Image),
            Just(polyver_model::Kind::Action),
            Just(polyver_model::Kind::Runtime),
            Just(polyver_model::Kind::Provider),
            Just(polyver_model::Kind::Module),
            Just(polyver_model::Kind::Package),
        ],
        name in "[a-z]{1,4}(/[a-z]{1,4})?",
        version in prop::option::of("v?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}"),
        digest in prop::option::of(prop_oneof![Just("sha256:ab".to_string()), "[0-9a-f]{40}"]),
        bump in any::<bool>(),
    ) {
        let (format, path) = FILES[file];
        let mut location = polyver_model::Location::new(path, line);
        location.column = column;
        let mut c = polyver_model::Component::new(kind, polyver_model::Ecosystem::Docker, name, format, location);
        c.version = version.clone();
        c.integrity = digest.clone();
        if version.is_none() {
            c.constraint = Some(polyver_model::Constraint::new("~> 1.0"));
        }
        let t = target("2.0.1", digest.as_deref());
        let _ = rewrite(format, path, &text, &c, line, &t, bump);
        if kind == polyver_model::Kind::Action {
            let request = polyver_update::Request { component: &c, path, line, target: &t, bump_ranges: bump };
            let _ = polyver_update::pin_action(&text, &request);
        }
    }
}

/// Real fixtures with the components the scan found in them.
const REAL: &[(Format, &str, &str)] = &[
    (
        Format::Dockerfile,
        "Dockerfile",
        "dockerfile/frontend.Dockerfile",
    ),
    (
        Format::Dockerfile,
        "Dockerfile",
        "dockerfile/scico.Dockerfile",
    ),
    (
        Format::Compose,
        "compose.yaml",
        "compose/wasmedge-compose.yml",
    ),
    (
        Format::Helm,
        "charts/x/values.yaml",
        "helm/snmp-exporter-values.yaml",
    ),
    (Format::Helm, "charts/x/Chart.yaml", "helm/Chart.yaml"),
    (
        Format::GithubActions,
        ".github/workflows/ci.yml",
        "github-actions/ci-main.yaml",
    ),
    (
        Format::GitlabCi,
        ".gitlab-ci.yml",
        "gitlab-ci/Kaniko.gitlab-ci.yml",
    ),
    (Format::Terraform, "main.tf", "terraform/test_source.tf"),
    (Format::Terraform, "versions.tf", "terraform/gh-versions.tf"),
    (
        Format::VersionFile,
        "mise.toml",
        "version-files/mise/mise.toml",
    ),
    (
        Format::VersionFile,
        ".tool-versions",
        "version-files/phoenix/.tool-versions",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A file edited since the scan (cut short, bytes spliced in) gets an error or a
    /// rewrite, never a panic.
    #[test]
    fn rewriters_survive_files_changed_since_the_scan(
        which in 0..REAL.len(),
        cut in 0.0f64..1.0,
        insert in "([ -~]|\n|\"|'|\\{|\\}|é){0,8}",
    ) {
        let (format, path, fixture_path) = REAL[which];
        let text = fixture(fixture_path);
        let components = scan(format, path, &text);
        let mut at = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let changed = format!("{}{insert}{}", &text[..at], &text[at..]);
        let truncated = &text[..at];
        for c in &components {
            let line = c.locations[0].line;
            let t = target("9.9.9", Some("sha256:00"));
            for edited in [changed.as_str(), truncated] {
                let _ = rewrite(format, path, edited, c, line, &t, false);
            }
        }
    }
}
