//! What a stored scan records besides its inventory and diagnostics: the offline analyses,
//! so `history`, `diff` and the registry show each scan's findings by severity, and a
//! server's `/metrics` can count vulnerabilities, drift and `[policy.sla]` breaches per
//! repository from the stored scans alone; and the compatibility matrix, so the dashboard
//! shows every rule that was checked, not only those that failed.

use polyver_analyze::{CompatRow, Policy};
use polyver_model::{Finding, Inventory};
use polyver_store::{CompatEvidence, CompatResult, StoredCompat};
use std::path::Path;

/// What a stored scan records besides its inventory and diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Analyses {
    /// The analyses' findings (conflicts, drift, compatibility; vulnerabilities and SLA
    /// breaches with an OSV database).
    pub findings: Vec<Finding>,
    /// The compatibility matrix, one row per cell ([`stored_matrix`]).
    pub compatibility: Vec<StoredCompat>,
    /// What a person should see (an unreadable OSV database).
    pub warnings: Vec<String>,
}

/// The matrix of `polyver report` as the registry keeps it: one row per cell, and one
/// `not-applicable` row for a rule with none, in the report's order.
pub fn stored_matrix(matrix: &[CompatRow]) -> Vec<StoredCompat> {
    let mut rows = Vec::new();
    for rule in matrix {
        let row = |result| StoredCompat {
            rule: rule.rule.clone(),
            declared: rule.declared,
            title: rule.title.clone(),
            origin: rule.origin.clone(),
            reason: rule.reason.clone(),
            result,
            checked: None,
            path: None,
            line: None,
            relation: None,
            evidence: Vec::new(),
        };
        if rule.cells.is_empty() {
            rows.push(row(CompatResult::NotApplicable));
        }
        for cell in &rule.cells {
            rows.push(StoredCompat {
                checked: Some(cell.checked.clone()),
                path: Some(cell.location.path.clone()),
                line: Some(cell.location.line),
                relation: Some(cell.relation.to_string()),
                evidence: cell
                    .evidence
                    .iter()
                    .map(|e| CompatEvidence {
                        requirement: e.requirement.clone(),
                        path: e.location.path.clone(),
                        line: e.location.line,
                    })
                    .collect(),
                ..row(if cell.pass {
                    CompatResult::Pass
                } else {
                    CompatResult::Fail
                })
            });
        }
    }
    rows
}

/// Findings to store with a scan: conflicts, drift and compatibility always; known
/// vulnerabilities when a local OSV database exists in `osv_db` (none there: not an error,
/// nothing recorded), with the `policy/sla-breach` findings of those past their
/// `[policy.sla]` deadline at the time of the scan (what `polyver check` reports); and the
/// compatibility matrix of the same analysis. An unreadable database is a warning: the
/// vulnerabilities are not recorded.
pub fn findings_to_record(
    config: &polyver_config::Config,
    policy: &Policy,
    inventory: &Inventory,
    osv_db: &Path,
) -> Analyses {
    let conflicts = polyver_analyze::analyze(inventory, policy);
    let compatibility = stored_matrix(&conflicts.compat_matrix);
    let mut findings = conflicts.findings();
    let mut warnings = Vec::new();
    let path = polyver_advisory::Database::file_in(osv_db);
    if path.is_file() {
        let audited = polyver_advisory::Database::open(&path).and_then(|db| {
            polyver_advisory::audit(inventory, &db, &crate::audit::audit_options(config))
        });
        match audited {
            Ok(report) => {
                findings.extend(report.findings());
                findings.extend(polyver_analyze::sla::breaches(
                    &report.findings,
                    &config.policy.sla,
                    polyver_upstream::Timestamp::now(),
                ));
            }
            Err(e) => warnings.push(format!("vulnerabilities not recorded with this scan: {e}")),
        }
    }
    Analyses {
        findings,
        compatibility,
        warnings,
    }
}
