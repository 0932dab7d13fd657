//! `polyver lock [PATH] [--check]`: writes `polyver.lock` (see `polyver-lock` for what it
//! holds), or compares it with a fresh scan.
//!
//! The file is written to a temporary file and renamed into place, so a crash never leaves
//! half a lock; an unchanged file is not rewritten.
//!
//! `--check` rescans and compares: exit 0 identical, 1 drifted (with a diff: a per-file stat,
//! then added, removed, changed entries), 2 when polyver.lock is missing or malformed (with
//! file:line).

use crate::args::{Format, GlobalArgs, LockArgs};
use crate::output::Output;
use crate::CliError;
use polyver_extract::registry;
use polyver_lock::{diff, entries, LockEntry, FILE_NAME};
use polyver_model::{Inventory, Severity};
use polyver_report::render::lock as render;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The largest polyver.lock `--check` reads (a 100k-component lock is about 25 MiB).
const MAX_LOCK_SIZE: u64 = 256 << 20;

fn scan(global: &GlobalArgs, root: &Path) -> anyhow::Result<Inventory> {
    let config = super::load_scan_config(global, root)?;
    let inventory =
        super::graph::scan_with_progress(global, root, &config, &registry::extractors()).map_err(
            |e| {
                CliError::input(
                    format!("cannot scan {}: {e}", root.display()),
                    Some("give the repository root".to_string()),
                )
            },
        )?;
    if !global.quiet {
        for d in inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            eprintln!("{d}");
        }
    }
    Ok(inventory)
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename.
pub(crate) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| FILE_NAME.into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn run(args: &LockArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = if root == Path::new(".") {
        PathBuf::from(FILE_NAME)
    } else {
        root.join(FILE_NAME)
    };
    let inventory = scan(global, &root)?;
    let current = entries(&inventory);
    let files: BTreeSet<&str> = current
        .iter()
        .flat_map(|e| e.files.iter().map(String::as_str))
        .collect();
    if args.check {
        return check(&path, &current, global, out);
    }
    let text = polyver_lock::render(&current);
    let unchanged = polyver_model::read::read_file_to_string(
        &path,
        polyver_model::read::ReadLimits::new(MAX_LOCK_SIZE),
    )
    .is_ok_and(|old| old == text);
    if !unchanged {
        write_atomically(&path, &text).map_err(|e| CliError {
            code: 3,
            message: format!("cannot write {}: {e}", path.display()),
            hint: Some("check the directory's permissions and free space".into()),
        })?;
    }
    let shown = path.display().to_string();
    if global.format == Format::Json {
        let doc = render::write_json(&shown, current.len(), files.len(), !unchanged);
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
    } else {
        out.write(&render::written(
            &shown,
            current.len(),
            files.len(),
            !unchanged,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads and parses polyver.lock: exit 2 when it is missing, too large or malformed (with
/// file:line). Shared by `lock --check` and `check`.
pub(crate) fn read_lock(path: &Path) -> anyhow::Result<Vec<LockEntry>> {
    polyver_engine::read_lock(path).map_err(super::engine_error)
}

fn check(
    path: &Path,
    current: &[LockEntry],
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let recorded = read_lock(path)?;
    let drift = diff(&recorded, current);
    let shown = path.display().to_string();
    if global.format == Format::Json {
        let doc = render::check_json(&shown, &drift);
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
    } else {
        out.write(&render::check(&shown, &drift, &out.term))?;
    }
    if drift.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        if !global.quiet {
            eprintln!("hint: run `polyver lock` to record the repository as it is now, or undo the change");
        }
        Ok(ExitCode::from(1))
    }
}
