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

/// Reads the licence declarations and licence files at `root`.
pub fn project_license(root: &Path) -> ProjectLicense {
    let mut evidence = Vec::new();
    evidence.extend(manifest_declarations(root));
    let manifests = evidence.len();
    evidence.extend(license_files(root));
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

fn line_of(text: &str, needle: &str) -> u32 {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() as u32 + 1)
}

fn manifest_declarations(root: &Path) -> Vec<Evidence> {
    let mut out = Vec::new();
    for file in ["package.json", "composer.json"] {
        let Some(text) = read_small(root, file) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if let Some(declared) = json_license(&doc) {
            out.push(Evidence {
                source: format!("{file}:{}", line_of(&text, "\"license")),
                license: normalize(&declared),
            });
        }
    }
    for (file, paths) in [
        (
            "Cargo.toml",
            &[
                &["package", "license"][..],
                &["workspace", "package", "license"],
            ][..],
        ),
        (
            "pyproject.toml",
            &[&["project", "license"][..], &["tool", "poetry", "license"]][..],
        ),
    ] {
        let Some(text) = read_small(root, file) else {
            continue;
        };
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        for path in paths {
            let mut item = doc.as_item();
            for key in *path {
                item = match item.get(key) {
                    Some(i) => i,
                    None => break,
                };
            }
            // PEP 621: a string (PEP 639 SPDX), or a table with `text` or `file`.
            let declared = item.as_str().map(str::to_string).or_else(|| {
                item.get("text")
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
            });
            let from_file = item.get("file").and_then(|f| f.as_str());
            let line = line_of(&text, "license");
            if let Some(d) = declared {
                out.push(Evidence {
                    source: format!("{file}:{line}"),
                    license: normalize(&d),
                });
                break;
            }
            if let Some(f) = from_file {
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
            let parts: Vec<String> = items.iter().filter_map(one).collect();
            (!parts.is_empty()).then(|| {
                parts
                    .iter()
                    .map(|p| {
                        if p.contains(' ') {
                            format!("({p})")
                        } else {
                            p.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" OR ")
            })
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

/// Whether a file name is a licence file (`LICENSE`, `LICENSE.md`, `COPYING`, `LICENSE-MIT`).
pub(crate) fn is_license_file(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    ["LICENSE", "LICENCE", "COPYING", "UNLICENSE"]
        .iter()
        .any(|p| {
            stem == *p || stem.starts_with(&format!("{p}-")) || stem.starts_with(&format!("{p}_"))
        })
}

fn license_files(root: &Path) -> Vec<Evidence> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_license_file(n))
        .take(32)
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let text = read_small(root, &name)?;
            Some(Evidence {
                source: name,
                license: from_text(&text),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
