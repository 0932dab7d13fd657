//! `Cargo.toml`: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]` (and the
//! old `dev_dependencies` / `build_dependencies` spellings Cargo still accepts), the same
//! three under `[target.'cfg(...)']` / `[target.<triple>]`, `[workspace.dependencies]`,
//! and `rust-version`.
//!
//! Parsed with `toml_edit`, whose spans give each entry's own line (inline `name = "1"`,
//! dotted `name.version = "1"` and `[dependencies.name]` tables alike).
//!
//! - The component is the *real* package: `foo = { package = "bar" }` is `bar`, because
//!   that is what crates.io, the lock file and advisories know.
//! - The constraint is kept exactly as written (`"1.0"` means Cargo's default caret
//!   `^1.0`; the cargo version engine applies that rule). Only `=1.2.3` is an exact
//!   `version`.
//! - `path` and `git` (+ `branch`/`tag`/`rev`) become `url`, in Cargo's own source-id form
//!   (`git+https://…?tag=v1`) so it reads the same as `Cargo.lock`'s `source`; an
//!   alternative `registry` is recorded as `registry:<name>`, because a crate of that name
//!   on crates.io is a different package.
//! - Scopes: `dependencies` runtime (`optional = true` → optional), `dev-dependencies`
//!   dev, `build-dependencies` build. A target table's `cfg(...)` / triple is kept in
//!   `marker`, as written — it is Cargo's environment condition, the analogue of a PEP 508
//!   marker, and keeps a Windows-only pin apart from the Unix one.
//! - `features` are the component's `extras`.
//! - `workspace = true` inherits the entry from the workspace root's
//!   `[workspace.dependencies]`: the root is this file when it has `[workspace]`, else the
//!   file `package.workspace` points at, else the nearest ancestor `Cargo.toml` with a
//!   `[workspace]` table (Cargo's own rule), read only inside the scanned root. The
//!   member's `features` add to the root's, its `optional` applies. When the root cannot be
//!   read, the component is still reported (without a constraint) with a diagnostic.
//! - `[workspace.dependencies]` entries are components of the root file (runtime scope:
//!   the table says nothing about how members use them).
//! - `rust-version` (also `[workspace.package]` and inherited) is the `rust` runtime with
//!   constraint `>=X`, the minimum it declares. `edition` is not a version of anything
//!   installable and is ignored. The package's own name/version are the repository's own,
//!   not components.

use crate::extractors::python_locks::{invalid, key_line, line_of, parse_toml, str_of};
use crate::source::IncludeError;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope, Severity,
};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use toml_edit::{Document, Item, TableLike};

pub struct CargoTomlExtractor;

const ID: Format = Format::CargoToml;

/// Dependency tables and the scope each implies.
const TABLES: [(&str, Scope); 5] = [
    ("dependencies", Scope::Runtime),
    ("dev-dependencies", Scope::Dev),
    ("dev_dependencies", Scope::Dev),
    ("build-dependencies", Scope::Build),
    ("build_dependencies", Scope::Build),
];

/// How many ancestor directories are searched for the workspace root.
const MAX_ANCESTORS: usize = 64;

