//! `polyver conflicts [PATH]`: scans, then runs `polyver-analyze` with the repository's
//! `[approved]` and `[[compat]]` (polyver.toml, plus `.versions.yaml` and
//! `.compatibility-matrix.yaml` beside it — or at PATH when there is no polyver.toml; the
//! TOML wins for a subject named in both).
//!
//! Exit codes: 0 nothing at or above `--fail-on` (default `high`: unsatisfiable constraints,
//! a lock that does not satisfy its manifest, violated compatibility rules); 1 something is;
//! 2 input errors (bad path, invalid polyver.toml or YAML mirror).

use crate::args::{ConflictsArgs, Format, GlobalArgs};
use crate::output::{escaped, Output, Style};
use polyver_analyze::{analyze, Conflict, ConflictKind, Report};
use polyver_engine::Engine;
use polyver_extract::registry;
use polyver_model::FindingSeverity;
use polyver_report::sarif::SarifRule;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    report: &'a Report,
    fail_on: FindingSeverity,
    failed: bool,
}

pub fn run(
    args: &ConflictsArgs,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let engine = Engine::new(&root, &super::overrides(global)).map_err(super::engine_error)?;
    let policy =
        polyver_engine::conflicts::policy(&engine.settings).map_err(super::engine_error)?;
    // A file that could not be read holds constraints that were not checked: say so.
    let inventory = super::scan_and_report(
        global,
        &root,
        &engine.settings.scan,
        &registry::extractors(),
        "the repository's directory",
    )?;
    let mut report = analyze(&inventory, &policy);
    report.retain_kinds(&args.kind);
    let failed = report.max_severity().is_some_and(|s| s >= args.fail_on);
    if global.verbose > 0 {
        for n in &report.notes {
            eprintln!("{}: note: {}", n.location, escaped(&n.message));
        }
    }
    match global.format {
        Format::Json => {
            let doc = Document {
                report: &report,
                fail_on: args.fail_on,
                failed,
            };
            serde_json::to_writer_pretty(&mut out.writer, &doc)?;
            writeln!(out.writer)?;
        }
        Format::Table => write_table(&report, args.fail_on, out)?,
        Format::Markdown => write_markdown(&report, &mut out.writer)?,
        Format::Sarif => {
            let rules = sarif_rules();
            super::write_sarif(out, &report.findings(), &rules)?;
        }
        other => {
            return Err(super::unsupported_format(
                "conflicts",
                other,
                "table, json, markdown, sarif",
            ))
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One SARIF rule per `polyver-analyze` rule id.
fn sarif_rules() -> Vec<SarifRule> {
    polyver_analyze::RULES
        .iter()
        .map(SarifRule::from_rule)
        .collect()
}

fn severity_style(s: FindingSeverity) -> Style {
    if s >= FindingSeverity::High {
        Style::Bad
    } else {
        Style::Bold
    }
}

fn groups(report: &Report) -> Vec<(ConflictKind, Vec<&Conflict>)> {
    ConflictKind::ALL
        .into_iter()
        .map(|k| {
            (
                k,
                report
                    .conflicts
                    .iter()
                    .filter(|c| c.kind == k)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn write_table(report: &Report, fail_on: FindingSeverity, out: &mut Output) -> anyhow::Result<()> {
    for (kind, conflicts) in groups(report) {
        let heading = out.paint(kind.title(), Style::Bold);
        writeln!(out.writer, "{heading}")?;
        for c in conflicts {
            let sev = out.paint(
                &format!("{:<8}", c.severity.id()),
                severity_style(c.severity),
            );
            let eco = c.ecosystem.map(|e| format!("{e} ")).unwrap_or_default();
            writeln!(out.writer, "  {sev} {eco}{}: {}", c.name, c.title)?;
            let width = c
                .entries
                .iter()
                .map(|e| e.location.to_string().len())
                .max()
                .unwrap_or(0);
            for e in &c.entries {
                writeln!(
                    out.writer,
                    "           {:<width$}  {}",
                    e.location.to_string(),
                    e.requirement
                )?;
            }
            if let Some(x) = &c.explanation {
                writeln!(out.writer, "           why: {x}")?;
            }
        }
        writeln!(out.writer)?;
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
        out.paint(&format!("{failing} at or above {fail_on}"), Style::Bad)
    } else {
        out.paint(&format!("none at or above {fail_on}"), Style::Good)
    };
    write!(out.writer, "{} findings", report.summary.total)?;
    if !by_sev.is_empty() {
        write!(out.writer, " ({})", by_sev.join(", "))?;
    }
    write!(out.writer, "; {verdict}")?;
    if !report.notes.is_empty() {
        write!(
            out.writer,
            "; {} constraints not evaluated (-v lists them)",
            report.notes.len()
        )?;
    }
    writeln!(out.writer)?;
    Ok(())
}

fn write_markdown(report: &Report, w: &mut dyn Write) -> anyhow::Result<()> {
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
                        polyver_report::markdown::cell(&e.location.to_string()),
                        polyver_report::markdown::cell(&e.requirement)
                    )
                })
                .collect();
            let mut problem = polyver_report::markdown::cell(&c.title);
            if let Some(x) = &c.explanation {
                problem.push_str(&format!(" — {}", polyver_report::markdown::cell(x)));
            }
            writeln!(
                w,
                "| {} | {eco}{} | {problem} | {} |",
                c.severity,
                polyver_report::markdown::cell(&c.name),
                places.join("<br>")
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "{} findings.", report.summary.total)?;
    Ok(())
}
