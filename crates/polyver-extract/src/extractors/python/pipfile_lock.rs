//! `Pipfile.lock` (pipenv's lock, JSON, pipfile-spec 6): `_meta.requires` and one object of
//! locked packages per category — `default`, `develop`, and custom categories.
//!
//! Each entry has `version: "==x"`, `hashes` (→ `integrity`), optional `markers`,
//! `extras`, `index`, and for non-registry sources `git`/`ref`, `path` or `file` (→ `url`).
//! Scopes follow the category as in the Pipfile (`default` runtime, `develop` dev, custom
//! categories by name). The lock records no dependency edges, so none are reported.
//!
//! Direct vs transitive: the lock does not say which entries the Pipfile asked for, so the
//! `Pipfile` beside it is read: an entry is direct when the matching Pipfile category
//! (`default` ↔ `[packages]`, `develop` ↔ `[dev-packages]`, custom ↔ same name) declares
//! it. Without a readable Pipfile (deleted, or an in-memory scan) there is no root
//! information and no graph to infer it from. Reporting everything as transitive would
//! claim that nothing in the lock was asked for, which is never true; so every entry is
//! reported as direct (the conservative reading, as for a `pip freeze` requirements file)
//! and an info diagnostic says the distinction is unavailable.

use crate::extractors::package_json::{parse_json_object, type_error};
use crate::extractors::pipfile::{category_scope, pinned, NON_CATEGORY_TABLES};
use crate::extractors::python_locks::{join_hashes, package, python_version};
use crate::json::{Spanned, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{normalize_pypi_name, Diagnostic, DiagnosticCode, Format, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml_edit::Document;

pub struct PipfileLockExtractor;

const ID: Format = Format::PipfileLock;

impl Extractor for PipfileLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pipfile.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "Pipfile.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "Pipfile.lock") else {
            return out;
        };
        let declared = pipfile_categories(file);
        if declared.is_none() {
            out.diagnose(Diagnostic::new(
                Severity::Info,
                DiagnosticCode::Unsupported,
                file.path(),
                0,
                "no readable Pipfile beside the lock: every entry is reported as direct",
            ));
        }
        for member in doc.members() {
            if member.key == "_meta" {
                meta(file, &member.value, &mut out);
                continue;
            }
            if !member.value.is_object() {
                out.diagnose(type_error(
                    file,
                    member.key_offset,
                    &member.key,
                    &member.value,
                ));
                continue;
            }
            let pipfile_category = match member.key.as_str() {
                "default" => "packages",
                "develop" => "dev-packages",
                other => other,
            };
            let direct = declared
                .as_ref()
                .map(|d| d.get(pipfile_category).cloned().unwrap_or_default());
            let scope = category_scope(&member.key);
            for entry in member.value.members() {
                let line = file.line_col(entry.key_offset).0;
                let e = &entry.value;
                if !e.is_object() {
                    out.diagnose(type_error(file, entry.key_offset, &entry.key, e));
                    continue;
                }
                let name = normalize_pypi_name(&entry.key);
                let is_direct = direct.as_ref().is_none_or(|d| d.contains(&name));
                let mut c = package(file, ID, &entry.key, line)
                    .with_scope(scope)
                    .with_direct(is_direct);
                let field = |k: &str| e.get(k).and_then(|m| m.value.as_str());
                if let Some(spec) = field("version") {
                    match pinned(spec.trim()) {
                        Some(v) => c = c.with_version(v),
                        None => out.diagnose(Diagnostic::warning(
                            DiagnosticCode::InvalidValue,
                            file.path(),
                            line,
                            format!("`{}` is locked at {spec:?}, not `==version`", entry.key),
                        )),
                    }
                }
                c.marker = field("markers").map(str::to_string);
                c.url = match (field("git"), field("ref")) {
                    (Some(git), Some(r)) => Some(format!("{git}@{r}")),
                    (Some(git), None) => Some(git.to_string()),
                    _ => field("path").or_else(|| field("file")).map(str::to_string),
                };
                if field("version").is_none() && c.url.is_none() {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        line,
                        format!("`{}` has neither a version nor a source", entry.key),
                    ));
                }
                c.extras = strings(e.get("extras").map(|m| &m.value));
                c.extras.sort();
                c.integrity = join_hashes(strings(e.get("hashes").map(|m| &m.value)));
                out.push(c);
            }
        }
        out
    }
}

/// The strings of a JSON array (other elements skipped).
fn strings(value: Option<&Spanned>) -> Vec<String> {
    match value.map(|v| &v.value) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// `_meta.requires.python_full_version` / `python_version`: the `python` runtime.
fn meta(file: &SourceFile, meta: &Spanned, out: &mut Extracted) {
    let Some(requires) = meta.get("requires") else {
        return;
    };
    for key in ["python_full_version", "python_version"] {
        if let Some(m) = requires.value.get(key) {
            let line = file.line_col(m.key_offset).0;
            match m.value.as_str() {
                Some(v) if !v.trim().is_empty() => {
                    out.push(python_version(file, ID, line, v));
                    return;
                }
                _ => out.diagnose(type_error(file, m.key_offset, key, &m.value)),
            }
        }
    }
}

/// Normalized names per category of the `Pipfile` beside the lock, when it can be read.
fn pipfile_categories(file: &SourceFile) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let pipfile = file.open_relative("Pipfile").ok()?;
    let doc = Document::parse(pipfile.text()).ok()?;
    Some(
        doc.as_table()
            .iter()
            .filter(|(name, _)| !NON_CATEGORY_TABLES.contains(name))
            .filter_map(|(name, item)| Some((name, item.as_table_like()?)))
            .map(|(name, table)| {
                let names = table.iter().map(|(k, _)| normalize_pypi_name(k)).collect();
                (name.to_string(), names)
            })
            .collect(),
    )
}
