//! The resolution chain: for every package of an inventory, the best source of its licence,
//! the policy verdict and the compatibility with the project's licence.
//!
//! Sources, best first — the first one that maps to an expression wins, and its place is
//! kept as `source`:
//! 1. the lock file's own metadata (`package-lock.json:123`, `composer.lock:40`);
//! 2. installed metadata (`.venv/lib/python3.12/site-packages/x.dist-info/METADATA`,
//!    `node_modules/x/package.json`, `$CARGO_HOME/registry/src/…/x-1.0.0/Cargo.toml`,
//!    `vendor/x/Cargo.toml`, Go licence files in `$GOMODCACHE/<path>@<version>/` or
//!    `vendor/<path>/`);
//! 3. the registry (`registry:pypi`, `registry:npm`, `registry:cargo`), when given one.
//!
//! A source that answers but cannot be mapped (free text polyver does not know) is kept as
//! the fallback, so the report shows what was declared. Packages are the inventory's
//! `package` components and the Go modules of `go.mod`, one row per
//! ecosystem/name/version; a manifest entry without a pinned version is dropped when a lock
//! pins the same name.

use crate::category::Category;
use crate::compat::{self, Compatibility};
use crate::expression::{normalize, Normalized};
use crate::installed::{self, CargoSources, GoSources};
use crate::policy::{effective_category, Outcome, Policy, Verdict};
use crate::project::{project_license, ProjectLicense};
use crate::registry::{self, Lookup, Registry};
use polyver_extract::installed::{Installed, InstalledQuery};
use polyver_extract::ScanConfig;
use polyver_model::project::dir_of;
use polyver_model::{
    Component, Ecosystem, Finding, FindingKind, FindingSeverity, Format, Inventory, Kind, Location,
    Scope,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The schema id of `polyver licenses --format json`.
pub const LICENSES_SCHEMA: &str = "polyver.licenses/v1";

/// One package's licence, where it was read, and the verdicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackageLicense {
    pub ecosystem: Ecosystem,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub scope: Scope,
    pub direct: bool,
    pub purl: String,
    /// Where the package is declared (`path:line`).
    pub location: String,
    pub license: Normalized,
    pub category: Category,
    /// Where the licence was read; `None` when no source had it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<Compatibility>,
}

/// Counts for the summary line and CI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub packages: usize,
    pub by_category: BTreeMap<String, usize>,
    pub by_source: BTreeMap<String, usize>,
    pub violations: usize,
    pub warnings: usize,
    pub unknown: usize,
    pub incompatible: usize,
    /// Registry lookups made, and how many of them the on-disk cache answered.
    pub registry_lookups: usize,
    pub registry_cached: usize,
}

/// `polyver licenses` as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LicenseReport {
    pub schema: String,
    pub root: String,
    pub project: ProjectLicense,
    pub packages: Vec<PackageLicense>,
    pub summary: Summary,
    /// What could not be done (registry failures), for stderr.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl LicenseReport {
    pub fn has_violations(&self) -> bool {
        self.summary.violations > 0
    }

    /// The report as findings (the shape `polyver check`, the store and SARIF use):
    /// `license/denied` (high), `license/unknown` (high when the policy denies unknown
    /// licences, else low), `license/incompatible` (medium in runtime scope, info otherwise).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for p in &self.packages {
            let finding = |rule: &str, severity: FindingSeverity, title: String| Finding {
                kind: FindingKind::License,
                rule: rule.to_string(),
                severity_unknown: false,
                severity,
                title,
                ecosystem: Some(p.ecosystem),
                name: Some(p.name.clone()),
                version: p.version.clone(),
                aliases: Vec::new(),
                locations: p
                    .location
                    .rsplit_once(':')
                    .and_then(|(path, line)| Some(Location::new(path, line.parse().ok()?)))
                    .into_iter()
                    .collect(),
            };
            let licence = p.license.expression.as_deref().unwrap_or("unknown licence");
            let label = format!("{} {}", p.name, p.version.as_deref().unwrap_or(""));
            let label = label.trim_end();
            match (p.verdict.outcome, p.license.expression.is_some()) {
                (Outcome::Violation, true) => out.push(finding(
                    "license/denied",
                    FindingSeverity::High,
                    format!("{label}: {licence}: {}", p.verdict.reason),
                )),
                (Outcome::Violation, false) => out.push(finding(
                    "license/unknown",
                    FindingSeverity::High,
                    format!("{label}: {}", p.verdict.reason),
                )),
                (Outcome::Warn, _) => out.push(finding(
                    "license/unknown",
                    FindingSeverity::Low,
                    format!("{label}: {}", p.verdict.reason),
                )),
                (Outcome::Pass, _) => {}
            }
            if let Some(c) = &p.compatibility {
                let severity = match c.level {
                    compat::Level::Warning => FindingSeverity::Medium,
                    compat::Level::Info => FindingSeverity::Info,
                };
                out.push(finding(
                    "license/incompatible",
                    severity,
                    format!("{label}: {}", c.message),
                ));
            }
        }
        out
    }
}

