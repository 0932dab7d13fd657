//! `pyproject.toml`: PEP 621 `[project]`, PEP 735 `[dependency-groups]`, `[build-system]`,
//! Poetry (`[tool.poetry.*dependencies]`, groups), PDM and uv dev groups.
//!
//! Parsed with `toml_edit`, whose spans give each entry's own line. Scopes: `dependencies`
//! are runtime; extras and groups get the scope their name implies (`test` → test, `dev`,
//! `lint`, `docs` → dev), otherwise optional (extras) or dev (groups); `build-system.requires`
//! is build. `requires-python` and Poetry's `python` key become the `python` runtime
//! component with a constraint. Poetry constraints (`^1.2`, `~1.2`) are kept as written; a
//! bare Poetry version (`"1.2.3"`) is an exact pin.

use crate::extractors::scope_from_words;
use crate::{file_name, pep508, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    normalize_pypi_name, Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope,
};
use std::path::Path;
use toml_edit::{Document, Item, TableLike, Value};

pub struct PyprojectExtractor;

const ID: Format = Format::Pyproject;

impl Extractor for PyprojectExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pyproject.toml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "pyproject.toml"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let doc = match Document::parse(file.text()) {
            Ok(d) => d,
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
                return out;
            }
        };
        out.declared_licenses.extend(crate::license::from_toml(
            file,
            doc.as_table(),
            &[&["project", "license"], &["tool", "poetry", "license"]],
        ));
        let mut ctx = Context { file, out };
        let root = doc.as_table();
        if let Some(project) = root.get("project").and_then(Item::as_table_like) {
            if let Some((key, item)) = project.get_key_value("requires-python") {
                ctx.python(item, key.span());
            }
            if let Some(deps) = project.get("dependencies") {
                ctx.pep508_array(deps, "project.dependencies", Scope::Runtime);
            }
            if let Some(extras) = project
                .get("optional-dependencies")
                .and_then(Item::as_table_like)
            {
                for (name, deps) in extras.iter() {
                    let scope = scope_from_words(name, Scope::Optional);
                    ctx.pep508_array(
                        deps,
                        &format!("project.optional-dependencies.{name}"),
                        scope,
                    );
                }
            }
        }
        if let Some(build) = root.get("build-system").and_then(Item::as_table_like) {
            if let Some(reqs) = build.get("requires") {
                ctx.pep508_array(reqs, "build-system.requires", Scope::Build);
            }
        }
        if let Some(groups) = root.get("dependency-groups").and_then(Item::as_table_like) {
            ctx.groups(groups, "dependency-groups");
        }
        if let Some(tool) = root.get("tool").and_then(Item::as_table_like) {
            if let Some(uv) = tool.get("uv").and_then(Item::as_table_like) {
                if let Some(dev) = uv.get("dev-dependencies") {
                    ctx.pep508_array(dev, "tool.uv.dev-dependencies", Scope::Dev);
                }
            }
            if let Some(pdm) = tool.get("pdm").and_then(Item::as_table_like) {
                if let Some(groups) = pdm.get("dev-dependencies").and_then(Item::as_table_like) {
                    ctx.groups(groups, "tool.pdm.dev-dependencies");
                }
            }
            if let Some(poetry) = tool.get("poetry").and_then(Item::as_table_like) {
                ctx.poetry(poetry);
            }
        }
        ctx.out
    }
}

struct Context<'a> {
    file: &'a SourceFile,
    out: Extracted,
}

