//! `polyver history`: the stored scans of one repository, newest first, and the
//! `polyver.history/v1` document (docs/schemas/history.md).

use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_store::ScanSummary;
use serde_json::json;

pub const SCHEMA: &str = "polyver.history/v1";

/// Unix milliseconds as RFC 3339 UTC, to the second.
pub fn time(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// One stored scan as JSON (also `from` and `to` of `polyver.diff/v1`).
pub fn scan_json(s: &ScanSummary) -> serde_json::Value {
    json!({
        "id": s.id,
        "time": time(s.started_at),
        "started_at": s.started_at,
        "finished_at": s.finished_at,
        "commit": s.commit,
        "branch": s.branch,
        "tool_version": s.tool_version,
        "root": s.root,
        "components": s.components,
        "direct_components": s.direct_components,
        "findings": s.findings,
    })
}

/// The `polyver.history/v1` document.
pub fn json(
    repository: &str,
    backend: polyver_store::Backend,
    scans: &[ScanSummary],
) -> serde_json::Value {
    json!({
        "schema": SCHEMA,
        "repository": repository,
        "backend": backend,
        "scans": scans.iter().map(scan_json).collect::<Vec<_>>(),
    })
}

fn short(commit: &Option<String>) -> String {
    commit
        .as_deref()
        .map_or("-".to_string(), |c| c.chars().take(10).collect())
}

/// The repository, one row per scan (numbers right-aligned; red when it found anything high
/// or critical), and how to compare them.
pub fn table(repository: &str, scans: &[ScanSummary], term: &Term) -> String {
    let mut out = format!("{}\n", term.paint(&escaped(repository), Style::Bold));
    if scans.is_empty() {
        out.push_str("no scans stored\n");
        return out;
    }
    let mut columns = vec![Column::right(), Column::left(), Column::left()];
    columns.push(Column::left().shrink());
    columns.extend(vec![Column::right(); 7]);
    let mut t = Table::new(columns).indent(2).header([
        "id",
        "time (UTC)",
        "commit",
        "branch",
        "components",
        "direct",
        "critical",
        "high",
        "medium",
        "low",
        "info",
    ]);
    for s in scans {
        t.row([
            s.id.to_string(),
            time(s.started_at),
            short(&s.commit),
            s.branch.clone().unwrap_or_else(|| "-".into()),
            s.components.to_string(),
            s.direct_components.to_string(),
            s.findings.critical.to_string(),
            s.findings.high.to_string(),
            s.findings.medium.to_string(),
            s.findings.low.to_string(),
            s.findings.info.to_string(),
        ])
        .row_style((s.findings.critical + s.findings.high > 0).then_some(Style::Bad));
    }
    out.push_str(&t.render(term));
    out.push_str(&format!(
        "\n{} scan{} shown (newest first); `polyver diff` compares the last two\n",
        scans.len(),
        if scans.len() == 1 { "" } else { "s" }
    ));
    out
}
