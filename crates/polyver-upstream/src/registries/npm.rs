//! npm and the registries that speak its protocol (verdaccio, Artifactory, Nexus, GitHub
//! Packages): a package is the packument at `{base}/{name}`, scoped names encoded
//! `@scope%2fname` as the npm client sends them.
//!
//! The full packument (`Accept: application/json`) is asked, not the abbreviated
//! `application/vnd.npm.install-v1+json` one the npm client installs from, because only the
//! full one has `time`, the publication date of each version. Releases are the keys of
//! `versions`; a version that `time` lists but `versions` does not was unpublished and is not
//! a release. `deprecated` on a version is its deprecation message (`npm deprecate`; an empty
//! message is how it is lifted), and a package whose `latest` version is deprecated is
//! deprecated as a whole, as npm's own warning reads it.

use crate::{Endpoint, Package, Registry, Release, Timestamp, UpstreamError};
use polyver_model::Ecosystem;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// An npm registry.
pub struct Client {
    endpoint: Endpoint,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client { endpoint }
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let url = self.endpoint.url(&package_path(name)?);
        let Some(packument) = self.endpoint.get_json::<Packument>(&url)? else {
            return Ok(None);
        };
        Ok(packument.into_package(name, url))
    }
}

/// `name` as a URL path: `@scope/name` → `@scope%2fname`. Refuses what no registry can hold
/// (a path, a URL, a templated or empty name).
fn package_path(name: &str) -> Result<String, UpstreamError> {
    let bad = |reason: &str| UpstreamError::BadName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    // Characters `encodeURIComponent` leaves alone, as validate-npm-package-name requires
    // (old packages may have upper-case letters).
    let valid_part = |part: &str| {
        !part.is_empty()
            && !part.starts_with(['.', '_'])
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~!*'()".contains(c))
    };
    match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, package)) if valid_part(scope) && valid_part(package) => {
                Ok(format!("@{scope}%2f{package}"))
            }
            _ => Err(bad("not an npm package name (`@scope/name`)")),
        },
        None if valid_part(name) => Ok(name.to_string()),
        None => Err(bad(
            "not an npm package name (URL-safe characters, not starting with `.` or `_`)",
        )),
    }
}

/// The part of a packument read here. `time` also holds `created`, `modified` and, for an
/// unpublished package, an `unpublished` object, so its values stay untyped.
#[derive(Deserialize)]
struct Packument {
    #[serde(default)]
    versions: BTreeMap<String, Manifest>,
    #[serde(default)]
    time: BTreeMap<String, Value>,
    #[serde(default, rename = "dist-tags")]
    dist_tags: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct Manifest {
    /// A message (the norm), or, in a few old packuments, `true`/`false`.
    #[serde(default)]
    deprecated: Option<Value>,
}

impl Packument {
    /// `None` for a package whose every version was unpublished (the registry keeps a
    /// tombstone with `time.unpublished` and no `versions`).
    fn into_package(self, name: &str, url: String) -> Option<Package> {
        if self.versions.is_empty() && self.time.contains_key("unpublished") {
            return None;
        }
        let releases: Vec<Release> = self
            .versions
            .into_iter()
            .map(|(version, manifest)| Release {
                published: self
                    .time
                    .get(&version)
                    .and_then(Value::as_str)
                    .and_then(|t| t.parse::<Timestamp>().ok()),
                deprecated: manifest.deprecated.as_ref().and_then(deprecation),
                version,
                ..Release::default()
            })
            .collect();
        let tags: BTreeMap<String, String> = self
            .dist_tags
            .into_iter()
            .filter_map(|(tag, version)| Some((tag, version.as_str()?.to_string())))
            .collect();
        let deprecated = tags
            .get("latest")
            .and_then(|latest| releases.iter().find(|r| &r.version == latest))
            .and_then(|r| r.deprecated.clone());
        Some(Package {
            name: name.to_string(),
            releases,
            tags,
            deprecated,
            url,
        })
    }
}

/// A version's `deprecated` field: the message, or `None` where it is empty or `false`.
fn deprecation(value: &Value) -> Option<String> {
    match value {
        Value::String(message) if !message.is_empty() => Some(message.clone()),
        Value::Bool(true) => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_names_are_encoded_and_bad_names_refused() {
        assert_eq!(package_path("@types/node").unwrap(), "@types%2fnode");
        assert_eq!(package_path("JSONStream").unwrap(), "JSONStream");
        assert_eq!(package_path("lodash.merge").unwrap(), "lodash.merge");
        for bad in [
            "",
            "@scope",
            "@/x",
            "@scope/",
            "./local",
            "_private",
            "a b",
            "a/b",
            "@a/b/c",
            "https://x",
            "${NAME}",
        ] {
            assert!(package_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deprecation_values() {
        assert_eq!(deprecation(&Value::from("use b")), Some("use b".into()));
        assert_eq!(deprecation(&Value::from("")), None);
        assert_eq!(deprecation(&Value::from(true)), Some(String::new()));
        assert_eq!(deprecation(&Value::from(false)), None);
    }
}
