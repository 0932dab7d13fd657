//! `uv.lock` (`version = 1`, any `revision`; also the `[[distribution]]` layout of uv
//! before 0.3).
//!
//! Each `[[package]]` has `name`, `version` and a `source`: `registry` (a package index),
//! `git`, `url`, `path` or `directory` (recorded as `url`), or `editable` / `virtual` —
//! the repository's own projects (the workspace root and members, editable path
//! projects). Those are not reported; their `dependencies`, `optional-dependencies` and
//! `dev-dependencies` are what the repository declares, so those entries are direct. A
//! workspace without a root project lists its requirements in `[manifest] requirements`
//! and `[manifest.dependency-groups]` instead; they count the same way.
//!
//! Scope is not recorded per package, so it is derived from the graph: a package reachable
//! from a project's runtime `dependencies` is runtime; otherwise it takes the scope of the
//! extra or group it is reached from (by name: `test` → test, `docs`/`lint` → dev, other
//! extras optional, other groups dev). The walk is iterative, so deep graphs are safe.
//!
//! Edges are each entry's `dependencies` and `optional-dependencies` (`{ name, version?,
//! extra?, marker? }`): the version is the one written in the edge when uv disambiguates,
//! else the only locked version of that name. `sdist` and `wheels` hashes are `integrity`.
//! `requires-python` is the `python` runtime constraint.

use crate::extractors::python_locks::{
    invalid, join_hashes, key_line, package, package_tables, parse_toml, python_constraint,
    sibling_pyproject, str_of, tables_in, unreferenced, LockedVersions,
};
use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    normalize_pypi_name, DependencyEdge, Diagnostic, DiagnosticCode, Format, Scope,
};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use toml_edit::{Item, TableLike};

pub struct UvLockExtractor;

const ID: Format = Format::UvLock;

impl Extractor for UvLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["uv.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "uv.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        match root.get("version").and_then(Item::as_integer) {
            Some(1) => {}
            Some(v) => out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                key_line(file, root, "version", 1),
                format!("uv.lock version {v} is not known; read as version 1"),
            )),
            None => out.diagnose(invalid(
                file,
                key_line(file, root, "version", 1),
                "uv.lock has no integer `version`",
            )),
        }
        if let Some(py) = str_of(root, "requires-python") {
            let line = key_line(file, root, "requires-python", 0);
            out.push(python_constraint(file, ID, line, py));
        }
        let key = if root.contains_key("package") {
            "package"
        } else {
            "distribution"
        };
        let packages = package_tables(file, root, key, &mut out);
        let locked = LockedVersions::of(&packages);

        // Seeds of the scope walk: (scope, name) for everything the repository declares.
        let mut seeds: Vec<(Scope, String)> = Vec::new();
        if let Some(manifest) = root.get("manifest").and_then(Item::as_table_like) {
            if let Some(reqs) = manifest.get("requirements") {
                seeds.extend(names_in(reqs).map(|n| (Scope::Runtime, n)));
            }
            if let Some(groups) = manifest
                .get("dependency-groups")
                .and_then(Item::as_table_like)
            {
                for (group, reqs) in groups.iter() {
                    let scope = scope_from_words(group, Scope::Dev);
                    seeds.extend(names_in(reqs).map(|n| (scope, n)));
                }
            }
        }

        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut components = Vec::new();
        let mut all_edges = Vec::new();
        for pkg in &packages {
            let header_line = pkg.span().map_or(0, |s| file.line_col(s.start).0);
            let line = key_line(file, *pkg, "name", header_line);
            let Some(name) = str_of(*pkg, "name") else {
                out.diagnose(invalid(file, line, "`[[package]]` has no `name`"));
                continue;
            };
            let source = pkg.get("source").and_then(Item::as_table_like);
            let is_project =
                source.is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"));
            let mut edges = Vec::new();
            if let Some(deps) = pkg.get("dependencies") {
                edges.extend(dependency_edges(deps, &locked));
                if is_project {
                    seeds.extend(names_in(deps).map(|n| (Scope::Runtime, n)));
                }
            }
            for (field, default) in [
                ("optional-dependencies", Scope::Optional),
                ("dev-dependencies", Scope::Dev),
            ] {
                let Some(groups) = pkg.get(field).and_then(Item::as_table_like) else {
                    continue;
                };
                for (group, deps) in groups.iter() {
                    if is_project {
                        let scope = scope_from_words(group, default);
                        seeds.extend(names_in(deps).map(|n| (scope, n)));
                    }
                    if field == "optional-dependencies" || is_project {
                        edges.extend(dependency_edges(deps, &locked));
                    }
                }
            }
            edges.sort();
            edges.dedup();
            let normalized = normalize_pypi_name(name);
            graph
                .entry(normalized.clone())
                .or_default()
                .extend(edges.iter().map(|e| e.name.clone()));
            if is_project {
                continue;
            }
            all_edges.extend(edges.iter().map(|e| (normalized.clone(), e.clone())));
            let mut c = package(file, ID, name, line);
            match str_of(*pkg, "version") {
                Some(v) => c = c.with_version(v),
                None => out.diagnose(invalid(file, line, format!("`{name}` has no version"))),
            }
            c.url = source.and_then(source_url);
            let mut hashes: Vec<String> = pkg
                .get("sdist")
                .and_then(Item::as_table_like)
                .and_then(|s| str_of(s, "hash"))
                .map(str::to_string)
                .into_iter()
                .collect();
            if let Some(wheels) = pkg.get("wheels") {
                hashes.extend(
                    tables_in(wheels)
                        .into_iter()
                        .filter_map(|w| str_of(w, "hash").map(str::to_string)),
                );
            }
            c.integrity = join_hashes(hashes);
            c.dependencies = edges;
            components.push(c);
        }

        let has_roots = !seeds.is_empty();
        let (direct, scopes) = if has_roots {
            let direct: BTreeSet<String> = seeds.iter().map(|(_, n)| n.clone()).collect();
            (direct, walk_scopes(seeds, &graph))
        } else {
            let direct = match sibling_pyproject(file) {
                Some(m) => m.names,
                None => unreferenced(components.iter().map(|c| c.name.as_str()), &all_edges),
            };
            (direct, BTreeMap::new())
        };
        for c in components {
            let scope = scopes.get(&c.name).copied().unwrap_or(Scope::Runtime);
            let direct = direct.contains(&c.name);
            out.push(c.with_scope(scope).with_direct(direct));
        }
        out
    }
}

