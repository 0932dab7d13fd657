//! Snapshot tests for the JVM extractors: `pom.xml` (a multi-module Maven project with an
//! external Spring Boot parent, an in-repo parent, an in-repo BOM imported with
//! `<scope>import</scope>`, Spring-style properties, profiles and plugins; and a standalone
//! POM), Gradle build scripts (Groovy and Kotlin DSL) with their version catalog, the
//! catalog on its own, and `gradle.lockfile`.

mod common;

use common::extract_fixture;

#[test]
fn pom_multi_module() {
    insta::assert_json_snapshot!(extract_fixture("pom", "pom"));
}

#[test]
fn gradle_groovy_and_kotlin() {
    insta::assert_json_snapshot!(extract_fixture("gradle", "gradle"));
}

#[test]
fn gradle_catalog() {
    insta::assert_json_snapshot!(extract_fixture("gradle-catalog", "gradle"));
}

#[test]
fn gradle_lockfile() {
    insta::assert_json_snapshot!(extract_fixture("gradle-lockfile", "gradle-lockfile"));
}
