//! Go modules, through the module proxy protocol (`GOPROXY`): `@v/list` for the tagged
//! versions, `@v/{version}.info` for each one's `Time`, `@latest` when the list is empty (a
//! module with no tags resolves to a pseudo-version), and the `retract` directives of the
//! latest version's `@v/{version}.mod`, which mark versions (with the author's rationale)
//! that `go get` avoids.
//!
//! Paths and versions are case-encoded as the protocol requires (`!` + the lower-case letter
//! for each upper-case one: `github.com/Azure/x` → `github.com/!azure/x`). A major-version
//! suffix module (`example.com/m/v2`) is a module of its own, looked up by the path as
//! written. The base must be one proxy URL: `GOPROXY`'s `off`, `direct` and comma-separated
//! lists are not URLs and are refused with a clear error.
//!
//! "Latest" for retractions is what the go command uses: the highest release version, else
//! the highest pre-release, else `@latest`'s (pseudo-)version.
//!
//! A version's `.info` and `.mod` never change once published (the checksum database pins
//! them), so they are cached for [`IMMUTABLE_MAX_AGE`] instead of being revalidated hourly.
//! Dates are asked for the [`MAX_DATED`] highest versions only: a module such as
//! `github.com/aws/aws-sdk-go` lists well over a thousand, and what is behind is decided
//! among the recent ones; older releases are listed without a date.

mod retract;

use super::scoped;
use crate::{Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use polyver_version::go::Version;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashSet;
use std::time::Duration;

pub use retract::{retractions, Retraction};

/// How long a version's `.info` and `.mod` are used from the cache without asking again.
pub const IMMUTABLE_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// Most versions whose `.info` is fetched for a date, highest first.
pub const MAX_DATED: usize = 300;

pub struct Client {
    endpoint: Endpoint,
    /// The same endpoint, for documents that never change.
    immutable: Endpoint,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        let mut immutable = endpoint.clone();
        immutable.max_age = immutable.max_age.max(IMMUTABLE_MAX_AGE);
        Client {
            endpoint,
            immutable,
        }
    }

    fn check_base(&self, name: &str) -> Result<(), UpstreamError> {
        let base = self.endpoint.base.as_str();
        let keyword = matches!(base, "off" | "direct" | "noproxy");
        if keyword || base.contains([',', '|']) || !base.contains("://") {
            return Err(UpstreamError::BadName {
                name: name.to_string(),
                reason: format!(
                    "the Go proxy setting `{base}` is not one proxy URL (GOPROXY keywords and \
                     lists are not supported): set [registries] go = \"https://proxy.example\""
                ),
            });
        }
        Ok(())
    }

    /// `.info` of one version: its canonical version and time (`None` when the proxy has
    /// no such file).
    fn info(&self, escaped: &str, version: &str) -> Result<Option<Info>, UpstreamError> {
        let url = self
            .endpoint
            .url(&format!("{escaped}/@v/{}.info", escape(version)?));
        self.immutable.get_json(&url)
    }
}

/// A module path or version in the proxy's case encoding.
pub fn escape(text: &str) -> Result<String, UpstreamError> {
    let bad = |reason: &str| UpstreamError::BadName {
        name: text.to_string(),
        reason: reason.to_string(),
    };
    if text.is_empty() {
        return Err(bad("empty"));
    }
    if text.starts_with('/')
        || text
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(bad("not a module path (empty, `.` or `..` element)"));
    }
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || "-._~/+".contains(c) {
            out.push(c);
        } else {
            return Err(bad(&format!(
                "`{c}` cannot appear in a module path or version"
            )));
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Info {
    #[serde(rename = "Version")]
    version: String,
    #[serde(rename = "Time", default)]
    time: Option<String>,
}

/// The version whose go.mod states the retractions: the highest release, else the highest
/// pre-release.
fn latest<'a>(versions: impl Iterator<Item = &'a str>) -> Option<String> {
    let parsed: Vec<Version> = versions.filter_map(|v| Version::parse(v).ok()).collect();
    let best = |pre: bool| {
        parsed
            .iter()
            .filter(|v| v.is_prerelease() == pre && v.pseudo().is_none())
            .max()
    };
    best(false).or_else(|| best(true)).map(Version::to_string)
}

