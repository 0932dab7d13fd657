//! `pnpm-lock.yaml`, lockfile versions 5.x (pnpm 6–7), 6.0 (pnpm 8) and 9.0 (pnpm 9–10).
//!
//! The three versions differ in how a package is keyed and where its edges live:
//! - 5.x: `/name/1.2.3` keys (peer suffix `_react@18.2.0`); importers map a name to a bare
//!   reference (`4.4.3`, or `/ms/2.0.0` for an alias) next to a separate `specifiers` map;
//!   each package records `dev: true|false` and `optional: true`.
//! - 6.0: `/name@1.2.3` keys (peer suffix `(react@18.2.0)`); importer entries are
//!   `{specifier, version}` objects; same `dev`/`optional` flags.
//! - 9.0: `name@1.2.3` keys; `packages` holds the metadata (resolution, engines) once per
//!   version and `snapshots` the per-peer-set instances with their `dependencies`; scope
//!   flags are gone except `optional: true`, so scopes come from reachability.
//!
//! A project without workspaces (5.x/6.0) has the root importer's maps at the top level;
//! with workspaces, `importers` has one entry per workspace folder (`.`, `packages/lib`).
//! A package is direct when any importer lists it; `link:` references are the
//! repository's own workspace packages and are not components. A pnpm that pins itself
//! writes two documents: first its *environment* (one importer listing only
//! `packageManagerDependencies`/`configDependencies`: pnpm and what its configuration
//! loads), then the project's lockfile. The environment installs nothing into the project,
//! so it is skipped; every other document is read.
//! Components are located at the line of their `packages` key; integrity comes from
//! `resolution.integrity`, and a tarball, git or directory resolution becomes `url`.

use crate::extractors::lock_graph::{self, LockedEdge, LockedPackage, RootDependency};
use crate::yaml::{self, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope};
use std::collections::HashMap;
use std::path::Path;

pub struct PnpmLockExtractor;

const ID: Format = Format::PnpmLock;

/// Importer dependency maps and the scope each gives.
const IMPORTER_FIELDS: [(&str, Scope); 3] = [
    ("dependencies", Scope::Runtime),
    ("devDependencies", Scope::Dev),
    ("optionalDependencies", Scope::Optional),
];

/// Package/snapshot dependency maps and the kind of edge each gives.
const PACKAGE_FIELDS: [(&str, Scope); 2] = [
    ("dependencies", Scope::Runtime),
    ("optionalDependencies", Scope::Optional),
];

impl Extractor for PnpmLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pnpm-lock.yaml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "pnpm-lock.yaml"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let loaded = yaml::load(file.text());
        for doc in loaded.complete_documents() {
            if !is_environment(doc) {
                lockfile(file, doc, &mut out);
            }
        }
        if let Some(e) = &loaded.error {
            out.diagnose(
                Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    e.line,
                    format!("invalid YAML: {}", e.detail()),
                )
                .with_column(e.column),
            );
        }
        out
    }
}

/// pnpm's environment document: importers that list only the package manager's own
/// installs (`packageManagerDependencies`, `configDependencies`).
fn is_environment(doc: &Node) -> bool {
    const ENVIRONMENT: [&str; 2] = ["packageManagerDependencies", "configDependencies"];
    let Some(importers) = doc.get_first("importers").filter(|i| i.is_mapping()) else {
        return false;
    };
    let mut any = false;
    for (_, _, importer) in importers.entries() {
        for (key, _, _) in importer.entries() {
            if !ENVIRONMENT.contains(&key) {
                return false;
            }
            any = true;
        }
    }
    any
}

/// How package keys and references are spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyStyle {
    /// 5.x: `/name/1.2.3_peer@1.0.0`.
    Slash,
    /// 6.0: `/name@1.2.3(peer@1.0.0)`.
    SlashAt,
    /// 9.0: `name@1.2.3(peer@1.0.0)`.
    At,
}

