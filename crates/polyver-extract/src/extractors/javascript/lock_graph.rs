//! What the JavaScript lock files (yarn, pnpm, bun) have in common once parsed: a list of
//! locked packages with resolved dependency edges, plus the root's (or each workspace
//! importer's) direct dependencies. This module turns that graph into components.
//!
//! Direct = some root or workspace declares the package. Scope, when the lock itself does
//! not record one (pnpm v5/v6 `dev: true`), is inferred from reachability the way npm sets
//! its flags: a package reachable from a runtime dependency is runtime; otherwise from an
//! optional one, optional; otherwise from a peer, peer; otherwise dev. A package nothing
//! reaches (no root information, e.g. an in-memory yarn classic lock) stays runtime.

use crate::SourceFile;
use polyver_model::{Component, DependencyEdge, Ecosystem, Format, Kind, Scope};

/// One resolved package of a lock file.
#[derive(Clone, Debug, Default)]
pub(crate) struct LockedPackage {
    pub name: String,
    pub version: Option<String>,
    /// 1-based line of the entry's key.
    pub line: u32,
    pub integrity: Option<String>,
    /// Where it came from, when not a registry (git, tarball URL, `file:`).
    pub url: Option<String>,
    /// The scope the lock records for it, if it records one.
    pub recorded_scope: Option<Scope>,
    pub dependencies: Vec<LockedEdge>,
}

/// A dependency of a locked package, resolved to an index in the package list when found.
#[derive(Clone, Debug)]
pub(crate) struct LockedEdge {
    pub name: String,
    pub target: Option<usize>,
    /// `Runtime`, `Optional` or `Peer`: the kind of dependency map it came from.
    pub kind: Scope,
}

/// A direct dependency of the root or of a workspace package.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RootDependency {
    pub target: usize,
    pub scope: Scope,
}

/// Lower is stronger: a package needed at runtime anywhere is a runtime package.
fn rank(scope: Scope) -> u8 {
    match scope {
        Scope::Runtime => 0,
        Scope::Optional => 1,
        Scope::Peer => 2,
        _ => 3,
    }
}

/// The scope each package inherits from the roots that reach it (`None`: unreached).
fn propagate_scopes(packages: &[LockedPackage], roots: &[RootDependency]) -> Vec<Option<Scope>> {
    let mut best: Vec<Option<Scope>> = vec![None; packages.len()];
    let mut work: Vec<(usize, Scope)> = roots.iter().map(|r| (r.target, r.scope)).collect();
    // Each package's scope can only improve (at most 4 times), so this terminates.
    while let Some((idx, scope)) = work.pop() {
        let Some(slot) = best.get_mut(idx) else {
            continue;
        };
        if slot.is_some_and(|s| rank(s) <= rank(scope)) {
            continue;
        }
        *slot = Some(scope);
        for edge in packages.get(idx).map_or(&[][..], |p| &p.dependencies) {
            // A peer is provided by the dependent's own parent, which reaches it already.
            let Some(target) = edge.target.filter(|_| edge.kind != Scope::Peer) else {
                continue;
            };
            let inherited = match (scope, edge.kind) {
                (Scope::Runtime, Scope::Optional) => Scope::Optional,
                (s, _) => s,
            };
            work.push((target, inherited));
        }
    }
    best
}

/// Components for every package, with direct flags, scopes and edges.
pub(crate) fn components(
    file: &SourceFile,
    source_id: Format,
    packages: &[LockedPackage],
    roots: &[RootDependency],
) -> Vec<Component> {
    let inherited = propagate_scopes(packages, roots);
    let mut direct = vec![false; packages.len()];
    for root in roots {
        if let Some(d) = direct.get_mut(root.target) {
            *d = true;
        }
    }
    packages
        .iter()
        .enumerate()
        .map(|(idx, p)| {
            let scope = p
                .recorded_scope
                .or(inherited.get(idx).copied().flatten())
                .unwrap_or(Scope::Runtime);
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Npm,
                &p.name,
                source_id,
                file.location(p.line),
            )
            .with_scope(scope)
            .with_direct(direct.get(idx).copied().unwrap_or(false));
            if let Some(v) = &p.version {
                c = c.with_version(v);
            }
            c.integrity = p.integrity.clone();
            c.url = p.url.clone();
            c.dependencies = p
                .dependencies
                .iter()
                .map(|e| DependencyEdge {
                    name: e.name.clone(),
                    version: e
                        .target
                        .and_then(|t| packages.get(t))
                        .and_then(|t| t.version.clone()),
                })
                .collect();
            c
        })
        .collect()
}

/// Whether a resolved location is something other than a registry tarball.
pub(crate) fn is_non_registry(resolved: &str) -> bool {
    const PREFIXES: [&str; 7] = [
        "git", "github:", "file:", "link:", "portal:", "patch:", "ssh:",
    ];
    PREFIXES.iter().any(|p| resolved.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(name: &str, deps: &[(usize, Scope)]) -> LockedPackage {
        LockedPackage {
            name: name.into(),
            line: 1,
            dependencies: deps
                .iter()
                .map(|(t, kind)| LockedEdge {
                    name: String::new(),
                    target: Some(*t),
                    kind: *kind,
                })
                .collect(),
            ..LockedPackage::default()
        }
    }

    #[test]
    fn runtime_wins_and_cycles_terminate() {
        let packages = vec![
            pkg("dev-tool", &[(2, Scope::Runtime)]),
            pkg("app-dep", &[(2, Scope::Optional), (3, Scope::Runtime)]),
            pkg("shared", &[(0, Scope::Runtime)]),
            pkg("leaf", &[(1, Scope::Runtime)]),
        ];
        let roots = [
            RootDependency {
                target: 0,
                scope: Scope::Dev,
            },
            RootDependency {
                target: 1,
                scope: Scope::Runtime,
            },
        ];
        let scopes = propagate_scopes(&packages, &roots);
        assert_eq!(
            scopes,
            vec![
                Some(Scope::Optional),
                Some(Scope::Runtime),
                Some(Scope::Optional),
                Some(Scope::Runtime)
            ]
        );
    }
}
