//! `pylock.toml` and `pylock.<name>.toml`: PEP 751, the standard Python lock file that
//! `pip lock`, `uv export --format pylock.toml` and PDM write (`lock-version = "1.0"`).
//!
//! Each `[[packages]]` entry is one locked distribution: `name`, an optional `version` (a
//! VCS checkout or a source tree may have none), a `marker` saying when it is installed,
//! and exactly one source: `index` + `sdist`/`wheels` (files with `hashes`), `archive` (a
//! URL or path), `vcs` (`url` + `commit-id`) or `directory`. A `directory` entry is a local
//! source tree — the repository's own project — and not a component; what it depends on is
//! what the repository declares. File hashes (`{sha256 = "..."}`) become `integrity`
//! (`sha256:<hex>`, every file of the entry); an archive or VCS source becomes `url`.
//!
//! The PEP makes `dependencies` optional and neither pip nor uv writes it, so which entries
//! are direct comes, in order, from a `pyproject.toml` beside the lock, from the `directory`
//! entries' `dependencies`, or from the entries no other entry depends on; with none of
//! those, no entry is called direct. Scope follows the marker: an entry installed only for
//! a dependency group (`'dev' in dependency_groups`) is `dev`, only for an extra
//! `optional`, else `runtime`. `requires-python` is the `python` runtime constraint.

use crate::extractors::python_locks::{
    invalid, join_hashes, key_line, package, package_tables, parse_toml, python_constraint,
    sibling_pyproject, str_of, tables_in, unreferenced, LockedVersions,
};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    normalize_pypi_name, DependencyEdge, Diagnostic, DiagnosticCode, Format, Scope,
};
use std::collections::BTreeSet;
use std::path::Path;
use toml_edit::{Item, Table, TableLike};

pub struct PylockExtractor;

const ID: Format = Format::Pylock;

/// `pylock.toml`, or `pylock.<name>.toml` with a name of no dots (PEP 751).
pub(crate) fn is_pylock_name(name: &str) -> bool {
    name == "pylock.toml"
        || name
            .strip_prefix("pylock.")
            .and_then(|rest| rest.strip_suffix(".toml"))
            .is_some_and(|middle| !middle.is_empty() && !middle.contains('.'))
}

impl Extractor for PylockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            prefixes: &["pylock."],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        is_pylock_name(file_name(path))
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        let version_line = key_line(file, root, "lock-version", 1);
        match str_of(root, "lock-version") {
            Some(v) if v.split('.').next() == Some("1") => {}
            Some(v) => out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                version_line,
                format!("lock-version {v:?} is not known; read as 1.0"),
            )),
            None => out.diagnose(invalid(
                file,
                version_line,
                "pylock.toml has no string `lock-version`",
            )),
        }
        if let Some(py) = str_of(root, "requires-python") {
            let line = key_line(file, root, "requires-python", 0);
            out.push(python_constraint(file, ID, line, py));
        }
        let packages = package_tables(file, root, "packages", &mut out);
        let locked = LockedVersions::of(&packages);

        let mut components = Vec::new();
        let mut all_edges: Vec<(String, DependencyEdge)> = Vec::new();
        let mut declared_by_project: BTreeSet<String> = BTreeSet::new();
        for pkg in &packages {
            let header_line = pkg.span().map_or(0, |s| file.line_col(s.start).0);
            let line = key_line(file, *pkg, "name", header_line);
            let Some(name) = str_of(*pkg, "name") else {
                out.diagnose(invalid(file, line, "`[[packages]]` has no `name`"));
                continue;
            };
            let edges = pkg
                .get("dependencies")
                .map(|deps| dependency_edges(deps, &locked))
                .unwrap_or_default();
            if pkg.contains_key("directory") {
                declared_by_project.extend(edges.into_iter().map(|e| e.name));
                continue;
            }
            let normalized = normalize_pypi_name(name);
            all_edges.extend(edges.iter().map(|e| (normalized.clone(), e.clone())));
            let mut c = package(file, ID, name, line);
            if let Some(v) = str_of(*pkg, "version") {
                c = c.with_version(v);
            }
            if let Some(marker) = str_of(*pkg, "marker") {
                c.marker = Some(marker.to_string());
                c = c.with_scope(scope_of_marker(marker));
            }
            c.url = source_url(pkg);
            c.integrity = join_hashes(file_hashes(pkg));
            if c.version.is_none() && c.url.is_none() {
                out.diagnose(invalid(
                    file,
                    line,
                    format!("`{name}` has neither a version nor a source"),
                ));
            }
            c.dependencies = edges;
            components.push(c);
        }

        let direct: BTreeSet<String> = match sibling_pyproject(file) {
            Some(m) if !m.names.is_empty() => m.names,
            _ if !declared_by_project.is_empty() => declared_by_project,
            _ if !all_edges.is_empty() => {
                unreferenced(components.iter().map(|c| c.name.as_str()), &all_edges)
            }
            _ => BTreeSet::new(),
        };
        for mut c in components {
            c.direct = direct.contains(&c.name);
            out.push(c);
        }
        out
    }
}