fn key_style(file: &SourceFile, doc: &Node, out: &mut Extracted) -> KeyStyle {
    let declared = doc.get_first("lockfileVersion");
    let major = declared
        .and_then(Node::scalar_text)
        .and_then(|v| v.trim().split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if m <= 5 => KeyStyle::Slash,
        Some(6) => KeyStyle::SlashAt,
        Some(_) => KeyStyle::At,
        None => {
            let guess = if doc.get_first("snapshots").is_some() {
                KeyStyle::At
            } else {
                KeyStyle::SlashAt
            };
            let line = doc
                .all_entries()
                .find(|(k, _, _)| *k == "lockfileVersion")
                .map_or(1, |(_, key, _)| key.line);
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                format!(
                    "missing or unreadable `lockfileVersion`; reading the file as {}",
                    if guess == KeyStyle::At { "9.0" } else { "6.0" }
                ),
            ));
            guess
        }
    }
}

/// Removes a peer suffix: `(react@18.2.0)` (6.0, 9.0) or `_react@18.2.0` (5.x, in the
/// version segment only, since names may contain `_`).
fn strip_peers(key: &str, style: KeyStyle) -> &str {
    let key = key.split('(').next().unwrap_or(key);
    if style == KeyStyle::Slash {
        if let Some(slash) = key.rfind('/') {
            if let Some(underscore) = key[slash..].find('_') {
                return &key[..slash + underscore];
            }
        }
    }
    key
}

