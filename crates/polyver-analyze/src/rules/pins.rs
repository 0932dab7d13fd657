//! Rule (2): one package pinned to different versions across files or images.

use super::{is_lock, Collector, Index};
use crate::{Conflict, ConflictKind, Entry};
use polyver_model::{Ecosystem, FindingSeverity, Kind, Location, Role};
use std::collections::{BTreeMap, HashSet};

pub(crate) fn inconsistent_pins(index: &Index, out: &mut Collector) {
    let unsatisfiable: HashSet<(Ecosystem, String)> = out
        .conflicts
        .iter()
        .filter(|c| c.kind == ConflictKind::Unsatisfiable)
        .filter_map(|c| Some((c.ecosystem?, c.name.clone())))
        .collect();
    let mut groups: BTreeMap<(Kind, Ecosystem, &str), BTreeMap<&str, Vec<&Location>>> =
        BTreeMap::new();
    for c in index.components {
        // A CI matrix of runtimes (setup-python 3.9 … 3.12) is several versions on purpose.
        let ci_runtime = c.kind == Kind::Runtime && c.source.role() == Role::Ci;
        if is_lock(c)
            || matches!(c.kind, Kind::Migration | Kind::Api)
            || c.name.contains('$')
            || ci_runtime
        {
            continue;
        }
        let Some(v) = c.version.as_deref() else {
            continue;
        };
        if c.kind == Kind::Image && v == "latest" {
            continue;
        }
        groups
            .entry((c.kind, c.ecosystem, c.name.as_str()))
            .or_default()
            .entry(v)
            .or_default()
            .extend(c.locations.iter());
    }
    for ((kind, eco, name), versions) in groups {
        if versions.len() < 2 || unsatisfiable.contains(&(eco, name.to_string())) {
            continue;
        }
        let mut entries: Vec<Entry> = versions
            .iter()
            .flat_map(|(v, locs)| {
                locs.iter().map(|l| Entry {
                    requirement: v.to_string(),
                    location: (*l).clone(),
                })
            })
            .collect();
        entries.sort_by(|a, b| a.location.cmp(&b.location));
        let list: Vec<&str> = versions.keys().copied().collect();
        out.conflicts.push(Conflict {
            kind: ConflictKind::InconsistentPin,
            rule: "conflict/inconsistent-pin".into(),
            severity: FindingSeverity::Low,
            ecosystem: Some(eco),
            name: name.to_string(),
            title: format!(
                "{kind} {name} is pinned to {} versions: {}",
                list.len(),
                list.join(", ")
            ),
            entries,
            explanation: None,
        });
    }
}
