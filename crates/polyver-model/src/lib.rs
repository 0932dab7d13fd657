//! The inventory data model: what `polyver scan` finds, in the shape every later stage
//! (graph, audit, conflicts, store, reports) consumes.
//!
//! The model is deliberately plain data with stable serde names, because its JSON form
//! (`polyver.scan/v1`, documented in `docs/scan-json.md`) is a public contract: scans are
//! stored, pushed to a server and diffed over time, so a renamed field or enum value would
//! break history. Everything here is deterministic: [`Inventory::finish`] merges duplicate
//! findings and sorts, so the same repository always serializes to the same bytes.
//!
//! Merge rule (decided here, documented in `docs/scan-json.md`): two findings become one
//! [`Component`] with several [`Location`]s only when they are identical in every other
//! field — kind, ecosystem, name, version, constraint, scope, direct, source format, marker,
//! extras, url, integrity (a declared `license` is a fact about the package, not the
//! finding: merged findings keep the first one, in location order). That loses nothing (every place is still listed) while anything
//! an analysis could tell apart (a different pin, scope or file format) stays separate.

mod diagnostic;
mod ecosystem;
pub mod finding;
pub mod format;
pub mod project;
pub mod purl;
pub mod read;
pub mod source_line;
pub mod text;

pub use diagnostic::{Diagnostic, DiagnosticCode, Severity};
pub use ecosystem::Ecosystem;
pub use finding::{Finding, FindingKind, FindingSeverity, Rule};
pub use format::{Format, FormatInfo, Role};
pub use project::{Link, LinkKind};
pub use source_line::SourceLine;
pub use text::{escape_control, shell_quote};

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// The schema id written into every scan document.
pub const SCAN_SCHEMA: &str = "polyver.scan/v1";

/// What sort of versioned thing a component is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A library from a package registry.
    Package,
    /// A container image.
    Image,
    /// A language runtime or interpreter (python, node, ruby, go, rust, ...).
    Runtime,
    /// A build or developer tool (npm, pnpm, poetry, terraform, ...).
    Tool,
    /// A CI action (GitHub Actions `uses:`).
    Action,
    /// An infrastructure provider (Terraform, Pulumi).
    Provider,
    /// An infrastructure module (Terraform module, Go module dependency).
    Module,
    /// A schema migration revision.
    Migration,
    /// A versioned API description.
    Api,
}

/// When a component is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Runtime,
    Dev,
    Test,
    Build,
    Optional,
    Peer,
}

impl Kind {
    /// The stable lowercase name, as in the JSON.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Package => "package",
            Kind::Image => "image",
            Kind::Runtime => "runtime",
            Kind::Tool => "tool",
            Kind::Action => "action",
            Kind::Provider => "provider",
            Kind::Module => "module",
            Kind::Migration => "migration",
            Kind::Api => "api",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Scope {
    /// The stable lowercase name, as in the JSON.
    pub fn id(self) -> &'static str {
        match self {
            Scope::Runtime => "runtime",
            Scope::Dev => "dev",
            Scope::Test => "test",
            Scope::Build => "build",
            Scope::Optional => "optional",
            Scope::Peer => "peer",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A place in the scanned repository. `path` is repo-relative with `/` separators;
/// `line` and `column` are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    pub fn new(path: impl Into<String>, line: u32) -> Self {
        Location {
            path: path.into(),
            line,
            column: None,
        }
    }

    pub fn with_column(mut self, column: u32) -> Self {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}:{}", escape_control(&self.path), self.line, c),
            None => write!(f, "{}:{}", escape_control(&self.path), self.line),
        }
    }
}

/// A version constraint exactly as written (`>=2.0,<3`, `^1.2.0`, `~=3.10`), and whether
/// the ecosystem's version engine accepts it. `valid` is `None` until evaluated, and stays
/// `None` for ecosystems without a version engine.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Constraint {
    pub raw: String,
    #[serde(default)]
    pub valid: Option<bool>,
}

impl Constraint {
    pub fn new(raw: impl Into<String>) -> Self {
        Constraint {
            raw: raw.into(),
            valid: None,
        }
    }
}

