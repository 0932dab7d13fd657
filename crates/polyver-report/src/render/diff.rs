//! `polyver diff`: what changed between two stored scans, per ecosystem, as a table,
//! Markdown, and the `polyver.diff/v1` document (docs/schemas/diff.md).

use super::history::{scan_json, time};
use crate::markdown::cell;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_store::{Change, ChangeKind, Comparison, Diff, ScanSummary};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

pub const SCHEMA: &str = "polyver.diff/v1";

const KINDS: [ChangeKind; 5] = [
    ChangeKind::Added,
    ChangeKind::Removed,
    ChangeKind::Upgraded,
    ChangeKind::Downgraded,
    ChangeKind::Constraint,
];

fn counts(changes: &[&Change]) -> BTreeMap<&'static str, usize> {
    KINDS
        .iter()
        .map(|k| (k.id(), changes.iter().filter(|c| c.change == *k).count()))
        .collect()
}

/// The `polyver.diff/v1` document.
pub fn json(
    repository: &str,
    from: &ScanSummary,
    to: &ScanSummary,
    diff: &Diff,
) -> serde_json::Value {
    let all: Vec<&Change> = diff.changes.iter().collect();
    let per_eco: BTreeMap<String, _> = diff
        .by_ecosystem()
        .iter()
        .map(|(e, c)| (e.id().to_string(), counts(c)))
        .collect();
    json!({
        "schema": SCHEMA,
        "repository": repository,
        "from": scan_json(from),
        "to": scan_json(to),
        "summary": counts(&all),
        "ecosystems": per_eco,
        "changes": diff.changes,
    })
}

fn scan_label(s: &ScanSummary) -> String {
    let commit = s
        .commit
        .as_deref()
        .map(|c| format!(" {}", escaped(c.chars().take(10).collect::<String>())))
        .unwrap_or_default();
    format!("scan {} ({}{commit})", s.id, time(s.started_at))
}

fn summary_line(diff: &Diff) -> String {
    let text = diff
        .changes
        .iter()
        .filter(|c| c.compared_as == Some(Comparison::Text))
        .count();
    let mut s = format!(
        "{} added, {} removed, {} upgraded, {} downgraded, {} constraints changed",
        diff.count(ChangeKind::Added),
        diff.count(ChangeKind::Removed),
        diff.count(ChangeKind::Upgraded),
        diff.count(ChangeKind::Downgraded),
        diff.count(ChangeKind::Constraint)
    );
    if text > 0 {
        s.push_str(&format!(
            " ({text} ordered as text: no version rules for them, marked *)"
        ));
    }
    s
}

fn versions(c: &Change) -> String {
    let mark = if c.compared_as == Some(Comparison::Text) {
        " *"
    } else {
        ""
    };
    match (&c.from, &c.to) {
        (Some(f), Some(t)) => format!("{f} -> {t}{mark}"),
        (Some(v), None) | (None, Some(v)) => v.clone(),
        (None, None) => "-".into(),
    }
}

/// The two scans, then per ecosystem one line per change, then the counts.
pub fn table(
    repository: &str,
    from: &ScanSummary,
    to: &ScanSummary,
    diff: &Diff,
    term: &Term,
) -> String {
    let mut w = format!(
        "{}: {} -> {}\n",
        term.paint(&escaped(repository), Style::Bold),
        scan_label(from),
        scan_label(to)
    );
    for (eco, changes) in diff.by_ecosystem() {
        w.push_str(&format!("\n{}\n", term.paint(eco.id(), Style::Bold)));
        let columns = vec![
            Column::left().min(10),
            Column::left(),
            Column::left(),
            Column::left().shrink(),
        ];
        let mut t = Table::new(columns).indent(2);
        for c in changes {
            let style = match c.change {
                ChangeKind::Added | ChangeKind::Upgraded => Style::Good,
                ChangeKind::Removed | ChangeKind::Downgraded => Style::Bad,
                ChangeKind::Constraint => Style::Bold,
            };
            t.styled_row(vec![
                (c.change.id().to_string(), Some(style)),
                (c.name.clone(), None),
                (versions(c), None),
                (c.location.clone().unwrap_or_default(), None),
            ]);
        }
        w.push_str(&t.render(term));
    }
    if diff.changes.is_empty() {
        w.push_str("\nno changes\n");
    }
    w.push_str(&format!("\n{}\n", summary_line(diff)));
    w
}

/// The two scans, the counts per ecosystem, then one Markdown table per ecosystem.
pub fn markdown(repository: &str, from: &ScanSummary, to: &ScanSummary, diff: &Diff) -> String {
    let mut out = String::new();
    let _ = write_markdown(repository, from, to, diff, &mut out);
    out
}

fn write_markdown(
    repository: &str,
    from: &ScanSummary,
    to: &ScanSummary,
    diff: &Diff,
    w: &mut String,
) -> fmt::Result {
    writeln!(w, "# Changes in `{}`\n", cell(repository))?;
    writeln!(w, "From {} to {}.\n", scan_label(from), scan_label(to))?;
    writeln!(w, "{}\n", summary_line(diff))?;
    if diff.changes.is_empty() {
        return Ok(());
    }
    writeln!(
        w,
        "| ecosystem | added | removed | upgraded | downgraded | constraints changed |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|---:|")?;
    let groups = diff.by_ecosystem();
    for (eco, changes) in &groups {
        let n = counts(changes);
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} |",
            eco, n["added"], n["removed"], n["upgraded"], n["downgraded"], n["constraint"]
        )?;
    }
    for (eco, changes) in &groups {
        writeln!(w, "\n## {eco}\n")?;
        writeln!(w, "| change | name | version | location |")?;
        writeln!(w, "|---|---|---|---|")?;
        for c in changes {
            writeln!(
                w,
                "| {} | {} | {} | {} |",
                c.change.id(),
                cell(&c.name),
                cell(&versions(c)),
                cell(c.location.as_deref().unwrap_or(""))
            )?;
        }
    }
    Ok(())
}
