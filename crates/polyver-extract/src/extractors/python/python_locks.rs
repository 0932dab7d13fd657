//! Helpers shared by the Python manifest and lock extractors (`setup_cfg`, `pipfile`,
//! `pipfile_lock`, `poetry_lock`, `uv_lock`, `pdm_lock`).
//!
//! They all need the same few things: a TOML parse error turned into a diagnostic with a
//! line, the line of a key, a PEP 508 string turned into a component the way
//! `pyproject.rs` does it, lock hashes joined into one `integrity` string, and a way to tell
//! direct from transitive entries when the lock file itself does not record its roots:
//! the manifest beside it (`pyproject.toml`), or failing that the lock's own graph.

use crate::{pep508, Extracted, SourceFile};
use polyver_model::{
    normalize_pypi_name, Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format,
    Kind, Scope,
};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml_edit::{Document, Item, Table, TableLike, Value};

/// Parses `file` as TOML; on failure records a parse error at the offending line.
pub(crate) fn parse_toml<'a>(
    file: &'a SourceFile,
    out: &mut Extracted,
) -> Option<Document<&'a str>> {
    match Document::parse(file.text()) {
        Ok(doc) => Some(doc),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, col) = file.line_col(offset);
            out.diagnose(
                Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    format!("invalid TOML: {}", e.message()),
                )
                .with_column(col),
            );
            None
        }
    }
}

/// The 1-based line of a span's start (0 when the span is unknown).
pub(crate) fn line_of(file: &SourceFile, span: Option<Range<usize>>) -> u32 {
    span.map_or(0, |s| file.line_col(s.start).0)
}

/// The line of `key` in `table`, or `fallback` when the key is absent or has no span.
pub(crate) fn key_line(file: &SourceFile, table: &dyn TableLike, key: &str, fallback: u32) -> u32 {
    table
        .get_key_value(key)
        .and_then(|(k, _)| k.span())
        .map_or(fallback, |s| file.line_col(s.start).0)
}

/// A value of the wrong shape.
pub(crate) fn invalid(file: &SourceFile, line: u32, message: impl Into<String>) -> Diagnostic {
    Diagnostic::warning(DiagnosticCode::InvalidValue, file.path(), line, message)
}

/// A string field of a TOML table.
pub(crate) fn str_of<'a>(table: &'a dyn TableLike, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Item::as_str)
}

/// The tables of an array of tables (`[[x]]`) or of an array of inline tables
/// (`x = [{...}, {...}]`); other elements are skipped.
pub(crate) fn tables_in(item: &Item) -> Vec<&dyn TableLike> {
    if let Some(aot) = item.as_array_of_tables() {
        return aot.iter().map(|t| t as &dyn TableLike).collect();
    }
    item.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_inline_table)
                .map(|t| t as &dyn TableLike)
                .collect()
        })
        .unwrap_or_default()
}

/// A PyPI package component named `name` (normalized here) found at `line`.
pub(crate) fn package(file: &SourceFile, source: Format, name: &str, line: u32) -> Component {
    Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        normalize_pypi_name(name),
        source,
        file.location(line),
    )
}

/// The `python` runtime with a constraint (`>=3.9`, `^3.10`), as written.
pub(crate) fn python_constraint(
    file: &SourceFile,
    source: Format,
    line: u32,
    constraint: &str,
) -> Component {
    Component::new(
        Kind::Runtime,
        Ecosystem::Generic,
        "python",
        source,
        file.location(line),
    )
    .with_constraint(constraint.trim())
}

/// The `python` runtime at an exact version (`3.11`, `3.11.4`), as `.python-version` has it.
pub(crate) fn python_version(
    file: &SourceFile,
    source: Format,
    line: u32,
    version: &str,
) -> Component {
    Component::new(
        Kind::Runtime,
        Ecosystem::Generic,
        "python",
        source,
        file.location(line),
    )
    .with_version(version.trim())
}

/// A PEP 508 requirement string as a component: pinned version, constraint, extras,
/// marker and URL as written.
pub(crate) fn requirement(
    file: &SourceFile,
    source: Format,
    text: &str,
    line: u32,
    scope: Scope,
) -> Result<Component, String> {
    let req = pep508::parse(text)?;
    let mut c = package(file, source, &req.name, line).with_scope(scope);
    if let Some(v) = req.pinned_version() {
        c = c.with_version(v);
    }
    if let Some(s) = req.specifier {
        c = c.with_constraint(s);
    }
    c.extras = req.extras;
    c.extras.sort();
    c.marker = req.marker;
    c.url = req.url;
    Ok(c)
}

/// Hashes joined the way `integrity` holds several (`sha256:a sha256:b`), sorted and
/// deduplicated so the output does not depend on file order; `None` when there are none.
pub(crate) fn join_hashes<I, S>(hashes: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let set: BTreeSet<String> = hashes
        .into_iter()
        .map(|h| h.as_ref().trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>().join(" "))
}

/// `hash` values of file tables (`files = [{file = "...", hash = "sha256:..."}]`),
/// keeping only files whose name or URL mentions `-{version}` when `version` is given.
pub(crate) fn file_hashes(item: &Item, version: Option<&str>) -> Vec<String> {
    tables_in(item)
        .into_iter()
        .filter(|t| {
            let Some(v) = version else { return true };
            let name = str_of(*t, "file")
                .or_else(|| str_of(*t, "url"))
                .unwrap_or("");
            name.contains(&format!("-{v}"))
        })
        .filter_map(|t| str_of(t, "hash").map(str::to_string))
        .collect()
}

/// Every locked version of each (normalized) name, to give dependency edges a version.
#[derive(Default)]
pub(crate) struct LockedVersions(BTreeMap<String, BTreeSet<String>>);

