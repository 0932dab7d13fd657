//! `why`: every path from a direct dependency to a package, shortest first.
//!
//! A path starts at a root (a direct dependency) and passes only through transitive
//! entries: a path through another direct dependency is already explained by the path that
//! starts there. Paths are simple (no node twice), so cycles never loop.
//!
//! The number of simple paths can grow exponentially with diamonds, so they are enumerated
//! best-first: a reverse breadth-first search from the target gives every node's exact
//! distance to it, and partial paths are expanded in order of `length so far + distance
//! left` (A* with an exact heuristic), which yields complete paths shortest first and
//! almost never expands a partial path that leads nowhere. Listing stops at `max_paths`
//! (paths of the length where the cut falls are all gathered first, so the listed ones are
//! the first in name order, whatever the discovery order); counting goes on up to
//! [`COUNT_LIMIT`] more paths or [`EXPANSION_BUDGET`] expansions, after which the answer
//! says "at least". A test checks every answer against brute-force enumeration.

use crate::{Graph, NodeId};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};

/// Paths counted beyond those listed before the count becomes a lower bound.
pub const COUNT_LIMIT: usize = 10_000;
/// Partial paths expanded before the count becomes a lower bound.
pub const EXPANSION_BUDGET: usize = 1_000_000;

/// Why one node is in its graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhyAnswer {
    pub target: NodeId,
    /// Root-to-target paths, shortest first, equal lengths in name order.
    pub paths: Vec<Vec<NodeId>>,
    /// Paths that exist beyond those listed.
    pub more: usize,
    /// Counting stopped early: there are at least `more` more.
    pub more_is_lower_bound: bool,
}

const NONE: u32 = u32::MAX;

struct Step {
    node: NodeId,
    parent: u32,
    len: u32,
}

/// The paths from roots to `target`, at most `max_paths` of them listed.
pub fn why(graph: &Graph, target: NodeId, max_paths: usize) -> WhyAnswer {
    let n = graph.nodes.len();
    let t = target as usize;
    // Distance to the target through transitive nodes only.
    let mut dist = vec![u32::MAX; n];
    dist[t] = 0;
    let mut queue = VecDeque::from([target]);
    while let Some(v) = queue.pop_front() {
        if v != target && graph.is_root(v) {
            continue;
        }
        for &p in graph.dependents(v) {
            if p != target && dist[p as usize] == u32::MAX {
                dist[p as usize] = dist[v as usize] + 1;
                queue.push_back(p);
            }
        }
    }

    let mut answer = WhyAnswer {
        target,
        paths: Vec::new(),
        more: 0,
        more_is_lower_bound: false,
    };
    let mut arena: Vec<Step> = Vec::new();
    // Ordered by estimated total length, then deepest first (so equal-length paths complete
    // one after another instead of level by level), then discovery order.
    let mut heap: BinaryHeap<Reverse<(u32, u32, u32)>> = BinaryHeap::new();
    let mut roots: Vec<NodeId> = graph
        .roots()
        .filter(|&r| dist[r as usize] != u32::MAX)
        .collect();
    roots.sort_by_key(|&r| (dist[r as usize], r));
    for r in roots {
        heap.push(Reverse((dist[r as usize], u32::MAX, arena.len() as u32)));
        arena.push(Step {
            node: r,
            parent: NONE,
            len: 0,
        });
    }
    let mut expansions = 0usize;
    while let Some(Reverse((_, _, at))) = heap.pop() {
        let (node, len) = (arena[at as usize].node, arena[at as usize].len);
        if node == target {
            // Paths come shortest first. Past the cap, the rest of the last listed length is
            // still kept, so that the cut falls in name order rather than discovery order.
            let tier = answer.paths.last().map(Vec::len);
            if answer.paths.len() < max_paths
                || (tier == Some(len as usize + 1) && answer.paths.len() - max_paths < COUNT_LIMIT)
            {
                answer.paths.push(path_of(&arena, at));
            } else {
                answer.more += 1;
            }
            if answer.more + answer.paths.len().saturating_sub(max_paths) >= COUNT_LIMIT {
                answer.more_is_lower_bound = !heap.is_empty();
                break;
            }
            continue;
        }
        expansions += 1;
        if expansions > EXPANSION_BUDGET {
            answer.more_is_lower_bound = true;
            break;
        }
        for &w in graph.dependencies(node) {
            let d = dist[w as usize];
            if d == u32::MAX || (w != target && graph.is_root(w)) || on_path(&arena, at, w) {
                continue;
            }
            heap.push(Reverse((
                len + 1 + d,
                u32::MAX - len - 1,
                arena.len() as u32,
            )));
            arena.push(Step {
                node: w,
                parent: at,
                len: len + 1,
            });
        }
    }
    // Equal lengths in name order (node ids are sorted by name), whatever the discovery order.
    answer
        .paths
        .sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    if answer.paths.len() > max_paths {
        answer.more += answer.paths.len() - max_paths;
        answer.paths.truncate(max_paths);
    }
    answer
}

