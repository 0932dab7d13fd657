//! The Ruby, PHP and .NET extractors on malformed input of their own formats: each yields at
//! least one diagnostic pointing at a line of the file, and none panics on truncated
//! fixtures, noise or deep nesting.

mod common;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "{}[]()\":,=<>/!?&;'%~^*@#\\\n\r\t -_.abcdegmnprsv019$`\x00éGEMSPATHdo end";

/// (extractor id, file name, malformed content, line the first diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    ("gemfile", "Gemfile", "source 'x'\ngem \"rails\", \"~> 7.1\n", 2),
    ("gemfile", "Gemfile", "gem :rails\n", 1),
    ("gemfile", "Gemfile", "gem ''\n", 1),
    ("gemfile", "Gemfile", "source 'x'\ngroup :test do\n  gem 'a'\n", 2),
    ("gemfile", "Gemfile", "gem 'a'\nend\n", 2),
    ("gemfile", "Gemfile", "\nruby\n", 2),
    (
        "gemfile-lock",
        "Gemfile.lock",
        "GEM\n  remote: x\n  specs:\n    rack 3.0\n",
        4,
    ),
    ("gemfile-lock", "Gemfile.lock", "GEM\n  specs:\n    rack (3.0\n", 3),
    ("gemfile-lock", "Gemfile.lock", "rack (3.0)\n", 1),
    ("gemfile-lock", "Gemfile.lock", "GEM\n  specs:\n   rack (1.0)\n", 3),
    (
        "gemfile-lock",
        "Gemfile.lock",
        "GEM\n  specs:\n<<<<<<< HEAD\n    rack (1.0)\n",
        3,
    ),
    ("gemfile-lock", "Gemfile.lock", "DEPENDENCIES\n  (oops)\n", 2),
    (
        "gemfile-lock",
        "Gemfile.lock",
        "CHECKSUMS\n  rack sha256=abc\n",
        2,
    ),
    (
        "composer-json",
        "composer.json",
        "{\n  \"require\": {\n    \"a/b\": \"^1.0\",\n",
        4,
    ),
    ("composer-json", "composer.json", "{\"require\": [\"a/b\"]}", 1),
    (
        "composer-json",
        "composer.json",
        "{\n\"require\": {\n\"a/b\": 1\n}}",
        3,
    ),
    ("composer-json", "composer.json", "[]", 1),
    (
        "composer-lock",
        "composer.lock",
        "{\n\"packages\": [\n{\"name\": \"a/b\", \"version\": \"1.0\"},\n",
        4,
    ),
    ("composer-lock", "composer.lock", "{\"packages\": {}}", 1),
    (
        "composer-lock",
        "composer.lock",
        "{\n\"packages\": [\n{\"version\": \"1.0\"}\n]}",
        3,
    ),
    ("composer-lock", "composer.lock", "{\n\"packages\": [\n1\n]}", 3),
    (
        "composer-lock",
        "composer.lock",
        "{\n\"packages-dev\": [\n{\n\"name\": \"a/b\"\n}\n]}",
        4,
    ),
    (
        "nuget-lock",
        "packages.lock.json",
        "{\n  \"version\": 1,\n  \"dependencies\": {\n",
        4,
    ),
    ("nuget-lock", "packages.lock.json", "{\"version\": 1}", 1),
    (
        "nuget-lock",
        "packages.lock.json",
        "{\n\"dependencies\": {\n\"net8.0\": {\n\"A\": {\"type\": \"Direct\"}\n}}}",
        4,
    ),
    (
        "nuget-lock",
        "packages.lock.json",
        "{\n\"dependencies\": {\n\"net8.0\": []\n}}",
        3,
    ),
    (
        "nuget-lock",
        "packages.lock.json",
        "{\n\"dependencies\": {\n\"net8.0\": {\n\"A\": {\"type\": \"Weird\", \"resolved\": \"1\"}}}}",
        4,
    ),
    (
        "msbuild",
        "App.csproj",
        "<Project>\n<ItemGroup>\n<PackageReference Include=\"A\" Version=\"1.0\">\n</ItemGroup>\n</Project>\n",
        4,
    ),
    (
        "msbuild",
        "App.csproj",
        "<Project>\n<ItemGroup>\n<PackageReference Version=\"1.0\" />\n</ItemGroup>\n</Project>\n",
        3,
    ),
    (
        "msbuild",
        "Lib.fsproj",
        "<Project>\n<ItemGroup>\n<PackageReference Include=\"A\" />\n</ItemGroup>\n</Project>\n",
        3,
    ),
    (
        "msbuild",
        "Lib.vbproj",
        "<Project>\n<ItemGroup>\n<PackageReference Include=\"A\" Version=\"&foo;\" />\n",
        3,
    ),
    (
        "msbuild",
        "Directory.Packages.props",
        "<Project>\n  <PropertyGroup>\n",
        2,
    ),
    (
        "msbuild",
        "Directory.Build.props",
        "<!DOCTYPE Project [<!ENTITY v \"1.0\">]>\n<Project><ItemGroup><PackageReference Include=\"A\" Version=\"&v;\" /></ItemGroup></Project>\n",
        2,
    ),
    (
        "msbuild",
        "packages.config",
        "<packages>\n  <package version=\"1.0\" />\n</packages>\n",
        2,
    ),
    (
        "msbuild",
        "packages.config",
        "<packages>\n  <package id=\"A\" version=\"1.0\">\n</packages>\n",
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
        ("Gemfile", "gemfile/Gemfile"),
        ("Gemfile.lock", "gemfile/Gemfile.lock"),
        ("composer.json", "composer/composer.json"),
        ("composer.lock", "composer/composer.lock"),
        ("packages.lock.json", "dotnet/src/App/packages.lock.json"),
        ("App.csproj", "dotnet/src/App/App.csproj"),
        ("Lib.fsproj", "dotnet/src/Lib/Lib.fsproj"),
        (
            "Directory.Packages.props",
            "dotnet/Directory.Packages.props",
        ),
    ];
    let extra: Vec<String> = vec![
        "[".repeat(10_000),
        "<a>".repeat(10_000),
        "group :a do\n".repeat(5_000),
        "gem 'a', (".to_string() + &"(".repeat(10_000),
        "{\"dependencies\": ".to_string() + &"{\"a\":".repeat(10_000),
    ];
    common::assert_never_panics(&samples, 3, NOISE, &extra);
}
