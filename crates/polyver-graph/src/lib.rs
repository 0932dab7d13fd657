//! Dependency graphs from lock files: which resolved package pulls in which, how deep the
//! tree goes, what everything depends on, and why a package is there at all.
//!
//! **One graph per lock file.** A lock file is a resolution root: npm, Poetry or Cargo
//! resolved it on its own, and the same `lodash@4.17.21` in two lock files got there for
//! different reasons. So a node is `(ecosystem, name, version)` *within one lock file*; the
//! same package in two locks is two nodes in two graphs, and `why` answers per lock file.
//! (The inventory merges identical findings across files into one component with several
//! locations; [`build`] splits them back by location path.)
//!
//! **Edges** are the components' `dependencies` (`name` + version when the lock records
//! one), resolved once by the project model (`polyver_model::project`, whose docs give the
//! rules; the CycloneDX and SPDX writers use the same resolution). An edge resolves inside
//! its own lock file only. With a version: the entry of that name and version; else the
//! single entry of that name; else the highest entry whose version satisfies the edge's
//! version read as a range (yarn and pnpm may record ranges). Without a version: every entry
//! of that name — one, or several when a dependency is split by environment markers (Poetry
//! and uv lock `numpy` 1.24 for Python 3.8 and 1.26 above, and the dependent needs both, each
//! somewhere). An edge that matches nothing is counted as unresolved and left out;
//! self-edges are dropped. Package entries and those a Pulumi project marked as providers
//! are nodes.
//!
//! **Roots** are the direct dependencies (`direct = true`; the extractors decide it from the
//! lock's root entry or the manifest beside it). A lock without any direct entry gets its
//! entries nothing depends on as roots, and says so (`roots_inferred`).
//!
//! Storage is a compact adjacency list (CSR: one offsets array and one targets array per
//! direction, `u32` indices), built with sorts rather than maps of vectors, so a 100k-node
//! monorepo graph is a few megabytes and every pass here is linear.

mod stats;
mod why;

pub use stats::{FanIn, GraphStats};
pub use why::{near_matches, why, WhyAnswer};

use polyver_model::project::{match_key, LockGraph, Project};
use polyver_model::{Ecosystem, Format, Inventory, Scope};

/// Node index inside one [`Graph`].
pub type NodeId = u32;

/// A resolved package of one lock file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub version: Option<String>,
    /// Declared by the repository (a root of the graph).
    pub direct: bool,
    /// The strongest scope among the lock entries merged into this node.
    pub scope: Scope,
    /// Line of the (first) entry in the lock file.
    pub line: u32,
    /// The name as edges are matched (PEP 503 for PyPI, lowercase for Composer/NuGet).
    key: String,
}

impl Node {
    /// `name@version`, or the name alone.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) => format!("{}@{v}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The dependency graph of one lock file.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Repo-relative path of the lock file.
    pub lock: String,
    /// The format it was read as (`package-lock`, `poetry-lock`, ...).
    pub source: Format,
    pub ecosystem: Ecosystem,
    /// Sorted by name, then version.
    pub nodes: Vec<Node>,
    /// Roots were not recorded and were taken as the entries nothing depends on.
    pub roots_inferred: bool,
    /// Edges whose target is not an entry of this lock file.
    pub unresolved_edges: usize,
    is_root: Vec<bool>,
    succ_start: Vec<u32>,
    succ: Vec<NodeId>,
    pred_start: Vec<u32>,
    pred: Vec<NodeId>,
}

