//! A 100k-package lock file (the size of a big monorepo's npm lock): building the graph from
//! the inventory (edge resolution included), the statistics, and `why` on a package many
//! others depend on.

use criterion::{criterion_group, criterion_main, Criterion};
use polyver_model::{Component, DependencyEdge, Ecosystem, Inventory, Kind, Location};

const NODES: usize = 100_000;

/// Deterministic pseudo-random numbers (64-bit LCG).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// 100k packages, 300 direct; each depends on 1-5 packages, mostly "lower" in the tree
/// (so the graph is deep and diamond-rich), with a few back edges making cycles.
fn inventory() -> Inventory {
    let mut rng = Lcg(7);
    let name = |i: usize| format!("pkg-{i:06}");
    let components = (0..NODES)
        .map(|i| {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Npm,
                name(i),
                polyver_model::Format::PackageLock,
                Location::new("package-lock.json", i as u32 + 2),
            )
            .with_version(format!("1.{}.0", i % 7))
            .with_direct(i < 300);
            let deps = 1 + rng.next(5);
            c.dependencies = (0..deps)
                .filter_map(|_| {
                    let j = if rng.next(100) == 0 {
                        rng.next(NODES)
                    } else {
                        (i + 1 + rng.next(2_000)).min(NODES - 1)
                    };
                    (j != i).then(|| DependencyEdge {
                        name: name(j),
                        version: Some(format!("1.{}.0", j % 7)),
                    })
                })
                .collect();
            c
        })
        .collect();
    Inventory::finish(".", components, vec![], Default::default())
}

fn bench(c: &mut Criterion) {
    let inventory = inventory();
    let graphs = polyver_graph::build(&inventory);
    let g = &graphs[0];
    let s = g.stats(5);
    let target = s.top_fan_in[0].node;
    eprintln!(
        "graph: {} nodes, {} edges, max depth {}, {} cycles ({} nodes), top fan-in {}",
        s.nodes, s.edges, s.max_depth, s.cycles, s.nodes_in_cycles, s.top_fan_in[0].dependents
    );
    let deep = *s.deepest_path.last().unwrap();
    let answer = polyver_graph::why(g, deep, 10);
    eprintln!(
        "why {}: {} paths listed, {}{} more",
        g.node(deep).label(),
        answer.paths.len(),
        if answer.more_is_lower_bound {
            "at least "
        } else {
            ""
        },
        answer.more
    );

    let mut group = c.benchmark_group("graph_100k");
    group.sample_size(10);
    group.bench_function("build", |b| b.iter(|| polyver_graph::build(&inventory)));
    group.bench_function("stats", |b| b.iter(|| g.stats(10)));
    group.bench_function("why_top_fan_in", |b| {
        b.iter(|| polyver_graph::why(g, target, 10))
    });
    group.bench_function("why_deepest", |b| {
        b.iter(|| polyver_graph::why(g, deep, 10))
    });
    group.bench_function("json_document_serialized", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(64 << 20);
            serde_json::to_writer_pretty(
                &mut out,
                &polyver_report::render::graph_documents::json_document(".", &graphs, 10),
            )
            .unwrap();
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
