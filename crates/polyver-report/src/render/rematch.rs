//! What `polyver db sync --rematch` / `db import --rematch` did to the registry: the
//! repositories matched, the findings that were new, and each webhook delivery; as text
//! after the command's own, and as the `rematch` member of its JSON document.

use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_rematch::RematchReport;
use polyver_store::DeliveryStatus;
use serde_json::json;

/// The `rematch` member of `polyver.db-sync/v1` and `polyver.db-import/v1`; `registry` is
/// the registry's URL without its password.
pub fn json(report: &RematchReport, registry: &str) -> serde_json::Value {
    json!({
        "registry": registry,
        "repositories": report.repositories,
        "advisories": report.advisories,
        "findings": report.findings,
        "new_findings": report.new_findings,
        "deliveries": report.deliveries,
        "interrupted": report.interrupted,
        "warnings": report.warnings,
    })
}

/// A headline, then a line per new finding and per delivery.
pub fn text(report: &RematchReport, registry: &str, term: &Term) -> String {
    let mut out = format!(
        "re-matched {} against {} ({}): {}",
        super::plural(report.repositories, "repository", "repositories"),
        super::plural(report.advisories as usize, "advisory", "advisories"),
        escaped(registry),
        super::plural(report.new_findings.len(), "new finding", "new findings"),
    );
    if !report.deliveries.is_empty() {
        let delivered = report
            .deliveries
            .iter()
            .filter(|d| d.status == DeliveryStatus::Delivered)
            .count();
        out.push_str(&format!(
            ", {} of {} delivered",
            delivered,
            super::plural(report.deliveries.len(), "webhook post", "webhook posts")
        ));
    }
    out.push('\n');
    let mut findings = Table::new(vec![
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left().shrink(),
    ])
    .indent(2);
    for f in &report.new_findings {
        findings.styled_row(vec![
            (f.repository.clone(), None),
            (f.component.clone(), None),
            (f.id.clone(), Some(Style::Bold)),
            (f.severity.clone(), None),
            (
                f.smallest_fix
                    .as_ref()
                    .map_or_else(|| "no fix".to_string(), |v| format!("fix: {v}")),
                None,
            ),
        ]);
    }
    out.push_str(&findings.render(term));
    let mut posts = Table::new(vec![
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left().shrink(),
    ])
    .indent(2);
    for d in &report.deliveries {
        let style = match d.status {
            DeliveryStatus::Delivered => Some(Style::Good),
            DeliveryStatus::Failed => Some(Style::Bad),
            _ => None,
        };
        let mut detail = super::plural(d.attempts as usize, "attempt", "attempts");
        if let (DeliveryStatus::Failed, Some(e)) = (d.status, &d.error) {
            detail.push_str(": ");
            detail.push_str(e);
        }
        posts.styled_row(vec![
            (d.status.id().to_string(), style),
            (d.kind.clone(), None),
            (d.webhook.clone(), None),
            (d.repository.clone(), None),
            (d.finding.clone(), None),
            (detail, None),
        ]);
    }
    out.push_str(&posts.render(term));
    out
}