/// What the resolution may use beyond the tree.
#[derive(Default)]
pub struct Sources<'a> {
    /// Registry lookups for what the tree does not say; `None` = local sources only.
    pub registry: Option<&'a Registry>,
    /// Said in the unknown note of packages a registry could have answered.
    pub offline: bool,
    /// Cargo's home (`$CARGO_HOME`, `~/.cargo`), whose unpacked crate sources carry their
    /// licences; `None` = not looked at.
    pub cargo_home: Option<PathBuf>,
    /// Go's module cache (`$GOMODCACHE`, `$GOPATH/pkg/mod`); `None` = not looked at.
    pub go_mod_cache: Option<PathBuf>,
    /// Called as registry answers arrive, with (answered, total): a progress bar.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// The scan's rules (exclude globs, symlink policy, size cap), which installed metadata
    /// in the tree (`node_modules`, virtualenvs) is found with.
    pub scan: ScanConfig,
}

/// What the npm and Python packages still unknown may have installed in the tree: their
/// `node_modules` and virtualenvs beside the files that declare them and at the root, found
/// with the scan's rules (`polyver_extract::installed`). An invalid exclude glob, which the
/// scan itself refuses first, finds nothing.
fn installed_in_tree(root: &Path, packages: &[Pending], scan: &ScanConfig) -> Installed {
    let mut query = InstalledQuery::default();
    for p in packages.iter().filter(|p| p.known().is_none()) {
        let (dirs, names) = match p.row.ecosystem {
            Ecosystem::Npm => (&mut query.npm_dirs, &mut query.npm_names),
            Ecosystem::Pypi => (&mut query.python_dirs, &mut query.python_names),
            _ => continue,
        };
        names.insert(p.row.name.clone());
        dirs.insert(String::new());
        dirs.extend(p.paths.iter().map(|path| dir_of(path).to_string()));
    }
    // Bounded per repository, as the lookups were.
    for dirs in [&mut query.npm_dirs, &mut query.python_dirs] {
        while dirs.len() > 256 {
            dirs.pop_last();
        }
    }
    polyver_extract::installed::installed(root, scan, &query).unwrap_or_default()
}