impl Graph {
    /// Builds a graph from `(from, to)` pairs over `nodes` (sorted by key, then version);
    /// duplicates and self-edges are dropped. Roots are the direct nodes, or the nodes
    /// without dependents when none is.
    pub(crate) fn from_edges(
        lock: impl Into<String>,
        source: Format,
        ecosystem: Ecosystem,
        nodes: Vec<Node>,
        mut edges: Vec<(NodeId, NodeId)>,
    ) -> Graph {
        let n = nodes.len();
        edges.retain(|&(a, b)| a != b && (a as usize) < n && (b as usize) < n);
        edges.sort_unstable();
        edges.dedup();
        let (succ_start, succ) = csr(n, edges.iter().copied());
        let (pred_start, pred) = csr(n, edges.iter().map(|&(a, b)| (b, a)));
        let mut graph = Graph {
            lock: lock.into(),
            source,
            ecosystem,
            nodes,
            roots_inferred: false,
            unresolved_edges: 0,
            is_root: Vec::new(),
            succ_start,
            succ,
            pred_start,
            pred,
        };
        let mut is_root: Vec<bool> = graph.nodes.iter().map(|n| n.direct).collect();
        if !is_root.iter().any(|&r| r) {
            graph.roots_inferred = true;
            for (i, r) in is_root.iter_mut().enumerate() {
                *r = graph.dependents(i as NodeId).is_empty();
            }
        }
        graph.is_root = is_root;
        graph
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// What `id` depends on, sorted.
    pub fn dependencies(&self, id: NodeId) -> &[NodeId] {
        let i = id as usize;
        &self.succ[self.succ_start[i] as usize..self.succ_start[i + 1] as usize]
    }

    /// What depends on `id`, sorted.
    pub fn dependents(&self, id: NodeId) -> &[NodeId] {
        let i = id as usize;
        &self.pred[self.pred_start[i] as usize..self.pred_start[i + 1] as usize]
    }

    pub fn is_root(&self, id: NodeId) -> bool {
        self.is_root[id as usize]
    }

    pub fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len() as NodeId).filter(|&i| self.is_root(i))
    }

    pub fn edge_count(&self) -> usize {
        self.succ.len()
    }

    /// Every edge `(from, to)`, sorted.
    pub fn edges(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        (0..self.nodes.len() as NodeId)
            .flat_map(move |a| self.dependencies(a).iter().map(move |&b| (a, b)))
    }

    /// Nodes called `name` (matched the ecosystem's way), optionally only `version`.
    pub fn find(&self, name: &str, version: Option<&str>) -> Vec<NodeId> {
        let key = match_key(self.ecosystem, name);
        let range = self.name_range(&key);
        range
            .filter(|&i| {
                version.is_none_or(|v| self.nodes[i as usize].version.as_deref() == Some(v))
            })
            .collect()
    }

    /// The part of the graph within `max_depth` of a root (roots have depth 1): for drawing
    /// a big graph. Unreachable nodes are left out; roots stay roots.
    pub fn truncated(&self, max_depth: u32) -> Graph {
        let depths = self.depths();
        let mut new_id = vec![NodeId::MAX; self.nodes.len()];
        let mut nodes = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if depths[i] >= 1 && depths[i] <= max_depth {
                new_id[i] = nodes.len() as NodeId;
                let mut n = n.clone();
                n.direct = self.is_root[i];
                nodes.push(n);
            }
        }
        let edges = self
            .edges()
            .filter_map(|(a, b)| {
                let (a, b) = (new_id[a as usize], new_id[b as usize]);
                (a != NodeId::MAX && b != NodeId::MAX).then_some((a, b))
            })
            .collect();
        let mut g = Graph::from_edges(&self.lock, self.source, self.ecosystem, nodes, edges);
        g.roots_inferred = self.roots_inferred;
        g.unresolved_edges = self.unresolved_edges;
        g
    }

    /// Node ids whose key is `key` (nodes are sorted by key, so a binary search).
    fn name_range(&self, key: &str) -> std::ops::Range<NodeId> {
        let start = self.nodes.partition_point(|n| n.key.as_str() < key);
        let end = start + self.nodes[start..].partition_point(|n| n.key == key);
        start as NodeId..end as NodeId
    }
}

