//! Gradle version catalogs: `gradle/libs.versions.toml` (and any `*.versions.toml` under
//! `gradle/`).
//!
//! A catalog names the libraries and plugins a build may use; build scripts refer to them as
//! `libs.foo.bar` (see the `gradle` extractor, which reads the catalog through
//! [`Catalog::read`]). Each `[libraries]` entry is a Maven package (`group:name`), each
//! `[plugins]` entry a build tool (the plugin id), at the line of its alias; `[bundles]` only
//! group aliases and are ignored. Versions are a string (`"1.2.3"`, `"[1.0,2.0)"`,
//! `"1.+"`), a `version.ref` into `[versions]`, or a rich version table (`strictly`,
//! `require`, `prefer`, `reject`). The constraint is the strictly/require/prefer value as
//! written; the exact version is the preferred version, or that constraint when it is a
//! plain version (not a range, dynamic `+` or `latest.*`). A `version.ref` naming nothing
//! is kept without a version, with a warning.
//!
//! Entries are reported as direct runtime declarations: the catalog does not say in which
//! configuration a library is used (the build script findings carry that).

use crate::extractors::python_locks::parse_toml;
use crate::{Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::collections::HashMap;
use std::path::Path;
use toml_edit::{Item, TableLike};

pub struct GradleCatalogExtractor;

const ID: Format = Format::GradleCatalog;

impl Extractor for GradleCatalogExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            suffixes: &[".versions.toml"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = crate::file_name(path);
        if !name.ends_with(".versions.toml") {
            return false;
        }
        let in_gradle_dir = path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| d == "gradle");
        name == "libs.versions.toml" || (in_gradle_dir && name.ends_with(".versions.toml"))
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let catalog = Catalog::read(file, &mut out);
        for entry in catalog.libraries.values().chain(catalog.plugins.values()) {
            out.push(entry.component(file, ID, entry.line, Scope::Runtime, true));
        }
        out
    }
}

/// A parsed catalog, by accessor path (`libs.spring.boot.web` → `spring.boot.web`).
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    pub libraries: HashMap<String, CatalogEntry>,
    pub plugins: HashMap<String, CatalogEntry>,
}

/// One `[libraries]` or `[plugins]` entry, versions resolved.
#[derive(Debug, Clone)]
pub(crate) struct CatalogEntry {
    /// `group:name` for libraries, the plugin id for plugins.
    pub name: String,
    pub plugin: bool,
    pub version: Option<String>,
    pub constraint: Option<String>,
    /// Line of the alias in the catalog.
    pub line: u32,
}

impl CatalogEntry {
    /// The component this entry describes, found at `line` of `file` by extractor `source`.
    pub fn component(
        &self,
        file: &SourceFile,
        source: Format,
        line: u32,
        scope: Scope,
        direct: bool,
    ) -> Component {
        let (kind, scope) = if self.plugin {
            (Kind::Tool, Scope::Build)
        } else {
            (Kind::Package, scope)
        };
        let mut c = Component::new(
            kind,
            Ecosystem::Maven,
            self.name.clone(),
            source,
            file.location(line),
        )
        .with_scope(scope)
        .with_direct(direct);
        if let Some(v) = &self.version {
            c = c.with_version(v);
        }
        if let Some(k) = &self.constraint {
            c = c.with_constraint(k);
        }
        c
    }
}

/// The accessor form of an alias: `-`, `_` and `.` all separate segments.
pub(crate) fn accessor(alias: &str) -> String {
    alias.replace(['-', '_'], ".")
}

/// A Gradle version that names one release: not a range, not dynamic (`1.+`, `latest.*`),
/// not an interpolation. A strict `1.2!!` is the plain `1.2`.
pub(crate) fn plain_version(v: &str) -> Option<&str> {
    let v = v.trim().strip_suffix("!!").unwrap_or(v.trim());
    let plain = !v.is_empty()
        && !v.contains(['[', ']', '(', ')', ',', '+', '$', ' ', '!'])
        && !v.starts_with("latest.");
    plain.then_some(v)
}

