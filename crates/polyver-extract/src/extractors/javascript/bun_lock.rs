//! `bun.lock`, bun's text lock file (JSONC, `lockfileVersion` 0 and 1).
//!
//! ```text
//! { "lockfileVersion": 1,
//!   "workspaces": { "": { "name": "app", "dependencies": { "debug": "^4.3.4" } },
//!                   "packages/lib": { "name": "lib", "dependencies": { "ms": "^2.1.3" } } },
//!   "packages": { "debug": ["debug@4.4.3", "", { "dependencies": { "ms": "^2.1.3" } }, "sha512-…"],
//!                 "lib": ["lib@workspace:packages/lib"],
//!                 "lib/ms": ["ms@2.1.3", "", {}, "sha512-…"] } }
//! ```
//!
//! `packages` is keyed by install path (`parent/child` for a nested copy; scoped names keep
//! their `/`); the first array item is the resolved `name@version` (the real name for an
//! alias key), the second the registry (empty for the default), the third the package's
//! own dependency maps, the last the integrity. Non-registry packages have shorter arrays
//! (`name@github:…`, `name@workspace:…`); workspace ones are the repository's own code and
//! not components. A dependency is resolved the way bun lays out `node_modules`: from the
//! dependent's own path upwards to the top level. Direct dependencies are the workspaces'
//! maps (scopes from which map); a workspace's nested copies live under its name.
//!
//! The file is JSONC: comments and trailing commas are blanked out (keeping every byte
//! offset) before the shared strict JSON parser reads it. The binary `bun.lockb` is not
//! parsed: an info diagnostic says how to get the text format.

use crate::extractors::lock_graph::{self, LockedEdge, LockedPackage, RootDependency};
use crate::extractors::package_json::{parse_json_object, type_error, DEPENDENCY_FIELDS};
use crate::json::{Spanned, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope, Severity};
use std::collections::HashMap;
use std::path::Path;

pub struct BunLockExtractor;

const ID: Format = Format::BunLock;

impl Extractor for BunLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["bun.lock", "bun.lockb"]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(file_name(path), "bun.lock" | "bun.lockb")
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        if file.file_name() == "bun.lockb" {
            out.diagnose(Diagnostic::new(
                Severity::Info,
                DiagnosticCode::Unsupported,
                file.path(),
                0,
                "binary bun.lockb is not parsed; run `bun install --save-text-lockfile` to \
                 write a text bun.lock",
            ));
            return out;
        }
        let plain = SourceFile::from_text(file.path(), strip_jsonc(file.text()));
        let Some(doc) = parse_json_object(&plain, &mut out, "bun.lock") else {
            return out;
        };
        lockfile(file, &doc, &mut out);
        out
    }
}

/// Replaces `//` and `/* */` comments and trailing commas with spaces (newlines kept), so
/// the strict JSON parser accepts the text and every offset still points at the original.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    let mut in_string = false;
    // Index of the last comma outside strings and comments, until something non-blank.
    let mut pending_comma: Option<usize> = None;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match (b, bytes.get(i + 1)) {
            (b'/', Some(b'/')) => {
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' {
                        break;
                    }
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                let end = text
                    .get(i + 2..)
                    .and_then(|rest| rest.find("*/"))
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                for slot in out.iter_mut().take(end).skip(i) {
                    if *slot != b'\n' {
                        *slot = b' ';
                    }
                }
                i = end;
                continue;
            }
            (b'}' | b']', _) => {
                if let Some(comma) = pending_comma.take() {
                    out[comma] = b' ';
                }
            }
            (b',', _) => pending_comma = Some(i),
            (b'"', _) => {
                in_string = true;
                pending_comma = None;
            }
            (b' ' | b'\t' | b'\r' | b'\n', _) => {}
            _ => pending_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes were replaced, by ASCII spaces: still valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// An install path split into package names: `@s/a/b` → [`@s/a`, `b`].
fn path_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let first_slash = rest.find('/');
        let end = if rest.starts_with('@') {
            first_slash
                .and_then(|s| rest[s + 1..].find('/').map(|t| s + 1 + t))
                .unwrap_or(rest.len())
        } else {
            first_slash.unwrap_or(rest.len())
        };
        names.push(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    names
}

/// Finds the package `dep` as seen from install path `from`: `from/dep`, then each
/// ancestor's `…/dep`, then the top-level `dep`.
fn resolve(by_path: &HashMap<&str, usize>, from: &str, dep: &str) -> Option<usize> {
    let names = path_names(from);
    (0..=names.len()).rev().find_map(|depth| {
        let mut candidate = names.get(..depth).unwrap_or_default().join("/");
        if !candidate.is_empty() {
            candidate.push('/');
        }
        candidate.push_str(dep);
        by_path.get(candidate.as_str()).copied()
    })
}

