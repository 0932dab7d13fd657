//! NuGet v3 feeds (nuget.org, Azure Artifacts, GitHub Packages, Artifactory, BaGet): the
//! service index (`[registries] nuget` is its URL, `…/v3/index.json`) names the
//! registration base URL; `{registration}{id-lower}/index.json` lists the versions in
//! pages, given inline or fetched by their `@id`.
//!
//! Of the registration variants, the SemVer 2.0.0 ones are preferred (`3.6.0`,
//! `Versioned`): the older ones hide packages whose versions use SemVer 2.0.0 features.
//! nuget.org serves those gzip-compressed (`Content-Encoding: gzip`, whatever the request
//! asks); polyver's HTTP client does not decompress, so a body starting with the gzip magic
//! is inflated here (at most [`MAX_INFLATED`] bytes).
//!
//! Per version: `published` is the date, except nuget.org's 1900-01-01 which marks an
//! unlisted version; `listed: false` (or that date) is reported as yanked ("unlisted"), and
//! `deprecation` (reasons, message, alternate package) as deprecated.

use super::scoped;
use crate::{Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use serde::Deserialize;
use std::io::Read;
use std::sync::OnceLock;

/// Largest decompressed registration document accepted.
pub const MAX_INFLATED: u64 = 64 << 20;
/// Registration resource types, most preferred first.
const REGISTRATION_TYPES: &[&str] = &[
    "RegistrationsBaseUrl/3.6.0",
    "RegistrationsBaseUrl/Versioned",
    "RegistrationsBaseUrl/3.4.0",
    "RegistrationsBaseUrl/3.0.0-rc",
    "RegistrationsBaseUrl/3.0.0-beta",
    "RegistrationsBaseUrl",
];
/// Most registration pages fetched for one package.
const MAX_PAGES: usize = 200;

pub struct Client {
    endpoint: Endpoint,
    registration_base: OnceLock<String>,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client {
            endpoint,
            registration_base: OnceLock::new(),
        }
    }

    fn registration_base(&self) -> Result<String, UpstreamError> {
        if let Some(base) = self.registration_base.get() {
            return Ok(base.clone());
        }
        let url = self.endpoint.base.clone();
        let Some(index) = get_json::<ServiceIndex>(&self.endpoint, &url)? else {
            return Err(UpstreamError::malformed(
                &url,
                "no NuGet service index here (HTTP 404): [registries] nuget must be the feed's index.json URL",
            ));
        };
        let base = REGISTRATION_TYPES
            .iter()
            .find_map(|wanted| {
                index
                    .resources
                    .iter()
                    .find(|r| r.types.iter().any(|t| t == wanted))
            })
            .map(|r| r.id.clone())
            .ok_or_else(|| {
                UpstreamError::malformed(&url, "the service index names no RegistrationsBaseUrl")
            })?;
        let base = if base.ends_with('/') {
            base
        } else {
            format!("{base}/")
        };
        Ok(self.registration_base.get_or_init(|| base).clone())
    }
}

/// GET and decode JSON that may come gzip-compressed.
fn get_json<T: serde::de::DeserializeOwned>(
    endpoint: &Endpoint,
    url: &str,
) -> Result<Option<T>, UpstreamError> {
    let Some(fetched) = scoped::get(endpoint, url, Some("application/json"))? else {
        return Ok(None);
    };
    let body = inflate(url, fetched.body)?;
    scoped::decode_json(url, &body).map(Some)
}

/// `body` decompressed when it is gzip data, as is otherwise.
fn inflate(url: &str, body: Vec<u8>) -> Result<Vec<u8>, UpstreamError> {
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(body);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| UpstreamError::malformed(url, format!("bad gzip data: {e}")))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(UpstreamError::malformed(
            url,
            format!("larger than {MAX_INFLATED} bytes once decompressed"),
        ));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct ServiceIndex {
    #[serde(default)]
    resources: Vec<Resource>,
}

#[derive(Deserialize)]
struct Resource {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type", deserialize_with = "one_or_many")]
    types: Vec<String>,
}

/// `@type` is a string or, on some feeds, a list of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

#[derive(Deserialize)]
struct RegistrationIndex {
    #[serde(default)]
    items: Vec<RegistrationPage>,
}

