//! Snapshot tests for the Ruby, PHP and .NET extractors: `Gemfile` and `Gemfile.lock`
//! (Bundler 2.5 with `GIT`, `PATH`, platform gems and `CHECKSUMS`), `composer.json` and
//! `composer.lock` (with and without the manifest beside it), MSBuild projects with central
//! package management and `Directory.Build.props` properties, and `packages.lock.json`.

mod common;

use common::extract_fixture;

#[test]
fn gemfile() {
    insta::assert_json_snapshot!(extract_fixture("gemfile", "gemfile"));
}

#[test]
fn gemfile_lock() {
    insta::assert_json_snapshot!(extract_fixture("gemfile-lock", "gemfile"));
}

#[test]
fn composer_json() {
    insta::assert_json_snapshot!(extract_fixture("composer-json", "composer"));
}

#[test]
fn composer_lock() {
    insta::assert_json_snapshot!(extract_fixture("composer-lock", "composer"));
}

#[test]
fn msbuild() {
    insta::assert_json_snapshot!(extract_fixture("msbuild", "dotnet"));
}

#[test]
fn nuget_lock() {
    insta::assert_json_snapshot!(extract_fixture("nuget-lock", "dotnet"));
}

#[test]
fn gemfile_lock_legacy_without_gemfile() {
    insta::assert_json_snapshot!(extract_fixture("gemfile-lock", "gemfile-legacy"));
}
