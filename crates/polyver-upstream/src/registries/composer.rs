//! Composer repositories (Packagist, Private Packagist, Satis with `metadata-url`) through
//! the Composer 2 metadata files: `/p2/{vendor}/{package}.json` lists the tagged versions
//! (dev branches live in a separate `~dev` file, not read: they are no releases).
//!
//! The files are minified (`"minified": "composer/2.0"`): each version lists only the keys
//! that differ from the version before it, `"__unset"` removing one. They are expanded
//! the way Composer's `MetadataMinifier::expand` does before being read. An `abandoned`
//! package (`true`, or the name of its replacement) is reported as deprecated.
//!
//! The metadata URL template comes from the repository's `packages.json` (`metadata-url`,
//! resolved against the host when it starts with `/`), falling back to Packagist's layout
//! under the base (`{base}/p2/%package%.json`). Repositories that list every package inline
//! in `packages.json` (old Satis builds) are not read.

use super::scoped;
use crate::{Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// Where a repository without `packages.json` (or without `metadata-url` in it) is assumed
/// to keep the files: Packagist's layout, under the configured base.
const DEFAULT_METADATA_URL: &str = "p2/%package%.json";

pub struct Client {
    endpoint: Endpoint,
    /// The repository's `metadata-url`, read once.
    metadata_url: OnceLock<String>,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client {
            endpoint,
            metadata_url: OnceLock::new(),
        }
    }

    /// The URL of `name`'s metadata file.
    fn metadata_url(&self, name: &str) -> Result<String, UpstreamError> {
        let template = match self.metadata_url.get() {
            Some(t) => t.clone(),
            None => {
                let t = self.read_template()?;
                self.metadata_url.get_or_init(|| t).clone()
            }
        };
        let path = template.replace("%package%", name);
        Ok(if path.contains("://") {
            path
        } else if path.starts_with('/') {
            format!("{}{path}", scoped::origin(&self.endpoint.base))
        } else {
            self.endpoint.url(&path)
        })
    }

    /// `metadata-url` of `packages.json`; the Packagist default when the repository has no
    /// `packages.json` or it names none.
    fn read_template(&self) -> Result<String, UpstreamError> {
        let url = self.endpoint.url("packages.json");
        let doc: Option<Value> = self.endpoint.get_json(&url)?;
        Ok(doc
            .as_ref()
            .and_then(|d| d.get("metadata-url"))
            .and_then(Value::as_str)
            .filter(|t| t.contains("%package%"))
            .unwrap_or(DEFAULT_METADATA_URL)
            .to_string())
    }
}

/// `vendor/package`, lower-cased as Composer names are.
fn check_name(name: &str) -> Result<String, UpstreamError> {
    let lower = name.to_ascii_lowercase();
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && p.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
    };
    match lower.split_once('/') {
        Some((vendor, package)) if part_ok(vendor) && part_ok(package) => Ok(lower),
        _ => Err(UpstreamError::BadName {
            name: name.to_string(),
            reason: "a Composer package is `vendor/package` (platform packages such as `php` or `ext-json` have no registry)".into(),
        }),
    }
}

/// Composer's `MetadataMinifier::expand`: each entry is the previous expanded entry with the
/// entry's keys applied, `"__unset"` removing a key.
pub fn expand(minified: &[Value]) -> Vec<Map<String, Value>> {
    let mut out = Vec::with_capacity(minified.len());
    let mut current: Option<Map<String, Value>> = None;
    for entry in minified {
        let Some(changes) = entry.as_object() else {
            continue;
        };
        let next = match current.take() {
            None => changes.clone(),
            Some(mut expanded) => {
                for (key, value) in changes {
                    if value.as_str() == Some("__unset") {
                        expanded.remove(key);
                    } else {
                        expanded.insert(key.clone(), value.clone());
                    }
                }
                expanded
            }
        };
        out.push(next.clone());
        current = Some(next);
    }
    out
}

/// The `abandoned` value as a deprecation message.
fn abandoned(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Bool(true) => Some("abandoned".to_string()),
        Value::String(s) if !s.is_empty() => Some(format!("abandoned; use {s} instead")),
        _ => None,
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Composer
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let lower = check_name(name)?;
        let url = self.metadata_url(&lower)?;
        let Some(doc) = self.endpoint.get_json::<Value>(&url)? else {
            return Ok(None);
        };
        let Some(entries) = doc
            .get("packages")
            .and_then(|p| p.get(&lower))
            .and_then(Value::as_array)
        else {
            return Err(UpstreamError::malformed(
                &url,
                format!("no `packages` list for `{lower}`"),
            ));
        };
        let versions = match doc.get("minified").and_then(Value::as_str) {
            Some("composer/2.0") => expand(entries),
            Some(other) => {
                return Err(UpstreamError::malformed(
                    &url,
                    format!("unknown minification `{other}`"),
                ))
            }
            None => entries
                .iter()
                .filter_map(|e| e.as_object().cloned())
                .collect(),
        };
        let text = |v: &Map<String, Value>, key: &str| {
            v.get(key).and_then(Value::as_str).map(str::to_string)
        };
        let mut releases = Vec::with_capacity(versions.len());
        for v in &versions {
            let Some(version) = text(v, "version") else {
                return Err(UpstreamError::malformed(
                    &url,
                    "a version entry has no `version`",
                ));
            };
            releases.push(Release {
                version,
                published: text(v, "time").as_deref().and_then(scoped::timestamp),
                ..Release::default()
            });
        }
        // Packagist lists the newest version first; `abandoned` is a package flag that
        // every entry carries.
        let deprecated = versions.first().and_then(|v| abandoned(v.get("abandoned")));
        Ok(Some(Package {
            name: name.to_string(),
            releases,
            deprecated,
            url,
            ..Package::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expansion_inherits_and_unsets() {
        let minified = vec![
            json!({"version": "2.0.0", "require": {"php": ">=8.1"}, "abandoned": "acme/new"}),
            json!({"version": "1.1.0", "require": "__unset"}),
            json!({"version": "1.0.0"}),
        ];
        let expanded = expand(&minified);
        assert_eq!(expanded.len(), 3);
        assert_eq!(expanded[1]["version"], "1.1.0");
        assert!(!expanded[1].contains_key("require"));
        assert!(!expanded[2].contains_key("require"));
        assert_eq!(expanded[2]["abandoned"], "acme/new");
    }

    #[test]
    fn names() {
        assert_eq!(check_name("Monolog/Monolog").unwrap(), "monolog/monolog");
        assert!(check_name("php").is_err());
        assert!(check_name("ext-json").is_err());
        assert!(check_name("a/b/c").is_err());
        assert!(check_name("../x").is_err());
    }
}
