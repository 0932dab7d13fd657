//! `conan.lock`, in both of Conan's shapes.
//!
//! - **Conan 2** (`"version": "0.5"`): flat lists of references, `requires` (runtime),
//!   `build_requires`, `python_requires` and `config_requires` (build), each
//!   `name/version[@user/channel][#recipe_revision[%timestamp]]`. It records no edges and no
//!   roots: an entry is direct when the `conanfile.txt` or `conanfile.py` beside the lock
//!   names it (read as text, never run); without one every entry is reported as direct.
//! - **Conan 1** (`graph_lock.nodes`, lock versions 0.1–0.4 and the unversioned first
//!   one): a graph of nodes keyed by id, each with `ref` (or `pref`,
//!   `ref:package_id#package_revision`), `requires` and `build_requires` (node ids; a map
//!   of reference → id in the oldest files), `context` (`host`/`build`). The root node (the
//!   consumer's conanfile: it has a `path`, or no reference) is not a component; the nodes it
//!   requires are the direct ones; `requires` and `build_requires` are the edges. A node only
//!   ever reached through `build_requires`, or in the `build` context, is a build dependency.
//!
//! A reference's `@user/channel` is kept as `url` and its recipe revision as integrity, so
//! the purl carries them as the spec's `user`, `channel` and `rrev` qualifiers. A reference
//! without a name (`1.2.3`) is reported and skipped.

use crate::extractors::package_json::{parse_json_object, type_error};
use crate::extractors::string_literals;
use crate::json::{Spanned, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope, Severity,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct ConanLockExtractor;

const ID: Format = Format::ConanLock;

/// Conan 2's reference lists and the scope each gives.
const LISTS: [(&str, Scope); 4] = [
    ("requires", Scope::Runtime),
    ("build_requires", Scope::Build),
    ("python_requires", Scope::Build),
    ("config_requires", Scope::Build),
];

impl Extractor for ConanLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["conan.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "conan.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "conan.lock") else {
            return out;
        };
        match doc.get("graph_lock") {
            Some(graph) => conan1(file, graph, &mut out),
            None => conan2(file, &doc, &mut out),
        }
        out
    }
}

/// A parsed reference `name/version@user/channel#rrev%timestamp:package_id#prev`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Reference<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub user_channel: Option<&'a str>,
    pub recipe_revision: Option<&'a str>,
}

pub(crate) fn reference(text: &str) -> Option<Reference<'_>> {
    let text = text.trim();
    let text = text.split_once(':').map_or(text, |(r, _)| r);
    let text = text.split_once('%').map_or(text, |(r, _)| r);
    let (text, rrev) = match text.split_once('#') {
        Some((r, rev)) => (r, Some(rev).filter(|r| !r.is_empty() && *r != "0")),
        None => (text, None),
    };
    let (text, user_channel) = match text.split_once('@') {
        Some((r, uc)) => (r, Some(uc).filter(|u| !u.is_empty() && *u != "_/_")),
        None => (text, None),
    };
    let (name, version) = text.split_once('/')?;
    (!name.is_empty() && !version.is_empty()).then_some(Reference {
        name,
        version,
        user_channel,
        recipe_revision: rrev,
    })
}

fn component(file: &SourceFile, r: &Reference<'_>, line: u32) -> Component {
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Conan,
        r.name,
        ID,
        file.location(line),
    );
    c.url = r.user_channel.map(|uc| format!("@{uc}"));
    c.integrity = r.recipe_revision.map(str::to_string);
    c.with_version(r.version)
}

fn unnamed(file: &SourceFile, line: u32, text: &str) -> Diagnostic {
    Diagnostic::warning(
        DiagnosticCode::InvalidValue,
        file.path(),
        line,
        format!("`{text}` is not a Conan reference `name/version`"),
    )
}

fn conan2(file: &SourceFile, doc: &Spanned, out: &mut Extracted) {
    let direct = manifest_names(file);
    if direct.is_none() {
        out.diagnose(Diagnostic::new(
            Severity::Info,
            DiagnosticCode::Unsupported,
            file.path(),
            0,
            "no conanfile.txt or conanfile.py beside the lock: every entry is reported as direct",
        ));
    }
    for (key, scope) in LISTS {
        let Some(list) = doc.get(key) else { continue };
        let items = match &list.value.value {
            Value::Array(items) => items,
            Value::Null => continue,
            _ => {
                out.diagnose(type_error(file, list.key_offset, key, &list.value));
                continue;
            }
        };
        for item in items {
            let line = file.line_col(item.offset).0;
            let Some(text) = item.as_str() else {
                out.diagnose(type_error(file, item.offset, key, item));
                continue;
            };
            let Some(r) = reference(text) else {
                out.diagnose(unnamed(file, line, text));
                continue;
            };
            let is_direct = direct.as_ref().is_none_or(|d| d.contains(r.name));
            out.push(
                component(file, &r, line)
                    .with_scope(scope)
                    .with_direct(is_direct),
            );
        }
    }
}

