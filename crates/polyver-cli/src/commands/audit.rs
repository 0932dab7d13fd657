//! `polyver audit [PATH]`: scan, then match every component against the local OSV database.
//! The database is opened first, so a missing one fails fast (exit 3, with what to run).
//! Findings go to stdout in the chosen format; `--fail-on` turns them into exit code 1.

use crate::args::{AuditArgs, Format, GlobalArgs, SeverityFilter};
use crate::output::{escaped, Output};
use crate::progress::{self, Shown};
use polyver_report::render::audit as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &AuditArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let settings = super::settings(global, &root, None)?;
    let db = super::db::open(&args.db)?;
    polyver_engine::audit::check_age(&db, &settings.config, super::db::now())?;
    let extractors = polyver_extract::registry::extractors();
    let mut inventory = progress::scan(
        global,
        &root,
        &settings.scan,
        &extractors,
        "a directory or one file (a lock file, manifest or SBOM)",
        Shown::Nothing,
    )?;
    // --scope and --ecosystem choose what is checked (and counted as checked).
    inventory.components.retain(|c| {
        (args.scope.is_empty() || args.scope.contains(&c.scope))
            && (args.ecosystem.is_empty() || args.ecosystem.contains(&c.ecosystem))
    });
    let started = std::time::Instant::now();
    // Components of an ecosystem the database has nothing for would pass silently: the
    // engine lists those ecosystems, and they are said here.
    let mut outcome = polyver_engine::audit::audit(&settings, &inventory, &db)?;
    // --severity chooses what is shown and what can fail the run.
    let before = outcome.report.findings.len();
    outcome
        .report
        .findings
        .retain(|f| SeverityFilter::admits(&args.severity, f.severity));
    let hidden = before - outcome.report.findings.len();
    if hidden > 0 && !global.quiet {
        eprintln!(
            "{} not shown (--severity)",
            polyver_report::render::plural(hidden, "finding", "findings")
        );
    }
    let now = super::db::now();
    let elapsed = started.elapsed();
    let report = &outcome.report;
    if !global.quiet {
        for w in outcome.warnings() {
            eprintln!("warning: {}", escaped(w));
        }
    }
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
    let threshold = polyver_engine::audit::threshold(args.fail_on, &settings.config);
    let failing = outcome.failing(threshold);
    match global.format {
        Format::Json => {
            let doc = render::json(&inventory.root, &outcome, &db, threshold, now);
            out.json(&doc)?;
        }
        Format::Sarif => {
            let (findings, rules) = (report.findings(), render::sarif_rules(report));
            super::write_sarif(out, &findings, &rules)?;
        }
        Format::Markdown => out.write(&render::markdown(report))?,
        _ => out.write(&render::table(
            report,
            inventory.components.len(),
            &out.term,
        ))?,
    }
    Ok(if failing > 0 {
        if !global.quiet {
            eprintln!(
                "{} at or above {}",
                polyver_report::render::plural(failing, "finding", "findings"),
                threshold.map_or("-", |t| t.id())
            );
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
