//! The inventory-only rules: unsatisfiable constraints, inconsistent pins, lock vs manifest,
//! duplicates in a lock, floating versions. See the crate docs for the cut of each rule.

use crate::engine::{constraint_range, satisfies_any, upper_unbounded};
use crate::{Conflict, ConflictKind, Entry, Note};
use polyver_model::project::Project;
use polyver_model::{
    Component, Ecosystem, FindingSeverity, Format, Inventory, Kind, Location, Role, Scope,
};
use polyver_version::Ecosystem as Scheme;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Python declarations that belong to their directory's project.
const PYTHON_PROJECT_FORMATS: &[Format] = &[Format::Pyproject, Format::SetupCfg, Format::Pipfile];

/// Distinct constraints on one package in one installation compared pairwise, at most (a
/// real project has a handful; this bounds a pathological tree).
const MAX_DISTINCT_CONSTRAINTS: usize = 256;

/// A lock or checksum file entry: what an installation resolved (or may use), not a
/// declaration.
pub(crate) fn is_lock(c: &Component) -> bool {
    matches!(c.source.role(), Role::Lock | Role::Checksums)
}

fn is_declared_package(c: &Component) -> bool {
    matches!(c.kind, Kind::Package | Kind::Module | Kind::Provider) && !is_lock(c)
}

pub(crate) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() {
        None
    } else {
        Some(dir_of(dir))
    }
}

/// `dir` and every directory above it, nearest first, ending with the root (`""`).
pub(crate) fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(dir), |d| parent_dir(d))
}

/// What the rules look up: the project model (locks paired with manifests, includes) and
/// each lock's entries by name.
pub(crate) struct Index<'a> {
    pub components: &'a [Component],
    project: Project,
    /// Entries of `project.locks[i]` by name (entries with a version).
    lock_entries: Vec<LockEntries<'a>>,
    /// Engine ranges of declared constraints, once per distinct (scheme, text).
    ranges: HashMap<&'a str, Vec<(Scheme, EngineRange)>>,
}

/// A constraint as an engine range, or why the engine cannot read it.
type EngineRange = Result<String, String>;

type LockEntries<'a> = HashMap<&'a str, Vec<(&'a str, &'a Location)>>;

impl<'a> Index<'a> {
    pub fn new(inventory: &'a Inventory) -> Self {
        let project = Project::of(inventory);
        let components = &inventory.components;
        let lock_entries = project
            .locks
            .iter()
            .map(|lock| {
                let mut entries: LockEntries<'a> = HashMap::new();
                for &i in &lock.entries {
                    let c = &components[i];
                    let Some(version) = c.version.as_deref() else {
                        continue;
                    };
                    for loc in c.locations.iter().filter(|l| l.path == lock.path) {
                        entries
                            .entry(c.name.as_str())
                            .or_default()
                            .push((version, loc));
                    }
                }
                entries
            })
            .collect();
        let mut ranges = HashMap::new();
        for c in &inventory.components {
            let (Some(scheme), Some(k)) = (c.ecosystem.version_scheme(&c.name), &c.constraint)
            else {
                continue;
            };
            if is_declared_package(c) {
                let known: &mut Vec<_> = ranges.entry(k.raw.as_str()).or_default();
                if !known.iter().any(|(s, _)| *s == scheme) {
                    let r = constraint_range(c, scheme).unwrap_or_else(|| Ok(String::new()));
                    known.push((scheme, r));
                }
            }
        }
        Index {
            components: &inventory.components,
            project,
            lock_entries,
            ranges,
        }
    }

    /// A declared package's constraint as an engine range (see [`constraint_range`]).
    pub fn range(&self, c: &Component, scheme: Scheme) -> Option<&Result<String, String>> {
        let raw = c.constraint.as_ref()?.raw.as_str();
        self.ranges
            .get(raw)?
            .iter()
            .find(|(s, _)| *s == scheme)
            .map(|(_, r)| r)
            .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
    }

