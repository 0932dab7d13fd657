//! `pdm.lock`: lock_version 4.x (PDM 2.x: `files` inline, `groups` per package since 4.4,
//! `[[metadata.targets]]` since 4.5) and the older 3.x layout (`sections` per package,
//! hashes in `[metadata.files]` keyed `"name version"`).
//!
//! Each `[[package]]` is a locked package; PDM writes a separate entry for a package
//! locked with extras (`name`, `version`, `extras = ["socks"]`), reported as its own
//! component with those extras. `dependencies` are PEP 508 strings and become edges (the
//! pinned version when the string has `==`, otherwise the only locked version of that name;
//! an extras entry's edge to its own base package is dropped). `files` hashes are
//! `integrity`; `git`/`url`/`path` entries record `url`.
//!
//! Scope from the package's groups: `default` is runtime; another group is optional when
//! the `pyproject.toml` beside the lock declares it as an extra, otherwise the scope its
//! name implies (`test` → test, else dev). The `python` runtime constraint comes from
//! `[[metadata.targets]] requires_python` or `[metadata] requires_python`.
//!
//! Direct vs transitive: the lock does not record roots, so the `pyproject.toml` beside it
//! decides; without one, the entries no other entry depends on are direct.

use crate::extractors::python_locks::{
    file_hashes, invalid, join_hashes, key_line, line_of, package, package_tables, parse_toml,
    python_constraint, sibling_pyproject, str_of, tables_in, unreferenced, LockedVersions,
    Manifest,
};
use crate::extractors::scope_from_words;
use crate::{file_name, pep508, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    normalize_pypi_name, DependencyEdge, Diagnostic, DiagnosticCode, Format, Scope,
};
use std::path::Path;
use toml_edit::{Item, TableLike};

pub struct PdmLockExtractor;

const ID: Format = Format::PdmLock;

impl Extractor for PdmLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pdm.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "pdm.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        let metadata = root.get("metadata").and_then(Item::as_table_like);
        if let Some(meta) = metadata {
            python(file, meta, &mut out);
        }
        let packages = package_tables(file, root, "package", &mut out);
        let locked = LockedVersions::of(&packages);
        let manifest = sibling_pyproject(file);
        let old_files = metadata
            .and_then(|m| m.get("files"))
            .and_then(Item::as_table_like);

        let mut components = Vec::new();
        let mut all_edges = Vec::new();
        for pkg in &packages {
            let header_line = pkg.span().map_or(0, |s| file.line_col(s.start).0);
            let line = key_line(file, *pkg, "name", header_line);
            let Some(name) = str_of(*pkg, "name") else {
                out.diagnose(invalid(file, line, "`[[package]]` has no `name`"));
                continue;
            };
            let mut c = package(file, ID, name, line).with_scope(scope_of(*pkg, manifest.as_ref()));
            let version = str_of(*pkg, "version");
            match version {
                Some(v) => c = c.with_version(v),
                None if is_non_registry(*pkg) => {}
                None => out.diagnose(invalid(file, line, format!("`{name}` has no version"))),
            }
            c.url = source_url(*pkg);
            c.extras = pkg
                .get("extras")
                .and_then(Item::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            c.extras.sort();
            let mut hashes = pkg
                .get("files")
                .map(|f| file_hashes(f, None))
                .unwrap_or_default();
            if let (Some(files), Some(v)) = (old_files, version) {
                let wanted = format!("{} {v}", c.name);
                for (key, item) in files.iter() {
                    let key_matches = key
                        .split_once(' ')
                        .is_some_and(|(n, kv)| normalize_pypi_name(n) == c.name && kv == v);
                    if key_matches || key == wanted {
                        hashes.extend(file_hashes(item, None));
                    }
                }
            }
            c.integrity = join_hashes(hashes);
            if let Some(deps) = pkg.get("dependencies") {
                c.dependencies = edges(file, deps, &c.name, &locked, line, &mut out);
            }
            all_edges.extend(c.dependencies.iter().map(|e| (c.name.clone(), e.clone())));
            components.push(c);
        }
        let direct = match &manifest {
            Some(m) => m.names.clone(),
            None => unreferenced(components.iter().map(|c| c.name.as_str()), &all_edges),
        };
        for mut c in components {
            c.direct = direct.contains(&c.name);
            out.push(c);
        }
        out
    }
}

fn python(file: &SourceFile, meta: &dyn TableLike, out: &mut Extracted) {
    let targets = meta.get("targets").map(tables_in).unwrap_or_default();
    for target in targets {
        if let Some((k, v)) = target.get_key_value("requires_python") {
            if let Some(py) = v.as_str() {
                out.push(python_constraint(file, ID, line_of(file, k.span()), py));
            }
        }
    }
    if let Some(py) = str_of(meta, "requires_python") {
        let line = key_line(file, meta, "requires_python", 0);
        out.push(python_constraint(file, ID, line, py));
    }
}

/// `groups` (4.4+) or `sections` (older).
fn scope_of(pkg: &dyn TableLike, manifest: Option<&Manifest>) -> Scope {
    let groups: Vec<&str> = pkg
        .get("groups")
        .or_else(|| pkg.get("sections"))
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if groups.is_empty() || groups.contains(&"default") {
        return Scope::Runtime;
    }
    groups
        .iter()
        .map(|g| {
            let is_extra = manifest.is_some_and(|m| m.extras.contains(&normalize_pypi_name(g)));
            if is_extra {
                scope_from_words(g, Scope::Optional)
            } else {
                scope_from_words(g, Scope::Dev)
            }
        })
        .min()
        .unwrap_or(Scope::Dev)
}

fn is_non_registry(pkg: &dyn TableLike) -> bool {
    ["git", "url", "path"].iter().any(|k| pkg.contains_key(k))
}

/// `git = "..."` (+ `revision` or `ref`), `url = "..."`, `path = "..."`.
fn source_url(pkg: &dyn TableLike) -> Option<String> {
    if let Some(git) = str_of(pkg, "git") {
        let url = if git.starts_with("git+") {
            git.to_string()
        } else {
            format!("git+{git}")
        };
        return Some(
            match str_of(pkg, "revision").or_else(|| str_of(pkg, "ref")) {
                Some(r) => format!("{url}@{r}"),
                None => url,
            },
        );
    }
    str_of(pkg, "url")
        .or_else(|| str_of(pkg, "path"))
        .map(str::to_string)
}

fn edges(
    file: &SourceFile,
    deps: &Item,
    own_name: &str,
    locked: &LockedVersions,
    line: u32,
    out: &mut Extracted,
) -> Vec<DependencyEdge> {
    let Some(array) = deps.as_array() else {
        out.diagnose(invalid(
            file,
            line,
            "`dependencies` must be an array of strings",
        ));
        return Vec::new();
    };
    let mut edges = Vec::new();
    for value in array.iter() {
        let value_line = value.span().map_or(line, |s| file.line_col(s.start).0);
        let Some(text) = value.as_str() else {
            out.diagnose(invalid(file, value_line, "dependency must be a string"));
            continue;
        };
        match pep508::parse(text) {
            Ok(req) => {
                let mut edge = locked.edge(&req.name);
                if edge.name == own_name {
                    continue;
                }
                if let Some(v) = req.pinned_version() {
                    edge.version = Some(v);
                }
                edges.push(edge);
            }
            Err(reason) => out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                value_line,
                format!("cannot parse dependency {text:?}: {reason}"),
            )),
        }
    }
    edges.sort();
    edges.dedup();
    edges
}