fn on_path(arena: &[Step], mut at: u32, node: NodeId) -> bool {
    while at != NONE {
        let step = &arena[at as usize];
        if step.node == node {
            return true;
        }
        at = step.parent;
    }
    false
}

fn path_of(arena: &[Step], mut at: u32) -> Vec<NodeId> {
    let mut path = Vec::new();
    while at != NONE {
        path.push(arena[at as usize].node);
        at = arena[at as usize].parent;
    }
    path.reverse();
    path
}

/// Up to `limit` names in `graphs` close to `query` (substring or small edit distance),
/// closest first: the hint when a name is not found.
pub fn near_matches(graphs: &[Graph], query: &str, limit: usize) -> Vec<String> {
    let query = query.to_lowercase();
    let names: BTreeSet<&str> = graphs
        .iter()
        .flat_map(|g| g.nodes.iter().map(|n| n.name.as_str()))
        .collect();
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let lower = name.to_lowercase();
            if lower.contains(&query) || (query.len() >= 3 && query.contains(&lower)) {
                return Some((lower.len().abs_diff(query.len()).min(1), name));
            }
            let d = strsim::damerau_levenshtein(&lower, &query);
            (d <= 2.max(query.len() / 3)).then_some((d, name))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(limit)
        .map(|(_, n)| n.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::graph;

    fn names(g: &Graph, a: &WhyAnswer) -> Vec<String> {
        a.paths
            .iter()
            .map(|p| {
                p.iter()
                    .map(|&i| g.node(i).name.as_str())
                    .collect::<Vec<_>>()
                    .join(">")
            })
            .collect()
    }

    #[test]
    fn diamonds_shortest_first() {
        // a and b direct; a -> c -> e, a -> d -> e, b -> e, e -> f, c -> f
        let g = graph(
            &["*a", "*b", "c", "d", "e", "f"],
            &[(0, 2), (0, 3), (1, 4), (2, 4), (3, 4), (4, 5), (2, 5)],
        );
        let a = why(&g, 5, 10);
        assert_eq!(names(&g, &a), ["a>c>f", "b>e>f", "a>c>e>f", "a>d>e>f"]);
        assert_eq!((a.more, a.more_is_lower_bound), (0, false));
        let capped = why(&g, 5, 2);
        assert_eq!(names(&g, &capped), ["a>c>f", "b>e>f"]);
        assert_eq!(capped.more, 2);
    }

    #[test]
    fn direct_targets_and_paths_through_roots() {
        // b is direct and also reached from a; paths to c do not pass through b.
        let g = graph(&["*a", "*b", "c"], &[(0, 1), (1, 2)]);
        assert_eq!(names(&g, &why(&g, 2, 10)), ["b>c"]);
        assert_eq!(names(&g, &why(&g, 1, 10)), ["b", "a>b"]);
    }

    #[test]
    fn cycles_never_loop() {
        // a -> b -> c -> b, c -> d, d -> a
        let g = graph(
            &["*a", "b", "c", "d"],
            &[(0, 1), (1, 2), (2, 1), (2, 3), (3, 0)],
        );
        let a = why(&g, 3, 10);
        assert_eq!(names(&g, &a), ["a>b>c>d"]);
        assert!(why(&g, 0, 10).paths == vec![vec![0]]);
    }

    #[test]
    fn unreachable_target_has_no_path() {
        let g = graph(&["*a", "b", "c"], &[(0, 1), (2, 1)]);
        let a = why(&g, 2, 10);
        assert!(a.paths.is_empty());
        assert_eq!(a.more, 0);
    }

    #[test]
    fn exponential_diamonds_are_counted_within_limits() {
        // 20 stacked diamonds: 2^20 paths from the root to the last node.
        let mut names_owned = vec!["*a000".to_string()];
        let mut edges = Vec::new();
        for i in 0..20 {
            let base = names_owned.len() - 1;
            names_owned.push(format!("b{i:03}x"));
            names_owned.push(format!("b{i:03}y"));
            names_owned.push(format!("c{i:03}"));
            edges.extend([
                (base, base + 1),
                (base, base + 2),
                (base + 1, base + 3),
                (base + 2, base + 3),
            ]);
        }
        // Sort names as the graph requires: rename to keep index order sorted.
        let names_sorted: Vec<String> = names_owned
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}n{i:04}", if n.starts_with('*') { "*" } else { "" }))
            .collect();
        let refs: Vec<&str> = names_sorted.iter().map(String::as_str).collect();
        let g = graph(&refs, &edges);
        let last = (refs.len() - 1) as NodeId;
        let a = why(&g, last, 5);
        assert_eq!(a.paths.len(), 5);
        assert!(a.paths.iter().all(|p| p.len() == 41));
        assert!(a.more_is_lower_bound);
        assert_eq!(a.more, COUNT_LIMIT);
    }

    /// Every simple path from a root through non-roots to `t`, by brute force.
    fn brute_force(g: &Graph, t: NodeId) -> Vec<Vec<NodeId>> {
        fn walk(g: &Graph, t: NodeId, path: &mut Vec<NodeId>, out: &mut Vec<Vec<NodeId>>) {
            let v = *path.last().unwrap();
            if v == t {
                out.push(path.clone());
                return;
            }
            for &w in g.dependencies(v) {
                if !path.contains(&w) && (w == t || !g.is_root(w)) {
                    path.push(w);
                    walk(g, t, path, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        for r in g.roots() {
            walk(g, t, &mut vec![r], &mut out);
        }
        out
    }

    #[test]
    fn agrees_with_brute_force_on_random_graphs() {
        let mut seed = 12345u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let names = ["*a", "*b", "c", "d", "e", "f", "g", "h"];
        for _ in 0..400 {
            let mut edges = Vec::new();
            for _ in 0..next(20) {
                edges.push((next(8) as usize, next(8) as usize));
            }
            let g = graph(&names, &edges);
            for t in 0..8 {
                let mut expected = brute_force(&g, t);
                let got = why(&g, t, usize::MAX);
                assert_eq!((got.more, got.more_is_lower_bound), (0, false));
                let lengths: Vec<usize> = got.paths.iter().map(Vec::len).collect();
                assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "shortest first");
                let mut listed = got.paths.clone();
                listed.sort();
                expected.sort();
                assert_eq!(listed, expected, "edges {edges:?}, target {t}");
                // Capped: the listed ones are the shortest, the rest are counted.
                let capped = why(&g, t, 2);
                assert_eq!(capped.paths.len() + capped.more, expected.len());
                assert_eq!(capped.paths[..], got.paths[..capped.paths.len()]);
            }
        }
    }

    #[test]
    fn near_matches_suggest_names() {
        let g = graph(&["*express", "lodash", "lodash-es"], &[(0, 1)]);
        let gs = [g];
        assert_eq!(near_matches(&gs, "lodahs", 5), ["lodash"]);
        assert_eq!(near_matches(&gs, "lodash.merge", 5), ["lodash"]);
        assert_eq!(near_matches(&gs, "LODASH", 5), ["lodash", "lodash-es"]);
        assert!(near_matches(&gs, "zzzzzz", 5).is_empty());
    }
}
