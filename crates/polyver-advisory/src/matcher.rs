//! Matching an inventory against the database.
//!
//! Components are grouped by (OSV ecosystem, normalized name), so each package's advisories
//! are read and their ranges prepared once however many files mention it. Within a group:
//!
//! - every component with an exact version (a pin, a lock entry) is tested with the OSV
//!   schema's rules (`versions` lists, then `ECOSYSTEM`/`SEMVER` ranges through
//!   `polyver_version::osv`; `GIT` ranges are counted and skipped; `withdrawn` advisories
//!   were never stored);
//! - components with only a constraint are covered by the group's exact versions when there
//!   are any (the lock file resolved them); otherwise they are reported as *not pinned*, with
//!   the advisories whose affected versions intersect the constraint (interval algebra of the
//!   ecosystem), never passed silently.
//!
//! Advisories of one flaw published under several ids (CVE, GHSA, PYSEC, GO, RUSTSEC) are
//! merged through their `aliases` into one finding.

use crate::db::{Database, DbError};
use crate::osv::{normalize_name, osv_ecosystem, version_scheme, Advisory, Affected};
use crate::severity::{rate, Rated};
use polyver_model::project::{ancestors, dir_of, Project};
use polyver_model::{Component, Ecosystem, FindingSeverity, Inventory, Kind, Location};
use polyver_version::osv::{PreparedRange, RangeType};
use polyver_version::{AnyVersion, Ecosystem as Scheme};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

mod actions;
mod findings;
mod ranges;
mod replaced;

use findings::{alias_groups, apply_ignores, order, pinned_finding, unpinned_finding};
use ranges::{admits, affects};

/// An `[[audit.ignore]]` entry of polyver.toml.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ignore {
    /// An advisory id or alias (`GHSA-…`, `CVE-…`, `PYSEC-…`).
    pub id: String,
    pub reason: String,
    /// `YYYY-MM-DD`: the ignore holds through this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    pub ignores: Vec<Ignore>,
    /// Today as `YYYY-MM-DD`, to expire ignores.
    pub today: String,
}

/// Whether the finding is about a known version or an unpinned constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The exact version is affected.
    Affected,
    /// No exact version is known (no pin, no lock); the constraint admits affected versions.
    NotPinned,
}

/// An ignore that applies to a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedIgnore {
    pub id: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The `until` date has passed: the finding is reported again.
    pub expired: bool,
}

/// One vulnerability of one component (all aliases of one flaw merged).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VulnFinding {
    /// The primary advisory id.
    pub id: String,
    /// Every other id of the same flaw, sorted.
    pub aliases: Vec<String>,
    pub status: Status,
    pub summary: String,
    pub ecosystem: Ecosystem,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The constraints the manifests put on the package (for the fix check).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    pub locations: Vec<Location>,
    /// Rated severity; `None` when the advisories give none.
    pub severity: Option<FindingSeverity>,
    /// What `--fail-on` and sorting use: the severity, or `medium` when unknown.
    pub effective_severity: FindingSeverity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    pub severity_source: &'static str,
    /// Every `fixed` version of the ranges that affect it, ascending.
    pub fixed_versions: Vec<String>,
    /// The smallest fixed version above the current one that no merged advisory affects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smallest_fix: Option<String>,
    /// Whether `smallest_fix` satisfies every manifest constraint (an upgrade within the
    /// declared range) or a constraint must change; `None` without fix or constraint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_satisfies_constraint: Option<bool>,
    /// Not pinned: the advisories the constraint admits (primary ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub admitted: Vec<String>,
    pub url: String,
    /// When the flaw was made public: the earliest `published` of the merged advisories
    /// (RFC 3339, as the advisories write it); for a not-pinned finding, of the advisory its
    /// severity comes from. `[policy.sla]` deadlines count from here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The latest `modified` of the same advisories (the SLA clock's start when no
    /// advisory gives `published`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<AppliedIgnore>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AuditStats {
    pub components: usize,
    /// Components looked up: of an ecosystem OSV covers and the database holds advisories
    /// for (the sum of `checked_by_ecosystem`).
    pub checked: usize,
    /// `checked` per OSV ecosystem (`PyPI`, `npm`, `GitHub Actions`, ...).
    pub checked_by_ecosystem: BTreeMap<String, usize>,
    /// Components of an OSV ecosystem the database has no advisories for (never imported),
    /// per ecosystem: not looked up, not counted as checked.
    pub not_covered_by_ecosystem: BTreeMap<String, usize>,
    /// Container images: OSV publishes no container-image advisories, so none is audited.
    pub images_not_audited: usize,
    /// Distinct (ecosystem, name) packages looked up.
    pub packages: usize,
    /// Advisories read from the database.
    pub advisories_read: usize,
    pub not_pinned: usize,
    /// GIT ranges met on matching packages (not evaluated: they need the commit graph).
    pub git_ranges_skipped: usize,
    /// Ranges whose events the ecosystem's version rules reject (skipped, see warnings).
    pub ranges_unparsed: usize,
    /// Components whose reference names no version (a GitHub Actions branch, a SHA
    /// without a `# vX.Y.Z` comment, a module replaced by a local directory): not looked
    /// up, not counted as checked.
    pub version_unknown: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AuditReport {
    /// Sorted by severity (most severe first), then score, package and id.
    pub findings: Vec<VulnFinding>,
    /// Findings silenced by a current `[[audit.ignore]]`.
    pub ignored: Vec<VulnFinding>,
    pub stats: AuditStats,
    pub warnings: Vec<String>,
}

