//! `polyver outdated [PATH]`: scans, asks each component's registry what exists (through the
//! on-disk cache; `--offline` answers from it alone), and prints what is behind.
//!
//! Exit codes: 0 (or nothing reaches `--fail-on-outdated`); 1 a component is behind by at
//! least that bump; 2 input errors (bad path, invalid polyver.toml, a credential variable
//! that is not set). A failed lookup is listed and never changes the exit code by itself.

use crate::args::{Format, GlobalArgs, OutdatedArgs};
use crate::output::Output;
use crate::progress::Shown;
use polyver_engine::Engine;
use polyver_extract::registry;
use polyver_report::render::outdated as render;
use polyver_upstream::outdated::Options;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &OutdatedArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let engine = Engine::new(&root, &super::overrides(global))?;
    let inventory = crate::progress::scan(
        global,
        &root,
        &engine.settings.scan,
        &registry::extractors(),
        "the repository's directory",
        Shown::Errors,
    )?;
    let bar = crate::progress::bar(
        global,
        "{bar:30} looking up {pos}/{len} packages  {elapsed}",
    );
    let report = polyver_engine::upstream::outdated(
        &engine.settings,
        &inventory,
        &Options {
            all: args.all,
            max_age: args.max_age.into(),
        },
        &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    let threshold = args.fail_on_outdated.map(|b| b.bump());
    let failed = threshold.is_some_and(|t| report.behind_at_least(t) > 0);
    match global.format {
        Format::Json => out.json(&render::Document::new(&report, threshold, failed))?,
        Format::Markdown => out.write(&render::markdown(&report))?,
        _ => out.write(&render::table(&report, &out.term))?,
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
