//! RubyGems.org (and servers that implement its API): `/api/v1/versions/{name}.json`, every
//! version with `number`, `created_at`, `prerelease`, `platform` and the gem's `sha` (256).
//!
//! A version pushed for several platforms (`ruby`, `x86_64-linux`, `java`) appears once per
//! platform; it is one release here, with the date and checksum of the `ruby` (pure) gem
//! when there is one. Yanked versions are absent from this API altogether (RubyGems removes
//! them from the listing), so no release is ever reported as yanked: a yanked version in a
//! lock file shows up as a version the registry does not list.

use super::scoped;
use crate::{Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use serde::Deserialize;

pub struct Client {
    endpoint: Endpoint,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client { endpoint }
    }
}

#[derive(Deserialize)]
struct GemVersion {
    number: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    sha: Option<String>,
}

fn check_name(name: &str) -> Result<(), UpstreamError> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name.bytes().any(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(UpstreamError::BadName {
            name: name.to_string(),
            reason: "a gem name has only ASCII letters, digits, `-`, `_` and `.`".into(),
        })
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rubygems
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        check_name(name)?;
        let url = self.endpoint.url(&format!("api/v1/versions/{name}.json"));
        let Some(versions) = self.endpoint.get_json::<Vec<GemVersion>>(&url)? else {
            return Ok(None);
        };
        let mut releases: Vec<Release> = Vec::new();
        for gem in versions {
            let is_ruby = gem.platform.as_deref().is_none_or(|p| p == "ruby");
            let release = Release {
                published: gem.created_at.as_deref().and_then(scoped::timestamp),
                digest: gem
                    .sha
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("sha256:{s}")),
                version: gem.number,
                ..Release::default()
            };
            match releases.iter_mut().find(|r| r.version == release.version) {
                Some(existing) if is_ruby => *existing = release,
                Some(_) => {}
                None => releases.push(release),
            }
        }
        Ok(Some(Package {
            name: name.to_string(),
            releases,
            url,
            ..Package::default()
        }))
    }
}
