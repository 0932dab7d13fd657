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