#[derive(Deserialize)]
struct RegistrationPage {
    #[serde(rename = "@id")]
    id: String,
    /// Absent when the page must be fetched from `@id`.
    #[serde(default)]
    items: Option<Vec<Leaf>>,
}

#[derive(Deserialize)]
struct Leaf {
    #[serde(rename = "catalogEntry")]
    catalog_entry: CatalogEntry,
}

#[derive(Deserialize)]
struct CatalogEntry {
    version: String,
    #[serde(default)]
    listed: Option<bool>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    deprecation: Option<Deprecation>,
}

#[derive(Deserialize)]
struct Deprecation {
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(rename = "alternatePackage", default)]
    alternate_package: Option<AlternatePackage>,
}

#[derive(Deserialize)]
struct AlternatePackage {
    id: String,
    #[serde(default)]
    range: Option<String>,
}

impl Deprecation {
    fn text(&self) -> String {
        let mut text = match &self.message {
            Some(m) if !m.trim().is_empty() => m.trim().to_string(),
            _ => self.reasons.join(", "),
        };
        if let Some(alt) = &self.alternate_package {
            let range = alt.range.as_deref().filter(|r| *r != "*");
            let alt = match range {
                Some(r) => format!("{} {r}", alt.id),
                None => alt.id.clone(),
            };
            if !text.is_empty() {
                text.push_str("; ");
            }
            text.push_str(&format!("use {alt} instead"));
        }
        text
    }
}

fn release(entry: CatalogEntry) -> Release {
    let published = entry.published.as_deref().and_then(scoped::timestamp);
    // nuget.org dates an unlisted version 1900-01-01.
    let unlisted_date = published.is_some_and(|p| p.as_second() < -2_000_000_000);
    Release {
        published: published.filter(|_| !unlisted_date),
        yanked: (entry.listed == Some(false) || unlisted_date).then(|| "unlisted".to_string()),
        deprecated: entry.deprecation.as_ref().map(Deprecation::text),
        version: entry.version,
        ..Release::default()
    }
}

fn check_id(name: &str) -> Result<String, UpstreamError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && !name.contains("..");
    if ok {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(UpstreamError::BadName {
            name: name.to_string(),
            reason: "a NuGet id has only ASCII letters, digits, `.`, `-` and `_`".into(),
        })
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Nuget
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let id = check_id(name)?;
        let url = format!("{}{id}/index.json", self.registration_base()?);
        let Some(index) = get_json::<RegistrationIndex>(&self.endpoint, &url)? else {
            return Ok(None);
        };
        if index.items.len() > MAX_PAGES {
            return Err(UpstreamError::malformed(
                &url,
                format!("more than {MAX_PAGES} registration pages"),
            ));
        }
        let mut releases = Vec::new();
        for page in index.items {
            let leaves = match page.items {
                Some(leaves) => leaves,
                None => {
                    let Some(fetched) = get_json::<RegistrationPage>(&self.endpoint, &page.id)?
                    else {
                        return Err(UpstreamError::malformed(
                            &page.id,
                            "a registration page the index names is missing (HTTP 404)",
                        ));
                    };
                    fetched.items.unwrap_or_default()
                }
            };
            releases.extend(leaves.into_iter().map(|leaf| release(leaf.catalog_entry)));
        }
        Ok(Some(Package {
            name: name.to_string(),
            releases,
            url,
            ..Package::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecation_text() {
        let d = Deprecation {
            reasons: vec!["Legacy".into()],
            message: None,
            alternate_package: Some(AlternatePackage {
                id: "New.Pkg".into(),
                range: Some("*".into()),
            }),
        };
        assert_eq!(d.text(), "Legacy; use New.Pkg instead");
    }

    #[test]
    fn gzip_bodies_are_inflated_and_plain_ones_kept() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"a\":1}").unwrap();
        let compressed = gz.finish().unwrap();
        assert_eq!(inflate("u", compressed).unwrap(), b"{\"a\":1}");
        assert_eq!(inflate("u", b"{}".to_vec()).unwrap(), b"{}");
        assert!(inflate("u", vec![0x1f, 0x8b, 0, 0]).is_err());
    }
}
