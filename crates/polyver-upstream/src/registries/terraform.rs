//! Terraform (and OpenTofu) registries: provider versions
//! (`{providers.v1}{namespace}/{type}/versions`) and module versions
//! (`{modules.v1}{namespace}/{name}/{system}/versions`), the base paths found through the
//! host's service discovery document (`/.well-known/terraform.json`), as Terraform does.
//!
//! Names are what the Terraform extractor writes, which says which is which by shape:
//! - `hashicorp/aws`: a provider on the configured registry (default
//!   `registry.terraform.io`);
//! - `terraform-aws-modules/vpc/aws` (optionally `//subdir`): a module there;
//! - `example.com/ns/type`: a provider on that host's registry;
//! - `example.com/ns/name/system`: a module on that host's registry.
//!
//! A first element is a host when it has a `.` or a `:` or is `localhost`;
//! `registry.terraform.io/…` means the configured registry. Modules fetched from Git or an
//! archive (the component has a `url`, see [`Registry::package_from`]) have no registry.
//!
//! The configured registry gets the `[registries] terraform` credentials; another host gets
//! the token Terraform itself would send, `TF_TOKEN_<host>` (`.` as `_`, `-` as `__`),
//! when set. When
//! the configured base has no discovery document, `{base}/v1/providers/` and
//! `{base}/v1/modules/` are used (a plain mirror of the API). The versions endpoints carry no
//! dates, so releases have none; a provider's registry `warnings` (moved, archived) become the
//! package's deprecation message.

use super::scoped;
use crate::{Auth, Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use serde::Deserialize;

const PUBLIC_HOST: &str = "registry.terraform.io";

pub struct Client {
    endpoint: Endpoint,
}

impl Client {
    pub fn new(endpoint: Endpoint) -> Client {
        Client { endpoint }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Address<'a> {
    Provider {
        host: Option<&'a str>,
        namespace: &'a str,
        kind: &'a str,
    },
    Module {
        host: Option<&'a str>,
        namespace: &'a str,
        name: &'a str,
        system: &'a str,
    },
}

fn is_host(part: &str) -> bool {
    part.contains('.') || part.contains(':') || part.eq_ignore_ascii_case("localhost")
}

/// `None` for the public registry's host, which means the configured registry.
fn named_host(host: &str) -> Option<&str> {
    (!host.eq_ignore_ascii_case(PUBLIC_HOST)).then_some(host)
}

fn address(full: &str) -> Result<Address<'_>, UpstreamError> {
    let bad = |reason: &str| UpstreamError::BadName {
        name: full.to_string(),
        reason: reason.to_string(),
    };
    // A module's `//subdir` is part of the package at `source`.
    let name = full.split("//").next().unwrap_or(full);
    let parts: Vec<&str> = name.split('/').collect();
    let part_ok = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    };
    if !parts.iter().all(part_ok) {
        return Err(bad("not a Terraform registry address"));
    }
    Ok(match parts.as_slice() {
        [namespace, kind] => Address::Provider {
            host: None,
            namespace,
            kind,
        },
        [h, namespace, kind] if is_host(h) => Address::Provider {
            host: named_host(h),
            namespace,
            kind,
        },
        [namespace, name, system] => Address::Module {
            host: None,
            namespace,
            name,
            system,
        },
        [h, namespace, name, system] if is_host(h) => Address::Module {
            host: named_host(h),
            namespace,
            name,
            system,
        },
        _ => {
            return Err(bad(
                "a provider is `[host/]namespace/type`, a module `[host/]namespace/name/system`",
            ))
        }
    })
}

#[derive(Deserialize, Default)]
struct Discovery {
    #[serde(rename = "providers.v1")]
    providers: Option<String>,
    #[serde(rename = "modules.v1")]
    modules: Option<String>,
}

#[derive(Deserialize)]
struct ProviderVersions {
    #[serde(default)]
    versions: Vec<VersionEntry>,
    #[serde(default)]
    warnings: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct ModuleVersions {
    #[serde(default)]
    modules: Vec<ModuleEntry>,
}

#[derive(Deserialize)]
struct ModuleEntry {
    #[serde(default)]
    versions: Vec<VersionEntry>,
}

#[derive(Deserialize)]
struct VersionEntry {
    version: String,
}

/// Where one registry host answers, and with which credentials.
struct Host {
    discovery_url: String,
    /// The configured base, when this is the configured registry: its API is assumed at
    /// `{base}/v1/...` when it has no discovery document.
    fallback_base: Option<String>,
    /// Sent only to URLs on the discovery document's origin.
    authorization: Option<String>,
}

impl Client {
    fn host(&self, host: Option<&str>) -> Host {
        let named = host.filter(|h| !scoped::same_origin(&self.endpoint, &format!("https://{h}/")));
        match named {
            None => Host {
                discovery_url: self.endpoint.url(".well-known/terraform.json"),
                fallback_base: Some(self.endpoint.base.clone()),
                authorization: self.endpoint.auth.as_ref().map(Auth::header),
            },
            Some(host) => {
                // Terraform's encoding: `.` as `_`, `-` as `__`; a host with a port has
                // no such variable.
                let variable = (!host.contains(':'))
                    .then(|| format!("TF_TOKEN_{}", host.replace('-', "__").replace('.', "_")));
                Host {
                    discovery_url: format!("https://{host}/.well-known/terraform.json"),
                    fallback_base: None,
                    authorization: variable
                        .and_then(|v| std::env::var(v).ok())
                        .filter(|t| !t.is_empty())
                        .map(|t| Auth::Bearer(t).header()),
                }
            }
        }
    }

