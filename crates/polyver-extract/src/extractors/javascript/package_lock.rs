//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1, 2 and 3.
//!
//! v2 and v3 have a flat `packages` map keyed by install path
//! (`node_modules/a/node_modules/@s/b`); the name is what follows the last `node_modules/`
//! (or the entry's `name`, for aliases). The root entry (`""`) lists the direct
//! dependencies; an entry is direct when it is installed at the top level under a name the
//! root declares. Edges are resolved the way Node resolves `require`: from the entry's own
//! `node_modules` upwards. Workspace folders and `link: true` entries are the repository's
//! own code and are not reported. v1 (npm 5–6) has only the nested `dependencies` tree; its
//! direct dependencies come from the `package.json` next to the lock file when present.
//! When a v2 file has both, `packages` wins, as in npm itself.
//!
//! Scopes follow npm's flags: `dev`/`devOptional` → dev, `optional` → optional, `peer` →
//! peer. `license` (v2/v3 entries; `licenses` arrays of old packages joined with `OR`) is
//! kept as written. The same name@version installed at several paths is one component with several
//! locations (merged by the model). A `package-lock.json` with an `npm-shrinkwrap.json`
//! beside it is not read: npm installs from the shrinkwrap and ignores it (npm's docs).

use crate::extractors::package_json::{parse_json, type_error, DEPENDENCY_FIELDS};
use crate::json::{Member, Spanned};
use crate::{file_name, Extracted, Extractor, IncludeError, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope, Severity,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct PackageLockExtractor;

const ID: Format = Format::PackageLock;

impl Extractor for PackageLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&[
            "package-lock.json",
            "npm-shrinkwrap.json",
        ]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(file_name(path), "package-lock.json" | "npm-shrinkwrap.json")
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        if file.file_name() == "package-lock.json" && shrinkwrap_beside(file) {
            out.diagnose(Diagnostic::new(
                Severity::Info,
                DiagnosticCode::Unsupported,
                file.path(),
                0,
                "not read: npm installs from the npm-shrinkwrap.json beside it and ignores \
                 package-lock.json",
            ));
            return out;
        }
        let Some(doc) = parse_json(file, &mut out) else {
            return out;
        };
        if let Some(packages) = doc.get("packages") {
            if packages.value.is_object() {
                packages_map(file, &packages.value, &mut out);
            } else {
                out.diagnose(type_error(
                    file,
                    packages.key_offset,
                    "packages",
                    &packages.value,
                ));
            }
        } else if let Some(deps) = doc.get("dependencies") {
            let direct = manifest_direct_names(file);
            let mut ancestors = Vec::new();
            dependency_tree(file, &deps.value, &direct, &mut ancestors, &mut out);
        } else if doc.is_object() {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                "lock file has neither `packages` nor `dependencies`",
            ));
        } else {
            out.diagnose(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                format!("lock file must be an object, found {}", doc.type_name()),
            ));
        }
        out
    }
}

fn scope_of(entry: &Spanned) -> Scope {
    let flag = |k: &str| entry.get(k).and_then(|m| m.value.as_bool()) == Some(true);
    if flag("dev") || flag("devOptional") {
        Scope::Dev
    } else if flag("optional") {
        Scope::Optional
    } else if flag("peer") {
        Scope::Peer
    } else {
        Scope::Runtime
    }
}

fn str_field<'a>(entry: &'a Spanned, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(|m| m.value.as_str())
}

/// Names in the dependency maps of a manifest-shaped object.
fn declared_names(manifest: &Spanned) -> BTreeSet<String> {
    DEPENDENCY_FIELDS
        .iter()
        .filter_map(|(field, _)| manifest.get(field))
        .flat_map(|m| m.value.members().iter().map(|d| d.key.clone()))
        .collect()
}

/// Whether an `npm-shrinkwrap.json` exists beside `file` (readable or not: npm would use it).
fn shrinkwrap_beside(file: &SourceFile) -> bool {
    !matches!(
        file.open_relative("npm-shrinkwrap.json"),
        Err(IncludeError::NotFound(_) | IncludeError::NoFilesystem | IncludeError::OutsideRoot)
    )
}