/// Name and version from a package key.
fn parse_key(key: &str, style: KeyStyle) -> Option<(&str, &str)> {
    let base = strip_peers(key, style);
    let (name, version) = match style {
        KeyStyle::Slash => slash_key(base)?,
        // The name ends at the first `@` after its first character (a scope's `@`); the
        // version may contain more (`git+ssh://git@…`).
        KeyStyle::SlashAt | KeyStyle::At => {
            let base = base.strip_prefix('/').unwrap_or(base);
            let at = base.get(1..)?.find('@')? + 1;
            (&base[..at], &base[at + 1..])
        }
    };
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

/// A 5.x key read as pnpm's `dependency-path` reads it: `/name/version`, or without the
/// leading `/` a key from another registry, `host/name/version`; the name is one segment or a
/// scope and one; the version must be valid semver, else the key names no package by itself
/// (`github.com/user/repo`, `/foo/bar`: the entry's `name` and `version` say, if anything).
fn slash_key(base: &str) -> Option<(&str, &str)> {
    let path = match base.strip_prefix('/') {
        Some(relative) => relative,
        None => base.split_once('/')?.1,
    };
    let name_end = if path.starts_with('@') {
        let scope = path.find('/')?;
        scope + 1 + path[scope + 1..].find('/')?
    } else {
        path.find('/')?
    };
    let version = &path[name_end + 1..];
    polyver_version::npm::Version::parse(version).ok()?;
    Some((&path[..name_end], version))
}

/// The package key a dependency reference points at: a full key for aliases
/// (`/ms/2.0.0`, `/ms@2.0.0`, `ms@2.0.0`), else built from the dependency's name.
fn reference_key(dep: &str, reference: &str, style: KeyStyle) -> Option<String> {
    let reference = reference.trim();
    if reference.starts_with("link:") || reference.is_empty() {
        return None; // a workspace package: the repository's own code
    }
    Some(match style {
        _ if reference.starts_with('/') => reference.to_string(),
        KeyStyle::Slash => format!("/{dep}/{reference}"),
        KeyStyle::SlashAt => format!("/{dep}@{reference}"),
        KeyStyle::At => {
            let base = reference.split('(').next().unwrap_or(reference);
            if base.get(1..).is_some_and(|rest| rest.contains('@')) && !base.contains(':') {
                reference.to_string()
            } else {
                format!("{dep}@{reference}")
            }
        }
    })
}

/// Package keys to indices, by full key and by key without its peer suffix.
struct KeyIndex {
    style: KeyStyle,
    by_key: HashMap<String, usize>,
}

impl KeyIndex {
    fn insert(&mut self, key: &str, idx: usize) {
        let base = strip_peers(key, self.style).to_string();
        self.by_key.entry(key.to_string()).or_insert(idx);
        self.by_key.entry(base).or_insert(idx);
    }

    fn find(&self, key: &str) -> Option<usize> {
        self.by_key
            .get(key)
            .or_else(|| self.by_key.get(strip_peers(key, self.style)))
            .copied()
    }

    fn resolve(&self, dep: &str, reference: &str) -> Option<usize> {
        reference_key(dep, reference, self.style).and_then(|k| self.find(&k))
    }
}

fn lockfile(file: &SourceFile, doc: &Node, out: &mut Extracted) {
    if !doc.is_mapping() {
        if doc.scalar_text().is_none_or(|s| !s.trim().is_empty()) {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                file.path(),
                doc.line,
                format!(
                    "lock file must be a mapping, found {}",
                    doc.type_with_article()
                ),
            ));
        }
        return;
    }
    let style = key_style(file, doc, out);
    let mut index = KeyIndex {
        style,
        by_key: HashMap::new(),
    };
    let mut packages: Vec<LockedPackage> = Vec::new();
    // (package, dependency name, reference, edge kind), resolved once every key is known.
    let mut pending: Vec<(usize, String, String, Scope)> = Vec::new();

    for (key, key_node, node) in map_entries(file, doc, "packages", out) {
        // 5.x writes `/name/1.2.3: null` for a package with nothing more to say.
        if !node.is_mapping() && !node.is_null() {
            out.diagnose(type_warning(file, key_node.line, key, node));
            continue;
        }
        // `file:..`: a local directory, the repository's own code unless it names a package.
        let local = key.starts_with("file:") || key.starts_with("link:");
        let from_key = parse_key(key, style).filter(|_| !local);
        if local && node.text_field("name").is_none() {
            continue;
        }
        let name = node.text_field("name").or(from_key.map(|k| k.0));
        let version = node.text_field("version").or(from_key.map(|k| k.1));
        let Some(name) = name else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                key_node.line,
                format!("cannot read a package name from `{key}`"),
            ));
            continue;
        };
        let (version, url) = match version {
            Some(v) if v.contains(':') => (None, Some(v.to_string())),
            v => (v.map(str::to_string), resolution_url(node)),
        };
        let idx = packages.len();
        packages.push(LockedPackage {
            name: name.to_string(),
            version,
            line: key_node.line,
            integrity: node
                .get_first("resolution")
                .and_then(|r| r.text_field("integrity"))
                .map(str::to_string),
            url,
            recorded_scope: recorded_scope(node),
            dependencies: Vec::new(),
        });
        index.insert(key, idx);
        pending.extend(package_dependencies(file, idx, node, out));
    }

    // 9.0: edges live on the snapshots, one per peer set of a package.
    for (key, key_node, node) in map_entries(file, doc, "snapshots", out) {
        let Some(idx) = index.find(key) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                key_node.line,
                format!("snapshot `{key}` has no entry in `packages`"),
            ));
            continue;
        };
        if node.text_field("optional") == Some("true") {
            if let Some(p) = packages.get_mut(idx) {
                p.recorded_scope.get_or_insert(Scope::Optional);
            }
        }
        pending.extend(package_dependencies(file, idx, node, out));
    }

    for (idx, dep, reference, kind) in pending {
        let target = index.resolve(&dep, &reference);
        if let Some(p) = packages.get_mut(idx) {
            if !p
                .dependencies
                .iter()
                .any(|e| e.name == dep && e.target == target)
            {
                p.dependencies.push(LockedEdge {
                    name: dep,
                    target,
                    kind,
                });
            }
        }
    }

    let mut roots = Vec::new();
    let importers = doc.get_first("importers");
    if let Some(importers) = importers.filter(|i| i.is_mapping()) {
        for (_, _, importer) in importers.all_entries() {
            importer_roots(file, importer, &index, &mut roots, out);
        }
    } else {
        importer_roots(file, doc, &index, &mut roots, out);
    }
    for c in lock_graph::components(file, ID, &packages, &roots) {
        out.push(c);
    }
}

