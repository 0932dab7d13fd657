//! The `polyver` binary: parses arguments, runs one command, maps the outcome to an exit code
//! (0 ok, 1 check failed, 2 usage or input error, 3 internal or environment error).

use polyver_cli::output::escaped;
use polyver_cli::{args, commands, CliError};
use polyver_model::{Severity, SourceLine};
use polyver_report::diagnostic::{render_annotation, stderr_color, Annotation};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse_args();
    if let Some(dir) = &cli.global.directory {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("error: cannot change to {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let no_color = cli.global.no_color;
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
            match located(&err, stderr_color(no_color)) {
                Some(block) => eprint!("{block}"),
                None => eprintln!("error: {}", escaped(format!("{err:#}"))),
            }
            if let Some(hint) = hint {
                eprintln!("hint: {}", escaped(hint));
            }
            ExitCode::from(code)
        }
    }
}

/// An error that points into a text (a polyver.toml line, a version given on the command
/// line) rendered with that text and a caret; `None` for the others.
fn located(err: &anyhow::Error, color: bool) -> Option<String> {
    // A polyver.toml error, as it is or under the engine's error.
    let config = err
        .downcast_ref::<polyver_config::ConfigError>()
        .or_else(|| {
            err.downcast_ref::<polyver_engine::EngineError>()
                .and_then(|e| e.config.as_deref())
        });
    if let Some(e) = config {
        let path = e.path.display().to_string();
        return Some(render_annotation(
            &Annotation {
                severity: Severity::Error,
                code: None,
                message: &e.message,
                path: Some(&path),
                line: e.line,
                column: (e.column > 0).then_some(e.column),
                source: e.source_line.as_ref(),
            },
            color,
        ));
    }
    let e = err.downcast_ref::<polyver_version::VersionError>()?;
    let offset = e.offset()?;
    let column = e.input.get(..offset)?.chars().count() as u32 + 1;
    let source = SourceLine::excerpt(&e.input, Some(column));
    let message = e.to_string();
    Some(render_annotation(
        &Annotation {
            severity: Severity::Error,
            code: None,
            message: &message,
            path: None,
            line: 0,
            column: Some(column),
            source: Some(&source),
        },
        color,
    ))
}
