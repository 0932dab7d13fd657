//! How the files of a repository belong together, computed once after the walk by one pure
//! function of the [`Inventory`] ([`Project::of`]), so that graph, analyze, advisory,
//! licences, lock and every report answer cross-file questions the same way and nothing
//! re-reads the tree. It depends on the inventory alone: a scan read back from the registry
//! gives the same lock pairing, graphs and Pulumi projects (the include graph also needs the
//! walk's links, which the registry does not store yet).
//!
//! - **Lock files** with the manifests they resolve: a lock resolves the manifests of the
//!   formats its [`Format`] `resolves` in its own directory; manifests below it with no such
//!   lock of their own are its workspace members (a Cargo or npm workspace locks once at the
//!   root). [`Project::locks_for`] answers "which lock tells what this manifest installs?".
//! - **Requirement includes** (`-r`/`-c`), recorded by the walk as [`Link`]s.
//! - **Pulumi projects**: the directories holding a `Pulumi.yaml`, with their providers.
//! - **Resolved edges**: each lock file's graph ([`LockGraph`], the one edge resolver
//!   `polyver graph` and the CycloneDX/SPDX writers share) and the migration chains' edges.
//!
//! Links (and the licence facts of [`LicenseDeclaration`]) are carried in-process with the
//! inventory, not in the `polyver.scan/v1` JSON; the project is not serialized either.

mod license;
mod pulumi;
mod resolve;
#[cfg(test)]
mod tests;

pub use license::{is_license_file, license_choice, DeclaredLicense, LicenseDeclaration};
pub use pulumi::{is_pulumi_provider, mark_pulumi_providers, PulumiProject};
pub use resolve::{match_key, LockGraph, LockNode};

use crate::{Component, Format, Inventory, Role};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How one file refers to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// pip `-r FILE`: the other file's requirements are part of this installation.
    Requirements,
    /// pip `-c FILE`: the other file constrains this installation.
    Constraints,
}

/// One file referring to another, both repository-relative with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub from: String,
    /// 1-based line of the reference in `from`.
    pub line: u32,
    pub to: String,
    pub kind: LinkKind,
}

impl Link {
    pub fn new(from: impl Into<String>, line: u32, to: impl Into<String>, kind: LinkKind) -> Link {
        Link {
            from: from.into(),
            line,
            to: to.into(),
            kind,
        }
    }
}

/// One lock file and what it resolves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockFile {
    /// Repo-relative path.
    pub path: String,
    pub format: Format,
    /// Indices into `Inventory::components` of the entries found in this file.
    pub entries: Vec<usize>,
    /// Manifests in the same directory whose format this lock resolves, sorted.
    pub manifests: Vec<String>,
    /// Manifests in directories below with no lock of their own that resolves them: the
    /// members of a workspace locked at this directory, sorted.
    pub members: Vec<String>,
    /// Its entries as a resolved graph (package entries only).
    pub graph: LockGraph,
}

impl LockFile {
    /// The directory of the lock file (`""` at the root).
    pub fn dir(&self) -> &str {
        dir_of(&self.path)
    }
}

/// The requirement include graph: which file pulls in which with `-r`/`-c`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Includes {
    /// Sorted by `from`, without duplicates.
    links: Vec<Link>,
}

impl Includes {
    /// The links `file` makes, in line order.
    pub fn from_file<'a>(&'a self, file: &str) -> impl Iterator<Item = &'a Link> + 'a {
        let start = self.links.partition_point(|l| l.from.as_str() < file);
        let end = start + self.links[start..].partition_point(|l| l.from == file);
        self.links[start..end].iter()
    }

    /// `file` and every file it includes, transitively (each once, cycles cut).
    pub fn reachable<'a>(&'a self, file: &'a str) -> BTreeSet<&'a str> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![file];
        while let Some(f) = stack.pop() {
            if seen.insert(f) {
                stack.extend(self.from_file(f).map(|l| l.to.as_str()));
            }
        }
        seen
    }
}

/// How the scanned files belong together; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Project {
    /// Every lock file, sorted by path.
    pub locks: Vec<LockFile>,
    pub includes: Includes,
    /// Sorted by directory.
    pub pulumi: Vec<PulumiProject>,
    /// Migration chain edges, `(revision, parent)` component indices, sorted.
    pub chain_edges: Vec<(usize, usize)>,
    /// Lock indices per directory.
    locks_by_dir: BTreeMap<String, Vec<usize>>,
}

impl Project {
    /// The project of `inventory`: a pure function of it (see the module docs).
    pub fn of(inventory: &Inventory) -> Project {
        Project::from_parts(&inventory.components, &inventory.links)
    }

