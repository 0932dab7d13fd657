//! `polyver serve`: opens the registry store ([server] database-url, `--db` /
//! POLYVER_DATABASE_URL over it), binds the listen address and serves until SIGINT/SIGTERM.
//! The bound address is printed on stderr once the server accepts requests (`listening on
//! http://127.0.0.1:PORT`), so scripts that ask for port 0 can read it.
//!
//! With `--rematch-every PERIOD`, it also syncs the OSV database once per period and
//! re-matches the stored scans whenever the database changed (`polyver_rematch::schedule`),
//! one line on stderr per re-match; on shutdown the delivery under way finishes and the rest
//! waits, recorded, for the next start.
//!
//! Request logs go to stderr through `tracing-subscriber` (see [`init_logging`]), after that
//! line.
//!
//! Exit codes: 0 after a graceful shutdown; 2 a bad address or database URL; 3 the database
//! cannot be opened, the address cannot be bound, or a webhook's key is not set.

use crate::args::{GlobalArgs, LogFormat, ServeArgs};
use crate::output::escaped;
use crate::CliError;
use polyver_engine::registry;
use polyver_rematch::schedule::{self, Event, Schedule};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn run(args: &ServeArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let settings = super::settings(global, Path::new("."), None)?;
    let server = &settings.config.server;
    let db = global.db.clone().or_else(|| server.database_url.clone());
    let (url, _) = registry::url(db.as_deref(), Path::new("."));
    let listen = match (args.listen, &server.listen) {
        (Some(addr), _) => addr,
        (None, Some(text)) => text.parse().map_err(|e| {
            CliError::input(
                format!("[server] listen = \"{text}\" is not host:port: {e}"),
                Some("write an IP address and port, e.g. 127.0.0.1:8080".into()),
            )
        })?,
        (None, None) => polyver_server::ServerOptions::default().listen,
    };
    let options = polyver_server::ServerOptions {
        listen,
        read: server.read.unwrap_or(polyver_config::ReadAccess::Open),
        ..polyver_server::ServerOptions::default()
    };
    let log_format = args.log_format;
    let rematch = match args.rematch_every {
        Some(every) => Some((
            every,
            super::rematch::options(global, &settings.config)?,
            polyver_engine::osv_db_dir(args.osv.osv_db.as_deref()),
        )),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = polyver_store::AsyncStore::open(&url)
            .await
            .map_err(|e| registry::store_error(e, &url))?;
        let quiet = global.quiet;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = Arc::new(Mutex::new(None));
        let started = Arc::clone(&task);
        let background = store.clone();
        let config = settings.config.clone();
        let ca_certs = global.ca_cert.clone();
        let offline = global.offline;
        polyver_server::serve(store, options, move |addr| {
            if !quiet {
                eprintln!("listening on http://{addr}");
            }
            // Logs start after that line, which scripts read first (opening the store can
            // log, e.g. sqlx's notices on an existing PostgreSQL schema).
            init_logging(log_format, global);
            // Started once the address is printed: scripts read that line first.
            if let Some((every, rematch, osv_dir)) = rematch {
                let sync = sync_job(config, osv_dir.clone(), ca_certs, offline, quiet);
                let handle = tokio::spawn(schedule::run(
                    background,
                    Arc::new(rematch),
                    Schedule {
                        every,
                        poll: every.min(Duration::from_secs(10)),
                        osv_dir,
                    },
                    sync,
                    Arc::new(move |event| report(event, quiet)),
                    polyver_rematch::Stop::new(stopped),
                ));
                *started.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
            }
        })
        .await
        .map_err(|e| {
            CliError::environment(
                format!("cannot serve on {listen}: {e}"),
                Some("choose another --listen address, or stop what uses this one".into()),
            )
        })?;
        let _ = stop.send(true);
        let handle = task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle {
            // The request under way (at most the delivery timeout) finishes; nothing new starts.
            let _ = tokio::time::timeout(Duration::from_secs(30), handle).await;
        }
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What the schedule runs once per period: `polyver db sync` of the ecosystems the database
/// already has (all of OSV's when it has none), or nothing when offline.
fn sync_job(
    config: polyver_config::Config,
    dir: PathBuf,
    ca_certs: Vec<PathBuf>,
    offline: bool,
    quiet: bool,
) -> Arc<dyn Fn() -> Result<(), String> + Send + Sync> {
    Arc::new(move || {
        if offline {
            return Ok(());
        }
        let request = polyver_engine::osv::SyncRequest {
            ecosystems: &[],
            base_url: None,
            config: &config,
            allow_shrink: false,
            offline,
            ca_certs: ca_certs.clone(),
            dir: &dir,
        };
        let synced =
            polyver_engine::osv::sync(&request, &|_, _, _| {}).map_err(|e| e.to_string())?;
        if !quiet {
            for w in synced.outcomes.iter().flat_map(|o| &o.warnings) {
                eprintln!("warning: {}", escaped(w));
            }
        }
        synced.refused().map_or(Ok(()), |e| Err(e.to_string()))
    })
}

/// One line on stderr per scheduled event (none with `-q`).
fn report(event: Event<'_>, quiet: bool) {
    if quiet {
        return;
    }
    match event {
        Event::SyncFailed(why) => {
            eprintln!(
                "warning: the OSV database sync failed (re-matching what it holds): {}",
                escaped(why)
            )
        }
        Event::RematchFailed(e) => {
            eprintln!("warning: re-match failed: {}", escaped(e.to_string()))
        }
        Event::Rematched(r) => {
            let delivered = r
                .deliveries
                .iter()
                .filter(|d| d.status == polyver_store::DeliveryStatus::Delivered)
                .count();
            let plural = polyver_report::render::plural;
            eprintln!(
                "re-matched {} against {}: {}, {delivered} of {} delivered",
                plural(r.repositories, "repository", "repositories"),
                plural(r.advisories as usize, "advisory", "advisories"),
                plural(r.new_findings.len(), "new finding", "new findings"),
                plural(r.deliveries.len(), "webhook post", "webhook posts"),
            );
            for w in &r.warnings {
                eprintln!("warning: {}", escaped(w));
            }
            for d in r.failed() {
                eprintln!(
                    "warning: webhook post failed and will not be retried: {} ({}): {}",
                    escaped(&d.webhook),
                    escaped(&d.finding),
                    escaped(d.error.as_deref().unwrap_or("failed"))
                );
            }
        }
    }
}

/// The log subscriber: RUST_LOG when set (a `tracing` filter such as `info` or
/// `polyver_server=debug,warn`), else info (-v debug, -vv trace, -q warn); compact lines or
/// one JSON object per event, with the request span's method and path on each.
fn init_logging(format: LogFormat, global: &GlobalArgs) {
    use tracing_subscriber::EnvFilter;
    let level = match (global.quiet, global.verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(text) if !text.trim().is_empty() => EnvFilter::try_new(&text).unwrap_or_else(|e| {
            eprintln!("warning: RUST_LOG={text:?} is not a log filter ({e}); logging at {level}");
            EnvFilter::new(level)
        }),
        _ => EnvFilter::new(level),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    // Already set (a second server in one process, in tests): keep the first.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Compact => builder.compact().try_init(),
    };
}
