//! `yarn.lock`, both flavours, told apart by their header:
//!
//! - **classic** (yarn 1, `# yarn lockfile v1`): yarn's own indented format, read by a hand
//!   parser. An entry is a line of comma-separated `name@range` specifiers (quoted when
//!   needed: `"@scope/name@^1"`, `"alias@npm:real@1"`) ending in `:`, then two-space
//!   indented `key value` fields (`version`, `resolved` URL#sha1, `integrity`) and
//!   `dependencies:`/`optionalDependencies:` blocks of `name range` lines one level deeper.
//!   The lock has no root section, so direct dependencies and their scopes come from the
//!   sibling `package.json` (its `name@range` pairs are exactly the lock's specifiers), plus
//!   the `package.json` of each literal (non-glob) `workspaces` folder.
//! - **berry** (yarn 2+, `__metadata: {version: 4..8, cacheKey}`): a YAML subset, read with
//!   the same YAML tree as `pnpm-lock.yaml`. Keys are descriptors (`"lodash@npm:^4.17.21"`),
//!   `resolution` names the locked package, `checksum` is the cache checksum. Workspace
//!   entries (`"app@workspace:."`) are the repository's own code: not components, but their
//!   `dependencies` are the direct dependencies (dev ones included, since berry merges
//!   them; the workspace's `package.json`, found through the resolution's path, tells
//!   which are dev). `dependenciesMeta.<dep>.optional` marks optional edges; `patch:`
//!   resolutions are reported with their patch descriptor as `url`.
//!
//! Transitive scopes come from reachability (see `lock_graph`).

use crate::extractors::lock_graph::{self, LockedEdge, LockedPackage, RootDependency};
use crate::extractors::package_json::DEPENDENCY_FIELDS;
use crate::yaml::{self, Node};
use crate::{file_name, json, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope};
use std::collections::HashMap;
use std::path::Path;

pub struct YarnLockExtractor;

const ID: Format = Format::YarnLock;

impl Extractor for YarnLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["yarn.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "yarn.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let is_berry = file
            .text()
            .lines()
            .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
        if is_berry {
            berry(file, &mut out);
        } else {
            classic(file, &mut out);
        }
        out
    }
}

/// Splits a specifier/descriptor `name@range` at the `@` ending the name (a scope's
/// leading `@` is part of the name).
fn split_specifier(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

/// A dependency declared by a `package.json`: name, range and scope.
type Declared = (String, String, Scope);

/// The dependencies a `package.json` declares, when it can be read.
fn manifest_dependencies(manifest: &SourceFile) -> Option<(json::Spanned, Vec<Declared>)> {
    let doc = json::parse(manifest.text()).ok()?;
    let mut declared = Vec::new();
    for (field, scope) in DEPENDENCY_FIELDS {
        for dep in doc
            .get(field)
            .map(|m| m.value.members())
            .unwrap_or_default()
        {
            if let Some(range) = dep.value.as_str() {
                declared.push((dep.key.clone(), range.to_string(), scope));
            }
        }
    }
    Some((doc, declared))
}

// ---------------------------------------------------------------------------------------
// classic

/// One parsed classic entry.
struct ClassicEntry {
    specifiers: Vec<String>,
    line: u32,
    fields: HashMap<String, String>,
    /// (`dependencies` | `optionalDependencies`, dependency name, range).
    dependencies: Vec<(Scope, String, String)>,
}

/// Reads one token at the start of `s`: a `"quoted string"` (JSON escapes) or a bare word
/// ending at whitespace, `,` or a trailing `:`. Returns the token and the rest.
fn classic_token(s: &str) -> Result<(String, &str), &'static str> {
    let s = s.trim_start();
    if let Some(body) = s.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((value, &body[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, other)) => value.push(other),
                    None => break,
                },
                c => value.push(c),
            }
        }
        return Err("unterminated quoted string");
    }
    let end = s
        .char_indices()
        .find(|&(i, c)| c.is_whitespace() || c == ',' || (c == ':' && s[i + 1..].trim().is_empty()))
        .map_or(s.len(), |(i, _)| i);
    if end == 0 {
        return Err("expected a key or value");
    }
    Ok((s[..end].to_string(), &s[end..]))
}

