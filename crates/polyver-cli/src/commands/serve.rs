//! `polyver serve`: opens the registry store ([server] database-url, `--db` /
//! POLYVER_DATABASE_URL over it), binds the listen address and serves until SIGINT/SIGTERM.
//! The bound address is printed on stderr once the server accepts requests (`listening on
//! http://127.0.0.1:PORT`), so scripts that ask for port 0 can read it.
//!
//! Request logs go to stderr through `tracing-subscriber` (see [`init_logging`]), after that
//! line.
//!
//! Exit codes: 0 after a graceful shutdown; 2 a bad address or database URL; 3 the database
//! cannot be opened or the address cannot be bound.

use crate::args::{GlobalArgs, LogFormat, ServeArgs};
use crate::CliError;
use polyver_engine::registry;
use std::path::Path;
use std::process::ExitCode;

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
    init_logging(args.log_format, global);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = polyver_store::AsyncStore::open(&url)
            .await
            .map_err(|e| registry::store_error(e, &url))?;
        let quiet = global.quiet;
        polyver_server::serve(store, options, move |addr| {
            if !quiet {
                eprintln!("listening on http://{addr}");
            }
        })
        .await
        .map_err(|e| {
            CliError::environment(
                format!("cannot serve on {listen}: {e}"),
                Some("choose another --listen address, or stop what uses this one".into()),
            )
        })?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
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
