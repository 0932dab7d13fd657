//! `polyver licenses [PATH]`: the licence of every package, where it was read, the
//! `[licenses]` policy verdict and the fit with the repository's own licence (the work is in
//! `polyver-license`; this module loads settings and renders).
//!
//! Exit codes: 0 done (violations are reported but do not fail without
//! `--fail-on-violation`); 1 a violation with `--fail-on-violation`; 2 input errors (bad
//! path, bad polyver.toml, bad `--registry-url`); 3 the HTTP client cannot be set up.

use crate::args::{Format, GlobalArgs, LicensesArgs};
use crate::output::{escaped, Output, Style};
use crate::CliError;
use polyver_extract::{registry as extractors, scan_with};
use polyver_license::policy::Outcome;
use polyver_license::{LicenseReport, Rule};
use polyver_model::Inventory;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &LicensesArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let settings = super::settings(global, &root, None)?;
    let inventory = scan_with(&root, &settings.scan, &extractors::extractors()).map_err(|e| {
        CliError::input(
            format!("cannot scan {}: {e}", root.display()),
            Some("give the directory of the repository".to_string()),
        )
    })?;
    let report = licence_report(
        &settings,
        &inventory,
        global,
        true,
        !args.no_registry,
        &args.registry_url,
    )?;
    if !global.quiet {
        for note in &report.notes {
            eprintln!("warning: {}", escaped(note));
        }
    }
    match global.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out.writer, &report)?;
            writeln!(out.writer)?;
        }
        Format::Table => write_table(&report, out)?,
        Format::Markdown => write_markdown(&report, &mut out.writer)?,
        Format::Sarif => {
            let rules = sarif_rules();
            super::write_sarif(out, &report.findings(), &rules)?;
        }
        other => return Err(super::unsupported_format(
            "licenses",
            other,
            "table, json, markdown, sarif (licences are in `polyver scan --format cyclonedx|spdx`)",
        )),
    }
    Ok(if args.fail_on_violation && report.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The SARIF rules of the licence findings.
fn sarif_rules() -> Vec<polyver_report::sarif::SarifRule> {
    polyver_license::RULES
        .iter()
        .map(polyver_report::sarif::SarifRule::from_rule)
        .collect()
}

/// The engine's licence resolution (see `polyver_engine::licenses`) with a progress bar on
/// stderr while registries answer, only on a terminal.
pub fn licence_report(
    settings: &polyver_engine::Settings,
    inventory: &Inventory,
    global: &GlobalArgs,
    beyond_tree: bool,
    registry: bool,
    cli_urls: &[String],
) -> anyhow::Result<LicenseReport> {
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        if !global.quiet && std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr_with_hz(10)
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} registry lookups {pos}/{len}  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let report = polyver_engine::licenses::licence_report(
        settings,
        inventory,
        &polyver_engine::licenses::LicenseSources {
            beyond_tree,
            registry,
            registry_urls: cli_urls.to_vec(),
        },
        Some(&progress),
    )
    .map_err(super::engine_error)?;
    bar.finish_and_clear();
    Ok(report)
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
    let mut line =
        format!(
        "{} packages ({}); {} violations, {} warnings, {} unknown, {} incompatible; sources: {}",
        s.packages,
        if cats.is_empty() { "none".to_string() } else { cats.join(", ") },
        s.violations,
        s.warnings,
        s.unknown,
        s.incompatible,
        if sources.is_empty() { "none".to_string() } else { sources.join(", ") },
    );
    if s.registry_lookups > 0 {
        line.push_str(&format!(
            "; registry lookups {} ({} from cache)",
            s.registry_lookups, s.registry_cached
        ));
    }
    line
}

fn write_table(report: &LicenseReport, out: &mut Output) -> std::io::Result<()> {
    writeln!(
        out.writer,
        "{}",
        out.paint(&project_line(report), Style::Bold)
    )?;
    for e in &report.project.evidence {
        let what = e.license.expression.as_deref().unwrap_or("unrecognized");
        writeln!(out.writer, "  {}: {what} ({})", e.source, e.license.rule)?;
    }
    if !report.packages.is_empty() {
        writeln!(out.writer)?;
    }
    let header = [
        "ECOSYSTEM",
        "PACKAGE",
        "VERSION",
        "LICENCE",
        "RULE",
        "CATEGORY",
        "VERDICT",
        "SOURCE",
    ];
    let rows: Vec<[String; 8]> = report
        .packages
        .iter()
        .map(|r| {
            [
                r.ecosystem.to_string(),
                escaped(&r.name),
                escaped(r.version.as_deref().unwrap_or("-")),
                escaped(licence_cell(r)),
                r.license.rule.to_string(),
                r.category.to_string(),
                r.verdict.outcome.id().to_string(),
                escaped(r.source.as_deref().unwrap_or("-")),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |cells: &[String], out: &Output, bold: bool| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            let painted = match (i, cell.as_str()) {
                _ if bold => out.paint(cell, Style::Bold),
                (6, "violation") | (3, "unknown") => out.paint(cell, Style::Bad),
                (6, "pass") => out.paint(cell, Style::Good),
                _ => cell.clone(),
            };
            line.push_str(&painted);
            if i + 1 < cells.len() {
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        line.trim_end().to_string()
    };
    if !rows.is_empty() {
        let h: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        writeln!(out.writer, "{}", render(&h, out, true))?;
    }
    for (r, row) in report.packages.iter().zip(&rows) {
        writeln!(out.writer, "{}", render(row, out, false))?;
        for line in detail_lines(r) {
            writeln!(out.writer, "    {line}")?;
        }
    }
    writeln!(out.writer)?;
    writeln!(out.writer, "{}", summary_line(report))
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

fn write_markdown(report: &LicenseReport, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        w,
        "# Licences of `{}`\n",
        polyver_report::markdown::cell(&report.root)
    )?;
    writeln!(
        w,
        "{}\n",
        polyver_report::markdown::cell(&project_line(report))
    )?;
    writeln!(
        w,
        "{}\n",
        polyver_report::markdown::cell(&summary_line(report))
    )?;
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
            polyver_report::markdown::cell(&r.name),
            polyver_report::markdown::cell(r.version.as_deref().unwrap_or("-")),
            polyver_report::markdown::cell(&licence_cell(r)),
            r.license.rule,
            r.category,
            r.verdict.outcome.id(),
            polyver_report::markdown::cell(r.source.as_deref().unwrap_or("-")),
            polyver_report::markdown::cell(&reason),
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
                polyver_report::markdown::cell(&r.name),
                polyver_report::markdown::cell(r.version.as_deref().unwrap_or("")),
                polyver_report::markdown::cell(&c.message)
            )?;
        }
    }
    Ok(())
}