/// Resolves the licences of `inventory`'s packages found under `root`.
pub fn resolve(
    root: &Path,
    inventory: &Inventory,
    sources: &Sources,
    policy: &Policy,
) -> LicenseReport {
    let project = project_license(root, inventory);
    let mut packages = collect(inventory);
    let mut notes = Vec::new();
    let mut summary = Summary::default();

    // 2. installed metadata, looked up beside the manifests that declare the packages.
    let dirs_of = |eco: Ecosystem| -> Vec<PathBuf> {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        dirs.insert(root.to_path_buf());
        for p in packages.iter().filter(|p| p.row.ecosystem == eco) {
            for path in &p.paths {
                if let Some(parent) = Path::new(path).parent() {
                    dirs.insert(root.join(parent));
                }
            }
        }
        dirs.into_iter().take(256).collect()
    };
    // npm and Python metadata inside the tree: found by one walk with the scan's rules.
    let installed = installed_in_tree(root, &packages, &sources.scan);
    let cargo = CargoSources::discover(
        sources.cargo_home.as_deref(),
        &dirs_of(Ecosystem::Cargo),
        &sources.scan,
    );
    let go = GoSources::discover(
        sources.go_mod_cache.as_deref(),
        &dirs_of(Ecosystem::Go),
        &sources.scan,
    );
    for p in packages.iter_mut().filter(|p| p.known().is_none()) {
        let found = match p.row.ecosystem {
            Ecosystem::Pypi => installed::python(&installed, &p.row.name, p.row.version.as_deref()),
            Ecosystem::Npm => {
                // node_modules beside the files that declare the package, then the root's
                // (bounded per package, not per repository).
                let mut dirs: Vec<&str> = p.paths.iter().map(|path| dir_of(path)).collect();
                dirs.push("");
                dirs.dedup();
                dirs.truncate(16);
                installed::node_module(&installed, &dirs, &p.row.name, p.row.version.as_deref())
            }
            Ecosystem::Cargo => cargo.lookup(root, &p.row.name, p.row.version.as_deref()),
            Ecosystem::Go => go.lookup(root, &p.row.name, p.row.version.as_deref()),
            _ => None,
        };
        if let Some(f) = found {
            p.offer(f.license, f.path);
        }
    }

    for p in packages
        .iter_mut()
        .filter(|p| p.known().is_none() && !registry::supported(p.row.ecosystem))
    {
        p.miss = Some(format!(
            "no local source, and polyver has no {} registry lookup",
            p.row.ecosystem
        ));
    }

    // 3. the registry, for versioned packages still unknown.
    let wanted: Vec<usize> = packages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.known().is_none() && p.row.version.is_some() && registry::supported(p.row.ecosystem)
        })
        .map(|(i, _)| i)
        .collect();
    if let Some(reg) = sources.registry {
        let queries: Vec<(Ecosystem, String, String)> = wanted
            .iter()
            .map(|&i| {
                let r = &packages[i].row;
                (
                    r.ecosystem,
                    r.name.clone(),
                    r.version.clone().unwrap_or_default(),
                )
            })
            .collect();
        let answers = reg.lookup_all(&queries, sources.progress.unwrap_or(&|_, _| {}));
        let mut failures = Vec::new();
        for (&i, answer) in wanted.iter().zip(answers) {
            // Offline, a lookup the cache cannot answer was not made.
            let made = !(sources.offline && matches!(answer, Lookup::Failed(_)));
            summary.registry_lookups += usize::from(made);
            match answer {
                Lookup::Found {
                    license,
                    source,
                    cached,
                } => {
                    summary.registry_cached += usize::from(cached);
                    packages[i].offer(license, source);
                }
                Lookup::NotFound(why) => packages[i].miss = Some(why),
                Lookup::Failed(_) if sources.offline => {
                    packages[i].miss =
                        Some("no local source (offline, no cached registry answer)".to_string());
                }
                Lookup::Failed(why) => {
                    packages[i].miss = Some(format!("registry lookup failed: {why}"));
                    failures.push(why);
                }
            }
        }
        if let Some(first) = failures.first() {
            notes.push(format!(
                "{} failed; first: {first}",
                if failures.len() == 1 {
                    "1 registry lookup".to_string()
                } else {
                    format!("{} registry lookups", failures.len())
                }
            ));
        }
    } else {
        for &i in &wanted {
            packages[i].miss = Some(if sources.offline {
                "no local source (offline: registry not asked)".to_string()
            } else {
                "no local source (registry lookups off)".to_string()
            });
        }
    }

    let rows: Vec<PackageLicense> = packages
        .into_iter()
        .map(|p| {
            let mut row = p.row;
            let (license, source) = match (p.best, p.fallback) {
                (Some((l, s)), _) => (l, Some(s)),
                (None, Some((l, s))) => (l, Some(s)),
                (None, None) => (
                    Normalized::unknown(
                        "",
                        p.miss
                            .unwrap_or_else(|| "no source declares a licence".to_string()),
                    ),
                    None,
                ),
            };
            row.category = effective_category(&license);
            row.verdict = policy.evaluate(
                row.ecosystem.id(),
                &row.name,
                row.version.as_deref(),
                &license,
            );
            row.compatibility = compat::check(&project, &license, row.scope);
            row.source = source;
            row.license = license;
            row
        })
        .collect();

    summary.packages = rows.len();
    for r in &rows {
        *summary
            .by_category
            .entry(r.category.id().to_string())
            .or_default() += 1;
        let kind = r.source.as_deref().map_or("none", source_kind);
        *summary.by_source.entry(kind.to_string()).or_default() += 1;
        match r.verdict.outcome {
            Outcome::Violation => summary.violations += 1,
            Outcome::Warn => summary.warnings += 1,
            Outcome::Pass => {}
        }
        summary.unknown += usize::from(r.license.expression.is_none());
        summary.incompatible += usize::from(
            r.compatibility
                .as_ref()
                .is_some_and(|c| c.level == compat::Level::Warning),
        );
    }
    LicenseReport {
        schema: LICENSES_SCHEMA.to_string(),
        root: inventory.root.clone(),
        project,
        packages: rows,
        summary,
        notes,
    }
}

