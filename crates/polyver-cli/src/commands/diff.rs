//! `polyver diff [A] [B]`: what changed between two stored scans (default: the previous one
//! and the latest), per ecosystem. JSON schema `polyver.diff/v1` (docs/schemas/diff.md).

use crate::args::{DiffArgs, Format, GlobalArgs};
use crate::output::{escaped, Output, Style};
use polyver_store::{Change, ChangeKind, Comparison, Diff, ScanRef, ScanSummary};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

pub const SCHEMA: &str = "polyver.diff/v1";

const KINDS: [ChangeKind; 4] = [
    ChangeKind::Added,
    ChangeKind::Removed,
    ChangeKind::Upgraded,
    ChangeKind::Downgraded,
];

fn parse(s: Option<&str>, default: ScanRef) -> anyhow::Result<ScanRef> {
    match s {
        None => Ok(default),
        Some(s) => s.parse().map_err(|e: String| {
            crate::CliError::input(e, Some("`polyver history` lists the stored scans".into()))
                .into()
        }),
    }
}

pub fn run(args: &DiffArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    if !matches!(
        global.format,
        Format::Table | Format::Json | Format::Markdown
    ) {
        return Err(super::unsupported_format(
            "diff",
            global.format,
            "table, json, markdown",
        ));
    }
    let a = parse(args.a.as_deref(), ScanRef::Back(1))?;
    let b = parse(args.b.as_deref(), ScanRef::Back(0))?;
    let store = super::store::open_existing(global)?;
    let repository = super::store::repository(&store, args.repo.as_deref())?;
    let err = |e| super::store::cli_error(e, "");
    let from = store.resolve(&repository, &a).map_err(err)?;
    let to = store.resolve(&repository, &b).map_err(err)?;
    let diff = polyver_store::diff(
        &store.components(from.id).map_err(err)?,
        &store.components(to.id).map_err(err)?,
    );
    match global.format {
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut out.writer,
                &document(&repository, &from, &to, &diff),
            )?;
            writeln!(out.writer)?;
        }
        Format::Markdown => write_markdown(&repository, &from, &to, &diff, &mut out.writer)?,
        _ => write_table(&repository, &from, &to, &diff, out)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn counts(changes: &[&Change]) -> BTreeMap<&'static str, usize> {
    KINDS
        .iter()
        .map(|k| (k.id(), changes.iter().filter(|c| c.change == *k).count()))
        .collect()
}

fn document(
    repository: &str,
    from: &ScanSummary,
    to: &ScanSummary,
    diff: &Diff,
) -> serde_json::Value {
    let all: Vec<&Change> = diff.changes.iter().collect();
    let per_eco: BTreeMap<String, _> = diff
        .by_ecosystem()
        .iter()
        .map(|(e, c)| (e.id().to_string(), counts(c)))
        .collect();
    json!({
        "schema": SCHEMA,
        "repository": repository,
        "from": super::history::scan_json(from),
        "to": super::history::scan_json(to),
        "summary": counts(&all),
        "ecosystems": per_eco,
        "changes": diff.changes,
    })
}

fn scan_label(s: &ScanSummary) -> String {
    let commit = s
        .commit
        .as_deref()
        .map(|c| format!(" {}", &c[..c.len().min(10)]))
        .unwrap_or_default();
    format!(
        "scan {} ({}{commit})",
        s.id,
        super::store::time(s.started_at)
    )
}

fn summary_line(diff: &Diff) -> String {
    let text = diff
        .changes
        .iter()
        .filter(|c| c.compared_as == Some(Comparison::Text))
        .count();
    let mut s = format!(
        "{} added, {} removed, {} upgraded, {} downgraded",
        diff.count(ChangeKind::Added),
        diff.count(ChangeKind::Removed),
        diff.count(ChangeKind::Upgraded),
        diff.count(ChangeKind::Downgraded)
    );
    if text > 0 {
        s.push_str(&format!(
            " ({text} ordered as text: no version rules for them, marked *)"
        ));
    }
    s
}

fn versions(c: &Change) -> String {
    let mark = if c.compared_as == Some(Comparison::Text) {
        " *"
    } else {
        ""
    };
    match (&c.from, &c.to) {
        (Some(f), Some(t)) => format!("{f} -> {t}{mark}"),
        (Some(v), None) | (None, Some(v)) => v.clone(),
        (None, None) => "-".into(),
    }
}

fn write_table(
    repository: &str,
    from: &ScanSummary,
    to: &ScanSummary,
    diff: &Diff,
    out: &mut Output,
) -> std::io::Result<()> {
    writeln!(
        out.writer,
        "{}: {} -> {}",
        out.paint(repository, Style::Bold),
        scan_label(from),
        scan_label(to)
    )?;
    for (eco, changes) in diff.by_ecosystem() {
        writeln!(out.writer, "\n{}", out.paint(eco.id(), Style::Bold))?;
        let name_w = changes
            .iter()
            .map(|c| escaped(&c.name).chars().count())
            .max()
            .unwrap_or(0);
        let ver_w = changes
            .iter()
            .map(|c| escaped(versions(c)).chars().count())
            .max()
            .unwrap_or(0);
        for c in changes {
            let word = format!("{:<10}", c.change.id());
            let word = match c.change {
                ChangeKind::Added | ChangeKind::Upgraded => out.paint(&word, Style::Good),
                ChangeKind::Removed | ChangeKind::Downgraded => out.paint(&word, Style::Bad),
            };
            let line = format!(
                "  {word}  {:<name_w$}  {:<ver_w$}  {}",
                escaped(&c.name),
                escaped(versions(c)),
                c.location.as_deref().unwrap_or("")
            );
            writeln!(out.writer, "{}", line.trim_end())?;
        }
    }
    if diff.changes.is_empty() {
        writeln!(out.writer, "\nno changes")?;
    }
    writeln!(out.writer, "\n{}", summary_line(diff))
}

fn write_markdown(
    repository: &str,
    from: &ScanSummary,
    to: &ScanSummary,
    diff: &Diff,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        w,
        "# Changes in `{}`\n",
        polyver_report::markdown::cell(repository)
    )?;
    writeln!(w, "From {} to {}.\n", scan_label(from), scan_label(to))?;
    writeln!(w, "{}\n", summary_line(diff))?;
    if diff.changes.is_empty() {
        return Ok(());
    }
    writeln!(w, "| ecosystem | added | removed | upgraded | downgraded |")?;
    writeln!(w, "|---|---:|---:|---:|---:|")?;
    let groups = diff.by_ecosystem();
    for (eco, changes) in &groups {
        let n = counts(changes);
        writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            eco, n["added"], n["removed"], n["upgraded"], n["downgraded"]
        )?;
    }
    for (eco, changes) in &groups {
        writeln!(w, "\n## {eco}\n")?;
        writeln!(w, "| change | name | version | location |")?;
        writeln!(w, "|---|---|---|---|")?;
        for c in changes {
            writeln!(
                w,
                "| {} | {} | {} | {} |",
                c.change.id(),
                polyver_report::markdown::cell(&c.name),
                polyver_report::markdown::cell(&versions(c)),
                polyver_report::markdown::cell(c.location.as_deref().unwrap_or(""))
            )?;
        }
    }
    Ok(())
}
