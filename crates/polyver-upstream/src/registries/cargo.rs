//! crates.io and other Cargo registries, through the sparse index protocol (RFC 2789): one
//! file per crate at a path derived from its lower-cased name (`1/a`, `2/ab`, `3/a/abc`,
//! `se/rd/serde`), one JSON line per published version with `vers`, `yanked` and `cksum`.
//! Only those fields are read, so every schema version (`v` 1, `v` 2 with `features2`)
//! parses alike.
//!
//! Release dates: newer index entries carry `pubtime`; for older ones the index has no
//! date, and on the public registry the crates.io API (`/api/v1/crates/{name}`) gives each
//! version's `created_at` and yank message. That second request is made only against
//! crates.io (a mirror's or a private registry's API is not known) and only when some entry
//! lacks `pubtime`; when it fails, the releases keep no date rather than failing the lookup.
//! The checksum (`sha256` of the `.crate`) becomes [`crate::Release::digest`] as
//! `sha256:<hex>`, the form Cargo.lock integrity takes. A private registry's token
//! (`[registries] cargo = { token-env = ... }`) is sent verbatim, as Cargo sends it.

use super::scoped;
use crate::{Auth, Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use serde::Deserialize;
use std::collections::HashMap;

/// crates.io's sparse index; the API is used for dates only when this is the base.
pub const PUBLIC_INDEX: &str = "https://index.crates.io";
const PUBLIC_API: &str = "https://crates.io";

pub struct Client {
    endpoint: Endpoint,
    /// Base URL of the crates.io web API, when dates may be asked there.
    api: Option<String>,
}

impl Client {
    /// A client of the index at `endpoint`; release dates missing from the index are asked
    /// of crates.io only when `endpoint` is crates.io's own index.
    pub fn new(endpoint: Endpoint) -> Client {
        let api = (endpoint.base == PUBLIC_INDEX).then(|| PUBLIC_API.to_string());
        Client { endpoint, api }
    }

    /// A client that asks the crates.io-compatible API at `api` for dates the index lacks
    /// (`None`: never).
    pub fn with_api(endpoint: Endpoint, api: Option<String>) -> Client {
        let api = api.map(|a| a.trim_end_matches('/').to_string());
        Client { endpoint, api }
    }

    /// The release dates and yank messages the API gives, by version; empty when the API
    /// cannot be asked or fails.
    fn api_versions(&self, name: &str) -> HashMap<String, ApiVersion> {
        let Some(api) = &self.api else {
            return HashMap::new();
        };
        let url = format!(
            "{api}/api/v1/crates/{}",
            scoped::encode_segment(&name.to_ascii_lowercase())
        );
        match scoped::get_json::<ApiCrate>(&self.endpoint, &url) {
            Ok(Some(doc)) => doc
                .versions
                .into_iter()
                .map(|v| (v.num.clone(), v))
                .collect(),
            _ => HashMap::new(),
        }
    }
}

/// The index path of a crate (the name lower-cased, as the index stores it).
pub fn index_path(name: &str) -> Result<String, UpstreamError> {
    let bad = |reason: &str| UpstreamError::BadName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() || name.len() > 64 {
        return Err(bad("a crate name has 1 to 64 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(bad(
            "a crate name has only ASCII letters, digits, `-` and `_`",
        ));
    }
    let lower = name.to_ascii_lowercase();
    Ok(match lower.len() {
        1 => format!("1/{lower}"),
        2 => format!("2/{lower}"),
        3 => format!("3/{}/{lower}", &lower[..1]),
        _ => format!("{}/{}/{lower}", &lower[..2], &lower[2..4]),
    })
}

/// One line of an index file (only what polyver reads).
#[derive(Deserialize)]
struct IndexEntry {
    vers: String,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    cksum: Option<String>,
    #[serde(default)]
    pubtime: Option<String>,
}

#[derive(Deserialize)]
struct ApiCrate {
    #[serde(default)]
    versions: Vec<ApiVersion>,
}

#[derive(Deserialize)]
struct ApiVersion {
    num: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    yank_message: Option<String>,
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cargo
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let url = self.endpoint.url(&index_path(name)?);
        // Cargo sends a registry token verbatim (`Authorization: <token>`; registries that
        // want a scheme have it written in the token), so polyver does the same.
        let authorization = self.endpoint.auth.as_ref().map(|auth| match auth {
            Auth::Bearer(token) => token.clone(),
            basic => basic.header(),
        });
        let Some(fetched) = self.endpoint.get_with(&url, None, authorization)? else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&fetched.body)
            .map_err(|_| UpstreamError::malformed(&url, "the index file is not UTF-8"))?;
        let mut releases = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: IndexEntry = serde_json::from_str(line).map_err(|e| {
                UpstreamError::malformed(
                    &url,
                    format!("line {}: not an index entry: {e}", number + 1),
                )
            })?;
            releases.push(Release {
                published: entry.pubtime.as_deref().and_then(scoped::timestamp),
                yanked: entry.yanked.then(String::new),
                digest: entry
                    .cksum
                    .filter(|c| !c.is_empty())
                    .map(|c| format!("sha256:{c}")),
                version: entry.vers,
                ..Release::default()
            });
        }
        if releases.iter().any(|r| r.published.is_none()) {
            let api = self.api_versions(name);
            for release in &mut releases {
                let Some(known) = api.get(&release.version) else {
                    continue;
                };
                if release.published.is_none() {
                    release.published = known.created_at.as_deref().and_then(scoped::timestamp);
                }
                if let (Some(reason), Some(message)) = (&mut release.yanked, &known.yank_message) {
                    *reason = message.clone();
                }
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
