//! `polyver history`: the stored scans of one repository, newest first. JSON schema
//! `polyver.history/v1` (docs/schemas/history.md).

use crate::args::{Format, GlobalArgs, HistoryArgs};
use crate::output::Output;
use polyver_report::render::history as render;
use std::io::Write;
use std::process::ExitCode;

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
            let doc = render::json(&repository, store.backend(), &scans);
            serde_json::to_writer_pretty(&mut out.writer, &doc)?;
            writeln!(out.writer)?;
        }
        _ => out.write(&render::table(&repository, &scans, &out.term))?,
    }
    Ok(ExitCode::SUCCESS)
}
