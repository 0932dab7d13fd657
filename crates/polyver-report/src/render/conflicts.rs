//! `polyver conflicts`: the findings of `polyver-analyze` grouped by kind, each with the places
//! that disagree.

use crate::markdown::cell;
use crate::sarif::SarifRule;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_analyze::{Conflict, ConflictKind, Report};
use polyver_model::FindingSeverity;
use std::fmt::{self, Write as _};

/// One SARIF rule per `polyver-analyze` rule id.
pub fn sarif_rules() -> Vec<SarifRule> {
    polyver_analyze::RULES
        .iter()
        .map(SarifRule::from_rule)
        .collect()
}

fn groups(report: &Report) -> Vec<(ConflictKind, Vec<&Conflict>)> {
    ConflictKind::ALL
        .into_iter()
        .map(|k| {
            let of_kind: Vec<&Conflict> = report.conflicts.iter().filter(|c| c.kind == k).collect();
            (k, of_kind)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// Per kind, each finding with its places; then the counts and the verdict against `fail_on`.
pub fn table(report: &Report, fail_on: FindingSeverity, term: &Term) -> String {
    let mut out = String::new();
    let _ = write_table(report, fail_on, term, &mut out);
    out
}

fn write_table(
    report: &Report,
    fail_on: FindingSeverity,
    term: &Term,
    w: &mut String,
) -> fmt::Result {
    for (kind, conflicts) in groups(report) {
        writeln!(w, "{}", term.paint(kind.title(), Style::Bold))?;
        for c in conflicts {
            let style = if c.severity >= FindingSeverity::High {
                Style::Bad
            } else {
                Style::Bold
            };
            let sev = term.paint(&format!("{:<8}", c.severity.id()), style);
            let eco = c.ecosystem.map(|e| format!("{e} ")).unwrap_or_default();
            writeln!(
                w,
                "  {sev} {eco}{}: {}",
                escaped(&c.name),
                escaped(&c.title)
            )?;
            let mut places = Table::new(vec![Column::left().shrink(), Column::left()]).indent(11);
            for e in &c.entries {
                places.row([e.location.to_string(), e.requirement.clone()]);
            }
            w.push_str(&places.render(term));
            if let Some(x) = &c.explanation {
                writeln!(w, "           why: {}", escaped(x))?;
            }
        }
        writeln!(w)?;
    }
    let by_sev: Vec<String> = FindingSeverity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            report
                .summary
                .by_severity
                .get(s.id())
                .map(|n| format!("{n} {s}"))
        })
        .collect();
    let failing = report
        .conflicts
        .iter()
        .filter(|c| c.severity >= fail_on)
        .count();
    let verdict = if failing > 0 {
        term.paint(&format!("{failing} at or above {fail_on}"), Style::Bad)
    } else {
        term.paint(&format!("none at or above {fail_on}"), Style::Good)
    };
    write!(
        w,
        "{}",
        super::plural(report.summary.total, "finding", "findings")
    )?;
    if !by_sev.is_empty() {
        write!(w, " ({})", by_sev.join(", "))?;
    }
    write!(w, "; {verdict}")?;
    if !report.notes.is_empty() {
        write!(
            w,
            "; {} constraints not evaluated (-v lists them)",
            report.notes.len()
        )?;
    }
    writeln!(w)
}

/// One Markdown table per kind.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = write_markdown(report, &mut out);
    out
}

fn write_markdown(report: &Report, w: &mut String) -> fmt::Result {
    writeln!(w, "# Conflicts\n")?;
    for (kind, conflicts) in groups(report) {
        writeln!(w, "## {}\n", kind.title())?;
        writeln!(w, "| severity | component | problem | where |")?;
        writeln!(w, "|---|---|---|---|")?;
        for c in conflicts {
            let eco = c.ecosystem.map(|e| format!("{e} ")).unwrap_or_default();
            let places: Vec<String> = c
                .entries
                .iter()
                .map(|e| {
                    format!(
                        "`{}` {}",
                        cell(&e.location.to_string()),
                        cell(&e.requirement)
                    )
                })
                .collect();
            let mut problem = cell(&c.title);
            if let Some(x) = &c.explanation {
                problem.push_str(&format!(" — {}", cell(x)));
            }
            writeln!(
                w,
                "| {} | {eco}{} | {problem} | {} |",
                c.severity,
                cell(&c.name),
                places.join("<br>")
            )?;
        }
        writeln!(w)?;
    }
    writeln!(
        w,
        "{}.",
        super::plural(report.summary.total, "finding", "findings")
    )
}

/// The JSON document of `polyver conflicts`: the report with its threshold and verdict.
#[derive(serde::Serialize)]
pub struct Document<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    pub fail_on: FindingSeverity,
    pub failed: bool,
}
