//! `composer.lock`: the `packages` (runtime) and `packages-dev` (dev) arrays, plus the
//! `platform` requirement on `php` (the `php` runtime).
//!
//! Each entry has `name`, `version` (the tag as published: `v6.4.1`, `1.2.3`, `dev-main`),
//! `source` (`type`, `url`, `reference`), `dist` (`url`, `reference`, `shasum`) and
//! `require`. The component version drops a leading `v` (`v6.4.1` → `6.4.1`, what
//! Packagist and OSV use); when that changes the string, the tag as written is kept as the
//! component's constraint (an exact Composer constraint, so still truthful). Integrity is
//! `sha1:<dist.shasum>` when the lock has a non-empty shasum (Packagist usually leaves it
//! empty for GitHub zipballs), otherwise the pinned commit `source.reference` (or
//! `dist.reference`). `require` gives the edges, to the locked version of each package;
//! platform requirements (`php`, `ext-*`, ...) are not edges. Entries installed from a
//! `path` repository (`dist.type == "path"`) carry their path as `url`. `license` (an
//! array, meaning a choice) is kept joined with ` OR `.
//!
//! Direct vs transitive: the lock does not record the root requirements, so the
//! `composer.json` beside it is read — an entry is direct when it names it in `require` or
//! `require-dev`. Without a readable `composer.json` the lock's own graph decides: entries
//! no other locked package requires are the roots (an info diagnostic says so).

use crate::extractors::composer_json::{exact_version, is_platform};
use crate::extractors::package_json::{parse_json_object, type_error};
use crate::json::Spanned;
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, DependencyEdge, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope, Severity,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct ComposerLockExtractor;

const ID: Format = Format::ComposerLock;

impl Extractor for ComposerLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["composer.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "composer.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "composer.lock") else {
            return out;
        };
        let mut entries: Vec<(&Spanned, u32, Scope)> = Vec::new();
        for (field, scope) in [("packages", Scope::Runtime), ("packages-dev", Scope::Dev)] {
            let Some(list) = doc.get(field) else { continue };
            let crate::json::Value::Array(items) = &list.value.value else {
                if list.value.value != crate::json::Value::Null {
                    out.diagnose(type_error(file, list.key_offset, field, &list.value));
                }
                continue;
            };
            for item in items {
                let line = file.line_col(item.offset).0;
                if !item.is_object() {
                    out.diagnose(type_error(file, item.offset, field, item));
                    continue;
                }
                entries.push((item, line, scope));
            }
        }
        // Locked version per lowercase name, for the edges.
        let mut versions: BTreeMap<String, String> = BTreeMap::new();
        for (e, _, _) in &entries {
            if let (Some(n), Some(v)) = (str_field(e, "name"), str_field(e, "version")) {
                versions.insert(n.to_ascii_lowercase(), normalize(v).to_string());
            }
        }
        let direct = match manifest_names(file) {
            Some(d) => d,
            None => {
                out.diagnose(Diagnostic::new(
                    Severity::Info,
                    DiagnosticCode::Unsupported,
                    file.path(),
                    0,
                    "no readable composer.json beside the lock: packages nothing else requires \
                     are reported as direct",
                ));
                let required: BTreeSet<String> = entries
                    .iter()
                    .flat_map(|(e, _, _)| requires(e))
                    .map(|(n, _)| n)
                    .collect();
                versions
                    .keys()
                    .filter(|n| !required.contains(*n))
                    .cloned()
                    .collect()
            }
        };
        for (e, entry_line, scope) in entries {
            let (name, line) = match e.get("name") {
                Some(m) => (m.value.as_str(), file.line_col(m.key_offset).0),
                None => (None, entry_line),
            };
            let Some(name) = name
                .map(|n| n.trim().to_ascii_lowercase())
                .filter(|n| !n.is_empty())
            else {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line,
                    "locked package without a `name`",
                ));
                continue;
            };
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Composer,
                &name,
                ID,
                file.location(line),
            )
            .with_scope(scope)
            .with_direct(direct.contains(&name));
            match str_field(e, "version") {
                Some(v) => {
                    let n = normalize(v);
                    c = c.with_version(n);
                    if n != v.trim() {
                        c = c.with_constraint(v.trim());
                    }
                }
                None => out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    line,
                    format!("`{name}` has no version"),
                )),
            }
            let sub = |obj: &str, key: &str| {
                e.get(obj)
                    .and_then(|m| str_field(&m.value, key))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            c.integrity = sub("dist", "shasum")
                .map(|s| format!("sha1:{s}"))
                .or_else(|| sub("source", "reference").map(str::to_string))
                .or_else(|| sub("dist", "reference").map(str::to_string));
            c.license = crate::json::declared_license(e, "license");
            if sub("dist", "type") == Some("path") {
                c.url = sub("dist", "url").map(str::to_string);
            }
            c.dependencies = requires(e)
                .into_iter()
                .map(|(n, _)| DependencyEdge {
                    version: versions.get(&n).cloned(),
                    name: n,
                })
                .collect();
            out.push(c);
        }
        if let Some(platform) = doc.get("platform") {
            if let Some(php) = platform.value.get("php") {
                let line = file.line_col(php.key_offset).0;
                match php.value.as_str() {
                    Some(spec) => out.push(
                        Component::new(
                            Kind::Runtime,
                            Ecosystem::Generic,
                            "php",
                            ID,
                            file.location(line),
                        )
                        .with_constraint(spec.trim()),
                    ),
                    None => out.diagnose(type_error(file, php.key_offset, "php", &php.value)),
                }
            }
        }
        out
    }
}

fn str_field<'a>(entry: &'a Spanned, key: &str) -> Option<&'a str> {
    entry.get(key).and_then(|m| m.value.as_str())
}

/// `v6.4.1` → `6.4.1`; `dev-main`, `1.2.3` unchanged.
fn normalize(version: &str) -> &str {
    let v = version.trim();
    exact_version(v).unwrap_or(v)
}

/// Package requirements of an entry (lowercased names, platform ones skipped).
fn requires(entry: &Spanned) -> Vec<(String, String)> {
    entry
        .get("require")
        .map(|m| m.value.members())
        .unwrap_or_default()
        .iter()
        .filter(|m| !is_platform(&m.key))
        .map(|m| {
            (
                m.key.to_ascii_lowercase(),
                m.value.as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Lowercased names in `require` and `require-dev` of the `composer.json` beside the lock.
fn manifest_names(file: &SourceFile) -> Option<BTreeSet<String>> {
    let manifest = file.open_relative("composer.json").ok()?;
    let doc = crate::json::parse(manifest.text()).ok()?;
    Some(
        ["require", "require-dev"]
            .iter()
            .filter_map(|f| doc.get(f))
            .flat_map(|m| m.value.members().iter().map(|d| d.key.to_ascii_lowercase()))
            .collect(),
    )
}
