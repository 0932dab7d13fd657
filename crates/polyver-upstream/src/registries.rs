//! The registry clients, one module each, and the table that builds them from
//! `[registries]`. A new registry is a new module plus one row in [`all`].

pub mod oci;

use crate::{Auth, Endpoint, Registry};
use polyver_model::Ecosystem;
use std::sync::Arc;

/// One row per registry: its `[registries]` id, the public default base URL, and how to
/// build the client on an endpoint.
type Constructor = fn(Endpoint) -> Arc<dyn Registry>;
const TABLE: &[(&str, &str, Constructor)] = &[("docker", oci::DOCKER_HUB, |endpoint| {
    Arc::new(oci::Client::new(endpoint))
})];

/// Registry clients with the ecosystem each answers for.
pub type Registries = Vec<(Ecosystem, Arc<dyn Registry>)>;

/// Every registry client, built on `client` with `[registries]` applied.
pub fn all(
    client: &Arc<polyver_net::Client>,
    config: &polyver_config::RegistriesSection,
) -> Result<Registries, String> {
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
        let registry = build(Endpoint::new(Arc::clone(client), base, auth));
        out.push((registry.ecosystem(), registry));
    }
    Ok(out)
}
