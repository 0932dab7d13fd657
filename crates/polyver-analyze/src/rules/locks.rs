//! Rules (3) and (4): a lock that does not satisfy its manifest, and several versions of
//! one package in one lock.

use super::{dir_of, is_declared_package, range_or_note, written, Collector, Index};
use crate::engine::satisfies_any;
use crate::{Conflict, ConflictKind, Entry};
use polyver_model::{Ecosystem, FindingSeverity, Location, Role, Scope};
use std::collections::BTreeMap;

pub(crate) fn lock_mismatch(index: &Index, out: &mut Collector) {
    for c in index.components {
        if !is_declared_package(c) || !c.source.is_locked_manifest() {
            continue;
        }
        let Some(scheme) = c.ecosystem.version_scheme(&c.name) else {
            continue;
        };
        if c.constraint.is_none() {
            continue;
        }
        for loc in &c.locations {
            let dir = dir_of(&loc.path);
            let Some((lock_dir, locks)) = index.nearest_lock_dir(c.source, dir) else {
                continue;
            };
            // A lock in a directory above is a workspace's for Cargo (members have none of
            // their own); for the others it may be an unrelated root project's: medium.
            let severity = if lock_dir == dir || c.ecosystem == Ecosystem::Cargo {
                FindingSeverity::High
            } else {
                FindingSeverity::Medium
            };
            let Some(range) = range_or_note(index, c, scheme, out) else {
                break;
            };
            let resolved: Vec<(&str, &Location)> = locks
                .iter()
                .flat_map(|l| l.get(c.name.as_str()).into_iter().flatten().copied())
                .collect();
            if resolved.is_empty() {
                if !matches!(c.scope, Scope::Optional | Scope::Peer) {
                    out.conflicts.push(Conflict {
                        kind: ConflictKind::LockMismatch,
                        rule: "conflict/missing-from-lock".into(),
                        severity: FindingSeverity::Low,
                        ecosystem: Some(c.ecosystem),
                        name: c.name.clone(),
                        title: format!(
                            "{} is declared but not in the lock file (run the package manager's install to update it)",
                            c.name
                        ),
                        entries: vec![Entry {
                            requirement: written(c),
                            location: loc.clone(),
                        }],
                        explanation: None,
                    });
                }
                continue;
            }
            let ok = satisfies_any(scheme, range, resolved.iter().map(|(v, _)| *v)).unwrap_or(true);
            if ok {
                continue;
            }
            let mut entries = vec![Entry {
                requirement: written(c),
                location: loc.clone(),
            }];
            entries.extend(resolved.iter().map(|(v, l)| Entry {
                requirement: v.to_string(),
                location: (*l).clone(),
            }));
            let versions: Vec<&str> = resolved.iter().map(|(v, _)| *v).collect();
            out.conflicts.push(Conflict {
                kind: ConflictKind::LockMismatch,
                rule: "conflict/lock-mismatch".into(),
                severity,
                ecosystem: Some(c.ecosystem),
                name: c.name.clone(),
                title: format!(
                    "the lock file resolves {} {} but the manifest requires `{}`",
                    c.name,
                    versions.join(", "),
                    written(c)
                ),
                entries,
                explanation: None,
            });
        }
    }
}

pub(crate) fn duplicates_in_locks(index: &Index, out: &mut Collector) {
    let mut groups: BTreeMap<(&str, Ecosystem, &str), BTreeMap<&str, &Location>> = BTreeMap::new();
    for c in index.components {
        if c.source.role() != Role::Lock {
            continue;
        }
        let Some(v) = c.version.as_deref() else {
            continue;
        };
        for loc in &c.locations {
            groups
                .entry((loc.path.as_str(), c.ecosystem, c.name.as_str()))
                .or_default()
                .entry(v)
                .or_insert(loc);
        }
    }
    for ((path, eco, name), versions) in groups {
        if versions.len() < 2 {
            continue;
        }
        let list: Vec<&str> = versions.keys().copied().collect();
        out.conflicts.push(Conflict {
            kind: ConflictKind::DuplicateInLock,
            rule: "conflict/duplicate-in-lock".into(),
            severity: FindingSeverity::Info,
            ecosystem: Some(eco),
            name: name.to_string(),
            title: format!(
                "{path} holds {} versions of {name}: {}",
                list.len(),
                list.join(", ")
            ),
            entries: versions
                .iter()
                .map(|(v, l)| Entry {
                    requirement: v.to_string(),
                    location: (*l).clone(),
                })
                .collect(),
            explanation: None,
        });
    }
}