impl Extractor for CargoTomlExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["cargo.toml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "Cargo.toml"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_toml(file, &mut out) else {
            return out;
        };
        let root = doc.as_table();
        out.declared_licenses.extend(crate::license::from_toml(
            file,
            root,
            &[
                &["package", "license"],
                &["workspace", "package", "license"],
            ],
        ));
        let mut ctx = Context {
            file,
            out,
            workspace: None,
        };
        if let Some(package) = root.get("package").and_then(Item::as_table_like) {
            ctx.rust_version(root, package);
        }
        for (table, scope) in TABLES {
            if let Some(item) = root.get(table) {
                ctx.table(root, item, table, scope, None);
            }
        }
        if let Some(targets) = root.get("target") {
            match targets.as_table_like() {
                Some(targets) => {
                    for (cfg, target) in targets.iter() {
                        let Some(target) = target.as_table_like() else {
                            let line = key_line(file, targets, cfg, 0);
                            ctx.out.diagnose(invalid(
                                file,
                                line,
                                format!("`target.{cfg}` must be a table"),
                            ));
                            continue;
                        };
                        for (table, scope) in TABLES {
                            if let Some(item) = target.get(table) {
                                let what = format!("target.{cfg}.{table}");
                                ctx.table(root, item, &what, scope, Some(cfg));
                            }
                        }
                    }
                }
                None => {
                    let line = key_line(file, root, "target", 0);
                    ctx.out
                        .diagnose(invalid(file, line, "`target` must be a table"));
                }
            }
        }
        if let Some(ws) = root.get("workspace").and_then(Item::as_table_like) {
            if let Some(package) = ws.get("package").and_then(Item::as_table_like) {
                if let Some((key, item)) = package.get_key_value("rust-version") {
                    ctx.rust_constraint(item, key.span());
                }
            }
            if let Some(deps) = ws.get("dependencies") {
                ctx.table(root, deps, "workspace.dependencies", Scope::Runtime, None);
            }
        }
        ctx.out
    }
}

/// A dependency entry after `workspace = true` inheritance.
#[derive(Clone, Default)]
struct Spec {
    package: Option<String>,
    version: Option<String>,
    url: Option<String>,
    features: Vec<String>,
    optional: bool,
}

struct Context<'a> {
    file: &'a SourceFile,
    out: Extracted,
    /// The workspace root's entries, once looked for (`Some(None)`: not found).
    workspace: Option<Option<Workspace>>,
}

