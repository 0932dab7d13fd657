//! Drift from polyver.lock as [`Finding`]s: one `lock/drift` finding (high) per entry that was
//! added, removed or changed, located at the files that declare it (or at polyver.lock for
//! an entry that is gone).

use crate::{describe, Drift, LockEntry, FILE_NAME};
use polyver_model::{Finding, FindingKind, FindingSeverity, Location, Rule};

/// The rules of this crate's findings.
pub const RULES: &[Rule] = &[Rule {
    id: "lock/drift",
    kind: FindingKind::Drift,
    title: "The repository no longer matches polyver.lock",
    help: "Run `polyver lock` to record the repository as it is now (and commit polyver.lock), \
           or undo the change.",
    severity: Some(FindingSeverity::High),
}];

/// One finding per entry of `drift`: added, then removed, then changed.
pub fn drift_findings(drift: &Drift) -> Vec<Finding> {
    let finding = |title: String, e: &LockEntry, locations: Vec<Location>| Finding {
        kind: FindingKind::Drift,
        rule: RULES[0].id.to_string(),
        severity_unknown: false,
        severity: FindingSeverity::High,
        title,
        ecosystem: Some(e.ecosystem),
        name: Some(e.name.clone()),
        version: e.version.clone(),
        aliases: Vec::new(),
        locations,
    };
    let in_files = |e: &LockEntry| -> Vec<Location> {
        e.files
            .iter()
            .map(|f| Location::new(f.as_str(), 0))
            .collect()
    };
    let mut findings = Vec::new();
    for e in &drift.added {
        findings.push(finding(
            format!("not in polyver.lock: {}", describe(e)),
            e,
            in_files(e),
        ));
    }
    for e in &drift.removed {
        findings.push(finding(
            format!(
                "in polyver.lock, no longer in the repository: {}",
                describe(e)
            ),
            e,
            vec![Location::new(FILE_NAME, 0)],
        ));
    }
    for c in &drift.changed {
        findings.push(finding(
            format!(
                "changed since polyver.lock: {} {}: {}",
                c.after.ecosystem,
                c.after.name,
                c.fields.join("; ")
            ),
            &c.after,
            in_files(&c.after),
        ));
    }
    findings
}

/// One line on the state of polyver.lock, for the gate.
pub fn drift_note(drift: &Drift) -> String {
    if drift.is_empty() {
        format!(
            "polyver.lock is up to date ({} components)",
            drift.unchanged
        )
    } else {
        format!(
            "polyver.lock is out of date: {} added, {} removed, {} changed (`polyver lock --check` shows the diff)",
            drift.added.len(),
            drift.removed.len(),
            drift.changed.len()
        )
    }
}
