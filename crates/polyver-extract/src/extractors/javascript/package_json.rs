//! `package.json`: the four dependency maps, `engines`, `packageManager`.
//!
//! Scopes: `dependencies` runtime, `devDependencies` dev, `peerDependencies` peer,
//! `optionalDependencies` optional. A spec that is not a semver range (`file:`, `link:`,
//! `workspace:`, git and tarball URLs, `github:user/repo`, `user/repo`) is reported with
//! `url` set and no constraint, except the workspace protocol (`workspace:*`,
//! `workspace:^1.2`), kept as the constraint too: it is the requirement on a package of the
//! same repository. `npm:real@range` aliases are reported under the real name.
//! `engines.node` is the `node` runtime; other engines (`npm`, `pnpm`, `yarn`) are tools.
//! `packageManager` (`pnpm@9.1.0+sha512.…`) is a tool with an exact version and its hash.
//! `workspaces` are not components: the walker finds the member `package.json` files itself.
//! Names are kept exactly as published (npm names are case-sensitive for old packages).

use crate::json::{self, Spanned};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::path::Path;

pub struct PackageJsonExtractor;

const ID: Format = Format::PackageJson;

/// The dependency maps of a package manifest and their scopes.
pub(crate) const DEPENDENCY_FIELDS: [(&str, Scope); 4] = [
    ("dependencies", Scope::Runtime),
    ("devDependencies", Scope::Dev),
    ("peerDependencies", Scope::Peer),
    ("optionalDependencies", Scope::Optional),
];

impl Extractor for PackageJsonExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["package.json"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "package.json"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "package.json") else {
            return out;
        };
        out.declared_licenses
            .extend(crate::license::from_json(file, &doc));
        for (field, scope) in DEPENDENCY_FIELDS {
            let Some(map) = doc.get(field) else { continue };
            if !map.value.is_object() {
                out.diagnose(type_error(file, map.key_offset, field, &map.value));
                continue;
            }
            for dep in map.value.members() {
                let loc = file.location(file.line_col(dep.key_offset).0);
                let Some(spec) = dep.value.as_str() else {
                    out.diagnose(type_error(file, dep.key_offset, &dep.key, &dep.value));
                    continue;
                };
                let mut c = npm_dependency(&dep.key, spec, loc).with_scope(scope);
                c.source = ID;
                out.push(c);
            }
        }
        if let Some(engines) = doc.get("engines") {
            for engine in engines.value.members() {
                let Some(range) = engine.value.as_str() else {
                    out.diagnose(type_error(
                        file,
                        engine.key_offset,
                        &engine.key,
                        &engine.value,
                    ));
                    continue;
                };
                let loc = file.location(file.line_col(engine.key_offset).0);
                let (kind, eco) = match engine.key.as_str() {
                    "node" => (Kind::Runtime, Ecosystem::Generic),
                    "npm" | "pnpm" | "yarn" | "bun" => (Kind::Tool, Ecosystem::Npm),
                    _ => (Kind::Tool, Ecosystem::Generic),
                };
                out.push(Component::new(kind, eco, &engine.key, ID, loc).with_constraint(range));
            }
        }
        if let Some(pm) = doc.get("packageManager") {
            let loc = file.location(file.line_col(pm.key_offset).0);
            match pm.value.as_str().and_then(|s| s.rsplit_once('@')) {
                Some((name, rest)) if !name.is_empty() => {
                    let (version, hash) = match rest.split_once('+') {
                        Some((v, h)) => (v, Some(h)),
                        None => (rest, None),
                    };
                    let mut c = Component::new(Kind::Tool, Ecosystem::Npm, name, ID, loc)
                        .with_version(version);
                    c.integrity = hash.map(str::to_string);
                    out.push(c);
                }
                _ => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    loc.line,
                    "`packageManager` must look like `name@version`",
                )),
            }
        }
        out
    }
}

/// Parses a JSON file, turning a syntax error into a diagnostic at its line.
pub(crate) fn parse_json(file: &SourceFile, out: &mut Extracted) -> Option<Spanned> {
    match json::parse(file.text()) {
        Ok(doc) => Some(doc),
        Err(e) => {
            let (line, col) = file.line_col(e.offset);
            out.diagnose(
                Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    line,
                    format!("invalid JSON: {}", e.message),
                )
                .with_column(col),
            );
            None
        }
    }
}

/// Parses a JSON file whose top level must be an object (`what` names the file in the
/// error): a syntax error or another top-level value is a diagnostic, and `None`.
pub(crate) fn parse_json_object(
    file: &SourceFile,
    out: &mut Extracted,
    what: &str,
) -> Option<Spanned> {
    let doc = parse_json(file, out)?;
    if doc.is_object() {
        return Some(doc);
    }
    out.diagnose(Diagnostic::error(
        DiagnosticCode::InvalidValue,
        file.path(),
        file.line_col(doc.offset).0,
        format!("{what} must be an object, found {}", doc.type_name()),
    ));
    None
}

pub(crate) fn type_error(
    file: &SourceFile,
    offset: usize,
    key: &str,
    value: &Spanned,
) -> Diagnostic {
    Diagnostic::warning(
        DiagnosticCode::InvalidValue,
        file.path(),
        file.line_col(offset).0,
        format!("unexpected {} for `{key}`", value.type_name()),
    )
}

/// A dependency declared as `name: spec` in a manifest.
pub(crate) fn npm_dependency(name: &str, spec: &str, loc: polyver_model::Location) -> Component {
    let spec = spec.trim();
    let (name, spec) = match spec.strip_prefix("npm:") {
        Some(alias) => match alias.rsplit_once('@') {
            Some((real, range)) if !real.is_empty() => (real, range),
            _ => (alias, ""),
        },
        None => (name, spec),
    };
    let mut c = Component::new(Kind::Package, Ecosystem::Npm, name, ID, loc);
    if is_non_registry_spec(spec) {
        c.url = Some(spec.to_string());
        if spec.starts_with("workspace:") {
            // pnpm/yarn/bun's workspace protocol: the requirement on the local package, as
            // written (`workspace:*`, `workspace:^1.2.0`), which publishing rewrites.
            c = c.with_constraint(spec);
        }
    } else {
        if is_exact_version(spec) {
            c = c.with_version(spec.trim_start_matches(['=', 'v']));
        }
        c = c.with_constraint(spec);
    }
    c
}

fn is_non_registry_spec(spec: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "file:",
        "link:",
        "workspace:",
        "portal:",
        "patch:",
        "git",
        "http:",
        "https:",
        "github:",
    ];
    PREFIXES.iter().any(|p| spec.starts_with(p))
        || (spec.contains('/')
            && !spec.contains(' ')
            && !spec.starts_with('<')
            && !spec.starts_with('>'))
}

/// `1.2.3`, `=1.2.3`, `v1.2.3-beta.1`: a full version, not a range.
fn is_exact_version(spec: &str) -> bool {
    let v = spec.trim_start_matches('=').trim_start_matches('v');
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}
