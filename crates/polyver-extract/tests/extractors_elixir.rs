//! Snapshot tests for the Mix extractors: `mix.exs` and `mix.lock` of a Phoenix application
//! (opentelemetry-demo's flagd-ui: `only`/`runtime` scopes, a `github:` dependency, a Hex
//! package under another app name), and a `mix.lock` of Mix before 1.4 without `mix.exs`.

mod common;

use common::extract_fixture;

#[test]
fn mix_exs() {
    insta::assert_json_snapshot!(extract_fixture("mix-exs", "mix"));
}

#[test]
fn mix_lock() {
    insta::assert_json_snapshot!(extract_fixture("mix-lock", "mix"));
}

#[test]
fn mix_lock_legacy_without_mix_exs() {
    insta::assert_json_snapshot!(extract_fixture("mix-lock", "mix-legacy"));
}
