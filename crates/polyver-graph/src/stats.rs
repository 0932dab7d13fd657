//! Shape of a graph: depth (shortest chain from a root), fan-in (how many entries depend on
//! a package), cycles (strongly connected components), and what no root reaches. All passes
//! are linear: one breadth-first search, one iterative Tarjan, one partial sort.

use crate::{Graph, NodeId};
use std::collections::VecDeque;

/// A package and how many entries of its lock depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FanIn {
    pub node: NodeId,
    pub dependents: usize,
}

/// Summary statistics of one graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphStats {
    pub nodes: usize,
    pub edges: usize,
    pub roots: usize,
    /// Longest shortest chain: a root has depth 1, what it depends on depth 2, ...
    pub max_depth: u32,
    /// A shortest chain from a root to one of the deepest nodes.
    pub deepest_path: Vec<NodeId>,
    /// Nodes no root reaches (depth 0).
    pub unreachable: usize,
    /// Dependency cycles: strongly connected components of more than one node.
    pub cycles: usize,
    pub nodes_in_cycles: usize,
    /// The most depended-on packages, most first (ties by node order).
    pub top_fan_in: Vec<FanIn>,
    pub unresolved_edges: usize,
}

impl Graph {
    /// Depth of every node: 1 for roots, 1 + the shortest chain from a root, 0 if unreached.
    pub fn depths(&self) -> Vec<u32> {
        self.bfs().0
    }

    /// Depths, and the BFS parent of every reached non-root node.
    fn bfs(&self) -> (Vec<u32>, Vec<NodeId>) {
        let n = self.nodes.len();
        let mut depth = vec![0u32; n];
        let mut parent = vec![NodeId::MAX; n];
        let mut queue: VecDeque<NodeId> = VecDeque::new();
        for r in self.roots() {
            depth[r as usize] = 1;
            queue.push_back(r);
        }
        while let Some(v) = queue.pop_front() {
            for &w in self.dependencies(v) {
                if depth[w as usize] == 0 {
                    depth[w as usize] = depth[v as usize] + 1;
                    parent[w as usize] = v;
                    queue.push_back(w);
                }
            }
        }
        (depth, parent)
    }

    /// Statistics, with the `top` most depended-on packages.
    pub fn stats(&self, top: usize) -> GraphStats {
        let (depth, parent) = self.bfs();
        let (max_at, max_depth) =
            depth
                .iter()
                .enumerate()
                .fold((None, 0), |(at, best), (i, &d)| {
                    if d > best {
                        (Some(i as NodeId), d)
                    } else {
                        (at, best)
                    }
                });
        let mut deepest_path = Vec::new();
        let mut cursor = max_at;
        while let Some(v) = cursor {
            deepest_path.push(v);
            cursor = Some(parent[v as usize]).filter(|&p| p != NodeId::MAX);
        }
        deepest_path.reverse();

        let mut fan_in: Vec<FanIn> = (0..self.nodes.len() as NodeId)
            .map(|node| FanIn {
                node,
                dependents: self.dependents(node).len(),
            })
            .filter(|f| f.dependents > 0)
            .collect();
        let by_fan_in =
            |a: &FanIn, b: &FanIn| b.dependents.cmp(&a.dependents).then(a.node.cmp(&b.node));
        if fan_in.len() > top && top > 0 {
            fan_in.select_nth_unstable_by(top - 1, by_fan_in);
        }
        fan_in.truncate(top);
        fan_in.sort_by(by_fan_in);

        let (cycles, nodes_in_cycles) = self.cycles();
        GraphStats {
            nodes: self.nodes.len(),
            edges: self.edge_count(),
            roots: self.roots().count(),
            max_depth,
            deepest_path,
            unreachable: depth.iter().filter(|&&d| d == 0).count(),
            cycles,
            nodes_in_cycles,
            top_fan_in: fan_in,
            unresolved_edges: self.unresolved_edges,
        }
    }

