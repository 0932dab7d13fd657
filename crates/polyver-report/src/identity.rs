//! Identifiers that make a report reproducible: document UUIDs derived from the inventory,
//! and per-component references that are unique inside one document.
//!
//! SBOMs are diffed and deduplicated by their identifiers, so the same inventory must
//! always give the same serial number, namespace and references — no random UUIDs, no
//! clock, no dependence on thread scheduling. Name-based (version 5) UUIDs give exactly
//! that: a hash of the content, formatted as an RFC 4122 UUID.

use polyver_model::{Component, Inventory};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Namespace for all polyver name-based UUIDs, itself derived from a fixed URN.
fn polyver_namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:polyver:report")
}

/// A version 5 UUID of what the document describes (root and components), salted with
/// `purpose` so a CycloneDX serial number and an SPDX namespace never coincide.
/// Diagnostics and scan statistics are left out: they do not change the bill of materials.
pub(crate) fn content_uuid(purpose: &str, inventory: &Inventory) -> Uuid {
    let mut name = Vec::new();
    name.extend_from_slice(purpose.as_bytes());
    name.push(b'\n');
    name.extend_from_slice(inventory.root.as_bytes());
    name.push(b'\n');
    // Serializing plain data into memory cannot fail.
    name.extend(serde_json::to_vec(&inventory.components).unwrap_or_default());
    Uuid::new_v5(&polyver_namespace(), &name)
}

/// A short, stable fingerprint of one component's full content, used only to tell apart
/// components whose readable identifiers coincide.
pub(crate) fn component_fingerprint(component: &Component) -> String {
    let json = serde_json::to_vec(component).unwrap_or_default();
    let mut hex = Uuid::new_v5(&polyver_namespace(), &json)
        .simple()
        .to_string();
    hex.truncate(8);
    hex
}

/// Picks one identifier per item from its candidates, most readable first: an item keeps
/// its first candidate unless another item shares it, then moves to the next one. Items
/// still sharing an identifier after the last candidate (identical components) get a
/// numeric suffix in input order. The result is unique and depends only on the input.
pub(crate) fn assign_unique(candidates: &[Vec<String>]) -> Vec<String> {
    let mut level = vec![0usize; candidates.len()];
    let mut ids: Vec<String> = candidates.iter().map(|c| c[0].clone()).collect();
    loop {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for id in &ids {
            *counts.entry(id.as_str()).or_default() += 1;
        }
        let clashing: Vec<usize> = (0..ids.len())
            .filter(|&i| counts[ids[i].as_str()] > 1 && level[i] + 1 < candidates[i].len())
            .collect();
        if clashing.is_empty() {
            break;
        }
        for i in clashing {
            level[i] += 1;
            ids[i] = candidates[i][level[i]].clone();
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        let mut candidate = id.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{id}-{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        unique.push(candidate);
    }
    unique
}

/// A display name for the scanned root: its last path segment (`/src/acme` → `acme`),
/// or the root as given when it has none (`.`).
pub(crate) fn root_name(root: &str) -> String {
    let trimmed = root.trim_end_matches('/');
    match trimmed.rsplit('/').next() {
        Some(last) if !last.is_empty() && last != "." && last != ".." => last.to_string(),
        _ if !root.is_empty() => root.to_string(),
        _ => "repository".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(ids: &[&[&str]]) -> Vec<Vec<String>> {
        ids.iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn only_clashing_items_get_more_specific() {
        let ids = assign_unique(&owned(&[
            &["a", "a#lock"],
            &["a", "a#manifest"],
            &["b", "b#lock"],
        ]));
        assert_eq!(ids, ["a#lock", "a#manifest", "b"]);
    }

    #[test]
    fn identical_items_get_numeric_suffixes() {
        let ids = assign_unique(&owned(&[&["a", "a#x"], &["a", "a#x"], &["a", "a#x"]]));
        assert_eq!(ids, ["a#x", "a#x-2", "a#x-3"]);
    }

    #[test]
    fn root_names() {
        assert_eq!(root_name("/src/acme"), "acme");
        assert_eq!(root_name("/src/acme/"), "acme");
        assert_eq!(root_name("."), ".");
        assert_eq!(root_name(""), "repository");
    }
}
