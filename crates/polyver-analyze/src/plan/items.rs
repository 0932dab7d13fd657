//! The components a plan weighs, gathered from every source into one item each: a component
//! is its (ecosystem, name, running version) — a manifest range and the lock entry that
//! resolves it are one item, two services pinning different versions are two — with every
//! place that declares it and everything found about it.

use crate::priority::exposure_percent;
use crate::{Conflict, ConflictKind};
use polyver_advisory::VulnFinding;
use polyver_model::project::{dir_of, match_key, Project};
use polyver_model::{Component, Ecosystem, Finding, Inventory, Kind, Location, Role, Scope};
use polyver_upstream::outdated::{Report as Outdated, Row};
use std::collections::HashMap;

/// One place declaring an item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Declared {
    pub location: Location,
    /// The constraint written there, if any.
    pub constraint: Option<String>,
}

/// One component of the plan, with everything found about it.
#[derive(Clone, Debug)]
pub(crate) struct Item<'a> {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub kind: Kind,
    /// The most exposed scope of its declarations.
    pub scope: Scope,
    pub direct: bool,
    /// What runs now: the pin, or what the lock resolved for a range (from `outdated`).
    pub current: Option<String>,
    pub places: Vec<Declared>,
    /// Its `outdated` row, when it was looked up.
    pub row: Option<&'a Row>,
    pub vulnerabilities: Vec<VulnFinding>,
    pub licences: Vec<Finding>,
    pub drift: Vec<Finding>,
}

impl Item<'_> {
    fn overlaps(&self, locations: &[Location]) -> bool {
        self.places.iter().any(|p| locations.contains(&p.location))
    }

    fn absorb(&mut self, c: &Component) {
        let more_exposed = exposure_percent(c.scope, false) > exposure_percent(self.scope, false);
        if more_exposed {
            self.scope = c.scope;
        }
        self.direct |= c.direct;
        for l in &c.locations {
            let declared = Declared {
                location: l.clone(),
                constraint: c.constraint.as_ref().map(|k| k.raw.clone()),
            };
            if !self.places.contains(&declared) {
                self.places.push(declared);
            }
        }
    }

    fn of(c: &Component, current: Option<String>) -> Self {
        let mut item = Item {
            ecosystem: c.ecosystem,
            name: c.name.clone(),
            kind: c.kind,
            scope: c.scope,
            direct: c.direct,
            current,
            places: Vec::new(),
            row: None,
            vulnerabilities: Vec::new(),
            licences: Vec::new(),
            drift: Vec::new(),
        };
        item.absorb(c);
        item
    }
}

/// Not versioned packages, or not updatable: migrations, API descriptions, go.sum lines.
fn plannable(c: &Component) -> bool {
    !matches!(c.kind, Kind::Migration | Kind::Api) && c.source.role() != Role::Checksums
}

type Key = (Ecosystem, String, Option<String>, Option<String>);

/// The items of `inventory`: its direct components (every one with `all`), merged by
/// (ecosystem, name, running version), each with its `outdated` row.
pub(crate) fn assemble<'a>(
    inventory: &Inventory,
    outdated: &'a Outdated,
    all: bool,
) -> Vec<Item<'a>> {
    let rows: HashMap<(Ecosystem, &str, &str, u32), &Row> = outdated
        .rows
        .iter()
        .map(|r| ((r.ecosystem, r.name.as_str(), r.path.as_str(), r.line), r))
        .collect();
    let project = Project::of(inventory);
    let mut items: Vec<Item> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for c in inventory.components.iter().filter(|c| plannable(c)) {
        if !(c.direct || all) {
            continue;
        }
        let row = c
            .locations
            .first()
            .and_then(|l| rows.get(&(c.ecosystem, c.name.as_str(), l.path.as_str(), l.line)))
            .copied();
        let current = row
            .and_then(|r| r.current.clone())
            .or_else(|| c.version.clone())
            .or_else(|| resolved_by_lock(inventory, &project, c));
        let unpinned = match current {
            None => c.constraint.as_ref().map(|k| k.raw.clone()),
            Some(_) => None,
        };
        let key = (c.ecosystem, c.name.clone(), current.clone(), unpinned);
        let at = *index.entry(key).or_insert_with(|| {
            items.push(Item::of(c, current));
            items.len() - 1
        });
        let item = &mut items[at];
        item.absorb(c);
        if item.row.is_none() {
            item.row = row;
        }
    }
    items
}

