//! What `polyver init` decides from a scan: the runtimes a repository pins, and which of
//! them are exact enough to be approved (the rest stay commented examples).

use polyver_model::{Inventory, Kind};
use std::collections::{BTreeMap, BTreeSet};

/// Versions (or constraints) seen per runtime name, with the files saying so.
pub fn runtimes(inventory: &Inventory) -> BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> {
    let mut out: BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> = BTreeMap::new();
    for c in &inventory.components {
        if c.kind != Kind::Runtime {
            continue;
        }
        let Some(v) = c
            .version
            .clone()
            .or_else(|| c.constraint.as_ref().map(|k| k.raw.clone()))
        else {
            continue;
        };
        out.entry(c.name.as_str())
            .or_default()
            .entry(v)
            .or_default()
            .extend(c.locations.iter().map(|l| l.path.as_str()));
    }
    out
}

/// Whether a runtime's version as found is a version, not a range: `3.11.6` or `20` (an
/// `.nvmrc` naming a release line), not `^3.9` or `>=3.10,<4`.
pub fn exact(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit()) && !v.contains([',', ' ', '*'])
}

/// The runtimes pinned to an exact version somewhere: their versions become `[approved]`.
pub fn approved<'a>(
    detected: &BTreeMap<&'a str, BTreeMap<String, BTreeSet<&str>>>,
) -> Vec<&'a str> {
    detected
        .iter()
        .filter(|(_, versions)| versions.keys().any(|v| exact(v)))
        .map(|(n, _)| *n)
        .collect()
}

/// The version of a runtime to approve among those found: an exact version over a range,
/// then the one most files agree on, then the first in order.
pub fn best_version<'a>(versions: &'a BTreeMap<String, BTreeSet<&str>>) -> Option<&'a String> {
    versions
        .iter()
        .max_by(|a, b| {
            (exact(a.0), a.1.len())
                .cmp(&(exact(b.0), b.1.len()))
                .then(b.0.cmp(a.0))
        })
        .map(|(v, _)| v)
}
