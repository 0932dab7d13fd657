//! `Pipfile` (pipenv's manifest, TOML): `[packages]`, `[dev-packages]`, custom package
//! categories (pipenv 2022.10+: any other table of packages), and `[requires]`.
//!
//! Every entry is a direct dependency declared by the repository. `[packages]` is runtime,
//! `[dev-packages]` dev, a custom category gets the scope its name implies (`tests` → test,
//! `docs` → dev) and is otherwise optional, since pipenv installs it only on request. A value
//! is a specifier string (`"==2.31.0"` pins, `">=1,<2"` constrains, `"*"` means any version
//! and is no constraint) or a table with `version`, `extras`, `markers`, `index`, and for
//! non-registry sources `git` (+ `ref`), `path` or `file`, recorded as `url`. pipenv also
//! accepts marker variables as keys (`sys_platform = "== 'win32'"`); they are folded into
//! the marker. `[requires] python_full_version` / `python_version` is the `python` runtime
//! at that version (as `.python-version` reports it). `[source]`, `[scripts]` and
//! `[pipenv]` are configuration, not packages.

use crate::extractors::python_locks::{
    key_line, line_of, package, parse_toml, python_version, str_of,
};
use crate::extractors::scope_from_words;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope};
use std::path::Path;
use toml_edit::{Item, TableLike};

pub struct PipfileExtractor;

const ID: Format = Format::Pipfile;

/// Top-level tables that are configuration rather than package categories.
pub(crate) const NON_CATEGORY_TABLES: [&str; 4] = ["source", "requires", "scripts", "pipenv"];

/// PEP 508 marker variables pipenv accepts as keys of a package table.
const MARKER_KEYS: [&str; 11] = [
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
];

impl Extractor for PipfileExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pipfile"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "Pipfile"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        for (name, item) in root.iter() {
            if name == "requires" {
                if let Some(requires) = item.as_table_like() {
                    requires_python(file, requires, &mut out);
                }
                continue;
            }
            if NON_CATEGORY_TABLES.contains(&name) {
                continue;
            }
            let Some(table) = item.as_table_like() else {
                let line = key_line(file, root, name, 0);
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line,
                    format!("`{name}` must be a table of packages"),
                ));
                continue;
            };
            category(file, table, category_scope(name), &mut out);
        }
        out
    }
}

/// The scope of a Pipfile / Pipfile.lock package category.
pub(crate) fn category_scope(category: &str) -> Scope {
    match category {
        "packages" | "default" => Scope::Runtime,
        "dev-packages" | "develop" => Scope::Dev,
        other => scope_from_words(other, Scope::Optional),
    }
}

fn requires_python(file: &SourceFile, requires: &dyn TableLike, out: &mut Extracted) {
    for key in ["python_full_version", "python_version"] {
        let Some((k, item)) = requires.get_key_value(key) else {
            continue;
        };
        let line = line_of(file, k.span());
        match item.as_str() {
            Some(v) if !v.trim().is_empty() => {
                out.push(python_version(file, ID, line, v));
                return;
            }
            _ => out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                format!("`requires.{key}` must be a version string"),
            )),
        }
    }
}

fn category(file: &SourceFile, table: &dyn TableLike, scope: Scope, out: &mut Extracted) {
    for (name, item) in table.iter() {
        let line = key_line(file, table, name, 0);
        let mut c = package(file, ID, name, line).with_scope(scope);
        let spec = if let Some(s) = item.as_str() {
            Some(s)
        } else if let Some(t) = item.as_table_like() {
            str_of(t, "version")
        } else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                format!("`{name}` must be a version string or a table"),
            ));
            continue;
        };
        if let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty() && *s != "*") {
            if let Some(v) = pinned(spec) {
                c = c.with_version(v);
            }
            c = c.with_constraint(spec);
        }
        if let Some(t) = item.as_table_like() {
            c.url = source_url(t);
            c.marker = marker(t);
            if let Some(extras) = t.get("extras").and_then(Item::as_array) {
                c.extras = extras
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                c.extras.sort();
            }
        }
        out.push(c);
    }
}

/// `==1.2.3` (or `===1.2.3`) without wildcards or a second clause.
pub(crate) fn pinned(spec: &str) -> Option<&str> {
    let v = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    (!v.is_empty() && !v.contains([',', '*', ';', ' '])).then_some(v)
}

/// `git = "..."` (with `ref`), `path = "..."` or `file = "..."`.
fn source_url(t: &dyn TableLike) -> Option<String> {
    if let Some(git) = str_of(t, "git") {
        return Some(match str_of(t, "ref") {
            Some(r) => format!("{git}@{r}"),
            None => git.to_string(),
        });
    }
    str_of(t, "path")
        .or_else(|| str_of(t, "file"))
        .map(str::to_string)
}

/// `markers = "..."` plus marker-variable keys (`sys_platform = "== 'win32'"`), joined
/// with `and`.
fn marker(t: &dyn TableLike) -> Option<String> {
    let mut parts: Vec<String> = str_of(t, "markers")
        .map(|m| m.trim().to_string())
        .into_iter()
        .collect();
    for key in MARKER_KEYS {
        if let Some(cond) = str_of(t, key) {
            parts.push(format!("{key} {}", cond.trim()));
        }
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(
            parts
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    }
}