/// The `limit` highest of `versions` (all valid Go versions).
fn highest<'a>(versions: &[&'a str], limit: usize) -> HashSet<&'a str> {
    let mut sorted: Vec<(Version, &str)> = versions
        .iter()
        .filter_map(|v| Version::parse(v).ok().map(|parsed| (parsed, *v)))
        .collect();
    sorted.sort_by(|a, b| b.0.cmp(&a.0));
    sorted.into_iter().take(limit).map(|(_, v)| v).collect()
}

/// The rationale of the first retraction covering `version`.
fn retracted(version: &str, retractions: &[Retraction]) -> Option<String> {
    let v = Version::parse(version).ok()?;
    retractions.iter().find_map(|r| {
        let low = Version::parse(&r.low).ok()?;
        let high = Version::parse(&r.high).ok()?;
        (low <= v && v <= high).then(|| r.rationale.clone())
    })
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Go
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        self.check_base(name)?;
        let escaped = escape(name)?;
        let list_url = self.endpoint.url(&format!("{escaped}/@v/list"));
        let Some(list) = self.endpoint.get(&list_url, None)? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&list.body);
        // Lines may carry extra fields after the version; lines that are no version are
        // ignored, as the go command does — but a body with text and no version at all is
        // not a version list (an HTML error page, say).
        let versions: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|v| Version::parse(v).is_ok())
            .collect();
        if versions.is_empty() && !text.trim().is_empty() {
            return Err(UpstreamError::malformed(
                &list_url,
                "not a version list (no line starts with a Go version)",
            ));
        }
        let dated = highest(&versions, MAX_DATED);
        let mut releases: Vec<Release> = versions
            .par_iter()
            .map(|v| {
                let info = if dated.contains(v) {
                    self.info(&escaped, v)?
                } else {
                    None
                };
                Ok(Release {
                    version: v.to_string(),
                    published: info
                        .and_then(|i| i.time)
                        .as_deref()
                        .and_then(scoped::timestamp),
                    ..Release::default()
                })
            })
            .collect::<Result<_, UpstreamError>>()?;
        let mut latest_version = latest(versions.iter().copied());
        if releases.is_empty() {
            let latest_url = self.endpoint.url(&format!("{escaped}/@latest"));
            if let Some(info) = self.endpoint.get_json::<Info>(&latest_url)? {
                latest_version = Some(info.version.clone());
                releases.push(Release {
                    published: info.time.as_deref().and_then(scoped::timestamp),
                    version: info.version,
                    ..Release::default()
                });
            }
        }
        if let Some(latest) = latest_version {
            let mod_url = self
                .endpoint
                .url(&format!("{escaped}/@v/{}.mod", escape(&latest)?));
            if let Some(go_mod) = self.immutable.get(&mod_url, None)? {
                let found = retractions(&String::from_utf8_lossy(&go_mod.body));
                for release in &mut releases {
                    release.retracted = retracted(&release.version, &found);
                }
            }
        }
        Ok(Some(Package {
            name: name.to_string(),
            releases,
            url: list_url,
            ..Package::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_encoding() {
        assert_eq!(
            escape("github.com/Azure/azure-sdk-for-go").unwrap(),
            "github.com/!azure/azure-sdk-for-go"
        );
        assert_eq!(escape("example.com/m/v2").unwrap(), "example.com/m/v2");
        assert_eq!(escape("v1.0.0-RC1").unwrap(), "v1.0.0-!r!c1");
        assert!(escape("../etc").is_err());
        assert!(escape("a b").is_err());
        assert!(escape("example.com/m?x").is_err());
    }

    #[test]
    fn dates_are_asked_for_the_highest_versions() {
        let dated = highest(&["v1.0.0", "v1.10.0", "v1.9.0", "v0.1.0"], 2);
        assert_eq!(dated, HashSet::from(["v1.10.0", "v1.9.0"]));
    }

    #[test]
    fn latest_prefers_releases_then_prereleases() {
        assert_eq!(
            latest(["v1.0.0", "v1.10.0", "v1.9.0", "v2.0.0-rc.1"].into_iter()).as_deref(),
            Some("v1.10.0")
        );
        assert_eq!(
            latest(["v2.0.0-rc.1", "v2.0.0-beta.1"].into_iter()).as_deref(),
            Some("v2.0.0-rc.1")
        );
        assert_eq!(latest(std::iter::empty()), None);
    }
}
