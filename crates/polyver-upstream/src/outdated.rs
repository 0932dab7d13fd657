//! `polyver outdated`: for each component, what it runs now, the newest version its declared
//! constraint admits, the newest stable release, and how far behind that is — in the
//! ecosystem's own version terms.
//!
//! - **current** is the exact version the file pins; for a manifest range it is what the
//!   lock file beside it (or the workspace lock above) resolved; for a GitHub action pinned
//!   to a commit it is the tag that points at that commit.
//! - **wanted** is the newest release (not yanked, not retracted) that the constraint admits,
//!   by the reference membership test (pre-release rules included).
//! - **latest** is the newest stable release (pre-releases only when the current one is a
//!   pre-release); npm's `latest` dist-tag wins where the registry sets it. Image tags and
//!   action tags keep their line: a `3.10.12-slim-bookworm` image moves to the newest tag of
//!   the `slim-bookworm` variant with as many release parts (never `latest`), `@v4` to `@v5`.
//! - **behind**: the bump kind and the number of majors/minors/patches; **days behind** is the
//!   time since the first newer release came out (how long an update has been waiting), and
//!   **libyears** the time between the current and the latest release (libyear.com).
//!
//! Each (ecosystem, name) is asked once, in parallel; a failing lookup is a problem of that
//! package and never the end of the run.

use crate::{Package, Registry, Release, Timestamp, Upstream, UpstreamError};
use polyver_model::project::{match_key, Project};
use polyver_model::{Component, Ecosystem, Inventory, Kind, Role, Scope};
use polyver_version::{self as version, Bump, Ecosystem as Scheme};
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

/// Lookups in flight at once, across registries.
const LOOKUP_THREADS: usize = 16;

/// What to look at.
#[derive(Clone, Debug)]
pub struct Options {
    /// Also transitive components (lock entries not declared by the repository).
    pub all: bool,
    /// How old a cached registry answer may be before it is revalidated (read by whoever
    /// builds the [`Upstream`], e.g. `polyver_engine::upstream::outdated`).
    pub max_age: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            all: false,
            max_age: crate::DEFAULT_MAX_AGE,
        }
    }
}

/// One component's answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub kind: Kind,
    pub scope: Scope,
    pub direct: bool,
    /// Where it is declared (the first location).
    pub path: String,
    pub line: u32,
    /// The constraint as written, if any.
    pub constraint: Option<String>,
    /// What runs now (see the module docs), if known.
    pub current: Option<String>,
    /// Where `current` came from when it is not written at `path`: the lock file, or
    /// `tag-of-commit` for an action pinned to a SHA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_from: Option<String>,
    pub wanted: Option<String>,
    pub latest: Option<String>,
    pub status: Status,
    /// The kind of bump from current to latest.
    #[serde(serialize_with = "bump_name")]
    pub bump: Option<Bump>,
    pub majors_behind: u64,
    pub minors_behind: u64,
    pub patches_behind: u64,
    pub current_published: Option<Timestamp>,
    pub latest_published: Option<Timestamp>,
    /// Days since the first release newer than current was published.
    pub days_behind: Option<u64>,
    /// Years between the current and the latest release.
    pub libyears: Option<f64>,
    /// The current release is yanked (with the reason, possibly empty).
    pub yanked: Option<String>,
    /// The current release, or the whole package, is deprecated.
    pub deprecated: Option<String>,
    /// The current release is retracted (Go).
    pub retracted: Option<String>,
    /// The pinned digest, when the file pins one (images, actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The digest the same tag points at now, when it moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_digest: Option<String>,
    /// Why `current`, `wanted` or `latest` could not be decided, when one of them is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a component stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Current is the latest (and its digest, if pinned, is the tag's).
    UpToDate,
    /// A newer release (or a newer digest of the same tag) exists.
    Outdated,
    /// Could not be decided: no current version, no comparable release, lookup failed.
    Unknown,
}

/// A lookup that failed: one package of one registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub message: String,
}

/// Everything `outdated` found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// Sorted by ecosystem, name, path, line.
    pub rows: Vec<Row>,
    /// Lookups that failed (network, registry errors, offline cache misses).
    pub problems: Vec<Problem>,
    /// Components not looked up, by reason (`no registry for generic`, `local or VCS source`).
    pub skipped: BTreeMap<String, usize>,
    /// Distinct packages asked for.
    pub lookups: usize,
    /// HTTP requests made and answers served by the cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<polyver_net::Stats>,
}

impl Report {
    /// The largest bump any row is behind by.
    pub fn max_bump(&self) -> Option<Bump> {
        self.rows.iter().filter_map(|r| r.bump).max()
    }

