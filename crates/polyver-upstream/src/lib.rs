//! What exists upstream. polyver knows what a repository has; this crate asks the registries
//! what they have, so that `outdated`, `plan` and `update` can say what is behind.
//!
//! One module per registry, each implementing the small [`Registry`] trait — like the
//! extractors, a new registry is one new module. Every request goes through `polyver-net`
//! (timeouts, retries with jittered backoff honouring `Retry-After`, a per-host concurrency
//! limit, an on-disk cache revalidated with ETag/Last-Modified, `--offline`), and every answer
//! is normalized into a [`Package`]: the releases with their dates and yanked / deprecated /
//! retracted flags, as the registry states them. Deciding what is "latest" or "wanted" is not
//! a registry's business; [`outdated`] does it with the version engine.
//!
//! Base URLs and credentials come from `polyver.toml` `[registries]` ([`Upstream::new`]);
//! an ecosystem without an entry uses its public registry.

mod endpoint;
pub mod outdated;
pub mod registries;

pub use endpoint::{Auth, Endpoint};

use polyver_model::Ecosystem;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A point in time, as registries state release dates.
pub type Timestamp = jiff::Timestamp;

/// One published version of a package (or one tag of an image or an action).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Release {
    /// As the registry writes it (`1.2.3`, `v1.2.3` for Go and GitHub tags, an image tag).
    pub version: String,
    /// When it was published, where the registry says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// Withdrawn by its publisher (PyPI/crates.io/RubyGems yanked, NuGet unlisted); the reason
    /// where one is given, else an empty string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yanked: Option<String>,
    /// Deprecated with this message (npm, NuGet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// Retracted by a `retract` directive of the module's latest go.mod, with its rationale
    /// (empty when none is written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<String>,
    /// What the version resolves to: an OCI manifest digest (`sha256:…`) or a git commit SHA
    /// (GitHub tags), when the listing gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The publisher marked it as a pre-release whatever its version text says (a GitHub
    /// release's `prerelease` flag on a tag such as `v2.0.0`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub prerelease: bool,
}

/// What a registry knows of one package.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Package {
    /// The name as asked.
    pub name: String,
    /// Every release, in no particular order.
    pub releases: Vec<Release>,
    /// Distribution tags (npm `dist-tags`: `latest`, `next`, ...), when the registry has them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The whole package is deprecated or abandoned, with the message or replacement named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// The document this was read from (for diagnostics and links).
    pub url: String,
}

impl Package {
    /// The versions, in the order the registry listed them.
    pub fn versions(&self) -> Vec<&str> {
        self.releases.iter().map(|r| r.version.as_str()).collect()
    }

    /// The release with exactly this version text.
    pub fn release(&self, version: &str) -> Option<&Release> {
        self.releases.iter().find(|r| r.version == version)
    }
}

/// Why a lookup failed. A package the registry does not have is not an error
/// ([`Registry::package`] answers `Ok(None)`).
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error(transparent)]
    Net(#[from] polyver_net::NetError),
    /// The registry answered something this client cannot read.
    #[error("{url}: unexpected answer: {reason}")]
    Malformed { url: String, reason: String },
    /// The server refused the credentials (or asked for some that are not configured).
    #[error("{url}: the registry refused access (HTTP {status}); set its credentials in polyver.toml [registries]")]
    Unauthorized { url: String, status: u16 },
    /// The name cannot be looked up in this registry (e.g. a local path, a templated name).
    #[error("`{name}` cannot be looked up: {reason}")]
    BadName { name: String, reason: String },
    /// The registry's request quota is used up; `hint` says when it resets or how to get more.
    #[error("{url}: the registry's rate limit is exhausted; {hint}")]
    RateLimited { url: String, hint: String },
}

impl UpstreamError {
    pub fn malformed(url: &str, reason: impl std::fmt::Display) -> UpstreamError {
        UpstreamError::Malformed {
            url: url.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// One registry client. Implementations are cheap to call from several threads at once.
pub trait Registry: Send + Sync {
    /// The ecosystem whose components this registry answers for.
    fn ecosystem(&self) -> Ecosystem;

    /// Every release of `name` (named as the component is: PEP 503 for PyPI,
    /// `group:artifact` for Maven, `[host/]repository` for images, `owner/repo` for actions),
    /// or `None` when the registry has no such package.
    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError>;

    /// [`Registry::package`] for a component whose manifest also says where it comes from
    /// (its `url`): a Helm dependency's chart repository, a Terraform module's Git source.
    /// Registries whose names are global ignore `source`.
    fn package_from(
        &self,
        name: &str,
        source: Option<&str>,
    ) -> Result<Option<Package>, UpstreamError> {
        let _ = source;
        self.package(name)
    }

    /// The digest `name:tag` points at now, for registries whose tags move (OCI images, git
    /// tags); `None` elsewhere or when the tag does not exist.
    fn tag_digest(&self, _name: &str, _tag: &str) -> Result<Option<String>, UpstreamError> {
        Ok(None)
    }
}

/// How long a cached registry answer is used without asking again. Registry metadata changes
/// daily at most for what `outdated` decides; a revalidation is one cheap request anyway.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(3600);

/// Every configured registry, by the ecosystem it answers for.
pub struct Upstream {
    registries: BTreeMap<Ecosystem, Arc<dyn Registry>>,
    client: Option<Arc<polyver_net::Client>>,
}

impl Upstream {
    /// The registries of `[registries]` (public ones where not configured), all sharing
    /// `client`. Credentials are read from the environment variables the section names; a
    /// missing variable is an error naming it.
    pub fn new(
        client: Arc<polyver_net::Client>,
        config: &polyver_config::RegistriesSection,
    ) -> Result<Upstream, String> {
        Upstream::with_max_age(client, config, DEFAULT_MAX_AGE)
    }

    /// [`Upstream::new`] with cached answers used for `max_age` (0: every lookup is
    /// revalidated, a 304 where nothing changed).
    pub fn with_max_age(
        client: Arc<polyver_net::Client>,
        config: &polyver_config::RegistriesSection,
        max_age: Duration,
    ) -> Result<Upstream, String> {
        let mut upstream = Upstream::from_registries(registries::all(&client, config, max_age)?);
        upstream.client = Some(client);
        Ok(upstream)
    }

    /// A set of registries given directly (tests, embedders).
    pub fn from_registries(list: impl IntoIterator<Item = Arc<dyn Registry>>) -> Upstream {
        Upstream {
            registries: list.into_iter().map(|r| (r.ecosystem(), r)).collect(),
            client: None,
        }
    }

    /// The requests made so far and the cache's answers (registries built by
    /// [`Upstream::new`] only).
    pub fn network(&self) -> Option<polyver_net::Stats> {
        self.client.as_ref().map(|c| c.stats())
    }

    /// The registry for `ecosystem`, if polyver can ask one.
    pub fn registry(&self, ecosystem: Ecosystem) -> Option<&Arc<dyn Registry>> {
        self.registries.get(&ecosystem)
    }
}
