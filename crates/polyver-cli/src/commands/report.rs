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
use crate::progress;
use polyver_report::render::report as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &ReportArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let (engine, inventory) = super::engine_and_scan(global, &root, args.db.osv_db.clone())?;
    let bar = progress::lookup_bar(global);
    let lookups = progress::lookups(&bar);
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
