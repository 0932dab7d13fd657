//! `polyver graph [PATH]` and `polyver why NAME [PATH]`: the dependency graphs of the lock
//! files under PATH (see `polyver-graph` for what a node, an edge and a root are).
//!
//! Only the lock-file extractors run: the graph needs nothing else, and the extractors read
//! the manifest beside each lock themselves to tell direct from transitive entries.
//!
//! Exit codes: `graph` 0 (also with no lock file: an empty graph is an answer); `why` 0 when
//! NAME is in some graph, 1 when it is in none (with near names as the hint); 2 bad input.

use crate::args::{Format, GlobalArgs, GraphArgs, GraphFilter, WhyArgs};
use crate::output::Output;
use crate::progress::{self, Shown};
use crate::CliError;
use polyver_engine::graph as engine;
use polyver_graph::Graph;
use polyver_model::Inventory;
use polyver_report::render::graph as render;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Scans `root` with the lock extractors and builds the graphs `filter` selects.
pub fn load_graphs(
    global: &GlobalArgs,
    root: &Path,
    filter: &GraphFilter,
) -> anyhow::Result<Vec<Graph>> {
    Ok(load(global, root, filter)?.1)
}

/// [`load_graphs`] with the inventory it was built from.
fn load(
    global: &GlobalArgs,
    root: &Path,
    filter: &GraphFilter,
) -> anyhow::Result<(Inventory, Vec<Graph>)> {
    let config = super::load_scan_config(global, root)?;
    let extractors = engine::lock_extractors();
    let what = "the directory holding the lock files";
    let inventory = progress::scan(global, root, &config, &extractors, what, Shown::Problems)?;
    let graphs = engine::select(&inventory, root, filter.lock.as_deref(), filter.ecosystem)?;
    Ok((inventory, graphs))
}

fn root_of(path: &Option<PathBuf>) -> PathBuf {
    path.clone().unwrap_or_else(|| PathBuf::from("."))
}

pub fn run_graph(
    args: &GraphArgs,
    global: &GlobalArgs,
    out: &mut Output,
) -> anyhow::Result<ExitCode> {
    let root = root_of(&args.path);
    let mut graphs = load_graphs(global, &root, &args.filter)?;
    if let Some(depth) = args.max_depth {
        if !matches!(global.format, Format::Dot | Format::Mermaid) {
            return Err(CliError::input(
                "--max-depth only applies to drawings",
                Some("use it with --format dot or --format mermaid".to_string()),
            )
            .into());
        }
        graphs = graphs.iter().map(|g| g.truncated(depth)).collect();
    }
    match global.format {
        Format::Json => {
            let root = root.to_string_lossy();
            let doc =
                polyver_report::render::graph_documents::json_document(&root, &graphs, args.top);
            out.json(&doc)?;
        }
        Format::Dot => out
            .writer
            .write_all(polyver_report::render::graph_documents::dot(&graphs).as_bytes())?,
        Format::Mermaid => out
            .writer
            .write_all(polyver_report::render::graph_documents::mermaid(&graphs).as_bytes())?,
        _ => out.write(&render::summary(&graphs, args.top, &out.term))?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_why(args: &WhyArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let query = engine::Query::parse(&args.name, args.version.as_deref())?;
    let root = root_of(&args.path);
    let (inventory, graphs) = load(global, &root, &args.filter)?;
    let matches = engine::why(&graphs, &query, args.max_paths);
    // Where it is pinned without a graph (a hand-written requirements file): only worth
    // saying when no graph has it, and only when no lock filter narrowed the question.
    let pins = if matches.is_empty() && args.filter.lock.is_none() {
        engine::pinned_outside_graphs(&inventory, &query)
    } else {
        Vec::new()
    };
    let pins: Vec<_> = pins
        .iter()
        .filter(|p| {
            args.filter
                .ecosystem
                .is_none_or(|e| p.component.ecosystem == e)
        })
        .map(|p| render::PinnedAt {
            name: &p.component.name,
            version: p.component.version.as_deref().unwrap_or_default(),
            ecosystem: p.component.ecosystem,
            source: p.component.source,
            location: p.location,
        })
        .collect();
    let (ecosystem, lock) = (args.filter.ecosystem, args.filter.lock.as_deref());
    if global.format == Format::Json {
        let doc = render::why_json(&query, ecosystem, lock, &matches, &pins);
        out.json(&doc)?;
    } else {
        out.write(&render::why(&matches, &out.term))?;
        out.write(&render::pinned(&pins))?;
    }
    if matches.is_empty() {
        let hint = if pins.is_empty() {
            engine::not_found_hint(&graphs, &query)
        } else {
            "those files record no dependency edges: a lock file (pip-compile or `uv pip compile` output with `# via` lines, poetry.lock, uv.lock, ...) tells what pulls it in".to_string()
        };
        let shown = root.display().to_string();
        eprint!("{}", render::not_found(&query, &shown, graphs.len(), &hint));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
