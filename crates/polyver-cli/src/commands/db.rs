//! `polyver db sync|import|status`: the local OSV database that `polyver audit` reads.
//! The work is in `polyver-advisory`; this module resolves where the database lives, draws
//! progress on a terminal and prints what changed. With `--rematch`, sync and import then
//! re-match the registry's stored scans (see `rematch`).

use crate::args::{DbCommand, Format, GlobalArgs, OsvDbArg};
use crate::output::{escaped, Output};
use crate::CliError;
use polyver_advisory::db::Database;
use polyver_engine::osv;
use polyver_report::render::db as render;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The database directory (`polyver_engine::osv_db_dir`).
pub fn osv_db_dir(arg: &OsvDbArg) -> PathBuf {
    polyver_engine::osv_db_dir(arg.osv_db.as_deref())
}

pub use polyver_engine::osv::now;

/// Opens the database, or explains how to get one (exit 3).
pub fn open(arg: &OsvDbArg) -> anyhow::Result<Database> {
    Ok(polyver_engine::audit::open(&osv_db_dir(arg))?)
}

pub fn run(cmd: DbCommand, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    match cmd {
        DbCommand::Import { path, rematch, db } => import_cmd(&path, rematch, &db, global, out),
        DbCommand::Sync {
            ecosystems,
            base_url,
            allow_shrink,
            rematch,
            db,
        } => sync_cmd(
            &ecosystems,
            base_url,
            allow_shrink,
            rematch,
            &db,
            global,
            out,
        ),
        DbCommand::Status { verify, db } => status_cmd(&db, verify, global, out),
    }
}

fn import_cmd(
    path: &Path,
    rematch: bool,
    arg: &OsvDbArg,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    // Read first: a polyver.toml or webhook key problem stops --rematch before the import.
    let config = match rematch {
        true => {
            let config = config(global)?;
            super::rematch::options(global, &config)?;
            Some(config)
        }
        false => None,
    };
    let imported = osv::read_source(path)?;
    if !global.quiet {
        for w in &imported.warnings {
            eprintln!("{}", escaped(w));
        }
    }
    let dir = osv_db_dir(arg);
    let (db_path, summary) = osv::import(path, imported, &dir)?;
    let seconds = started.elapsed().as_secs_f64();
    let rematched = match &config {
        Some(config) => Some(super::rematch::once(global, config, &dir)?),
        None => None,
    };
    if global.format == Format::Json {
        let mut doc = render::import_json(&db_path, &summary, seconds);
        if let Some((report, registry)) = &rematched {
            doc["rematch"] = polyver_report::render::rematch::json(report, registry);
        }
        out.json(&doc)?;
    } else {
        out.write(&render::import_line(&db_path, &summary, seconds))?;
        if let Some((report, registry)) = &rematched {
            out.write(&polyver_report::render::rematch::text(
                report, registry, &out.term,
            ))?;
        }
    }
    if let Some((report, _)) = &rematched {
        super::rematch::finish(global, report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// polyver.toml (`--config`, else the nearest above the current directory).
fn config(global: &GlobalArgs) -> anyhow::Result<polyver_config::Config> {
    Ok(
        polyver_config::discover(global.config.as_deref(), Path::new("."))
            .map_err(|e| CliError::input(e.to_string(), e.hint.clone()))?,
    )
}

fn sync_cmd(
    requested: &[String],
    base_url: Option<String>,
    allow_shrink: bool,
    rematch: bool,
    arg: &OsvDbArg,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let config = config(global)?;
    if rematch {
        // A missing webhook key stops the command before anything is downloaded.
        super::rematch::options(global, &config)?;
    }
    let bar = crate::progress::bar(
        global,
        "{msg:12} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
    );
    let progress = |eco: &str, done: u64, total: Option<u64>| {
        if bar.message() != eco {
            bar.set_message(eco.to_string());
        }
        if let Some(t) = total {
            bar.set_length(t);
        }
        bar.set_position(done);
    };
    let request = osv::SyncRequest {
        ecosystems: requested,
        base_url,
        config: &config,
        allow_shrink,
        offline: global.offline,
        ca_certs: global.ca_cert.clone(),
        dir: &osv_db_dir(arg),
    };
    let result = osv::sync(&request, &progress);
    bar.finish_and_clear();
    let synced = result?;
    if !global.quiet {
        for w in synced.outcomes.iter().flat_map(|o| &o.warnings) {
            eprintln!("{}", escaped(w));
        }
    }
    // A refused export kept the previous advisories: those are re-matched all the same.
    let rematched = if rematch {
        Some(super::rematch::once(global, &config, &osv_db_dir(arg))?)
    } else {
        None
    };
    if global.format == Format::Json {
        let mut doc = render::sync_json(&synced.database, &synced.base_url, &synced.outcomes);
        if let Some((report, registry)) = &rematched {
            doc["rematch"] = polyver_report::render::rematch::json(report, registry);
        }
        out.json(&doc)?;
    } else {
        out.write(&render::sync_table(&synced.outcomes, &out.term))?;
        if let Some((report, registry)) = &rematched {
            out.write(&polyver_report::render::rematch::text(
                report, registry, &out.term,
            ))?;
        }
    }
    if let Some((report, _)) = &rematched {
        super::rematch::finish(global, report)?;
    }
    match synced.refused() {
        Some(e) => Err(e.into()),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn status_cmd(
    arg: &OsvDbArg,
    verify: bool,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let db = open(arg)?;
    let verified = if verify {
        Some(db.verify().map_err(polyver_engine::audit::database_error)?)
    } else {
        None
    };
    let now = now();
    if global.format == Format::Json {
        let doc = render::status_json(&db, verified.as_ref(), now);
        out.json(&doc)?;
    } else {
        out.write(&render::status_table(
            &db,
            verified.as_ref(),
            now,
            &out.term,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
