//! Which of a repository's findings are new. (Its latest scan's stored components go through
//! `polyver audit`'s own matcher, `polyver_advisory::matcher::audit_components`.)
//!
//! A finding is new when neither the scan's own stored findings nor an earlier re-match knew
//! it for that component, under any of its ids: advisories of one flaw are published as
//! PYSEC, GHSA and CVE copies, and which id is primary can change when a copy is added, so
//! `PYSEC-2023-74` with alias `GHSA-j8r2-6x86-q33q` is the same finding as a stored
//! `GHSA-j8r2-6x86-q33q`. A not-pinned finding (a constraint that admits affected versions)
//! is named by its most severe admitted advisory, so it is new again only when a more severe
//! advisory takes that place.

use crate::RematchError;
use polyver_advisory::{AuditReport, VulnFinding};
use polyver_model::{Finding, FindingKind};
use polyver_store::{KnownFinding, NewFinding, ScanSummary};
use serde_json::json;
use std::collections::BTreeSet;

/// The component a finding is about: `pypi:requests@2.25.0`, or `pypi:requests` when no
/// version is pinned.
pub fn component_key(f: &VulnFinding) -> String {
    match &f.version {
        Some(v) => format!("{}:{}@{v}", f.ecosystem.id(), f.name),
        None => format!("{}:{}", f.ecosystem.id(), f.name),
    }
}

fn ids(f: &VulnFinding) -> BTreeSet<&str> {
    std::iter::once(f.id.as_str())
        .chain(f.aliases.iter().map(String::as_str))
        .collect()
}

/// Whether `f` is among the scan's stored vulnerability findings or what earlier re-matches
/// recorded, under any of its ids.
pub(crate) fn is_known(f: &VulnFinding, stored: &[Finding], known: &[KnownFinding]) -> bool {
    let ids = ids(f);
    let in_scan = stored.iter().any(|s| {
        s.kind == FindingKind::Vulnerability
            && s.ecosystem == Some(f.ecosystem)
            && s.name.as_deref() == Some(f.name.as_str())
            && s.version == f.version
            && std::iter::once(&s.rule)
                .chain(&s.aliases)
                .any(|id| ids.contains(id.as_str()))
    });
    let key = component_key(f);
    in_scan
        || known.iter().any(|k| {
            k.component == key
                && std::iter::once(&k.advisory_id)
                    .chain(&k.aliases)
                    .any(|id| ids.contains(id.as_str()))
        })
}

/// Unix milliseconds as RFC 3339 UTC, to the second.
fn time(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The findings of `report` that are new for `repository` (each once), as the store records
/// them: the notice a webhook receives (repository, scan, finding as `polyver audit` prints
/// it) in `data`.
pub(crate) fn new_findings(
    scan: &ScanSummary,
    report: &AuditReport,
    stored: &[Finding],
    known: &[KnownFinding],
) -> Result<Vec<NewFinding>, RematchError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for f in &report.findings {
        let key = component_key(f);
        if is_known(f, stored, known) || !seen.insert((f.id.clone(), key.clone())) {
            continue;
        }
        let notice = json!({
            "repository": scan.repository,
            "scan": {
                "id": scan.id,
                "commit": scan.commit,
                "branch": scan.branch,
                "finished_at": time(scan.finished_at),
            },
            "finding": f,
        });
        out.push(NewFinding {
            advisory_id: f.id.clone(),
            component: key,
            aliases: f.aliases.clone(),
            severity: f.effective_severity.id().to_string(),
            data: serde_json::to_string(&notice)
                .map_err(|e| RematchError::Corrupt(e.to_string()))?,
        });
    }
    Ok(out)
}
