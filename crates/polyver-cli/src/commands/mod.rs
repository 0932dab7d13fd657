//! One module per command; each takes its parsed arguments and an [`Output`].

pub mod migrations;
pub mod scan;
pub mod version;

use crate::args::{Cli, Command};
use crate::output::Output;
use std::io::Write as _;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = Output::open(&cli.global)?;
    let code = match cli.command {
        Command::Scan(args) => scan::run(&args, &cli.global, &mut out)?,
        Command::Migrations(args) => migrations::run(&args, &cli.global, &mut out)?,
        Command::Version(cmd) => version::run(cmd, &cli.global, &mut out)?,
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