/// `package-lock.json:12` → `lock/manifest`, `…/METADATA` → `installed`, `registry:pypi` → `registry`.
fn source_kind(source: &str) -> &'static str {
    if source.starts_with("registry:") {
        "registry"
    } else if source.contains("site-packages/")
        || source.contains("node_modules/")
        || source.starts_with("$CARGO_HOME/")
        || source.starts_with("$GOMODCACHE/")
        || source.starts_with("vendor/")
    {
        "installed"
    } else {
        "lock-file"
    }
}

/// A package being resolved.
struct Pending {
    row: PackageLicense,
    paths: Vec<String>,
    /// The first source that mapped to an expression.
    best: Option<(Normalized, String)>,
    /// The first source that answered, mapped or not.
    fallback: Option<(Normalized, String)>,
    /// Why nothing answered.
    miss: Option<String>,
}

impl Pending {
    fn known(&self) -> Option<&Normalized> {
        self.best.as_ref().map(|(l, _)| l)
    }

    fn offer(&mut self, license: Normalized, source: String) {
        if self.best.is_some() {
            return;
        }
        if license.expression.is_some() {
            self.best = Some((license, source));
        } else if self.fallback.is_none() {
            self.fallback = Some((license, source));
        }
    }
}

/// The inventory's packages, one per ecosystem/name/version, with lock-file licences offered.
fn collect(inventory: &Inventory) -> Vec<Pending> {
    let mut by_key: BTreeMap<(Ecosystem, String, Option<String>), Vec<&Component>> =
        BTreeMap::new();
    // Packages, and Go modules as go.mod lists them (go.sum also names versions the build
    // does not use).
    let is_dependency = |c: &&Component| {
        c.kind == Kind::Package
            || (c.kind == Kind::Module && c.ecosystem == Ecosystem::Go && c.source == Format::GoMod)
    };
    for c in inventory.components.iter().filter(is_dependency) {
        by_key
            .entry((c.ecosystem, c.name.clone(), c.version.clone()))
            .or_default()
            .push(c);
    }
    let pinned: BTreeSet<(Ecosystem, String)> = by_key
        .keys()
        .filter(|(_, _, v)| v.is_some())
        .map(|(e, n, _)| (*e, n.clone()))
        .collect();
    by_key
        .into_iter()
        .filter(|((e, n, v), _)| v.is_some() || !pinned.contains(&(*e, n.clone())))
        .map(|((ecosystem, name, version), comps)| {
            let first = comps[0];
            let scope = comps
                .iter()
                .map(|c| c.scope)
                .min()
                .unwrap_or(Scope::Runtime);
            let paths: Vec<String> = comps
                .iter()
                .flat_map(|c| c.locations.iter().map(|l| l.path.clone()))
                .collect();
            let location = first
                .locations
                .first()
                .map_or_else(String::new, |l| format!("{}:{}", l.path, l.line));
            let mut pending = Pending {
                row: PackageLicense {
                    ecosystem,
                    name,
                    version,
                    scope,
                    direct: comps.iter().any(|c| c.direct),
                    purl: first.purl.clone(),
                    location,
                    license: Normalized::unknown("", ""),
                    category: Category::Unknown,
                    source: None,
                    verdict: Verdict {
                        outcome: Outcome::Pass,
                        reason: String::new(),
                    },
                    compatibility: None,
                },
                paths,
                best: None,
                fallback: None,
                miss: None,
            };
            for c in &comps {
                if let (Some(declared), Some(loc)) = (&c.license, c.locations.first()) {
                    pending.offer(normalize(declared), format!("{}:{}", loc.path, loc.line));
                }
            }
            pending
        })
        .collect()
}
