//! The `polyver` binary: parses arguments, runs one command, maps the outcome to an exit code
//! (0 ok, 1 check failed, 2 usage or input error, 3 internal or environment error).

mod args;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

/// An error that carries its exit code and a hint on what to do next.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn input(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for CliError {}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    if let Some(dir) = &cli.global.directory {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("error: cannot change to {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let (code, hint) = match err.downcast_ref::<CliError>() {
                Some(e) => (e.code, e.hint.clone()),
                None => (3, None),
            };
            eprintln!("error: {err:#}");
            if let Some(hint) = hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(code)
        }
    }
}
