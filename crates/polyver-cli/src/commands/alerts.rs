//! `polyver alerts`: the Prometheus alerting rules and the Grafana dashboard for the metrics
//! of `polyver serve`, with the thresholds of polyver.toml `[server.alerts]` (the rules and
//! the dashboard themselves are built by `polyver_server::alerts`).
//!
//! `--format yaml` (the default) writes the rules file; `--format json` one document with the
//! thresholds, the rules and the dashboard; `--dashboard FILE` writes the dashboard alone.

use crate::args::{AlertsArgs, Format, GlobalArgs};
use crate::output::Output;
use crate::CliError;
use polyver_server::alerts;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &AlertsArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let settings = super::settings(global, Path::new("."), None)?;
    let thresholds = alerts::Thresholds::from_config(&settings.config.server.alerts);
    if let Some(path) = &args.dashboard {
        let mut text = serde_json::to_string_pretty(&alerts::dashboard(&thresholds))?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| {
            CliError::environment(
                format!("cannot write the dashboard to {}: {e}", path.display()),
                Some("give --dashboard a path in a writable directory".into()),
            )
        })?;
    }
    match global.format {
        Format::Json => out.json(&alerts::document(&thresholds))?,
        _ => out.write(&alerts::rules_yaml(&thresholds))?,
    }
    Ok(ExitCode::SUCCESS)
}