impl Context<'_> {
    fn line_of(&self, span: Option<std::ops::Range<usize>>) -> u32 {
        span.map_or(0, |s| self.file.line_col(s.start).0)
    }

    fn invalid(&mut self, span: Option<std::ops::Range<usize>>, message: String) {
        let line = self.line_of(span);
        self.out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            self.file.path(),
            line,
            message,
        ));
    }

    fn python(&mut self, item: &Item, key_span: Option<std::ops::Range<usize>>) {
        match item.as_str() {
            Some(constraint) => {
                let line = self.line_of(key_span.clone());
                self.out.push(
                    Component::new(
                        Kind::Runtime,
                        Ecosystem::Generic,
                        "python",
                        ID,
                        self.file.location(line),
                    )
                    .with_constraint(constraint.trim()),
                );
            }
            None => self.invalid(
                key_span,
                "python version constraint must be a string".into(),
            ),
        }
    }

    /// PEP 508 strings in an array (`dependencies = ["a>=1", ...]`). Tables inside a
    /// `[dependency-groups]` array (`{include-group = "x"}`) are references, not packages.
    fn pep508_array(&mut self, item: &Item, what: &str, scope: Scope) {
        let Some(array) = item.as_array() else {
            self.invalid(item.span(), format!("`{what}` must be an array of strings"));
            return;
        };
        for value in array.iter() {
            match value {
                Value::String(s) => self.pep508(s.value(), value.span(), scope),
                Value::InlineTable(t) if t.contains_key("include-group") => {}
                other => self.invalid(
                    other.span(),
                    format!(
                        "`{what}` entries must be strings, found {}",
                        other.type_name()
                    ),
                ),
            }
        }
    }

    fn pep508(&mut self, text: &str, span: Option<std::ops::Range<usize>>, scope: Scope) {
        let line = self.line_of(span);
        match pep508::parse(text) {
            Ok(req) => {
                let mut c = Component::new(
                    Kind::Package,
                    Ecosystem::Pypi,
                    normalize_pypi_name(&req.name),
                    ID,
                    self.file.location(line),
                )
                .with_scope(scope);
                if let Some(v) = req.pinned_version() {
                    c = c.with_version(v);
                }
                if let Some(s) = req.specifier {
                    c = c.with_constraint(s);
                }
                c.extras = req.extras;
                c.marker = req.marker;
                c.url = req.url;
                self.out.push(c);
            }
            Err(reason) => self.out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                self.file.path(),
                line,
                format!("cannot parse requirement {text:?}: {reason}"),
            )),
        }
    }

    fn groups(&mut self, groups: &dyn TableLike, what: &str) {
        for (name, deps) in groups.iter() {
            let scope = scope_from_words(name, Scope::Dev);
            self.pep508_array(deps, &format!("{what}.{name}"), scope);
        }
    }

    fn poetry(&mut self, poetry: &dyn TableLike) {
        if let Some(deps) = poetry.get("dependencies").and_then(Item::as_table_like) {
            self.poetry_table(deps, Scope::Runtime);
        }
        if let Some(deps) = poetry.get("dev-dependencies").and_then(Item::as_table_like) {
            self.poetry_table(deps, Scope::Dev);
        }
        if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
            for (name, group) in groups.iter() {
                let scope = scope_from_words(name, Scope::Dev);
                if let Some(deps) = group
                    .as_table_like()
                    .and_then(|g| g.get("dependencies"))
                    .and_then(Item::as_table_like)
                {
                    self.poetry_table(deps, scope);
                }
            }
        }
    }

    /// `name = "^1.2"`, `name = { version = "^1.2", optional = true, extras = [...] }`,
    /// `name = { git = "..." }`, or an array of such tables (multiple constraints).
    fn poetry_table(&mut self, deps: &dyn TableLike, scope: Scope) {
        for (name, item) in deps.iter() {
            let key_span = deps.get_key_value(name).and_then(|(k, _)| k.span());
            if name.eq_ignore_ascii_case("python") {
                self.python(item, key_span);
                continue;
            }
            let line = self.line_of(key_span.clone());
            let entries: Vec<&Item> = match item {
                Item::ArrayOfTables(_) => {
                    self.invalid(key_span.clone(), format!("unsupported value for `{name}`"));
                    continue;
                }
                _ => vec![item],
            };
            for entry in entries {
                if let Some(array) = entry.as_array() {
                    for v in array.iter() {
                        if let Some(t) = v.as_inline_table() {
                            self.poetry_entry(name, line, scope, None, Some(t));
                        }
                    }
                    continue;
                }
                if let Some(s) = entry.as_str() {
                    self.poetry_entry(name, line, scope, Some(s), None);
                } else if let Some(t) = entry.as_table_like() {
                    self.poetry_entry(name, line, scope, None, Some(t));
                } else {
                    self.invalid(
                        key_span.clone(),
                        format!("`{name}` must be a version string or a table"),
                    );
                }
            }
        }
    }

    fn poetry_entry(
        &mut self,
        name: &str,
        line: u32,
        scope: Scope,
        version: Option<&str>,
        table: Option<&dyn TableLike>,
    ) {
        let get = |k: &str| table.and_then(|t| t.get(k)).and_then(Item::as_str);
        let constraint = version.or_else(|| get("version")).map(str::trim);
        let optional = table
            .and_then(|t| t.get("optional"))
            .and_then(Item::as_bool)
            .unwrap_or(false);
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Pypi,
            normalize_pypi_name(name),
            ID,
            self.file.location(line),
        )
        .with_scope(if optional && scope == Scope::Runtime {
            Scope::Optional
        } else {
            scope
        });
        if let Some(raw) = constraint {
            let bare = raw.trim_start_matches("==");
            if !bare.is_empty()
                && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
                && bare.starts_with(|c: char| c.is_ascii_digit())
            {
                c = c.with_version(bare);
            }
            c = c.with_constraint(raw);
        }
        c.url = ["git", "url", "path"].iter().find_map(|k| get(k)).map(|u| {
            match get("rev").or_else(|| get("tag")).or_else(|| get("branch")) {
                Some(r) => format!("{u}@{r}"),
                None => u.to_string(),
            }
        });
        c.marker = get("markers").map(str::to_string);
        if let Some(extras) = table.and_then(|t| t.get("extras")).and_then(Item::as_array) {
            c.extras = extras
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
        }
        self.out.push(c);
    }
}
