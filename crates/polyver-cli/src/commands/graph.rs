//! `polyver graph [PATH]` and `polyver why NAME [PATH]`: the dependency graphs of the lock
//! files under PATH (see `polyver-graph` for what a node, an edge and a root are).
//!
//! Only the lock-file extractors run: the graph needs nothing else, and the extractors read
//! the manifest beside each lock themselves to tell direct from transitive entries.
//!
//! Exit codes: `graph` 0 (also with no lock file: an empty graph is an answer); `why` 0 when
//! NAME is in some graph, 1 when it is in none (with near names as the hint); 2 bad input.

use super::scan::TerminalProgress;
use crate::args::{Format, GlobalArgs, GraphArgs, GraphFilter, WhyArgs};
use crate::output::Output;
use crate::CliError;
use polyver_extract::{registry, scan_observed, Extractor, ScanConfig, ScanConfigError};
use polyver_graph::Graph;
use polyver_model::{Inventory, Severity};
use polyver_report::render::{self, graph as render_graph};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// [`scan_observed`] with the scan command's progress display on stderr (when it is a
/// terminal and not `--quiet`); shared by graph, why, lock and init.
pub(crate) fn scan_with_progress(
    global: &GlobalArgs,
    root: &Path,
    config: &ScanConfig,
    extractors: &[&dyn Extractor],
) -> Result<Inventory, ScanConfigError> {
    let progress = TerminalProgress::new(!global.quiet && std::io::stderr().is_terminal());
    let scanned = scan_observed(root, config, extractors, &progress);
    progress.bar.finish_and_clear();
    scanned
}

/// Scans `root` with the lock extractors and builds the graphs `filter` selects.
pub fn load_graphs(
    global: &GlobalArgs,
    root: &Path,
    filter: &GraphFilter,
) -> anyhow::Result<Vec<Graph>> {
    let config = super::load_scan_config(global, root)?;
    let extractors: Vec<_> = registry::extractors()
        .into_iter()
        .filter(|x| x.format().is_lock())
        .collect();
    let inventory = scan_with_progress(global, root, &config, &extractors).map_err(|e| {
        CliError::input(
            format!("cannot scan {}: {e}", root.display()),
            Some("give the directory holding the lock files".to_string()),
        )
    })?;
    if !global.quiet {
        for d in inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
        {
            eprintln!("{d}");
        }
    }
    let all = polyver_graph::build(&inventory);
    let wanted_lock = filter
        .lock
        .as_ref()
        .map(|l| l.to_string_lossy().replace('\\', "/"))
        .map(|l| l.trim_start_matches("./").to_string());
    let graphs: Vec<Graph> = all
        .iter()
        .filter(|g| filter.ecosystem.is_none_or(|e| g.ecosystem == e))
        .filter(|g| {
            wanted_lock
                .as_deref()
                .is_none_or(|l| g.lock == l || g.lock.ends_with(&format!("/{l}")))
        })
        .cloned()
        .collect();
    if let Some(lock) = &wanted_lock {
        if graphs.is_empty() {
            let found: Vec<&str> = all.iter().map(|g| g.lock.as_str()).collect();
            return Err(CliError::input(
                format!("no lock file `{lock}` under {}", root.display()),
                Some(if found.is_empty() {
                    "there is no lock file there at all".to_string()
                } else {
                    format!("lock files found: {}", found.join(", "))
                }),
            )
            .into());
        }
    }
    Ok(graphs)
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
            let doc = polyver_graph::json_document(&root, &graphs, args.top);
            serde_json::to_writer_pretty(&mut out.writer, &doc)?;
            writeln!(out.writer)?;
        }
        Format::Dot => out
            .writer
            .write_all(polyver_graph::dot(&graphs).as_bytes())?,
        Format::Mermaid => out
            .writer
            .write_all(polyver_graph::mermaid(&graphs).as_bytes())?,
        Format::Table => out.write(&render_graph::summary(&graphs, args.top, &out.term))?,
        other => {
            return Err(super::unsupported_format(
                "graph",
                other,
                "table, json, dot, mermaid",
            ))
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `name@version` (as `graph` prints nodes) is read as `--version`; a leading `@` is an npm
/// scope, not a version.
fn split_query(args: &WhyArgs) -> anyhow::Result<WhyArgs> {
    let (name, version) = match args.name.rsplit_once('@') {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => {
            if args.version.as_deref().is_some_and(|v| v != version) {
                return Err(CliError::input(
                    format!(
                        "`{}` and --version {} disagree",
                        args.name,
                        args.version.as_deref().unwrap_or_default()
                    ),
                    Some("give the version once".to_string()),
                )
                .into());
            }
            (name.to_string(), Some(version.to_string()))
        }
        _ => (args.name.clone(), args.version.clone()),
    };
    Ok(WhyArgs {
        name,
        version,
        path: args.path.clone(),
        filter: GraphFilter {
            lock: args.filter.lock.clone(),
            ecosystem: args.filter.ecosystem,
        },
        max_paths: args.max_paths,
    })
}

pub fn run_why(args: &WhyArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let args = &split_query(args)?;
    if !matches!(global.format, Format::Table | Format::Json) {
        return Err(super::unsupported_format(
            "why",
            global.format,
            "table, json",
        ));
    }
    let root = root_of(&args.path);
    let graphs = load_graphs(global, &root, &args.filter)?;
    let mut matches = Vec::new();
    for g in &graphs {
        for target in g.find(&args.name, args.version.as_deref()) {
            let answer = polyver_graph::why(g, target, args.max_paths);
            matches.push((g, answer));
        }
    }
    if matches.is_empty() {
        let near = polyver_graph::near_matches(&graphs, &args.name, 5);
        let what = match &args.version {
            Some(v) => format!("{}@{v}", args.name),
            None => args.name.clone(),
        };
        let hint = if graphs.is_empty() {
            "no lock file was found: `polyver graph` lists what polyver reads".to_string()
        } else if !near.is_empty() {
            format!("did you mean: {}?", near.join(", "))
        } else if args.version.is_some() {
            format!("drop --version to see every version of `{}`", args.name)
        } else {
            "`polyver graph --format json` lists every package of every lock file".to_string()
        };
        if global.format == Format::Json {
            let doc = serde_json::json!({
                "schema": polyver_graph::WHY_SCHEMA,
                "query": query_json(args),
                "matches": [],
            });
            serde_json::to_writer_pretty(&mut out.writer, &doc)?;
            writeln!(out.writer)?;
        }
        eprintln!(
            "{what} is in no dependency graph under {} ({} searched)",
            root.display(),
            render::plural(graphs.len(), "lock file", "lock files")
        );
        eprintln!("hint: {hint}");
        return Ok(ExitCode::from(1));
    }
    if global.format == Format::Json {
        let docs: Vec<_> = matches
            .iter()
            .map(|(g, a)| polyver_graph::why_json(g, a, g.depths()[a.target as usize]))
            .collect();
        let doc = serde_json::json!({
            "schema": polyver_graph::WHY_SCHEMA,
            "query": query_json(args),
            "matches": docs,
        });
        serde_json::to_writer_pretty(&mut out.writer, &doc)?;
        writeln!(out.writer)?;
        return Ok(ExitCode::SUCCESS);
    }
    out.write(&render_graph::why(&matches, &out.term))?;
    Ok(ExitCode::SUCCESS)
}

fn query_json(args: &WhyArgs) -> serde_json::Value {
    serde_json::json!({
        "name": args.name,
        "version": args.version,
        "ecosystem": args.filter.ecosystem,
        "lock": args.filter.lock,
    })
}
