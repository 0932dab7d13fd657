//! The one edge resolver: each lock file's entries become nodes and their `dependencies`
//! become edges, by the rules `polyver graph` documents and the SBOM writers share.
//!
//! **One resolution per lock file.** A lock file is a resolution root (npm, Poetry or Cargo
//! resolved it on its own), so an edge resolves inside its own lock file only; the same
//! `lodash@4.17.21` in two lock files is two nodes. A node is `(name, version)` within one
//! lock file, merging entries that differ only in scope or marker. The inventory merges
//! identical components across files; they are split back here by location path.
//!
//! **An edge** (`name` + version when the lock records one) points at: with a version, the
//! entry of that name and version; else the single entry of that name; else the highest entry
//! whose version satisfies the edge's version read as a range (yarn and pnpm record ranges).
//! Without a version: every entry of that name (several when a dependency is split by
//! environment markers, as Poetry and uv lock `numpy` 1.24 for Python 3.8 and 1.26 above).
//! Names match the ecosystem's way (PEP 503 for PyPI, lowercase for Composer and NuGet). An
//! edge that matches nothing is counted as unresolved; self-edges are dropped.
//!
//! Migration chains record edges too (a revision and its parent); they resolve within their
//! chain by exact version, see [`chain_edges`].

use crate::{normalize_pypi_name, Component, Ecosystem, Format, Kind, Scope};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A resolved package of one lock file: the entries of one name and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockNode {
    pub name: String,
    pub version: Option<String>,
    /// Declared by the repository (a root of the graph).
    pub direct: bool,
    /// The strongest scope among the entries merged into this node.
    pub scope: Scope,
    /// Line of the (first) entry in the lock file.
    pub line: u32,
    /// The name as edges match it (see [`match_key`]).
    pub key: String,
    /// Indices into `Inventory::components` of the entries merged into this node.
    pub components: Vec<usize>,
}

/// One lock file's resolved graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockGraph {
    /// Repo-relative path of the lock file.
    pub path: String,
    pub format: Format,
    pub ecosystem: Ecosystem,
    /// Sorted by key, then version (the ecosystem's order).
    pub nodes: Vec<LockNode>,
    /// `(from, to)` node indices, sorted, without duplicates or self-edges.
    pub edges: Vec<(u32, u32)>,
    /// The same edges per component: `(from, to)` indices into `Inventory::components`, each
    /// entry to every entry merged into its target node. Sorted, without duplicates.
    pub component_edges: Vec<(usize, usize)>,
    /// Edges whose target is not an entry of this lock file.
    pub unresolved_edges: usize,
}

impl LockGraph {
    pub(crate) fn empty(path: &str, format: Format) -> LockGraph {
        LockGraph {
            path: path.to_string(),
            format,
            ecosystem: format.info().ecosystem.unwrap_or(Ecosystem::Generic),
            nodes: Vec::new(),
            edges: Vec::new(),
            component_edges: Vec::new(),
            unresolved_edges: 0,
        }
    }

    /// Node indices whose key is `key` (nodes are sorted by key: a binary search).
    pub fn name_range(&self, key: &str) -> std::ops::Range<u32> {
        let start = self.nodes.partition_point(|n| n.key.as_str() < key);
        let end = start + self.nodes[start..].partition_point(|n| n.key == key);
        start as u32..end as u32
    }
}

/// How an edge's name is matched to an entry's name.
pub fn match_key(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => normalize_pypi_name(name),
        Ecosystem::Composer | Ecosystem::Nuget => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// Lower is stronger: a package needed at runtime by one entry is a runtime package.
fn scope_rank(scope: Scope) -> u8 {
    match scope {
        Scope::Runtime => 0,
        Scope::Build => 1,
        Scope::Optional => 2,
        Scope::Peer => 3,
        Scope::Test => 4,
        Scope::Dev => 5,
    }
}

fn version_cmp(
    ecosystem: Ecosystem,
    name: &str,
    a: &Option<String>,
    b: &Option<String>,
) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => ecosystem
            .version_scheme(name)
            .and_then(|s| polyver_version::compare(s, a, b).ok())
            .unwrap_or_else(|| a.cmp(b)),
        _ => a.cmp(b),
    }
}

/// The lock graphs of `components` (package entries of lock-role formats), sorted by path.
pub(crate) fn lock_graphs(components: &[Component]) -> Vec<LockGraph> {
    let mut per_lock: BTreeMap<(&str, Format), Vec<(usize, u32)>> = BTreeMap::new();
    for (i, c) in components.iter().enumerate() {
        // Lock entries are graph material (packages, and those a Pulumi project marked as
        // providers); a manifest's entries are constraints.
        if !matches!(c.kind, Kind::Package | Kind::Provider) || !c.source.is_lock() {
            continue;
        }
        let mut last: Option<&str> = None;
        // Locations are sorted, so each path's first line comes first.
        for loc in &c.locations {
            if last != Some(loc.path.as_str()) {
                per_lock
                    .entry((loc.path.as_str(), c.source))
                    .or_default()
                    .push((i, loc.line));
                last = Some(loc.path.as_str());
            }
        }
    }
    per_lock
        .into_iter()
        .map(|((path, format), entries)| lock_graph(components, path, format, &entries))
        .collect()
}

