//! `polyver plan`: what to update first. Every component gets an update priority explained
//! term by term ([`crate::priority`]); components are then grouped into recommendations, one
//! per (package, target version), each saying which advisories it fixes and whether the
//! target stays within every declared constraint (an upgrade inside the range) or a
//! constraint must change; and the repository gets its health score ([`crate::health`]).
//!
//! Inputs are what the other analyses found — the audit, `outdated`, licences, conflicts —
//! so that nothing here reads a file, a database or the network: the engine gathers them,
//! and a recheck callback answers which advisories a candidate version still has. See
//! [`targets`] for how a target version is chosen.
//!
//! A component is one (ecosystem, name, running version): a manifest range and the lock
//! entry resolving it are one component, two services pinning different versions are two,
//! and both move in one recommendation when they move to the same version. Transitive
//! components are listed when they are vulnerable (all of them with `all`).

mod items;
pub mod targets;

use crate::health::{self, Health, HealthInputs};
use crate::priority::{self, Facts, Priority, Upstream, Vulnerabilities};
use crate::sla;
use items::Item;
use polyver_advisory::AuditReport;
use polyver_config::PolicySection;
use polyver_model::{Ecosystem, Finding, FindingSeverity, Inventory, Kind, Location, Scope};
use polyver_upstream::outdated::{Report as Outdated, Status as RowStatus};
use polyver_upstream::Timestamp;
use polyver_version::Bump;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
pub use targets::{Action, Recheck};

/// The schema id of `polyver plan --format json`.
pub const SCHEMA: &str = "polyver.plan/v1";

/// What a plan is made from.
pub struct PlanInputs<'a> {
    pub inventory: &'a Inventory,
    /// The audit's report, or why there is none (no OSV database).
    pub audit: Result<&'a AuditReport, String>,
    pub outdated: &'a Outdated,
    /// `license/*` findings.
    pub licences: &'a [Finding],
    /// `polyver conflicts` (drift is taken from it too).
    pub conflicts: &'a crate::Report,
    pub policy: &'a PolicySection,
    pub now: Timestamp,
    /// Transitive components too (else only those with a vulnerability).
    pub all: bool,
}

/// One component and its priority.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedComponent {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub kind: Kind,
    pub scope: Scope,
    pub direct: bool,
    pub current: Option<String>,
    pub wanted: Option<String>,
    pub latest: Option<String>,
    pub locations: Vec<Location>,
    /// Advisory ids (primary) of its vulnerabilities.
    pub vulnerabilities: Vec<String>,
    pub priority: Priority,
}

/// One place a recommendation changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    pub location: Location,
    /// What runs there now.
    pub current: Option<String>,
    pub constraint: Option<String>,
    /// Whether the target satisfies `constraint`; `None` without one (or a scheme).
    pub within_constraint: Option<bool>,
}

/// One recommendation: move one package to one version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recommendation {
    /// The highest priority of the components it moves.
    pub priority: u8,
    pub action: Action,
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The versions running now.
    pub from: Vec<String>,
    /// The version to move to (none for `pin` and `no-fix`).
    pub to: Option<String>,
    /// The largest kind of bump from a `from` version to `to`.
    #[serde(serialize_with = "bump_name")]
    pub bump: Option<Bump>,
    /// Advisories (primary ids) it fixes, and those it leaves open.
    pub fixes: Vec<String>,
    pub still_open: Vec<String>,
    /// Whether `to` satisfies every declared constraint (an upgrade within range) or one
    /// must change; `None` when no place has a readable constraint.
    pub within_constraint: Option<bool>,
    /// The digest to pin when a tag moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub places: Vec<Place>,
}

fn bump_name<S: serde::Serializer>(bump: &Option<Bump>, s: S) -> Result<S::Ok, S::Error> {
    match bump {
        Some(b) => s.serialize_some(b.as_str()),
        None => s.serialize_none(),
    }
}

/// What the plan could and could not look at.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// The audit ran.
    pub vulnerabilities_checked: bool,
    /// Packages asked of registries, and how many lookups failed.
    pub lookups: usize,
    pub lookups_failed: usize,
    /// Components not looked up upstream, by reason.
    pub not_looked_up: BTreeMap<String, usize>,
}

/// Counts before `--limit`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub components: usize,
    /// Components with a priority above 0.
    pub prioritized: usize,
    pub recommendations: usize,
    pub by_action: BTreeMap<&'static str, usize>,
    pub sla_breaches: usize,
}

/// The result of `polyver plan`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub schema: &'static str,
    pub root: String,
    pub summary: Summary,
    pub coverage: Coverage,
    pub health: Health,
    /// Most urgent first; ties by name.
    pub recommendations: Vec<Recommendation>,
    /// Highest priority first; ties by name.
    pub components: Vec<PlannedComponent>,
    /// What a reader must know (what was not checked, failed lookups).
    pub notes: Vec<String>,
}