impl Catalog {
    /// Parses a catalog; problems go to `out` as diagnostics.
    pub(crate) fn read(file: &SourceFile, out: &mut Extracted) -> Catalog {
        let mut catalog = Catalog::default();
        let Some(doc) = parse_toml(file, out) else {
            return catalog;
        };
        let root = doc.as_table();
        let line_of =
            |span: Option<std::ops::Range<usize>>| span.map_or(0, |s| file.line_col(s.start).0);
        let mut versions: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
        let section = |name: &str, out: &mut Extracted| -> Option<&dyn TableLike> {
            let item = root.get(name)?;
            match item.as_table_like() {
                Some(t) => Some(t),
                None => {
                    let line = root
                        .get_key_value(name)
                        .map_or(0, |(k, _)| line_of(k.span()));
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        line,
                        format!("`{name}` must be a table"),
                    ));
                    None
                }
            }
        };
        if let Some(table) = section("versions", out) {
            for (key, item) in table.iter() {
                match rich(item) {
                    Some(v) => {
                        versions.insert(key.to_string(), v);
                    }
                    None => {
                        let line = table
                            .get_key_value(key)
                            .map_or(0, |(k, _)| line_of(k.span()));
                        out.diagnose(Diagnostic::warning(
                            DiagnosticCode::InvalidValue,
                            file.path(),
                            line,
                            format!("version `{key}` must be a string or a rich version table"),
                        ));
                    }
                }
            }
        }
        for (section_name, plugin) in [("libraries", false), ("plugins", true)] {
            let Some(table) = section(section_name, out) else {
                continue;
            };
            for (alias, item) in table.iter() {
                let line = table
                    .get_key_value(alias)
                    .map_or(0, |(k, _)| line_of(k.span()));
                let mut warn = |message: String| {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        line,
                        message,
                    ))
                };
                let parsed = if plugin {
                    plugin_entry(item)
                } else {
                    library_entry(item)
                };
                let Some((name, version)) = parsed else {
                    warn(format!(
                        "{section_name} entry `{alias}` must be \"{}\" or a table with {}",
                        if plugin {
                            "id:version"
                        } else {
                            "group:name:version"
                        },
                        if plugin {
                            "`id`"
                        } else {
                            "`module` or `group` and `name`"
                        },
                    ));
                    continue;
                };
                let (version, constraint) = match version {
                    Spec::None => (None, None),
                    Spec::Direct(v, k) => (v, k),
                    Spec::Ref(r) => match versions.get(&r) {
                        Some((v, k)) => (v.clone(), k.clone()),
                        None => {
                            warn(format!(
                                "`{alias}` refers to version `{r}`, which [versions] does not define"
                            ));
                            (None, None)
                        }
                    },
                };
                let entry = CatalogEntry {
                    name,
                    plugin,
                    version,
                    constraint,
                    line,
                };
                let map = if plugin {
                    &mut catalog.plugins
                } else {
                    &mut catalog.libraries
                };
                map.insert(accessor(alias), entry);
            }
        }
        catalog
    }
}

/// A version as written in an entry.
enum Spec {
    None,
    /// (exact version, constraint)
    Direct(Option<String>, Option<String>),
    Ref(String),
}

fn str_value(item: &Item) -> Option<&str> {
    item.as_str()
}

/// A `[versions]` value or an inline version: a string or `{strictly, require, prefer}`.
fn rich(item: &Item) -> Option<(Option<String>, Option<String>)> {
    if let Some(s) = str_value(item) {
        return Some((plain_version(s).map(str::to_string), Some(s.to_string())));
    }
    let t = item.as_table_like()?;
    let get = |k: &str| t.get(k).and_then(Item::as_str);
    let constraint = get("strictly")
        .or_else(|| get("require"))
        .or_else(|| get("prefer"));
    let version = get("prefer")
        .and_then(plain_version)
        .or_else(|| constraint.and_then(plain_version));
    Some((version.map(str::to_string), constraint.map(str::to_string)))
}

fn version_spec(t: &dyn TableLike) -> Spec {
    match t.get("version") {
        None => Spec::None,
        Some(v) => {
            if let Some(r) = v
                .as_table_like()
                .and_then(|vt| vt.get("ref"))
                .and_then(Item::as_str)
            {
                return Spec::Ref(r.to_string());
            }
            match rich(v) {
                Some((v, k)) => Spec::Direct(v, k),
                None => Spec::None,
            }
        }
    }
}

/// `"g:a:v"`, `"g:a"`, `{ module = "g:a", version... }`, `{ group, name, version... }`.
fn library_entry(item: &Item) -> Option<(String, Spec)> {
    if let Some(s) = str_value(item) {
        let mut parts = s.splitn(3, ':');
        let (g, a) = (parts.next()?.trim(), parts.next()?.trim());
        if g.is_empty() || a.is_empty() {
            return None;
        }
        let spec = match parts.next() {
            Some(v) => Spec::Direct(plain_version(v).map(str::to_string), Some(v.to_string())),
            None => Spec::None,
        };
        return Some((format!("{g}:{a}"), spec));
    }
    let t = item.as_table_like()?;
    let name = match t.get("module").and_then(Item::as_str) {
        Some(m) => {
            let (g, a) = m.split_once(':')?;
            format!("{}:{}", g.trim(), a.trim())
        }
        None => {
            let g = t.get("group").and_then(Item::as_str)?;
            let a = t.get("name").and_then(Item::as_str)?;
            format!("{}:{}", g.trim(), a.trim())
        }
    };
    Some((name, version_spec(t)))
}

/// `"id:version"`, `{ id = "x", version = "v" | version.ref = "x" }`.
fn plugin_entry(item: &Item) -> Option<(String, Spec)> {
    if let Some(s) = str_value(item) {
        return Some(match s.split_once(':') {
            Some((id, v)) => (
                id.trim().to_string(),
                Spec::Direct(plain_version(v).map(str::to_string), Some(v.to_string())),
            ),
            None => (s.trim().to_string(), Spec::None),
        });
    }
    let t = item.as_table_like()?;
    let id = t.get("id").and_then(Item::as_str)?;
    Some((id.trim().to_string(), version_spec(t)))
}
