//! `polyver lock`: what was written, and with `--check` how polyver.lock drifted from the
//! repository (a per-file stat like `git diff --stat`, then one line per entry), as text and
//! as the `polyver.lock-write/v1` and `polyver.lock-check/v1` documents.

use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_lock::{describe, Drift};
use polyver_model::Ecosystem;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

pub const CHECK_SCHEMA: &str = "polyver.lock-check/v1";
pub const WRITE_SCHEMA: &str = "polyver.lock-write/v1";

/// The `polyver.lock-write/v1` document.
pub fn write_json(path: &str, components: usize, files: usize, written: bool) -> serde_json::Value {
    json!({
        "schema": WRITE_SCHEMA,
        "path": path,
        "components": components,
        "files": files,
        "written": written,
    })
}

/// What `polyver lock` did, in one line.
pub fn written(path: &str, components: usize, files: usize, written: bool) -> String {
    if written {
        format!(
            "wrote {}: {} from {}\n",
            escaped(path),
            super::plural(components, "component", "components"),
            super::plural(files, "file", "files")
        )
    } else {
        format!(
            "{} is up to date ({})\n",
            escaped(path),
            super::plural(components, "component", "components")
        )
    }
}

/// The `polyver.lock-check/v1` document.
pub fn check_json(path: &str, drift: &Drift) -> serde_json::Value {
    json!({
        "schema": CHECK_SCHEMA,
        "path": path,
        "up_to_date": drift.is_empty(),
        "unchanged": drift.unchanged,
        "added": drift.added,
        "removed": drift.removed,
        "changed": drift.changed,
    })
}

/// `--check`: up to date, or the counts, a stat per file and one line per entry.
pub fn check(path: &str, drift: &Drift, term: &Term) -> String {
    if drift.is_empty() {
        return format!(
            "{} is up to date ({})\n",
            escaped(path),
            super::plural(drift.unchanged, "component", "components")
        );
    }
    let mut out = format!(
        "{} is out of date: {} added, {} removed, {} changed, {} unchanged\n",
        escaped(path),
        drift.added.len(),
        drift.removed.len(),
        drift.changed.len(),
        drift.unchanged
    );
    // Per file, like `git diff --stat`: how many entries it added, removed, changed.
    let mut per_file: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for (entries, slot) in [(&drift.added, 0), (&drift.removed, 1)] {
        for f in entries.iter().flat_map(|e| &e.files) {
            per_file.entry(f.as_str()).or_default()[slot] += 1;
        }
    }
    for c in &drift.changed {
        let files: BTreeSet<&String> = c.before.files.iter().chain(&c.after.files).collect();
        for f in files {
            per_file.entry(f.as_str()).or_default()[2] += 1;
        }
    }
    let columns = vec![
        Column::left().shrink(),
        Column::left(),
        Column::right().min(3),
        Column::left(),
    ];
    let mut stat = Table::new(columns).indent(2).gap(" ");
    for (file, [added, removed, changed]) in &per_file {
        stat.row([
            file.to_string(),
            "|".to_string(),
            (added + removed + changed).to_string(),
        ])
        .tail(vec![
            ("+".repeat((*added).min(40)), Some(Style::Good)),
            ("-".repeat((*removed).min(40)), Some(Style::Bad)),
            ("~".repeat((*changed).min(40)), None),
        ]);
    }
    out.push_str(&stat.render(term));
    out.push('\n');
    // One line per entry, in name order, like a diff.
    let mut lines: Vec<((Ecosystem, &str), String)> = Vec::new();
    for e in &drift.added {
        let text = escaped(format!("+ {}", describe(e)));
        lines.push(((e.ecosystem, &e.name), term.paint(&text, Style::Good)));
    }
    for e in &drift.removed {
        let text = escaped(format!("- {}", describe(e)));
        lines.push(((e.ecosystem, &e.name), term.paint(&text, Style::Bad)));
    }
    for c in &drift.changed {
        let text = escaped(format!(
            "~ {} {}: {} (in {})",
            c.after.ecosystem,
            c.after.name,
            c.fields.join("; "),
            c.after.files.join(", ")
        ));
        lines.push(((c.after.ecosystem, &c.after.name), text));
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, line) in lines {
        out.push_str(&format!("  {line}\n"));
    }
    out
}