    /// Rows behind by at least `threshold`; a moved digest counts as a patch.
    pub fn behind_at_least(&self, threshold: Bump) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status == Status::Outdated)
            .filter(|r| r.bump.unwrap_or(Bump::Patch) >= threshold)
            .count()
    }
}

/// Progress of the lookups: `(done, total)`.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Looks every component of `inventory` up in `upstream` and decides where it stands.
pub fn outdated(
    inventory: &Inventory,
    upstream: &Upstream,
    options: &Options,
    now: Timestamp,
    progress: Progress<'_>,
) -> Report {
    let project = Project::of(inventory);
    let mut report = Report::default();
    let mut candidates = Vec::new();
    for (index, component) in inventory.components.iter().enumerate() {
        if let Some(reason) = skip_reason(component, options, upstream) {
            if let Some(reason) = reason {
                *report.skipped.entry(reason).or_default() += 1;
            }
            continue;
        }
        candidates.push(index);
    }
    let consumed = consumed_lock_entries(inventory, &project, &candidates);
    candidates.retain(|i| !consumed.contains(i));

    // One lookup per package, in parallel.
    let mut wanted: Vec<LookupKey> = candidates
        .iter()
        .map(|&i| lookup_key(&inventory.components[i]))
        .collect();
    wanted.sort();
    wanted.dedup();
    report.lookups = wanted.len();
    let done = AtomicUsize::new(0);
    let total = wanted.len();
    // Lookups wait on the network, not the CPU: more of them in flight than there are cores
    // (polyver-net still holds each host to its own limit).
    let lookup = || {
        wanted
            .into_par_iter()
            .map(|key| {
                let registry = upstream.registry(key.0).expect("skip_reason checked it");
                let answer = registry
                    .package_from(&key.1, key.2.as_deref())
                    .map_err(|e| describe(&e));
                progress(done.fetch_add(1, AtomicOrdering::Relaxed) + 1, total);
                (key, answer)
            })
            .collect()
    };
    let answers: HashMap<LookupKey, Result<Option<Package>, String>> =
        match rayon::ThreadPoolBuilder::new()
            .num_threads(LOOKUP_THREADS)
            .build()
        {
            Ok(pool) => pool.install(lookup),
            Err(_) => lookup(),
        };

    let mut reported = HashSet::new();
    for &index in &candidates {
        let component = &inventory.components[index];
        let key = lookup_key(component);
        let registry = upstream.registry(component.ecosystem).expect("checked");
        let (current, current_from) = current_of(inventory, &project, index);
        let mut row = blank_row(component, current, current_from);
        match &answers[&key] {
            Err(message) => {
                if reported.insert(key.clone()) {
                    report.problems.push(Problem {
                        ecosystem: key.0,
                        name: key.1.clone(),
                        message: message.clone(),
                    });
                }
                row.note = Some(format!("lookup failed: {message}"));
            }
            Ok(None) => row.note = Some("the registry has no such package".into()),
            Ok(Some(package)) => decide(&mut row, component, package, registry.as_ref(), now),
        }
        report.rows.push(row);
    }
    report.rows.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.path, a.line).cmp(&(b.ecosystem, &b.name, &b.path, b.line))
    });
    report
        .problems
        .sort_by(|a, b| (a.ecosystem, &a.name).cmp(&(b.ecosystem, &b.name)));
    report.network = upstream.network();
    report
}

/// What one lookup asks: the ecosystem, the name, and the repository it comes from where
/// names are not global (a Helm chart's repository).
type LookupKey = (Ecosystem, String, Option<String>);

fn lookup_key(c: &Component) -> LookupKey {
    let source = if c.ecosystem == Ecosystem::Helm {
        c.url.clone()
    } else {
        None
    };
    (c.ecosystem, c.name.clone(), source)
}

fn describe(error: &UpstreamError) -> String {
    match error {
        UpstreamError::Net(polyver_net::NetError::Offline { .. }) => {
            "not in the cache, and --offline is set".to_string()
        }
        other => other.to_string(),
    }
}

