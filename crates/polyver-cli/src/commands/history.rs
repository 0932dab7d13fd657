//! `polyver history`: the stored scans of one repository, newest first. JSON schema
//! `polyver.history/v1` (docs/schemas/history.md).

use crate::args::{Format, GlobalArgs, HistoryArgs};
use crate::output::Output;
use polyver_engine::registry;
use polyver_report::render::history as render;
use std::process::ExitCode;

pub fn run(args: &HistoryArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let store = registry::open_existing(global.db.as_deref())?;
    let repository = registry::repository(&store, args.repo.as_deref())?;
    let scans = store
        .history(&repository, args.limit)
        .map_err(|e| registry::store_error(e, ""))?;
    match global.format {
        Format::Json => {
            let doc = render::json(&repository, store.backend(), &scans);
            out.json(&doc)?;
        }
        _ => out.write(&render::table(&repository, &scans, &out.term))?,
    }
    Ok(ExitCode::SUCCESS)
}