    /// The entries of the locks that resolve a manifest of `format` in `dir`: beside it, or
    /// in the nearest directory above (a workspace lock); see `Project::locks_for`.
    pub fn nearest_lock(&self, format: Format, dir: &str) -> Option<Vec<&LockEntries<'a>>> {
        self.nearest_lock_dir(format, dir).map(|(_, l)| l)
    }

    /// [`Index::nearest_lock`] with the directory the locks were found in.
    pub fn nearest_lock_dir<'d>(
        &self,
        format: Format,
        dir: &'d str,
    ) -> Option<(&'d str, Vec<&LockEntries<'a>>)> {
        let (d, _) = self.project.locks_for(format, dir)?;
        let found = self
            .project
            .locks
            .iter()
            .zip(&self.lock_entries)
            .filter(|(l, _)| l.dir() == d && l.format.info().resolves.contains(&format))
            .map(|(_, e)| e)
            .collect();
        Some((d, found))
    }
}

#[derive(Default)]
pub(crate) struct Collector {
    pub conflicts: Vec<Conflict>,
    pub notes: Vec<Note>,
}

impl Collector {
    pub fn note(&mut self, location: &Location, message: String) {
        self.notes.push(Note {
            location: location.clone(),
            message,
        });
    }
}

/// The requirement value of a component as written: its constraint, else its version.
pub(crate) fn written(c: &Component) -> String {
    c.constraint
        .as_ref()
        .map(|k| k.raw.clone())
        .or_else(|| c.version.clone())
        .unwrap_or_else(|| "(any version)".into())
}

/// A component's constraint as an engine range, with a note when the engine cannot read it.
fn range_or_note<'i>(
    index: &'i Index,
    c: &Component,
    scheme: Scheme,
    out: &mut Collector,
) -> Option<&'i str> {
    match index.range(c, scheme)? {
        Ok(r) => Some(r),
        Err(e) => {
            for loc in &c.locations {
                out.note(
                    loc,
                    format!("{} {}: constraint not evaluated: {e}", c.ecosystem, c.name),
                );
            }
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// (1) unsatisfiable constraints in one installation

/// The project directory of a requirement file: its directory, or the one above a
/// `requirements/` directory.
fn requirements_project(path: &str) -> &str {
    let dir = dir_of(path);
    let last = dir.rsplit('/').next().unwrap_or(dir);
    if last.eq_ignore_ascii_case("requirements") {
        dir_of(dir)
    } else {
        dir
    }
}

/// For every requirement file: the Python projects (directories) whose installation it is
/// part of — its own, and every project with a file that includes it, transitively.
fn requirement_units<'a>(index: &'a Index<'a>) -> HashMap<&'a str, BTreeSet<&'a str>> {
    let files: BTreeSet<&'a str> = index
        .components
        .iter()
        .filter(|c| c.source == Format::Requirements)
        .flat_map(|c| c.locations.iter().map(|l| l.path.as_str()))
        .collect();
    // `-r`/`-c` targets of each file, as the requirements extractor resolved them.
    let mut units: HashMap<&'a str, BTreeSet<&'a str>> = HashMap::new();
    for &file in &files {
        let project = requirements_project(file);
        for f in index.project.includes.reachable(file) {
            units.entry(f).or_default().insert(project);
        }
    }
    units
}

/// One installation: a Python project directory, or one manifest file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Unit<'a> {
    Python(&'a str),
    File(&'a str),
}

fn units_of<'a>(
    c: &'a Component,
    loc: &'a Location,
    req_units: &HashMap<&'a str, BTreeSet<&'a str>>,
    out: &mut Vec<Unit<'a>>,
) {
    out.clear();
    if c.source == Format::Requirements {
        match req_units.get(loc.path.as_str()) {
            Some(u) => out.extend(u.iter().map(|d| Unit::Python(d))),
            None => out.push(Unit::Python(requirements_project(&loc.path))),
        }
    } else if PYTHON_PROJECT_FORMATS.contains(&c.source) {
        out.push(Unit::Python(dir_of(&loc.path)));
    } else {
        out.push(Unit::File(&loc.path));
    }
}

fn describe_unit(unit: Unit) -> String {
    match unit {
        Unit::Python("") => "the Python project at the repository root".into(),
        Unit::Python(dir) => format!("the Python project {dir}/"),
        Unit::File(file) => file.to_string(),
    }
}

/// Whether two constraints on this package can contradict each other at all. Cargo keeps
/// one version per semver-compatible range and renames let a manifest use two; Go picks
/// the highest minimum (MVS); a Maven bare version is a soft "recommended" one that the
/// nearest declaration overrides. Only Maven's hard ranges (`[1.0,2.0)`) are compared.
fn one_version_per_installation(c: &Component) -> bool {
    match c.ecosystem {
        Ecosystem::Cargo | Ecosystem::Go => false,
        Ecosystem::Maven => c
            .constraint
            .as_ref()
            .is_some_and(|k| k.raw.trim_start().starts_with(['[', '('])),
        _ => true,
    }
}

struct Decl<'a> {
    c: &'a Component,
    loc: &'a Location,
    /// Index into the ranges, one per component.
    range: usize,
    scheme: Scheme,
}