impl Plan {
    /// Keeps the `n` most urgent recommendations and components (the summary keeps the
    /// totals).
    pub fn truncate(&mut self, n: usize) {
        self.recommendations.truncate(n);
        self.components.truncate(n);
    }
}

/// Builds the plan of `inputs`; `recheck` tells which advisories a candidate version still
/// has (see [`targets`]).
pub fn plan(inputs: &PlanInputs, recheck: Recheck) -> Plan {
    let mut items = items::assemble(inputs.inventory, inputs.outdated, inputs.all);
    let (audit, not_checked) = match &inputs.audit {
        Ok(report) => (Some(*report), None),
        Err(why) => (None, Some(why.as_str())),
    };
    if let Some(report) = audit {
        items::attach_vulnerabilities(&mut items, inputs.inventory, &report.findings);
    }
    items::attach_licences(&mut items, inputs.licences);
    items::attach_drift(&mut items, &inputs.conflicts.conflicts);

    let mut components = Vec::with_capacity(items.len());
    let mut recommendations: Vec<Recommendation> = Vec::new();
    for item in &items {
        let reason = items::not_looked_up(item, inputs.outdated, inputs.all);
        let facts = Facts {
            scope: item.scope,
            direct: item.direct,
            vulnerabilities: match not_checked {
                None => Vulnerabilities::Checked(&item.vulnerabilities),
                Some(why) => Vulnerabilities::NotChecked(why),
            },
            upstream: match item.row {
                Some(row) => Upstream::Known(row),
                None => Upstream::Unknown(&reason),
            },
            licences: &item.licences,
            drift: &item.drift,
        };
        let priority = priority::priority(&facts, inputs.policy, inputs.now);
        if let Some(target) = targets::target(item, inputs.policy, recheck) {
            merge(
                &mut recommendations,
                recommendation(item, priority.score, target),
            );
        }
        components.push(planned(item, priority));
    }
    components.sort_by(|a, b| {
        b.priority
            .score
            .cmp(&a.priority.score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.ecosystem.cmp(&b.ecosystem))
            .then_with(|| a.current.cmp(&b.current))
            .then_with(|| a.locations.cmp(&b.locations))
    });
    recommendations.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.ecosystem.cmp(&b.ecosystem))
            .then_with(|| a.action.cmp(&b.action))
            .then_with(|| a.to.cmp(&b.to))
    });

    let breaches = audit.map(|r| sla::breaches(&r.findings, &inputs.policy.sla, inputs.now));
    let health = health::health(&health_inputs(inputs, audit, &items, breaches.as_ref()));
    let coverage = Coverage {
        vulnerabilities_checked: audit.is_some(),
        lookups: inputs.outdated.lookups,
        lookups_failed: inputs.outdated.problems.len(),
        not_looked_up: inputs.outdated.skipped.clone(),
    };
    let mut by_action = BTreeMap::new();
    for r in &recommendations {
        *by_action.entry(r.action.id()).or_default() += 1;
    }
    Plan {
        schema: SCHEMA,
        root: inputs.inventory.root.clone(),
        summary: Summary {
            components: components.len(),
            prioritized: components.iter().filter(|c| c.priority.score > 0).count(),
            recommendations: recommendations.len(),
            by_action,
            sla_breaches: breaches.as_ref().map_or(0, Vec::len),
        },
        notes: notes(inputs, not_checked),
        coverage,
        health,
        recommendations,
        components,
    }
}

fn planned(item: &Item, priority: Priority) -> PlannedComponent {
    let mut locations: Vec<Location> = item.places.iter().map(|p| p.location.clone()).collect();
    locations.sort();
    locations.dedup();
    let mut vulnerabilities: Vec<String> =
        item.vulnerabilities.iter().map(|v| v.id.clone()).collect();
    vulnerabilities.sort();
    vulnerabilities.dedup();
    PlannedComponent {
        ecosystem: item.ecosystem,
        name: item.name.clone(),
        kind: item.kind,
        scope: item.scope,
        direct: item.direct,
        current: item.current.clone(),
        wanted: item.row.and_then(|r| r.wanted.clone()),
        latest: item.row.and_then(|r| r.latest.clone()),
        locations,
        vulnerabilities,
        priority,
    }
}