/// The entries of the mapping at `key` of `node`, as `(key text, key node, value)`, with a
/// diagnostic when it is not a mapping.
fn map_entries<'a>(
    file: &SourceFile,
    node: &'a Node,
    key: &str,
    out: &mut Extracted,
) -> impl Iterator<Item = (&'a str, &'a Node, &'a Node)> + 'a {
    let entry = node.all_entries().find(|(k, _, _)| *k == key);
    if let Some((_, key_node, value)) = entry {
        if !value.is_mapping() && value.scalar_text().is_none_or(|s| !s.is_empty()) {
            out.diagnose(type_warning(file, key_node.line, key, value));
        }
    }
    entry
        .into_iter()
        .flat_map(|(_, _, value)| value.all_entries())
}

fn type_warning(file: &SourceFile, line: u32, key: &str, node: &Node) -> Diagnostic {
    Diagnostic::warning(
        DiagnosticCode::InvalidValue,
        file.path(),
        line,
        format!("unexpected {} for `{key}`", node.type_with_article()),
    )
}

/// 5.x/6.0 flags: `dev: true` only for development, `dev: false` only for production,
/// absent for both (then reachability decides); `optional: true` on either.
fn recorded_scope(node: &Node) -> Option<Scope> {
    let optional = node.text_field("optional") == Some("true");
    match node.text_field("dev") {
        Some("true") => Some(Scope::Dev),
        Some("false") if optional => Some(Scope::Optional),
        Some("false") => Some(Scope::Runtime),
        _ if optional => Some(Scope::Optional),
        _ => None,
    }
}

/// Where a non-registry package came from: a tarball URL, a git commit or a directory.
fn resolution_url(node: &Node) -> Option<String> {
    let resolution = node.get_first("resolution")?;
    if let Some(tarball) = resolution.text_field("tarball") {
        return Some(tarball.to_string());
    }
    if let Some(repo) = resolution.text_field("repo") {
        let commit = resolution.text_field("commit").unwrap_or("");
        return Some(format!("{repo}#{commit}"));
    }
    resolution
        .text_field("directory")
        .map(|dir| format!("file:{dir}"))
}

fn package_dependencies(
    file: &SourceFile,
    idx: usize,
    node: &Node,
    out: &mut Extracted,
) -> Vec<(usize, String, String, Scope)> {
    let mut found = Vec::new();
    for (field, kind) in PACKAGE_FIELDS {
        for (dep, dep_key, value) in map_entries(file, node, field, out) {
            match value.scalar_text() {
                Some(reference) => {
                    found.push((idx, dep.to_string(), reference.to_string(), kind));
                }
                None => out.diagnose(type_warning(file, dep_key.line, dep, value)),
            }
        }
    }
    found
}

/// Direct dependencies of one importer (a workspace folder, or the root of a 5.x/6.0 file
/// without workspaces). 5.x maps to a bare reference; 6.0 and 9.0 to `{specifier, version}`.
fn importer_roots(
    file: &SourceFile,
    importer: &Node,
    index: &KeyIndex,
    roots: &mut Vec<RootDependency>,
    out: &mut Extracted,
) {
    for (field, scope) in IMPORTER_FIELDS {
        for (dep, dep_key, value) in map_entries(file, importer, field, out) {
            let reference = value.scalar_text().or_else(|| value.text_field("version"));
            let Some(reference) = reference else {
                out.diagnose(type_warning(file, dep_key.line, dep, value));
                continue;
            };
            if reference.starts_with("link:") {
                continue;
            }
            match index.resolve(dep, reference) {
                Some(target) => roots.push(RootDependency { target, scope }),
                // A local directory without a package entry: the repository's own code.
                None if reference.starts_with("file:") => {}
                None => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    dep_key.line,
                    format!("`{dep}` is locked at `{reference}`, which has no entry in `packages`"),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18 item 2: 5.x entries with a null body are packages; a local `file:` entry
    /// without a name is the repository's own code, not a package named `file:..`.
    #[test]
    fn null_bodies_and_local_directories() {
        let text = "lockfileVersion: 5.4\nspecifiers:\n  ms: ^2.1.3\n  local: file:..\n\
            dependencies:\n  ms: 2.1.3\n  local: file:..\npackages:\n  /ms/2.1.3: null\n  \
            file:..:\n    resolution: {directory: .., type: directory}\n    version: 1.0.0\n";
        let out = PnpmLockExtractor.extract(&SourceFile::from_text("pnpm-lock.yaml", text));
        let names: Vec<(&str, Option<&str>)> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref()))
            .collect();
        assert_eq!(names, [("ms", Some("2.1.3"))]);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    /// Issue 18 item 2: a self-pinning pnpm's environment document is not the project.
    #[test]
    fn the_environment_document_is_not_the_project() {
        let text = "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    \
            packageManagerDependencies:\n      pnpm:\n        specifier: 11.0.0\n        \
            version: 11.0.0\n\npackages:\n\n  pnpm@11.0.0:\n    resolution: \
            {integrity: sha512-AAAA}\n    hasBin: true\n\nsnapshots:\n\n  pnpm@11.0.0: {}\n\
            \n---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      \
            ms:\n        specifier: ^2.1.3\n        version: 2.1.3\n\npackages:\n\n  \
            ms@2.1.3:\n    resolution: {integrity: sha512-BBBB}\n\nsnapshots:\n\n  ms@2.1.3: {}\n";
        let out = PnpmLockExtractor.extract(&SourceFile::from_text("pnpm-lock.yaml", text));
        let names: Vec<(&str, Option<&str>, bool)> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref(), c.direct))
            .collect();
        assert_eq!(names, [("ms", Some("2.1.3"), true)]);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    /// Issue 14: a `workspace:*` dependency (`version: link:../lib`) is the repository's
    /// own package: neither a component nor a garbled name or version.
    #[test]
    fn workspace_protocol_dependencies_are_own_code() {
        let text = "lockfileVersion: '9.0'\nimporters:\n  app:\n    dependencies:\n      \
            lib:\n        specifier: workspace:*\n        version: link:../lib\n      \
            ms:\n        specifier: ^2.1.3\n        version: 2.1.3\n  lib: {}\npackages:\n  \
            ms@2.1.3:\n    resolution: {integrity: sha512-BBBB}\nsnapshots:\n  ms@2.1.3: {}\n";
        let out = PnpmLockExtractor.extract(&SourceFile::from_text("pnpm-lock.yaml", text));
        let names: Vec<(&str, Option<&str>, bool)> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref(), c.direct))
            .collect();
        assert_eq!(names, [("ms", Some("2.1.3"), true)]);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    #[test]
    fn keys_of_every_version() {
        assert_eq!(
            parse_key("/@babel/core/7.1.0_react@18.2.0", KeyStyle::Slash),
            Some(("@babel/core", "7.1.0"))
        );
        assert_eq!(
            parse_key("/@babel/core@7.1.0(react@18.2.0)", KeyStyle::SlashAt),
            Some(("@babel/core", "7.1.0"))
        );
        assert_eq!(
            parse_key("lodash_x@1.0.0", KeyStyle::At),
            Some(("lodash_x", "1.0.0"))
        );
        assert_eq!(parse_key("@scope", KeyStyle::At), None);
        // osv-scalibr's exotic.yaml: 5.x keys from another registry, and keys that name no
        // package (git, not semver): as pnpm's dependency-path parses them.
        assert_eq!(
            parse_key("registry.npmjs.org/@foo/bar/1.1.0", KeyStyle::Slash),
            Some(("@foo/bar", "1.1.0"))
        );
        assert_eq!(
            parse_key("example.com/foo/1.3.0_bar@2.0.0", KeyStyle::Slash),
            Some(("foo", "1.3.0"))
        );
        assert_eq!(
            parse_key("github.com/kevva/is-positive", KeyStyle::Slash),
            None
        );
        assert_eq!(parse_key("/foo/bar", KeyStyle::Slash), None);
        assert_eq!(
            parse_key("/foo/1.4.0_@types+babel__core@7.1.14", KeyStyle::Slash),
            Some(("foo", "1.4.0"))
        );
        assert_eq!(
            reference_key("my-ms", "ms@2.0.0", KeyStyle::At).as_deref(),
            Some("ms@2.0.0")
        );
        assert_eq!(
            reference_key("react-dom", "18.2.0(react@18.2.0)", KeyStyle::At).as_deref(),
            Some("react-dom@18.2.0(react@18.2.0)")
        );
        assert_eq!(
            reference_key("lib", "link:packages/lib", KeyStyle::At),
            None
        );
    }
}