pub(crate) fn unsatisfiable(index: &Index, out: &mut Collector) {
    let req_units = requirement_units(index);
    let mut decls: Vec<Decl> = Vec::new();
    let mut ranges: Vec<&str> = Vec::new();
    let mut groups: HashMap<(Unit, Ecosystem, &str), Vec<usize>> = HashMap::new();
    let mut units = Vec::new();
    for c in index.components {
        if !is_declared_package(c) || c.url.is_some() || !one_version_per_installation(c) {
            continue;
        }
        let Some(scheme) = c.ecosystem.version_scheme(&c.name) else {
            continue;
        };
        let Some(range) = range_or_note(index, c, scheme, out) else {
            continue;
        };
        ranges.push(range);
        let range = ranges.len() - 1;
        for loc in &c.locations {
            let id = decls.len();
            decls.push(Decl {
                c,
                loc,
                range,
                scheme,
            });
            units_of(c, loc, &req_units, &mut units);
            for &unit in &units {
                groups
                    .entry((unit, c.ecosystem, c.name.as_str()))
                    .or_default()
                    .push(id);
            }
        }
    }
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let ids = &groups[&key];
        if ids.len() < 2 {
            continue;
        }
        // Compare distinct (range, marker) values once, whatever the number of files.
        let mut values: BTreeMap<(&str, Option<&str>), Vec<usize>> = BTreeMap::new();
        for &i in ids {
            values
                .entry((ranges[decls[i].range], decls[i].c.marker.as_deref()))
                .or_default()
                .push(i);
        }
        let values: Vec<_> = values.into_iter().collect();
        let mut clashing: BTreeSet<usize> = BTreeSet::new();
        let mut explanation = None;
        let (eco, name) = (key.1, key.2);
        let mut values = values;
        if values.len() > MAX_DISTINCT_CONSTRAINTS {
            let first = decls[values[MAX_DISTINCT_CONSTRAINTS].1[0]].loc;
            out.note(
                first,
                format!(
                    "{eco} {name}: {} distinct constraints in one installation; only the first {MAX_DISTINCT_CONSTRAINTS} compared",
                    values.len()
                ),
            );
            values.truncate(MAX_DISTINCT_CONSTRAINTS);
        }
        for a in 0..values.len() {
            let ((ra, ma), ia) = &values[a];
            for (b, ((rb, mb), ib)) in values.iter().enumerate().skip(a + 1) {
                // Different markers, or one line holding alternatives (Poetry's
                // `numpy = [{ version = "<1.25", python = "<3.9" }, ...]`): not together.
                let one_line = ia.iter().chain(ib.iter()).all(|&i| {
                    let (x, y) = (decls[i].loc, decls[ia[0]].loc);
                    x.path == y.path && x.line == y.line
                });
                if ma != mb || one_line {
                    continue;
                }
                let scheme = decls[ia[0]].scheme;
                let Ok(x) = polyver_version::intersect(scheme, ra, rb) else {
                    continue;
                };
                if !x.empty {
                    continue;
                }
                clashing.insert(a);
                clashing.insert(b);
                if explanation.is_none() {
                    let (da, db) = (&decls[ia[0]], &decls[ib[0]]);
                    explanation = Some(format!(
                        "{} `{}` and {} `{}`: {}",
                        da.loc,
                        written(da.c),
                        db.loc,
                        written(db.c),
                        x.explanation.unwrap_or_default()
                    ));
                }
            }
        }
        if clashing.is_empty() {
            continue;
        }
        let mut entries: Vec<Entry> = clashing
            .iter()
            .flat_map(|&v| values[v].1.iter())
            .map(|&i| Entry {
                requirement: written(decls[i].c),
                location: decls[i].loc.clone(),
            })
            .collect();
        entries.sort_by(|a, b| a.location.cmp(&b.location));
        let (unit, eco, name) = &key;
        out.conflicts.push(Conflict {
            kind: ConflictKind::Unsatisfiable,
            rule: "conflict/unsatisfiable".into(),
            severity: FindingSeverity::High,
            ecosystem: Some(*eco),
            name: name.to_string(),
            title: format!(
                "no version of {name} satisfies every constraint of {}",
                describe_unit(*unit)
            ),
            entries,
            explanation,
        });
    }
}