/// Names (normalized) in an array of `{ name = ... }` tables.
fn names_in(item: &Item) -> impl Iterator<Item = String> + '_ {
    tables_in(item)
        .into_iter()
        .filter_map(|t| str_of(t, "name"))
        .map(normalize_pypi_name)
}

fn dependency_edges(item: &Item, locked: &LockedVersions) -> Vec<DependencyEdge> {
    tables_in(item)
        .into_iter()
        .filter_map(|t| {
            let name = str_of(t, "name")?;
            let mut edge = locked.edge(name);
            if let Some(v) = str_of(t, "version") {
                edge.version = Some(v.to_string());
            }
            Some(edge)
        })
        .collect()
}

/// `source = { git = ... }` and friends; `None` for `registry`.
fn source_url(source: &dyn TableLike) -> Option<String> {
    ["git", "url", "path", "directory"]
        .iter()
        .find_map(|k| str_of(source, k))
        .map(|u| {
            if source.contains_key("git") && !u.starts_with("git+") {
                format!("git+{u}")
            } else {
                u.to_string()
            }
        })
}

/// Breadth-first from each seed in scope order, so a package reachable from runtime
/// dependencies is runtime even when a dev group also reaches it.
fn walk_scopes(
    mut seeds: Vec<(Scope, String)>,
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, Scope> {
    seeds.sort();
    let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
    for (scope, seed) in seeds {
        let mut queue = VecDeque::from([seed]);
        while let Some(name) = queue.pop_front() {
            if scopes.contains_key(&name) {
                continue;
            }
            scopes.insert(name.clone(), scope);
            if let Some(next) = graph.get(&name) {
                queue.extend(next.iter().filter(|n| !scopes.contains_key(*n)).cloned());
            }
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_wins_over_dev() {
        let graph = BTreeMap::from([
            ("a".to_string(), BTreeSet::from(["c".to_string()])),
            ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ]);
        let scopes = walk_scopes(
            vec![(Scope::Dev, "b".into()), (Scope::Runtime, "a".into())],
            &graph,
        );
        assert_eq!(scopes.get("c"), Some(&Scope::Runtime));
        assert_eq!(scopes.get("b"), Some(&Scope::Dev));
    }
}
