//! Julia's `Manifest.toml` (also `JuliaManifest.toml`, and the version-specific
//! `Manifest-v1.11.toml` Julia 1.11+ prefers), the exact environment Pkg resolved, in both
//! layouts Pkg has written:
//!
//! - format 1 (Julia 1.0–1.6): every top-level key is a package, an array of tables
//!   (`[[JSON]]`), one table per UUID carrying that name;
//! - format 2 (`manifest_format = "2.0"`, Julia 1.7+): the same tables under `deps`
//!   (`[[deps.JSON]]`), plus `julia_version` and `project_hash`.
//!
//! Each entry is a `julia` component: `version`, `uuid` (the purl's `uuid` qualifier: Julia
//! names a package by name *and* UUID), `git-tree-sha1` as `integrity`
//! (`git-tree-sha1:<hex>`, the hash of the source tree Pkg installed), and `url` =
//! `repo-url` for a package added from a repository, `path` for a `dev`'d one. An entry with
//! none of `git-tree-sha1`, `repo-url` and `path` is a standard library (`Dates`, `Printf`):
//! it ships with Julia, has no version before Julia 1.11, and gets `url = "stdlib"` so it is
//! never taken for an unversioned registry package. `julia_version` is the `julia` runtime,
//! as a runtime pin. `deps` are the edges, as a list of names or, when a name is ambiguous in
//! the manifest, a table of name → UUID (`weakdeps` are not: they only load if present).
//!
//! Direct entries are the `[deps]` of the `Project.toml` (or `JuliaProject.toml`) beside the
//! manifest; without one, entries nothing else depends on.
//!
//! Other tools also name a file `Manifest.toml`, so the name alone does not decide: a file
//! with neither `julia_version`/`manifest_format` nor an entry with a `uuid` is not Julia's
//! and is left alone, without a diagnostic (a TOML syntax error is reported all the same: the
//! file is broken whoever wrote it).

use crate::extractors::python_locks::{invalid, key_line, parse_toml, str_of};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml_edit::{Document, Item, TableLike};

pub struct JuliaManifestExtractor;

const ID: Format = Format::JuliaManifest;

/// What `url` says for a standard library.
pub const STDLIB: &str = "stdlib";

impl Extractor for JuliaManifestExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            names: &["manifest.toml", "juliamanifest.toml"],
            prefixes: &["manifest-v", "juliamanifest-v"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        let stem = name.strip_prefix("Julia").unwrap_or(name);
        stem == "Manifest.toml"
            || stem
                .strip_prefix("Manifest-v")
                .and_then(|v| v.strip_suffix(".toml"))
                .is_some_and(|v| {
                    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                })
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        read(file, &doc, &mut out);
        out
    }
}

/// One `[[deps.Name]]` (or `[[Name]]`) table.
struct Entry<'a> {
    name: &'a str,
    table: &'a dyn TableLike,
    line: u32,
}

fn read(file: &SourceFile, doc: &Document<&str>, out: &mut Extracted) {
    let root = doc.as_table();
    let format_line = key_line(file, root, "manifest_format", 1);
    let format = root.get("manifest_format").map(|f| f.as_str());
    let packages: &dyn TableLike = match format {
        None => root,
        Some(Some(v)) => {
            if !v.starts_with("2.") {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::Unsupported,
                    file.path(),
                    format_line,
                    format!("manifest_format {v:?} is not known; read as 2.0"),
                ));
            }
            match root.get("deps") {
                None => root,
                Some(deps) => match deps.as_table_like() {
                    Some(t) => t,
                    None => {
                        let line = key_line(file, root, "deps", format_line);
                        out.diagnose(invalid(file, line, "`deps` must be a table"));
                        return;
                    }
                },
            }
        }
        Some(None) => {
            out.diagnose(invalid(
                file,
                format_line,
                "`manifest_format` must be a string",
            ));
            return;
        }
    };
    // Under `deps`, every key is a package; at the top level, other keys are settings.
    let under_deps = format.is_some() && root.contains_key("deps");
    let mut entries: Vec<Entry> = Vec::new();
    for (name, item) in packages.iter() {
        let Some(aot) = item.as_array_of_tables() else {
            if under_deps {
                let line = key_line(file, packages, name, 1);
                out.diagnose(invalid(
                    file,
                    line,
                    format!("`{name}` must be an array of tables (`[[deps.{name}]]`)"),
                ));
            }
            continue;
        };
        for t in aot.iter() {
            let header = t.span().map_or(0, |s| file.line_col(s.start).0);
            let line = if header > 0 {
                header
            } else {
                key_line(file, t, "uuid", 1)
            };
            entries.push(Entry {
                name,
                table: t,
                line,
            });
        }
    }
    let julia_version = str_of(root, "julia_version");
    if format.is_none()
        && julia_version.is_none()
        && !entries.iter().any(|e| e.table.contains_key("uuid"))
    {
        // Not Julia's manifest: another tool's Manifest.toml.
        return;
    }
    if let Some(v) = julia_version {
        let line = key_line(file, root, "julia_version", 1);
        out.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "julia",
                ID,
                file.location(line),
            )
            .with_version(v),
        );
    }
    emit(file, &entries, out);
}

