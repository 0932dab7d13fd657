//! `polyver outdated [PATH]`: scans, asks each component's registry what exists (through the
//! on-disk cache; `--offline` answers from it alone), and prints what is behind. Unless
//! `--no-store`, the rows are kept with the repository's latest stored scan (in `--db`, or in
//! the default registry when one exists; none is created), where `polyver push` finds them
//! to send along and the server exports them as `polyver_update_lag_days`.
//!
//! Exit codes: 0 (or nothing reaches `--fail-on-outdated`); 1 a component is behind by at
//! least that bump; 2 input errors (bad path, invalid polyver.toml, a credential variable
//! that is not set). A failed lookup is listed and never changes the exit code by itself.

use crate::args::{Format, GlobalArgs, OutdatedArgs};
use crate::output::{escaped, Output};
use crate::progress::Shown;
use polyver_engine::registry as store_registry;
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
    let bar = crate::progress::lookup_bar(global);
    let report = polyver_engine::upstream::outdated(
        &engine.settings,
        &inventory,
        &Options {
            all: args.all,
            max_age: args.max_age.into(),
        },
        &crate::progress::lookups(&bar),
    )?;
    bar.finish_and_clear();
    let stored = if args.no_store {
        None
    } else {
        store(args, global, &root, &report)?
    };
    let threshold = args.fail_on_outdated.map(|b| b.bump());
    let failed = threshold.is_some_and(|t| report.behind_at_least(t) > 0);
    match global.format {
        Format::Json => {
            let mut document = render::Document::new(&report, threshold, failed);
            document.stored = stored;
            out.json(&document)?
        }
        Format::Markdown => out.write(&render::markdown(&report))?,
        _ => out.write(&render::table(&report, &out.term))?,
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Keeps the rows with the repository's latest stored scan; says on stderr what became of
/// them.
fn store(
    args: &OutdatedArgs,
    global: &GlobalArgs,
    root: &std::path::Path,
    report: &polyver_upstream::outdated::Report,
) -> anyhow::Result<Option<render::Stored>> {
    let checked_at = polyver_engine::upstream::now()?.as_second();
    let rows = polyver_engine::upstream::stored_rows(report, checked_at);
    let recorded =
        store_registry::record_outdated(global.db.as_deref(), root, args.repo.as_deref(), &rows)?;
    let stored = match recorded {
        store_registry::OutdatedRecorded::Stored {
            scan_id,
            repository,
        } => Some(render::Stored {
            scan_id,
            repository,
            rows: rows.len(),
        }),
        store_registry::OutdatedRecorded::NoRegistry => None,
        store_registry::OutdatedRecorded::NoScan { repository } => {
            if !global.quiet {
                eprintln!(
                    "note: the rows were not stored: the registry has no scan of {}\nhint: run \
                     `polyver scan` first, or give the repository's name with --repo",
                    escaped(polyver_model::shell_quote(&repository))
                );
            }
            None
        }
        store_registry::OutdatedRecorded::Skipped { warning, hint } => {
            if !global.quiet {
                eprintln!("warning: {}\nhint: {}", escaped(warning), escaped(hint));
            }
            None
        }
    };
    if let (Some(stored), false) = (&stored, global.quiet) {
        eprint!("{}", stored.line());
    }
    Ok(stored)
}
