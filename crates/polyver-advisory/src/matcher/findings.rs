//! Turning a package's hits into findings: merging advisories of one flaw through their
//! aliases, rating each group, applying `[[audit.ignore]]` entries, and a stable order.

use super::ranges::affects;
use super::{
    AppliedIgnore, AuditOptions, AuditReport, Ignore, Prepared, Query, Status, VulnFinding,
};
use crate::osv::Advisory;
use crate::severity::Rated;
use polyver_model::{Component, Ecosystem, FindingSeverity, Location};
use polyver_version::osv::RangeType;
use polyver_version::{AnyVersion, Ecosystem as Scheme};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) fn order(a: &VulnFinding, b: &VulnFinding) -> std::cmp::Ordering {
    b.effective_severity
        .cmp(&a.effective_severity)
        .then_with(|| {
            b.score
                .unwrap_or(-1.0)
                .partial_cmp(&a.score.unwrap_or(-1.0))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.version.cmp(&b.version))
        .then_with(|| a.id.cmp(&b.id))
}

/// Groups advisory indexes that name each other (or share an alias) into one flaw.
pub(super) fn alias_groups(advisories: &[Advisory], hits: &[usize]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (slot, &i) in hits.iter().enumerate() {
        let a = &advisories[i];
        for id in std::iter::once(&a.id).chain(a.aliases.iter()) {
            match owner.get(id.as_str()) {
                Some(&other) => {
                    let (x, y) = (find(&mut parent, slot), find(&mut parent, other));
                    parent[x] = y;
                }
                None => {
                    owner.insert(id, slot);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (slot, &hit) in hits.iter().enumerate() {
        let root = find(&mut parent, slot);
        groups.entry(root).or_default().push(hit);
    }
    groups.into_values().collect()
}

/// The primary id of a group: a database's own id (PYSEC, GO, RUSTSEC, GHSA) before a CVE,
/// then the smallest.
pub(super) fn primary_and_aliases(
    advisories: &[Advisory],
    group: &[usize],
) -> (String, Vec<String>) {
    let mut stored: Vec<&str> = group.iter().map(|&i| advisories[i].id.as_str()).collect();
    stored.sort_by_key(|id| (id.starts_with("CVE-"), *id));
    let primary = stored[0].to_string();
    let mut all: BTreeSet<String> = BTreeSet::new();
    for &i in group {
        all.insert(advisories[i].id.clone());
        all.extend(advisories[i].aliases.iter().cloned());
    }
    all.remove(&primary);
    (primary, all.into_iter().collect())
}

/// The earliest `published` and the latest `modified` of a group's advisories. Dates are
/// compared on their first 19 characters (`YYYY-MM-DDThh:mm:ss`, UTC in OSV), so a fraction
/// of a second does not reorder them.
pub(super) fn group_dates(
    advisories: &[Advisory],
    group: &[usize],
) -> (Option<String>, Option<String>) {
    let key = |s: &&String| s.get(..19).unwrap_or(s.as_str()).to_string();
    let published = group
        .iter()
        .filter_map(|&i| advisories[i].published.as_ref())
        .filter(|s| !s.trim().is_empty())
        .min_by_key(key)
        .cloned();
    let modified = group
        .iter()
        .map(|&i| &advisories[i].modified)
        .filter(|s| !s.trim().is_empty())
        .max_by_key(key)
        .cloned();
    (published, modified)
}

pub(super) fn group_rating(ratings: &[Rated], group: &[usize]) -> Rated {
    group
        .iter()
        .map(|&i| ratings[i].clone())
        .fold(Rated::UNKNOWN, Rated::max)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn pinned_finding(
    component: &Component,
    version: &str,
    constraints: &[String],
    locations: &[Location],
    advisories: &[Advisory],
    ratings: &[Rated],
    group: &[usize],
    prepared: &[Vec<Prepared>],
    scheme: Scheme,
) -> VulnFinding {
    let entries = || group.iter().flat_map(|&i| prepared[i].iter());
    let (id, aliases) = primary_and_aliases(advisories, group);
    let rated = group_rating(ratings, group);
    let (published, modified) = group_dates(advisories, group);
    let primary = group
        .iter()
        .map(|&i| &advisories[i])
        .find(|a| a.id == id)
        .unwrap_or(&advisories[group[0]]);
    let summary = group
        .iter()
        .map(|&i| advisories[i].summary.as_str())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string();
    // Fixed versions of every affecting range, in that range's order.
    let mut fixes: Vec<(AnyVersion, String)> = Vec::new();
    let mut current: Option<AnyVersion> = None;
    let query = Query::new(scheme, version);
    for p in entries() {
        for (kind, r) in &p.ranges {
            let parsed = match kind {
                RangeType::Semver => query.semver.as_ref(),
                _ => query.ecosystem.as_ref(),
            };
            let Some(v) = parsed else {
                continue;
            };
            if current.is_none() {
                current = Some(v.clone());
            }
            for f in r.fixed_versions() {
                fixes.push((f.clone(), f.to_string()));
            }
        }
    }
    fixes.sort_by(|a, b| a.0.cmp(&b.0));
    fixes.dedup_by(|a, b| a.0 == b.0);
    let go_prefix = component.ecosystem == Ecosystem::Go && version.starts_with('v');
    let shown = |s: &str| {
        if go_prefix && !s.starts_with('v') {
            format!("v{s}")
        } else {
            s.to_string()
        }
    };
    let smallest_fix = fixes
        .iter()
        .filter(|(f, _)| current.as_ref().is_none_or(|c| f > c))
        .find(|(_, text)| {
            let candidate = shown(text);
            let query = Query::new(scheme, &candidate);
            !entries().any(|p| affects(p, &query))
        })
        .map(|(_, text)| shown(text));
    let fix_satisfies_constraint = match (&smallest_fix, constraints.is_empty()) {
        (Some(fix), false) => {
            let mut all = true;
            let mut known = false;
            for c in constraints {
                if let Ok(ok) = polyver_version::satisfies(scheme, fix, c) {
                    known = true;
                    all &= ok;
                }
            }
            known.then_some(all)
        }
        _ => None,
    };
    VulnFinding {
        id,
        aliases,
        status: Status::Affected,
        summary,
        ecosystem: component.ecosystem,
        name: component.name.clone(),
        version: Some(version.to_string()),
        constraints: constraints.to_vec(),
        locations: locations.to_vec(),
        severity: rated.severity,
        effective_severity: rated.severity.unwrap_or(FindingSeverity::Medium),
        score: rated.score,
        vector: rated.vector,
        severity_source: rated.source,
        fixed_versions: fixes.iter().map(|(_, t)| shown(t)).collect(),
        smallest_fix,
        fix_satisfies_constraint,
        admitted: Vec::new(),
        url: primary.url(),
        published,
        modified,
        ignore: None,
    }
}

/// The ignore that applies to a flaw known by `ids`, if any.
pub(super) fn ignore_for<'a>(
    options: &'a AuditOptions,
    ids: &[&str],
) -> Option<(&'a Ignore, bool)> {
    options
        .ignores
        .iter()
        .find(|ig| ids.iter().any(|id| id.eq_ignore_ascii_case(&ig.id)))
        .map(|ig| {
            let expired = ig
                .until
                .as_deref()
                .is_some_and(|until| until < options.today.as_str());
            (ig, expired)
        })
}

pub(super) fn applied(ig: &Ignore, expired: bool) -> AppliedIgnore {
    AppliedIgnore {
        id: ig.id.clone(),
        reason: ig.reason.clone(),
        until: ig.until.clone(),
        expired,
    }
}

/// The not-pinned finding of a component, with the advisories its constraint admits. An
/// `[[audit.ignore]]` removes its advisory from the list; when it removes all of them the
/// finding is ignored as a whole. (`Err` = ignored.)
pub(super) fn unpinned_finding(
    c: &Component,
    constraint: Option<&str>,
    advisories: &[Advisory],
    ratings: &[Rated],
    admitted: &[usize],
    options: &AuditOptions,
) -> Option<Result<VulnFinding, VulnFinding>> {
    if admitted.is_empty() {
        return None;
    }
    let mut ids = Vec::new();
    let mut ignored_ids = Vec::new();
    let mut ignore: Option<AppliedIgnore> = None;
    let mut rated = Rated::UNKNOWN;
    let mut top: Option<(Rated, String, Vec<usize>)> = None;
    for g in &alias_groups(advisories, admitted) {
        let (id, aliases) = primary_and_aliases(advisories, g);
        let all: Vec<&str> = std::iter::once(id.as_str())
            .chain(aliases.iter().map(String::as_str))
            .collect();
        match ignore_for(options, &all) {
            Some((ig, false)) => {
                ignore.get_or_insert_with(|| applied(ig, false));
                ignored_ids.push(id);
                continue;
            }
            Some((ig, true)) => ignore = Some(applied(ig, true)),
            None => {}
        }
        let r = group_rating(ratings, g);
        rated = rated.max(r.clone());
        if top
            .as_ref()
            .is_none_or(|(t, _, _)| r.clone().max(t.clone()) != *t)
        {
            top = Some((r, id.clone(), g.clone()));
        }
        ids.push(id);
    }
    ids.sort();
    ignored_ids.sort();
    let what = match constraint {
        Some(raw) => format!("`{raw}`"),
        None => "no constraint".to_string(),
    };
    let all_ignored = ids.is_empty();
    let (top_id, (published, modified)) = match top {
        Some((_, id, group)) => (id, group_dates(advisories, &group)),
        None => (ignored_ids.first()?.clone(), (None, None)),
    };
    let shown = if all_ignored { &ignored_ids } else { &ids };
    let finding = VulnFinding {
        id: top_id.clone(),
        aliases: Vec::new(),
        status: Status::NotPinned,
        summary: format!(
            "version not pinned: {what} admits {} known vulnerabilit{}{} (pin it or add a lock file)",
            shown.len(),
            if shown.len() == 1 { "y" } else { "ies" },
            if all_ignored || ignored_ids.is_empty() {
                String::new()
            } else {
                format!(" ({} more ignored)", ignored_ids.len())
            }
        ),
        ecosystem: c.ecosystem,
        name: c.name.clone(),
        version: None,
        constraints: constraint.map(str::to_string).into_iter().collect(),
        locations: c.locations.clone(),
        severity: rated.severity,
        effective_severity: rated.severity.unwrap_or(FindingSeverity::Medium),
        score: rated.score,
        vector: rated.vector,
        severity_source: rated.source,
        fixed_versions: Vec::new(),
        smallest_fix: None,
        fix_satisfies_constraint: None,
        admitted: shown.clone(),
        url: format!("https://osv.dev/vulnerability/{top_id}"),
        published,
        modified,
        ignore,
    };
    Some(if all_ignored {
        Err(finding)
    } else {
        Ok(finding)
    })
}

/// Routes the affected findings an `[[audit.ignore]]` names (by id or alias) to `ignored`;
/// an expired ignore leaves the finding reported, marked as such. (Not-pinned findings were
/// filtered per advisory already.)
pub(super) fn apply_ignores(report: &mut AuditReport, options: &AuditOptions) {
    if options.ignores.is_empty() {
        return;
    }
    let findings = std::mem::take(&mut report.findings);
    for mut f in findings {
        if f.status == Status::NotPinned {
            report.findings.push(f);
            continue;
        }
        let ids: Vec<&str> = std::iter::once(f.id.as_str())
            .chain(f.aliases.iter().map(String::as_str))
            .collect();
        match ignore_for(options, &ids).map(|(ig, expired)| applied(ig, expired)) {
            Some(ig) if !ig.expired => {
                f.ignore = Some(ig);
                report.ignored.push(f);
            }
            other => {
                f.ignore = other;
                report.findings.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(id: &str, published: Option<&str>, modified: &str) -> Advisory {
        Advisory {
            id: id.into(),
            published: published.map(str::to_string),
            modified: modified.into(),
            ..Advisory::default()
        }
    }

    #[test]
    fn a_flaw_is_published_when_its_first_alias_was_and_modified_when_its_last_was() {
        let all = [
            advisory(
                "GHSA-1",
                Some("2023-10-03T17:00:00Z"),
                "2024-02-01T00:00:00Z",
            ),
            advisory(
                "CVE-1",
                Some("2023-10-02T23:15:00.123Z"),
                "2024-03-01T00:00:00Z",
            ),
            advisory("PYSEC-1", None, "2023-11-01T00:00:00Z"),
        ];
        assert_eq!(
            group_dates(&all, &[0, 1, 2]),
            (
                Some("2023-10-02T23:15:00.123Z".to_string()),
                Some("2024-03-01T00:00:00Z".to_string())
            )
        );
        assert_eq!(
            group_dates(&all, &[2]),
            (None, Some("2023-11-01T00:00:00Z".to_string())),
            "no advisory gives published"
        );
    }
}
