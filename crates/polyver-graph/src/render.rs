//! The graph as JSON (`polyver.graph/v1`), Graphviz DOT and Mermaid, and `why` answers as
//! JSON (`polyver.why/v1`). One cluster (DOT) or subgraph (Mermaid) per lock file; node ids
//! are generated (`g0n12`) so no package name needs escaping in an id, and labels are
//! `name@version` escaped for each syntax. Direct dependencies are drawn bold.

use crate::{Graph, GraphStats, NodeId, WhyAnswer};
use serde_json::{json, Value};
use std::fmt::Write as _;

pub const GRAPH_SCHEMA: &str = "polyver.graph/v1";
pub const WHY_SCHEMA: &str = "polyver.why/v1";

/// The `polyver.graph/v1` document: every graph with nodes, edges, roots and statistics
/// (`top` most depended-on packages each), and totals. Node ids are `name@version`.
pub fn json_document(root: &str, graphs: &[Graph], top: usize) -> Value {
    let mut total_nodes = 0;
    let mut total_edges = 0;
    let mut max_depth = 0;
    let mut cycles = 0;
    let docs: Vec<Value> = graphs
        .iter()
        .map(|g| {
            let stats = g.stats(top);
            let depths = g.depths();
            total_nodes += stats.nodes;
            total_edges += stats.edges;
            max_depth = max_depth.max(stats.max_depth);
            cycles += stats.cycles;
            let id = |i: NodeId| Value::String(g.node(i).label());
            let nodes: Vec<Value> = g
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    json!({
                        "id": n.label(),
                        "name": n.name,
                        "version": n.version,
                        "direct": n.direct,
                        "scope": n.scope,
                        "line": n.line,
                        "depth": depths[i],
                        "fan_in": g.dependents(i as NodeId).len(),
                    })
                })
                .collect();
            let edges: Vec<Value> = g
                .edges()
                .map(|(a, b)| json!({ "from": id(a), "to": id(b) }))
                .collect();
            json!({
                "lock": g.lock,
                "source": g.source,
                "ecosystem": g.ecosystem,
                "roots_inferred": g.roots_inferred,
                "roots": g.roots().map(id).collect::<Vec<_>>(),
                "stats": stats_json(g, &stats),
                "nodes": nodes,
                "edges": edges,
            })
        })
        .collect();
    json!({
        "schema": GRAPH_SCHEMA,
        "root": root,
        "stats": {
            "graphs": graphs.len(),
            "nodes": total_nodes,
            "edges": total_edges,
            "max_depth": max_depth,
            "cycles": cycles,
        },
        "graphs": docs,
    })
}

/// Statistics of one graph as JSON.
pub fn stats_json(g: &Graph, s: &GraphStats) -> Value {
    json!({
        "nodes": s.nodes,
        "edges": s.edges,
        "roots": s.roots,
        "max_depth": s.max_depth,
        "deepest_path": s.deepest_path.iter().map(|&i| g.node(i).label()).collect::<Vec<_>>(),
        "unreachable": s.unreachable,
        "cycles": s.cycles,
        "nodes_in_cycles": s.nodes_in_cycles,
        "unresolved_edges": s.unresolved_edges,
        "top_fan_in": s.top_fan_in.iter().map(|f| json!({
            "id": g.node(f.node).label(),
            "dependents": f.dependents,
        })).collect::<Vec<_>>(),
    })
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Graphviz DOT: `dot -Tsvg graph.dot > graph.svg`.
pub fn dot(graphs: &[Graph]) -> String {
    let mut out = String::from(
        "digraph polyver {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (gi, g) in graphs.iter().enumerate() {
        let _ = writeln!(out, "  subgraph \"cluster_{gi}\" {{");
        let _ = writeln!(
            out,
            "    label=\"{} ({})\";",
            dot_escape(&g.lock),
            g.ecosystem
        );
        for (ni, n) in g.nodes.iter().enumerate() {
            let style = if n.direct { ", style=bold" } else { "" };
            let _ = writeln!(
                out,
                "    g{gi}n{ni} [label=\"{}\"{style}];",
                dot_escape(&n.label())
            );
        }
        out.push_str("  }\n");
        for (a, b) in g.edges() {
            let _ = writeln!(out, "  g{gi}n{a} -> g{gi}n{b};");
        }
    }
    out.push_str("}\n");
    out
}

/// Mermaid's label text: quotes and angle brackets as entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid flowchart (renders in GitHub and GitLab Markdown inside a `mermaid` block).
pub fn mermaid(graphs: &[Graph]) -> String {
    let mut out =
        String::from("flowchart LR\n  classDef direct stroke-width:3px,font-weight:bold\n");
    for (gi, g) in graphs.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph g{gi}[\"{} ({})\"]",
            mermaid_escape(&g.lock),
            g.ecosystem
        );
        for (ni, n) in g.nodes.iter().enumerate() {
            let class = if n.direct { ":::direct" } else { "" };
            let _ = writeln!(
                out,
                "    g{gi}n{ni}[\"{}\"]{class}",
                mermaid_escape(&n.label())
            );
        }
        out.push_str("  end\n");
        for (a, b) in g.edges() {
            let _ = writeln!(out, "  g{gi}n{a} --> g{gi}n{b}");
        }
    }
    out
}

/// One `why` match as JSON: the node, its depth and fan-in, and its paths.
pub fn why_json(g: &Graph, answer: &WhyAnswer, depth: u32) -> Value {
    let n = g.node(answer.target);
    json!({
        "lock": g.lock,
        "ecosystem": g.ecosystem,
        "name": n.name,
        "version": n.version,
        "direct": n.direct,
        "depth": depth,
        "dependents": g.dependents(answer.target).len(),
        "paths": answer.paths.iter().map(|p| p.iter().map(|&i| {
            let n = g.node(i);
            json!({ "name": n.name, "version": n.version })
        }).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "more_paths": answer.more,
        "more_paths_is_lower_bound": answer.more_is_lower_bound,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::graph;

    #[test]
    fn escapes_labels() {
        let g = graph(&["*a\"b@1<2>", "c#d"], &[(0, 1)]);
        let d = dot(std::slice::from_ref(&g));
        assert!(d.contains("g0n0 [label=\"a\\\"b@1<2>\", style=bold];"));
        assert!(d.contains("g0n0 -> g0n1;"));
        let m = mermaid(&[g]);
        assert!(m.contains("g0n0[\"a#quot;b@1#lt;2#gt;\"]:::direct"));
        assert!(m.contains("g0n1[\"c#35;d\"]\n"));
        assert!(m.contains("g0n0 --> g0n1"));
    }
}