    /// Strongly connected components of more than one node: (count, nodes in them).
    /// Iterative Tarjan, so a 100k-deep chain cannot overflow the stack.
    pub fn cycles(&self) -> (usize, usize) {
        const UNSEEN: u32 = u32::MAX;
        let n = self.nodes.len();
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<NodeId> = Vec::new();
        let mut call: Vec<(NodeId, usize)> = Vec::new();
        let mut next = 0u32;
        let (mut cycles, mut in_cycles) = (0, 0);
        for s in 0..n as NodeId {
            if index[s as usize] != UNSEEN {
                continue;
            }
            index[s as usize] = next;
            low[s as usize] = next;
            next += 1;
            stack.push(s);
            on_stack[s as usize] = true;
            call.push((s, 0));
            while let Some(&(v, pos)) = call.last() {
                let deps = self.dependencies(v);
                if let Some(&w) = deps.get(pos) {
                    if let Some(top) = call.last_mut() {
                        top.1 += 1;
                    }
                    if index[w as usize] == UNSEEN {
                        index[w as usize] = next;
                        low[w as usize] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w as usize] = true;
                        call.push((w, 0));
                    } else if on_stack[w as usize] {
                        low[v as usize] = low[v as usize].min(index[w as usize]);
                    }
                    continue;
                }
                call.pop();
                if let Some(&(u, _)) = call.last() {
                    low[u as usize] = low[u as usize].min(low[v as usize]);
                }
                if low[v as usize] == index[v as usize] {
                    let mut size = 0;
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        size += 1;
                        if w == v {
                            break;
                        }
                    }
                    if size > 1 {
                        cycles += 1;
                        in_cycles += size;
                    }
                }
            }
        }
        (cycles, in_cycles)
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::graph;

    #[test]
    fn depth_fan_in_and_cycles() {
        // a -> b -> d, a -> c -> d, d -> e -> f -> d (cycle), g unreachable... but g is a
        // root only if direct; here a is the one root.
        let g = graph(
            &["*a", "b", "c", "d", "e", "f", "g"],
            &[(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 5), (5, 3)],
        );
        let s = g.stats(2);
        assert_eq!(g.depths(), vec![1, 2, 2, 3, 4, 5, 0]);
        assert_eq!(s.max_depth, 5);
        assert_eq!(s.deepest_path, vec![0, 1, 3, 4, 5]);
        assert_eq!(s.unreachable, 1);
        assert_eq!((s.cycles, s.nodes_in_cycles), (1, 3));
        assert_eq!(s.top_fan_in.len(), 2);
        assert_eq!((s.top_fan_in[0].node, s.top_fan_in[0].dependents), (3, 3));
        assert_eq!(s.top_fan_in[1].node, 1);
        assert_eq!((s.nodes, s.edges, s.roots), (7, 7, 1));
    }

    #[test]
    fn cycles_and_depths_agree_with_brute_force() {
        let mut seed = 99u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let names = ["*a", "b", "c", "*d", "e", "f", "g", "h", "i"];
        let n = names.len();
        for _ in 0..500 {
            let edges: Vec<(usize, usize)> = (0..next(24))
                .map(|_| (next(n as u64) as usize, next(n as u64) as usize))
                .collect();
            let g = graph(&names, &edges);
            // Reachability by Floyd-Warshall over the graph's own (deduplicated) edges.
            let mut reach = vec![vec![false; n]; n];
            for (a, b) in g.edges() {
                reach[a as usize][b as usize] = true;
            }
            for k in 0..n {
                for i in 0..n {
                    for j in 0..n {
                        if reach[i][k] && reach[k][j] {
                            reach[i][j] = true;
                        }
                    }
                }
            }
            let mut seen = vec![false; n];
            let (mut cycles, mut in_cycles) = (0, 0);
            for i in 0..n {
                if seen[i] {
                    continue;
                }
                let members: Vec<usize> = (0..n)
                    .filter(|&j| j == i || (reach[i][j] && reach[j][i]))
                    .collect();
                for &m in &members {
                    seen[m] = true;
                }
                if members.len() > 1 {
                    cycles += 1;
                    in_cycles += members.len();
                }
            }
            assert_eq!(g.cycles(), (cycles, in_cycles), "edges {edges:?}");
            // Depth: 1 + fewest edges from a root, by relaxation.
            let mut depth = vec![u32::MAX; n];
            for r in g.roots() {
                depth[r as usize] = 1;
            }
            for _ in 0..n {
                for (a, b) in g.edges() {
                    let (a, b) = (a as usize, b as usize);
                    if depth[a] != u32::MAX && depth[a] + 1 < depth[b] {
                        depth[b] = depth[a] + 1;
                    }
                }
            }
            let expected: Vec<u32> = depth
                .iter()
                .map(|&d| if d == u32::MAX { 0 } else { d })
                .collect();
            assert_eq!(g.depths(), expected, "edges {edges:?}");
        }
    }

    #[test]
    fn two_separate_cycles_and_a_long_chain() {
        let g = graph(&["*a", "b", "c", "d"], &[(0, 1), (1, 0), (2, 3), (3, 2)]);
        assert_eq!(g.cycles(), (2, 4));
        let n = 100_000;
        let names: Vec<String> = (0..n).map(|i| format!("p{i:06}")).collect();
        let mut refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let first = format!("*{}", names[0]);
        refs[0] = &first;
        let edges: Vec<(usize, usize)> =
            (0..n - 1).map(|i| (i, i + 1)).chain([(n - 1, 0)]).collect();
        let g = graph(&refs, &edges);
        assert_eq!(g.cycles(), (1, n));
        assert_eq!(g.stats(3).max_depth, n as u32);
    }
}
