//! `polyver audit`: each vulnerable component with its advisory, fix and places, then a
//! headline; the same as Markdown; and the SARIF rules of the advisories found.

use crate::markdown::cell;
use crate::sarif::SarifRule;
use crate::term::{escaped, Style, Term};
use polyver_advisory::matcher::Status;
use polyver_advisory::{AuditReport, VulnFinding};
use polyver_model::FindingSeverity;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

/// Findings per advisory severity (`unknown` when the advisory has none).
pub fn by_severity(report: &AuditReport) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for f in &report.findings {
        let key = f.severity.map_or("unknown", |s| s.id());
        *counts.entry(key).or_default() += 1;
    }
    counts
}

fn severity_cell(f: &VulnFinding) -> String {
    let word = f.severity.map_or("unknown", |s| s.id()).to_uppercase();
    match f.score {
        Some(s) => format!("{word} {s:.1}"),
        None => word,
    }
}

/// Every finding, then `N vulnerabilities (...) in X of `components` components`.
pub fn table(report: &AuditReport, components: usize, term: &Term) -> String {
    let mut out = String::new();
    let _ = write_table(report, components, term, &mut out);
    out
}

fn write_table(
    report: &AuditReport,
    components: usize,
    term: &Term,
    w: &mut String,
) -> fmt::Result {
    for f in &report.findings {
        let sev = severity_cell(f);
        let painted = match f.effective_severity {
            FindingSeverity::Critical | FindingSeverity::High => term.paint(&sev, Style::Bad),
            _ => sev,
        };
        let what = escaped(match &f.version {
            Some(v) => format!("{} {v}", f.name),
            None => format!("{} (not pinned)", f.name),
        });
        let ids = if f.aliases.is_empty() {
            f.id.clone()
        } else {
            format!("{} ({})", f.id, f.aliases.join(", "))
        };
        writeln!(
            w,
            "{painted}  {}  {}",
            term.paint(&format!("{} {what}", f.ecosystem), Style::Bold),
            escaped(ids)
        )?;
        writeln!(w, "    {}", escaped(&f.summary))?;
        writeln!(w, "    {}", escaped(f.fix_text()))?;
        match &f.ignore {
            Some(ig) if ig.expired => writeln!(
                w,
                "    ignore of {} expired on {} (reason was: {})",
                escaped(&ig.id),
                escaped(ig.until.as_deref().unwrap_or("?")),
                escaped(&ig.reason)
            )?,
            Some(ig) => writeln!(
                w,
                "    {} ignored by polyver.toml: {}",
                escaped(&ig.id),
                escaped(&ig.reason)
            )?,
            None => {}
        }
        let at: Vec<String> = f.locations.iter().map(|l| l.to_string()).collect();
        writeln!(w, "    at {}", escaped(at.join(", ")))?;
    }
    let counts = by_severity(report);
    let parts: Vec<String> = ["critical", "high", "medium", "low", "info", "unknown"]
        .iter()
        .filter_map(|k| counts.get(k).map(|n| format!("{n} {k}")))
        .collect();
    let affected: BTreeSet<(&str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.name.as_str(), f.version.as_deref()))
        .collect();
    let headline = if report.findings.is_empty() {
        term.paint("no known vulnerabilities", Style::Good)
    } else {
        let n = report.findings.len();
        let text = format!(
            "{n} vulnerabilit{} ({})",
            if n == 1 { "y" } else { "ies" },
            parts.join(", ")
        );
        term.paint(&text, Style::Bad)
    };
    let ignored = if report.ignored.is_empty() {
        String::new()
    } else {
        format!("; {} ignored by polyver.toml", report.ignored.len())
    };
    let git = if report.stats.git_ranges_skipped > 0 {
        format!(
            "; {} GIT ranges not evaluated",
            report.stats.git_ranges_skipped
        )
    } else {
        String::new()
    };
    writeln!(
        w,
        "{headline} in {} of {} ({}){ignored}{git}",
        affected.len(),
        super::plural(components, "component", "components"),
        report.stats.checked_text(),
    )?;
    for line in report.stats.coverage_gaps() {
        writeln!(w, "{}", escaped(line))?;
    }
    Ok(())
}

/// One Markdown table of the findings, then the ignored ones.
pub fn markdown(report: &AuditReport) -> String {
    let mut out = String::new();
    let _ = write_markdown(report, &mut out);
    out
}

