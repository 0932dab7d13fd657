//! `polyver diff [A] [B]`: what changed between two stored scans (default: the previous one
//! and the latest), per ecosystem. JSON schema `polyver.diff/v1` (docs/schemas/diff.md).

use crate::args::{DiffArgs, Format, GlobalArgs};
use crate::output::Output;
use polyver_engine::registry;
use polyver_report::render::diff as render;
use polyver_store::ScanRef;
use std::process::ExitCode;

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
    let a = parse(args.a.as_deref(), ScanRef::Back(1))?;
    let b = parse(args.b.as_deref(), ScanRef::Back(0))?;
    let store = registry::open_existing(global.db.as_deref())?;
    let repository = registry::repository(&store, args.repo.as_deref())?;
    let err = |e| registry::store_error(e, "");
    let from = store.resolve(&repository, &a).map_err(err)?;
    let to = store.resolve(&repository, &b).map_err(err)?;
    let diff = polyver_store::diff(
        &store.components(from.id).map_err(err)?,
        &store.components(to.id).map_err(err)?,
    );
    match global.format {
        Format::Json => {
            let doc = render::json(&repository, &from, &to, &diff);
            out.json(&doc)?;
        }
        Format::Markdown => out.write(&render::markdown(&repository, &from, &to, &diff))?,
        _ => out.write(&render::table(&repository, &from, &to, &diff, &out.term))?,
    }
    Ok(ExitCode::SUCCESS)
}