/// `Some(Some(reason))`: skipped and counted; `Some(None)`: not a candidate at all (a
/// transitive entry without `--all`, a migration); `None`: look it up.
fn skip_reason(c: &Component, options: &Options, upstream: &Upstream) -> Option<Option<String>> {
    let role = c.source.role();
    if matches!(c.kind, Kind::Migration | Kind::Api) {
        return Some(None);
    }
    if !c.direct && !options.all {
        return Some(None);
    }
    if role == Role::Checksums {
        return Some(None);
    }
    // A Helm dependency's `url` is its chart repository, where it is looked up; elsewhere a
    // URL is a Git, path or archive source no registry answers for.
    if (c.url.is_some() && c.ecosystem != Ecosystem::Helm) || c.replaced {
        return Some(Some("local, URL or VCS source".into()));
    }
    if upstream.registry(c.ecosystem).is_none() {
        return Some(Some(format!("no registry for {}", c.ecosystem.id())));
    }
    if c.version.is_none() && c.constraint.is_none() {
        return Some(Some("no version or constraint".into()));
    }
    None
}

/// Lock entries whose package a listed manifest component of the same ecosystem declares:
/// they give that row its current version instead of a row of their own.
fn consumed_lock_entries(
    inventory: &Inventory,
    project: &Project,
    candidates: &[usize],
) -> HashSet<usize> {
    let mut consumed = HashSet::new();
    for &i in candidates {
        let c = &inventory.components[i];
        if c.source.role() != Role::Manifest {
            continue;
        }
        consumed.extend(lock_entries_for(inventory, project, i));
    }
    consumed
}

/// The entries of the lock(s) resolving component `index`'s manifest that are its package.
fn lock_entries_for(inventory: &Inventory, project: &Project, index: usize) -> Vec<usize> {
    let c = &inventory.components[index];
    let Some(location) = c.locations.first() else {
        return Vec::new();
    };
    let dir = polyver_model::project::dir_of(&location.path);
    let Some((_, locks)) = project.locks_for(c.source, dir) else {
        return Vec::new();
    };
    let key = match_key(c.ecosystem, &c.name);
    let mut out = Vec::new();
    for lock in locks {
        for n in lock.graph.name_range(&key) {
            out.extend(lock.graph.nodes[n as usize].components.iter().copied());
        }
    }
    out
}

/// The version that runs now, and where it was read when not at the component's own line.
fn current_of(
    inventory: &Inventory,
    project: &Project,
    index: usize,
) -> (Option<String>, Option<String>) {
    let c = &inventory.components[index];
    if let Some(v) = &c.version {
        return (Some(v.clone()), None);
    }
    let entries = lock_entries_for(inventory, project, index);
    let mut versions: Vec<(&str, &str)> = entries
        .iter()
        .filter_map(|&e| {
            let entry = &inventory.components[e];
            let path = entry.locations.first().map_or("", |l| l.path.as_str());
            Some((entry.version.as_deref()?, path))
        })
        .collect();
    versions.sort();
    versions.dedup_by(|a, b| a.0 == b.0);
    match versions.as_slice() {
        [(v, path)] => (Some(v.to_string()), Some(path.to_string())),
        // Several resolved versions of one name: the direct dependency is the one whose
        // entry is direct; without that mark it is not decidable here.
        _ => {
            let direct: Vec<&Component> = entries
                .iter()
                .map(|&e| &inventory.components[e])
                .filter(|e| e.direct && e.version.is_some())
                .collect();
            match direct.as_slice() {
                [only] => (
                    only.version.clone(),
                    only.locations.first().map(|l| l.path.clone()),
                ),
                _ => (None, None),
            }
        }
    }
}

fn blank_row(c: &Component, current: Option<String>, current_from: Option<String>) -> Row {
    let location = c.locations.first();
    Row {
        ecosystem: c.ecosystem,
        name: c.name.clone(),
        kind: c.kind,
        scope: c.scope,
        direct: c.direct,
        path: location.map_or_else(String::new, |l| l.path.clone()),
        line: location.map_or(0, |l| l.line),
        constraint: c.constraint.as_ref().map(|k| k.raw.clone()),
        current,
        current_from,
        wanted: None,
        latest: None,
        status: Status::Unknown,
        bump: None,
        majors_behind: 0,
        minors_behind: 0,
        patches_behind: 0,
        current_published: None,
        latest_published: None,
        days_behind: None,
        libyears: None,
        yanked: None,
        deprecated: None,
        retracted: None,
        digest: c.integrity.clone().filter(|d| is_pinned_digest(c, d)),
        newer_digest: None,
        note: None,
    }
}

fn is_pinned_digest(c: &Component, digest: &str) -> bool {
    matches!(c.kind, Kind::Image | Kind::Action)
        && (digest.starts_with("sha256:") || digest.starts_with("sha1:"))
}

