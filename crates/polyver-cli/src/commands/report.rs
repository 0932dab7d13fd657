//! `polyver report [PATH]`: the whole audit report in one document. One scan, then the
//! engine's report (every analysis once: audit, licences, conflicts and compatibility,
//! registry lookups — a bar on a terminal; cached, none with `--offline` — the plan, the
//! graphs), rendered as one self-contained HTML page, Markdown or `polyver.report/v1` JSON.
//!
//! Exit codes: 0 the report was written (whatever it says: `check` is the gate); 2 input
//! errors (bad path, invalid polyver.toml); 3 an OSV database that exists but cannot be read,
//! or an output file that cannot be written.

use crate::args::{Format, GlobalArgs, ReportArgs};
use crate::output::Output;
use crate::progress::{self, Shown};
use polyver_engine::{Engine, Overrides};
use polyver_report::render::report as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &ReportArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let overrides = Overrides {
        osv_db: args.db.osv_db.clone(),
        ..super::overrides(global)
    };
    let engine = Engine::new(&root, &overrides)?;
    let inventory = progress::scan(
        global,
        &root,
        &engine.settings.scan,
        &polyver_extract::registry::extractors(),
        "the repository's root directory",
        Shown::Errors,
    )?;
    let bar = progress::bar(
        global,
        "{bar:30} looking up {pos}/{len} packages  {elapsed}",
    );
    let lookups = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let gathered = polyver_engine::report::report(&engine.settings, &inventory, &lookups);
    bar.finish_and_clear();
    let report = gathered?;
    super::warn(global, &report.warnings);
    match global.format {
        Format::Json => out.write(&render::json(&report))?,
        Format::Markdown => out.write(&render::markdown(&report))?,
        _ => out.write(&render::html(&report))?,
    }
    Ok(ExitCode::SUCCESS)
}
