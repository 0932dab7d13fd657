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
use polyver_model::{Component, Ecosystem, FindingSeverity, Inventory, Location};
use polyver_version::osv::{PreparedRange, RangeType};
use polyver_version::{AnyVersion, Ecosystem as Scheme};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<AppliedIgnore>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AuditStats {
    pub components: usize,
    /// Components of an ecosystem OSV covers, that were looked up.
    pub checked: usize,
    /// Distinct (ecosystem, name) packages looked up.
    pub packages: usize,
    /// Advisories read from the database.
    pub advisories_read: usize,
    pub not_pinned: usize,
    /// GIT ranges met on matching packages (not evaluated: they need the commit graph).
    pub git_ranges_skipped: usize,
    /// Ranges whose events the ecosystem's version rules reject (skipped, see warnings).
    pub ranges_unparsed: usize,
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
    for c in components {
        let Some(key) = osv_key(c) else {
            continue;
        };
        report.stats.checked += 1;
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
    for c in members.iter().filter(|c| c.version.is_none()) {
        let resolvers: Vec<&Component> = pinned
            .iter()
            .map(|p| **p)
            .filter(|p| resolves(project, p, c))
            .collect();
        if resolvers.is_empty() {
            report.not_pinned += 1;
            let raw = c.constraint.as_ref().map(|k| k.raw.as_str());
            let admitted: Vec<usize> = (0..advisories.len())
                .filter(|&i| prepared[i].iter().any(|p| admits(scheme, raw, p.affected)))
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
        let mut own: Vec<String> = comps
            .iter()
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

fn order(a: &VulnFinding, b: &VulnFinding) -> std::cmp::Ordering {
    b.effective_severity
        .cmp(&a.effective_severity)
        .then_with(|| {
            b.score
                .unwrap_or(-1.0)
                .partial_cmp(&a.score.unwrap_or(-1.0))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.version.cmp(&b.version))
        .then_with(|| a.id.cmp(&b.id))
}

/// The schema's `IsAffected` for one affected entry: in the `versions` list (equality in the
/// ecosystem's scheme, else as strings, as `polyver_version::osv::in_versions_list`), or in
/// one of the ranges.
fn affects(p: &Prepared, q: &Query) -> bool {
    if q.ecosystem
        .as_ref()
        .is_some_and(|v| p.listed.binary_search(v).is_ok())
        || p.listed_raw.contains(&q.raw)
    {
        return true;
    }
    p.ranges.iter().any(|(kind, r)| {
        let v = match kind {
            RangeType::Semver => q.semver.as_ref(),
            _ => q.ecosystem.as_ref(),
        };
        v.is_some_and(|v| r.contains(v))
    })
}

/// Groups advisory indexes that name each other (or share an alias) into one flaw.
fn alias_groups(advisories: &[Advisory], hits: &[usize]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (slot, &i) in hits.iter().enumerate() {
        let a = &advisories[i];
        for id in std::iter::once(&a.id).chain(a.aliases.iter()) {
            match owner.get(id.as_str()) {
                Some(&other) => {
                    let (x, y) = (find(&mut parent, slot), find(&mut parent, other));
                    parent[x] = y;
                }
                None => {
                    owner.insert(id, slot);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (slot, &hit) in hits.iter().enumerate() {
        let root = find(&mut parent, slot);
        groups.entry(root).or_default().push(hit);
    }
    groups.into_values().collect()
}

/// The primary id of a group: a database's own id (PYSEC, GO, RUSTSEC, GHSA) before a CVE,
/// then the smallest.
fn primary_and_aliases(advisories: &[Advisory], group: &[usize]) -> (String, Vec<String>) {
    let mut stored: Vec<&str> = group.iter().map(|&i| advisories[i].id.as_str()).collect();
    stored.sort_by_key(|id| (id.starts_with("CVE-"), *id));
    let primary = stored[0].to_string();
    let mut all: BTreeSet<String> = BTreeSet::new();
    for &i in group {
        all.insert(advisories[i].id.clone());
        all.extend(advisories[i].aliases.iter().cloned());
    }
    all.remove(&primary);
    (primary, all.into_iter().collect())
}

fn group_rating(ratings: &[Rated], group: &[usize]) -> Rated {
    group
        .iter()
        .map(|&i| ratings[i].clone())
        .fold(Rated::UNKNOWN, Rated::max)
}

#[allow(clippy::too_many_arguments)]
fn pinned_finding(
    component: &Component,
    version: &str,
    constraints: &[String],
    locations: &[Location],
    advisories: &[Advisory],
    ratings: &[Rated],
    group: &[usize],
    prepared: &[Vec<Prepared>],
    scheme: Scheme,
) -> VulnFinding {
    let entries = || group.iter().flat_map(|&i| prepared[i].iter());
    let (id, aliases) = primary_and_aliases(advisories, group);
    let rated = group_rating(ratings, group);
    let primary = group
        .iter()
        .map(|&i| &advisories[i])
        .find(|a| a.id == id)
        .unwrap_or(&advisories[group[0]]);
    let summary = group
        .iter()
        .map(|&i| advisories[i].summary.as_str())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string();
    // Fixed versions of every affecting range, in that range's order.
    let mut fixes: Vec<(AnyVersion, String)> = Vec::new();
    let mut current: Option<AnyVersion> = None;
    let query = Query::new(scheme, version);
    for p in entries() {
        for (kind, r) in &p.ranges {
            let parsed = match kind {
                RangeType::Semver => query.semver.as_ref(),
                _ => query.ecosystem.as_ref(),
            };
            let Some(v) = parsed else {
                continue;
            };
            if current.is_none() {
                current = Some(v.clone());
            }
            for f in r.fixed_versions() {
                fixes.push((f.clone(), f.to_string()));
            }
        }
    }
    fixes.sort_by(|a, b| a.0.cmp(&b.0));
    fixes.dedup_by(|a, b| a.0 == b.0);
    let go_prefix = component.ecosystem == Ecosystem::Go && version.starts_with('v');
    let shown = |s: &str| {
        if go_prefix && !s.starts_with('v') {
            format!("v{s}")
        } else {
            s.to_string()
        }
    };
    let smallest_fix = fixes
        .iter()
        .filter(|(f, _)| current.as_ref().is_none_or(|c| f > c))
        .find(|(_, text)| {
            let candidate = shown(text);
            let query = Query::new(scheme, &candidate);
            !entries().any(|p| affects(p, &query))
        })
        .map(|(_, text)| shown(text));
    let fix_satisfies_constraint = match (&smallest_fix, constraints.is_empty()) {
        (Some(fix), false) => {
            let mut all = true;
            let mut known = false;
            for c in constraints {
                if let Ok(ok) = polyver_version::satisfies(scheme, fix, c) {
                    known = true;
                    all &= ok;
                }
            }
            known.then_some(all)
        }
        _ => None,
    };
    VulnFinding {
        id,
        aliases,
        status: Status::Affected,
        summary,
        ecosystem: component.ecosystem,
        name: component.name.clone(),
        version: Some(version.to_string()),
        constraints: constraints.to_vec(),
        locations: locations.to_vec(),
        severity: rated.severity,
        effective_severity: rated.severity.unwrap_or(FindingSeverity::Medium),
        score: rated.score,
        vector: rated.vector,
        severity_source: rated.source,
        fixed_versions: fixes.iter().map(|(_, t)| shown(t)).collect(),
        smallest_fix,
        fix_satisfies_constraint,
        admitted: Vec::new(),
        url: primary.url(),
        ignore: None,
    }
}

/// The ignore that applies to a flaw known by `ids`, if any.
fn ignore_for<'a>(options: &'a AuditOptions, ids: &[&str]) -> Option<(&'a Ignore, bool)> {
    options
        .ignores
        .iter()
        .find(|ig| ids.iter().any(|id| id.eq_ignore_ascii_case(&ig.id)))
        .map(|ig| {
            let expired = ig
                .until
                .as_deref()
                .is_some_and(|until| until < options.today.as_str());
            (ig, expired)
        })
}

fn applied(ig: &Ignore, expired: bool) -> AppliedIgnore {
    AppliedIgnore {
        id: ig.id.clone(),
        reason: ig.reason.clone(),
        until: ig.until.clone(),
        expired,
    }
}

/// The not-pinned finding of a component, with the advisories its constraint admits. An
/// `[[audit.ignore]]` removes its advisory from the list; when it removes all of them the
/// finding is ignored as a whole. (`Err` = ignored.)
fn unpinned_finding(
    c: &Component,
    constraint: Option<&str>,
    advisories: &[Advisory],
    ratings: &[Rated],
    admitted: &[usize],
    options: &AuditOptions,
) -> Option<Result<VulnFinding, VulnFinding>> {
    if admitted.is_empty() {
        return None;
    }
    let mut ids = Vec::new();
    let mut ignored_ids = Vec::new();
    let mut ignore: Option<AppliedIgnore> = None;
    let mut rated = Rated::UNKNOWN;
    let mut top: Option<(Rated, String)> = None;
    for g in &alias_groups(advisories, admitted) {
        let (id, aliases) = primary_and_aliases(advisories, g);
        let all: Vec<&str> = std::iter::once(id.as_str())
            .chain(aliases.iter().map(String::as_str))
            .collect();
        match ignore_for(options, &all) {
            Some((ig, false)) => {
                ignore.get_or_insert_with(|| applied(ig, false));
                ignored_ids.push(id);
                continue;
            }
            Some((ig, true)) => ignore = Some(applied(ig, true)),
            None => {}
        }
        let r = group_rating(ratings, g);
        rated = rated.max(r.clone());
        if top
            .as_ref()
            .is_none_or(|(t, _)| r.clone().max(t.clone()) != *t)
        {
            top = Some((r, id.clone()));
        }
        ids.push(id);
    }
    ids.sort();
    ignored_ids.sort();
    let what = match constraint {
        Some(raw) => format!("`{raw}`"),
        None => "no constraint".to_string(),
    };
    let all_ignored = ids.is_empty();
    let top_id = match top {
        Some((_, id)) => id,
        None => ignored_ids.first()?.clone(),
    };
    let shown = if all_ignored { &ignored_ids } else { &ids };
    let finding = VulnFinding {
        id: top_id.clone(),
        aliases: Vec::new(),
        status: Status::NotPinned,
        summary: format!(
            "version not pinned: {what} admits {} known vulnerabilit{}{} (pin it or add a lock file)",
            shown.len(),
            if shown.len() == 1 { "y" } else { "ies" },
            if all_ignored || ignored_ids.is_empty() {
                String::new()
            } else {
                format!(" ({} more ignored)", ignored_ids.len())
            }
        ),
        ecosystem: c.ecosystem,
        name: c.name.clone(),
        version: None,
        constraints: constraint.map(str::to_string).into_iter().collect(),
        locations: c.locations.clone(),
        severity: rated.severity,
        effective_severity: rated.severity.unwrap_or(FindingSeverity::Medium),
        score: rated.score,
        vector: rated.vector,
        severity_source: rated.source,
        fixed_versions: Vec::new(),
        smallest_fix: None,
        fix_satisfies_constraint: None,
        admitted: shown.clone(),
        url: format!("https://osv.dev/vulnerability/{top_id}"),
        ignore,
    };
    Some(if all_ignored {
        Err(finding)
    } else {
        Ok(finding)
    })
}

/// Whether some version admitted by `constraint` (any version when `None` or unparseable)
/// is affected by `affected`, on the interval form of both.
fn admits(scheme: Scheme, constraint: Option<&str>, affected: &Affected) -> bool {
    macro_rules! with {
        ($m:ident) => {{
            use polyver_version::$m as m;
            admits_in::<m::Version, m::Range, _, _>(
                constraint,
                affected,
                m::Version::parse,
                m::Range::parse,
            )
        }};
    }
    let known = match scheme {
        Scheme::Pypi => with!(pypi),
        Scheme::Npm => with!(npm),
        Scheme::Cargo => with!(cargo),
        Scheme::Maven => with!(maven),
        Scheme::Rubygems => with!(rubygems),
        Scheme::Nuget => with!(nuget),
        _ => None,
    };
    // When the sets cannot be built, say it may be affected rather than pass silently.
    known.unwrap_or(true)
}

fn admits_in<V, R, E1, E2>(
    constraint: Option<&str>,
    affected: &Affected,
    parse_version: impl Fn(&str) -> Result<V, E1>,
    parse_range: impl Fn(&str) -> Result<R, E2>,
) -> Option<bool>
where
    V: Ord + Clone + std::fmt::Display,
    R: polyver_version::algebra::Constraint<Version = V>,
{
    use polyver_version::{Bound, Interval, VersionSet};
    let allowed = match constraint
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != "*")
    {
        Some(c) => parse_range(c).ok()?.to_set(),
        None => VersionSet::full(),
    };
    for listed in &affected.versions {
        if let Ok(v) = parse_version(listed) {
            if allowed.contains(&v) {
                return Some(true);
            }
        }
    }
    for range in &affected.ranges {
        if range.kind == "GIT" {
            continue;
        }
        let mut events: Vec<(Option<V>, u8)> = Vec::new();
        let mut limit: Option<Option<V>> = None;
        for e in &range.events {
            let (text, kind) = match e.to_engine()? {
                polyver_version::osv::Event::Introduced(t) => (t, 0),
                polyver_version::osv::Event::Fixed(t) => (t, 1),
                polyver_version::osv::Event::LastAffected(t) => (t, 2),
                polyver_version::osv::Event::Limit(t) => {
                    let v = if t.contains('*') {
                        None
                    } else {
                        Some(parse_version(&t).ok()?)
                    };
                    limit = Some(match (limit, v) {
                        (Some(Some(a)), Some(b)) => Some(a.max(b)),
                        (_, v) => v,
                    });
                    continue;
                }
            };
            let v = if kind == 0 && text == "0" {
                None
            } else {
                Some(parse_version(&text).ok()?)
            };
            events.push((v, kind));
        }
        events.sort_by(|a, b| a.0.cmp(&b.0));
        let mut intervals = Vec::new();
        let mut open: Option<Bound<V>> = None;
        for (v, kind) in events {
            let at = |v: Option<V>, inclusive: bool| match v {
                None => Bound::Unbounded,
                Some(v) if inclusive => Bound::Included(v),
                Some(v) => Bound::Excluded(v),
            };
            match (kind, open.take()) {
                (0, None) => open = Some(at(v, true)),
                (0, still) => open = still,
                (1, Some(lower)) => intervals.extend(Interval::new(lower, at(v, false))),
                (2, Some(lower)) => intervals.extend(Interval::new(lower, at(v, true))),
                (_, None) => {}
                (_, Some(lower)) => open = Some(lower),
            }
        }
        if let Some(lower) = open {
            intervals.extend(Interval::new(lower, Bound::Unbounded));
        }
        let mut set = VersionSet::from_intervals(intervals);
        if let Some(Some(l)) = limit {
            set = set.intersect(&VersionSet::less_than(l));
        }
        if !set.intersect(&allowed).is_empty() {
            return Some(true);
        }
    }
    Some(false)
}

/// Routes the affected findings an `[[audit.ignore]]` names (by id or alias) to `ignored`;
/// an expired ignore leaves the finding reported, marked as such. (Not-pinned findings were
/// filtered per advisory already.)
fn apply_ignores(report: &mut AuditReport, options: &AuditOptions) {
    if options.ignores.is_empty() {
        return;
    }
    let findings = std::mem::take(&mut report.findings);
    for mut f in findings {
        if f.status == Status::NotPinned {
            report.findings.push(f);
            continue;
        }
        let ids: Vec<&str> = std::iter::once(f.id.as_str())
            .chain(f.aliases.iter().map(String::as_str))
            .collect();
        match ignore_for(options, &ids).map(|(ig, expired)| applied(ig, expired)) {
            Some(ig) if !ig.expired => {
                f.ignore = Some(ig);
                report.ignored.push(f);
            }
            other => {
                f.ignore = other;
                report.findings.push(f);
            }
        }
    }
}
