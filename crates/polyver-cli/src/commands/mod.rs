//! One module per command; each takes its parsed arguments and an [`Output`].

pub mod audit;
pub mod check;
pub mod conflicts;
pub mod db;
pub mod diff;
pub mod graph;
pub mod history;
pub mod init;
pub mod licenses;
pub mod lock;
pub mod migrations;
pub mod scan;
pub mod store;
pub mod version;

use crate::args::{Cli, Command, GlobalArgs, ScanArgs};
use crate::output::Output;
use crate::CliError;
use polyver_extract::ScanConfig;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = Output::open(&cli.global)?;
    let code = match cli.command {
        Command::Scan(args) => scan::run(&args, &cli.global, &mut out)?,
        Command::Conflicts(args) => conflicts::run(&args, &cli.global, &mut out)?,
        Command::Migrations(args) => migrations::run(&args, &cli.global, &mut out)?,
        Command::History(args) => history::run(&args, &cli.global, &mut out)?,
        Command::Diff(args) => diff::run(&args, &cli.global, &mut out)?,
        Command::Licenses(args) => licenses::run(&args, &cli.global, &mut out)?,
        Command::Version(cmd) => version::run(cmd, &cli.global, &mut out)?,
        Command::Graph(args) => graph::run_graph(&args, &cli.global, &mut out)?,
        Command::Why(args) => graph::run_why(&args, &cli.global, &mut out)?,
        Command::Lock(args) => lock::run(&args, &cli.global, &mut out)?,
        Command::Init(args) => init::run(&args, &cli.global, &mut out)?,
        Command::Audit(args) => audit::run(&args, &cli.global, &mut out)?,
        Command::Db(cmd) => db::run(cmd, &cli.global, &mut out)?,
        Command::Check(args) => check::run(&args, &cli.global, &mut out)?,
    };
    out.writer.flush()?;
    Ok(code)
}

/// The error for `--format F` on a command that does not produce F.
pub fn unsupported_format(
    command: &str,
    format: crate::args::Format,
    supported: &str,
) -> anyhow::Error {
    let name = format!("{format:?}").to_lowercase();
    crate::CliError::input(
        format!("`polyver {command}` has no {name} output"),
        Some(format!("use --format with one of: {supported}")),
    )
    .into()
}

/// An engine error as the CLI reports it (exit 2 for input, 3 for the environment).
pub fn engine_error(e: polyver_engine::EngineError) -> anyhow::Error {
    CliError {
        code: e.exit_code(),
        message: e.message,
        hint: e.hint,
    }
    .into()
}

/// The engine's overrides from the global flags (commands add their own).
pub fn overrides(global: &GlobalArgs) -> polyver_engine::Overrides {
    polyver_engine::Overrides {
        config: global.config.clone(),
        offline: global.offline,
        ..polyver_engine::Overrides::default()
    }
}

/// Warnings on stderr, unless `-q`.
pub fn warn(global: &GlobalArgs, warnings: &[String]) {
    if !global.quiet {
        for w in warnings {
            eprintln!("warning: {}", crate::output::escaped(w));
        }
    }
}

/// polyver.toml for a command on `root` (`--config`, else the nearest one above `root`, else
/// the defaults); an invalid file is an input error. Commands that use several sections read
/// it once and pass it on.
pub fn load_config(global: &GlobalArgs, root: &Path) -> anyhow::Result<polyver_config::Config> {
    Ok(polyver_config::discover(global.config.as_deref(), root)
        .map_err(|e| CliError::input(e.to_string(), e.hint.clone()))?)
}

/// The walk settings of a command that scans `root`: polyver.toml's `[scan]` (the nearest one
/// above `root`, or `--config`), then the `scan` command line (globs add up, flags override).
pub fn load_scan_config(
    global: &GlobalArgs,
    root: &Path,
    cli: Option<&ScanArgs>,
) -> anyhow::Result<ScanConfig> {
    Ok(scan_config_from(&load_config(global, root)?.scan, cli))
}

/// [`load_scan_config`] from a polyver.toml already read.
pub fn scan_config_from(
    settings: &polyver_config::ScanSection,
    cli: Option<&ScanArgs>,
) -> ScanConfig {
    let (mut include, mut exclude) = (settings.include.clone(), settings.exclude.clone());
    if let Some(cli) = cli {
        include.extend(cli.include.iter().cloned());
        exclude.extend(cli.exclude.iter().cloned());
    }
    ScanConfig {
        include,
        exclude,
        max_file_size: cli
            .and_then(|c| c.max_file_size)
            .or(settings.max_file_size)
            .unwrap_or(polyver_extract::DEFAULT_MAX_FILE_SIZE),
        follow_symlinks: cli.is_some_and(|c| c.follow_symlinks)
            || settings.follow_symlinks.unwrap_or(false),
        skip_default_dirs: !cli.is_some_and(|c| c.no_default_skips)
            && settings.default_skips.unwrap_or(true),
        ..ScanConfig::default()
    }
}

/// Writes `findings` as one SARIF 2.1.0 log (`--format sarif` of audit, conflicts, licenses).
pub fn write_sarif(
    out: &mut Output,
    findings: &[polyver_model::Finding],
    rules: &[polyver_report::sarif::SarifRule],
) -> anyhow::Result<()> {
    let tool = polyver_report::sarif::SarifTool {
        name: "polyver".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        information_uri: "https://example.invalid/polyver".into(),
    };
    let log = polyver_report::sarif::sarif(findings, rules, &tool);
    serde_json::to_writer_pretty(&mut out.writer, &log)?;
    writeln!(out.writer)?;
    Ok(())
}

/// Scans `root` for a command that analyses the inventory: a scan error is an input error
/// (exit 2) with `give {what}` as the hint, and the files that could not be read are listed on
/// stderr unless `-q` (what was not read was not checked).
pub fn scan_and_report(
    global: &GlobalArgs,
    root: &Path,
    config: &ScanConfig,
    extractors: &[&dyn polyver_extract::Extractor],
    what: &str,
) -> anyhow::Result<polyver_model::Inventory> {
    let inventory = polyver_extract::scan_with(root, config, extractors).map_err(|e| {
        CliError::input(
            format!("cannot scan {}: {e}", root.display()),
            Some(format!("give {what}")),
        )
    })?;
    if !global.quiet {
        for d in inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity != polyver_model::Severity::Info)
        {
            eprintln!("{d}");
        }
    }
    Ok(inventory)
}