/// An entry header: `spec1, "spec2", spec3:`.
fn classic_header(content: &str) -> Result<Vec<String>, &'static str> {
    let mut specs = Vec::new();
    let mut rest = content;
    loop {
        let (token, after) = classic_token(rest)?;
        specs.push(token);
        let after = after.trim_start();
        if let Some(next) = after.strip_prefix(',') {
            rest = next;
        } else if after == ":" {
            return Ok(specs);
        } else {
            return Err("expected `,` or `:` after a specifier");
        }
    }
}

/// A `key value` line (or `key:` opening a block, value `None`).
fn classic_pair(content: &str) -> Result<(String, Option<String>), &'static str> {
    let (key, rest) = classic_token(content)?;
    let rest = rest.trim();
    if rest == ":" {
        return Ok((key, None));
    }
    if rest.is_empty() {
        return Err("a key without a value");
    }
    let (value, tail) = classic_token(rest)?;
    if !tail.trim().is_empty() {
        return Err("unexpected text after the value");
    }
    Ok((key, Some(value)))
}

fn parse_classic(file: &SourceFile, out: &mut Extracted) -> Vec<ClassicEntry> {
    let mut entries: Vec<ClassicEntry> = Vec::new();
    // The block (`dependencies`, `optionalDependencies`, or another one we skip) that
    // four-space lines belong to.
    let mut block: Option<Option<Scope>> = None;
    for (idx, raw) in file.text().lines().enumerate() {
        let line = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let raw = raw.trim_end_matches('\r');
        let content = raw.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        let problem = |out: &mut Extracted, message: &str| {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::ParseError,
                file.path(),
                line,
                format!("invalid yarn.lock line: {message}"),
            ));
        };
        match (indent, entries.last_mut()) {
            (0, _) => {
                block = None;
                match classic_header(content) {
                    Ok(specifiers) => entries.push(ClassicEntry {
                        specifiers,
                        line,
                        fields: HashMap::new(),
                        dependencies: Vec::new(),
                    }),
                    Err(message) => problem(out, message),
                }
            }
            (2, Some(entry)) => match classic_pair(content) {
                Ok((key, Some(value))) => {
                    block = None;
                    entry.fields.insert(key, value);
                }
                Ok((key, None)) => {
                    block = Some(match key.as_str() {
                        "dependencies" => Some(Scope::Runtime),
                        "optionalDependencies" => Some(Scope::Optional),
                        _ => None,
                    });
                }
                Err(message) => problem(out, message),
            },
            (4, Some(entry)) if block.is_some() => match classic_pair(content) {
                Ok((name, Some(range))) => {
                    if let Some(Some(kind)) = block {
                        entry.dependencies.push((kind, name, range));
                    }
                }
                Ok(_) => problem(out, "nested too deeply"),
                Err(message) => problem(out, message),
            },
            _ => problem(out, "unexpected indentation"),
        }
    }
    entries
}

fn classic(file: &SourceFile, out: &mut Extracted) {
    let entries = parse_classic(file, out);
    let mut by_specifier: HashMap<&str, usize> = HashMap::new();
    let mut packages = Vec::new();
    for (idx, entry) in entries.iter().enumerate() {
        for spec in &entry.specifiers {
            by_specifier.entry(spec.as_str()).or_insert(idx);
        }
        // The real name: an alias `my-ms@npm:ms@2.0.0` locks `ms`.
        let first = entry.specifiers.first().map(String::as_str).unwrap_or("");
        let name = match split_specifier(first) {
            Some((alias, range)) => match range.strip_prefix("npm:").and_then(split_specifier) {
                Some((real, _)) => real,
                None => alias,
            },
            None => first,
        };
        let version = entry.fields.get("version").cloned();
        if version.is_none() {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                entry.line,
                format!("`{first}` has no version"),
            ));
        }
        let resolved = entry.fields.get("resolved");
        packages.push(LockedPackage {
            name: name.to_string(),
            version,
            line: entry.line,
            integrity: entry.fields.get("integrity").cloned(),
            url: resolved
                .filter(|r| lock_graph::is_non_registry(r) || !r.contains("/-/"))
                .cloned(),
            recorded_scope: None,
            dependencies: Vec::new(),
        });
    }
    for (idx, entry) in entries.iter().enumerate() {
        let edges = entry
            .dependencies
            .iter()
            .map(|(kind, name, range)| LockedEdge {
                name: name.clone(),
                target: by_specifier
                    .get(format!("{name}@{range}").as_str())
                    .copied(),
                kind: *kind,
            })
            .collect();
        if let Some(p) = packages.get_mut(idx) {
            p.dependencies = edges;
        }
    }
    let roots = classic_roots(file, &by_specifier);
    for c in lock_graph::components(file, ID, &packages, &roots) {
        out.push(c);
    }
}

