//! `polyver graph` (the statistics of each lock file's dependency graph) and `polyver why`
//! (the paths from a direct dependency to a package). The JSON, DOT and Mermaid documents are
//! `polyver-graph`'s own.

use super::plural;
use crate::term::{escaped, Style, Term};
use polyver_engine::graph::Query;
use polyver_graph::{Graph, WhyAnswer};
use polyver_model::Ecosystem;
use std::fmt::{self, Write as _};

fn labels(g: &Graph, path: &[u32]) -> String {
    let text = path
        .iter()
        .map(|&i| g.node(i).label())
        .collect::<Vec<_>>()
        .join(" → ");
    escaped(text)
}

/// Per lock file: packages, edges, roots, depth, cycles, the deepest path and the most
/// depended-on packages (`top` of them); then the totals.
pub fn summary(graphs: &[Graph], top: usize, term: &Term) -> String {
    let mut out = String::new();
    let _ = write_summary(graphs, top, term, &mut out);
    out
}

fn write_summary(graphs: &[Graph], top: usize, term: &Term, w: &mut String) -> fmt::Result {
    if graphs.is_empty() {
        return writeln!(
            w,
            "no lock file found (polyver reads package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lock, poetry.lock, uv.lock, pdm.lock, Pipfile.lock, Cargo.lock, Gemfile.lock, composer.lock, packages.lock.json)"
        );
    }
    let (mut nodes, mut edges, mut depth, mut cycles) = (0, 0, 0, 0);
    for g in graphs {
        let s = g.stats(top);
        nodes += s.nodes;
        edges += s.edges;
        depth = depth.max(s.max_depth);
        cycles += s.cycles;
        writeln!(
            w,
            "{} ({}, {})",
            term.paint(&escaped(&g.lock), Style::Bold),
            g.ecosystem,
            g.source
        )?;
        let roots = if g.roots_inferred {
            format!(
                "{} (inferred: the lock names no direct dependency)",
                plural(s.roots, "root", "roots")
            )
        } else {
            format!("{} direct", s.roots)
        };
        let mut line = format!(
            "  {}, {}, {roots}; max depth {}; {}",
            plural(s.nodes, "package", "packages"),
            plural(s.edges, "edge", "edges"),
            s.max_depth,
            plural(s.cycles, "cycle", "cycles"),
        );
        if s.cycles > 0 {
            line.push_str(&format!(
                " ({} in cycles)",
                plural(s.nodes_in_cycles, "package", "packages")
            ));
        }
        if s.unreachable > 0 {
            line.push_str(&format!("; {} unreachable", s.unreachable));
        }
        if s.unresolved_edges > 0 {
            line.push_str(&format!(
                "; {} unresolved",
                plural(s.unresolved_edges, "edge", "edges")
            ));
        }
        writeln!(w, "{line}")?;
        if s.deepest_path.len() > 1 {
            writeln!(w, "  deepest: {}", labels(g, &s.deepest_path))?;
        }
        if !s.top_fan_in.is_empty() {
            let list: Vec<String> = s
                .top_fan_in
                .iter()
                .map(|f| format!("{} ({})", g.node(f.node).label(), f.dependents))
                .collect();
            writeln!(w, "  most depended on: {}", escaped(list.join(", ")))?;
        }
    }
    writeln!(
        w,
        "\n{}: {}, {}, max depth {depth}, {}",
        plural(graphs.len(), "lock file", "lock files"),
        plural(nodes, "package", "packages"),
        plural(edges, "edge", "edges"),
        plural(cycles, "cycle", "cycles"),
    )
}

/// Each match of `polyver why`: the package, its depth and dependents, and its paths.
pub fn why(matches: &[(&Graph, WhyAnswer)], term: &Term) -> String {
    let mut out = String::new();
    let _ = write_why(matches, term, &mut out);
    out
}

fn write_why(matches: &[(&Graph, WhyAnswer)], term: &Term, w: &mut String) -> fmt::Result {
    for (i, (g, answer)) in matches.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        let node = g.node(answer.target);
        let total = answer.paths.len() + answer.more;
        let count = if answer.more_is_lower_bound {
            format!("at least {total} paths")
        } else {
            plural(total, "path", "paths")
        };
        writeln!(
            w,
            "{} in {} ({}): {}depth {}, {}, {count}",
            term.paint(&escaped(node.label()), Style::Bold),
            escaped(&g.lock),
            g.ecosystem,
            if node.direct { "direct, " } else { "" },
            g.depths()[answer.target as usize],
            plural(g.dependents(answer.target).len(), "dependent", "dependents"),
        )?;
        if answer.paths.is_empty() && !node.direct {
            let why_not = if g.edge_count() == 0 {
                "this lock file records no dependency edges: what pulls it in is unknown"
            } else {
                "no direct dependency reaches it: the lock keeps an entry nothing requires"
            };
            writeln!(w, "  {}", term.paint(why_not, Style::Bad))?;
        }
        for path in &answer.paths {
            writeln!(w, "  {}", labels(g, path))?;
        }
        if answer.more > 0 {
            writeln!(
                w,
                "  … and {}{} more {} (--max-paths to list more)",
                if answer.more_is_lower_bound {
                    "at least "
                } else {
                    ""
                },
                answer.more,
                if answer.more == 1 { "path" } else { "paths" },
            )?;
        }
    }
    Ok(())
}

/// The `polyver.why/v1` document: the query (with the lock and ecosystem filters) and every
/// match with its paths.
/// A package pinned in a file with no graph (`polyver why` says where, when no graph has it).
#[derive(Clone, Copy, Debug)]
pub struct PinnedAt<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub ecosystem: Ecosystem,
    pub source: polyver_model::Format,
    pub location: &'a polyver_model::Location,
}

/// The "pinned at" lines for `pins` (empty when there are none).
pub fn pinned(pins: &[PinnedAt]) -> String {
    let mut out = String::new();
    for p in pins {
        let _ = writeln!(
            out,
            "{}@{} pinned at {} ({}, {}): no dependency graph records what pulls it in",
            escaped(p.name),
            escaped(p.version),
            p.location,
            p.ecosystem,
            p.source
        );
    }
    out
}

pub fn why_json(
    query: &Query,
    ecosystem: Option<Ecosystem>,
    lock: Option<&std::path::Path>,
    matches: &[(&Graph, WhyAnswer)],
    pins: &[PinnedAt],
) -> serde_json::Value {
    let docs: Vec<_> = matches
        .iter()
        .map(|(g, a)| super::graph_documents::why_json(g, a, g.depths()[a.target as usize]))
        .collect();
    serde_json::json!({
        "schema": super::graph_documents::WHY_SCHEMA,
        "query": {
            "name": query.name,
            "version": query.version,
            "ecosystem": ecosystem,
            "lock": lock,
        },
        "matches": docs,
        "pinned_elsewhere": pins
            .iter()
            .map(|p| serde_json::json!({
                "name": p.name,
                "version": p.version,
                "ecosystem": p.ecosystem,
                "source": p.source,
                "path": p.location.path,
                "line": p.location.line,
            }))
            .collect::<Vec<_>>(),
    })
}

/// The two lines on stderr when `why` finds nothing: what was searched, and `hint`.
pub fn not_found(query: &Query, root: &str, lock_files: usize, hint: &str) -> String {
    format!(
        "{} is in no dependency graph under {} ({} searched)\nhint: {}\n",
        escaped(query.label()),
        escaped(root),
        plural(lock_files, "lock file", "lock files"),
        escaped(hint)
    )
}