    /// [`Project::of`] for components and links held apart from an inventory.
    pub fn from_parts(components: &[Component], links: &[Link]) -> Project {
        let mut graphs: BTreeMap<(String, Format), LockGraph> = resolve::lock_graphs(components)
            .into_iter()
            .map(|g| ((g.path.clone(), g.format), g))
            .collect();
        let mut entries: BTreeMap<(&str, Format), Vec<usize>> = BTreeMap::new();
        let mut manifests: BTreeMap<&str, BTreeSet<(Format, &str)>> = BTreeMap::new();
        for (i, c) in components.iter().enumerate() {
            for loc in &c.locations {
                match c.source.role() {
                    Role::Lock => {
                        let e = entries.entry((loc.path.as_str(), c.source)).or_default();
                        if e.last() != Some(&i) {
                            e.push(i);
                        }
                    }
                    Role::Manifest => {
                        manifests
                            .entry(dir_of(&loc.path))
                            .or_default()
                            .insert((c.source, loc.path.as_str()));
                    }
                    _ => {}
                }
            }
        }
        let mut locks: Vec<LockFile> = entries
            .into_iter()
            .map(|((path, format), entries)| LockFile {
                path: path.to_string(),
                format,
                entries,
                manifests: Vec::new(),
                members: Vec::new(),
                graph: graphs
                    .remove(&(path.to_string(), format))
                    .unwrap_or_else(|| LockGraph::empty(path, format)),
            })
            .collect();
        locks.sort_by(|a, b| (&a.path, a.format).cmp(&(&b.path, b.format)));
        let mut locks_by_dir: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, l) in locks.iter().enumerate() {
            locks_by_dir.entry(l.dir().to_string()).or_default().push(i);
        }
        let mut project = Project {
            locks,
            includes: Includes {
                links: links.to_vec(),
            },
            pulumi: pulumi::projects(components),
            chain_edges: resolve::chain_edges(components),
            locks_by_dir,
        };
        project.includes.links.sort();
        project.includes.links.dedup();
        // Pair every manifest with the lock that resolves it: beside it, else above it.
        let mut pairs: Vec<(usize, bool, String)> = Vec::new();
        for (dir, files) in &manifests {
            for &(format, path) in files {
                if let Some((lock_dir, found)) = project.lock_indices_for(format, dir) {
                    let beside = lock_dir == *dir;
                    pairs.extend(found.into_iter().map(|l| (l, beside, path.to_string())));
                }
            }
        }
        for (l, beside, path) in pairs {
            let lock = &mut project.locks[l];
            if beside {
                lock.manifests.push(path);
            } else {
                lock.members.push(path);
            }
        }
        for lock in &mut project.locks {
            lock.manifests.dedup();
            lock.members.dedup();
        }
        project
    }

    /// The locks that resolve a manifest of `format` in `dir`: those in `dir` whose format
    /// resolves it, else those of the nearest directory above that has any (a workspace
    /// lock). With the directory they were found in.
    pub fn locks_for<'d>(&self, format: Format, dir: &'d str) -> Option<(&'d str, Vec<&LockFile>)> {
        let (d, found) = self.lock_indices_for(format, dir)?;
        Some((d, found.into_iter().map(|i| &self.locks[i]).collect()))
    }

    fn lock_indices_for<'d>(&self, format: Format, dir: &'d str) -> Option<(&'d str, Vec<usize>)> {
        ancestors(dir).find_map(|d| {
            let found: Vec<usize> = self
                .locks_by_dir
                .get(d)?
                .iter()
                .copied()
                .filter(|&i| self.locks[i].format.info().resolves.contains(&format))
                .collect();
            (!found.is_empty()).then_some((d, found))
        })
    }

    /// Whether the lock file at `lock_path` resolves the manifest of `format` at
    /// `manifest_path` (beside it, or as the workspace lock above it).
    pub fn lock_resolves(&self, lock_path: &str, format: Format, manifest_path: &str) -> bool {
        self.locks_for(format, dir_of(manifest_path))
            .is_some_and(|(_, locks)| locks.iter().any(|l| l.path == lock_path))
    }

    /// For each of `count` components (by inventory index), the components its recorded
    /// edges resolve to: lock edges by the lock graphs' rules, migration edges within their
    /// chain. Sorted, without duplicates.
    pub fn dependency_targets(&self, count: usize) -> Vec<Vec<usize>> {
        let mut targets = vec![Vec::new(); count];
        let lock_edges = self.locks.iter().flat_map(|l| &l.graph.component_edges);
        for &(from, to) in lock_edges.chain(&self.chain_edges) {
            if from < count && to < count {
                targets[from].push(to);
            }
        }
        for t in &mut targets {
            t.sort_unstable();
            t.dedup();
        }
        targets
    }
}

/// The directory of a repo-relative path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `dir` and every directory above it, nearest first, ending with the root (`""`).
pub fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(dir), |d| (!d.is_empty()).then(|| dir_of(d)))
}
