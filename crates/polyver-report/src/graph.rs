//! Resolution of lock-file dependency edges (`name` + optional `version`) to the
//! components they point at.
//!
//! Both report formats need the same graph, and an edge names its target only by name and
//! version, which several components may share (the same package in two lock files, or in
//! a manifest and a lock file). A target is therefore preferred from the parent's own file,
//! then from the same extractor; when that still leaves several, the edge points at all
//! of them, because each is a real finding of that package. Edges that match nothing
//! (an entry polyver did not record) are left out.

use polyver_model::{Component, Ecosystem};
use std::collections::BTreeMap;

/// For each component (by index), the indices of the components its edges resolve to,
/// sorted and without duplicates.
pub(crate) fn resolve_edges(components: &[Component]) -> Vec<Vec<usize>> {
    let mut by_name: BTreeMap<(Ecosystem, &str), Vec<usize>> = BTreeMap::new();
    for (i, c) in components.iter().enumerate() {
        by_name
            .entry((c.ecosystem, c.name.as_str()))
            .or_default()
            .push(i);
    }
    components
        .iter()
        .enumerate()
        .map(|(parent_index, parent)| {
            let mut targets: Vec<usize> = parent
                .dependencies
                .iter()
                .flat_map(|edge| {
                    let candidates: Vec<usize> = by_name
                        .get(&(parent.ecosystem, edge.name.as_str()))
                        .into_iter()
                        .flatten()
                        .copied()
                        .filter(|&i| i != parent_index)
                        .filter(|&i| {
                            edge.version.is_none()
                                || components[i].version.as_deref() == edge.version.as_deref()
                        })
                        .collect();
                    let same_file = prefer(candidates, |i| shares_file(parent, &components[i]));
                    prefer(same_file, |i| components[i].source == parent.source)
                })
                .collect();
            targets.sort_unstable();
            targets.dedup();
            targets
        })
        .collect()
}

/// The candidates satisfying `preferred`, or all of them when none does.
fn prefer(candidates: Vec<usize>, preferred: impl Fn(usize) -> bool) -> Vec<usize> {
    let narrowed: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| preferred(i))
        .collect();
    if narrowed.is_empty() {
        candidates
    } else {
        narrowed
    }
}

fn shares_file(a: &Component, b: &Component) -> bool {
    a.locations
        .iter()
        .any(|la| b.locations.iter().any(|lb| la.path == lb.path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyver_model::{DependencyEdge, Kind, Location};

    fn npm(name: &str, version: &str, path: &str) -> Component {
        Component::new(
            Kind::Package,
            Ecosystem::Npm,
            name,
            polyver_model::Format::PackageLock,
            Location::new(path, 1),
        )
        .with_version(version)
    }

    #[test]
    fn prefers_targets_in_the_same_lock_file() {
        let mut parent = npm("express", "4.18.2", "web/package-lock.json");
        parent.dependencies = vec![DependencyEdge {
            name: "ms".into(),
            version: Some("2.0.0".into()),
        }];
        let components = vec![
            parent,
            npm("ms", "2.0.0", "api/package-lock.json"),
            npm("ms", "2.0.0", "web/package-lock.json"),
            npm("ms", "2.1.3", "web/package-lock.json"),
        ];
        assert_eq!(resolve_edges(&components)[0], vec![2]);
    }

    #[test]
    fn unknown_targets_are_dropped() {
        let mut parent = npm("express", "4.18.2", "package-lock.json");
        parent.dependencies = vec![DependencyEdge {
            name: "missing".into(),
            version: None,
        }];
        assert_eq!(resolve_edges(&[parent]), vec![Vec::<usize>::new()]);
    }
}
