//! `polyver plan [PATH]`: what to update first. One scan, then the engine's plan: the audit
//! (when there is an OSV database; otherwise the plan says vulnerabilities were not
//! checked), licences from the repository, conflicts and drift, registry lookups (a bar on a
//! terminal; cached, none with `--offline`), weighed into priorities, recommendations and a
//! health score.
//!
//! Exit codes: 0 the plan was made (whatever it says); 2 input errors (bad path, invalid
//! polyver.toml); 3 an OSV database that exists but cannot be read.

use crate::args::{Format, GlobalArgs, PlanArgs};
use crate::output::Output;
use crate::progress;
use polyver_engine::plan::PlanOptions;
use polyver_report::render::plan as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &PlanArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let (engine, inventory) = super::engine_and_scan(global, &root, args.db.osv_db.clone())?;
    let bar = progress::lookup_bar(global);
    let lookups = progress::lookups(&bar);
    let planned = polyver_engine::plan::plan(
        &engine.settings,
        &inventory,
        &PlanOptions { all: args.all },
        &lookups,
    );
    bar.finish_and_clear();
    let mut outcome = planned?;
    super::warn(global, &outcome.warnings);
    if let Some(n) = args.limit {
        outcome.plan.truncate(n as usize);
    }
    match global.format {
        Format::Json => out.json(&outcome.plan)?,
        Format::Markdown => out.write(&render::markdown(&outcome.plan))?,
        _ => out.write(&render::table(&outcome.plan, &out.term))?,
    }
    Ok(ExitCode::SUCCESS)
}