fn lockfile(file: &SourceFile, doc: &Spanned, out: &mut Extracted) {
    let line_of = |offset: usize| file.line_col(offset).0;
    match doc.get("lockfileVersion").map(|m| &m.value.value) {
        Some(Value::Number(n)) if matches!(n.as_str(), "0" | "1" | "2") => {}
        Some(_) => {
            let offset = doc.get("lockfileVersion").map_or(0, |m| m.key_offset);
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                line_of(offset),
                "unknown `lockfileVersion` (expected 0 to 2); reading it as version 1",
            ));
        }
        None => out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            1,
            "missing `lockfileVersion`",
        )),
    }
    let empty = Spanned {
        offset: 0,
        value: Value::Object(Vec::new()),
    };
    let packages_map = match doc.get("packages") {
        Some(m) if m.value.is_object() => &m.value,
        Some(m) => {
            out.diagnose(type_error(file, m.key_offset, "packages", &m.value));
            &empty
        }
        None => &empty,
    };

    let mut by_path: HashMap<&str, usize> = HashMap::new();
    let mut packages: Vec<LockedPackage> = Vec::new();
    // (install path, package index, its dependency maps)
    let mut with_deps: Vec<(&str, usize, Option<&Spanned>)> = Vec::new();
    // Workspace package names → their folder, for nested lookups.
    let mut workspace_names: HashMap<&str, &str> = HashMap::new();
    for member in packages_map.members() {
        let line = line_of(member.key_offset);
        let Value::Array(items) = &member.value.value else {
            out.diagnose(type_error(
                file,
                member.key_offset,
                &member.key,
                &member.value,
            ));
            continue;
        };
        let Some((name, locked)) = items
            .first()
            .and_then(Spanned::as_str)
            .and_then(split_resolution)
        else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                format!(
                    "`{}` does not start with a `name@version` string",
                    member.key
                ),
            ));
            continue;
        };
        if let Some(folder) = locked.strip_prefix("workspace:") {
            workspace_names.insert(name, folder);
            continue;
        }
        let is_registry = !locked.contains(':') && !locked.contains('/');
        let (version, url) = if is_registry {
            (Some(locked.to_string()), None)
        } else {
            (None, Some(locked.to_string()))
        };
        let meta = items.iter().skip(1).find(|i| i.is_object());
        let integrity = items
            .last()
            .filter(|_| items.len() >= 4)
            .and_then(Spanned::as_str)
            .map(str::to_string);
        let idx = packages.len();
        packages.push(LockedPackage {
            name: name.to_string(),
            version,
            line,
            integrity,
            url,
            recorded_scope: None,
            dependencies: Vec::new(),
        });
        by_path.insert(member.key.as_str(), idx);
        with_deps.push((member.key.as_str(), idx, meta));
    }

    for (path, idx, meta) in with_deps {
        let Some(meta) = meta else { continue };
        let mut edges = Vec::new();
        for (field, kind) in [
            ("dependencies", Scope::Runtime),
            ("optionalDependencies", Scope::Optional),
            ("peerDependencies", Scope::Peer),
        ] {
            for dep in meta
                .get(field)
                .map(|m| m.value.members())
                .unwrap_or_default()
            {
                edges.push(LockedEdge {
                    name: dep.key.clone(),
                    target: resolve(&by_path, path, &dep.key),
                    kind,
                });
            }
        }
        if let Some(p) = packages.get_mut(idx) {
            p.dependencies = edges;
        }
    }

    let mut roots = Vec::new();
    let workspaces = doc.get("workspaces").map(|m| &m.value);
    for ws in workspaces.map(Spanned::members).unwrap_or_default() {
        // Nested copies for a workspace member live under its package name.
        let base = ws.value.get("name").and_then(|n| n.value.as_str());
        let base = base.filter(|_| !ws.key.is_empty()).unwrap_or("");
        for (field, scope) in DEPENDENCY_FIELDS {
            for dep in ws
                .value
                .get(field)
                .map(|m| m.value.members())
                .unwrap_or_default()
            {
                if let Some(target) = resolve(&by_path, base, &dep.key) {
                    roots.push(RootDependency { target, scope });
                } else if !workspace_names.contains_key(dep.key.as_str()) {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        line_of(dep.key_offset),
                        format!("`{}` has no entry in `packages`", dep.key),
                    ));
                }
            }
        }
    }
    for c in lock_graph::components(file, ID, &packages, &roots) {
        out.push(c);
    }
}

/// `name@version` (or `name@github:…`, `@scope/name@1.0.0`) → (name, rest).
fn split_resolution(s: &str) -> Option<(&str, &str)> {
    let at = s.get(1..)?.find('@')? + 1;
    let (name, rest) = (&s[..at], &s[at + 1..]);
    (!name.is_empty() && !rest.is_empty()).then_some((name, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_is_blanked_in_place() {
        let text = "{\"a\": [1, 2,], // c\n \"b,\": {\"x\": 1,},\n/* z */}";
        let plain = strip_jsonc(text);
        assert_eq!(plain.len(), text.len());
        assert!(crate::json::parse(&plain).is_ok(), "{plain}");
    }

    #[test]
    fn nested_paths() {
        assert_eq!(path_names("@s/a/b/@t/c"), vec!["@s/a", "b", "@t/c"]);
        let by_path: HashMap<&str, usize> = [("ms", 0), ("lib/ms", 1)].into_iter().collect();
        assert_eq!(resolve(&by_path, "lib", "ms"), Some(1));
        assert_eq!(resolve(&by_path, "debug", "ms"), Some(0));
        assert_eq!(resolve(&by_path, "", "ms"), Some(0));
    }
}
