//! Every extractor on garbage and truncated input: no panic, and a malformed file of the
//! extractor's own format yields at least one diagnostic with a line.

mod common;

use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;
use std::path::Path;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "{}[]\":,=<>~^*@#\\\n\r\t -_.abcxyz019$`'\x00é";

/// (extractor id, file name, malformed content)
const MALFORMED: &[(&str, &str, &str)] = &[
    (
        "requirements",
        "requirements.txt",
        "requests==\nfoo[bar\n>=1.0\n--bogus-option\n",
    ),
    (
        "pyproject",
        "pyproject.toml",
        "[project]\ndependencies = [\"a>=1\",\n",
    ),
    (
        "pyproject",
        "pyproject.toml",
        "[project]\ndependencies = \"requests\"\n",
    ),
    (
        "package-json",
        "package.json",
        "{\n  \"dependencies\": {\n    \"a\": \"^1\",\n",
    ),
    (
        "package-json",
        "package.json",
        "{\"dependencies\": {\"a\": 1}}",
    ),
    ("package-json", "package.json", "[1, 2]"),
    (
        "package-lock",
        "package-lock.json",
        "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": {}}}",
    ),
    (
        "package-lock",
        "package-lock.json",
        "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": {\"version\": ",
    ),
    (
        "dockerfile",
        "Dockerfile",
        "FROM\nFROM python:\nFROM :tag\n",
    ),
    ("version-file", ".tool-versions", "nodejs\n"),
    (
        "version-file",
        "rust-toolchain.toml",
        "[toolchain\nchannel = 1\n",
    ),
    ("version-file", "mise.toml", "[tools]\nnode = 20\n"),
    ("version-file", ".nvmrc", "\n# nothing\n"),
];

#[test]
fn malformed_files_give_diagnostics() {
    let all = extractors();
    for (id, name, text) in MALFORMED {
        let x = all.iter().find(|x| x.id() == *id).unwrap();
        assert!(x.matches(Path::new(name)), "{id} should match {name}");
        let found = x.extract(&SourceFile::from_text(*name, *text));
        assert!(
            !found.diagnostics.is_empty(),
            "{id} on {text:?}: no diagnostic"
        );
        for d in &found.diagnostics {
            assert_eq!(d.path, *name);
        }
    }
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("requirements.txt", "requirements/requirements.txt"),
        ("pyproject.toml", "pyproject/pyproject.toml"),
        ("package.json", "package-json/package.json"),
        ("package-lock.json", "package-lock/v3/package-lock.json"),
        ("Dockerfile", "dockerfile/Dockerfile"),
        (".tool-versions", "version-files/.tool-versions"),
        ("mise.toml", "version-files/mise.toml"),
    ];
    let extra: Vec<String> = vec!["[".repeat(10_000)];
    common::assert_never_panics(&samples, 7, NOISE, &extra);
}