// ---------------------------------------------------------------------------------------
// (2) one package pinned to different versions across files or images

pub(crate) fn inconsistent_pins(index: &Index, out: &mut Collector) {
    let unsatisfiable: HashSet<(Ecosystem, String)> = out
        .conflicts
        .iter()
        .filter(|c| c.kind == ConflictKind::Unsatisfiable)
        .filter_map(|c| Some((c.ecosystem?, c.name.clone())))
        .collect();
    let mut groups: BTreeMap<(Kind, Ecosystem, &str), BTreeMap<&str, Vec<&Location>>> =
        BTreeMap::new();
    for c in index.components {
        // A CI matrix of runtimes (setup-python 3.9 … 3.12) is several versions on purpose.
        let ci_runtime = c.kind == Kind::Runtime && c.source.role() == Role::Ci;
        if is_lock(c)
            || matches!(c.kind, Kind::Migration | Kind::Api)
            || c.name.contains('$')
            || ci_runtime
        {
            continue;
        }
        let Some(v) = c.version.as_deref() else {
            continue;
        };
        if c.kind == Kind::Image && v == "latest" {
            continue;
        }
        groups
            .entry((c.kind, c.ecosystem, c.name.as_str()))
            .or_default()
            .entry(v)
            .or_default()
            .extend(c.locations.iter());
    }
    for ((kind, eco, name), versions) in groups {
        if versions.len() < 2 || unsatisfiable.contains(&(eco, name.to_string())) {
            continue;
        }
        let mut entries: Vec<Entry> = versions
            .iter()
            .flat_map(|(v, locs)| {
                locs.iter().map(|l| Entry {
                    requirement: v.to_string(),
                    location: (*l).clone(),
                })
            })
            .collect();
        entries.sort_by(|a, b| a.location.cmp(&b.location));
        let list: Vec<&str> = versions.keys().copied().collect();
        out.conflicts.push(Conflict {
            kind: ConflictKind::InconsistentPin,
            rule: "conflict/inconsistent-pin".into(),
            severity: FindingSeverity::Low,
            ecosystem: Some(eco),
            name: name.to_string(),
            title: format!(
                "{kind} {name} is pinned to {} versions: {}",
                list.len(),
                list.join(", ")
            ),
            entries,
            explanation: None,
        });
    }
}

// ---------------------------------------------------------------------------------------
// (3) lock does not satisfy manifest

