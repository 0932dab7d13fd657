//! The check after every rewrite: the file's own extractor reads the new text, and the
//! component must be there, at the same line, with the new version (or the new constraint).
//! Anything else — the edit landed somewhere the extractor does not read, the file no
//! longer parses, the name changed — rolls the edit back with this diagnostic.

use polyver_extract::SourceFile;
use polyver_model::Component;

use crate::rewrite::Expected;

/// `Ok` when `text` (the edited file at `path`) still declares `component` at `line` with
/// what `expected` says; `Err` says what the re-scan saw instead.
pub fn rescan(
    component: &Component,
    path: &str,
    line: u32,
    before: &str,
    text: &str,
    expected: &Expected,
) -> Result<(), String> {
    let extractor = polyver_extract::registry::extractor(component.source);
    let errors = |found: &polyver_extract::Extracted| {
        found
            .diagnostics
            .iter()
            .filter(|d| d.severity == polyver_model::Severity::Error)
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    let was = errors(&extractor.extract(&SourceFile::from_text(path, before)));
    let found = extractor.extract(&SourceFile::from_text(path, text));
    if let Some(new) = errors(&found).into_iter().find(|m| !was.contains(m)) {
        return Err(format!("the edited file has a new parse error: {new}"));
    }
    let here: Vec<&Component> = found
        .components
        .iter()
        .filter(|c| c.name == component.name && c.ecosystem == component.ecosystem)
        .filter(|c| c.locations.iter().any(|l| l.path == path && l.line == line))
        .collect();
    let Some(first) = here.first() else {
        return Err(format!(
            "after the edit the re-scan finds no {} at {path}:{line}",
            component.name
        ));
    };
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for c in &here {
        let version_ok = expected
            .version
            .as_ref()
            .is_none_or(|v| c.version.as_deref() == Some(v.as_str()));
        let constraint_ok = expected.constraint.as_ref().is_none_or(|k| {
            c.constraint
                .as_ref()
                .is_some_and(|got| squash(&got.raw) == squash(k))
        });
        if version_ok && constraint_ok {
            return Ok(());
        }
    }
    Err(format!(
        "after the edit the re-scan reads {} at {path}:{line} as {} (expected {})",
        component.name,
        describe(
            first.version.as_deref(),
            first.constraint.as_ref().map(|k| k.raw.as_str())
        ),
        describe(expected.version.as_deref(), expected.constraint.as_deref()),
    ))
}

fn describe(version: Option<&str>, constraint: Option<&str>) -> String {
    match (version, constraint) {
        (Some(v), Some(k)) if k.trim_start_matches(['=', ' ']) != v => format!("{v} ({k})"),
        (Some(v), _) => v.to_string(),
        (None, Some(k)) => format!("`{k}`"),
        (None, None) => "no version".to_string(),
    }
}
