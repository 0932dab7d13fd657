//! `polyver migrations [PATH] [--database-url URL]`: the schema migration chains of a
//! repository (see `polyver-migrations` for what counts as a head, gap or duplicate), and
//! with a database URL the applied state read from each framework's own table.
//!
//! Exit codes: 0 no problem; 1 any problem (multiple heads, gaps, duplicates, cycles,
//! missing parents, a stale `db/schema.rb`, and with a database pending, unknown or failed
//! migrations); 2 input errors (bad path, bad URL); 3 the database cannot be reached or read.

use crate::args::{Format, GlobalArgs, MigrationsArgs};
use crate::output::Output;
use crate::CliError;
use polyver_extract::registry;
use polyver_migrations::live::{self, LiveError};
use polyver_migrations::{analyse, Report};
use polyver_model::Kind;
use polyver_report::render::migrations as render;
use std::io::Write;
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
    // Only the migrations extractor: the other formats are not needed here.
    let extractors: Vec<_> = registry::extractors()
        .into_iter()
        .filter(|x| x.id() == "migrations")
        .collect();
    let inventory = super::scan_and_report(
        global,
        &root,
        &config,
        &extractors,
        "the directory holding the migrations",
    )?;
    let migrations: Vec<_> = inventory
        .components
        .iter()
        .filter(|c| c.kind == Kind::Migration)
        .filter(|c| {
            args.chain.is_empty()
                || args
                    .chain
                    .iter()
                    .any(|f| c.name.contains(f.as_str()) || c.ecosystem.id() == f)
        })
        .cloned()
        .collect();
    let mut report = Report::new(inventory.root.clone(), analyse(&migrations));

    if let Some(url) = &args.database_url {
        let timeout = Duration::from_secs(args.connect_timeout.max(1));
        let mut client = live::connect(url, timeout).map_err(|e| db_error(e, url))?;
        live::check(&mut client, &mut report.chains).map_err(|e| db_error(e, url))?;
        report.recount();
    }

    match global.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out.writer, &report)?;
            writeln!(out.writer)?;
        }
        Format::Table => out.write(&render::table(
            &report,
            args.database_url.is_some(),
            &out.term,
        ))?,
        other => {
            return Err(super::unsupported_format(
                "migrations",
                other,
                "table, json",
            ))
        }
    }
    Ok(if report.problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A URL error is the user's input (exit 2); anything else is the environment (exit 3).
fn db_error(e: LiveError, url: &str) -> anyhow::Error {
    let shown = redact(url);
    match e {
        LiveError::Url(_) => CliError::input(
            e.to_string(),
            Some("use postgres://user:password@host:5432/database".to_string()),
        )
        .into(),
        LiveError::Connect(_) => CliError {
            code: 3,
            message: format!("{e} ({shown})"),
            hint: Some(
                "is the server running and reachable, and are user, password and database \
                 right? (--connect-timeout raises the wait)"
                    .to_string(),
            ),
        }
        .into(),
        LiveError::Query(_) => CliError {
            code: 3,
            message: e.to_string(),
            hint: Some(
                "the table exists but has another shape, or the user may not read it".to_string(),
            ),
        }
        .into(),
    }
}

/// The URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
