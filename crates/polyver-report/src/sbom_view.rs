//! What both SBOM writers list: one entry per package identity, software only.
//!
//! An inventory has one component per declaration: `requests 2.31.0` pinned in
//! `requirements.txt` and locked in `poetry.lock` is two components with one purl. SBOM
//! consumers (Dependency-Track, GUAC, scanners) key on the purl, and two entries with one
//! purl are either rejected or double-counted, so the SBOM merges them: every location
//! becomes an occurrence of the one entry, `direct` if any declaration is, the most
//! required scope of them. Components without a purl are never merged (nothing says they are
//! the same thing).
//!
//! Schema migration revisions are versioned data, not software; they are left out unless
//! asked for (`--with-migrations`), and the dependency edges of the migration chain with them.

use std::collections::HashMap;

use polyver_model::project::Project;
use polyver_model::{Component, Inventory, Kind, Scope};

pub(crate) struct SbomView {
    /// The entries, in inventory order of their first declaration.
    pub components: Vec<Component>,
    /// Resolved dependency edges between entries (indices into `components`), sorted.
    pub edges: Vec<Vec<usize>>,
}

/// How required a scope is; lower wins when declarations are merged.
fn rank(scope: Scope) -> u8 {
    match scope {
        Scope::Runtime => 0,
        Scope::Peer => 1,
        Scope::Optional => 2,
        Scope::Build => 3,
        Scope::Dev => 4,
        Scope::Test => 5,
    }
}

fn merge_into(entry: &mut Component, other: &Component) {
    for location in &other.locations {
        if !entry.locations.contains(location) {
            entry.locations.push(location.clone());
        }
    }
    entry.direct |= other.direct;
    if rank(other.scope) < rank(entry.scope) {
        entry.scope = other.scope;
    }
    if entry.integrity.is_none() {
        entry.integrity.clone_from(&other.integrity);
    }
    if entry.constraint.is_none() {
        entry.constraint.clone_from(&other.constraint);
    }
    // Needed under either condition; unconditionally if either declaration is.
    entry.marker = match (entry.marker.take(), &other.marker) {
        (Some(a), Some(b)) if a == *b => Some(a),
        (Some(a), Some(b)) => Some(format!("({a}) or ({b})")),
        _ => None,
    };
    if entry.license.is_none() {
        entry.license.clone_from(&other.license);
    }
    for extra in &other.extras {
        if !entry.extras.contains(extra) {
            entry.extras.push(extra.clone());
        }
    }
    entry.extras.sort();
}

pub(crate) fn sbom_view(inventory: &Inventory, include_migrations: bool) -> SbomView {
    let all = &inventory.components;
    // Where each inventory component went: an entry index, or nowhere (left out).
    let mut slot: Vec<Option<usize>> = Vec::with_capacity(all.len());
    let mut components: Vec<Component> = Vec::new();
    let mut by_purl: HashMap<&str, usize> = HashMap::new();
    for c in all {
        if c.kind == Kind::Migration && !include_migrations {
            slot.push(None);
            continue;
        }
        if !c.purl.is_empty() {
            if let Some(&at) = by_purl.get(c.purl.as_str()) {
                merge_into(&mut components[at], c);
                slot.push(Some(at));
                continue;
            }
            by_purl.insert(c.purl.as_str(), components.len());
        }
        slot.push(Some(components.len()));
        components.push(c.clone());
    }
    let mut edges = vec![Vec::new(); components.len()];
    for (from, targets) in Project::of(inventory)
        .dependency_targets(all.len())
        .iter()
        .enumerate()
    {
        let Some(from) = slot[from] else { continue };
        for &to in targets {
            if let Some(to) = slot[to].filter(|&to| to != from) {
                edges[from].push(to);
            }
        }
    }
    for targets in &mut edges {
        targets.sort_unstable();
        targets.dedup();
    }
    SbomView { components, edges }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyver_model::{Ecosystem, Format, Location, ScanStats};

    fn component(name: &str, version: &str, path: &str, scope: Scope, direct: bool) -> Component {
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Pypi,
            name,
            Format::Requirements,
            Location::new(path, 1),
        );
        c.version = Some(version.to_string());
        c.scope = scope;
        c.direct = direct;
        c
    }

    #[test]
    fn one_entry_per_purl_with_every_location() {
        let a = component("requests", "2.31.0", "requirements.txt", Scope::Dev, false);
        let b = component("requests", "2.31.0", "poetry.lock", Scope::Runtime, true);
        let c = component("idna", "3.4", "poetry.lock", Scope::Runtime, false);
        let inventory = Inventory::finish("/r", vec![a, b, c], vec![], ScanStats::default());
        let view = sbom_view(&inventory, false);
        assert_eq!(view.components.len(), 2);
        let requests = view
            .components
            .iter()
            .find(|c| c.name == "requests")
            .unwrap();
        assert_eq!(requests.locations.len(), 2);
        assert!(requests.direct);
        assert_eq!(requests.scope, Scope::Runtime);
        assert_eq!(requests.marker, None);
    }

    #[test]
    fn merged_markers_keep_every_condition_and_drop_when_one_is_unconditional() {
        let mut a = component("x", "1.0", "a.txt", Scope::Runtime, true);
        a.marker = Some("os_name == 'nt'".into());
        let mut b = component("x", "1.0", "b.txt", Scope::Runtime, true);
        b.marker = Some("python_version < '3.9'".into());
        let inventory = Inventory::finish("/r", vec![a, b], vec![], ScanStats::default());
        assert_eq!(
            sbom_view(&inventory, false).components[0].marker.as_deref(),
            Some("(os_name == 'nt') or (python_version < '3.9')")
        );
    }

    #[test]
    fn migrations_are_left_out_unless_asked() {
        let m = Component::new(
            Kind::Migration,
            Ecosystem::Generic,
            "alembic:abc123",
            Format::Migrations,
            Location::new("alembic/versions/abc123.py", 1),
        );
        let p = component(
            "requests",
            "2.31.0",
            "requirements.txt",
            Scope::Runtime,
            true,
        );
        let inventory = Inventory::finish("/r", vec![m, p], vec![], ScanStats::default());
        assert_eq!(sbom_view(&inventory, false).components.len(), 1);
        assert_eq!(sbom_view(&inventory, true).components.len(), 2);
    }
}