/// Edges of a `dependencies` array: `{name, version?, ...}` tables naming other entries.
fn dependency_edges(deps: &Item, locked: &LockedVersions) -> Vec<DependencyEdge> {
    let mut edges: Vec<DependencyEdge> = tables_in(deps)
        .into_iter()
        .filter_map(|t| {
            let name = str_of(t, "name")?;
            Some(match str_of(t, "version") {
                Some(v) => DependencyEdge {
                    name: normalize_pypi_name(name),
                    version: Some(v.to_string()),
                },
                None => locked.edge(name),
            })
        })
        .collect();
    edges.sort();
    edges.dedup();
    edges
}

/// `dev` for an entry installed only with a dependency group, `optional` only with an
/// extra; PEP 751 markers name them `dependency_groups` and `extras`.
fn scope_of_marker(marker: &str) -> Scope {
    if marker.contains("dependency_groups") && !marker.contains(" or ") {
        Scope::Dev
    } else if marker.contains("extras") && !marker.contains(" or ") {
        Scope::Optional
    } else {
        Scope::Runtime
    }
}

/// An archive's URL or path, or a VCS checkout as `git+URL@commit`.
fn source_url(pkg: &Table) -> Option<String> {
    if let Some(archive) = pkg.get("archive").and_then(Item::as_table_like) {
        return str_of(archive, "url")
            .or_else(|| str_of(archive, "path"))
            .map(str::to_string);
    }
    let vcs = pkg.get("vcs").and_then(Item::as_table_like)?;
    let url = str_of(vcs, "url").or_else(|| str_of(vcs, "path"))?;
    let kind = str_of(vcs, "type").unwrap_or("git");
    let revision = str_of(vcs, "commit-id").or_else(|| str_of(vcs, "requested-revision"));
    Some(match revision {
        Some(r) => format!("{kind}+{url}@{r}"),
        None => format!("{kind}+{url}"),
    })
}

/// `algo:hex` of every file of the entry (sdist, wheels, archive).
fn file_hashes(pkg: &Table) -> Vec<String> {
    let mut files: Vec<&dyn TableLike> = Vec::new();
    for key in ["sdist", "archive"] {
        if let Some(t) = pkg.get(key).and_then(Item::as_table_like) {
            files.push(t);
        }
    }
    if let Some(wheels) = pkg.get("wheels") {
        files.extend(tables_in(wheels));
    }
    let mut hashes = Vec::new();
    for f in files {
        if let Some(table) = f.get("hashes").and_then(Item::as_table_like) {
            for (algo, value) in table.iter() {
                if let Some(hex) = value.as_str() {
                    hashes.push(format!("{algo}:{hex}"));
                }
            }
        }
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for yes in ["pylock.toml", "pylock.dev.toml", "pylock.py311-linux.toml"] {
            assert!(is_pylock_name(yes), "{yes}");
        }
        for no in [
            "pylock.a.b.toml",
            "pylock..toml",
            "my-pylock.toml",
            "pylock.json",
        ] {
            assert!(!is_pylock_name(no), "{no}");
        }
    }

    #[test]
    fn malformed_input_is_diagnosed() {
        let run = |text: &str| PylockExtractor.extract(&SourceFile::from_text("pylock.toml", text));
        let out = run("lock-version = \"1.0\"\npackages = 3\n");
        assert_eq!(out.diagnostics[0].line, 2);
        let out = run("lock-version = \"2.0\"\n[[packages]]\nname = \"a\"\nversion = \"1\"\n");
        assert!(out.diagnostics[0].message.contains("not known"));
        assert_eq!(out.components.len(), 1);
        let out = run("lock-version = \"1.0\"\n[[packages]]\nversion = \"1\"\n");
        assert!(out.components.is_empty());
        assert!(out.diagnostics[0].message.contains("no `name`"));
        let out = run("lock-version = [\n");
        assert_eq!(out.diagnostics[0].code, DiagnosticCode::ParseError);
    }
}
