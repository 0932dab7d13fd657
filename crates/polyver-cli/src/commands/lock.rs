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
use crate::output::{escaped, Output, Style};
use crate::CliError;
use polyver_extract::registry;
use polyver_lock::{describe, diff, entries, render, LockEntry, FILE_NAME};
use polyver_model::{Ecosystem, Inventory, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const CHECK_SCHEMA: &str = "polyver.lock-check/v1";
const WRITE_SCHEMA: &str = "polyver.lock-write/v1";
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
    if !matches!(global.format, Format::Table | Format::Json) {
        return Err(super::unsupported_format(
            "lock",
            global.format,
            "table, json",
        ));
    }
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
    let text = render(&current);
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
    if global.format == Format::Json {
        let doc = serde_json::json!({
            "schema": WRITE_SCHEMA,
            "path": path.to_string_lossy(),
            "components": current.len(),
            "files": files.len(),
            "written": !unchanged,
        });
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
    } else if unchanged {
        writeln!(
            out.writer,
            "{} is up to date ({} components)",
            path.display(),
            current.len()
        )?;
    } else {
        writeln!(
            out.writer,
            "wrote {}: {} components from {} files",
            path.display(),
            current.len(),
            files.len()
        )?;
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
    if global.format == Format::Json {
        let doc = serde_json::json!({
            "schema": CHECK_SCHEMA,
            "path": path.to_string_lossy(),
            "up_to_date": drift.is_empty(),
            "unchanged": drift.unchanged,
            "added": drift.added,
            "removed": drift.removed,
            "changed": drift.changed,
        });
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
    } else if drift.is_empty() {
        writeln!(
            out.writer,
            "{} is up to date ({} components)",
            path.display(),
            drift.unchanged
        )?;
    } else {
        writeln!(
            out.writer,
            "{} is out of date: {} added, {} removed, {} changed, {} unchanged",
            path.display(),
            drift.added.len(),
            drift.removed.len(),
            drift.changed.len(),
            drift.unchanged
        )?;
        // Per file, like `git diff --stat`: how many entries it added, removed, changed.
        let mut per_file: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        for (entries, slot) in [(&drift.added, 0), (&drift.removed, 1)] {
            for f in entries.iter().flat_map(|e| &e.files) {
                per_file.entry(f.as_str()).or_default()[slot] += 1;
            }
        }
        for c in &drift.changed {
            let files: BTreeSet<&String> = c.before.files.iter().chain(&c.after.files).collect();
            for f in files {
                per_file.entry(f.as_str()).or_default()[2] += 1;
            }
        }
        let width = per_file
            .keys()
            .map(|f| escaped(f).chars().count())
            .max()
            .unwrap_or(0);
        for (file, [added, removed, changed]) in &per_file {
            let marks = format!(
                "{}{}{}",
                out.paint(&"+".repeat((*added).min(40)), Style::Good),
                out.paint(&"-".repeat((*removed).min(40)), Style::Bad),
                "~".repeat((*changed).min(40))
            );
            writeln!(
                out.writer,
                "  {:<width$} | {:>3} {marks}",
                escaped(file),
                added + removed + changed
            )?;
        }
        writeln!(out.writer)?;
        // One line per entry, in name order, like a diff.
        let mut lines: Vec<((Ecosystem, &str), String)> = Vec::new();
        for e in &drift.added {
            lines.push((
                (e.ecosystem, &e.name),
                out.paint(&escaped(format!("+ {}", describe(e))), Style::Good),
            ));
        }
        for e in &drift.removed {
            lines.push((
                (e.ecosystem, &e.name),
                out.paint(&escaped(format!("- {}", describe(e))), Style::Bad),
            ));
        }
        for c in &drift.changed {
            lines.push((
                (c.after.ecosystem, &c.after.name),
                escaped(format!(
                    "~ {} {}: {} (in {})",
                    c.after.ecosystem,
                    c.after.name,
                    c.fields.join("; "),
                    c.after.files.join(", ")
                )),
            ));
        }
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, line) in lines {
            writeln!(out.writer, "  {line}")?;
        }
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
