//! Snapshot tests for the Rust and Go extractors: `Cargo.toml` (a workspace root with
//! `[workspace.dependencies]` and two members inheriting from it), `Cargo.lock` (v1 with
//! `[metadata]` checksums, v2, v3, v4), and `go.mod` / `go.sum` (one module: blocks,
//! `// indirect`, quoted paths, every `replace` form, `exclude`, `retract`, `toolchain`).

mod common;

use common::extract_fixture;

#[test]
fn cargo_toml_workspace() {
    insta::assert_json_snapshot!(extract_fixture("cargo-toml", "cargo-toml"));
}

#[test]
fn cargo_lock_v1() {
    insta::assert_json_snapshot!(extract_fixture("cargo-lock", "cargo-lock/v1"));
}

#[test]
fn cargo_lock_v2() {
    insta::assert_json_snapshot!(extract_fixture("cargo-lock", "cargo-lock/v2"));
}

#[test]
fn cargo_lock_v3() {
    insta::assert_json_snapshot!(extract_fixture("cargo-lock", "cargo-lock/v3"));
}

#[test]
fn cargo_lock_v4() {
    insta::assert_json_snapshot!(extract_fixture("cargo-lock", "cargo-lock/v4"));
}

#[test]
fn go_mod() {
    insta::assert_json_snapshot!(extract_fixture("go-mod", "go-mod"));
}

#[test]
fn go_sum() {
    insta::assert_json_snapshot!(extract_fixture("go-sum", "go-mod"));
}

/// `package.workspace` names the root explicitly (the root is not an ancestor); a root
/// outside the scanned directory is never read.
#[test]
fn cargo_toml_explicit_workspace_and_outside_root() {
    use polyver_extract::registry::extractors;
    use polyver_extract::SourceFile;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("ws")).unwrap();
    std::fs::create_dir_all(root.join("member")).unwrap();
    std::fs::write(
        root.join("ws/Cargo.toml"),
        "[workspace]\nmembers = [\"../member\"]\n\n[workspace.dependencies]\nserde = \"1.0.200\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("member/Cargo.toml"),
        "[package]\nname = \"m\"\nworkspace = \"../ws\"\n\n[dependencies]\nserde.workspace = true\n",
    )
    .unwrap();
    let all = extractors();
    let cargo = all.iter().find(|x| x.id() == "cargo-toml").unwrap();
    let file = SourceFile::load(root, "member/Cargo.toml", u64::MAX).unwrap();
    let found = cargo.extract(&file);
    assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
    let serde = &found.components[0];
    assert_eq!(serde.constraint.as_ref().unwrap().raw, "1.0.200");
    assert_eq!(serde.locations[0].line, 6);

    // Scanned from `member/` alone, the root is outside: reported, not read.
    let file = SourceFile::load(&root.join("member"), "Cargo.toml", u64::MAX).unwrap();
    let found = cargo.extract(&file);
    assert_eq!(found.components.len(), 1);
    assert!(found.components[0].constraint.is_none());
    assert_eq!(found.diagnostics.len(), 1);
    assert_eq!(found.diagnostics[0].line, 6);
}