/// An edge from a lock-file entry to one of its resolved dependencies.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DependencyEdge {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One versioned thing found in the repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub kind: Kind,
    pub ecosystem: Ecosystem,
    /// Normalized the ecosystem's way (PEP 503 for PyPI; npm names as published).
    pub name: String,
    /// The exact version, when the file pins one.
    #[serde(default)]
    pub version: Option<String>,
    /// The constraint as written, when the file gives one.
    #[serde(default)]
    pub constraint: Option<Constraint>,
    pub scope: Scope,
    /// Declared by the repository itself, as opposed to pulled in transitively.
    pub direct: bool,
    /// The file format that found it, serialized as its id: `requirements`, `package-lock`, ...
    pub source: Format,
    pub purl: String,
    pub locations: Vec<Location>,
    /// The condition it applies under, as written: a PEP 508 environment marker, or the CI
    /// expression that chooses it (`${{ matrix.db && 'postgres:17.5' || '' }}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Requested extras / features, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
    /// Where the component comes from when not from its registry: URL, VCS ref or path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Content hash(es) from lock files, hash options or image digests.
    #[serde(default)]
    pub integrity: Option<String>,
    /// The platform an image was pinned to (`FROM --platform=linux/amd64`), as written
    /// (BuildKit's `$BUILDPLATFORM`/`$TARGETPLATFORM` kept as variables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Resolved dependencies (lock files only), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyEdge>,
    /// What an API description says about its API (`api` components from OpenAPI/Swagger
    /// documents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiInfo>,
    /// The licence the file itself declares for this component, as written (an SPDX
    /// expression or free text: package-lock `license`, composer.lock `license` joined with
    /// `OR`). Only what the scanned file says; `polyver licenses` resolves the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// The manifest replaces it (Go's `replace`): `name` and `version` are as required, and
    /// what is built is `url` (`module@version`, or a local directory).
    #[serde(default, skip_serializing_if = "is_false")]
    pub replaced: bool,
    /// The package's UUID, where the ecosystem names a package by name *and* UUID (Julia:
    /// two registries may both have a `JSON`); the purl's `uuid` qualifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The versioning facts of one API description (an OpenAPI 3.x or Swagger 2.0 document).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApiInfo {
    /// The description format's version as written: `3.1.0` (`openapi:`) or `2.0` (`swagger:`).
    pub spec_version: String,
    /// Version segments (`v1`, `v2`, `v1beta1`) found in path keys, `servers[].url` and
    /// `basePath`, sorted and deduplicated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_versions: Vec<String>,
    /// Operations (method entries under `paths`).
    pub operations: u32,
    /// Operations marked `deprecated: true`.
    pub deprecated_operations: u32,
}

impl Component {
    /// A component with no version information yet; the purl is computed from the fields
    /// by [`Component::refresh_purl`] (called by the builders below and by
    /// [`Inventory::finish`]).
    pub fn new(
        kind: Kind,
        ecosystem: Ecosystem,
        name: impl Into<String>,
        source: Format,
        location: Location,
    ) -> Self {
        let mut c = Component {
            kind,
            ecosystem,
            name: name.into(),
            version: None,
            constraint: None,
            scope: Scope::Runtime,
            direct: true,
            source,
            purl: String::new(),
            locations: vec![location],
            marker: None,
            platform: None,
            extras: Vec::new(),
            url: None,
            integrity: None,
            dependencies: Vec::new(),
            api: None,
            license: None,
            replaced: false,
            uuid: None,
        };
        c.refresh_purl();
        c
    }

    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self.refresh_purl();
        self
    }

    pub fn with_constraint(mut self, raw: impl Into<String>) -> Self {
        self.constraint = Some(Constraint::new(raw));
        self
    }

    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    pub fn with_direct(mut self, direct: bool) -> Self {
        self.direct = direct;
        self
    }

    /// Recomputes `purl` from ecosystem, name and version (for an image known only by
    /// digest, the digest; a pod's subspec and a Conan reference's user, channel and recipe
    /// revision from the fields their lock extractors keep them in).
    pub fn refresh_purl(&mut self) {
        let version = match (self.ecosystem, &self.version) {
            (Ecosystem::Docker, None) => self.integrity.as_deref(),
            (_, v) => v.as_deref(),
        };
        self.purl = match self.ecosystem {
            // `$BUILDPLATFORM` and the like are decided at build time: not part of the identity.
            Ecosystem::Docker => {
                let literal = self.platform.as_deref().filter(|p| !p.contains('$'));
                purl::docker(&self.name, version, literal)
            }
            Ecosystem::Helm => purl::helm(&self.name, version, self.url.as_deref()),
            Ecosystem::Julia => purl::julia(&self.name, version, self.uuid.as_deref()),
            // A Podfile.lock subspec (`Firebase/Core`) is pod `Firebase` with extra `Core`.
            Ecosystem::Cocoapods => {
                purl::cocoapods(&self.name, version, self.extras.first().map(String::as_str))
            }
            // conan.lock: `@user/channel` is kept as `url`, the recipe revision as integrity.
            Ecosystem::Conan => purl::conan(
                &self.name,
                version,
                self.url.as_deref().filter(|u| u.starts_with('@')),
                self.integrity.as_deref(),
            ),
            // A conda spec's `channel::` prefix is kept in `url`.
            Ecosystem::Conda => purl::conda(&self.name, version, self.url.as_deref()),
            _ => purl::for_component(self.ecosystem, &self.name, version),
        };
    }

    /// Everything except locations, dependency edges and the declared licence: two findings
    /// with equal keys are the same component found at several places.
    fn merge_key(&self) -> impl Ord + '_ {
        (
            (
                self.ecosystem,
                &self.name,
                self.kind,
                &self.version,
                &self.constraint,
                self.scope,
                self.direct,
            ),
            (
                &self.source,
                &self.marker,
                &self.extras,
                &self.url,
                &self.integrity,
                &self.platform,
                &self.api,
                &self.uuid,
            ),
        )
    }

    fn sort_cmp(&self, other: &Self) -> Ordering {
        self.merge_key()
            .cmp(&other.merge_key())
            .then_with(|| self.locations.cmp(&other.locations))
    }
}

