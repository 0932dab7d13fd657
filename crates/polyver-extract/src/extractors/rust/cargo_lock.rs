//! `Cargo.lock`, every format Cargo has written:
//!
//! - v1 (no `version` key; before Rust 1.41): checksums live in `[metadata]` under
//!   `"checksum NAME VERSION (SOURCE)"` keys, dependency strings are always
//!   `"name version (source)"`, and the oldest files describe the root package in `[root]`;
//! - v2 (no `version` key; Rust 1.41–1.52): `checksum` per `[[package]]`, dependency strings
//!   shortened to `"name"`, with `"name version"` / `"name version (source)"` only when the
//!   lock holds several packages of that name;
//! - v3 (`version = 3`) and v4 (`version = 4`, Rust 1.78+): the v2 layout (v4 changes how
//!   git `source` URLs are encoded, not the structure). Unknown versions are read the same
//!   way, with a diagnostic.
//!
//! Each `[[package]]` with a `source` is a locked component: `name`, `version`, integrity
//! `sha256:<hex>` from its checksum, and `url` = the source when it is not crates.io (git,
//! another registry). A package without a `source` (and `[root]`) is a workspace member or
//! a path dependency: the repository's own code, not a component — but its dependencies are
//! what the repository declares, so those are `direct`. When the lock has no such package,
//! the `Cargo.toml` beside it names the direct dependencies; failing that, entries nothing
//! else depends on are taken as direct.
//!
//! Edges are each package's `dependencies`, resolved to a locked package by name, then by
//! the version and source the string gives when Cargo had to disambiguate. Cargo.lock does
//! not record dev/build kinds, so every component is `runtime`.

use crate::extractors::python_locks::{invalid, key_line, parse_toml, str_of, tables_in};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml_edit::{Document, Item, TableLike};

pub struct CargoLockExtractor;

const ID: Format = Format::CargoLock;

/// Sources that mean crates.io itself (git index and sparse index).
const CRATES_IO: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// One `[[package]]` (or `[root]`) entry.
struct Entry<'a> {
    name: &'a str,
    version: Option<&'a str>,
    source: Option<&'a str>,
    line: u32,
    table: &'a dyn TableLike,
}

/// A resolved dependency string: name, the locked entry it means (when unambiguous),
/// and the version to record on the edge.
type Edge = (String, Option<usize>, Option<String>);

/// A parsed dependency string: `name`, `name version` or `name version (source)`.
struct DepRef<'a> {
    name: &'a str,
    version: Option<&'a str>,
    source: Option<&'a str>,
}

fn parse_dep(s: &str) -> Option<DepRef<'_>> {
    let s = s.trim();
    let (head, source) = match s.split_once(" (") {
        Some((head, rest)) => (head, Some(rest.strip_suffix(')')?)),
        None => (s, None),
    };
    let mut words = head.split_whitespace();
    let name = words.next()?;
    let version = words.next();
    if words.next().is_some() {
        return None;
    }
    Some(DepRef {
        name,
        version,
        source,
    })
}

