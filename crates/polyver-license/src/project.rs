//! The repository's own licence: what its root manifests declare (`package.json`,
//! `Cargo.toml`, `pyproject.toml`, `composer.json`) and what its licence files say
//! (`LICENSE`, `LICENCE`, `COPYING`, `LICENSE-MIT`, ... recognized by text).
//!
//! A declaration in a manifest wins over a recognized file (it is what package registries
//! publish); several recognized licence files with no declaration (`LICENSE-MIT` and
//! `LICENSE-APACHE`) are read as a choice between them, the Rust convention, and said so.

use crate::category::Category;
use crate::expression::{normalize, Normalized, Rule};
use crate::policy::effective_category;
use polyver_model::project::{
    is_license_file, license_choice, DeclaredLicense, LicenseDeclaration,
};
use polyver_model::Inventory;
use serde::Serialize;
use std::path::Path;

/// Manifests and licence files larger than this are not read.
const MAX_FILE: u64 = 1 << 20;

/// One place that states the project's licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// `package.json:5`, `LICENSE`.
    pub source: String,
    pub license: Normalized,
}

/// The repository's own licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProjectLicense {
    /// The expression polyver judges compatibility against; `None` when not found.
    pub expression: Option<String>,
    pub category: Category,
    /// Where it was read (the first of `evidence` that counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every declaration and licence file found, recognized or not.
    pub evidence: Vec<Evidence>,
}

/// The licence declarations of the root manifests and the root's licence files, as the walk
/// recorded them in `inventory` (the manifests are not parsed again); a licence file (or a
/// PEP 621 `license = {file}`) is read under `root` with the safe read.
pub fn project_license(root: &Path, inventory: &Inventory) -> ProjectLicense {
    let mut evidence = Vec::new();
    evidence.extend(manifest_declarations(root, &inventory.declared_licenses));
    let manifests = evidence.len();
    evidence.extend(license_files(root, &inventory.license_files));
    let declared = evidence[..manifests]
        .iter()
        .find(|e| e.license.expression.is_some());
    let files: Vec<&Evidence> = evidence[manifests..]
        .iter()
        .filter(|e| e.license.expression.is_some())
        .collect();
    let (expression, source, note) = match (declared, files.as_slice()) {
        (Some(d), _) => (d.license.expression.clone(), Some(d.source.clone()), None),
        (None, [one]) => (
            one.license.expression.clone(),
            Some(one.source.clone()),
            None,
        ),
        (None, []) => (None, None, None),
        (None, several) => {
            let mut ids: Vec<&str> = several
                .iter()
                .filter_map(|e| e.license.expression.as_deref())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let names: Vec<&str> = several.iter().map(|e| e.source.as_str()).collect();
            (
                Some(ids.join(" OR ")),
                Some(names.join(", ")),
                Some("several licence files and no declaration: read as a choice".to_string()),
            )
        }
    };
    let category = expression
        .as_deref()
        .map_or(Category::Unknown, |e| effective_category(&normalize(e)));
    ProjectLicense {
        expression,
        category,
        source,
        note,
        evidence,
    }
}

/// `rel` under `root` (a name from a manifest, such as `SEE LICENSE IN ../x`, included):
/// inside the root, no symlinks, regular files only, capped.
fn read_small(root: &Path, rel: &str) -> Option<String> {
    let limits = polyver_model::read::ReadLimits::new(MAX_FILE);
    let bytes = polyver_model::read::read_in_root(root, rel, limits).ok()?;
    String::from_utf8(bytes).ok()
}

/// The root manifests whose declaration counts, in order of preference.
const ROOT_MANIFESTS: [&str; 4] = [
    "package.json",
    "composer.json",
    "Cargo.toml",
    "pyproject.toml",
];

