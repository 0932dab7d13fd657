//! `polyver licenses [PATH]`: the licence of every package, where it was read, the
//! `[licenses]` policy verdict and the fit with the repository's own licence (the work is in
//! `polyver-license`; this module loads settings and renders).
//!
//! Exit codes: 0 done (violations are reported but do not fail without `--fail-on`); 1 a
//! licence finding at or above `--fail-on` (`--fail-on-violation`, the former flag, is
//! `--fail-on high`); 2 input errors (bad path, bad polyver.toml, bad `--registry-url`); 3
//! the HTTP client cannot be set up.

use crate::args::{Format, GlobalArgs, LicensesArgs};
use crate::output::{escaped, Output};
use crate::progress::{self, Shown};
use polyver_license::LicenseReport;
use polyver_model::{FindingSeverity, Inventory};
use polyver_report::render::licenses as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &LicensesArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let settings = super::settings(global, &root, None)?;
    let extractors = polyver_extract::registry::extractors();
    let what = "the directory of the repository";
    let inventory = progress::scan(
        global,
        &root,
        &settings.scan,
        &extractors,
        what,
        Shown::Nothing,
    )?;
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
            out.json(&report)?;
        }
        Format::Markdown => out.write(&render::markdown(&report))?,
        Format::Sarif => super::write_sarif(out, &report.findings(), &render::sarif_rules())?,
        _ => out.write(&render::table(&report, &out.term))?,
    }
    let threshold = args
        .fail_on
        .or(args.fail_on_violation.then_some(FindingSeverity::High));
    let failing = threshold.map_or(0, |t| {
        report.findings().iter().filter(|f| f.severity >= t).count()
    });
    Ok(match threshold {
        Some(t) if failing > 0 => {
            if !global.quiet {
                eprintln!(
                    "{} at or above {t}",
                    polyver_report::render::plural(failing, "finding", "findings")
                );
            }
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    })
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
    let bar = progress::bar(global, "{bar:30} registry lookups {pos}/{len}  {elapsed}");
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
    )?;
    bar.finish_and_clear();
    Ok(report)
}
