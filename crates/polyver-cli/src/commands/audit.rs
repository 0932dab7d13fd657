//! `polyver audit [PATH]`: scan, then match every component against the local OSV database.
//! The database is opened first, so a missing one fails fast (exit 3, with what to run).
//! Findings go to stdout in the chosen format; `--fail-on` turns them into exit code 1.

use crate::args::{AuditArgs, Format, GlobalArgs};
use crate::output::{escaped, Output, Style};
use crate::CliError;
use polyver_advisory::matcher::Status;
use polyver_advisory::{AuditReport, VulnFinding};
use polyver_model::FindingSeverity;
use polyver_report::sarif::SarifRule;
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
                    super::db::age(now.saturating_sub(oldest))
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
                    "by_severity": by_severity(&report),
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
            let (findings, rules) = (report.findings(), sarif_rules(&report));
            super::write_sarif(out, &findings, &rules)?;
        }
        Format::Markdown => write_markdown(&report, &mut out.writer)?,
        _ => write_table(&report, inventory.components.len(), out)?,
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

fn by_severity(report: &AuditReport) -> BTreeMap<&'static str, usize> {
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

fn write_table(report: &AuditReport, components: usize, out: &mut Output) -> std::io::Result<()> {
    for f in &report.findings {
        let sev = severity_cell(f);
        let painted = match f.effective_severity {
            FindingSeverity::Critical | FindingSeverity::High => out.paint(&sev, Style::Bad),
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
            out.writer,
            "{painted}  {}  {ids}",
            out.paint(&format!("{} {what}", f.ecosystem), Style::Bold)
        )?;
        writeln!(out.writer, "    {}", escaped(&f.summary))?;
        writeln!(out.writer, "    {}", escaped(f.fix_text()))?;
        match &f.ignore {
            Some(ig) if ig.expired => writeln!(
                out.writer,
                "    ignore of {} expired on {} (reason was: {})",
                ig.id,
                ig.until.as_deref().unwrap_or("?"),
                ig.reason
            )?,
            Some(ig) => writeln!(
                out.writer,
                "    {} ignored by polyver.toml: {}",
                ig.id, ig.reason
            )?,
            None => {}
        }
        let at: Vec<String> = f.locations.iter().map(|l| l.to_string()).collect();
        writeln!(out.writer, "    at {}", escaped(at.join(", ")))?;
    }
    let counts = by_severity(report);
    let parts: Vec<String> = ["critical", "high", "medium", "low", "info", "unknown"]
        .iter()
        .filter_map(|k| counts.get(k).map(|n| format!("{n} {k}")))
        .collect();
    let affected: std::collections::BTreeSet<(&str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.name.as_str(), f.version.as_deref()))
        .collect();
    let headline = if report.findings.is_empty() {
        out.paint("no known vulnerabilities", Style::Good)
    } else {
        out.paint(
            &format!(
                "{} vulnerabilit{} ({})",
                report.findings.len(),
                if report.findings.len() == 1 {
                    "y"
                } else {
                    "ies"
                },
                parts.join(", ")
            ),
            Style::Bad,
        )
    };
    writeln!(
        out.writer,
        "{headline} in {} of {} components ({} checked against OSV){}{}",
        affected.len(),
        components,
        report.stats.checked,
        if report.ignored.is_empty() {
            String::new()
        } else {
            format!("; {} ignored by polyver.toml", report.ignored.len())
        },
        if report.stats.git_ranges_skipped > 0 {
            format!(
                "; {} GIT ranges not evaluated",
                report.stats.git_ranges_skipped
            )
        } else {
            String::new()
        },
    )
}

fn write_markdown(report: &AuditReport, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "# Vulnerability audit\n")?;
    if report.findings.is_empty() {
        writeln!(w, "No known vulnerabilities.")?;
    } else {
        writeln!(
            w,
            "| severity | package | advisory | summary | fix | where |\n|---|---|---|---|---|---|"
        )?;
        for f in &report.findings {
            let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
            let at: Vec<String> = f.locations.iter().map(|l| format!("`{l}`")).collect();
            writeln!(
                w,
                "| {} | `{}` {} | [{}]({}){} | {} | {} | {} |",
                severity_cell(f),
                f.name,
                f.version.as_deref().unwrap_or("(not pinned)"),
                f.id,
                f.url,
                if f.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", f.aliases.join(", "))
                },
                cell(&f.summary),
                cell(&f.fix_text()),
                at.join(", "),
            )?;
        }
    }
    if !report.ignored.is_empty() {
        writeln!(w, "\n## Ignored\n")?;
        for f in &report.ignored {
            if let Some(ig) = &f.ignore {
                writeln!(
                    w,
                    "- {} in `{}` — {}{}",
                    f.id,
                    f.name,
                    ig.reason,
                    ig.until
                        .as_deref()
                        .map_or(String::new(), |u| format!(" (until {u})"))
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