fn manifest_declarations(root: &Path, declared: &[LicenseDeclaration]) -> Vec<Evidence> {
    let mut out = Vec::new();
    for file in ROOT_MANIFESTS {
        let mut own: Vec<&LicenseDeclaration> =
            declared.iter().filter(|d| d.path == file).collect();
        own.sort_by_key(|d| d.rank);
        // The first declaration that says something: an expression, or a readable file.
        for d in own {
            let line = d.line;
            match &d.declared {
                DeclaredLicense::Expression(e) => {
                    out.push(Evidence {
                        source: format!("{file}:{line}"),
                        license: normalize(e),
                    });
                    break;
                }
                DeclaredLicense::File(f) => {
                    if let Some(body) = read_small(root, f) {
                        out.push(Evidence {
                            source: format!("{file}:{line} ({f})"),
                            license: from_text(&body),
                        });
                        break;
                    }
                }
            }
        }
    }
    out
}

/// npm/Composer `license`: a string, `{type}`, or an array (a choice).
pub(crate) fn json_license(doc: &serde_json::Value) -> Option<String> {
    fn one(v: &serde_json::Value) -> Option<String> {
        let s = match v {
            serde_json::Value::String(s) => s.trim(),
            serde_json::Value::Object(o) => o.get("type")?.as_str()?.trim(),
            _ => return None,
        };
        (!s.is_empty()).then(|| s.to_string())
    }
    let value = doc.get("license").or_else(|| doc.get("licenses"))?;
    match value {
        serde_json::Value::Array(items) => {
            license_choice(&items.iter().filter_map(one).collect::<Vec<_>>())
        }
        other => one(other),
    }
}

/// A licence file's text → its licence (or unknown).
pub fn from_text(text: &str) -> Normalized {
    match crate::detect::detect_text(text) {
        Some(d) => Normalized {
            declared: "(licence text)".to_string(),
            expression: Some(d.id.to_string()),
            rule: Rule::Text,
            note: Some(format!("recognized by the phrase \"{}\"", d.phrase)),
        },
        None => Normalized::unknown(
            "(licence text)",
            "a licence text polyver does not recognize",
        ),
    }
}

/// The licence files the walk saw at the root (at most 32), read with the safe read.
fn license_files(root: &Path, names: &[String]) -> Vec<Evidence> {
    names
        .iter()
        .filter(|name| is_license_file(name))
        .take(32)
        .filter_map(|name| {
            let text = read_small(root, name)?;
            Some(Evidence {
                source: name.clone(),
                license: from_text(&text),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(path: &str, line: u32, rank: u8, declared: DeclaredLicense) -> LicenseDeclaration {
        LicenseDeclaration {
            path: path.into(),
            line,
            rank,
            declared,
        }
    }

    #[test]
    fn declarations_come_from_the_inventory_not_the_tree() {
        // An empty root: nothing to re-read, so the answer can only come from the inventory.
        let root = tempfile::tempdir().unwrap();
        let inventory = Inventory::finish(".", vec![], vec![], Default::default())
            .with_license_facts(
                vec![
                    declared(
                        "Cargo.toml",
                        9,
                        1,
                        DeclaredLicense::Expression("MIT".into()),
                    ),
                    declared(
                        "Cargo.toml",
                        4,
                        0,
                        DeclaredLicense::Expression("Apache-2.0".into()),
                    ),
                    declared(
                        "sub/package.json",
                        3,
                        0,
                        DeclaredLicense::Expression("ISC".into()),
                    ),
                    // A licence file that is not there: the next place is tried.
                    declared("pyproject.toml", 2, 0, DeclaredLicense::File("GONE".into())),
                    declared(
                        "pyproject.toml",
                        7,
                        1,
                        DeclaredLicense::Expression("BSD-3-Clause".into()),
                    ),
                ],
                vec![],
            );
        let p = project_license(root.path(), &inventory);
        assert_eq!(p.expression.as_deref(), Some("Apache-2.0"));
        let sources: Vec<&str> = p.evidence.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(sources, ["Cargo.toml:4", "pyproject.toml:7"]);
    }

    #[test]
    fn licence_file_names() {
        for n in [
            "LICENSE",
            "LICENSE.md",
            "license.txt",
            "LICENCE",
            "COPYING",
            "LICENSE-MIT",
            "LICENSE_APACHE",
            "UNLICENSE",
        ] {
            assert!(is_license_file(n), "{n}");
        }
        for n in ["README.md", "LICENSES.json", "licensee.rb"] {
            assert!(!is_license_file(n), "{n}");
        }
    }
}
