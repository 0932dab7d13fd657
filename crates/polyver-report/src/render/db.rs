//! `polyver db import|sync|status`: what changed in the local OSV database and what it holds,
//! as text and as the `polyver.db-import/v1`, `polyver.db-sync/v1` and `polyver.db-status/v1`
//! documents.

use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_advisory::db::{Database, UpdateSummary, Verified};
use polyver_advisory::sync::SyncOutcome;
use serde_json::json;
use std::path::Path;

/// `3 days ago`, `5 hours ago`, `just now`.
pub fn age(seconds: u64) -> String {
    let (n, unit) = match seconds {
        s if s < 60 => return "just now".to_string(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The `polyver.db-import/v1` document.
pub fn import_json(database: &Path, summary: &UpdateSummary, seconds: f64) -> serde_json::Value {
    json!({
        "schema": "polyver.db-import/v1",
        "database": database,
        "summary": summary,
        "seconds": seconds,
    })
}

/// What `db import` did, in one line.
pub fn import_line(database: &Path, summary: &UpdateSummary, seconds: f64) -> String {
    format!(
        "imported {} ({}) into {}: {} skipped as corrupt, {} withdrawn, {} without a package; {} in the database ({seconds:.2}s)\n",
        super::plural(summary.imported, "advisory", "advisories"),
        escaped(summary.ecosystems.join(", ")),
        escaped(database.display()),
        summary.skipped,
        summary.withdrawn,
        summary.without_package,
        summary.total,
    )
}

/// The `polyver.db-sync/v1` document.
pub fn sync_json(database: &Path, base_url: &str, outcomes: &[SyncOutcome]) -> serde_json::Value {
    json!({
        "schema": "polyver.db-sync/v1",
        "database": database,
        "base_url": base_url,
        "ecosystems": outcomes,
    })
}

/// One line per synced ecosystem: updated, unchanged or refused, and why.
pub fn sync_table(outcomes: &[SyncOutcome], term: &Term) -> String {
    let columns = vec![
        Column::left().min(12),
        Column::left().min(9),
        Column::left().shrink(),
    ];
    let mut t = Table::new(columns).gap(" ");
    for o in outcomes {
        // Any other status (a 304, an identical export) reads as unchanged.
        let (word, style) = match o.status {
            "updated" => ("updated", Some(Style::Good)),
            "refused" => ("refused", Some(Style::Bad)),
            _ => ("unchanged", None),
        };
        let detail = match (&o.refused, o.status) {
            (Some(reason), _) => format!(" kept: {reason}"),
            (None, "updated") => format!(
                " ({} KiB downloaded, {} skipped, {} withdrawn)",
                o.bytes / 1024,
                o.skipped,
                o.withdrawn
            ),
            _ => String::new(),
        };
        t.styled_row(vec![
            (o.ecosystem.clone(), None),
            (word.to_string(), style),
            (
                format!(
                    "{}{detail}",
                    super::plural(o.advisories, "advisory", "advisories")
                ),
                None,
            ),
        ]);
    }
    t.render(term)
}

/// The `polyver.db-status/v1` document; ages counted from `now` (Unix seconds).
pub fn status_json(db: &Database, verified: Option<&Verified>, now: u64) -> serde_json::Value {
    let ecosystems: serde_json::Map<String, serde_json::Value> = db
        .ecosystems()
        .iter()
        .map(|(name, m)| {
            let mut v = serde_json::to_value(m).unwrap_or_default();
            v["age_seconds"] = json!(now.saturating_sub(m.imported_at));
            (name.clone(), v)
        })
        .collect();
    let mut doc = json!({
        "schema": "polyver.db-status/v1",
        "database": db.path(),
        "advisories": db.advisory_count(),
        "ecosystems": ecosystems,
    });
    if let Some(v) = verified {
        doc["verified"] = json!(v);
    }
    doc
}

/// The database file, one row per ecosystem, the total, and the checksum verdict.
pub fn status_table(db: &Database, verified: Option<&Verified>, now: u64, term: &Term) -> String {
    let mut out = format!(
        "{}\n",
        term.paint(&escaped(db.path().display()), Style::Bold)
    );
    let mut columns = vec![Column::left(); 5];
    columns.push(Column::left().shrink());
    let mut t = Table::new(columns).indent(2).header([
        "ecosystem",
        "advisories",
        "packages",
        "updated",
        "newest advisory",
        "source",
    ]);
    for (name, m) in db.ecosystems() {
        t.row([
            name.clone(),
            m.advisories.to_string(),
            m.packages.to_string(),
            age(now.saturating_sub(m.imported_at)),
            m.newest_modified.get(..10).unwrap_or("-").to_string(),
            m.source.clone(),
        ]);
    }
    out.push_str(&t.render(term));
    out.push_str(&format!(
        "{} in total\n",
        super::plural(
            usize::try_from(db.advisory_count()).unwrap_or(usize::MAX),
            "advisory",
            "advisories"
        )
    ));
    if let Some(v) = verified {
        out.push_str(&format!(
            "verified: every checksum of the {} advisory records ({} KiB) matches\n",
            v.advisories,
            v.bytes / 1024
        ));
    }
    out
}
