//! One module per command; each takes its parsed arguments and an [`Output`].

pub mod version;

use crate::args::{Cli, Command};
use crate::output::Output;
use std::io::Write as _;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = Output::open(&cli.global)?;
    let code = match cli.command {
        Command::Version(cmd) => version::run(cmd, &cli.global, &mut out)?,
    };
    out.writer.flush()?;
    Ok(code)
}
