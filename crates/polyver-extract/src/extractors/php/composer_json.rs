//! `composer.json` (PHP Composer manifest): `require` (runtime) and `require-dev` (dev).
//!
//! Constraints are kept exactly as written, in Composer's syntax (`^6.4`, `~2.0 || ^3.0`,
//! `>=1.2 <2.0`, `dev-main as 1.0.x-dev`); a plain `1.2.3`/`v1.2.3` is also the exact
//! version (leading `v` dropped, as in the lock). Package names are lowercased: Composer
//! treats `vendor/name` case-insensitively and Packagist stores them lowercase.
//!
//! Platform requirements are not Packagist packages: `php` is the `php` runtime (generic
//! ecosystem). The others — `ext-*` (PHP extensions), `lib-*` (system libraries), `php-64bit`
//! and friends, `hhvm`, `composer`, `composer-plugin-api`, `composer-runtime-api` — are
//! reported as kind `tool` in the generic ecosystem under their name as written (lowercased),
//! so an inventory still shows which extensions a project needs and at what version,
//! without them ever being looked up on Packagist or in the advisory database.
//! `conflict`, `replace`, `provide` and `suggest` declare nothing that gets installed.

use crate::extractors::package_json::{parse_json_object, type_error};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Location, Scope,
};
use std::path::Path;

pub struct ComposerJsonExtractor;

const ID: Format = Format::ComposerJson;

impl Extractor for ComposerJsonExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["composer.json"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "composer.json"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "composer.json") else {
            return out;
        };
        out.declared_licenses
            .extend(crate::license::from_json(file, &doc));
        for (field, scope) in [("require", Scope::Runtime), ("require-dev", Scope::Dev)] {
            let Some(map) = doc.get(field) else { continue };
            // PHP's `json_encode` writes an empty map as `[]`.
            let empty_array =
                matches!(&map.value.value, crate::json::Value::Array(a) if a.is_empty());
            if !map.value.is_object() && !empty_array {
                out.diagnose(type_error(file, map.key_offset, field, &map.value));
                continue;
            }
            for dep in map.value.members() {
                let loc = file.location(file.line_col(dep.key_offset).0);
                let Some(spec) = dep.value.as_str() else {
                    out.diagnose(type_error(file, dep.key_offset, &dep.key, &dep.value));
                    continue;
                };
                if dep.key.trim().is_empty() {
                    out.diagnose(Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        loc.line,
                        "empty package name",
                    ));
                    continue;
                }
                out.push(requirement(&dep.key, spec, loc, ID).with_scope(scope));
            }
        }
        out
    }
}

/// Whether `name` is a Composer platform requirement rather than a Packagist package.
pub(crate) fn is_platform(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !n.contains('/')
        && (n == "php"
            || n.starts_with("php-")
            || n.starts_with("ext-")
            || n.starts_with("lib-")
            || n == "hhvm"
            || n == "composer"
            || n.starts_with("composer-"))
}

/// `1.2.3` / `v1.2.3` / `1.2.3.4`: an exact version (without the `v`).
pub(crate) fn exact_version(spec: &str) -> Option<&str> {
    let v = spec.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    ((2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
    .then_some(v)
}

/// A `name: constraint` requirement as a component (package, `php` runtime or platform tool).
pub(crate) fn requirement(name: &str, spec: &str, loc: Location, source: Format) -> Component {
    let name = name.trim().to_ascii_lowercase();
    let (kind, eco) = match name.as_str() {
        "php" => (Kind::Runtime, Ecosystem::Generic),
        n if is_platform(n) => (Kind::Tool, Ecosystem::Generic),
        _ => (Kind::Package, Ecosystem::Composer),
    };
    let mut c = Component::new(kind, eco, name, source, loc);
    if let Some(v) = exact_version(spec) {
        c = c.with_version(v);
    }
    c.with_constraint(spec.trim())
}
