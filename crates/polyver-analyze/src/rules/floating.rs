//! Rule (5): floating versions (no upper bound, `latest`, untagged images) where a pin
//! would make builds repeatable.

use super::{dir_of, is_declared_package, written, Collector, Index};
use crate::engine::upper_unbounded;
use crate::{Conflict, ConflictKind, Entry};
use polyver_model::{Component, Ecosystem, FindingSeverity, Kind, Role};

pub(super) fn floating_conflict(
    c: &Component,
    rule: &str,
    severity: FindingSeverity,
    title: String,
    requirement: String,
) -> Conflict {
    Conflict {
        kind: ConflictKind::Floating,
        rule: format!("floating/{rule}"),
        severity,
        ecosystem: Some(c.ecosystem),
        name: c.name.clone(),
        title,
        entries: c
            .locations
            .iter()
            .map(|l| Entry {
                requirement: requirement.clone(),
                location: l.clone(),
            })
            .collect(),
        explanation: None,
    }
}

pub(crate) fn floating_rules(index: &Index, out: &mut Collector) {
    for c in index.components {
        match c.kind {
            Kind::Image if !c.name.contains('$') && c.integrity.is_none() => {
                match c.version.as_deref() {
                    None => out.conflicts.push(floating_conflict(
                        c,
                        "image-untagged",
                        FindingSeverity::Medium,
                        format!("image {} has no tag: it means `latest` and moves with every push; pin a version or a digest", c.name),
                        "(no tag)".into(),
                    )),
                    Some("latest") => out.conflicts.push(floating_conflict(
                        c,
                        "image-latest",
                        FindingSeverity::Medium,
                        format!("image {}:latest moves with every push; pin a version or a digest", c.name),
                        "latest".into(),
                    )),
                    Some(_) => {}
                }
            }
            Kind::Runtime if c.source.role() == Role::RuntimePin && c.version.is_none() => {
                // `.nvmrc` with `lts/iron`, `node` or `stable`: whatever is current when run.
                let Some(alias) = c.constraint.as_ref().map(|k| k.raw.trim()) else {
                    continue;
                };
                let lower = alias.to_ascii_lowercase();
                if lower.starts_with("lts")
                    || matches!(lower.as_str(), "node" | "latest" | "stable" | "current" | "system")
                {
                    out.conflicts.push(floating_conflict(
                        c,
                        "runtime-alias",
                        FindingSeverity::Low,
                        format!("{} `{alias}` is an alias that moves with new releases; write a version", c.name),
                        alias.to_string(),
                    ));
                }
            }
            Kind::Action if c.integrity.is_none() => match (&c.version, &c.constraint) {
                (None, Some(branch)) => out.conflicts.push(floating_conflict(
                    c,
                    "action-branch",
                    FindingSeverity::Medium,
                    format!("action {}@{} follows a branch; pin a release tag or a commit SHA", c.name, branch.raw),
                    branch.raw.clone(),
                )),
                (Some(tag), _) => out.conflicts.push(floating_conflict(
                    c,
                    "action-tag",
                    FindingSeverity::Info,
                    format!("action {}@{tag} is pinned to a tag, which can be moved; a commit SHA cannot", c.name),
                    tag.clone(),
                )),
                _ => {}
            },
            _ if is_declared_package(c)
                && c.version.is_none()
                && c.url.is_none()
                && matches!(
                    c.ecosystem,
                    Ecosystem::Pypi | Ecosystem::Npm | Ecosystem::Cargo | Ecosystem::Rubygems
                ) =>
            {
                let Some(scheme) = c.ecosystem.version_scheme(&c.name) else {
                    continue;
                };
                let unbounded = match index.range(c, scheme) {
                    None => true,
                    Some(Ok(r)) => upper_unbounded(scheme, r).unwrap_or(false),
                    Some(Err(_)) => false,
                };
                if !unbounded {
                    continue;
                }
                let locked = c.locations.iter().all(|l| {
                    index
                        .nearest_lock(c.source, dir_of(&l.path))
                        .is_some_and(|locks| locks.iter().any(|l| l.contains_key(c.name.as_str())))
                });
                if locked {
                    continue;
                }
                let what = written(c);
                out.conflicts.push(floating_conflict(
                    c,
                    "unbounded-range",
                    FindingSeverity::Low,
                    format!("{} `{what}` has no upper bound and no lock file resolves it: each install may pick a newer version", c.name),
                    what,
                ));
            }
            _ => {}
        }
    }
}
