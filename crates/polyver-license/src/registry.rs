//! Licences from package registries, for packages no local file describes: the PyPI JSON
//! API (`/pypi/<name>/<version>/json`: `license_expression`, `license`, classifiers), the
//! npm registry (`/<name>/<version>`: `license`) and the crates.io API
//! (`/api/v1/crates/<name>/<version>`: `version.license`; the sparse index has none).
//!
//! Every request goes through `polyver-net`: a timeout, retries, an on-disk cache (a
//! published version's licence does not change, so answers are reused for a week before
//! being revalidated) and `--offline`, which answers from that cache only. Lookups run on a
//! small thread pool. The base URLs are configurable so that tests (and mirrors) can point
//! them elsewhere.

use crate::expression::{normalize, Normalized};
use crate::installed::from_fields;
use polyver_model::Ecosystem;
use std::time::Duration;

/// How long a cached registry answer is used without asking again.
pub const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Concurrent requests.
pub const PARALLELISM: usize = 8;

/// Base URLs of the registries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryUrls {
    /// `https://pypi.org/pypi`
    pub pypi: String,
    /// `https://registry.npmjs.org`
    pub npm: String,
    /// `https://crates.io/api/v1/crates`
    pub crates_io: String,
}

impl Default for RegistryUrls {
    fn default() -> Self {
        RegistryUrls {
            pypi: "https://pypi.org/pypi".to_string(),
            npm: "https://registry.npmjs.org".to_string(),
            crates_io: "https://crates.io/api/v1/crates".to_string(),
        }
    }
}

/// The ecosystems with a registry lookup.
pub fn supported(ecosystem: Ecosystem) -> bool {
    matches!(
        ecosystem,
        Ecosystem::Pypi | Ecosystem::Npm | Ecosystem::Cargo
    )
}

/// A registry client.
pub struct Registry {
    client: polyver_net::Client,
    urls: RegistryUrls,
}

/// The answer to one lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found {
        license: Normalized,
        /// `registry:pypi`
        source: String,
        /// Served from the on-disk cache without a request.
        cached: bool,
    },
    /// The registry does not know this name/version (or has no licence for it).
    NotFound(String),
    /// The lookup failed (network, offline without cache, bad answer): the message says why.
    Failed(String),
}

impl Registry {
    pub fn new(client: polyver_net::Client, urls: RegistryUrls) -> Registry {
        Registry { client, urls }
    }

    /// The URL polyver asks for `name@version`.
    pub fn url(&self, ecosystem: Ecosystem, name: &str, version: &str) -> Option<String> {
        let base = |b: &str| b.trim_end_matches('/').to_string();
        let seg = |s: &str| encode(s);
        Some(match ecosystem {
            Ecosystem::Pypi => format!(
                "{}/{}/{}/json",
                base(&self.urls.pypi),
                seg(name),
                seg(version)
            ),
            Ecosystem::Npm => format!(
                "{}/{}/{}",
                base(&self.urls.npm),
                npm_name(name),
                seg(version)
            ),
            Ecosystem::Cargo => format!(
                "{}/{}/{}",
                base(&self.urls.crates_io),
                seg(name),
                seg(version)
            ),
            _ => return None,
        })
    }

    /// Looks up one package version.
    pub fn lookup(&self, ecosystem: Ecosystem, name: &str, version: &str) -> Lookup {
        let Some(url) = self.url(ecosystem, name, version) else {
            return Lookup::NotFound(format!("no registry lookup for {ecosystem}"));
        };
        let fetched = match self.client.get_cached(&url, MAX_AGE) {
            Ok(f) => f,
            Err(e) => return Lookup::Failed(e.to_string()),
        };
        if fetched.status == 404 || fetched.status == 410 {
            return Lookup::NotFound(format!(
                "{name} {version} is not on the {ecosystem} registry"
            ));
        }
        if !fetched.is_success() {
            return Lookup::Failed(format!("{url}: HTTP {}", fetched.status));
        }
        let doc: serde_json::Value = match serde_json::from_slice(&fetched.body) {
            Ok(d) => d,
            Err(e) => return Lookup::Failed(format!("{url}: not JSON: {e}")),
        };
        let license = match ecosystem {
            Ecosystem::Pypi => {
                let info = &doc["info"];
                let text = |k: &str| info.get(k).and_then(|v| v.as_str()).map(str::to_string);
                let classifiers: Vec<String> = info
                    .get("classifiers")
                    .and_then(|c| c.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                Some(from_fields(
                    text("license_expression").as_deref(),
                    text("license").as_deref(),
                    &classifiers,
                ))
            }
            Ecosystem::Npm => crate::project::json_license(&doc).map(|d| normalize(&d)),
            Ecosystem::Cargo => doc["version"]["license"].as_str().map(normalize),
            _ => None,
        };
        match license {
            Some(license) => Lookup::Found {
                license,
                source: format!("registry:{}", ecosystem.id()),
                cached: fetched.from_cache,
            },
            None => Lookup::NotFound(format!("the {ecosystem} registry declares no licence")),
        }
    }

    /// Looks up many packages on a bounded pool; answers in input order. `progress` is
    /// called after each answer with (answered, total).
    pub fn lookup_all(
        &self,
        wanted: &[(Ecosystem, String, String)],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Vec<Lookup> {
        use rayon::prelude::*;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let done = AtomicUsize::new(0);
        let one = |(e, n, v): &(Ecosystem, String, String)| {
            let answer = self.lookup(*e, n, v);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, wanted.len());
            answer
        };
        let run = || wanted.par_iter().map(one).collect::<Vec<_>>();
        match rayon::ThreadPoolBuilder::new()
            .num_threads(PARALLELISM)
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => wanted
                .iter()
                .map(|(e, n, v)| self.lookup(*e, n, v))
                .collect(),
        }
    }
}

/// `@scope/name` → `@scope%2Fname` (the registry's form), other names percent-encoded.
fn npm_name(name: &str) -> String {
    match name.strip_prefix('@').and_then(|r| r.split_once('/')) {
        Some((scope, pkg)) => format!("@{}%2F{}", encode(scope), encode(pkg)),
        None => encode(name),
    }
}

/// Percent-encodes everything outside the unreserved set.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let r = Registry::new(
            polyver_net::Client::new(polyver_net::Options {
                offline: true,
                ..Default::default()
            })
            .unwrap(),
            RegistryUrls::default(),
        );
        assert_eq!(
            r.url(Ecosystem::Pypi, "requests", "2.32.3").unwrap(),
            "https://pypi.org/pypi/requests/2.32.3/json"
        );
        assert_eq!(
            r.url(Ecosystem::Npm, "@babel/core", "7.24.0").unwrap(),
            "https://registry.npmjs.org/@babel%2Fcore/7.24.0"
        );
        assert_eq!(
            r.url(Ecosystem::Cargo, "serde", "1.0.200").unwrap(),
            "https://crates.io/api/v1/crates/serde/1.0.200"
        );
        assert!(r.url(Ecosystem::Go, "x", "1").is_none());
    }
}