/// Offsets and targets of a compressed adjacency list from pairs sorted by source.
fn csr(n: usize, pairs: impl Iterator<Item = (NodeId, NodeId)> + Clone) -> (Vec<u32>, Vec<NodeId>) {
    let mut start = vec![0u32; n + 1];
    for (a, _) in pairs.clone() {
        start[a as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut targets = vec![0; start[n] as usize];
    for (a, b) in pairs {
        targets[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
    }
    for i in 0..n {
        targets[start[i] as usize..start[i + 1] as usize].sort_unstable();
    }
    (start, targets)
}

/// One graph per lock file of the inventory, sorted by lock path.
pub fn build(inventory: &Inventory) -> Vec<Graph> {
    from_project(&Project::of(inventory))
}

/// One graph per lock file of `project` that has package entries, sorted by lock path: the
/// project's resolution (`polyver_model::project::LockGraph`) in a compact adjacency list.
pub fn from_project(project: &Project) -> Vec<Graph> {
    project
        .locks
        .iter()
        .filter(|l| !l.graph.nodes.is_empty())
        .map(|l| from_lock(&l.graph))
        .collect()
}

fn from_lock(lock: &LockGraph) -> Graph {
    let nodes = lock
        .nodes
        .iter()
        .map(|n| Node {
            name: n.name.clone(),
            version: n.version.clone(),
            direct: n.direct,
            scope: n.scope,
            line: n.line,
            key: n.key.clone(),
        })
        .collect();
    let mut graph = Graph::from_edges(
        &lock.path,
        lock.format,
        lock.ecosystem,
        nodes,
        lock.edges.clone(),
    );
    graph.unresolved_edges = lock.unresolved_edges;
    graph
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use polyver_model::{Component, Kind};

    /// A graph over `names` (each `name@version` or `name`, sorted by name), `*` marking
    /// direct ones.
    pub(crate) fn graph(names: &[&str], edges: &[(usize, usize)]) -> Graph {
        let nodes = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let direct = n.starts_with('*');
                let n = n.trim_start_matches('*');
                let (name, version) = match n.split_once('@') {
                    Some((a, b)) => (a.to_string(), Some(b.to_string())),
                    None => (n.to_string(), None),
                };
                Node {
                    key: name.clone(),
                    name,
                    version,
                    direct,
                    scope: Scope::Runtime,
                    line: i as u32 + 1,
                }
            })
            .collect();
        let edges = edges
            .iter()
            .map(|&(a, b)| (a as NodeId, b as NodeId))
            .collect();
        Graph::from_edges(
            "test.lock",
            Format::PackageLock,
            Ecosystem::Npm,
            nodes,
            edges,
        )
    }

    #[test]
    fn csr_lists_both_directions() {
        let g = graph(&["*a", "b", "c"], &[(0, 1), (0, 2), (1, 2), (1, 2), (2, 2)]);
        assert_eq!(g.dependencies(0), &[1, 2]);
        assert_eq!(g.dependents(2), &[0, 1]);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.roots().collect::<Vec<_>>(), vec![0]);
        assert!(!g.roots_inferred);
    }

    #[test]
    fn truncated_keeps_what_is_near_the_roots() {
        let g = graph(
            &["*a", "b", "c", "d", "e"],
            &[(0, 1), (1, 2), (2, 3), (3, 1)],
        );
        let t = g.truncated(2);
        let labels: Vec<String> = t.nodes.iter().map(Node::label).collect();
        assert_eq!(labels, ["a", "b"]);
        assert_eq!(t.edges().collect::<Vec<_>>(), vec![(0, 1)]);
        assert_eq!(g.truncated(10).edge_count(), 4);
        // Inferred roots stay roots once marked.
        let h = graph(&["a", "b"], &[(0, 1)]).truncated(1);
        assert_eq!(h.roots().collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn roots_are_inferred_without_direct_entries() {
        let g = graph(&["a", "b", "c"], &[(0, 1), (2, 1)]);
        assert!(g.roots_inferred);
        assert_eq!(g.roots().collect::<Vec<_>>(), vec![0, 2]);
    }

    fn entry(
        lock: &str,
        name: &str,
        version: &str,
        direct: bool,
        deps: &[(&str, Option<&str>)],
    ) -> Component {
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Pypi,
            name,
            polyver_model::Format::PoetryLock,
            polyver_model::Location::new(lock, 1),
        )
        .with_version(version)
        .with_direct(direct);
        c.dependencies = deps
            .iter()
            .map(|(n, v)| polyver_model::DependencyEdge {
                name: n.to_string(),
                version: v.map(str::to_string),
            })
            .collect();
        c
    }

    #[test]
    fn builds_one_graph_per_lock_and_resolves_edges() {
        let components = vec![
            entry(
                "a/poetry.lock",
                "app-lib",
                "1.0",
                true,
                &[
                    ("Zope.Interface", None),
                    ("six", Some(">=1.10")),
                    ("ghost", None),
                ],
            ),
            entry("a/poetry.lock", "zope-interface", "6.0", false, &[]),
            entry("a/poetry.lock", "six", "1.9.0", false, &[]),
            entry("a/poetry.lock", "six", "1.16.0", false, &[]),
            entry("b/poetry.lock", "six", "1.16.0", false, &[]),
            entry(
                "a/poetry.lock",
                "requests",
                "2.0",
                true,
                &[("six", Some("1.9.0"))],
            ),
            entry("b/poetry.lock", "numpy", "1.24.4", false, &[]),
            entry("b/poetry.lock", "numpy", "1.26.4", false, &[]),
            entry("b/poetry.lock", "pandas", "2.0", true, &[("numpy", None)]),
        ];
        // Identical components in both locks merge into one with two locations.
        let inventory = Inventory::finish(".", components, vec![], Default::default());
        let graphs = build(&inventory);
        assert_eq!(graphs.len(), 2);
        let a = &graphs[0];
        assert_eq!(a.lock, "a/poetry.lock");
        let labels: Vec<String> = a.nodes.iter().map(Node::label).collect();
        assert_eq!(
            labels,
            [
                "app-lib@1.0",
                "requests@2.0",
                "six@1.9.0",
                "six@1.16.0",
                "zope-interface@6.0"
            ]
        );
        let edges: Vec<(String, String)> = a
            .edges()
            .map(|(x, y)| (a.node(x).label(), a.node(y).label()))
            .collect();
        assert_eq!(
            edges,
            [
                ("app-lib@1.0".to_string(), "six@1.16.0".to_string()),
                ("app-lib@1.0".to_string(), "zope-interface@6.0".to_string()),
                ("requests@2.0".to_string(), "six@1.9.0".to_string()),
            ]
        );
        assert_eq!(a.unresolved_edges, 1);
        assert_eq!(a.find("Six", None).len(), 2);
        assert_eq!(a.find("six", Some("1.9.0")), vec![2]);
        let b = &graphs[1];
        assert_eq!((b.nodes.len(), b.roots_inferred), (4, false));
        let pandas = b.find("pandas", None)[0];
        assert_eq!(
            b.dependencies(pandas).len(),
            2,
            "both marker-split numpy versions"
        );
    }
}
