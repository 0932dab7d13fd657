//! Runtime version files proven on real files (`tomllib` checks the TOML ones).

mod infra_common;

use infra_common::*;
use polyver_model::Format;

#[test]
fn nvmrc_keeps_its_v_and_its_missing_newline() {
    let text = fixture("version-files/next.js/.nvmrc");
    let (new, diff) = prove(
        Format::VersionFile,
        ".nvmrc",
        &text,
        "node",
        1,
        &target("20.11.1", None),
        Some("20.11.1"),
    );
    assert_eq!(new, "v20.11.1");
    insta::assert_snapshot!("nvmrc", diff);
}

#[test]
fn tool_versions_one_tool_per_line() {
    let text = fixture("version-files/phoenix/.tool-versions");
    let (_, diff) = prove(
        Format::VersionFile,
        ".tool-versions",
        &text,
        "erlang",
        2,
        &target("27.3.4", None),
        Some("27.3.4"),
    );
    insta::assert_snapshot!("tool_versions_erlang", diff);
    let (_, diff) = prove(
        Format::VersionFile,
        ".tool-versions",
        &text,
        "elixir",
        1,
        &target("1.20.0", None),
        Some("1.20.0"),
    );
    insta::assert_snapshot!("tool_versions_elixir", diff);
}

#[test]
fn rust_toolchain_toml() {
    let text = fixture("version-files/uv/rust-toolchain.toml");
    let (new, diff) = prove(
        Format::VersionFile,
        "rust-toolchain.toml",
        &text,
        "rust",
        2,
        &target("1.95.0", None),
        Some("1.95.0"),
    );
    toml_loads(&new);
    insta::assert_snapshot!("rust_toolchain", diff);
}

#[test]
fn mise_tools() {
    let text = fixture("version-files/mise/mise.toml");
    let (new, diff) = prove(
        Format::VersionFile,
        "mise.toml",
        &text,
        "prettier",
        28,
        &target("3.10.0", None),
        Some("3.10.0"),
    );
    toml_loads(&new);
    insta::assert_snapshot!("mise_prettier", diff);
    // `node = "24"` is a series: 24.x stays, 26 moves at the same precision.
    let c = component(Format::VersionFile, "mise.toml", &text, "node", 37);
    assert_eq!(
        rewrite(
            Format::VersionFile,
            "mise.toml",
            &text,
            &c,
            37,
            &target("24.3.0", None),
            false
        ),
        Ok(polyver_update::Outcome::AlreadySatisfied)
    );
    let (new, diff) = prove(
        Format::VersionFile,
        "mise.toml",
        &text,
        "node",
        37,
        &target("26.1.0", None),
        Some("26"),
    );
    toml_loads(&new);
    insta::assert_snapshot!("mise_node_series", diff);
    // `latest` is not a version.
    let c = component(Format::VersionFile, "mise.toml", &text, "jq", 24);
    assert!(rewrite(
        Format::VersionFile,
        "mise.toml",
        &text,
        &c,
        24,
        &target("1.8.0", None),
        false
    )
    .is_err());
}