/// The `[[key]]` entries of a lock file's root (`package` in Poetry/PDM/uv, `packages` in
/// pylock.toml); another shape is a diagnostic at the key's line and no entries.
pub(crate) fn package_tables<'d>(
    file: &SourceFile,
    root: &'d Table,
    key: &str,
    out: &mut Extracted,
) -> Vec<&'d Table> {
    match root.get(key) {
        None => Vec::new(),
        Some(item) => match item.as_array_of_tables() {
            Some(aot) => aot.iter().collect(),
            None => {
                let line = key_line(file, root, key, 0);
                out.diagnose(invalid(
                    file,
                    line,
                    format!("`{key}` must be an array of tables"),
                ));
                Vec::new()
            }
        },
    }
}

impl LockedVersions {
    /// The names and versions of `packages` (`name`, `version` keys).
    pub(crate) fn of(packages: &[&Table]) -> LockedVersions {
        let mut locked = LockedVersions::default();
        for pkg in packages {
            if let Some(name) = str_of(*pkg, "name") {
                locked.insert(name, str_of(*pkg, "version"));
            }
        }
        locked
    }

    pub(crate) fn insert(&mut self, name: &str, version: Option<&str>) {
        let versions = self.0.entry(normalize_pypi_name(name)).or_default();
        if let Some(v) = version {
            versions.insert(v.to_string());
        }
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains_key(&normalize_pypi_name(name))
    }

    /// How many entries share the normalized name.
    pub(crate) fn count(&self, name: &str) -> usize {
        self.0
            .get(&normalize_pypi_name(name))
            .map_or(0, BTreeSet::len)
    }

    /// An edge to `name`: its version when the lock has exactly one, otherwise `None` (the
    /// lock chooses between several by markers the scanner does not evaluate).
    pub(crate) fn edge(&self, name: &str) -> DependencyEdge {
        let name = normalize_pypi_name(name);
        let version = self
            .0
            .get(&name)
            .filter(|v| v.len() == 1)
            .and_then(|v| v.iter().next().cloned());
        DependencyEdge { name, version }
    }
}

/// What a `pyproject.toml` declares, for locks that do not record their roots.
#[derive(Default, Debug)]
pub(crate) struct Manifest {
    /// Normalized names of every declared dependency (runtime, extras, groups, dev).
    pub names: BTreeSet<String>,
    /// Names of `[project.optional-dependencies]` extras and `[tool.poetry.extras]`, so a
    /// lock group named after one is `optional` rather than `dev`.
    pub extras: BTreeSet<String>,
}

/// Reads the `pyproject.toml` in the lock file's directory, when there is one.
pub(crate) fn sibling_pyproject(file: &SourceFile) -> Option<Manifest> {
    let manifest = file.open_relative("pyproject.toml").ok()?;
    let doc = Document::parse(manifest.text()).ok()?;
    let root = doc.as_table();
    let mut m = Manifest::default();
    let add_strings = |item: Option<&Item>, m: &mut Manifest| {
        for value in item.and_then(Item::as_array).into_iter().flatten() {
            if let Some(req) = value.as_str().and_then(|s| pep508::parse(s).ok()) {
                m.names.insert(normalize_pypi_name(&req.name));
            }
        }
    };
    let project = sub(Some(root), "project");
    add_strings(project.and_then(|p| p.get("dependencies")), &mut m);
    if let Some(extras) = sub(project, "optional-dependencies") {
        for (name, deps) in extras.iter() {
            m.extras.insert(normalize_pypi_name(name));
            add_strings(Some(deps), &mut m);
        }
    }
    let tool = sub(Some(root), "tool");
    let groups = [
        sub(Some(root), "dependency-groups"),
        sub(sub(tool, "pdm"), "dev-dependencies"),
    ];
    for table in groups.into_iter().flatten() {
        for (_, deps) in table.iter() {
            add_strings(Some(deps), &mut m);
        }
    }
    add_strings(
        sub(tool, "uv").and_then(|u| u.get("dev-dependencies")),
        &mut m,
    );
    let poetry = sub(tool, "poetry");
    let mut poetry_tables = vec![sub(poetry, "dependencies"), sub(poetry, "dev-dependencies")];
    if let Some(groups) = sub(poetry, "group") {
        for (_, group) in groups.iter() {
            poetry_tables.push(sub(group.as_table_like(), "dependencies"));
        }
    }
    for table in poetry_tables.into_iter().flatten() {
        m.names.extend(
            table
                .iter()
                .map(|(name, _)| normalize_pypi_name(name))
                .filter(|n| n != "python"),
        );
    }
    if let Some(extras) = sub(poetry, "extras") {
        m.extras
            .extend(extras.iter().map(|(name, _)| normalize_pypi_name(name)));
    }
    Some(m)
}

/// The sub-table `key` of `table`, when both exist.
fn sub<'a>(table: Option<&'a dyn TableLike>, key: &str) -> Option<&'a dyn TableLike> {
    table.and_then(|t| t.get(key)).and_then(Item::as_table_like)
}

/// Lock entries nothing else in the lock depends on: they can only be there because the
/// project asked for them. Used when no manifest says which entries are direct; it misses
/// a direct dependency that is also some other entry's dependency.
pub(crate) fn unreferenced<'a>(
    names: impl IntoIterator<Item = &'a str>,
    edges: &[(String, DependencyEdge)],
) -> BTreeSet<String> {
    let referenced: BTreeSet<&str> = edges
        .iter()
        .filter(|(from, to)| *from != to.name)
        .map(|(_, to)| to.name.as_str())
        .collect();
    names
        .into_iter()
        .map(normalize_pypi_name)
        .filter(|n| !referenced.contains(n.as_str()))
        .collect()
}