impl Context<'_> {
    fn line(&self, span: Option<Range<usize>>) -> u32 {
        line_of(self.file, span)
    }

    /// `rust-version = "1.70"` or `rust-version.workspace = true`.
    fn rust_version(&mut self, root: &dyn TableLike, package: &dyn TableLike) {
        let Some((key, item)) = package.get_key_value("rust-version") else {
            return;
        };
        let line = self.line(key.span());
        if is_workspace_ref(item) {
            let inherited = self.workspace(root).and_then(|w| w.rust_version.clone());
            match inherited {
                Some(v) => self.push_rust(&v, line),
                None => self.unresolved(line, "rust-version"),
            }
            return;
        }
        self.rust_constraint(item, key.span());
    }

    fn rust_constraint(&mut self, item: &Item, span: Option<Range<usize>>) {
        let line = self.line(span);
        match item.as_str() {
            Some(v) => self.push_rust(v, line),
            None => self
                .out
                .diagnose(invalid(self.file, line, "`rust-version` must be a string")),
        }
    }

    fn push_rust(&mut self, version: &str, line: u32) {
        let version = version.trim();
        if version.is_empty() {
            self.out
                .diagnose(invalid(self.file, line, "`rust-version` is empty"));
            return;
        }
        self.out.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "rust",
                ID,
                self.file.location(line),
            )
            .with_constraint(format!(">={version}")),
        );
    }

    fn unresolved(&mut self, line: u32, what: &str) {
        self.out.diagnose(Diagnostic::new(
            Severity::Info,
            DiagnosticCode::IncludeNotFound,
            self.file.path(),
            line,
            format!("`{what}` is inherited from the workspace, whose root Cargo.toml was not found inside the scanned directory"),
        ));
    }

    /// The workspace root's inheritable entries, looked for once (`None`: no root found,
    /// or it does not parse).
    fn workspace(&mut self, own_root: &dyn TableLike) -> Option<&Workspace> {
        if self.workspace.is_none() {
            let found = if own_root.contains_key("workspace") {
                Some(workspace_of(own_root))
            } else {
                let explicit = own_root
                    .get("package")
                    .and_then(Item::as_table_like)
                    .and_then(|p| str_of(p, "workspace"));
                find_workspace_root(self.file, explicit).and_then(|f| {
                    Document::parse(f.text())
                        .ok()
                        .map(|d| workspace_of(d.as_table()))
                })
            };
            self.workspace = Some(found);
        }
        self.workspace.as_ref().and_then(Option::as_ref)
    }

    /// One dependency table (`[dependencies]`, `[target.'cfg(unix)'.dev-dependencies]`, ...).
    fn table(
        &mut self,
        root: &dyn TableLike,
        item: &Item,
        what: &str,
        scope: Scope,
        target: Option<&str>,
    ) {
        let Some(deps) = item.as_table_like() else {
            self.out.diagnose(invalid(
                self.file,
                self.line(item.span()),
                format!("`{what}` must be a table"),
            ));
            return;
        };
        for (key, value) in deps.iter() {
            let key_span = deps.get_key_value(key).and_then(|(k, _)| k.span());
            let line = match self.line(key_span) {
                0 => self.line(value.span()),
                l => l,
            };
            let Some(spec) = self.spec(root, key, value, what, line) else {
                continue;
            };
            let name = spec.package.clone().unwrap_or_else(|| key.to_string());
            let scope = if spec.optional && scope != Scope::Dev {
                Scope::Optional
            } else {
                scope
            };
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Cargo,
                name,
                ID,
                self.file.location(line),
            )
            .with_scope(scope);
            if let Some(raw) = spec.version.as_deref().map(str::trim) {
                if let Some(exact) = exact_version(raw) {
                    c = c.with_version(exact);
                }
                c = c.with_constraint(raw);
            }
            c.url = spec.url;
            c.extras = spec.features;
            c.extras.sort();
            c.extras.dedup();
            c.marker = target.map(str::to_string);
            self.out.push(c);
        }
    }

    /// Reads one entry: a version string, or a table (inheriting from the workspace).
    fn spec(
        &mut self,
        root: &dyn TableLike,
        key: &str,
        value: &Item,
        what: &str,
        line: u32,
    ) -> Option<Spec> {
        if let Some(v) = value.as_str() {
            return Some(Spec {
                version: Some(v.to_string()),
                ..Spec::default()
            });
        }
        let Some(table) = value.as_table_like() else {
            self.out.diagnose(invalid(
                self.file,
                line,
                format!("`{what}.{key}` must be a version string or a table"),
            ));
            return None;
        };
        let spec = if table.get("workspace").and_then(Item::as_bool) == Some(true) {
            let inherited = self.workspace(root).map(|w| w.deps.get(key).cloned());
            let mut spec = match inherited {
                Some(Some(spec)) => spec,
                Some(None) => {
                    self.out.diagnose(invalid(
                        self.file,
                        line,
                        format!("`{key}` is inherited from the workspace, but `[workspace.dependencies]` has no `{key}`"),
                    ));
                    Spec::default()
                }
                None => {
                    self.unresolved(line, key);
                    Spec::default()
                }
            };
            // Member-level keys that apply on top of the inherited entry.
            let own = spec_of(table);
            spec.features.extend(own.features);
            spec.optional = own.optional;
            spec
        } else {
            let spec = spec_of(table);
            if spec.version.is_none() && spec.url.is_none() {
                self.out.diagnose(invalid(
                    self.file,
                    line,
                    format!("`{what}.{key}` has no `version`, `path`, `git` or `workspace`"),
                ));
            }
            spec
        };
        Some(spec)
    }
}

/// What a workspace root lets members inherit.
#[derive(Default)]
struct Workspace {
    deps: BTreeMap<String, Spec>,
    rust_version: Option<String>,
}

fn workspace_of(root: &dyn TableLike) -> Workspace {
    let ws = root.get("workspace").and_then(Item::as_table_like);
    let deps = ws
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table_like)
        .map(|d| {
            d.iter()
                .map(|(k, entry)| {
                    let spec = match entry.as_str() {
                        Some(v) => Spec {
                            version: Some(v.to_string()),
                            ..Spec::default()
                        },
                        None => entry.as_table_like().map(spec_of).unwrap_or_default(),
                    };
                    (k.to_string(), spec)
                })
                .collect()
        })
        .unwrap_or_default();
    let rust_version = ws
        .and_then(|w| w.get("package"))
        .and_then(Item::as_table_like)
        .and_then(|p| str_of(p, "rust-version"))
        .map(str::to_string);
    Workspace { deps, rust_version }
}

