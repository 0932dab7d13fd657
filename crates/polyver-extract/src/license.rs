//! The licence a manifest declares for its own project, recorded while the manifest is parsed
//! anyway, so that `polyver licenses` reads it from the inventory instead of parsing the
//! root manifests again (see `polyver_model::project::LicenseDeclaration`).

use crate::json::{Spanned, Value};
use crate::SourceFile;
use polyver_model::project::{license_choice, DeclaredLicense, LicenseDeclaration};
use toml_edit::Item;

/// npm/Composer `license`: a string, `{type}`, or an array (a choice); the older
/// `licenses` when there is no `license`.
pub(crate) fn from_json(file: &SourceFile, doc: &Spanned) -> Option<LicenseDeclaration> {
    fn one(v: &Spanned) -> Option<String> {
        let s = match &v.value {
            Value::String(s) => s.trim(),
            Value::Object(_) => v.get("type")?.value.as_str()?.trim(),
            _ => return None,
        };
        (!s.is_empty()).then(|| s.to_string())
    }
    let member = doc.get("license").or_else(|| doc.get("licenses"))?;
    let declared = match &member.value.value {
        Value::Array(items) => license_choice(&items.iter().filter_map(one).collect::<Vec<_>>()),
        _ => one(&member.value),
    }?;
    Some(LicenseDeclaration {
        path: file.path().to_string(),
        line: file.line_col(member.key_offset).0,
        rank: 0,
        declared: DeclaredLicense::Expression(declared),
    })
}

/// A TOML manifest's declarations at `paths` (dotted keys, in the format's order of
/// preference): a string, or a PEP 621 table with `text` or `file`.
pub(crate) fn from_toml(
    file: &SourceFile,
    root: &toml_edit::Table,
    paths: &[&[&str]],
) -> Vec<LicenseDeclaration> {
    let mut out = Vec::new();
    for (rank, path) in paths.iter().enumerate() {
        let mut item: Option<&Item> = root.get(path[0]);
        for key in &path[1..] {
            item = item.and_then(|i| i.get(key));
        }
        let Some(item) = item else { continue };
        let text = |i: Option<&Item>| i.and_then(Item::as_str).map(str::to_string);
        let declared = match text(Some(item)).or_else(|| text(item.get("text"))) {
            Some(expression) => DeclaredLicense::Expression(expression),
            None => match text(item.get("file")) {
                Some(f) => DeclaredLicense::File(f),
                None => continue,
            },
        };
        let line = item.span().map_or(1, |s| file.line_col(s.start).0);
        out.push(LicenseDeclaration {
            path: file.path().to_string(),
            line,
            rank: rank as u8,
            declared,
        });
    }
    out
}

#[cfg(test)]
#[path = "license_tests.rs"]
mod tests;