    /// The base URL of `service` (`providers.v1`, `modules.v1`) on `host`.
    fn service(&self, host: &Host, modules: bool) -> Result<String, UpstreamError> {
        let (key, fallback) = if modules {
            ("modules.v1", "v1/modules/")
        } else {
            ("providers.v1", "v1/providers/")
        };
        let discovery: Discovery = match self.get_json(host, &host.discovery_url)? {
            Some(discovery) => discovery,
            None if host.fallback_base.is_some() => {
                let base = host.fallback_base.as_deref().unwrap_or_default();
                return Ok(format!("{}/{fallback}", base.trim_end_matches('/')));
            }
            None => {
                return Err(UpstreamError::malformed(
                    &host.discovery_url,
                    "the host offers no Terraform registry (no service discovery document)",
                ))
            }
        };
        let Some(path) = (if modules {
            discovery.modules
        } else {
            discovery.providers
        }) else {
            return Err(UpstreamError::malformed(
                &host.discovery_url,
                format!("the registry offers no `{key}` service"),
            ));
        };
        let path = if path.ends_with('/') {
            path
        } else {
            format!("{path}/")
        };
        Ok(if path.contains("://") {
            path
        } else if path.starts_with('/') {
            format!("{}{path}", scoped::origin(&host.discovery_url))
        } else {
            // Relative to the discovery document, as RFC 3986 resolves it.
            let dir = &host.discovery_url[..host.discovery_url.rfind('/').unwrap_or(0) + 1];
            format!("{dir}{path}")
        })
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        host: &Host,
        url: &str,
    ) -> Result<Option<T>, UpstreamError> {
        let same_host = scoped::origin(url) == scoped::origin(&host.discovery_url);
        let authorization = host.authorization.clone().filter(|_| same_host);
        match self
            .endpoint
            .get_with(url, Some("application/json"), authorization)?
        {
            Some(f) => scoped::decode_json(url, &f.body).map(Some),
            None => Ok(None),
        }
    }
}

fn releases(versions: Vec<VersionEntry>) -> Vec<Release> {
    versions
        .into_iter()
        .map(|v| Release {
            version: v.version,
            ..Release::default()
        })
        .collect()
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Terraform
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let seg = scoped::encode_segment;
        match address(name)? {
            Address::Provider {
                host,
                namespace,
                kind,
            } => {
                let host = self.host(host);
                let base = self.service(&host, false)?;
                let url = format!("{base}{}/{}/versions", seg(namespace), seg(kind));
                let Some(doc) = self.get_json::<ProviderVersions>(&host, &url)? else {
                    return Ok(None);
                };
                let warnings = doc.warnings.unwrap_or_default();
                Ok(Some(Package {
                    name: name.to_string(),
                    releases: releases(doc.versions),
                    deprecated: (!warnings.is_empty()).then(|| warnings.join(" ")),
                    url,
                    ..Package::default()
                }))
            }
            Address::Module {
                host,
                namespace,
                name: module,
                system,
            } => {
                let host = self.host(host);
                let base = self.service(&host, true)?;
                let url = format!(
                    "{base}{}/{}/{}/versions",
                    seg(namespace),
                    seg(module),
                    seg(system)
                );
                let Some(doc) = self.get_json::<ModuleVersions>(&host, &url)? else {
                    return Ok(None);
                };
                let versions = doc.modules.into_iter().flat_map(|m| m.versions).collect();
                Ok(Some(Package {
                    name: name.to_string(),
                    releases: releases(versions),
                    url,
                    ..Package::default()
                }))
            }
        }
    }

    fn package_from(
        &self,
        name: &str,
        source: Option<&str>,
    ) -> Result<Option<Package>, UpstreamError> {
        match source {
            Some(source) => Err(UpstreamError::BadName {
                name: name.to_string(),
                reason: format!(
                    "a module fetched from `{source}` (Git or an archive), not from a registry"
                ),
            }),
            None => self.package(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_by_shape() {
        assert_eq!(
            address("hashicorp/aws").unwrap(),
            Address::Provider {
                host: None,
                namespace: "hashicorp",
                kind: "aws"
            }
        );
        assert_eq!(
            address("registry.terraform.io/hashicorp/aws").unwrap(),
            Address::Provider {
                host: None,
                namespace: "hashicorp",
                kind: "aws"
            }
        );
        assert_eq!(
            address("registry.opentofu.org/hashicorp/aws").unwrap(),
            Address::Provider {
                host: Some("registry.opentofu.org"),
                namespace: "hashicorp",
                kind: "aws"
            }
        );
        assert_eq!(
            address("terraform-aws-modules/iam/aws//modules/iam-user").unwrap(),
            Address::Module {
                host: None,
                namespace: "terraform-aws-modules",
                name: "iam",
                system: "aws"
            }
        );
        assert_eq!(
            address("app.terraform.io/acme/vpc/aws").unwrap(),
            Address::Module {
                host: Some("app.terraform.io"),
                namespace: "acme",
                name: "vpc",
                system: "aws"
            }
        );
        assert!(address("aws").is_err());
        assert!(address("a/b/c/d").is_err());
        assert!(address("hashicorp/a?b").is_err());
    }
}