fn lock_graph(
    components: &[Component],
    path: &str,
    format: Format,
    entries: &[(usize, u32)],
) -> LockGraph {
    let ecosystem = entries
        .first()
        .map_or(Ecosystem::Generic, |&(c, _)| components[c].ecosystem);
    let comp = |e: usize| &components[entries[e].0];
    let keys: Vec<String> = (0..entries.len())
        .map(|e| match_key(ecosystem, &comp(e).name))
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (comp(a), comp(b));
        keys[a]
            .cmp(&keys[b])
            .then_with(|| version_cmp(ecosystem, &ca.name, &ca.version, &cb.version))
            .then_with(|| ca.version.cmp(&cb.version))
    });
    let mut nodes: Vec<LockNode> = Vec::with_capacity(entries.len());
    let mut node_of = vec![0u32; entries.len()];
    for &e in &order {
        let (index, line) = entries[e];
        let c = &components[index];
        if let Some(last) = nodes.last_mut() {
            if last.key == keys[e] && last.version == c.version {
                last.direct |= c.direct;
                if scope_rank(c.scope) < scope_rank(last.scope) {
                    last.scope = c.scope;
                }
                last.line = last.line.min(line);
                last.components.push(index);
                node_of[e] = (nodes.len() - 1) as u32;
                continue;
            }
        }
        node_of[e] = nodes.len() as u32;
        nodes.push(LockNode {
            name: c.name.clone(),
            version: c.version.clone(),
            direct: c.direct,
            scope: c.scope,
            line,
            key: keys[e].clone(),
            components: vec![index],
        });
    }
    for n in &mut nodes {
        n.components.sort_unstable();
    }
    let mut graph = LockGraph {
        path: path.to_string(),
        format,
        ecosystem,
        nodes,
        edges: Vec::new(),
        component_edges: Vec::new(),
        unresolved_edges: 0,
    };
    let mut edges = Vec::new();
    let mut unresolved = 0;
    for (e, &(index, _)) in entries.iter().enumerate() {
        let from = node_of[e];
        for dep in &components[index].dependencies {
            let targets: Vec<u32> = match dep.version.as_deref() {
                Some(v) => resolve(&graph, &dep.name, v).into_iter().collect(),
                // No version: every entry of that name (one, or the versions a
                // marker-split dependency locks).
                None => graph.name_range(&match_key(ecosystem, &dep.name)).collect(),
            };
            if targets.is_empty() {
                unresolved += 1;
            }
            for to in targets.into_iter().filter(|&to| to != from) {
                edges.push((from, to));
                let to_components = &graph.nodes[to as usize].components;
                graph
                    .component_edges
                    .extend(to_components.iter().map(|&j| (index, j)));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    graph.component_edges.sort_unstable();
    graph.component_edges.dedup();
    graph.edges = edges;
    graph.unresolved_edges = unresolved;
    graph
}

/// The node an edge `name` + `version` points at; see the module docs for the order.
fn resolve(graph: &LockGraph, name: &str, version: &str) -> Option<u32> {
    let range = graph.name_range(&match_key(graph.ecosystem, name));
    if range.is_empty() {
        return None;
    }
    if let Some(exact) = range
        .clone()
        .find(|&i| graph.nodes[i as usize].version.as_deref() == Some(version))
    {
        return Some(exact);
    }
    if range.len() == 1 {
        return Some(range.start);
    }
    let scheme = graph.ecosystem.version_scheme(name)?;
    // Nodes of one name are sorted by version: the last that satisfies is the highest.
    range.rev().find(|&i| {
        graph.nodes[i as usize]
            .version
            .as_deref()
            .is_some_and(|v| polyver_version::satisfies(scheme, v, version).unwrap_or(false))
    })
}

/// Edges of migration chains, as component index pairs: a migration's edge names its chain
/// (or Django app) and the parent revision, which is the component of that ecosystem, name
/// and exact version (every one of them when a chain is found in several places). Sorted.
pub(crate) fn chain_edges(components: &[Component]) -> Vec<(usize, usize)> {
    let mut by_revision: BTreeMap<(Ecosystem, &str, &str), Vec<usize>> = BTreeMap::new();
    for (i, c) in components.iter().enumerate() {
        if c.kind == Kind::Migration {
            if let Some(v) = c.version.as_deref() {
                by_revision
                    .entry((c.ecosystem, c.name.as_str(), v))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut edges = Vec::new();
    for (i, c) in components.iter().enumerate() {
        if c.kind != Kind::Migration {
            continue;
        }
        for dep in &c.dependencies {
            let Some(v) = dep.version.as_deref() else {
                continue;
            };
            let targets = by_revision.get(&(c.ecosystem, dep.name.as_str(), v));
            edges.extend(
                targets
                    .into_iter()
                    .flatten()
                    .filter(|&&j| j != i)
                    .map(|&j| (i, j)),
            );
        }
    }
    edges.sort_unstable();
    edges.dedup();
    edges
}