fn write_markdown(report: &AuditReport, w: &mut String) -> fmt::Result {
    writeln!(w, "# Vulnerability audit\n")?;
    if report.findings.is_empty() {
        writeln!(w, "No known vulnerabilities.")?;
    } else {
        writeln!(
            w,
            "| severity | package | advisory | summary | fix | where |\n|---|---|---|---|---|---|"
        )?;
        for f in &report.findings {
            let at: Vec<String> = f
                .locations
                .iter()
                .map(|l| format!("`{}`", cell(&l.to_string())))
                .collect();
            let aliases = if f.aliases.is_empty() {
                String::new()
            } else {
                format!(" ({})", cell(&f.aliases.join(", ")))
            };
            writeln!(
                w,
                "| {} | `{}` {} | [{}]({}){aliases} | {} | {} | {} |",
                severity_cell(f),
                cell(&f.name),
                cell(f.version.as_deref().unwrap_or("(not pinned)")),
                cell(&f.id),
                cell(&f.url),
                cell(&f.summary),
                cell(&f.fix_text()),
                at.join(", "),
            )?;
        }
    }
    writeln!(w, "\n{}.", cell(&report.stats.checked_text()))?;
    for line in report.stats.coverage_gaps() {
        writeln!(w, "\n{}.", cell(&line))?;
    }
    if !report.ignored.is_empty() {
        writeln!(w, "\n## Ignored\n")?;
        for f in &report.ignored {
            if let Some(ig) = &f.ignore {
                let until = ig
                    .until
                    .as_deref()
                    .map_or(String::new(), |u| format!(" (until {})", cell(u)));
                writeln!(
                    w,
                    "- {} in `{}` — {}{until}",
                    cell(&f.id),
                    cell(&f.name),
                    cell(&ig.reason)
                )?;
            }
        }
    }
    Ok(())
}

/// One SARIF rule per advisory of the report (also used by `polyver check`).
pub fn sarif_rules(report: &AuditReport) -> Vec<SarifRule> {
    let mut rules: BTreeMap<String, SarifRule> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(f.id.clone()).or_insert_with(|| SarifRule {
            id: f.id.clone(),
            short_description: if f.status == Status::NotPinned {
                format!("{} (and others) admitted by an unpinned constraint", f.id)
            } else {
                f.summary.clone()
            },
            help: format!(
                "{}{}. Details: {}",
                f.summary,
                if f.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also known as {})", f.aliases.join(", "))
                },
                f.url
            ),
            help_uri: Some(f.url.clone()),
            severity: Some(f.effective_severity),
            security_severity: f.score,
            tags: vec!["security".into(), "vulnerability".into()],
        });
    }
    rules.into_values().collect()
}

/// The JSON schema id of `polyver audit --format json` (documented in docs/audit-json.md).
pub const AUDIT_SCHEMA: &str = "polyver.audit/v1";

/// The `polyver.audit/v1` document of an audit of the repository at `root`, against `db`,
/// with its threshold; ages counted from `now` (Unix seconds).
pub fn json(
    root: &str,
    outcome: &polyver_engine::audit::AuditOutcome,
    db: &polyver_advisory::db::Database,
    threshold: Option<FindingSeverity>,
    now: u64,
) -> serde_json::Value {
    let report = &outcome.report;
    let ecosystems: BTreeMap<&String, serde_json::Value> = db
        .ecosystems()
        .iter()
        .map(|(k, m)| {
            let doc = serde_json::json!({
                "advisories": m.advisories,
                "imported_at": m.imported_at,
                "age_seconds": now.saturating_sub(m.imported_at),
            });
            (k, doc)
        })
        .collect();
    let not_pinned = report
        .findings
        .iter()
        .filter(|f| f.status == Status::NotPinned)
        .count();
    serde_json::json!({
        "schema": AUDIT_SCHEMA,
        "root": root,
        "database": {
            "path": db.path(),
            "advisories": db.advisory_count(),
            "ecosystems": ecosystems,
            "missing_ecosystems": outcome.missing_ecosystems,
        },
        "summary": {
            "findings": report.findings.len(),
            "by_severity": by_severity(report),
            "not_pinned": not_pinned,
            "ignored": report.ignored.len(),
            "fail_on": threshold,
            "failing": outcome.failing(threshold),
        },
        "stats": report.stats,
        "findings": report.findings,
        "ignored": report.ignored,
        "warnings": report.warnings,
    })
}