/// How versions of one component are read and compared.
#[derive(Clone, Copy)]
struct Versioning {
    scheme: Scheme,
    /// Tags written loosely (`v4`, `1.2`): compared as SemVer after dropping a leading `v`
    /// and padding missing parts with zeros.
    loose: bool,
    /// Only tags with as many release parts as the current one are candidates (images,
    /// actions: `@v4` floats over v4.x and moves to `@v5`, not to `@v5.0.1`).
    same_precision: bool,
}

impl Versioning {
    fn of(c: &Component) -> Option<Versioning> {
        let same_precision = matches!(c.kind, Kind::Image | Kind::Action);
        if let Some(scheme) = c.ecosystem.version_scheme(&c.name) {
            return Some(Versioning {
                scheme,
                loose: false,
                same_precision,
            });
        }
        matches!(
            c.ecosystem,
            Ecosystem::GithubActions
                | Ecosystem::Terraform
                | Ecosystem::Helm
                | Ecosystem::Composer
                | Ecosystem::GitlabCi
        )
        .then_some(Versioning {
            scheme: Scheme::Semver,
            loose: true,
            same_precision,
        })
    }

    /// The text the version engine reads, or `None` when it is no version of this scheme.
    fn normal(&self, v: &str) -> Option<String> {
        if !self.loose {
            return version::is_valid(self.scheme, v).then(|| v.to_string());
        }
        let text = v.trim().trim_start_matches(['v', 'V']);
        let (release, rest) = match text.find(['-', '+']) {
            Some(at) => text.split_at(at),
            None => (text, ""),
        };
        let parts = release.split('.').count();
        let padded = match parts {
            1 => format!("{release}.0.0{rest}"),
            2 => format!("{release}.0{rest}"),
            _ => text.to_string(),
        };
        version::is_valid(self.scheme, &padded).then_some(padded)
    }

    fn precision(&self, v: &str) -> usize {
        if self.loose {
            let text = v.trim().trim_start_matches(['v', 'V']);
            text.split(['-', '+'])
                .next()
                .unwrap_or("")
                .split('.')
                .count()
        } else {
            version::release_parts(self.scheme, v).map_or(0, |(_, p)| p.len())
        }
    }

    fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        version::compare(self.scheme, a, b).ok()
    }

    fn is_prerelease(&self, normal: &str) -> bool {
        version::is_prerelease(self.scheme, normal).unwrap_or(false)
    }
}

/// A release with its version in the engine's reading.
struct Candidate<'a> {
    release: &'a Release,
    normal: String,
}

