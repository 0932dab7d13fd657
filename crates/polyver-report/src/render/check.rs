//! `polyver check`: the gate's verdict per check (findings at or above the threshold, the
//! first few of each), as a table, Markdown, the `polyver.check/v1` JSON document, and the
//! SARIF rules of everything it can report.

use crate::markdown::cell;
use crate::sarif::SarifRule;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_engine::gate::count;
use polyver_engine::{CheckResult, CheckStatus as Status, Gate};
use polyver_model::{Finding, FindingSeverity};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// The JSON schema id of `polyver check --format json`.
pub const CHECK_SCHEMA: &str = "polyver.check/v1";

/// Findings of one check shown in the table (markdown shows more); JSON and SARIF have all.
const TABLE_TOP: usize = 10;
const MARKDOWN_TOP: usize = 50;

/// The SARIF rules of a verdict: the advisories the audit found, then the rule catalogue.
pub fn sarif_rules(verdict: &Gate) -> Vec<SarifRule> {
    let mut rules: Vec<SarifRule> = verdict
        .audit
        .as_ref()
        .map(super::audit::sarif_rules)
        .unwrap_or_default();
    rules.extend(
        polyver_engine::rules::catalogue()
            .into_iter()
            .map(SarifRule::from_rule),
    );
    rules
}

/// Every finding of every check, in check order.
pub fn findings(results: &[CheckResult]) -> Vec<Finding> {
    results
        .iter()
        .flat_map(|r| r.findings.iter().cloned())
        .collect()
}

/// The `polyver.check/v1` document.
pub fn json(
    root: &str,
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            json!({
                "name": r.check.id(),
                "status": r.status,
                "reason": r.reason,
                "note": r.note,
                "counts": ordered(&r.counts()),
                "total": r.findings.len(),
                "failing": r.failing,
                "findings": r.findings,
            })
        })
        .collect();
    let all = findings(results);
    let with = |s: Status| results.iter().filter(|r| r.status == s).count();
    let doc = json!({
        "schema": CHECK_SCHEMA,
        "root": root,
        "fail_on": fail_on,
        "verdict": if failed { "fail" } else { "pass" },
        "summary": {
            "passed": with(Status::Pass),
            "failed": with(Status::Fail),
            "skipped": with(Status::Skipped),
            "findings": all.len(),
            "failing": results.iter().map(|r| r.failing).sum::<usize>(),
            "counts": ordered(&count(&all)),
        },
        "checks": checks,
    });
    doc
}

/// Counts most severe first, as JSON (a map in that order; every severity present).
fn ordered(counts: &BTreeMap<&'static str, usize>) -> serde_json::Value {
    FindingSeverity::ALL
        .iter()
        .rev()
        .map(|s| (s.id().to_string(), json!(counts[s.id()])))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// `1 high, 2 medium`, most severe first; `no findings` when empty.
fn severity_list(r: &CheckResult) -> String {
    let counts = r.counts();
    let parts: Vec<String> = FindingSeverity::ALL
        .iter()
        .rev()
        .filter(|s| counts[s.id()] > 0)
        .map(|s| format!("{} {s}", counts[s.id()]))
        .collect();
    let unknown = r.findings.iter().filter(|f| f.severity_unknown).count();
    if parts.is_empty() {
        "no findings".to_string()
    } else if unknown > 0 {
        format!("{} ({unknown} of unknown severity)", parts.join(", "))
    } else {
        parts.join(", ")
    }
}

/// `high`, or `unknown (counted as medium)` for an advisory that rates none: what the gate
/// compares is shown, and so is that it was not the advisory's word.
fn severity_label(f: &Finding) -> String {
    if f.severity_unknown {
        format!("unknown (counted as {})", f.severity)
    } else {
        f.severity.to_string()
    }
}

fn where_of(f: &Finding) -> String {
    let at: Vec<String> = f
        .locations
        .iter()
        .map(|l| {
            if l.line > 0 {
                l.to_string()
            } else {
                l.path.clone()
            }
        })
        .collect();
    at.join(", ")
}

fn verdict_line(results: &[CheckResult], fail_on: FindingSeverity, failed: bool) -> String {
    let ran = results
        .iter()
        .filter(|r| r.status != Status::Skipped)
        .count();
    let failing: Vec<&str> = results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| r.check.id())
        .collect();
    if failed {
        format!(
            "FAIL: {} of {ran} checks found problems at or above {fail_on} ({})",
            failing.len(),
            failing.join(", ")
        )
    } else {
        format!("PASS: {ran} checks ran, nothing at or above {fail_on}")
    }
}

/// Per check its status and first findings, then one line per check and the verdict.
pub fn table(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    term: &Term,
) -> String {
    let mut out = String::new();
    let _ = write_table(results, fail_on, failed, term, &mut out);
    out
}

