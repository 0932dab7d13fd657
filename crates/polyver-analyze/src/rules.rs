//! The inventory-only rules: unsatisfiable constraints, inconsistent pins, lock vs manifest,
//! duplicates in a lock, floating versions. See the crate docs for the cut of each rule.

use crate::engine::constraint_range;
use crate::{Conflict, Note};
use polyver_model::project::Project;
use polyver_model::{Component, Format, Inventory, Kind, Location, Role};
use polyver_version::Ecosystem as Scheme;
use std::collections::HashMap;

mod floating;
mod locks;
mod pins;
mod unsatisfiable;

pub(crate) use floating::floating_rules;
pub(crate) use locks::{duplicates_in_locks, lock_mismatch};
pub(crate) use pins::inconsistent_pins;
pub(crate) use unsatisfiable::unsatisfiable;

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
                        let found = entries.entry(c.name.as_str()).or_default();
                        // One line read twice (a compiled requirements file is also
                        // included with `-c`, as constraints) is one entry.
                        if !found.contains(&(version, loc)) {
                            found.push((version, loc));
                        }
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
    /// Every compatibility rule evaluated, passing or not (the report's matrix).
    pub compat: Vec<crate::CompatRow>,
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

#[cfg(test)]
mod tests;
