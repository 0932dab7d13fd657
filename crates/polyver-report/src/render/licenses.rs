//! `polyver licenses`: the project's licence, each package's licence with where it was read
//! and the policy verdict, as a table or Markdown; and the SARIF rules of licence findings.

use crate::markdown::cell;
use crate::sarif::SarifRule;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_license::policy::Outcome;
use polyver_license::{LicenseReport, Rule};
use std::fmt::{self, Write as _};

/// The SARIF rules of the licence findings.
pub fn sarif_rules() -> Vec<SarifRule> {
    polyver_license::RULES
        .iter()
        .map(SarifRule::from_rule)
        .collect()
}

fn licence_cell(r: &polyver_license::PackageLicense) -> String {
    r.license
        .expression
        .clone()
        .unwrap_or_else(|| "unknown".to_string())
}

fn project_line(report: &LicenseReport) -> String {
    let p = &report.project;
    match (&p.expression, &p.source) {
        (Some(e), Some(s)) => format!("project licence: {e} ({}, from {s})", p.category),
        _ => "project licence: not found (no licence field in the root manifests, no recognized LICENSE file)".to_string(),
    }
}

fn summary_line(report: &LicenseReport) -> String {
    let s = &report.summary;
    let cats: Vec<String> = s
        .by_category
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let sources: Vec<String> = s
        .by_source
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let mut line = format!(
        "{} ({}); {}, {}, {} unknown, {} incompatible; sources: {}",
        super::plural(s.packages, "package", "packages"),
        if cats.is_empty() {
            "none".to_string()
        } else {
            cats.join(", ")
        },
        super::plural(s.violations, "violation", "violations"),
        super::plural(s.warnings, "warning", "warnings"),
        s.unknown,
        s.incompatible,
        if sources.is_empty() {
            "none".to_string()
        } else {
            sources.join(", ")
        },
    );
    if s.registry_lookups > 0 {
        line.push_str(&format!(
            "; registry lookups {} ({} from cache)",
            s.registry_lookups, s.registry_cached
        ));
    }
    line
}

/// The project's licence and its evidence, a row per package (with what a reviewer needs
/// under it), then the summary.
pub fn table(report: &LicenseReport, term: &Term) -> String {
    let mut out = String::new();
    let _ = write_table(report, term, &mut out);
    out
}

fn write_table(report: &LicenseReport, term: &Term, w: &mut String) -> fmt::Result {
    writeln!(
        w,
        "{}",
        term.paint(&escaped(project_line(report)), Style::Bold)
    )?;
    for e in &report.project.evidence {
        let what = e.license.expression.as_deref().unwrap_or("unrecognized");
        writeln!(
            w,
            "  {}: {} ({})",
            escaped(&e.source),
            escaped(what),
            e.license.rule
        )?;
    }
    if !report.packages.is_empty() {
        writeln!(w)?;
        let mut columns = vec![Column::left(); 7];
        columns.push(Column::left().shrink());
        let mut t = Table::new(columns).header([
            "ECOSYSTEM",
            "PACKAGE",
            "VERSION",
            "LICENCE",
            "RULE",
            "CATEGORY",
            "VERDICT",
            "SOURCE",
        ]);
        for r in &report.packages {
            let licence = licence_cell(r);
            let verdict = r.verdict.outcome.id();
            let verdict_style = match verdict {
                "violation" => Some(Style::Bad),
                "pass" => Some(Style::Good),
                _ => None,
            };
            let licence_style = (licence == "unknown").then_some(Style::Bad);
            t.styled_row(vec![
                (r.ecosystem.to_string(), None),
                (r.name.clone(), None),
                (r.version.clone().unwrap_or_else(|| "-".into()), None),
                (licence, licence_style),
                (r.license.rule.to_string(), None),
                (r.category.to_string(), None),
                (verdict.to_string(), verdict_style),
                (r.source.clone().unwrap_or_else(|| "-".into()), None),
            ]);
            t.details(detail_lines(r));
        }
        w.push_str(&t.render(term));
    }
    writeln!(w)?;
    writeln!(w, "{}", escaped(summary_line(report)))
}

/// What a reviewer needs under a row: why it is not a pass, why the licence is unknown or
/// guessed, and the fit with the project's licence.
fn detail_lines(r: &polyver_license::PackageLicense) -> Vec<String> {
    let mut lines = Vec::new();
    let note = r.license.note.as_deref().unwrap_or("");
    let declared = if r.license.declared.is_empty() {
        String::new()
    } else {
        format!("\"{}\": ", r.license.declared)
    };
    match (r.license.rule, r.verdict.outcome) {
        (Rule::Unknown, Outcome::Violation) => {
            lines.push(format!("violation: {}; {declared}{note}", r.verdict.reason))
        }
        (Rule::Unknown, outcome) => lines.push(format!("{}: {declared}{note}", outcome.id())),
        (_, Outcome::Pass) => {}
        (_, outcome) => lines.push(format!("{}: {}", outcome.id(), r.verdict.reason)),
    }
    if r.license.rule == Rule::Guess {
        lines.push(format!("guess: {declared}{note}"));
    }
    if let Some(c) = &r.compatibility {
        let level = match c.level {
            polyver_license::compat::Level::Warning => "incompatible",
            polyver_license::compat::Level::Info => "note",
        };
        lines.push(format!("{level}: {}", c.message));
    }
    lines
}

/// The project's licence, the summary and one Markdown table of the packages, then the
/// compatibility notes.
pub fn markdown(report: &LicenseReport) -> String {
    let mut out = String::new();
    let _ = write_markdown(report, &mut out);
    out
}

fn write_markdown(report: &LicenseReport, w: &mut String) -> fmt::Result {
    writeln!(w, "# Licences of `{}`\n", cell(&report.root))?;
    writeln!(w, "{}\n", cell(&project_line(report)))?;
    writeln!(w, "{}\n", cell(&summary_line(report)))?;
    writeln!(
        w,
        "| ecosystem | package | version | licence | rule | category | verdict | source | reason |"
    )?;
    writeln!(w, "|---|---|---|---|---|---|---|---|---|")?;
    for r in &report.packages {
        let mut reason = r.verdict.reason.clone();
        if let Some(note) = r
            .license
            .note
            .as_ref()
            .filter(|_| r.license.rule != Rule::Spdx)
        {
            reason = format!("{reason}; {note}");
        }
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | **{}** | {} | {} |",
            r.ecosystem,
            cell(&r.name),
            cell(r.version.as_deref().unwrap_or("-")),
            cell(&licence_cell(r)),
            r.license.rule,
            r.category,
            r.verdict.outcome.id(),
            cell(r.source.as_deref().unwrap_or("-")),
            cell(&reason),
        )?;
    }
    let compat: Vec<_> = report
        .packages
        .iter()
        .filter_map(|r| r.compatibility.as_ref().map(|c| (r, c)))
        .collect();
    if !compat.is_empty() {
        writeln!(w, "\n## Compatibility with the project licence\n")?;
        for (r, c) in compat {
            let level = match c.level {
                polyver_license::compat::Level::Warning => "warning",
                polyver_license::compat::Level::Info => "info",
            };
            writeln!(
                w,
                "- **{level}** `{}` {}: {}",
                cell(&r.name),
                cell(r.version.as_deref().unwrap_or("")),
                cell(&c.message)
            )?;
        }
    }
    Ok(())
}