/// Direct dependencies from the sibling `package.json` and its literal workspace folders.
fn classic_roots(file: &SourceFile, by_specifier: &HashMap<&str, usize>) -> Vec<RootDependency> {
    let Some((root_doc, mut declared)) = file
        .open_relative("package.json")
        .ok()
        .and_then(|m| manifest_dependencies(&m))
    else {
        return Vec::new();
    };
    let workspaces = root_doc.get("workspaces").map(|w| &w.value);
    let patterns = workspaces
        .and_then(|w| w.get("packages").map(|p| &p.value))
        .or(workspaces);
    if let Some(json::Value::Array(items)) = patterns.map(|p| &p.value) {
        for dir in items.iter().filter_map(json::Spanned::as_str) {
            if dir.contains(['*', '?', '[', '{', '!']) {
                continue; // globs cannot be expanded from here
            }
            let manifest = format!("{}/package.json", dir.trim_end_matches('/'));
            if let Some((_, more)) = file
                .open_relative(&manifest)
                .ok()
                .and_then(|m| manifest_dependencies(&m))
            {
                declared.extend(more);
            }
        }
    }
    declared
        .iter()
        .filter_map(|(name, range, scope)| {
            by_specifier
                .get(format!("{name}@{range}").as_str())
                .map(|&target| RootDependency {
                    target,
                    scope: *scope,
                })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// berry

/// `name@workspace:path`, `link:` and `portal:` resolutions are the repository's own code.
fn berry_local_path(resolution: &str) -> Option<&str> {
    let (_, range) = split_specifier(resolution)?;
    ["workspace:", "link:", "portal:"]
        .iter()
        .find_map(|p| range.strip_prefix(p))
}

fn berry(file: &SourceFile, out: &mut Extracted) {
    let loaded = yaml::load(file.text());
    if let Some(e) = &loaded.error {
        out.diagnose(
            Diagnostic::error(
                DiagnosticCode::ParseError,
                file.path(),
                e.line,
                format!("invalid yarn.lock (berry YAML): {}", e.detail()),
            )
            .with_column(e.column),
        );
    }
    let Some(doc) = loaded.complete_documents().first() else {
        return;
    };
    if !doc.is_mapping() {
        out.diagnose(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            file.path(),
            doc.line,
            format!(
                "yarn.lock must be a mapping, found {}",
                doc.type_with_article()
            ),
        ));
        return;
    }
    let metadata_version = doc
        .get_first("__metadata")
        .and_then(|m| m.text_field("version"))
        .and_then(|v| v.parse::<u32>().ok());
    if metadata_version.is_none() {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            doc.all_entries()
                .find(|(k, _, _)| *k == "__metadata")
                .map_or(1, |(_, key, _)| key.line),
            "`__metadata.version` is missing or not a number",
        ));
    }

    let mut by_descriptor: HashMap<String, usize> = HashMap::new();
    let mut packages: Vec<LockedPackage> = Vec::new();
    // Per package (or workspace): its node, to read edges once every descriptor is known.
    let mut nodes: Vec<&Node> = Vec::new();
    let mut workspaces: Vec<(&str, &Node)> = Vec::new();
    for (key, key_node, node) in doc.all_entries() {
        if key == "__metadata" {
            continue;
        }
        if !node.is_mapping() {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                key_node.line,
                format!("unexpected {} for `{key}`", node.type_with_article()),
            ));
            continue;
        }
        let resolution = node.text_field("resolution").unwrap_or("");
        if let Some(path) = berry_local_path(resolution) {
            if resolution.contains("@workspace:") {
                workspaces.push((path, node));
            }
            continue;
        }
        let Some((name, locked)) = split_specifier(resolution) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                key_node.line,
                format!("`{key}` has no readable `resolution`"),
            ));
            continue;
        };
        let idx = packages.len();
        for descriptor in key.split(',') {
            by_descriptor
                .entry(descriptor.trim().to_string())
                .or_insert(idx);
        }
        let url = (!locked.starts_with("npm:")).then(|| locked.to_string());
        packages.push(LockedPackage {
            name: name.to_string(),
            version: node.text_field("version").map(str::to_string),
            line: key_node.line,
            integrity: node.text_field("checksum").map(str::to_string),
            url,
            recorded_scope: None,
            dependencies: Vec::new(),
        });
        nodes.push(node);
    }
    let resolve = |name: &str, range: &str| {
        by_descriptor
            .get(&format!("{name}@{range}"))
            .or_else(|| by_descriptor.get(&format!("{name}@npm:{range}")))
            .copied()
    };
    for (idx, node) in nodes.iter().enumerate() {
        let edges = berry_dependencies(node)
            .map(|(name, range, kind)| LockedEdge {
                name: name.to_string(),
                target: resolve(name, range),
                kind,
            })
            .collect();
        if let Some(p) = packages.get_mut(idx) {
            p.dependencies = edges;
        }
    }
    let mut roots = Vec::new();
    for (path, node) in workspaces {
        let manifest_scopes: HashMap<String, Scope> = file
            .open_relative(&format!("{path}/package.json"))
            .ok()
            .and_then(|m| manifest_dependencies(&m))
            .map(|(_, declared)| {
                declared
                    .into_iter()
                    .map(|(name, _, scope)| (name, scope))
                    .collect()
            })
            .unwrap_or_default();
        for (name, range, kind) in berry_dependencies(node) {
            if let Some(target) = resolve(name, range) {
                let scope = manifest_scopes.get(name).copied().unwrap_or(kind);
                roots.push(RootDependency { target, scope });
            }
        }
    }
    for c in lock_graph::components(file, ID, &packages, &roots) {
        out.push(c);
    }
}

