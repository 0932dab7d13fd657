//! `polyver init [PATH] [--force]`: a commented `polyver.toml` written from what the
//! repository holds, and the `.polyver/` state directory (registry database, caches) with a
//! `.gitignore` that keeps it out of version control.
//!
//! The file's text is `polyver_report::render::init::config`. An existing polyver.toml is
//! never overwritten without `--force`; the write is atomic.

use crate::args::{Format, GlobalArgs, InitArgs};
use crate::output::Output;
use crate::progress::{self, Shown};
use polyver_engine::init;
use polyver_extract::ScanConfig;
use polyver_report::render::init as render;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &InitArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let target = init::target(&root, args.force)?;
    // A broken polyver.toml being replaced must not stop the scan that replaces it.
    let config = match super::load_scan_config(global, &root) {
        Ok(c) => c,
        Err(_) if args.force => ScanConfig::default(),
        Err(e) => return Err(e),
    };
    let extractors = polyver_extract::registry::extractors();
    let what = "the repository root";
    let inventory = progress::scan(global, &root, &config, &extractors, what, Shown::Nothing)?;
    let created = init::write(&target, &render::config(&inventory))?;
    let config = target.config.to_string_lossy();
    let state = target.state.to_string_lossy();
    if global.format == Format::Json {
        out.json(&render::json(&config, &state, created, &inventory))?;
    } else {
        let approved = init::approved(&init::runtimes(&inventory));
        let components = inventory.components.len();
        out.write(&render::done(
            &config, components, &approved, &state, created,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
