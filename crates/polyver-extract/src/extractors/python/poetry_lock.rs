//! `poetry.lock`, lock-version 1.1 (Poetry 1.0–1.2), 2.0 (Poetry 1.3–1.8) and 2.1
//! (Poetry 2.x), plus the pre-1.0 `[metadata.hashes]` layout.
//!
//! Each `[[package]]` is a locked package: `name`, `version`, `optional`, and its scope
//! from `category = "main" | "dev"` (old) or `groups = ["main", ...]` (2.1): `main` is
//! runtime, another group the scope its name implies (`test` → test, otherwise dev), and
//! `optional = true` (only needed for an extra) is optional. `[package.dependencies]`
//! (a constraint string, a table, or an array of tables for per-marker constraints) become
//! edges; an optional dependency is an edge only when it was locked. File hashes come from
//! `files = [...]` / `[[package.files]]` (2.x) or `[metadata.files]` (1.1, keyed by name,
//! narrowed to the version's files when one name is locked twice). `[package.source]`
//! (`git`, `url`, `directory`, `file`) is the `url`; `legacy` sources are package indexes,
//! so the package is still a registry package. `[metadata] python-versions` is the
//! `python` runtime constraint; `content-hash` hashes `pyproject.toml`, not a package, and
//! is not reported.
//!
//! Direct vs transitive: the lock does not record what the project asked for, so the
//! `pyproject.toml` beside it is read (Poetry tables, PEP 621 and dependency groups). When
//! it cannot be read, the entries no other entry depends on are direct (see
//! `python_locks::unreferenced`).

use crate::extractors::python_locks::{
    file_hashes, invalid, join_hashes, key_line, package, package_tables, parse_toml,
    python_constraint, sibling_pyproject, str_of, tables_in, unreferenced, LockedVersions,
};
use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{normalize_pypi_name, DependencyEdge, Format, Scope};
use std::path::Path;
use toml_edit::{Item, TableLike};

pub struct PoetryLockExtractor;

const ID: Format = Format::PoetryLock;

impl Extractor for PoetryLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["poetry.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "poetry.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        let metadata = root.get("metadata").and_then(Item::as_table_like);
        if let Some(meta) = metadata {
            if let Some(py) = str_of(meta, "python-versions") {
                let line = key_line(file, meta, "python-versions", 0);
                out.push(python_constraint(file, ID, line, py));
            }
        }
        let packages = package_tables(file, root, "package", &mut out);
        let locked = LockedVersions::of(&packages);
        let mut components = Vec::new();
        let mut all_edges = Vec::new();
        for pkg in &packages {
            let header_line = pkg.span().map_or(0, |s| file.line_col(s.start).0);
            let line = key_line(file, *pkg, "name", header_line);
            let Some(name) = str_of(*pkg, "name") else {
                out.diagnose(invalid(file, line, "`[[package]]` has no `name`"));
                continue;
            };
            let mut c = package(file, ID, name, line).with_scope(scope_of(*pkg));
            let version = str_of(*pkg, "version");
            match version {
                Some(v) => c = c.with_version(v),
                None => out.diagnose(invalid(file, line, format!("`{name}` has no version"))),
            }
            c.url = pkg
                .get("source")
                .and_then(Item::as_table_like)
                .and_then(source_url);
            let narrow = (locked.count(name) > 1).then_some(version).flatten();
            let mut hashes = pkg
                .get("files")
                .map(|f| file_hashes(f, None))
                .unwrap_or_default();
            if let Some(files) = metadata
                .and_then(|m| m.get("files"))
                .and_then(Item::as_table_like)
                .and_then(|files| lookup(files, name))
            {
                hashes.extend(file_hashes(files, narrow));
            }
            if let Some(old) = metadata
                .and_then(|m| m.get("hashes"))
                .and_then(Item::as_table_like)
                .and_then(|h| lookup(h, name))
                .and_then(Item::as_array)
            {
                hashes.extend(old.iter().filter_map(|v| v.as_str()).map(|h| {
                    if h.contains(':') {
                        h.to_string()
                    } else {
                        format!("sha256:{h}")
                    }
                }));
            }
            c.integrity = join_hashes(hashes);
            if let Some(deps) = pkg.get("dependencies") {
                match deps.as_table_like() {
                    Some(deps) => c.dependencies = edges(deps, &locked),
                    None => out.diagnose(invalid(
                        file,
                        key_line(file, *pkg, "dependencies", line),
                        format!("`{name}` dependencies must be a table"),
                    )),
                }
            }
            all_edges.extend(c.dependencies.iter().map(|e| (c.name.clone(), e.clone())));
            components.push(c);
        }

        let direct = match sibling_pyproject(file) {
            Some(manifest) => manifest.names,
            None => unreferenced(components.iter().map(|c| c.name.as_str()), &all_edges),
        };
        for mut c in components {
            c.direct = direct.contains(&c.name);
            out.push(c);
        }
        out
    }
}

/// `category` (≤ 2.0) or `groups` (2.1), then `optional`.
fn scope_of(pkg: &dyn TableLike) -> Scope {
    let groups: Vec<&str> = match pkg.get("groups").and_then(Item::as_array) {
        Some(groups) => groups.iter().filter_map(|g| g.as_str()).collect(),
        None => str_of(pkg, "category").into_iter().collect(),
    };
    let scope = if groups.is_empty() || groups.contains(&"main") {
        Scope::Runtime
    } else {
        groups
            .iter()
            .map(|g| scope_from_words(g, Scope::Dev))
            .min()
            .unwrap_or(Scope::Dev)
    };
    let optional = pkg.get("optional").and_then(Item::as_bool) == Some(true);
    if optional && scope == Scope::Runtime {
        Scope::Optional
    } else {
        scope
    }
}

/// A table entry by PEP 503-equal name (`[metadata.files]` keys are as published).
fn lookup<'a>(table: &'a dyn TableLike, name: &str) -> Option<&'a Item> {
    let wanted = normalize_pypi_name(name);
    table
        .iter()
        .find(|(k, _)| normalize_pypi_name(k) == wanted)
        .map(|(_, v)| v)
}

/// `[package.source]`: where a non-registry package came from.
fn source_url(source: &dyn TableLike) -> Option<String> {
    let url = str_of(source, "url")?;
    match str_of(source, "type")? {
        "git" => Some(
            match str_of(source, "resolved_reference").or_else(|| str_of(source, "reference")) {
                Some(r) if !r.is_empty() => format!("git+{url}@{r}"),
                _ => format!("git+{url}"),
            },
        ),
        "legacy" => None,
        _ => Some(url.to_string()),
    }
}

/// `[package.dependencies]`: `dep = ">=1"`, `dep = {version = ..., optional = true}`, or
/// `dep = [{version = ..., markers = ...}, ...]`.
fn edges(deps: &dyn TableLike, locked: &LockedVersions) -> Vec<DependencyEdge> {
    let mut out = Vec::new();
    for (name, spec) in deps.iter() {
        let tables = match spec.as_table_like() {
            Some(t) => vec![t],
            None => tables_in(spec),
        };
        let optional = !tables.is_empty()
            && tables
                .iter()
                .all(|t| t.get("optional").and_then(Item::as_bool) == Some(true));
        if optional && !locked.contains(name) {
            continue;
        }
        out.push(locked.edge(name));
    }
    out.sort();
    out.dedup();
    out
}
