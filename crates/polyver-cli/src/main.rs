//! The `polyver` binary: parses arguments, runs one command, maps the outcome to an exit code
//! (0 ok, 1 check failed, 2 usage or input error, 3 internal or environment error).

use polyver_cli::output::escaped;
use polyver_cli::{args, commands, CliError};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse_args();
    if let Some(dir) = &cli.global.directory {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("error: cannot change to {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let (code, hint) = match (
                err.downcast_ref::<CliError>(),
                err.downcast_ref::<polyver_engine::EngineError>(),
            ) {
                (Some(e), _) => (e.code, e.hint.clone()),
                (None, Some(e)) => (e.exit_code(), e.hint.clone()),
                (None, None) => (3, None),
            };
            eprintln!("error: {}", escaped(format!("{err:#}")));
            if let Some(hint) = hint {
                eprintln!("hint: {}", escaped(hint));
            }
            ExitCode::from(code)
        }
    }
}
