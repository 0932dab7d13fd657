//! The JVM extractors (`pom`, `gradle`, `gradle-catalog`, `gradle-lockfile`) on malformed
//! input of their own formats: each yields at least one diagnostic pointing at a line of the
//! file, and none panics on truncated fixtures, noise, deep nesting or property bombs.

mod common;

/// The characters this file's formats branch on, shuffled by `common::noise`.
const NOISE: &str = "<>/{}[]()\"':,=$!@#;\\\n\r\t -_.abgcnmevrsio019`&é*";

/// (extractor id, file name, malformed content, line a diagnostic must point at)
const MALFORMED: &[(&str, &str, &str, u32)] = &[
    ("pom", "pom.xml", "<project>\n<dependencies>\n<dependency>\n", 3),
    (
        "pom",
        "pom.xml",
        "<project>\n<dependencies>\n</dependency>\n</project>\n",
        3,
    ),
    ("pom", "pom.xml", "just some words\n", 1),
    ("pom", "pom.xml", "<project>\n<a b=\"1></a>\n</project>\n", 2),
    (
        "pom",
        "pom.xml",
        "<project>\n<dependencies>\n<dependency><artifactId>a</artifactId></dependency>\n</dependencies>\n</project>\n",
        3,
    ),
    (
        "pom",
        "pom.xml",
        "<project>\n<dependencies>\n<dependency><groupId>g</groupId><artifactId>a</artifactId>\n<version>${nope}</version></dependency>\n</dependencies>\n</project>\n",
        4,
    ),
    (
        "pom",
        "pom.xml",
        "<project>\n<dependencies>\n<dependency>\n<groupId>g</groupId>\n<artifactId>a</artifactId>\n<scope>compiled</scope>\n</dependency>\n</dependencies>\n</project>\n",
        3,
    ),
    (
        "pom",
        "pom.xml",
        "<project>\n<properties><a>${b}</a><b>${a}</b></properties>\n<dependencies>\n<dependency><groupId>g</groupId><artifactId>x</artifactId><version>${a}</version></dependency>\n</dependencies>\n</project>\n",
        4,
    ),
    (
        "pom",
        "pom.xml",
        "<project>\n<parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version>\n<relativePath>../parent</relativePath></parent>\n</project>\n",
        2,
    ),
    (
        "gradle-catalog",
        "gradle/libs.versions.toml",
        "[versions]\nx = \"1\n",
        2,
    ),
    (
        "gradle-catalog",
        "gradle/libs.versions.toml",
        "[libraries]\nfoo = 1\n",
        2,
    ),
    (
        "gradle-catalog",
        "gradle/libs.versions.toml",
        "[libraries]\n\nfoo = { module = \"nocolon\" }\n",
        3,
    ),
    (
        "gradle-catalog",
        "gradle/libs.versions.toml",
        "libraries = 3\n",
        1,
    ),
    (
        "gradle-catalog",
        "gradle/libs.versions.toml",
        "[libraries]\na = { module = \"g:a\", version.ref = \"nope\" }\n",
        2,
    ),
    (
        "gradle-catalog",
        "gradle/libs.versions.toml",
        "[versions]\na = [1]\n",
        2,
    ),
    (
        "gradle-lockfile",
        "gradle.lockfile",
        "# c\nnot-a-coordinate=runtimeClasspath\n",
        2,
    ),
    (
        "gradle-lockfile",
        "gradle.lockfile",
        "a:b:1=x\ngarbage line\n",
        2,
    ),
    (
        "gradle-lockfile",
        "gradle.lockfile",
        "\n\n:::=compileClasspath\n",
        3,
    ),
    (
        "gradle",
        "build.gradle",
        "dependencies {\n  implementation 'com.google.guava:guava:33.0\n}\n",
        2,
    ),
    (
        "gradle",
        "build.gradle",
        "dependencies {\n  implementation 'a:b:1'\n",
        1,
    ),
    ("gradle", "build.gradle", "\n}\n", 2),
    (
        "gradle",
        "build.gradle",
        "/* comment\nimplementation 'a:b:1'\n",
        1,
    ),
    (
        "gradle",
        "build.gradle",
        "dependencies {\n  implementation 'justaname'\n}\n",
        2,
    ),
    (
        "gradle",
        "build.gradle.kts",
        "dependencies {\n  implementation(\"g:a:$nope\")\n}\n",
        2,
    ),
    (
        "gradle",
        "build.gradle.kts",
        "plugins {\n  id(\"x.y\") version \"$v\"\n}\n",
        2,
    ),
    (
        "gradle",
        "build.gradle.kts",
        "dependencies {\n  implementation(libs.foo)\n}\n",
        2,
    ),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    common::assert_located_diagnostics(MALFORMED);
}

#[test]
fn garbage_and_truncation_never_panic() {
    let samples = [
        ("pom.xml", "pom/pom.xml"),
        ("pom.xml", "pom/app/pom.xml"),
        ("build.gradle", "gradle/groovy/build.gradle"),
        ("build.gradle.kts", "gradle/kotlin/build.gradle.kts"),
        (
            "gradle/libs.versions.toml",
            "gradle/kotlin/gradle/libs.versions.toml",
        ),
        ("gradle.lockfile", "gradle-lockfile/gradle.lockfile"),
    ];
    let mut property_bomb = String::from("<project><properties>");
    for i in 0..64 {
        property_bomb.push_str(&format!(
            "<p{i}>${{p{n}}}${{p{n}}}${{p{n}}}${{p{n}}}</p{i}>",
            n = i + 1
        ));
    }
    property_bomb.push_str(
        "</properties><dependencies><dependency><groupId>g</groupId>\
         <artifactId>${p0}</artifactId><version>${p0}</version></dependency></dependencies></project>",
    );
    let extra: Vec<String> = vec![
        "<a>".repeat(10_000),
        "<project>".to_string() + &"<a>".repeat(10_000),
        "{".repeat(10_000),
        "[".repeat(10_000),
        "\"${".repeat(1_000),
        property_bomb.clone(),
        "dependencies {\n  implementation ".to_string() + &"platform(".repeat(10_000),
        "dependencies {\n".to_string() + &"x kotlin(\n".repeat(5_000),
        "dependencies {\n".to_string() + &"x files(\n".repeat(5_000),
        ")".repeat(5_000) + &"({".repeat(5_000),
    ];
    common::assert_never_panics(&samples, 7, NOISE, &extra);
}