/// Counts describing one scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanStats {
    /// Files the walker visited (after ignore rules).
    pub files_walked: u64,
    /// Files some extractor claimed and read.
    pub files_extracted: u64,
    /// Files skipped because of the size limit.
    pub files_too_large: u64,
    /// Components after merging.
    pub components: u64,
    /// Components per extractor id.
    pub components_by_source: BTreeMap<String, u64>,
}

/// The result of `polyver scan`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub schema: String,
    /// The scanned root as given, with `/` separators.
    pub root: String,
    pub components: Vec<Component>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: ScanStats,
    /// How files refer to each other (includes), sorted; in-process only, not in the JSON.
    #[serde(skip)]
    pub links: Vec<Link>,
    /// The licences manifests declare for their own project, sorted; in-process only.
    #[serde(skip)]
    pub declared_licenses: Vec<project::LicenseDeclaration>,
    /// Licence files at the root (`LICENSE`, `COPYING-MIT`), sorted; in-process only.
    #[serde(skip)]
    pub license_files: Vec<String>,
}

impl Inventory {
    /// Builds an inventory from raw findings: merges duplicates (see the module docs), sorts
    /// components, locations, edges and diagnostics, and fills the component counts.
    pub fn finish(
        root: impl Into<String>,
        components: Vec<Component>,
        diagnostics: Vec<Diagnostic>,
        mut stats: ScanStats,
    ) -> Inventory {
        let components = merge_components(components);
        let mut diagnostics = diagnostics;
        diagnostics.sort();
        diagnostics.dedup();
        stats.components = components.len() as u64;
        stats.components_by_source.clear();
        for c in &components {
            *stats
                .components_by_source
                .entry(c.source.id().to_string())
                .or_default() += 1;
        }
        Inventory {
            schema: SCAN_SCHEMA.to_string(),
            root: root.into(),
            components,
            diagnostics,
            stats,
            links: Vec::new(),
            declared_licenses: Vec::new(),
            license_files: Vec::new(),
        }
    }

    /// Records what the walk learned about the project's own licence (sorted, deduplicated).
    pub fn with_license_facts(
        mut self,
        mut declared: Vec<project::LicenseDeclaration>,
        mut files: Vec<String>,
    ) -> Inventory {
        declared.sort();
        declared.dedup();
        files.sort();
        files.dedup();
        self.declared_licenses = declared;
        self.license_files = files;
        self
    }

    /// Records the walk's links (sorted, without duplicates).
    pub fn with_links(mut self, mut links: Vec<Link>) -> Inventory {
        links.sort();
        links.dedup();
        self.links = links;
        self
    }
}

/// Merges components that differ only in locations (and dependency edges, which are
/// unioned), then sorts everything deterministically.
pub fn merge_components(mut components: Vec<Component>) -> Vec<Component> {
    for c in &mut components {
        c.locations.sort();
        c.locations.dedup();
        c.extras.sort();
        c.extras.dedup();
        c.dependencies.sort();
        c.dependencies.dedup();
        c.refresh_purl();
    }
    components.sort_by(Component::sort_cmp);
    let mut merged: Vec<Component> = Vec::with_capacity(components.len());
    for c in components {
        if let Some(last) = merged.last_mut() {
            if last.merge_key().cmp(&c.merge_key()) == Ordering::Equal {
                last.locations.extend(c.locations);
                last.locations.sort();
                last.locations.dedup();
                last.dependencies.extend(c.dependencies);
                last.dependencies.sort();
                last.dependencies.dedup();
                if last.license.is_none() {
                    last.license = c.license;
                }
                continue;
            }
        }
        merged.push(c);
    }
    merged
}

/// PEP 503 normalization: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for ch in name.trim().chars() {
        if matches!(ch, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(ch.to_lowercase());
            in_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests;
