//! Dependency notation inside `dependencies { }` and `constraints { }`: coordinate strings,
//! group/name/version maps, `platform(...)` wrappers and version catalog accessors, each
//! turned into a Maven component with the scope its configuration implies.

use super::lexer::{ident, punct, string, Tok};
use super::{Scan, ID, MAX_ARG_DEPTH, MAX_LOOKAHEAD, MAX_UP};
use crate::extractors::gradle_catalog::{accessor, plain_version, Catalog};
use crate::Extracted;
use polyver_model::{Component, DiagnosticCode, Ecosystem, Kind, Scope};

/// What an argument of a dependency declaration denotes.
pub(super) enum Arg {
    /// `g:a[:v]...` as written (before interpolation), at an offset.
    Coord(String, bool, usize),
    Map {
        group: Option<(String, bool)>,
        name: Option<(String, bool)>,
        version: Option<(String, bool)>,
        at: usize,
    },
    /// `libs.x.y`: the accessor path after `libs.`.
    Catalog(String, usize),
}

impl Scan<'_> {
    /// One argument at `j`; returns it (when it is a package) and the index after it.
    pub(super) fn arg(&self, j: usize, depth: usize) -> (Option<Arg>, usize) {
        let Some(t) = self.tok(j) else {
            return (None, j);
        };
        if depth > MAX_ARG_DEPTH {
            return (None, j + 1);
        }
        match &t.tok {
            Tok::Str { value, interp } => (Some(Arg::Coord(value.clone(), *interp, t.at)), j + 1),
            Tok::Ident(f)
                if matches!(f.as_str(), "platform" | "enforcedPlatform" | "testFixtures")
                    && punct(self.tok(j + 1), '(') =>
            {
                let (inner, k) = self.arg(j + 2, depth + 1);
                let k = if punct(self.tok(k), ')') { k + 1 } else { k };
                (inner, k)
            }
            Tok::Ident(f) if f == "kotlin" && punct(self.tok(j + 1), '(') => {
                let module = string(self.tok(j + 2));
                let version = punct(self.tok(j + 3), ',')
                    .then(|| self.tok(j + 4))
                    .flatten()
                    .and_then(|t| match &t.tok {
                        Tok::Str { value, interp } => Some((value.clone(), *interp)),
                        _ => None,
                    });
                let end = (j..self.toks.len().min(j + MAX_LOOKAHEAD))
                    .find(|k| {
                        punct(self.tok(*k), ')')
                            || matches!(self.tok(*k).map(|t| &t.tok), Some(Tok::Newline))
                    })
                    .map_or(self.toks.len(), |k| k + 1);
                let arg = module.map(|m| {
                    let (v, interp) =
                        version.map_or((String::new(), false), |(v, i)| (format!(":{v}"), i));
                    Arg::Coord(format!("org.jetbrains.kotlin:kotlin-{m}{v}"), interp, t.at)
                });
                (arg, end)
            }
            Tok::Ident(_)
                if punct(self.tok(j + 1), ':')
                    || (punct(self.tok(j + 1), '=') && !punct(self.tok(j + 2), '=')) =>
            {
                self.map_arg(j)
            }
            Tok::Ident(_) => {
                let (path, k) = self.path(j);
                if let Some(rest) = path.strip_prefix("libs.") {
                    return (Some(Arg::Catalog(rest.to_string(), t.at)), k);
                }
                // A call we do not model (`project(":x")`, `files(...)`): skip its arguments.
                if punct(self.tok(k), '(') {
                    let mut depth = 0usize;
                    let mut m = k;
                    while let Some(tok) = self.tok(m).filter(|_| m < k + MAX_LOOKAHEAD) {
                        match tok.tok {
                            Tok::Punct('(') => depth += 1,
                            Tok::Punct(')') => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    return (None, m + 1);
                                }
                            }
                            Tok::Newline if depth == 0 => break,
                            _ => {}
                        }
                        m += 1;
                    }
                    return (None, m);
                }
                match self.lookup(&path) {
                    Some(v) if v.contains(':') => (Some(Arg::Coord(v, true, t.at)), k),
                    _ => (None, k),
                }
            }
            _ => (None, j + 1),
        }
    }

    /// `group: 'g', name: 'a', version: 'v'` (Groovy) or `group = "g", ...` (Kotlin).
    pub(super) fn map_arg(&self, mut j: usize) -> (Option<Arg>, usize) {
        let at = self.tok(j).map_or(0, |t| t.at);
        let (mut group, mut name, mut version) = (None, None, None);
        while let Some(key) = ident(self.tok(j)) {
            if !(punct(self.tok(j + 1), ':') || punct(self.tok(j + 1), '=')) {
                break;
            }
            let value = match self.tok(j + 2).map(|t| &t.tok) {
                Some(Tok::Str { value, interp }) => {
                    j += 3;
                    Some((value.clone(), *interp))
                }
                Some(Tok::Ident(_)) => {
                    let (p, k) = self.path(j + 2);
                    j = k;
                    self.lookup(&p).map(|v| (v, true))
                }
                _ => {
                    j += 2;
                    None
                }
            };
            match key {
                "group" => group = value,
                "name" => name = value,
                "version" => version = value,
                _ => {}
            }
            if punct(self.tok(j), ',') {
                j = self.skip_newlines(j + 1);
            } else {
                break;
            }
        }
        let arg = (group.is_some() || name.is_some()).then_some(Arg::Map {
            group,
            name,
            version,
            at,
        });
        (arg, j)
    }

    /// A statement in `dependencies { }` starting with identifier `conf` at `i`.
    pub(super) fn dependency(&mut self, i: usize, conf: &str, direct: bool) {
        if matches!(
            conf,
            "if" | "for"
                | "def"
                | "val"
                | "var"
                | "else"
                | "constraints"
                | "components"
                | "modules"
                | "add"
                | "exclude"
        ) {
            return;
        }
        let mut j = i + 1;
        let paren = punct(self.tok(j), '(');
        if paren {
            j += 1;
        }
        // `implementation platform(...)` etc. need an argument right here.
        match self.tok(j).map(|t| &t.tok) {
            Some(Tok::Str { .. } | Tok::Ident(_)) => {}
            _ => return,
        }
        if !paren && ident(self.tok(j)).is_some() && punct(self.tok(j + 1), '=') {
            return; // an assignment, not a declaration
        }
        let scope = config_scope(conf);
        loop {
            let (arg, k) = self.arg(j, 0);
            if let Some(arg) = arg {
                self.emit_dependency(arg, Kind::Package, scope, direct);
            }
            if punct(self.tok(k), ',') {
                j = self.skip_newlines(k + 1);
                if paren && ident(self.tok(j)).is_some() && punct(self.tok(j + 1), '=') {
                    // Kotlin named arguments after the coordinate (`configuration = "x"`).
                    break;
                }
            } else {
                break;
            }
        }
    }

    /// `artifact = "g:a:v"` in the protobuf plugin's `protobuf { }` block: the `protoc`
    /// compiler and code-generator plugins (`protoc-gen-grpc-java`) Gradle downloads from
    /// Maven, build tools of the project.
    pub(super) fn protobuf_artifact(&mut self, i: usize) {
        let j = if punct(self.tok(i + 1), '=') {
            i + 2
        } else {
            i + 1
        };
        match self.tok(j).map(|t| &t.tok) {
            Some(Tok::Str { value, interp }) => {
                let arg = Arg::Coord(value.clone(), *interp, self.toks[j].at);
                self.emit_dependency(arg, Kind::Tool, Scope::Build, true);
            }
            _ => self.warn(
                DiagnosticCode::Unsupported,
                self.toks[i].at,
                "protobuf `artifact` is not a string literal; not read".into(),
            ),
        }
    }

    pub(super) fn emit_dependency(&mut self, arg: Arg, kind: Kind, scope: Scope, direct: bool) {
        let mut extras: Vec<String> = Vec::new();
        let (name, version, at) = match arg {
            Arg::Catalog(path, at) => {
                let Some(entry) = self.catalog_entry(&path, false, at) else {
                    return;
                };
                let (line, _) = self.file.line_col(at);
                let c = entry.component(self.file, ID, line, scope, direct);
                self.out.push(c);
                return;
            }
            Arg::Coord(raw, interp, at) => {
                let text = self.interpolate(&raw, interp, at);
                let coords = text.split('@').next().unwrap_or("");
                let parts: Vec<&str> = coords.split(':').collect();
                match parts.as_slice() {
                    [g, a, rest @ ..] if !g.trim().is_empty() && !a.trim().is_empty() => {
                        let version = rest.first().map(|v| v.trim().to_string());
                        extras = rest
                            .get(1)
                            .filter(|c| !c.trim().is_empty())
                            .map(|c| format!("classifier:{}", c.trim()))
                            .into_iter()
                            .chain(
                                text.split_once('@')
                                    .map(|(_, ext)| ext.trim())
                                    .filter(|ext| !ext.is_empty() && *ext != "jar")
                                    .map(|ext| format!("type:{ext}")),
                            )
                            .collect();
                        (format!("{}:{}", g.trim(), a.trim()), version, at)
                    }
                    _ => {
                        self.warn(
                            DiagnosticCode::InvalidValue,
                            at,
                            format!("dependency {raw:?} is not `group:name[:version]`"),
                        );
                        return;
                    }
                }
            }
            Arg::Map {
                group,
                name,
                version,
                at,
            } => {
                let mut get =
                    |v: Option<(String, bool)>| v.map(|(s, i)| self.interpolate(&s, i, at));
                let (g, n, v) = (get(group), get(name), get(version));
                match (g, n) {
                    (Some(g), Some(n)) if !g.is_empty() && !n.is_empty() => {
                        (format!("{g}:{n}"), v, at)
                    }
                    _ => {
                        self.warn(
                            DiagnosticCode::InvalidValue,
                            at,
                            "dependency map needs `group` and `name`".into(),
                        );
                        return;
                    }
                }
            }
        };
        let mut c = Component::new(kind, Ecosystem::Maven, name, ID, self.file.location_at(at))
            .with_scope(scope)
            .with_direct(direct);
        c.extras = extras;
        if let Some(v) = version.filter(|v| !v.is_empty()) {
            if let Some(p) = plain_version(&v) {
                c = c.with_version(p);
            }
            c = c.with_constraint(v);
        }
        self.out.push(c);
    }
}

