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
use crate::progress::{self, Shown};
use polyver_lock::{diff, entries, LockEntry, FILE_NAME};
use polyver_report::render::lock as render;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(args: &LockArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = if root == Path::new(".") {
        PathBuf::from(FILE_NAME)
    } else {
        root.join(FILE_NAME)
    };
    let config = super::load_scan_config(global, &root)?;
    let extractors = polyver_extract::registry::extractors();
    let what = "the repository root";
    let inventory = progress::scan(global, &root, &config, &extractors, what, Shown::Errors)?;
    let current = entries(&inventory);
    if args.check {
        return check(&path, &current, global, out);
    }
    let done = polyver_engine::write_lock(&path, &current)?;
    let shown = path.display().to_string();
    if global.format == Format::Json {
        let doc = render::write_json(&shown, done.components, done.files, done.written);
        out.json(&doc)?;
    } else {
        out.write(&render::written(
            &shown,
            done.components,
            done.files,
            done.written,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn check(
    path: &Path,
    current: &[LockEntry],
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    // Missing, too large or malformed: exit 2 (with file:line).
    let recorded = polyver_engine::read_lock(path)?;
    let drift = diff(&recorded, current);
    let shown = path.display().to_string();
    if global.format == Format::Json {
        let doc = render::check_json(&shown, &drift);
        out.json(&doc)?;
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
