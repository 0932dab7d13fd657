//! `polyver audit [PATH]`: scan, then match every component against the local OSV database.
//! The database is opened first, so a missing one fails fast (exit 3, with what to run).
//! Findings go to stdout in the chosen format; `--fail-on` turns them into exit code 1.

use crate::args::{AuditArgs, Format, GlobalArgs};
use crate::output::{escaped, Output};
use crate::CliError;
use polyver_advisory::matcher::Status;
use polyver_report::render::audit as render;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The JSON schema id of `polyver audit --format json` (documented in docs/audit-json.md).
pub const AUDIT_SCHEMA: &str = "polyver.audit/v1";

pub fn run(args: &AuditArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    if !matches!(
        global.format,
        Format::Table | Format::Json | Format::Markdown | Format::Sarif
    ) {
        return Err(super::unsupported_format(
            "audit",
            global.format,
            "table, json, markdown, sarif",
        ));
    }
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let settings = super::settings(global, &root, None)?;
    let db = super::db::open(&args.db)?;
    let inventory = polyver_extract::scan(&root, &settings.scan).map_err(|e| {
        CliError::input(
            format!("cannot scan {}: {e}", root.display()),
            Some("give a directory".to_string()),
        )
    })?;
    let config = &settings.config;
    let started = std::time::Instant::now();
    // Components of an ecosystem the database has nothing for would pass silently: the
    // engine lists those ecosystems, and they are said here.
    let outcome =
        polyver_engine::audit::audit(&settings, &inventory, &db).map_err(super::engine_error)?;
    let now = super::db::now();
    if !global.quiet {
        for e in &outcome.missing_ecosystems {
            eprintln!(
                "warning: the OSV database has no {e} advisories; those components were not checked (run `polyver db sync --ecosystem {e}`)"
            );
        }
        if let Some(oldest) = db.ecosystems().values().map(|m| m.imported_at).min() {
            if now.saturating_sub(oldest) > 7 * 86_400 {
                eprintln!(
                    "warning: the OSV database was last updated {}; run `polyver db sync`",
                    polyver_report::render::db::age(now.saturating_sub(oldest))
                );
            }
        }
    }
    let (report, missing) = (outcome.report, outcome.missing_ecosystems);
    let elapsed = started.elapsed();
    if global.verbose > 0 {
        for w in &report.warnings {
            eprintln!("warning: {}", escaped(w));
        }
        eprintln!(
            "matched {} components ({} packages, {} advisories read) in {:.1} ms",
            report.stats.checked,
            report.stats.packages,
            report.stats.advisories_read,
            elapsed.as_secs_f64() * 1000.0
        );
    }
    for f in &report.findings {
        if let Some(ig) = f.ignore.as_ref().filter(|i| i.expired) {
            if !global.quiet {
                eprintln!(
                    "warning: the ignore of {} expired on {} (reason was: {}); it is reported again",
                    ig.id,
                    ig.until.as_deref().unwrap_or("?"),
                    escaped(&ig.reason)
                );
            }
        }
    }

    let threshold = args
        .fail_on
        .or_else(|| config.audit.fail_on.as_deref().and_then(|s| s.parse().ok()));
    let failing = threshold.map_or(0, |t| {
        report
            .findings
            .iter()
            .filter(|f| f.effective_severity >= t)
            .count()
    });

    match global.format {
        Format::Json => {
            let ecosystems: BTreeMap<&String, serde_json::Value> = db
                .ecosystems()
                .iter()
                .map(|(k, m)| {
                    (
                        k,
                        json!({
                            "advisories": m.advisories,
                            "imported_at": m.imported_at,
                            "age_seconds": now.saturating_sub(m.imported_at),
                        }),
                    )
                })
                .collect();
            let doc = json!({
                "schema": AUDIT_SCHEMA,
                "root": inventory.root,
                "database": {
                    "path": db.path(),
                    "advisories": db.advisory_count(),
                    "ecosystems": ecosystems,
                    "missing_ecosystems": missing,
                },
                "summary": {
                    "findings": report.findings.len(),
                    "by_severity": render::by_severity(&report),
                    "not_pinned": report.findings.iter().filter(|f| f.status == Status::NotPinned).count(),
                    "ignored": report.ignored.len(),
                    "fail_on": threshold,
                    "failing": failing,
                },
                "stats": report.stats,
                "findings": report.findings,
                "ignored": report.ignored,
                "warnings": report.warnings,
            });
            serde_json::to_writer_pretty(&mut out.writer, &doc)?;
            writeln!(out.writer)?;
        }
        Format::Sarif => {
            let (findings, rules) = (report.findings(), render::sarif_rules(&report));
            super::write_sarif(out, &findings, &rules)?;
        }
        Format::Markdown => out.write(&render::markdown(&report))?,
        _ => out.write(&render::table(
            &report,
            inventory.components.len(),
            &out.term,
        ))?,
    }
    Ok(if failing > 0 {
        if !global.quiet {
            eprintln!(
                "{failing} finding(s) at or above {}",
                threshold.map_or("-", |t| t.id())
            );
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