/// `dependencies` of a berry entry with the edge kind from `dependenciesMeta`.
fn berry_dependencies(node: &Node) -> impl Iterator<Item = (&str, &str, Scope)> {
    let meta = node.get_first("dependenciesMeta");
    node.get_first("dependencies")
        .into_iter()
        .flat_map(Node::all_entries)
        .filter_map(move |(dep, _, value)| {
            let range = value.scalar_text()?;
            let optional = meta
                .and_then(|m| m.get_first(dep))
                .and_then(|m| m.text_field("optional"))
                == Some("true");
            let kind = if optional {
                Scope::Optional
            } else {
                Scope::Runtime
            };
            Some((dep, range, kind))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_lines() {
        assert_eq!(
            classic_header("\"@a/b@^1\", @a/b@~1.2, c@npm:d@1:").unwrap(),
            vec!["@a/b@^1", "@a/b@~1.2", "c@npm:d@1"]
        );
        assert!(classic_header("a@1").is_err());
        assert_eq!(
            classic_pair("integrity sha512-x==").unwrap(),
            ("integrity".into(), Some("sha512-x==".into()))
        );
        assert_eq!(
            classic_pair("\"js-tokens\" \"^3.0.0 || ^4.0.0\"").unwrap(),
            ("js-tokens".into(), Some("^3.0.0 || ^4.0.0".into()))
        );
        assert_eq!(
            classic_pair("dependencies:").unwrap(),
            ("dependencies".into(), None)
        );
        assert!(classic_pair("version \"1").is_err());
        assert_eq!(split_specifier("@s/n@npm:^1"), Some(("@s/n", "npm:^1")));
    }
}