fn recommendation(item: &Item, priority: u8, target: targets::Target) -> Recommendation {
    let places: Vec<Place> = item
        .places
        .iter()
        .map(|p| Place {
            location: p.location.clone(),
            current: item.current.clone(),
            constraint: p.constraint.clone(),
            within_constraint: target
                .version
                .as_deref()
                .and_then(|to| targets::within(item, to, p.constraint.as_deref())),
        })
        .collect();
    let bump = match (&item.current, &target.version) {
        (Some(from), Some(to)) => item
            .ecosystem
            .version_scheme(&item.name)
            .and_then(|s| polyver_version::bump(s, from, to).ok())
            .or_else(|| item.row.and_then(|r| r.bump)),
        _ => None,
    };
    Recommendation {
        priority,
        action: target.action,
        ecosystem: item.ecosystem,
        name: item.name.clone(),
        from: item.current.iter().cloned().collect(),
        to: target.version,
        bump: bump.filter(|_| target.digest.is_none()),
        fixes: target.fixes,
        still_open: target.still_open,
        within_constraint: combined(&places),
        digest: target.digest,
        note: target.note,
        places,
    }
}

/// `Some(false)` when a place's constraint excludes the target, `Some(true)` when every
/// readable one admits it, `None` when none is readable.
fn combined(places: &[Place]) -> Option<bool> {
    places
        .iter()
        .filter_map(|p| p.within_constraint)
        .reduce(|a, b| a && b)
}

/// Adds `new` to the recommendation of the same package, action and target, if any.
fn merge(all: &mut Vec<Recommendation>, new: Recommendation) {
    let same = all.iter_mut().find(|r| {
        r.ecosystem == new.ecosystem
            && r.name == new.name
            && r.action == new.action
            && r.to == new.to
    });
    let Some(r) = same else {
        all.push(new);
        return;
    };
    r.priority = r.priority.max(new.priority);
    let union = |a: &mut Vec<String>, b: Vec<String>| {
        let set: BTreeSet<String> = a.drain(..).chain(b).collect();
        a.extend(set);
    };
    union(&mut r.from, new.from);
    union(&mut r.fixes, new.fixes);
    union(&mut r.still_open, new.still_open);
    r.bump = r.bump.max(new.bump);
    r.note = r.note.take().or(new.note);
    r.places.extend(new.places);
    r.places.sort_by(|a, b| a.location.cmp(&b.location));
    r.within_constraint = combined(&r.places);
}

fn health_inputs(
    inputs: &PlanInputs,
    audit: Option<&AuditReport>,
    items: &[Item],
    breaches: Option<&Vec<Finding>>,
) -> HealthInputs {
    let (within, known) = health::currency(
        inputs
            .outdated
            .rows
            .iter()
            .map(|r| (r.status != RowStatus::Unknown, r.bump, r.minors_behind)),
    );
    let currency = if known == 0 && inputs.outdated.rows.is_empty() {
        Err(match inputs.outdated.skipped.keys().next() {
            Some(_) => format!("nothing looked up ({})", skipped_text(inputs.outdated)),
            None => "nothing looked up".to_string(),
        })
    } else {
        Ok((within, known))
    };
    let vulnerabilities = match (audit, &inputs.audit) {
        (Some(report), _) => {
            let mut counts = BTreeMap::new();
            for f in &report.findings {
                *counts.entry(f.effective_severity).or_default() += 1;
            }
            Ok(counts)
        }
        (None, Err(why)) => Err(why.clone()),
        (None, Ok(_)) => Err("not checked".to_string()),
    };
    let mut conflicts: BTreeMap<FindingSeverity, usize> = BTreeMap::new();
    for c in &inputs.conflicts.conflicts {
        if c.kind != crate::ConflictKind::Drift {
            *conflicts.entry(c.severity).or_default() += 1;
        }
    }
    HealthInputs {
        currency,
        vulnerabilities,
        sla_breaches: breaches.map(Vec::len),
        drift: (
            items.iter().filter(|i| !i.drift.is_empty()).count(),
            items.len(),
        ),
        conflicts,
    }
}

/// `no registry for pypi 3, local, URL or VCS source 1`.
fn skipped_text(outdated: &Outdated) -> String {
    let parts: Vec<String> = outdated
        .skipped
        .iter()
        .map(|(why, n)| format!("{why}: {n}"))
        .collect();
    parts.join(", ")
}

fn notes(inputs: &PlanInputs, not_checked: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(why) = not_checked {
        out.push(format!("vulnerabilities not checked: {why}"));
    }
    if !inputs.outdated.skipped.is_empty() {
        out.push(format!(
            "not looked up upstream ({}): their lag is unknown",
            skipped_text(inputs.outdated)
        ));
    }
    let failed = &inputs.outdated.problems;
    if !failed.is_empty() {
        let names: Vec<String> = failed
            .iter()
            .take(5)
            .map(|p| format!("{} {}", p.ecosystem, p.name))
            .collect();
        out.push(format!(
            "{} lookup{} failed ({}{}): their lag is unknown",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            names.join(", "),
            if failed.len() > 5 { ", ..." } else { "" }
        ));
    }
    out
}

#[cfg(test)]
mod tests;
