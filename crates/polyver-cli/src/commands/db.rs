//! `polyver db sync|import|status`: the local OSV database that `polyver audit` reads.
//! The work is in `polyver-advisory`; this module resolves where the database lives, draws
//! progress on a terminal and prints what changed.

use crate::args::{DbCommand, Format, GlobalArgs, OsvDbArg};
use crate::output::{escaped, Output};
use crate::CliError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polyver_advisory::db::{self, Database, DbError, Mode, Origin};
use polyver_advisory::sync::{self, DEFAULT_BASE_URL, DEFAULT_ECOSYSTEMS};
use polyver_advisory::{import, ImportLimits};
use polyver_report::render::db as render;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// The database directory (`polyver_engine::osv_db_dir`).
pub fn osv_db_dir(arg: &OsvDbArg) -> PathBuf {
    polyver_engine::osv_db_dir(arg.osv_db.as_deref())
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Opens the database, or explains how to get one (exit 3).
pub fn open(arg: &OsvDbArg) -> anyhow::Result<Database> {
    use polyver_engine::audit::{missing_database, open_database, NoDatabase};
    open_database(&osv_db_dir(arg)).map_err(|e| {
        super::engine_error(match e {
            NoDatabase::Missing(p) => missing_database(&p),
            NoDatabase::Broken(e) => e,
        })
    })
}

/// An unreadable database as exit 3, with how to rebuild it.
pub(crate) fn db_error(e: DbError) -> anyhow::Error {
    super::engine_error(polyver_engine::audit::database_error(e))
}

pub fn run(cmd: DbCommand, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    match cmd {
        DbCommand::Import { path, db } => import_cmd(&path, &db, global, out),
        DbCommand::Sync {
            ecosystems,
            base_url,
            allow_shrink,
            db,
        } => sync_cmd(&ecosystems, base_url, allow_shrink, &db, global, out),
        DbCommand::Status { verify, db } => status_cmd(&db, verify, global, out),
    }
}

fn check_format(global: &GlobalArgs, command: &str) -> anyhow::Result<()> {
    match global.format {
        Format::Table | Format::Json => Ok(()),
        other => Err(super::unsupported_format(command, other, "table, json")),
    }
}

fn import_cmd(
    path: &Path,
    arg: &OsvDbArg,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    check_format(global, "db import")?;
    let started = std::time::Instant::now();
    let imported = import::import_path(path, &ImportLimits::default()).map_err(|e| {
        CliError::input(
            e.to_string(),
            Some("give a directory of OSV JSON files or an OSV all.zip export".to_string()),
        )
    })?;
    if !global.quiet {
        for w in &imported.warnings {
            eprintln!("{}", escaped(w));
        }
    }
    // Nothing readable at all is a broken source, not an empty one: say so, write nothing.
    if imported.advisories.is_empty() && imported.withdrawn == 0 && !imported.warnings.is_empty() {
        return Err(CliError {
            code: 3,
            message: format!(
                "db import: all {} entries of {} are corrupt; nothing was imported (the database is unchanged)",
                imported.warnings.len(),
                path.display()
            ),
            hint: Some("the warnings above say what is wrong with each entry".to_string()),
        }
        .into());
    }
    let db_path = Database::file_in(&osv_db_dir(arg));
    let origin = Origin {
        source: path
            .canonicalize()
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string(),
        ..Origin::default()
    };
    let summary = db::update(&db_path, imported, Mode::Merge, &origin, now()).map_err(db_error)?;
    let seconds = started.elapsed().as_secs_f64();
    if global.format == Format::Json {
        let doc = render::import_json(&db_path, &summary, seconds);
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
    } else {
        out.write(&render::import_line(&db_path, &summary, seconds))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn sync_cmd(
    requested: &[String],
    base_url: Option<String>,
    allow_shrink: bool,
    arg: &OsvDbArg,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    check_format(global, "db sync")?;
    let config = polyver_config::discover(global.config.as_deref(), Path::new("."))
        .map_err(|e| CliError::input(e.to_string(), e.hint.clone()))?;
    let base = base_url
        .or(config.audit.osv_url)
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let db_path = Database::file_in(&osv_db_dir(arg));
    let mut ecosystems = Vec::new();
    for e in requested {
        let canonical = sync::canonical_ecosystem(e).ok_or_else(|| {
            CliError::input(
                format!("unknown OSV ecosystem `{e}`"),
                Some(format!(
                    "one of: {}, GitHub Actions",
                    DEFAULT_ECOSYSTEMS.join(", ")
                )),
            )
        })?;
        if !ecosystems.iter().any(|x| x == canonical) {
            ecosystems.push(canonical.to_string());
        }
    }
    if ecosystems.is_empty() {
        ecosystems = match Database::open(&db_path) {
            Ok(db) if !db.ecosystems().is_empty() => db.ecosystems().keys().cloned().collect(),
            _ => DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect(),
        };
    }
    let client = polyver_net::Client::new(polyver_net::Options {
        offline: global.offline,
        ..Default::default()
    })
    .map_err(|e| CliError {
        code: 3,
        message: e.to_string(),
        hint: None,
    })?;
    let visible = !global.quiet && std::io::stderr().is_terminal();
    let bar = ProgressBar::with_draw_target(
        None,
        if visible {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{msg:12} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
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
    let result = sync::sync(
        &client,
        &db_path,
        &base,
        &ecosystems,
        &ImportLimits::default(),
        allow_shrink,
        now(),
        &progress,
    );
    bar.finish_and_clear();
    let outcomes = result.map_err(|e| {
        let hint = match &e {
            sync::SyncError::Net { .. } if global.offline => {
                "db sync needs the network; drop --offline, or use `polyver db import PATH`"
                    .to_string()
            }
            sync::SyncError::Net { .. } => {
                "check the network or --base-url; ecosystems synced before this one are kept, and the database is otherwise unchanged"
                    .to_string()
            }
            // The existing file cannot be read, so it cannot be updated: it must be rebuilt.
            sync::SyncError::Db(DbError::Corrupt { path, .. } | DbError::OldFormat { path, .. }) => {
                format!(
                    "delete {} and run `polyver db sync` again to rebuild it",
                    path.display()
                )
            }
            _ => "the previous database is unchanged".to_string(),
        };
        CliError {
            code: 3,
            message: format!("db sync failed: {e}"),
            hint: Some(hint),
        }
    })?;
    if !global.quiet {
        for o in &outcomes {
            for w in &o.warnings {
                eprintln!("{}", escaped(w));
            }
        }
    }
    if global.format == Format::Json {
        let doc = render::sync_json(&db_path, &base, &outcomes);
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
    } else {
        out.write(&render::sync_table(&outcomes, &out.term))?;
    }
    let refused: Vec<String> = outcomes
        .iter()
        .filter_map(|o| Some(format!("{}: {}", o.ecosystem, o.refused.as_ref()?)))
        .collect();
    if !refused.is_empty() {
        return Err(CliError {
            code: 3,
            message: format!(
                "db sync refused an export, and kept the previous advisories: {}",
                refused.join("; ")
            ),
            hint: Some(
                "check the mirror or --base-url and sync again; --allow-shrink accepts the \
                 export as it is"
                    .to_string(),
            ),
        }
        .into());
    }
    Ok(ExitCode::SUCCESS)
}

fn status_cmd(
    arg: &OsvDbArg,
    verify: bool,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    check_format(global, "db status")?;
    let db = open(arg)?;
    let verified = if verify {
        Some(db.verify().map_err(db_error)?)
    } else {
        None
    };
    let now = now();
    if global.format == Format::Json {
        let doc = render::status_json(&db, verified.as_ref(), now);
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
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
