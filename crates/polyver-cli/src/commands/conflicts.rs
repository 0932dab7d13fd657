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
use crate::CliError;
use polyver_analyze::{analyze, Conflict, ConflictKind, Policy, Report};
use polyver_extract::registry;
use polyver_model::FindingSeverity;
use polyver_report::sarif::SarifRule;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
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
    let settings = super::load_config(global, &root)?;
    let policy = policy_from(&settings, &root)?;
    let config = super::scan_config_from(&settings.scan, None);
    // A file that could not be read holds constraints that were not checked: say so.
    let inventory = super::scan_and_report(
        global,
        &root,
        &config,
        &registry::extractors(),
        "the repository's directory",
    )?;
    let mut report = analyze(&inventory, Some(&root), &policy);
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

/// One SARIF rule per `polyver-analyze` rule id (also used by `polyver check`).
pub(crate) fn sarif_rules() -> Vec<SarifRule> {
    polyver_analyze::RULES
        .iter()
        .map(|(id, description)| SarifRule {
            id: id.to_string(),
            short_description: description.to_string(),
            help: description.to_string(),
            tags: vec![id.split('/').next().unwrap_or(id).to_string()],
            ..SarifRule::default()
        })
        .collect()
}

/// `[approved]`/`[[compat]]` from polyver.toml and the YAML mirrors in its directory.
pub fn policy_from(config: &polyver_config::Config, root: &Path) -> anyhow::Result<Policy> {
    let bad = |e: polyver_config::ConfigError| CliError::input(e.to_string(), e.hint.clone());
    let mirror_dir = config
        .path
        .as_deref()
        .and_then(Path::parent)
        .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
    let (approved, compat) = polyver_config::mirror::load(&mirror_dir).map_err(bad)?;
    let mut rules = config.compat.clone();
    rules.extend(compat);
    let mut policy = Policy {
        approved: polyver_config::approved::merge_approved(config.approved.clone(), approved),
        compat: rules,
    };
    // Settings inside the scanned tree are shown relative to it, like every other location.
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let relative = |o: &mut polyver_config::Origin| {
        let full = o.path.canonicalize().unwrap_or_else(|_| o.path.clone());
        if let Ok(rel) = full.strip_prefix(&base) {
            o.path = rel.to_path_buf();
        }
    };
    for a in &mut policy.approved {
        relative(&mut a.origin);
    }
    for r in &mut policy.compat {
        relative(&mut r.origin);
        r.when
            .iter_mut()
            .chain(r.require.iter_mut())
            .for_each(|a| relative(&mut a.origin));
    }
    Ok(policy)
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

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
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
                .map(|e| format!("`{}` {}", md(&e.location.to_string()), md(&e.requirement)))
                .collect();
            let mut problem = md(&c.title);
            if let Some(x) = &c.explanation {
                problem.push_str(&format!(" — {}", md(x)));
            }
            writeln!(
                w,
                "| {} | {eco}{} | {problem} | {} |",
                c.severity,
                md(&c.name),
                places.join("<br>")
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "{} findings.", report.summary.total)?;
    Ok(())
}
