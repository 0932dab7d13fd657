//! `packages.lock.json` (NuGet, `RestorePackagesWithLockFile`), lock `version` 1 and 2.
//!
//! `dependencies` holds one object per target framework (`net8.0`, and runtime-specific
//! ones such as `net8.0/linux-x64`), each mapping a package id to `type`, `requested`,
//! `resolved`, `contentHash` and `dependencies`. Types: `Direct` (a `PackageReference` of
//! the project; `requested` is its range, kept as the constraint), `Transitive`,
//! `CentralTransitive` (a transitive package pinned by central package management: still
//! transitive), and `Project` (a project reference — the repository's own code, not
//! reported, like npm workspaces).
//!
//! The same id@version appears once per framework section; they are one component with one
//! location per occurrence, direct when any section says `Direct`, edges unioned. IDs are
//! case-insensitive in NuGet, so entries are matched ignoring case but reported as the lock
//! spells them (first occurrence). `contentHash` (base64 SHA-512 of the package) becomes
//! `integrity` in SRI form, `sha512-<hash>`. Edges point at the version resolved in the same
//! framework section. NuGet has no dev/test split in the lock: everything is runtime.

use crate::extractors::package_json::{parse_json, type_error};
use crate::json::Spanned;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Location,
};
use std::collections::BTreeMap;
use std::path::Path;

pub struct NugetLockExtractor;

const ID: Format = Format::NugetLock;

impl Extractor for NugetLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["packages.lock.json"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "packages.lock.json"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json(file, &mut out) else {
            return out;
        };
        let Some(frameworks) = doc.get("dependencies") else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                if doc.is_object() {
                    "lock file has no `dependencies`".to_string()
                } else {
                    format!("lock file must be an object, found {}", doc.type_name())
                },
            ));
            return out;
        };
        if !frameworks.value.is_object() {
            out.diagnose(type_error(
                file,
                frameworks.key_offset,
                "dependencies",
                &frameworks.value,
            ));
            return out;
        }
        // (lowercase id, version) → component, in first-seen order.
        let mut found: BTreeMap<(String, Option<String>), Component> = BTreeMap::new();
        for tfm in frameworks.value.members() {
            if !tfm.value.is_object() {
                out.diagnose(type_error(file, tfm.key_offset, &tfm.key, &tfm.value));
                continue;
            }
            let resolved: BTreeMap<String, &str> = tfm
                .value
                .members()
                .iter()
                .filter_map(|m| {
                    Some((m.key.to_ascii_lowercase(), str_field(&m.value, "resolved")?))
                })
                .collect();
            for pkg in tfm.value.members() {
                let line = file.line_col(pkg.key_offset).0;
                let e = &pkg.value;
                if !e.is_object() {
                    out.diagnose(type_error(file, pkg.key_offset, &pkg.key, e));
                    continue;
                }
                let ty = str_field(e, "type").unwrap_or("");
                if ty.eq_ignore_ascii_case("project") {
                    continue;
                }
                if !matches!(ty, "Direct" | "Transitive" | "CentralTransitive") {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        line,
                        format!("`{}` has unknown type {ty:?}", pkg.key),
                    ));
                }
                let version = str_field(e, "resolved").map(str::to_string);
                if version.is_none() {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        line,
                        format!("`{}` has no `resolved` version", pkg.key),
                    ));
                }
                let direct = ty == "Direct";
                let edges: Vec<DependencyEdge> = e
                    .get("dependencies")
                    .map(|m| m.value.members())
                    .unwrap_or_default()
                    .iter()
                    .map(|d| DependencyEdge {
                        name: d.key.clone(),
                        version: resolved
                            .get(&d.key.to_ascii_lowercase())
                            .map(|v| v.to_string()),
                    })
                    .collect();
                let key = (pkg.key.to_ascii_lowercase(), version.clone());
                let loc = Location::new(file.path(), line);
                if let Some(c) = found.get_mut(&key) {
                    c.locations.push(loc);
                    c.dependencies.extend(edges);
                    if direct && !c.direct {
                        c.direct = true;
                        c.constraint = None;
                    }
                    if c.constraint.is_none() && direct {
                        if let Some(r) = str_field(e, "requested") {
                            c.constraint = Some(polyver_model::Constraint::new(r));
                        }
                    }
                    continue;
                }
                let mut c = Component::new(Kind::Package, Ecosystem::Nuget, &pkg.key, ID, loc)
                    .with_direct(direct);
                if let Some(v) = &version {
                    c = c.with_version(v);
                }
                if direct {
                    if let Some(r) = str_field(e, "requested") {
                        c = c.with_constraint(r);
                    }
                }
                c.integrity = str_field(e, "contentHash").map(|h| format!("sha512-{h}"));
                c.dependencies = edges;
                found.insert(key, c);
            }
        }
        for c in found.into_values() {
            out.push(c);
        }
        out
    }
}

fn str_field<'a>(entry: &'a Spanned, key: &str) -> Option<&'a str> {
    entry
        .get(key)
        .and_then(|m| m.value.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}
