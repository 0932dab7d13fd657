//! `polyver check [PATH]`: the CI gate. One scan, then every check on that same inventory:
//!
//! - `audit`: the local OSV database (`polyver db`), with polyver.toml `[[audit.ignore]]`. No
//!   database: skipped with a warning (exit 3 with `--require-audit`); a database that exists
//!   but cannot be read is always exit 3 (someone meant to audit).
//! - `licenses`: the `[licenses]` policy and the fit with the project's own licence. By default
//!   only the scanned tree is read (lock-file metadata, node_modules, virtualenvs, vendor), so
//!   one commit gives one verdict on every runner; `--licenses-online` adds cargo's and Go's
//!   module caches and registry lookups (cached, none with `--offline`).
//! - `conflicts`: `polyver-analyze` with `[approved]` and `[[compat]]` (conflicts, floating
//!   versions, drift, compatibility).
//! - `lock`: polyver.lock against the scan, one `lock/drift` finding (high) per entry that
//!   differs; skipped when there is no polyver.lock.
//! - `migrations`: the static analysis of schema migration chains (no database).
//!
//! One threshold, `--fail-on` (default high), for every check; polyver.toml `[audit] fail-on`
//! is `polyver audit`'s alone. The gate never writes: no registry store, no polyver.lock.
//!
//! Exit codes: 0 every check that ran passed; 1 a finding at or above `--fail-on`; 2 input or
//! configuration errors (bad path, invalid polyver.toml, malformed polyver.lock); 3 the
//! environment (an unreadable OSV database, or none with `--require-audit`).

use crate::args::{CheckArgs, CheckName, Format, GlobalArgs};
use crate::output::{escaped, Output, Style};
use polyver_engine::gate::count;
use polyver_engine::{Check, CheckResult, CheckStatus as Status, Engine, GateOptions, Overrides};
use polyver_model::{Finding, FindingSeverity, Inventory};
use polyver_report::sarif::SarifRule;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The JSON schema id of `polyver check --format json`.
pub const CHECK_SCHEMA: &str = "polyver.check/v1";

/// Findings of one check shown in the table (markdown shows more); JSON and SARIF have all.
const TABLE_TOP: usize = 10;
const MARKDOWN_TOP: usize = 50;

fn check_of(name: CheckName) -> Check {
    match name {
        CheckName::Audit => Check::Audit,
        CheckName::Licenses => Check::Licenses,
        CheckName::Conflicts => Check::Conflicts,
        CheckName::Lock => Check::Lock,
        CheckName::Migrations => Check::Migrations,
    }
}

