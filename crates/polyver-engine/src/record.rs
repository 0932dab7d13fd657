//! What a stored scan records besides its inventory and diagnostics: the offline analyses,
//! so `history`, `diff` and the registry show each scan's findings by severity, and a
//! server's `/metrics` can count vulnerabilities, drift and `[policy.sla]` breaches per
//! repository from the stored scans alone.

use polyver_analyze::Policy;
use polyver_model::{Finding, Inventory};
use std::path::Path;

/// Findings to store with a scan: conflicts, drift and compatibility always; known
/// vulnerabilities when a local OSV database exists in `osv_db` (none there: not an error,
/// nothing recorded), with the `policy/sla-breach` findings of those past their
/// `[policy.sla]` deadline at the time of the scan (what `polyver check` reports). Returns the findings and the warnings a person should see (an
/// unreadable database means the vulnerabilities are not recorded).
pub fn findings_to_record(
    config: &polyver_config::Config,
    policy: &Policy,
    inventory: &Inventory,
    osv_db: &Path,
) -> (Vec<Finding>, Vec<String>) {
    let mut findings = polyver_analyze::analyze(inventory, policy).findings();
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
    (findings, warnings)
}
