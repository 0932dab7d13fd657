//! One module per command; each takes its parsed arguments and an [`Output`].

pub mod alerts;
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
pub mod outdated;
pub mod plan;
pub mod push;
pub mod rematch;
pub mod report;
pub mod scan;
pub mod serve;
pub mod token;
pub mod update;
pub mod version;

use crate::args::{Cli, Command, GlobalArgs, ScanArgs};
use crate::output::Output;
use polyver_extract::ScanConfig;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The command line offers each command only its formats; a library caller is held to
    // the same list here, once, so no command renders a format it does not have.
    let name = command_name(&cli.command);
    let offered = crate::args::formats(name);
    if !offered.contains(&cli.global.format) {
        return Err(unsupported_format(name, cli.global.format, offered));
    }
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
        Command::Outdated(args) => outdated::run(&args, &cli.global, &mut out)?,
        Command::Serve(args) => serve::run(&args, &cli.global)?,
        Command::Plan(args) => plan::run(&args, &cli.global, &mut out)?,
        Command::Report(args) => report::run(&args, &cli.global, &mut out)?,
        Command::Token(cmd) => token::run(cmd, &cli.global, &mut out)?,
        Command::Push(args) => push::run(&args, &cli.global, &mut out)?,
        Command::Alerts(args) => alerts::run(&args, &cli.global, &mut out)?,
        Command::Update(args) => update::run(&args, &cli.global, &mut out)?,
    };
    out.writer.flush()?;
    Ok(code)
}

/// The command's name as `args::formats` knows it.
fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Scan(_) => "scan",
        Command::Conflicts(_) => "conflicts",
        Command::Migrations(_) => "migrations",
        Command::History(_) => "history",
        Command::Diff(_) => "diff",
        Command::Licenses(_) => "licenses",
        Command::Version(_) => "version",
        Command::Graph(_) => "graph",
        Command::Why(_) => "why",
        Command::Lock(_) => "lock",
        Command::Init(_) => "init",
        Command::Audit(_) => "audit",
        Command::Db(_) => "db",
        Command::Check(_) => "check",
        Command::Outdated(_) => "outdated",
        Command::Serve(_) => "serve",
        Command::Plan(_) => "plan",
        Command::Report(_) => "report",
        Command::Token(_) => "token",
        Command::Push(_) => "push",
        Command::Alerts(_) => "alerts",
        Command::Update(_) => "update",
    }
}

/// The error for `--format F` on a command that does not produce F.
fn unsupported_format(
    command: &str,
    format: crate::args::Format,
    offered: &[crate::args::Format],
) -> anyhow::Error {
    let lower = |f: &crate::args::Format| format!("{f:?}").to_lowercase();
    let list: Vec<String> = offered.iter().map(lower).collect();
    crate::CliError::input(
        format!("`polyver {command}` has no {} output", lower(&format)),
        Some(format!("use --format with one of: {}", list.join(", "))),
    )
    .into()
}

/// What `plan`, `update` and `report` start from: the engine (with `--osv-db`) and one
/// scan of `root`, problems of the scan shown as errors.
pub(crate) fn engine_and_scan(
    global: &GlobalArgs,
    root: &Path,
    osv_db: Option<std::path::PathBuf>,
) -> anyhow::Result<(polyver_engine::Engine, polyver_model::Inventory)> {
    let overrides = polyver_engine::Overrides {
        osv_db,
        ..overrides(global)
    };
    let engine = polyver_engine::Engine::new(root, &overrides)?;
    let inventory = crate::progress::scan(
        global,
        root,
        &engine.settings.scan,
        &polyver_extract::registry::extractors(),
        "the repository's root directory",
        crate::progress::Shown::Errors,
    )?;
    Ok((engine, inventory))
}

/// The engine's overrides from the global flags (commands add their own).
pub fn overrides(global: &GlobalArgs) -> polyver_engine::Overrides {
    polyver_engine::Overrides {
        config: global.config.clone(),
        offline: global.offline,
        ca_certs: global.ca_cert.clone(),
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

/// The settings of a command on `root`, resolved once by the engine: `--config` (else the
/// nearest polyver.toml above `root`, else the defaults), `[scan]` with the `scan` command
/// line on top (globs add up, flags override). An invalid polyver.toml is an input error.
pub fn settings(
    global: &GlobalArgs,
    root: &Path,
    cli: Option<&ScanArgs>,
) -> anyhow::Result<polyver_engine::Settings> {
    let mut o = overrides(global);
    if let Some(cli) = cli {
        o.include = cli.include.clone();
        o.exclude = cli.exclude.clone();
        o.max_file_size = cli.max_file_size;
        o.follow_symlinks = cli.follow_symlinks;
        o.no_default_skips = cli.no_default_skips;
        // What a storing scan records comes from the database audit reads.
        o.osv_db = std::env::var_os("POLYVER_OSV_DB")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from);
    }
    Ok(polyver_engine::Settings::resolve(root, &o)?)
}

/// The walk settings of a command that scans `root` (see [`settings`]).
pub fn load_scan_config(global: &GlobalArgs, root: &Path) -> anyhow::Result<ScanConfig> {
    Ok(settings(global, root, None)?.scan)
}

/// Writes `findings` as one SARIF 2.1.0 log (`--format sarif` of audit, conflicts, licenses,
/// check).
pub fn write_sarif(
    out: &mut Output,
    findings: &[polyver_model::Finding],
    rules: &[polyver_report::sarif::SarifRule],
) -> anyhow::Result<()> {
    let tool = polyver_report::sarif::SarifTool::polyver();
    Ok(out.json(&polyver_report::sarif::sarif(findings, rules, &tool))?)
}
