//! `polyver init [PATH] [--force]`: a commented `polyver.toml` written from what the
//! repository holds, and the `.polyver/` state directory (registry database, caches) with a
//! `.gitignore` that keeps it out of version control.
//!
//! The file's text is `polyver_report::render::init::config`. An existing polyver.toml is
//! never overwritten without `--force`; the write is atomic.

use crate::args::{Format, GlobalArgs, InitArgs};
use crate::output::Output;
use crate::progress::{self, Shown};
use crate::CliError;
use polyver_extract::ScanConfig;
use polyver_report::render::init as render;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const STATE_DIR: &str = ".polyver";
const STATE_GITIGNORE: &str =
    "# polyver's local state (registry database, caches): not for version control.\n*\n";

pub fn run(args: &InitArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        return Err(CliError::input(
            format!("{} is not a directory", root.display()),
            Some("give the repository root".to_string()),
        )
        .into());
    }
    let here = root == Path::new(".");
    let path = if here {
        PathBuf::from(polyver_config::FILE_NAME)
    } else {
        root.join(polyver_config::FILE_NAME)
    };
    if path.exists() && !args.force {
        return Err(CliError::input(
            format!("{} exists already", path.display()),
            Some("edit it, or run `polyver init --force` to replace it".to_string()),
        )
        .into());
    }
    // A broken polyver.toml being replaced must not stop the scan that replaces it.
    let config = match super::load_scan_config(global, &root) {
        Ok(c) => c,
        Err(_) if args.force => ScanConfig::default(),
        Err(e) => return Err(e),
    };
    let extractors = polyver_extract::registry::extractors();
    let what = "the repository root";
    let inventory = progress::scan(global, &root, &config, &extractors, what, Shown::Nothing)?;
    let text = render::config(&inventory);
    // What is written must load: a bug here must not hand users a broken file.
    if let Err(e) = polyver_config::parse(&path, &text) {
        return Err(CliError {
            code: 3,
            message: format!("internal error: the generated polyver.toml does not load: {e}"),
            hint: None,
        }
        .into());
    }
    polyver_engine::write_atomically(&path, &text).map_err(|e| CliError {
        code: 3,
        message: format!("cannot write {}: {e}", path.display()),
        hint: Some("check the directory's permissions".into()),
    })?;
    let state = if here {
        PathBuf::from(STATE_DIR)
    } else {
        root.join(STATE_DIR)
    };
    let created = ensure_state_dir(&state).map_err(|e| CliError {
        code: 3,
        message: format!("cannot create {}: {e}", state.display()),
        hint: Some("check the directory's permissions".into()),
    })?;
    let detected = polyver_engine::init::runtimes(&inventory);
    let (config, state) = (path.to_string_lossy(), state.to_string_lossy());
    if global.format == Format::Json {
        let runtimes: BTreeMap<String, Vec<String>> = detected
            .iter()
            .map(|(n, v)| (n.to_string(), v.keys().cloned().collect()))
            .collect();
        let doc = serde_json::json!({
            "schema": render::SCHEMA,
            "config": config,
            "state_dir": state,
            "state_dir_created": created,
            "components": inventory.components.len(),
            "runtimes": runtimes,
        });
        out.json(&doc)?;
    } else {
        let approved = polyver_engine::init::approved(&detected);
        let components = inventory.components.len();
        out.write(&render::done(
            &config, components, &approved, &state, created,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates `.polyver/` and its `.gitignore` if missing; true when the directory is new.
fn ensure_state_dir(state: &Path) -> std::io::Result<bool> {
    let created = !state.is_dir();
    std::fs::create_dir_all(state)?;
    let ignore = state.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(ignore, STATE_GITIGNORE)?;
    }
    Ok(created)
}
