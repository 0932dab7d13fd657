//! `polyver conflicts [PATH]`: scans, then runs `polyver-analyze` with the repository's
//! `[approved]` and `[[compat]]` (polyver.toml, plus `.versions.yaml` and
//! `.compatibility-matrix.yaml` beside it — or at PATH when there is no polyver.toml; the
//! TOML wins for a subject named in both).
//!
//! Exit codes: 0 nothing at or above `--fail-on` (default `high`: unsatisfiable constraints,
//! a lock that does not satisfy its manifest, violated compatibility rules); 1 something is;
//! 2 input errors (bad path, invalid polyver.toml or YAML mirror).

use crate::args::{ConflictsArgs, Format, GlobalArgs};
use crate::output::{escaped, Output};
use crate::progress::Shown;
use polyver_analyze::analyze;
use polyver_engine::Engine;
use polyver_extract::registry;
use polyver_report::render::conflicts as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(
    args: &ConflictsArgs,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let engine = Engine::new(&root, &super::overrides(global))?;
    let policy = polyver_engine::conflicts::policy(&engine.settings)?;
    // A file that could not be read holds constraints that were not checked: say so.
    let inventory = crate::progress::scan(
        global,
        &root,
        &engine.settings.scan,
        &registry::extractors(),
        "the repository's directory",
        Shown::Problems,
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
        Format::Json => out.json(&render::Document {
            report: &report,
            fail_on: args.fail_on,
            failed,
        })?,
        Format::Markdown => out.write(&render::markdown(&report))?,
        Format::Sarif => super::write_sarif(out, &report.findings(), &render::sarif_rules())?,
        _ => out.write(&render::table(&report, args.fail_on, &out.term))?,
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