impl Extractor for CargoLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["cargo.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "Cargo.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        if let Some(item) = root.get("version") {
            let line = key_line(file, root, "version", 1);
            match item.as_integer() {
                Some(3 | 4) => {}
                Some(v) => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::Unsupported,
                    file.path(),
                    line,
                    format!("Cargo.lock version {v} is not known; read as version 4"),
                )),
                None => out.diagnose(invalid(file, line, "`version` must be an integer")),
            }
        }

        let mut entries: Vec<Entry> = Vec::new();
        let mut tables: Vec<(&dyn TableLike, u32)> = Vec::new();
        if let Some(item) = root.get("root") {
            match item.as_table_like() {
                Some(t) => tables.push((t, key_line(file, root, "root", 0))),
                None => out.diagnose(invalid(
                    file,
                    key_line(file, root, "root", 0),
                    "`root` must be a table",
                )),
            }
        }
        if let Some(item) = root.get("package") {
            match item.as_array_of_tables() {
                Some(aot) => {
                    for t in aot.iter() {
                        let header = t.span().map_or(0, |s| file.line_col(s.start).0);
                        tables.push((t, header));
                    }
                }
                None => {
                    let line = key_line(file, root, "package", 0);
                    out.diagnose(invalid(file, line, "`package` must be an array of tables"));
                    for t in tables_in(item) {
                        tables.push((t, line));
                    }
                }
            }
        }
        for (table, header) in tables {
            let line = key_line(file, table, "name", header);
            let Some(name) = str_of(table, "name") else {
                out.diagnose(invalid(file, line, "package has no `name`"));
                continue;
            };
            let version = str_of(table, "version");
            if version.is_none() {
                out.diagnose(invalid(file, line, format!("`{name}` has no `version`")));
            }
            entries.push(Entry {
                name,
                version,
                source: str_of(table, "source"),
                line,
                table,
            });
        }

        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (idx, e) in entries.iter().enumerate() {
            by_name.entry(e.name).or_default().push(idx);
        }
        let metadata = root.get("metadata").and_then(Item::as_table_like);
        let mut roots: BTreeSet<usize> = BTreeSet::new();
        let mut has_members = false;
        let mut edges_of: Vec<Vec<Edge>> = Vec::new();
        for entry in &entries {
            let mut edges = Vec::new();
            if let Some(deps) = entry.table.get("dependencies") {
                match deps.as_array() {
                    Some(array) => {
                        for v in array.iter() {
                            let Some(dep) = v.as_str().and_then(parse_dep) else {
                                let line =
                                    v.span().map_or(entry.line, |s| file.line_col(s.start).0);
                                out.diagnose(invalid(
                                    file,
                                    line,
                                    format!(
                                        "`{}` has a malformed dependency {}",
                                        entry.name,
                                        v.to_string().trim()
                                    ),
                                ));
                                continue;
                            };
                            let target = resolve(&entries, &by_name, &dep);
                            let version = target
                                .and_then(|t| entries.get(t))
                                .and_then(|t| t.version)
                                .or(dep.version)
                                .map(str::to_string);
                            edges.push((dep.name.to_string(), target, version));
                        }
                    }
                    None => out.diagnose(invalid(
                        file,
                        key_line(file, entry.table, "dependencies", entry.line),
                        format!("`{}` dependencies must be an array of strings", entry.name),
                    )),
                }
            }
            if entry.source.is_none() {
                has_members = true;
                roots.extend(edges.iter().filter_map(|(_, t, _)| *t));
            }
            edges_of.push(edges);
        }

        let direct_names: Option<BTreeSet<String>> = if has_members {
            None
        } else {
            sibling_manifest(file)
        };
        let referenced: BTreeSet<usize> = edges_of
            .iter()
            .enumerate()
            .flat_map(|(from, e)| {
                e.iter()
                    .filter_map(move |(_, t, _)| t.filter(|t| *t != from))
            })
            .collect();

        for (idx, entry) in entries.iter().enumerate() {
            let Some(source) = entry.source else {
                continue;
            };
            let direct = if has_members {
                roots.contains(&idx)
            } else if let Some(names) = &direct_names {
                names.contains(entry.name)
            } else {
                !referenced.contains(&idx)
            };
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Cargo,
                entry.name,
                ID,
                file.location(entry.line),
            )
            .with_direct(direct);
            if let Some(v) = entry.version {
                c = c.with_version(v);
            }
            if !CRATES_IO.contains(&source) {
                c.url = Some(source.to_string());
            }
            let checksum = str_of(entry.table, "checksum")
                .map(str::to_string)
                .or_else(|| {
                    let key = format!(
                        "checksum {} {} ({source})",
                        entry.name,
                        entry.version.unwrap_or("")
                    );
                    metadata.and_then(|m| str_of(m, &key)).map(str::to_string)
                });
            c.integrity = checksum
                .filter(|h| !h.trim().is_empty() && h.trim() != "<none>")
                .map(|h| format!("sha256:{}", h.trim()));
            c.dependencies = edges_of
                .get(idx)
                .map(|edges| {
                    edges
                        .iter()
                        .map(|(name, _, version)| DependencyEdge {
                            name: name.clone(),
                            version: version.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(c);
        }
        out
    }
}

/// The locked package a dependency string means: by name, then version, then source.
fn resolve(entries: &[Entry], by_name: &BTreeMap<&str, Vec<usize>>, dep: &DepRef) -> Option<usize> {
    let candidates: Vec<usize> = by_name
        .get(dep.name)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|i| entries.get(*i).map(|e| (*i, e)))
        .filter(|(_, e)| dep.version.is_none() || e.version == dep.version)
        .filter(|(_, e)| dep.source.is_none() || e.source == dep.source)
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Names of the dependencies the `Cargo.toml` beside the lock declares (any table, any
/// target; renamed entries by their real package name).
fn sibling_manifest(file: &SourceFile) -> Option<BTreeSet<String>> {
    let manifest = file.open_relative("Cargo.toml").ok()?;
    let doc = Document::parse(manifest.text()).ok()?;
    let root = doc.as_table();
    let mut tables: Vec<&dyn TableLike> = Vec::new();
    let kinds = [
        "dependencies",
        "dev-dependencies",
        "dev_dependencies",
        "build-dependencies",
        "build_dependencies",
    ];
    for k in kinds {
        if let Some(t) = root.get(k).and_then(Item::as_table_like) {
            tables.push(t);
        }
    }
    if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
        for (_, target) in targets.iter() {
            for k in kinds {
                if let Some(t) = target
                    .as_table_like()
                    .and_then(|t| t.get(k))
                    .and_then(Item::as_table_like)
                {
                    tables.push(t);
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    for t in tables {
        for (key, value) in t.iter() {
            let real = value
                .as_table_like()
                .and_then(|v| str_of(v, "package"))
                .unwrap_or(key);
            names.insert(real.to_string());
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_strings() {
        let d = parse_dep("serde 1.0.197 (registry+https://github.com/rust-lang/crates.io-index)")
            .unwrap();
        assert_eq!(d.name, "serde");
        assert_eq!(d.version, Some("1.0.197"));
        assert_eq!(
            d.source,
            Some("registry+https://github.com/rust-lang/crates.io-index")
        );
        let d = parse_dep("libc").unwrap();
        assert_eq!((d.name, d.version, d.source), ("libc", None, None));
        assert!(parse_dep("a b c").is_none());
        assert!(parse_dep("a 1 (x").is_none());
        assert!(parse_dep("").is_none());
    }

    #[test]
    fn v1_root_table_is_the_repository_package() {
        let text = "[root]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"libc 0.2.20 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.20\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[metadata]\n\"checksum libc 0.2.20 (registry+https://github.com/rust-lang/crates.io-index)\" = \"abcd\"\n";
        let out = CargoLockExtractor.extract(&SourceFile::from_text("Cargo.lock", text));
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        assert_eq!(out.components.len(), 1);
        let c = &out.components[0];
        assert_eq!((c.name.as_str(), c.direct), ("libc", true));
        assert_eq!(c.integrity.as_deref(), Some("sha256:abcd"));
        assert_eq!(c.locations[0].line, 9);
    }
}