pub(crate) fn lock_mismatch(index: &Index, out: &mut Collector) {
    for c in index.components {
        if !is_declared_package(c) || !c.source.is_locked_manifest() {
            continue;
        }
        let Some(scheme) = c.ecosystem.version_scheme(&c.name) else {
            continue;
        };
        if c.constraint.is_none() {
            continue;
        }
        for loc in &c.locations {
            let dir = dir_of(&loc.path);
            let Some((lock_dir, locks)) = index.nearest_lock_dir(c.source, dir) else {
                continue;
            };
            // A lock in a directory above is a workspace's for Cargo (members have none of
            // their own); for the others it may be an unrelated root project's: medium.
            let severity = if lock_dir == dir || c.ecosystem == Ecosystem::Cargo {
                FindingSeverity::High
            } else {
                FindingSeverity::Medium
            };
            let Some(range) = range_or_note(index, c, scheme, out) else {
                break;
            };
            let resolved: Vec<(&str, &Location)> = locks
                .iter()
                .flat_map(|l| l.get(c.name.as_str()).into_iter().flatten().copied())
                .collect();
            if resolved.is_empty() {
                if !matches!(c.scope, Scope::Optional | Scope::Peer) {
                    out.conflicts.push(Conflict {
                        kind: ConflictKind::LockMismatch,
                        rule: "conflict/missing-from-lock".into(),
                        severity: FindingSeverity::Low,
                        ecosystem: Some(c.ecosystem),
                        name: c.name.clone(),
                        title: format!(
                            "{} is declared but not in the lock file (run the package manager's install to update it)",
                            c.name
                        ),
                        entries: vec![Entry {
                            requirement: written(c),
                            location: loc.clone(),
                        }],
                        explanation: None,
                    });
                }
                continue;
            }
            let ok = satisfies_any(scheme, range, resolved.iter().map(|(v, _)| *v)).unwrap_or(true);
            if ok {
                continue;
            }
            let mut entries = vec![Entry {
                requirement: written(c),
                location: loc.clone(),
            }];
            entries.extend(resolved.iter().map(|(v, l)| Entry {
                requirement: v.to_string(),
                location: (*l).clone(),
            }));
            let versions: Vec<&str> = resolved.iter().map(|(v, _)| *v).collect();
            out.conflicts.push(Conflict {
                kind: ConflictKind::LockMismatch,
                rule: "conflict/lock-mismatch".into(),
                severity,
                ecosystem: Some(c.ecosystem),
                name: c.name.clone(),
                title: format!(
                    "the lock file resolves {} {} but the manifest requires `{}`",
                    c.name,
                    versions.join(", "),
                    written(c)
                ),
                entries,
                explanation: None,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------
// (4) several versions of one package in one lock

pub(crate) fn duplicates_in_locks(index: &Index, out: &mut Collector) {
    let mut groups: BTreeMap<(&str, Ecosystem, &str), BTreeMap<&str, &Location>> = BTreeMap::new();
    for c in index.components {
        if c.source.role() != Role::Lock {
            continue;
        }
        let Some(v) = c.version.as_deref() else {
            continue;
        };
        for loc in &c.locations {
            groups
                .entry((loc.path.as_str(), c.ecosystem, c.name.as_str()))
                .or_default()
                .entry(v)
                .or_insert(loc);
        }
    }
    for ((path, eco, name), versions) in groups {
        if versions.len() < 2 {
            continue;
        }
        let list: Vec<&str> = versions.keys().copied().collect();
        out.conflicts.push(Conflict {
            kind: ConflictKind::DuplicateInLock,
            rule: "conflict/duplicate-in-lock".into(),
            severity: FindingSeverity::Info,
            ecosystem: Some(eco),
            name: name.to_string(),
            title: format!(
                "{path} holds {} versions of {name}: {}",
                list.len(),
                list.join(", ")
            ),
            entries: versions
                .iter()
                .map(|(v, l)| Entry {
                    requirement: v.to_string(),
                    location: (*l).clone(),
                })
                .collect(),
            explanation: None,
        });
    }
}

// ---------------------------------------------------------------------------------------
// (5) floating versions

fn floating_conflict(
    c: &Component,
    rule: &str,
    severity: FindingSeverity,
    title: String,
    requirement: String,
) -> Conflict {
    Conflict {
        kind: ConflictKind::Floating,
        rule: format!("floating/{rule}"),
        severity,
        ecosystem: Some(c.ecosystem),
        name: c.name.clone(),
        title,
        entries: c
            .locations
            .iter()
            .map(|l| Entry {
                requirement: requirement.clone(),
                location: l.clone(),
            })
            .collect(),
        explanation: None,
    }
}

pub(crate) fn floating_rules(index: &Index, out: &mut Collector) {
    for c in index.components {
        match c.kind {
            Kind::Image if !c.name.contains('$') && c.integrity.is_none() => {
                match c.version.as_deref() {
                    None => out.conflicts.push(floating_conflict(
                        c,
                        "image-untagged",
                        FindingSeverity::Medium,
                        format!("image {} has no tag: it means `latest` and moves with every push; pin a version or a digest", c.name),
                        "(no tag)".into(),
                    )),
                    Some("latest") => out.conflicts.push(floating_conflict(
                        c,
                        "image-latest",
                        FindingSeverity::Medium,
                        format!("image {}:latest moves with every push; pin a version or a digest", c.name),
                        "latest".into(),
                    )),
                    Some(_) => {}
                }
            }
            Kind::Runtime if c.source.role() == Role::RuntimePin && c.version.is_none() => {
                // `.nvmrc` with `lts/iron`, `node` or `stable`: whatever is current when run.
                let Some(alias) = c.constraint.as_ref().map(|k| k.raw.trim()) else {
                    continue;
                };
                let lower = alias.to_ascii_lowercase();
                if lower.starts_with("lts")
                    || matches!(lower.as_str(), "node" | "latest" | "stable" | "current" | "system")
                {
                    out.conflicts.push(floating_conflict(
                        c,
                        "runtime-alias",
                        FindingSeverity::Low,
                        format!("{} `{alias}` is an alias that moves with new releases; write a version", c.name),
                        alias.to_string(),
                    ));
                }
            }
            Kind::Action if c.integrity.is_none() => match (&c.version, &c.constraint) {
                (None, Some(branch)) => out.conflicts.push(floating_conflict(
                    c,
                    "action-branch",
                    FindingSeverity::Medium,
                    format!("action {}@{} follows a branch; pin a release tag or a commit SHA", c.name, branch.raw),
                    branch.raw.clone(),
                )),
                (Some(tag), _) => out.conflicts.push(floating_conflict(
                    c,
                    "action-tag",
                    FindingSeverity::Info,
                    format!("action {}@{tag} is pinned to a tag, which can be moved; a commit SHA cannot", c.name),
                    tag.clone(),
                )),
                _ => {}
            },
            _ if is_declared_package(c)
                && c.version.is_none()
                && c.url.is_none()
                && matches!(
                    c.ecosystem,
                    Ecosystem::Pypi | Ecosystem::Npm | Ecosystem::Cargo | Ecosystem::Rubygems
                ) =>
            {
                let Some(scheme) = c.ecosystem.version_scheme(&c.name) else {
                    continue;
                };
                let unbounded = match index.range(c, scheme) {
                    None => true,
                    Some(Ok(r)) => upper_unbounded(scheme, r).unwrap_or(false),
                    Some(Err(_)) => false,
                };
                if !unbounded {
                    continue;
                }
                let locked = c.locations.iter().all(|l| {
                    index
                        .nearest_lock(c.source, dir_of(&l.path))
                        .is_some_and(|locks| locks.iter().any(|l| l.contains_key(c.name.as_str())))
                });
                if locked {
                    continue;
                }
                let what = written(c);
                out.conflicts.push(floating_conflict(
                    c,
                    "unbounded-range",
                    FindingSeverity::Low,
                    format!("{} `{what}` has no upper bound and no lock file resolves it: each install may pick a newer version", c.name),
                    what,
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(requirements_project("requirements/prod.txt"), "");
        assert_eq!(requirements_project("svc/requirements/prod.txt"), "svc");
        assert_eq!(requirements_project("svc/requirements.txt"), "svc");
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), ["a/b", "a", ""]);
    }
}