/// The version the lock beside a manifest (or the workspace lock above it) resolved for a
/// range: the only version of the package there, or the only one marked direct. (What
/// `outdated` calls current, when no registry was asked.)
fn resolved_by_lock(inventory: &Inventory, project: &Project, c: &Component) -> Option<String> {
    if c.source.role() != Role::Manifest {
        return None;
    }
    let dir = dir_of(&c.locations.first()?.path);
    let (_, locks) = project.locks_for(c.source, dir)?;
    let key = match_key(c.ecosystem, &c.name);
    let entries: Vec<&Component> = locks
        .iter()
        .flat_map(|lock| {
            lock.graph
                .name_range(&key)
                .flat_map(|n| lock.graph.nodes[n as usize].components.iter())
        })
        .map(|&i| &inventory.components[i])
        .filter(|e| e.version.is_some())
        .collect();
    let mut versions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.version.as_deref())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    match versions.as_slice() {
        [only] => Some(only.to_string()),
        _ => {
            let direct: Vec<&&Component> = entries.iter().filter(|e| e.direct).collect();
            match direct.as_slice() {
                [only] => only.version.clone(),
                _ => None,
            }
        }
    }
}

/// Gives each finding of the audit to its item: same package and running version (or, for
/// a range without a lock, same place); a vulnerable component the plan did not list (a
/// transitive lock entry) becomes an item of its own.
pub(crate) fn attach_vulnerabilities(
    items: &mut Vec<Item<'_>>,
    inventory: &Inventory,
    findings: &[VulnFinding],
) {
    for f in findings {
        let same_package = |i: &Item| i.ecosystem == f.ecosystem && i.name == f.name;
        let at = items
            .iter()
            .position(|i| {
                same_package(i)
                    && match &f.version {
                        Some(v) => i.current.as_deref() == Some(v.as_str()),
                        None => i.current.is_none() && i.overlaps(&f.locations),
                    }
            })
            .or_else(|| {
                items
                    .iter()
                    .position(|i| i.ecosystem == f.ecosystem && i.overlaps(&f.locations))
            });
        let at = at.unwrap_or_else(|| {
            items.push(item_for_finding(inventory, f));
            items.len() - 1
        });
        items[at].vulnerabilities.push(f.clone());
    }
}

/// An item for a finding no listed component holds: the components at its places (the
/// lock entries it was found in), or, when none is there, the finding alone (counted as a
/// runtime dependency: where it is used is not known).
fn item_for_finding<'a>(inventory: &Inventory, f: &VulnFinding) -> Item<'a> {
    let mut at_places = inventory.components.iter().filter(|c| {
        plannable(c)
            && c.ecosystem == f.ecosystem
            && c.locations.iter().any(|l| f.locations.contains(l))
    });
    match at_places.next() {
        Some(first) => {
            let mut item = Item::of(first, f.version.clone());
            item.name = f.name.clone();
            for c in at_places {
                item.absorb(c);
            }
            item
        }
        None => Item {
            ecosystem: f.ecosystem,
            name: f.name.clone(),
            kind: Kind::Package,
            scope: Scope::Runtime,
            direct: false,
            current: f.version.clone(),
            places: f
                .locations
                .iter()
                .map(|l| Declared {
                    location: l.clone(),
                    constraint: f.constraints.first().cloned(),
                })
                .collect(),
            row: None,
            vulnerabilities: Vec::new(),
            licences: Vec::new(),
            drift: Vec::new(),
        },
    }
}

/// Gives each licence finding to the items of its package (same version, or same place).
pub(crate) fn attach_licences(items: &mut [Item<'_>], findings: &[Finding]) {
    for f in findings {
        let (Some(eco), Some(name)) = (f.ecosystem, f.name.as_deref()) else {
            continue;
        };
        for item in items
            .iter_mut()
            .filter(|i| i.ecosystem == eco && i.name == name)
        {
            let same_version = f.version.is_some() && f.version == item.current;
            if same_version || item.overlaps(&f.locations) {
                item.licences.push(f.clone());
            }
        }
    }
}

/// Gives each drift conflict to the items declared where it points.
pub(crate) fn attach_drift(items: &mut [Item<'_>], conflicts: &[Conflict]) {
    for c in conflicts.iter().filter(|c| c.kind == ConflictKind::Drift) {
        let locations: Vec<Location> = c.entries.iter().map(|e| e.location.clone()).collect();
        for item in items
            .iter_mut()
            .filter(|i| Some(i.ecosystem) == c.ecosystem && i.name == c.name)
            .filter(|i| i.overlaps(&locations))
        {
            item.drift.push(c.to_finding());
        }
    }
}

/// Why an item has no `outdated` answer.
pub(crate) fn not_looked_up(item: &Item, outdated: &Outdated, all: bool) -> String {
    if let Some(p) = outdated
        .problems
        .iter()
        .find(|p| p.ecosystem == item.ecosystem && p.name == item.name)
    {
        return format!("lookup failed: {}", p.message);
    }
    if !item.direct && !all {
        return "transitive: not looked up (--all looks it up)".to_string();
    }
    let no_registry = format!("no registry for {}", item.ecosystem.id());
    if outdated.skipped.contains_key(&no_registry) {
        return no_registry;
    }
    "not looked up".to_string()
}
