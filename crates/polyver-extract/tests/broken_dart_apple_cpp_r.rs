//! The Dart, Apple, C/C++ and R lock extractors on malformed input of their own formats:
//! each yields at least one diagnostic pointing at a line of the file, and none panics on
//! truncated fixtures, noise or deep nesting.

mod common;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "{}[]()\":,=<>/#%@!-_. \n\t'`~^*&abcdegmnprsv0129PODSEXTNALpackgesRVrion";

/// (extractor id, file name, malformed content, line the first diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    // pubspec.lock
    ("pubspec-lock", "pubspec.lock", "packages:\n  a: [\n", 3),
    ("pubspec-lock", "pubspec.lock", "- a\n- b\n", 1),
    ("pubspec-lock", "pubspec.lock", "sdks:\n  dart: \">=3.0.0\"\n", 1),
    ("pubspec-lock", "pubspec.lock", "packages:\n  a: 1.0\n", 2),
    (
        "pubspec-lock",
        "pubspec.lock",
        "packages:\n  a:\n    dependency: transitive\n    source: hosted\n",
        2,
    ),
    (
        "pubspec-lock",
        "pubspec.lock",
        "packages:\n  a:\n    dependency: \"direct main\"\n    source: git\n    version: \"1.0.0\"\n",
        2,
    ),
    (
        "pubspec-lock",
        "pubspec.lock",
        "packages:\n  a:\n    dependency: sideways\n    source: hosted\n    version: \"1.0.0\"\n",
        2,
    ),
    ("pubspec-lock", "pubspec.lock", "packages: {}\nsdks:\n  dart:\n", 3),
    // Package.resolved
    ("package-resolved", "Package.resolved", "{\n  \"pins\": [\n", 3),
    ("package-resolved", "Package.resolved", "[]", 1),
    ("package-resolved", "Package.resolved", "{\n  \"pins\": [],\n  \"version\": 9\n}", 3),
    ("package-resolved", "Package.resolved", "{\n  \"version\": \"2\"\n}", 2),
    ("package-resolved", "Package.resolved", "{\n  \"pins\": {},\n  \"version\": 2\n}", 2),
    (
        "package-resolved",
        "Package.resolved",
        "{\n  \"pins\": [\n    {\"kind\": \"remoteSourceControl\"}\n  ],\n  \"version\": 2\n}",
        3,
    ),
    (
        "package-resolved",
        "Package.resolved",
        "{\"object\": {\"pins\": [\n  {\"package\": \"a\", \"repositoryURL\": \"https://h/o/a\", \"state\": {\"branch\": \"main\", \"revision\": \"abc\", \"version\": null}}\n]}, \"version\": 1}",
        2,
    ),
    // Podfile.lock
    ("podfile-lock", "Podfile.lock", "PODS:\n  - A (1.0\n  - [\n", 3),
    ("podfile-lock", "Podfile.lock", "just text\n", 1),
    ("podfile-lock", "Podfile.lock", "DEPENDENCIES:\n  - A\n", 1),
    ("podfile-lock", "Podfile.lock", "PODS:\n  - A (1.0)\n  - B\n", 3),
    ("podfile-lock", "Podfile.lock", "PODS:\n  - A (1.0):\n    - [x]\n", 3),
    ("podfile-lock", "Podfile.lock", "PODS: {A: 1}\n", 1),
    ("podfile-lock", "Podfile.lock", "PODS:\n  - (1.0)\n", 2),
    // conan.lock
    ("conan-lock", "conan.lock", "{\n  \"version\": \"0.5\",\n  \"requires\": [\n", 4),
    ("conan-lock", "conan.lock", "null", 1),
    (
        "conan-lock",
        "conan.lock",
        "{\n  \"version\": \"0.5\",\n  \"requires\": [\n    \"1.2.3#abc\"\n  ]\n}",
        4,
    ),
    ("conan-lock", "conan.lock", "{\n  \"requires\": {}\n}", 2),
    ("conan-lock", "conan.lock", "{\n  \"requires\": [\n    7\n  ]\n}", 3),
    ("conan-lock", "conan.lock", "{\n  \"graph_lock\": {}\n}", 2),
    (
        "conan-lock",
        "conan.lock",
        "{\"graph_lock\": {\"nodes\": {\n  \"1\": {\"ref\": \"noversion\"}\n}}}",
        2,
    ),
    ("conan-lock", "conan.lock", "{\"graph_lock\": {\"nodes\": {\n  \"1\": []\n}}}", 2),
    // renv.lock
    ("renv-lock", "renv.lock", "{\n  \"Packages\": {\n", 3),
    ("renv-lock", "renv.lock", "\"renv\"", 1),
    ("renv-lock", "renv.lock", "{\n  \"R\": {\"Version\": 4}\n}", 2),
    ("renv-lock", "renv.lock", "{\n  \"Packages\": []\n}", 2),
    (
        "renv-lock",
        "renv.lock",
        "{\"Packages\": {\n  \"a\": {\"Package\": \"a\"}\n}}",
        2,
    ),
    ("renv-lock", "renv.lock", "{\"Packages\": {\n  \"a\": 1\n}}", 2),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    common::assert_located_diagnostics(MALFORMED);
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("pubspec.lock", "pubspec-lock/scalibr/mixed-packages.lock"),
        ("pubspec.lock", "pubspec-lock/scalibr/source-git.lock"),
        ("Package.resolved", "package-resolved/v1/Package.resolved"),
        ("Package.resolved", "package-resolved/v3/Package.resolved"),
        ("Podfile.lock", "podfile-lock/Podfile.lock"),
        ("conan.lock", "conan-lock/v1/conan.lock"),
        ("conan.lock", "conan-lock/v2/conan.lock"),
        ("conan.lock", "conan-lock/scalibr/old-format-0.0.json"),
        ("renv.lock", "renv-lock/renv.lock"),
        ("renv.lock", "renv-lock/scalibr/with-mixed-sources.lock"),
    ];
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "{\"a\":".repeat(10_000),
        "PODS:\n".to_string() + &"  - [".repeat(5_000),
        "packages:\n".to_string() + &" a:\n".repeat(10_000),
        "{\"graph_lock\": {\"nodes\": {".to_string() + &"\"1\": {\"requires\": [".repeat(5_000),
    ];
    common::assert_never_panics(&samples, 7, NOISE, &extra);
}