fn decide(
    row: &mut Row,
    c: &Component,
    package: &Package,
    registry: &dyn Registry,
    now: Timestamp,
) {
    let Some(versioning) = Versioning::of(c) else {
        row.note = Some(format!("no version scheme for {}", c.ecosystem.id()));
        return;
    };
    row.deprecated = package.deprecated.clone();
    // An action pinned to a commit: its tag is the one pointing at that commit.
    if let (Some(digest), Some(current)) = (&row.digest, &row.current) {
        let sha = digest.strip_prefix("sha1:").unwrap_or(digest);
        if c.kind == Kind::Action && current.eq_ignore_ascii_case(sha) {
            let tags: Vec<&Release> = package
                .releases
                .iter()
                .filter(|r| {
                    r.digest
                        .as_deref()
                        .is_some_and(|d| d.eq_ignore_ascii_case(sha))
                })
                .collect();
            row.current = tags
                .iter()
                .filter(|r| versioning.normal(&r.version).is_some())
                .max_by(|a, b| {
                    let (na, nb) = (versioning.normal(&a.version), versioning.normal(&b.version));
                    versioning
                        .compare(na.as_deref().unwrap_or(""), nb.as_deref().unwrap_or(""))
                        .unwrap_or(Ordering::Equal)
                })
                .map(|r| r.version.clone());
            row.current_from = row.current.as_ref().map(|_| "tag-of-commit".to_string());
        }
    }
    let current_normal = row.current.as_deref().and_then(|v| versioning.normal(v));
    let current_release = row
        .current
        .as_deref()
        .and_then(|v| find_release(package, &versioning, v));
    if let Some(release) = current_release {
        row.current_published = release.published;
        row.yanked = release.yanked.clone();
        row.retracted = release.retracted.clone();
        if release.deprecated.is_some() {
            row.deprecated = release.deprecated.clone();
        }
    }
    let current_pre = current_normal
        .as_deref()
        .is_some_and(|v| versioning.is_prerelease(v));
    let precision = row.current.as_deref().map(|v| versioning.precision(v));
    let candidates: Vec<Candidate> = package
        .releases
        .iter()
        .filter(|r| r.yanked.is_none() && r.retracted.is_none())
        .filter_map(|r| {
            let normal = versioning.normal(&r.version)?;
            Some(Candidate { release: r, normal })
        })
        .filter(|k| {
            !versioning.same_precision
                || precision.is_none_or(|p| versioning.precision(&k.release.version) == p)
        })
        .filter(|k| match &current_normal {
            // Docker tags of another variant do not compare with the current one.
            Some(cur) => versioning.compare(cur, &k.normal).is_some(),
            None => true,
        })
        .collect();

    // wanted: the newest release the constraint admits.
    if let Some(constraint) = c.constraint.as_ref().filter(|_| !versioning.loose) {
        let admitted = candidates.iter().filter(|k| {
            version::satisfies(versioning.scheme, &k.normal, &constraint.raw).unwrap_or(false)
        });
        row.wanted = newest(&versioning, admitted).map(|k| k.release.version.clone());
    }

    // latest: the newest stable release (or pre-release, when running one).
    let eligible: Vec<&Candidate> = candidates
        .iter()
        .filter(|k| current_pre || !(k.release.prerelease || versioning.is_prerelease(&k.normal)))
        .collect();
    let dist_tag = package
        .tags
        .get("latest")
        .and_then(|t| candidates.iter().find(|k| &k.release.version == t));
    let latest = match dist_tag {
        Some(tagged) if !current_pre => Some(tagged),
        _ => newest(&versioning, eligible.iter().copied()),
    };
    let Some(latest) = latest else {
        row.note = Some(if package.releases.is_empty() {
            "the registry lists no release".into()
        } else {
            "no release comparable with the current version".into()
        });
        return;
    };
    row.latest = Some(latest.release.version.clone());
    row.latest_published = latest.release.published;
    let Some(current) = current_normal else {
        row.note = Some(match &row.current {
            Some(v) => format!("`{v}` is not a version of this scheme"),
            None => "no resolved version (no lock file pins it)".into(),
        });
        return;
    };

    row.status = Status::UpToDate;
    if versioning.compare(&current, &latest.normal) == Some(Ordering::Less) {
        row.status = Status::Outdated;
        row.bump = version::bump(versioning.scheme, &current, &latest.normal).ok();
        if let Ok(Some((majors, minors, patches))) =
            version::distance(versioning.scheme, &current, &latest.normal)
        {
            row.majors_behind = majors;
            row.minors_behind = minors;
            row.patches_behind = patches;
        }
        // How long a newer release has been waiting.
        let first_newer = eligible
            .iter()
            .filter(|k| versioning.compare(&current, &k.normal) == Some(Ordering::Less))
            .filter_map(|k| k.release.published)
            .min();
        row.days_behind = first_newer.map(|t| days_between(t, now));
        if let (Some(from), Some(to)) = (row.current_published, row.latest_published) {
            row.libyears = Some(round2(days_between(from, to) as f64 / 365.25));
        }
    }
    // A pinned digest of an image tag: has the tag moved?
    if c.kind == Kind::Image {
        if let (Some(digest), Some(tag)) = (&row.digest, &row.current) {
            match registry.tag_digest(&c.name, tag) {
                Ok(Some(now_digest)) if &now_digest != digest => {
                    row.newer_digest = Some(now_digest);
                    row.status = Status::Outdated;
                }
                Ok(_) => {}
                Err(e) => row.note = Some(format!("digest lookup failed: {}", describe(&e))),
            }
        }
    }
}

fn find_release<'a>(package: &'a Package, versioning: &Versioning, v: &str) -> Option<&'a Release> {
    package.release(v).or_else(|| {
        let normal = versioning.normal(v)?;
        package.releases.iter().find(|r| {
            versioning
                .normal(&r.version)
                .is_some_and(|n| versioning.compare(&n, &normal) == Some(Ordering::Equal))
        })
    })
}

fn newest<'a, 'b>(
    versioning: &Versioning,
    candidates: impl Iterator<Item = &'b Candidate<'a>>,
) -> Option<&'b Candidate<'a>> {
    candidates.max_by(|a, b| {
        versioning
            .compare(&a.normal, &b.normal)
            .unwrap_or(Ordering::Equal)
    })
}

fn bump_name<S: serde::Serializer>(bump: &Option<Bump>, s: S) -> Result<S::Ok, S::Error> {
    match bump {
        Some(b) => s.serialize_str(b.as_str()),
        None => s.serialize_none(),
    }
}

fn days_between(from: Timestamp, to: Timestamp) -> u64 {
    let seconds = to.as_second().saturating_sub(from.as_second());
    (seconds.max(0) / 86_400) as u64
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