fn emit(file: &SourceFile, entries: &[Entry], out: &mut Extracted) {
    // name → UUIDs, and UUID → version, to resolve `deps`.
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut version_of: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for e in entries {
        if let Some(uuid) = str_of(e.table, "uuid") {
            by_name.entry(e.name).or_default().push(uuid);
            version_of.insert(uuid, str_of(e.table, "version"));
        }
    }
    let edges_of = |e: &Entry| -> Vec<(DependencyEdge, Option<String>)> {
        let mut edges = Vec::new();
        match e.table.get("deps") {
            None => {}
            Some(Item::Value(toml_edit::Value::Array(names))) => {
                for n in names.iter().filter_map(|v| v.as_str()) {
                    let uuid = match by_name.get(n).map(Vec::as_slice) {
                        Some([only]) => Some(*only),
                        _ => None,
                    };
                    edges.push((n.to_string(), uuid));
                }
            }
            Some(item) => {
                if let Some(t) = item.as_table_like() {
                    for (n, v) in t.iter() {
                        edges.push((n.to_string(), v.as_str()));
                    }
                }
            }
        }
        edges
            .into_iter()
            .map(|(name, uuid)| {
                let version = uuid.and_then(|u| version_of.get(u).copied().flatten());
                (
                    DependencyEdge {
                        name,
                        version: version.map(str::to_string),
                    },
                    uuid.map(str::to_string),
                )
            })
            .collect()
    };
    let project = sibling_project(file);
    let mut depended_on: BTreeSet<String> = BTreeSet::new();
    let mut resolved = Vec::new();
    for e in entries {
        let deps = e.table.get("deps");
        if deps.is_some_and(|d| d.as_array().is_none() && d.as_table_like().is_none()) {
            let line = key_line(file, e.table, "deps", e.line);
            out.diagnose(invalid(
                file,
                line,
                format!("`deps` of `{}` must be a list of names or a table", e.name),
            ));
        }
        let edges = edges_of(e);
        for (edge, uuid) in &edges {
            depended_on.insert(uuid.clone().unwrap_or_else(|| edge.name.clone()));
        }
        resolved.push((e, edges));
    }
    for (e, edges) in resolved {
        let uuid = str_of(e.table, "uuid");
        if uuid.is_none() {
            out.diagnose(invalid(file, e.line, format!("`{}` has no `uuid`", e.name)));
        }
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Julia,
            e.name,
            ID,
            file.location(e.line),
        );
        c.uuid = uuid.map(str::to_string);
        if let Some(v) = str_of(e.table, "version") {
            c = c.with_version(v);
        }
        let tree = str_of(e.table, "git-tree-sha1");
        let origin = str_of(e.table, "repo-url").or_else(|| str_of(e.table, "path"));
        c.integrity = tree.map(|t| format!("git-tree-sha1:{t}"));
        c.url = match (tree, origin) {
            (_, Some(o)) => Some(o.to_string()),
            (None, None) => Some(STDLIB.to_string()),
            (Some(_), None) => None,
        };
        c.direct = match &project {
            Some(direct) => uuid.is_some_and(|u| direct.contains(u)) || direct.contains(e.name),
            None => {
                !(depended_on.contains(e.name) || uuid.is_some_and(|u| depended_on.contains(u)))
            }
        };
        c.dependencies = edges.into_iter().map(|(edge, _)| edge).collect();
        c.refresh_purl();
        out.push(c);
    }
}

/// The UUIDs (and names, for a `[deps]` value that is not a string) of the `[deps]` of the
/// `Project.toml` beside the manifest.
fn sibling_project(file: &SourceFile) -> Option<BTreeSet<String>> {
    let project = ["JuliaProject.toml", "Project.toml"]
        .iter()
        .find_map(|n| file.open_relative(n).ok())?;
    let doc = Document::parse(project.text()).ok()?;
    let deps = doc.as_table().get("deps")?.as_table_like()?;
    Some(
        deps.iter()
            .map(|(name, uuid)| uuid.as_str().unwrap_or(name).to_string())
            .collect(),
    )
}
