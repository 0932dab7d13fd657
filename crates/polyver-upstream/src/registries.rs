//! The registry clients, one module each, and the table that builds them from
//! `[registries]`. A new registry is a new module plus one row in [`all`].

pub mod npm;
pub mod oci;
pub mod pypi;

use crate::{Auth, Endpoint, Registry};
use std::sync::Arc;

pub mod cargo;
pub mod composer;
pub mod github;
pub mod go;
pub mod helm;
pub mod maven;
pub mod nuget;
pub mod rubygems;
mod scoped;
pub mod terraform;

/// One row per registry: its `[registries]` id, the public default base URL, and how to
/// build the client on an endpoint.
type Constructor = fn(Endpoint) -> Arc<dyn Registry>;
const TABLE: &[(&str, &str, Constructor)] = &[
    ("pypi", "https://pypi.org/simple", |endpoint| {
        Arc::new(pypi::Client::new(endpoint))
    }),
    ("npm", "https://registry.npmjs.org", |endpoint| {
        Arc::new(npm::Client::new(endpoint))
    }),
    ("cargo", cargo::PUBLIC_INDEX, |e| {
        Arc::new(cargo::Client::new(e))
    }),
    ("go", "https://proxy.golang.org", |e| {
        Arc::new(go::Client::new(e))
    }),
    ("maven", "https://repo.maven.apache.org/maven2", |e| {
        Arc::new(maven::Client::new(e))
    }),
    ("rubygems", "https://rubygems.org", |e| {
        Arc::new(rubygems::Client::new(e))
    }),
    ("composer", "https://repo.packagist.org", |e| {
        Arc::new(composer::Client::new(e))
    }),
    ("nuget", "https://api.nuget.org/v3/index.json", |e| {
        Arc::new(nuget::Client::new(e))
    }),
    ("github", "https://api.github.com", |e| {
        Arc::new(github::Client::new(e))
    }),
    ("terraform", "https://registry.terraform.io", |e| {
        Arc::new(terraform::Client::new(e))
    }),
    // No public default: charts name their repository; `[registries] helm` sets a default.
    ("helm", "", |e| Arc::new(helm::Client::new(e))),
    ("docker", oci::DOCKER_HUB, |e| Arc::new(oci::Client::new(e))),
];

/// Every registry client, built on `client` with `[registries]` applied.
pub fn all(
    client: &Arc<polyver_net::Client>,
    config: &polyver_config::RegistriesSection,
    max_age: std::time::Duration,
) -> Result<Vec<Arc<dyn Registry>>, String> {
    let mut out = Vec::new();
    for (id, default_base, build) in TABLE {
        let settings = config.get(id);
        let base = settings
            .and_then(|s| s.url.as_deref())
            .unwrap_or(default_base);
        let auth = match settings.and_then(|s| s.auth.as_ref()) {
            Some(auth) => Some(Auth::from_config(auth)?),
            None => None,
        };
        let mut endpoint = Endpoint::new(Arc::clone(client), base, auth);
        endpoint.max_age = max_age;
        out.push(build(endpoint));
    }
    Ok(out)
}