impl Scan<'_> {
    pub(super) fn catalog_entry(
        &mut self,
        path: &str,
        plugin: bool,
        at: usize,
    ) -> Option<crate::extractors::gradle_catalog::CatalogEntry> {
        if path.starts_with("bundles.") || path.starts_with("versions.") {
            return None;
        }
        if self.catalog.is_none() {
            let mut rel = String::from("gradle/libs.versions.toml");
            let mut found = None;
            for _ in 0..MAX_UP {
                if self.file.resolve_relative(&rel).is_none() {
                    break;
                }
                if let Ok(f) = self.file.open_relative(&rel) {
                    found = Some(Catalog::read(&f, &mut Extracted::default()));
                    break;
                }
                rel.insert_str(0, "../");
            }
            self.catalog = Some(found);
        }
        let key = accessor(path);
        let entry = match self.catalog.as_ref().and_then(Option::as_ref) {
            Some(catalog) => {
                let map = if plugin {
                    &catalog.plugins
                } else {
                    &catalog.libraries
                };
                map.get(&key).cloned()
            }
            None => {
                self.warn(
                    DiagnosticCode::IncludeNotFound,
                    at,
                    format!("`libs.{path}`: no gradle/libs.versions.toml found in the repository"),
                );
                return None;
            }
        };
        if entry.is_none() {
            let section = if plugin { "plugins" } else { "libraries" };
            let shown = if plugin { "libs.plugins." } else { "libs." };
            self.warn(
                DiagnosticCode::InvalidValue,
                at,
                format!("`{shown}{path}` is not in the [{section}] of gradle/libs.versions.toml"),
            );
        }
        entry
    }
}

/// The scope a configuration name implies.
pub(super) fn config_scope(conf: &str) -> Scope {
    let lower = conf.to_ascii_lowercase();
    if lower.contains("test") {
        Scope::Test
    } else if lower.contains("compileonly")
        || lower.contains("annotationprocessor")
        || lower.starts_with("kapt")
        || lower.starts_with("ksp")
        || lower == "classpath"
    {
        Scope::Build
    } else if lower == "developmentonly" {
        Scope::Dev
    } else {
        Scope::Runtime
    }
}