fn conan1(file: &SourceFile, graph: &crate::json::Member, out: &mut Extracted) {
    let Some(nodes) = graph.value.get("nodes") else {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            file.line_col(graph.key_offset).0,
            "`graph_lock` without `nodes`",
        ));
        return;
    };
    if !nodes.value.is_object() {
        out.diagnose(type_error(file, nodes.key_offset, "nodes", &nodes.value));
        return;
    }
    // Node id → (reference, line); roots have none.
    let mut refs: BTreeMap<&str, (Reference<'_>, u32)> = BTreeMap::new();
    let mut roots: Vec<&Spanned> = Vec::new();
    for node in nodes.value.members() {
        let line = file.line_col(node.key_offset).0;
        if !node.value.is_object() {
            out.diagnose(type_error(file, node.key_offset, &node.key, &node.value));
            continue;
        }
        let text = ["ref", "pref"]
            .iter()
            .find_map(|k| node.value.get(k).and_then(|m| m.value.as_str()));
        let is_root = node
            .value
            .get("path")
            .is_some_and(|p| p.value.as_str().is_some())
            || text.is_none();
        if is_root {
            roots.push(&node.value);
            continue;
        }
        match text.and_then(reference) {
            Some(r) => {
                refs.insert(node.key.as_str(), (r, line));
            }
            None => out.diagnose(unnamed(file, line, text.unwrap_or_default())),
        }
    }
    let direct: BTreeSet<&str> = roots
        .iter()
        .flat_map(|r| ["requires", "build_requires"].map(|k| targets(r, k)))
        .flatten()
        .collect();
    let mut by_build = BTreeSet::new();
    let mut by_host = BTreeSet::new();
    for node in nodes.value.members() {
        by_host.extend(targets(&node.value, "requires"));
        by_build.extend(targets(&node.value, "build_requires"));
    }
    for node in nodes.value.members() {
        let Some((r, line)) = refs.get(node.key.as_str()) else {
            continue;
        };
        let context = node.value.get("context").and_then(|m| m.value.as_str());
        let build = context == Some("build")
            || (by_build.contains(node.key.as_str()) && !by_host.contains(node.key.as_str()));
        let mut c = component(file, r, *line)
            .with_direct(direct.contains(node.key.as_str()))
            .with_scope(if build { Scope::Build } else { Scope::Runtime });
        c.dependencies = ["requires", "build_requires"]
            .iter()
            .flat_map(|k| targets(&node.value, k))
            .filter_map(|id| refs.get(id))
            .map(|(t, _)| DependencyEdge {
                name: t.name.to_string(),
                version: Some(t.version.to_string()),
            })
            .collect();
        c.dependencies.sort();
        c.dependencies.dedup();
        out.push(c);
    }
}

/// Node ids a node lists under `key`: an array of ids, or (the oldest locks) a map of
/// reference → id.
fn targets<'a>(node: &'a Spanned, key: &str) -> Vec<&'a str> {
    match node.get(key).map(|m| &m.value.value) {
        Some(Value::Array(ids)) => ids.iter().filter_map(Spanned::as_str).collect(),
        Some(Value::Object(members)) => members.iter().filter_map(|m| m.value.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// Package names the conanfile beside the lock requires: `conanfile.txt` sections
/// (`[requires]`, `[tool_requires]`, `[build_requires]`, `[test_requires]`), or the
/// reference literals of `conanfile.py`. `None` when neither is there.
fn manifest_names(file: &SourceFile) -> Option<BTreeSet<String>> {
    if let Ok(txt) = file.open_relative("conanfile.txt") {
        let mut names = BTreeSet::new();
        let mut in_requires = false;
        for line in txt.text().lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.starts_with('[') {
                in_requires = matches!(
                    line,
                    "[requires]" | "[tool_requires]" | "[build_requires]" | "[test_requires]"
                );
            } else if in_requires {
                if let Some(r) = reference(line) {
                    names.insert(r.name.to_string());
                }
            }
        }
        return Some(names);
    }
    let py = file.open_relative("conanfile.py").ok()?;
    Some(
        string_literals(py.text())
            .into_iter()
            // `"zlib/*:shared"` is an option of another package, not a requirement.
            .filter(|s| !s.contains([':', '*']))
            .filter_map(reference)
            .map(|r| r.name.to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::{reference, Reference};

    #[test]
    fn references_in_every_form() {
        let r = |name, version, user_channel, recipe_revision| Reference {
            name,
            version,
            user_channel,
            recipe_revision,
        };
        for (text, want) in [
            ("zlib/1.3.1", Some(r("zlib", "1.3.1", None, None))),
            (
                "zlib/1.3.1#f52e03ae3d251dec704634230cd806a2%1705070242.903",
                Some(r(
                    "zlib",
                    "1.3.1",
                    None,
                    Some("f52e03ae3d251dec704634230cd806a2"),
                )),
            ),
            (
                "zlib/1.2.11@bincrafters/testing#5f49:1972#5884",
                Some(r(
                    "zlib",
                    "1.2.11",
                    Some("bincrafters/testing"),
                    Some("5f49"),
                )),
            ),
            ("vaapi/system", Some(r("vaapi", "system", None, None))),
            ("fmt/9.1.0@_/_#0", Some(r("fmt", "9.1.0", None, None))),
            ("1.2.3#abc", None),
            ("zlib/", None),
        ] {
            assert_eq!(reference(text), want, "{text}");
        }
    }
}