/// One affected entry of one advisory, prepared for one package: event and listed versions
/// parsed once, however many versions of the package are tested.
struct Prepared<'a> {
    affected: &'a Affected,
    ranges: Vec<(RangeType, PreparedRange)>,
    /// The `versions` list, parsed and sorted (binary search).
    listed: Vec<AnyVersion>,
    /// Listed versions the ecosystem's rules reject, compared as strings.
    listed_raw: Vec<&'a str>,
}

/// A version to test, parsed once in each ordering a range may use.
struct Query<'a> {
    raw: &'a str,
    ecosystem: Option<AnyVersion>,
    semver: Option<AnyVersion>,
}

impl<'a> Query<'a> {
    fn new(scheme: Scheme, raw: &'a str) -> Self {
        Query {
            raw,
            ecosystem: AnyVersion::parse(scheme, raw).ok(),
            semver: polyver_version::semver2::Version::parse_lenient(raw)
                .ok()
                .map(AnyVersion::Semver),
        }
    }
}

/// Matches `inventory` against `db`.
pub fn audit(
    inventory: &Inventory,
    db: &Database,
    options: &AuditOptions,
) -> Result<AuditReport, DbError> {
    audit_components(&inventory.components, db, options)
}

pub fn audit_components(
    components: &[Component],
    db: &Database,
    options: &AuditOptions,
) -> Result<AuditReport, DbError> {
    let mut report = AuditReport::default();
    report.stats.components = components.len();
    let project = Project::from_parts(components, &[]);
    let mut groups: BTreeMap<(&'static str, String), Vec<&Component>> = BTreeMap::new();
    // GitHub Actions refs in the form OSV's ranges compare (see `actions`).
    let actions: Vec<Component> = components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::GithubActions)
        .filter_map(actions::matchable)
        .collect();
    report.stats.version_unknown = components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::GithubActions)
        .count()
        - actions.len();
    if report.stats.version_unknown > 0 {
        report.warnings.push(format!(
            "{} GitHub Actions {} no version (a branch, or a commit SHA without a \
             `# vX.Y.Z` comment): not checked",
            report.stats.version_unknown,
            if report.stats.version_unknown == 1 {
                "reference names"
            } else {
                "references name"
            }
        ));
    }
    // A replaced module is matched as what is built (see `replaced`).
    let built: Vec<Component> = components
        .iter()
        .filter(|c| c.replaced)
        .filter_map(replaced::as_built)
        .collect();
    let local = components.iter().filter(|c| c.replaced).count() - built.len();
    if local > 0 {
        report.stats.version_unknown += local;
        report.warnings.push(format!(
            "{local} {} replaced by a local directory {} no version: not checked",
            if local == 1 { "module" } else { "modules" },
            if local == 1 { "names" } else { "name" }
        ));
    }
    let others = components
        .iter()
        .filter(|c| c.ecosystem != Ecosystem::GithubActions && !c.replaced);
    let covered = db.ecosystems();
    for c in others.chain(actions.iter()).chain(built.iter()) {
        let Some(key) = osv_key(c) else {
            if c.kind == Kind::Image {
                report.stats.images_not_audited += 1;
            }
            continue;
        };
        if !covered.contains_key(key.0) {
            *report
                .stats
                .not_covered_by_ecosystem
                .entry(key.0.to_string())
                .or_default() += 1;
            continue;
        }
        report.stats.checked += 1;
        *report
            .stats
            .checked_by_ecosystem
            .entry(key.0.to_string())
            .or_default() += 1;
        groups.entry(key).or_default().push(c);
    }
    report.stats.packages = groups.len();
    // Packages are independent: match them in parallel, then merge in key order.
    let groups: Vec<_> = groups.into_iter().collect();
    let results: Vec<Result<PackageResult, DbError>> = groups
        .par_iter()
        .map(|((eco, name), members)| audit_package(db, &project, eco, name, members, options))
        .collect();
    for r in results {
        let r = r?;
        report.findings.extend(r.findings);
        report.ignored.extend(r.ignored);
        report.warnings.extend(r.warnings);
        report.stats.advisories_read += r.advisories_read;
        report.stats.not_pinned += r.not_pinned;
        report.stats.git_ranges_skipped += r.git_ranges_skipped;
        report.stats.ranges_unparsed += r.ranges_unparsed;
    }
    apply_ignores(&mut report, options);
    report.findings.sort_by(order);
    report.ignored.sort_by(order);
    Ok(report)
}

