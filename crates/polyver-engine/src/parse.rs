//! Files the scan could not read or parse, as findings: what such a file declares is missing
//! from the inventory, so every later check (audit, licences, conflicts) passes on less than
//! the repository holds. The gate fails on them unless told otherwise.

use polyver_model::{
    Diagnostic, DiagnosticCode, Finding, FindingKind, FindingSeverity, Inventory, Location, Rule,
    Severity,
};

pub const UNREADABLE: &str = "diagnostic/unreadable";

pub const RULES: &[Rule] = &[Rule {
    id: UNREADABLE,
    kind: FindingKind::Diagnostic,
    title: "A file (or a line of it) could not be read or parsed; what it declares is missing",
    help: "fix the file at the line given, or exclude it in polyver.toml's [scan] exclude; \
           `polyver check --allow-parse-errors` lists it without failing",
    severity: Some(FindingSeverity::High),
}];

/// Whether `d` means something the file declares was lost.
pub fn lost_data(d: &Diagnostic) -> bool {
    d.severity == Severity::Error
        || matches!(
            d.code,
            DiagnosticCode::ParseError | DiagnosticCode::NotUtf8 | DiagnosticCode::IoError
        )
}

/// One finding per diagnostic that lost data, in the inventory's order.
pub fn findings(inventory: &Inventory) -> Vec<Finding> {
    inventory
        .diagnostics
        .iter()
        .filter(|d| lost_data(d))
        .map(|d| Finding {
            kind: FindingKind::Diagnostic,
            rule: UNREADABLE.to_string(),
            severity_unknown: false,
            severity: FindingSeverity::High,
            title: format!("{} ({})", d.message, d.code.id()),
            ecosystem: None,
            name: None,
            version: None,
            aliases: Vec::new(),
            locations: vec![Location {
                path: d.path.clone(),
                line: d.line,
                column: d.column,
            }],
        })
        .collect()
}
