//! The Python manifest and lock extractors on malformed input of their own formats: each
//! yields at least one diagnostic pointing at a line of the file, and none panics on
//! truncated fixtures, noise or deep nesting.

mod common;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "{}[]\":,=<>~^*@#;\\\n\r\t -_.abcnmevrsio019$`'\x00é";

/// (extractor id, file name, malformed content, line the first diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    ("setup-cfg", "setup.cfg", "install_requires = a\n", 1),
    (
        "setup-cfg",
        "setup.cfg",
        "[options\ninstall_requires = a\n",
        1,
    ),
    ("setup-cfg", "setup.cfg", "[options]\njust some words\n", 2),
    (
        "setup-cfg",
        "setup.cfg",
        "[options]\ninstall_requires =\n    ok>=1\n    >=2.0\n",
        4,
    ),
    ("pipfile", "Pipfile", "[packages]\nrequests = \"==2\n", 2),
    ("pipfile", "Pipfile", "[packages]\nrequests = 2\n", 2),
    ("pipfile", "Pipfile", "packages = 1\n", 1),
    (
        "pipfile",
        "Pipfile",
        "[requires]\npython_version = 3.11\n",
        2,
    ),
    (
        "pipfile-lock",
        "Pipfile.lock",
        "{\n  \"default\": {\n    \"a\": {\"version\": \"==1\"},\n",
        4,
    ),
    ("pipfile-lock", "Pipfile.lock", "[1, 2]", 1),
    (
        "pipfile-lock",
        "Pipfile.lock",
        "{\n\"default\": {\n\"a\": \"==1.0\"\n}\n}",
        3,
    ),
    (
        "pipfile-lock",
        "Pipfile.lock",
        "{\"_meta\": {},\n\"default\": []}",
        2,
    ),
    (
        "poetry-lock",
        "poetry.lock",
        "[[package]]\nname = \"a\"\nversion = \"1.0\n",
        3,
    ),
    (
        "poetry-lock",
        "poetry.lock",
        "[[package]]\nversion = \"1.0\"\n\n[[package]]\nname = \"b\"\n",
        1,
    ),
    ("poetry-lock", "poetry.lock", "package = \"nope\"\n", 1),
    (
        "poetry-lock",
        "poetry.lock",
        "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = 3\n",
        4,
    ),
    ("uv-lock", "uv.lock", "version = 1\n[[package]\n", 2),
    ("uv-lock", "uv.lock", "requires-python = \">=3.9\"\n", 1),
    (
        "uv-lock",
        "uv.lock",
        "version = 1\n\n[[package]]\nname = \"a\"\nsource = { registry = \"x\" }\n",
        4,
    ),
    ("uv-lock", "uv.lock", "version = 1\npackage = [1]\n", 2),
    (
        "pdm-lock",
        "pdm.lock",
        "[metadata]\nlock_version = \"4.5.0\n",
        2,
    ),
    (
        "pdm-lock",
        "pdm.lock",
        "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [\n  \"b >= \",\n]\n",
        5,
    ),
    (
        "pdm-lock",
        "pdm.lock",
        "[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = \"b\"\n",
        2,
    ),
    (
        "pdm-lock",
        "pdm.lock",
        "\n[[package]]\nsummary = \"x\"\n",
        2,
    ),
    (
        "pylock",
        "pylock.toml",
        "lock-version = \"1.0\"\n[[packages]\n",
        2,
    ),
    (
        "pylock",
        "pylock.toml",
        "lock-version = \"1.0\"\npackages = 1\n",
        2,
    ),
    (
        "pylock",
        "pylock.toml",
        "lock-version = \"1.0\"\n\n[[packages]]\nname = \"a\"\n",
        4,
    ),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    common::assert_located_diagnostics(MALFORMED);
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("setup.cfg", "setup-cfg/setup.cfg"),
        ("Pipfile", "pipfile/Pipfile"),
        ("Pipfile.lock", "pipfile/Pipfile.lock"),
        ("poetry.lock", "poetry-lock/v1.1/poetry.lock"),
        ("poetry.lock", "poetry-lock/v2.1/poetry.lock"),
        ("uv.lock", "uv-lock/workspace/uv.lock"),
        ("pdm.lock", "pdm-lock/v4/pdm.lock"),
        ("pdm.lock", "pdm-lock/v3/pdm.lock"),
        ("pylock.toml", "pylock/spec/pylock.toml"),
        ("pylock.toml", "pylock/uv/pylock.toml"),
    ];
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "a = ".to_string() + &"[".repeat(10_000),
        "{\"default\": ".to_string() + &"[".repeat(10_000),
    ];
    common::assert_never_panics(&samples, 5, NOISE, &extra);
}
