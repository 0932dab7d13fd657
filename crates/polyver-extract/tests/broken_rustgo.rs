//! The Rust and Go extractors on malformed input of their own formats: each yields at least
//! one diagnostic pointing at a line of the file, and none panics on truncated fixtures,
//! noise or deep nesting.

mod common;

use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "{}[]()\"`:,=<>~^*@#;/\\\n\r\t -_.abcnmevrsio019$'\x00é=>";

/// (extractor id, file name, malformed content, line the first diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    ("cargo-toml", "Cargo.toml", "[dependencies]\nserde = \"1\n", 2),
    ("cargo-toml", "Cargo.toml", "[dependencies]\nserde = 1\n", 2),
    ("cargo-toml", "Cargo.toml", "\ndependencies = 3\n", 2),
    (
        "cargo-toml",
        "Cargo.toml",
        "[dependencies]\nfoo = { features = [\"x\"] }\n",
        2,
    ),
    ("cargo-toml", "Cargo.toml", "[package]\nrust-version = 1.70\n", 2),
    (
        "cargo-toml",
        "Cargo.toml",
        "[package]\nname = \"m\"\n\n[dependencies]\nserde = { workspace = true }\n",
        5,
    ),
    (
        "cargo-toml",
        "Cargo.toml",
        "[workspace]\n[workspace.dependencies]\n\n[dependencies]\nserde.workspace = true\n",
        5,
    ),
    ("cargo-toml", "Cargo.toml", "target = 1\n", 1),
    (
        "cargo-toml",
        "Cargo.toml",
        "[target.'cfg(unix)']\ndependencies = [1]\n",
        2,
    ),
    (
        "cargo-lock",
        "Cargo.lock",
        "version = 3\n[[package]]\nname = \"a\n",
        3,
    ),
    (
        "cargo-lock",
        "Cargo.lock",
        "version = 3\n\n[[package]]\nversion = \"1.0\"\n",
        3,
    ),
    ("cargo-lock", "Cargo.lock", "version = \"three\"\n", 1),
    ("cargo-lock", "Cargo.lock", "version = 7\n", 1),
    ("cargo-lock", "Cargo.lock", "\npackage = 1\n", 2),
    (
        "cargo-lock",
        "Cargo.lock",
        "[[package]]\nname = \"a\"\nversion = \"1\"\nsource = \"x\"\ndependencies = [\n \"b 1 (src\",\n]\n",
        6,
    ),
    (
        "cargo-lock",
        "Cargo.lock",
        "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = \"b\"\n",
        4,
    ),
    (
        "cargo-lock",
        "Cargo.lock",
        "[[package]]\nname = \"a\"\nsource = \"x\"\n",
        2,
    ),
    (
        "go-mod",
        "go.mod",
        "module x\ngo 1.21\nrequire (\n\tgithub.com/a/b v1.0.0\n",
        3,
    ),
    ("go-mod", "go.mod", "require github.com/a/b\n", 1),
    ("go-mod", "go.mod", "module x\n\nrequire github.com/a/b 1.0.0\n", 3),
    ("go-mod", "go.mod", "module \"x\n", 1),
    ("go-mod", "go.mod", "replace a => b\n", 1),
    ("go-mod", "go.mod", "replace (\n\ta b c\n)\n", 2),
    ("go-mod", "go.mod", "go one\n", 1),
    ("go-mod", "go.mod", "module x\nfrobnicate x\n", 2),
    ("go-mod", "go.mod", "toolchain 1.21\n", 1),
    ("go-mod", "go.mod", "\n\nexclude a\n", 3),
    ("go-mod", "go.mod", "module x\nfoo (\n)\n", 2),
    ("go-sum", "go.sum", "github.com/a/b v1.0.0\n", 1),
    ("go-sum", "go.sum", "github.com/a/b 1.0.0 h1:x=\n", 1),
    ("go-sum", "go.sum", "\ngithub.com/a/b v1.0.0 nohash\n", 2),
    ("go-sum", "go.sum", "a v1.0.0 h1:x=\na v1.0.0 h1:y=\n", 2),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    common::assert_located_diagnostics(MALFORMED);
}

/// What survives a malformed line: the rest of the file is still read.
#[test]
fn bad_lines_do_not_hide_good_ones() {
    let all = extractors();
    let gomod = all.iter().find(|x| x.id() == "go-mod").unwrap();
    let found = gomod.extract(&SourceFile::from_text(
        "go.mod",
        "module x\n\nrequire (\n\tbroken\n\tgithub.com/a/b v1.0.0\n)\n",
    ));
    assert_eq!(found.components.len(), 1);
    assert_eq!(found.components[0].locations[0].line, 5);
    let gosum = all.iter().find(|x| x.id() == "go-sum").unwrap();
    let found = gosum.extract(&SourceFile::from_text(
        "go.sum",
        "junk\ngithub.com/a/b v1.0.0 h1:x=\n",
    ));
    assert_eq!(found.components.len(), 1);
    let cargo = all.iter().find(|x| x.id() == "cargo-toml").unwrap();
    let found = cargo.extract(&SourceFile::from_text(
        "Cargo.toml",
        "[dependencies]\nbad = 1\ngood = \"1\"\n",
    ));
    assert_eq!(found.components.len(), 1);
    assert_eq!(found.components[0].locations[0].line, 3);
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("Cargo.toml", "cargo-toml/crates/app/Cargo.toml"),
        ("Cargo.toml", "cargo-toml/Cargo.toml"),
        ("Cargo.lock", "cargo-lock/v1/Cargo.lock"),
        ("Cargo.lock", "cargo-lock/v2/Cargo.lock"),
        ("Cargo.lock", "cargo-lock/v4/Cargo.lock"),
        ("go.mod", "go-mod/go.mod"),
        ("go.sum", "go-mod/go.sum"),
    ];
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "a = ".to_string() + &"[".repeat(10_000),
        "require ".to_string() + &"(".repeat(10_000),
        "\"".repeat(10_001),
    ];
    common::assert_never_panics(&samples, 3, NOISE, &extra);
}