/// Where OSV files a component: its ecosystem and normalized name; a Go toolchain version
/// (`toolchain go1.21.3` in go.mod) is Go's `stdlib`. (The `go` directive is only a minimum
/// language version, not the toolchain that builds: it is not matched.)
fn osv_key(c: &Component) -> Option<(&'static str, String)> {
    match osv_ecosystem(c.ecosystem) {
        Some(eco) => Some((eco, normalize_name(eco, &c.name))),
        None if c.ecosystem == Ecosystem::Generic && c.name == "go" && c.version.is_some() => {
            Some(("Go", "stdlib".to_string()))
        }
        None => None,
    }
}

#[derive(Default)]
struct PackageResult {
    findings: Vec<VulnFinding>,
    ignored: Vec<VulnFinding>,
    warnings: Vec<String>,
    advisories_read: usize,
    not_pinned: usize,
    git_ranges_skipped: usize,
    ranges_unparsed: usize,
}

/// Matches the components of one package (same OSV ecosystem and normalized name).
fn audit_package(
    db: &Database,
    project: &Project,
    eco: &str,
    name: &str,
    members: &[&Component],
    options: &AuditOptions,
) -> Result<PackageResult, DbError> {
    let mut report = PackageResult::default();
    let mut warned: BTreeSet<String> = BTreeSet::new();
    let blobs = db.lookup(eco, name);
    if blobs.is_empty() {
        return Ok(report);
    }
    let Some(scheme) = version_scheme(eco) else {
        return Ok(report);
    };
    let advisories: Vec<Advisory> = blobs
        .iter()
        .map(|&b| db.load(b))
        .collect::<Result<_, _>>()?;
    report.advisories_read += advisories.len();
    let ratings: Vec<Rated> = advisories.iter().map(rate).collect();
    let mut prepared: Vec<Vec<Prepared>> = Vec::with_capacity(advisories.len());
    for a in &advisories {
        let mut entries = Vec::new();
        for aff in &a.affected {
            let Some(p) = &aff.package else { continue };
            if crate::osv::base_ecosystem(&p.ecosystem) != eco
                || normalize_name(eco, &p.name) != name
            {
                continue;
            }
            let mut ranges = Vec::new();
            for r in &aff.ranges {
                let Some(kind) = RangeType::parse(&r.kind) else {
                    continue;
                };
                if kind == RangeType::Git {
                    report.git_ranges_skipped += 1;
                    continue;
                }
                let events: Vec<_> = r.events.iter().filter_map(|e| e.to_engine()).collect();
                match PreparedRange::new(scheme, kind, &events) {
                    Ok(pr) => ranges.push((kind, pr)),
                    Err(e) => {
                        report.ranges_unparsed += 1;
                        if warned.insert(a.id.clone()) {
                            report
                                .warnings
                                .push(format!("{}: {} range skipped: {e}", a.id, r.kind));
                        }
                    }
                }
            }
            let mut listed = Vec::new();
            let mut listed_raw = Vec::new();
            for v in &aff.versions {
                match AnyVersion::parse(scheme, v) {
                    Ok(parsed) => listed.push(parsed),
                    Err(_) => listed_raw.push(v.as_str()),
                }
            }
            listed.sort();
            entries.push(Prepared {
                affected: aff,
                ranges,
                listed,
                listed_raw,
            });
        }
        prepared.push(entries);
    }
    let pinned: Vec<&&Component> = members.iter().filter(|c| c.version.is_some()).collect();
    // A range constraint counts as resolved only by a pin in its own directory or above it
    // (the lock beside the manifest, or a workspace lock): a pin of the same package in an
    // unrelated service says nothing about what this manifest installs.
    let mut resolved_constraints: Vec<(&Component, String)> = Vec::new();
    let is_actions = eco == "GitHub Actions";
    for c in members.iter().filter(|c| c.version.is_none()) {
        // A floating action tag is never resolved by another workflow's pin: each `uses:`
        // fetches what its own tag points at.
        let resolvers: Vec<&Component> = pinned
            .iter()
            .map(|p| **p)
            .filter(|p| !is_actions && resolves(project, p, c))
            .collect();
        if resolvers.is_empty() {
            report.not_pinned += 1;
            let raw = c.constraint.as_ref().map(|k| k.raw.as_str());
            // A floating tag admits what the releases it moves over admit (npm's semver).
            let floating = match raw.map(actions::parse_ref) {
                Some(actions::ActionRef::Floating(range)) if is_actions => Some(range),
                _ => None,
            };
            let (check_scheme, check_raw) = match &floating {
                Some(range) => (Scheme::Npm, Some(range.as_str())),
                None => (scheme, raw),
            };
            let admitted: Vec<usize> = (0..advisories.len())
                .filter(|&i| {
                    prepared[i]
                        .iter()
                        .any(|p| admits(check_scheme, check_raw, p.affected))
                })
                .collect();
            match unpinned_finding(c, raw, &advisories, &ratings, &admitted, options) {
                Some(Ok(f)) => report.findings.push(f),
                Some(Err(f)) => report.ignored.push(f),
                None => {}
            }
        } else if let Some(k) = &c.constraint {
            for r in resolvers {
                resolved_constraints.push((r, k.raw.clone()));
            }
        }
    }
    // Identical (version, file) pairs are tested once; the locations merge.
    let mut by_version: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
    for c in &pinned {
        by_version
            .entry(c.version.as_deref().unwrap_or_default())
            .or_default()
            .push(c);
    }
    for (version, comps) in by_version {
        let query = Query::new(scheme, version);
        let hits: Vec<usize> = (0..advisories.len())
            .filter(|&i| prepared[i].iter().any(|p| affects(p, &query)))
            .collect();
        if hits.is_empty() {
            continue;
        }
        // A lock's `==` (compiled requirements) is the resolution itself, not a constraint
        // to change: re-resolving moves it.
        let mut own: Vec<String> = comps
            .iter()
            .filter(|c| !c.source.is_lock())
            .filter_map(|c| c.constraint.as_ref())
            .map(|k| k.raw.clone())
            .filter(|raw| raw.trim() != version)
            .collect();
        // The manifest constraints these pins resolve (for the fix check).
        own.extend(
            resolved_constraints
                .iter()
                .filter(|(r, _)| comps.iter().any(|c| std::ptr::eq(*c, *r)))
                .map(|(_, raw)| raw.clone()),
        );
        own.sort();
        own.dedup();
        let mut locations: Vec<Location> = comps
            .iter()
            .flat_map(|c| c.locations.iter().cloned())
            .collect();
        locations.sort();
        locations.dedup();
        for group in alias_groups(&advisories, &hits) {
            report.findings.push(pinned_finding(
                comps[0],
                version,
                &own,
                &locations,
                &advisories,
                &ratings,
                &group,
                &prepared,
                scheme,
            ));
        }
    }
    Ok(report)
}

/// Whether the pin `pin` tells what the unpinned declaration `decl` installs: a lock pin
/// when the project pairs that lock with the declaring manifest (beside it, or the workspace
/// lock above); any other pin when it lives in the declaration's directory or one above.
fn resolves(project: &Project, pin: &Component, decl: &Component) -> bool {
    pin.locations.iter().any(|p| {
        decl.locations.iter().any(|d| {
            if pin.source.is_lock() {
                return project.lock_resolves(&p.path, decl.source, &d.path);
            }
            let (above, here) = (dir_of(&p.path), dir_of(&d.path));
            ancestors(here).any(|a| a == above)
        })
    })
}
