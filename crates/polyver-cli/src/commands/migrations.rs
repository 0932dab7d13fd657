//! `polyver migrations [PATH] [--database-url URL]`: the schema migration chains of a
//! repository (see `polyver-migrations` for what counts as a head, gap or duplicate), and
//! with a database URL the applied state read from each framework's own table.
//!
//! Exit codes: 0 no problem; 1 any problem (multiple heads, gaps, duplicates, cycles,
//! missing parents, a stale `db/schema.rb`, and with a database pending, unknown or failed
//! migrations); 2 input errors (bad path, bad URL); 3 the database cannot be reached or read.

use crate::args::{Format, GlobalArgs, MigrationsArgs};
use crate::output::Output;
use crate::progress::Shown;
use polyver_engine::migrations as engine;
use polyver_report::render::migrations as render;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub fn run(
    args: &MigrationsArgs,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = super::load_scan_config(global, &root)?;
    let inventory = crate::progress::scan(
        global,
        &root,
        &config,
        &engine::extractors(),
        "the directory holding the migrations",
        Shown::Problems,
    )?;
    let mut report = engine::report(&inventory, &args.chain);
    if let Some(url) = &args.database_url {
        let timeout = Duration::from_secs(args.connect_timeout.max(1));
        engine::check_database(&mut report, url, timeout)?;
    }
    match global.format {
        Format::Json => {
            out.json(&report)?;
        }
        Format::Markdown => out.write(&render::markdown(&report, args.database_url.is_some()))?,
        _ => out.write(&render::table(
            &report,
            args.database_url.is_some(),
            &out.term,
        ))?,
    }
    Ok(if report.problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