pub fn run(args: &CheckArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    if !matches!(
        global.format,
        Format::Table | Format::Json | Format::Markdown | Format::Sarif
    ) {
        return Err(super::unsupported_format(
            "check",
            global.format,
            "table, json, markdown, sarif",
        ));
    }
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let overrides = Overrides {
        config: global.config.clone(),
        osv_db: args.db.osv_db.clone(),
        offline: global.offline,
        ..Overrides::default()
    };
    // Settings, policy and database before the scan: a bad polyver.toml is exit 2 and an
    // unusable database exit 3 before anything runs.
    let engine = Engine::new(&root, &overrides).map_err(super::engine_error)?;
    let gate = engine
        .gate(GateOptions {
            fail_on: args.fail_on,
            skip: args.skip.iter().copied().map(check_of).collect(),
            require_audit: args.require_audit,
            licenses_online: args.licenses_online,
        })
        .map_err(super::engine_error)?;
    super::warn(global, &gate.warnings);
    let inventory = super::scan_and_report(
        global,
        &root,
        &engine.settings.scan,
        &polyver_extract::registry::extractors(),
        "the repository's root directory",
    )?;
    let verdict = gate.run(&inventory).map_err(super::engine_error)?;
    super::warn(global, &verdict.warnings);

    let (fail_on, failed, results) = (verdict.fail_on, verdict.failed, &verdict.results);
    match global.format {
        Format::Json => write_json(&inventory, results, fail_on, failed, out)?,
        Format::Markdown => write_markdown(results, fail_on, failed, &mut out.writer)?,
        Format::Sarif => {
            let findings: Vec<Finding> = results
                .iter()
                .flat_map(|r| r.findings.iter().cloned())
                .collect();
            let mut rules: Vec<SarifRule> = verdict
                .audit
                .as_ref()
                .map(polyver_report::render::audit::sarif_rules)
                .unwrap_or_default();
            rules.extend(
                polyver_engine::rules::catalogue()
                    .into_iter()
                    .map(SarifRule::from_rule),
            );
            super::write_sarif(out, &findings, &rules)?;
        }
        _ => write_table(results, fail_on, failed, out)?,
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_json(
    inventory: &Inventory,
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    out: &mut Output,
) -> anyhow::Result<()> {
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
    let all: Vec<Finding> = results
        .iter()
        .flat_map(|r| r.findings.iter().cloned())
        .collect();
    let with = |s: Status| results.iter().filter(|r| r.status == s).count();
    let doc = json!({
        "schema": CHECK_SCHEMA,
        "root": inventory.root,
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
    serde_json::to_writer_pretty(&mut out.writer, &doc)?;
    writeln!(out.writer)?;
    Ok(())
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
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
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

fn write_table(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    out: &mut Output,
) -> anyhow::Result<()> {
    for r in results {
        let status = match r.status {
            Status::Fail => out.paint("FAIL", Style::Bad),
            Status::Pass => out.paint("pass", Style::Good),
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
            out.writer,
            "{} {status}: {detail}",
            out.paint(r.check.id(), Style::Bold)
        )?;
        if let Some(note) = &r.note {
            writeln!(out.writer, "  {}", escaped(note))?;
        }
        for f in r.findings.iter().take(TABLE_TOP) {
            let sev = format!("{:<8}", f.severity.id());
            let sev = if f.severity >= fail_on {
                out.paint(&sev, Style::Bad)
            } else {
                sev
            };
            writeln!(
                out.writer,
                "  {sev} {}  {}",
                escaped(&f.rule),
                escaped(&f.title)
            )?;
            let at = where_of(f);
            if !at.is_empty() {
                writeln!(out.writer, "           at {}", escaped(&at))?;
            }
        }
        if r.findings.len() > TABLE_TOP {
            writeln!(
                out.writer,
                "  ... and {} more (`polyver {}` or --format json lists every one)",
                r.findings.len() - TABLE_TOP,
                r.check.id()
            )?;
        }
        writeln!(out.writer)?;
    }
    let width = results
        .iter()
        .map(|r| r.check.id().len())
        .max()
        .unwrap_or(0);
    for r in results {
        let detail = match r.status {
            Status::Skipped => r.reason.clone().unwrap_or_default(),
            _ => severity_list(r),
        };
        writeln!(
            out.writer,
            "{:<width$}  {:<7}  {detail}",
            r.check.id(),
            r.status.id()
        )?;
    }
    let verdict = verdict_line(results, fail_on, failed);
    let style = if failed { Style::Bad } else { Style::Good };
    writeln!(out.writer, "{}", out.paint(&verdict, style))?;
    Ok(())
}

fn write_markdown(
    results: &[CheckResult],
    fail_on: FindingSeverity,
    failed: bool,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
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
            polyver_report::markdown::cell(&details)
        )?;
    }
    for r in results.iter().filter(|r| !r.findings.is_empty()) {
        writeln!(w, "\n### {}\n", r.check.id())?;
        writeln!(w, "| severity | rule | finding | where |")?;
        writeln!(w, "|---|---|---|---|")?;
        for f in r.findings.iter().take(MARKDOWN_TOP) {
            let sev = if f.severity >= fail_on {
                format!("**{}**", f.severity)
            } else {
                f.severity.to_string()
            };
            let at: Vec<String> = f
                .locations
                .iter()
                .map(|l| {
                    format!(
                        "`{}`",
                        polyver_report::markdown::cell(&if l.line > 0 {
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
                polyver_report::markdown::cell(&f.rule),
                polyver_report::markdown::cell(&f.title),
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
