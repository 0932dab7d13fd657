//! The registries of `[registries]`: every client is built, public defaults where nothing is
//! configured, and a configured URL replaces the default.

use polyver_config::{RegistriesSection, Registry as Settings};
use polyver_model::Ecosystem;
use polyver_net::testing::{Response, TestServer};
use polyver_net::{Client, Options};
use polyver_upstream::{Upstream, UpstreamError};
use std::sync::Arc;

fn http(cache: &std::path::Path) -> Arc<Client> {
    Arc::new(
        Client::new(Options {
            cache_dir: Some(cache.to_path_buf()),
            ..Options::default()
        })
        .unwrap(),
    )
}

#[test]
fn every_registry_is_built_from_an_empty_section() {
    let cache = tempfile::tempdir().unwrap();
    let upstream = Upstream::new(http(cache.path()), &RegistriesSection::default()).unwrap();
    for ecosystem in [
        Ecosystem::Cargo,
        Ecosystem::Go,
        Ecosystem::Maven,
        Ecosystem::Rubygems,
        Ecosystem::Composer,
        Ecosystem::Nuget,
        Ecosystem::GithubActions,
        Ecosystem::Terraform,
        Ecosystem::Helm,
    ] {
        let registry = upstream
            .registry(ecosystem)
            .unwrap_or_else(|| panic!("{ecosystem:?}"));
        assert_eq!(registry.ecosystem(), ecosystem);
    }
    // Helm has no public registry: without a repository it cannot look anything up, and
    // says so without a request.
    let helm = upstream.registry(Ecosystem::Helm).unwrap();
    let err = helm.package("redis").unwrap_err();
    assert!(matches!(err, UpstreamError::BadName { .. }), "{err}");
}

#[test]
fn a_configured_url_replaces_the_public_default() {
    let server = TestServer::start();
    server.route(
        "/gems/api/v1/versions/rake.json",
        Response::ok("[{\"number\":\"13.2.1\",\"created_at\":\"2024-04-05T00:00:00.000Z\",\"platform\":\"ruby\",\"prerelease\":false}]"),
    );
    let mut section = RegistriesSection::default();
    section.by_ecosystem.insert(
        "rubygems".into(),
        Settings {
            url: Some(server.url("/gems")),
            auth: None,
            line: 1,
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let upstream = Upstream::new(http(cache.path()), &section).unwrap();
    let rake = upstream
        .registry(Ecosystem::Rubygems)
        .unwrap()
        .package("rake")
        .unwrap()
        .unwrap();
    assert_eq!(rake.releases[0].version, "13.2.1");
}