fn packages_map(file: &SourceFile, packages: &Spanned, out: &mut Extracted) {
    let by_path: BTreeMap<&str, &Member> = packages
        .members()
        .iter()
        .map(|m| (m.key.as_str(), m))
        .collect();
    let direct = by_path
        .get("")
        .map(|root| declared_names(&root.value))
        .unwrap_or_default();
    for member in packages.members() {
        let key = member.key.as_str();
        let entry = &member.value;
        if !entry.is_object() {
            out.diagnose(type_error(file, member.key_offset, key, entry));
            continue;
        }
        let Some(idx) = key.rfind("node_modules/") else {
            continue; // the root or a workspace folder: the repository's own code
        };
        if entry.get("link").and_then(|m| m.value.as_bool()) == Some(true) {
            continue;
        }
        let installed_as = &key[idx + "node_modules/".len()..];
        let name = str_field(entry, "name").unwrap_or(installed_as);
        let loc = file.location(file.line_col(member.key_offset).0);
        let mut c = Component::new(Kind::Package, Ecosystem::Npm, name, ID, loc)
            .with_scope(scope_of(entry))
            .with_direct(
                key == format!("node_modules/{installed_as}") && direct.contains(installed_as),
            );
        match str_field(entry, "version") {
            Some(v) => c = c.with_version(v),
            None => out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                c.locations[0].line,
                format!("`{key}` has no version"),
            )),
        }
        c.integrity = str_field(entry, "integrity").map(str::to_string);
        c.license = crate::json::declared_license(entry, "license")
            .or_else(|| crate::json::declared_license(entry, "licenses"));
        c.url = str_field(entry, "resolved")
            .filter(|r| is_non_registry(r))
            .map(str::to_string);
        for field in ["dependencies", "optionalDependencies", "peerDependencies"] {
            for dep in entry
                .get(field)
                .map(|m| m.value.members())
                .unwrap_or_default()
            {
                let version = resolve(&by_path, key, &dep.key)
                    .and_then(|e| str_field(&e.value, "version"))
                    .map(str::to_string);
                c.dependencies.push(DependencyEdge {
                    name: dep.key.clone(),
                    version,
                });
            }
        }
        out.push(c);
    }
}

/// Node's lookup: `<from>/node_modules/<dep>`, then each ancestor's `node_modules`.
fn resolve<'a>(by_path: &BTreeMap<&str, &'a Member>, from: &str, dep: &str) -> Option<&'a Member> {
    let mut base = from;
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{dep}")
        } else {
            format!("{base}/node_modules/{dep}")
        };
        if let Some(m) = by_path.get(candidate.as_str()) {
            return Some(m);
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(i) => &base[..i],
            None => "",
        };
    }
}

fn is_non_registry(resolved: &str) -> bool {
    resolved.starts_with("git") || resolved.starts_with("file:") || resolved.starts_with("github:")
}

/// Direct dependency names of a v1 lock, from the sibling `package.json`.
fn manifest_direct_names(file: &SourceFile) -> BTreeSet<String> {
    file.open_relative("package.json")
        .ok()
        .and_then(|m| crate::json::parse(m.text()).ok())
        .map(|m| declared_names(&m))
        .unwrap_or_default()
}

/// v1: `dependencies: { name: { version, integrity, dev, requires, dependencies } }`.
fn dependency_tree<'a>(
    file: &SourceFile,
    deps: &'a Spanned,
    direct: &BTreeSet<String>,
    ancestors: &mut Vec<&'a Spanned>,
    out: &mut Extracted,
) {
    for member in deps.members() {
        let entry = &member.value;
        if !entry.is_object() {
            out.diagnose(type_error(file, member.key_offset, &member.key, entry));
            continue;
        }
        let loc = file.location(file.line_col(member.key_offset).0);
        let mut name = member.key.as_str();
        let mut version = str_field(entry, "version");
        let mut url = None;
        if let Some(v) = version {
            if let Some((real, real_version)) =
                v.strip_prefix("npm:").and_then(|a| a.rsplit_once('@'))
            {
                name = real;
                version = Some(real_version);
            } else if v.contains(':') {
                url = Some(v.to_string());
                version = None;
            }
        }
        let mut c = Component::new(Kind::Package, Ecosystem::Npm, name, ID, loc)
            .with_scope(scope_of(entry))
            .with_direct(ancestors.is_empty() && direct.contains(&member.key));
        if let Some(v) = version {
            c = c.with_version(v);
        }
        c.url = url;
        c.integrity = str_field(entry, "integrity").map(str::to_string);
        let nested = entry.get("dependencies").map(|m| &m.value);
        for req in entry
            .get("requires")
            .map(|m| m.value.members())
            .unwrap_or_default()
        {
            let version = nested
                .into_iter()
                .chain(std::iter::once(deps))
                .chain(ancestors.iter().rev().copied())
                .find_map(|scope| scope.get(&req.key))
                .and_then(|m| str_field(&m.value, "version"))
                .map(str::to_string);
            c.dependencies.push(DependencyEdge {
                name: req.key.clone(),
                version,
            });
        }
        out.push(c);
        if let Some(nested) = nested {
            ancestors.push(deps);
            dependency_tree(file, nested, direct, ancestors, out);
            ancestors.pop();
        }
    }
}
