//! `polyver history`: the stored scans of one repository, newest first. JSON schema
//! `polyver.history/v1` (docs/schemas/history.md).

use crate::args::{Format, GlobalArgs, HistoryArgs};
use crate::output::{escaped, Output, Style};
use polyver_store::ScanSummary;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

pub const SCHEMA: &str = "polyver.history/v1";

pub fn scan_json(s: &ScanSummary) -> serde_json::Value {
    json!({
        "id": s.id,
        "time": super::store::time(s.started_at),
        "started_at": s.started_at,
        "finished_at": s.finished_at,
        "commit": s.commit,
        "branch": s.branch,
        "tool_version": s.tool_version,
        "root": s.root,
        "components": s.components,
        "direct_components": s.direct_components,
        "findings": s.findings,
    })
}

pub fn run(args: &HistoryArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    if !matches!(global.format, Format::Table | Format::Json) {
        return Err(super::unsupported_format(
            "history",
            global.format,
            "table, json",
        ));
    }
    let store = super::store::open_existing(global)?;
    let repository = super::store::repository(&store, args.repo.as_deref())?;
    let scans = store
        .history(&repository, args.limit)
        .map_err(|e| super::store::cli_error(e, ""))?;
    match global.format {
        Format::Json => {
            let doc = json!({
                "schema": SCHEMA,
                "repository": repository,
                "backend": store.backend(),
                "scans": scans.iter().map(scan_json).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out.writer, &doc)?;
            writeln!(out.writer)?;
        }
        _ => write_table(&repository, &scans, out)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn short(commit: &Option<String>) -> String {
    commit
        .as_deref()
        .map_or("-".to_string(), |c| c.chars().take(10).collect())
}

fn write_table(repository: &str, scans: &[ScanSummary], out: &mut Output) -> std::io::Result<()> {
    writeln!(
        out.writer,
        "{}",
        out.paint(&escaped(repository), Style::Bold)
    )?;
    if scans.is_empty() {
        return writeln!(out.writer, "no scans stored");
    }
    let header = [
        "id",
        "time (UTC)",
        "commit",
        "branch",
        "components",
        "direct",
        "critical",
        "high",
        "medium",
        "low",
        "info",
    ];
    let rows: Vec<Vec<String>> = scans
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                super::store::time(s.started_at),
                short(&s.commit),
                escaped(s.branch.as_deref().unwrap_or("-")),
                s.components.to_string(),
                s.direct_components.to_string(),
                s.findings.critical.to_string(),
                s.findings.high.to_string(),
                s.findings.medium.to_string(),
                s.findings.low.to_string(),
                s.findings.info.to_string(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // Numbers right-aligned, text left-aligned.
    let numeric = |i: usize| i == 0 || i >= 4;
    let line = |cells: Vec<String>| {
        let mut s = String::from("  ");
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if numeric(i) {
                s.push_str(&pad);
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&pad);
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    let head = line(header.iter().map(|h| h.to_string()).collect());
    writeln!(out.writer, "{}", out.paint(&head, Style::Bold))?;
    for (row, s) in rows.into_iter().zip(scans) {
        let text = line(row);
        let style = if s.findings.critical + s.findings.high > 0 {
            Some(Style::Bad)
        } else {
            None
        };
        match style {
            Some(st) => writeln!(out.writer, "{}", out.paint(&text, st))?,
            None => writeln!(out.writer, "{text}")?,
        }
    }
    writeln!(
        out.writer,
        "\n{} scan{} shown (newest first); `polyver diff` compares the last two",
        scans.len(),
        if scans.len() == 1 { "" } else { "s" }
    )
}