fn write_table(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    term: &Term,
    w: &mut String,
) -> fmt::Result {
    for r in results {
        let status = match r.status {
            Status::Fail => term.paint("FAIL", Style::Bad),
            Status::Pass => term.paint("pass", Style::Good),
            Status::Skipped => "skipped".to_string(),
        };
        let detail = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => {
                let mut d = severity_list(r);
                if r.failing > 0 {
                    d.push_str(&format!("; {} at or above {fail_on}", r.failing));
                }
                d
            }
        };
        writeln!(
            w,
            "{} {status}: {}",
            term.paint(r.check.id(), Style::Bold),
            escaped(&detail)
        )?;
        if let Some(note) = &r.note {
            writeln!(w, "  {}", escaped(note))?;
        }
        for f in r.findings.iter().take(TABLE_TOP) {
            let sev = format!("{:<8}", severity_label(f));
            let sev = if f.severity >= fail_on {
                term.paint(&sev, Style::Bad)
            } else {
                sev
            };
            writeln!(w, "  {sev} {}  {}", escaped(&f.rule), escaped(&f.title))?;
            let at = where_of(f);
            if !at.is_empty() {
                writeln!(w, "           at {}", escaped(&at))?;
            }
        }
        if r.findings.len() > TABLE_TOP {
            // The command that lists a check's findings (`policy` is `plan`'s business).
            let command = match r.check {
                polyver_engine::Check::Policy => "plan",
                other => other.id(),
            };
            writeln!(
                w,
                "  ... and {} more (`polyver {command}` or --format json lists every one)",
                r.findings.len() - TABLE_TOP,
            )?;
        }
        writeln!(w)?;
    }
    let columns = vec![
        Column::left(),
        Column::left().min(7),
        Column::left().shrink(),
    ];
    let mut summary = Table::new(columns);
    for r in results {
        let detail = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => severity_list(r),
        };
        summary.row([r.check.id().to_string(), r.status.id().to_string(), detail]);
    }
    w.push_str(&summary.render(term));
    let verdict = verdict_line(results, fail_on, failed);
    let style = if failed { Style::Bad } else { Style::Good };
    writeln!(w, "{}", term.paint(&verdict, style))?;
    Ok(())
}

/// The verdict, a table of counts per check, and the first findings of each.
pub fn markdown(results: &[CheckResult], fail_on: FindingSeverity, failed: bool) -> String {
    let mut out = String::new();
    let _ = write_markdown(results, fail_on, failed, &mut out);
    out
}

fn write_markdown(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    w: &mut String,
) -> fmt::Result {
    writeln!(
        w,
        "## polyver check: {}\n",
        if failed { "failed" } else { "passed" }
    )?;
    writeln!(w, "{}\n", verdict_line(results, fail_on, failed))?;
    writeln!(
        w,
        "| check | status | critical | high | medium | low | info | details |"
    )?;
    writeln!(w, "|---|---|---:|---:|---:|---:|---:|---|")?;
    for r in results {
        let counts = r.counts();
        let status = match r.status {
            Status::Fail => "**fail**",
            Status::Pass => "pass",
            Status::Skipped => "skipped",
        };
        let details = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => r.note.clone().unwrap_or_default(),
        };
        let cells: Vec<String> = ["critical", "high", "medium", "low", "info"]
            .iter()
            .map(|s| match r.status {
                Status::Skipped => "-".to_string(),
                _ => counts[s].to_string(),
            })
            .collect();
        writeln!(
            w,
            "| {} | {status} | {} | {} |",
            r.check.id(),
            cells.join(" | "),
            cell(&details)
        )?;
    }
    for r in results.iter().filter(|r| !r.findings.is_empty()) {
        writeln!(w, "\n### {}\n", r.check.id())?;
        writeln!(w, "| severity | rule | finding | where |")?;
        writeln!(w, "|---|---|---|---|")?;
        for f in r.findings.iter().take(MARKDOWN_TOP) {
            let sev = if f.severity >= fail_on {
                format!("**{}**", severity_label(f))
            } else {
                severity_label(f)
            };
            let at: Vec<String> = f
                .locations
                .iter()
                .map(|l| {
                    format!(
                        "`{}`",
                        cell(&if l.line > 0 {
                            l.to_string()
                        } else {
                            l.path.clone()
                        })
                    )
                })
                .collect();
            writeln!(
                w,
                "| {sev} | `{}` | {} | {} |",
                cell(&f.rule),
                cell(&f.title),
                at.join(", ")
            )?;
        }
        if r.findings.len() > MARKDOWN_TOP {
            writeln!(
                w,
                "\n... and {} more (`polyver check --format json` lists every one).",
                r.findings.len() - MARKDOWN_TOP
            )?;
        }
    }
    Ok(())
}