/// The keys of a dependency table.
fn spec_of(table: &dyn TableLike) -> Spec {
    let get = |k: &str| str_of(table, k);
    let url = if let Some(git) = get("git") {
        let git = git.trim();
        let mut u = if git.starts_with("git+") {
            git.to_string()
        } else {
            format!("git+{git}")
        };
        if let Some((k, r)) = ["branch", "tag", "rev"]
            .iter()
            .find_map(|k| get(k).map(|r| (k, r)))
        {
            u.push_str(&format!("?{k}={r}"));
        }
        Some(u)
    } else if let Some(path) = get("path") {
        Some(path.to_string())
    } else if let Some(index) = get("registry-index") {
        Some(format!("registry+{index}"))
    } else {
        get("registry").map(|r| format!("registry:{r}"))
    };
    Spec {
        package: get("package").map(str::to_string),
        version: get("version").map(str::to_string),
        url,
        features: table
            .get("features")
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        optional: table.get("optional").and_then(Item::as_bool) == Some(true),
    }
}

/// `{ workspace = true }` / `x.workspace = true`.
fn is_workspace_ref(item: &Item) -> bool {
    item.as_table_like()
        .and_then(|t| t.get("workspace"))
        .and_then(Item::as_bool)
        == Some(true)
}

/// `=1.2.3` (one exact requirement with all three parts) pins a version; everything else,
/// including a bare `1.2.3` (a caret requirement in Cargo), does not.
fn exact_version(raw: &str) -> Option<&str> {
    let v = raw.strip_prefix('=')?.trim();
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    (parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then_some(v)
}

/// The workspace root of `file`: `package.workspace` when given, else the nearest ancestor
/// `Cargo.toml` with a `[workspace]` table, inside the scanned root.
fn find_workspace_root(file: &SourceFile, explicit: Option<&str>) -> Option<SourceFile> {
    let has_workspace = |f: &SourceFile| {
        Document::parse(f.text())
            .ok()
            .is_some_and(|d| d.as_table().contains_key("workspace"))
    };
    if let Some(dir) = explicit {
        let rel = format!("{}/Cargo.toml", dir.trim_end_matches('/'));
        return file.open_relative(&rel).ok().filter(has_workspace);
    }
    let mut rel = String::from("../Cargo.toml");
    for _ in 0..MAX_ANCESTORS {
        file.resolve_relative(&rel)?;
        match file.open_relative(&rel) {
            Ok(f) if has_workspace(&f) => return Some(f),
            Ok(_)
            | Err(IncludeError::NotFound(_))
            | Err(IncludeError::Rejected(..))
            | Err(IncludeError::Unreadable(_)) => {}
            Err(IncludeError::NoFilesystem) | Err(IncludeError::OutsideRoot) => return None,
        }
        rel.insert_str(0, "../");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_versions() {
        assert_eq!(exact_version("=1.2.3"), Some("1.2.3"));
        assert_eq!(exact_version("= 1.2.3-rc.1"), Some("1.2.3-rc.1"));
        assert_eq!(exact_version("1.2.3"), None);
        assert_eq!(exact_version("=1.2"), None);
        assert_eq!(exact_version(">=1.2.3"), None);
    }

    #[test]
    fn lines_of_each_form() {
        let text = "[package]\nname = \"x\"\nrust-version = \"1.70\"\n\n[dependencies]\nserde = \"1\"\ntokio.version = \"1\"\n\n[dependencies.rand]\nversion = \"0.8\"\n";
        let out = CargoTomlExtractor.extract(&SourceFile::from_text("Cargo.toml", text));
        let lines: Vec<(String, u32)> = out
            .components
            .iter()
            .map(|c| (c.name.clone(), c.locations[0].line))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("rust".into(), 3),
                ("serde".into(), 6),
                ("tokio".into(), 7),
                ("rand".into(), 9)
            ]
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }
}
