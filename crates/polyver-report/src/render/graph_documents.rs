//! The graph as JSON (`polyver.graph/v1`), Graphviz DOT and Mermaid, and `why` answers as
//! JSON (`polyver.why/v1`): `polyver-graph` computes, this renders. One cluster (DOT) or subgraph (Mermaid) per lock file; node ids
//! are generated (`g0n12`) so no package name needs escaping in an id, and labels are
//! `name@version` escaped for each syntax. Direct dependencies are drawn bold.

use polyver_graph::{Graph, GraphStats, NodeId, WhyAnswer};
use polyver_model::Scope;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write as _;

pub const GRAPH_SCHEMA: &str = "polyver.graph/v1";
pub const WHY_SCHEMA: &str = "polyver.why/v1";

/// The `polyver.graph/v1` document: every graph with nodes, edges, roots and statistics
/// (`top` most depended-on packages each), and totals. Node ids are `name@version`.
///
/// Typed and borrowing (no intermediate `serde_json::Value`): a 100k-node graph serializes
/// without a tree of maps in between.
pub fn json_document<'a>(root: &'a str, graphs: &'a [Graph], top: usize) -> GraphDocument<'a> {
    let docs: Vec<GraphJson<'a>> = graphs
        .iter()
        .map(|g| {
            let stats = g.stats(top);
            let depths = g.depths();
            let labels: Vec<String> = g.nodes.iter().map(|n| n.label()).collect();
            GraphJson {
                graph: g,
                stats_json: stats_json(g, &stats),
                stats,
                depths,
                labels,
            }
        })
        .collect();
    GraphDocument {
        schema: GRAPH_SCHEMA,
        root,
        stats: Totals {
            graphs: docs.len(),
            nodes: docs.iter().map(|d| d.stats.nodes).sum(),
            edges: docs.iter().map(|d| d.stats.edges).sum(),
            max_depth: docs.iter().map(|d| d.stats.max_depth).max().unwrap_or(0),
            cycles: docs.iter().map(|d| d.stats.cycles).sum(),
        },
        graphs: docs,
    }
}

/// See [`json_document`].
#[derive(Serialize)]
pub struct GraphDocument<'a> {
    schema: &'static str,
    root: &'a str,
    stats: Totals,
    graphs: Vec<GraphJson<'a>>,
}

#[derive(Serialize)]
struct Totals {
    graphs: usize,
    nodes: usize,
    edges: usize,
    max_depth: u32,
    cycles: usize,
}

struct GraphJson<'a> {
    graph: &'a Graph,
    stats: GraphStats,
    stats_json: Value,
    depths: Vec<u32>,
    labels: Vec<String>,
}

#[derive(Serialize)]
struct NodeJson<'a> {
    id: &'a str,
    name: &'a str,
    version: Option<&'a str>,
    /// The same package URL the inventory and the SBOMs give it.
    purl: String,
    direct: bool,
    scope: Scope,
    line: u32,
    depth: u32,
    fan_in: usize,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    from: &'a str,
    to: &'a str,
}

impl Serialize for GraphJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let g = self.graph;
        let label = |i: NodeId| self.labels[i as usize].as_str();
        let mut m = serializer.serialize_map(Some(8))?;
        m.serialize_entry("lock", &g.lock)?;
        m.serialize_entry("source", &g.source)?;
        m.serialize_entry("ecosystem", &g.ecosystem)?;
        m.serialize_entry("roots_inferred", &g.roots_inferred)?;
        m.serialize_entry("roots", &g.roots().map(label).collect::<Vec<_>>())?;
        m.serialize_entry("stats", &self.stats_json)?;
        let nodes = g.nodes.iter().enumerate().map(|(i, n)| NodeJson {
            id: label(i as NodeId),
            name: &n.name,
            version: n.version.as_deref(),
            purl: polyver_model::purl::for_component(g.ecosystem, &n.name, n.version.as_deref()),
            direct: n.direct,
            scope: n.scope,
            line: n.line,
            depth: self.depths[i],
            fan_in: g.dependents(i as NodeId).len(),
        });
        m.serialize_entry("nodes", &Seq(std::cell::Cell::new(Some(nodes))))?;
        let edges = g.edges().map(|(a, b)| EdgeJson {
            from: label(a),
            to: label(b),
        });
        m.serialize_entry("edges", &Seq(std::cell::Cell::new(Some(edges))))?;
        m.end()
    }
}

/// Serializes an iterator as a sequence without collecting it first.
struct Seq<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(items) => serializer.collect_seq(items),
            None => serializer.collect_seq(std::iter::empty::<T>()),
        }
    }
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
    use polyver_model::{Component, DependencyEdge, Ecosystem, Format, Inventory, Kind, Location};

    #[test]
    fn escapes_labels() {
        let lock = |name: &str, version: &str, direct: bool| {
            Component::new(
                Kind::Package,
                Ecosystem::Npm,
                name,
                Format::PackageLock,
                Location::new("package-lock.json", 1),
            )
            .with_version(version)
            .with_direct(direct)
        };
        let mut a = lock("a\"b", "1<2>", true);
        a.dependencies = vec![DependencyEdge {
            name: "c#d".into(),
            version: Some("1".into()),
        }];
        let inventory = Inventory::finish(
            ".",
            vec![a, lock("c#d", "1", false)],
            Vec::new(),
            Default::default(),
        );
        let graphs = polyver_graph::build(&inventory);
        let d = dot(&graphs);
        assert!(d.contains("[label=\"a\\\"b@1<2>\", style=bold];"), "{d}");
        assert!(d.contains(" -> "), "{d}");
        let m = mermaid(&graphs);
        assert!(m.contains("[\"a#quot;b@1#lt;2#gt;\"]:::direct"), "{m}");
        assert!(m.contains("[\"c#35;d@1\"]"), "{m}");
        assert!(m.contains(" --> "), "{m}");
    }
}
