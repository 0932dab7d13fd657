//! Update priority: one number from 0 to 100 per component saying how urgently it should be
//! updated, and the terms it is the sum of, each with its points and the reason — so a person
//! can see why `requests` comes before `flask` and disagree with a specific term.
//!
//! The seed's formula (`3·critical + 2·high + 2·major_behind + minor_behind + 3·deprecated`,
//! capped at 10) is the floor: it ignores where a component runs, so a dev-only linter three
//! majors behind outranks a critical vulnerability in production, and its `minor_behind`
//! (latest minor − current minor) goes negative across a major. Here every term is ≥ 0, the
//! score is their sum clamped to 0..=100, and the weights say what matters most:
//!
//! | term | points | why this weight |
//! |---|---|---|
//! | `severity` | 5 × the worst vulnerability's CVSS base score (≤ 50); without a score its rating's midpoint: critical 9.5, high 8.0, medium 5.5, low 2.5 (unknown counts as medium) | a known flaw dominates: one critical alone outweighs the worst lag |
//! | `vulnerabilities` | 3 per further vulnerability (≤ 12) | several flaws add up, but less than the worst one |
//! | `sla` | 8 once past the `[policy.sla]` deadline, +1 per week overdue (≤ 16) | the organisation said how fast; being late is its own urgency |
//! | `lag` | 6 per major behind (≤ 18), else 2 per minor (≤ 8), else 1 per patch (≤ 3); 1 for a pre-release/build difference, 2 for a tag whose digest moved | majors carry breaking changes that pile up; patches are cheap to take any time |
//! | `days-behind` | 1 per 45 days a newer release has been out (≤ 8) | old lag is harder to close |
//! | `max-lag` | 6 when beyond `[policy] max-lag` | the policy's own limit |
//! | `yanked`, `retracted` | 20 each | the publisher withdrew the version running now |
//! | `deprecated` | 8 | the package or release is end of life |
//! | `licence` | 15 for a denied licence, 8 for one incompatible with the project's | compliance risk that an update (or a replacement) may resolve |
//! | `drift` | 8 outside `[approved]` | the repository's own version registry disagrees |
//! | `exposure` | +25 % of the sum above in runtime scope, +10 % in build, optional or peer scope (0 in dev and test), +15 % more for a direct dependency | the same flaw matters more where it ships; exposure scales the need instead of adding points to a component that needs nothing |
//!
//! So a critical flaw (CVSS 9.8) in a direct runtime dependency scores 49 + 20 = 69 before
//! any SLA, and a direct dev dependency three majors and two years behind 18 + 8 + 4 = 30.
//!
//! What could not be known is a term of 0 points saying so (`severity`: vulnerabilities not
//! checked, no OSV database; `lag`: no registry answered), never a silent zero.

use crate::sla;
use polyver_advisory::matcher::Status;
use polyver_advisory::VulnFinding;
use polyver_config::PolicySection;
use polyver_model::{Finding, FindingSeverity, Scope};
use polyver_upstream::outdated::{Row, Status as RowStatus};
use polyver_upstream::Timestamp;
use polyver_version::Bump;
use serde::Serialize;

/// The weights of the module docs' table.
pub mod weights {
    pub const PER_CVSS_POINT: f64 = 5.0;
    pub const FURTHER_VULNERABILITY: u32 = 3;
    pub const FURTHER_VULNERABILITIES_MAX: u32 = 12;
    pub const SLA_OVERDUE: u32 = 8;
    pub const SLA_MAX: u32 = 16;
    pub const MAJOR: u64 = 6;
    pub const MAJORS_MAX: u64 = 18;
    pub const MINOR: u64 = 2;
    pub const MINORS_MAX: u64 = 8;
    pub const PATCH: u64 = 1;
    pub const PATCHES_MAX: u64 = 3;
    pub const OTHER_CHANGE: u32 = 1;
    pub const MOVED_DIGEST: u32 = 2;
    pub const DAYS_PER_POINT: u64 = 45;
    pub const DAYS_MAX: u64 = 8;
    pub const MAX_LAG: u32 = 6;
    pub const YANKED: u32 = 20;
    pub const RETRACTED: u32 = 20;
    pub const DEPRECATED: u32 = 8;
    pub const LICENCE_DENIED: u32 = 15;
    pub const LICENCE_INCOMPATIBLE: u32 = 8;
    pub const DRIFT: u32 = 8;
    /// Percent of the other terms added for the scope.
    pub const RUNTIME_EXPOSURE: u32 = 25;
    pub const BUILD_EXPOSURE: u32 = 10;
    pub const OPTIONAL_EXPOSURE: u32 = 10;
    pub const DIRECT_EXPOSURE: u32 = 15;
}

use weights as w;

/// One term of a priority: its stable name, its points (never negative) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Term {
    pub name: &'static str,
    pub points: u32,
    pub why: String,
}

/// A component's update priority: the sum of its terms, clamped to 0..=100.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Priority {
    pub score: u8,
    pub terms: Vec<Term>,
}

/// What the audit said about a component.
#[derive(Clone, Copy, Debug)]
pub enum Vulnerabilities<'a> {
    /// The audit ran; these are its (not ignored) findings of this component.
    Checked(&'a [VulnFinding]),
    /// The audit could not run, and why.
    NotChecked(&'a str),
}

/// Where a component stands upstream.
#[derive(Clone, Copy, Debug)]
pub enum Upstream<'a> {
    Known(&'a Row),
    /// Not looked up or no answer, and why.
    Unknown(&'a str),
}

/// Everything known about one component.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    pub scope: Scope,
    pub direct: bool,
    pub vulnerabilities: Vulnerabilities<'a>,
    pub upstream: Upstream<'a>,
    /// Its `license/*` findings.
    pub licences: &'a [Finding],
    /// Its `drift/*` findings.
    pub drift: &'a [Finding],
}

/// The priority of the component `facts` describe, under `policy`, at `now`.
pub fn priority(facts: &Facts, policy: &PolicySection, now: Timestamp) -> Priority {
    let mut terms = Vec::new();
    match facts.vulnerabilities {
        Vulnerabilities::Checked(found) => vulnerability_terms(found, policy, now, &mut terms),
        Vulnerabilities::NotChecked(reason) => terms.push(Term {
            name: "severity",
            points: 0,
            why: format!("vulnerabilities not checked: {reason}"),
        }),
    }
    match facts.upstream {
        Upstream::Known(row) => lag_terms(row, policy, &mut terms),
        Upstream::Unknown(reason) => terms.push(Term {
            name: "lag",
            points: 0,
            why: format!("unknown: {reason}"),
        }),
    }
    licence_term(facts.licences, &mut terms);
    if let Some(first) = facts.drift.first() {
        let more = match facts.drift.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        terms.push(Term {
            name: "drift",
            points: w::DRIFT,
            why: format!("{}{more}", first.title),
        });
    }
    exposure_term(facts, &mut terms);
    let sum: u32 = terms.iter().map(|t| t.points).sum();
    Priority {
        score: sum.min(100) as u8,
        terms,
    }
}

/// The CVSS score a finding is weighed by: its own, else its rating's midpoint.
fn cvss_of(f: &VulnFinding) -> (f64, bool) {
    match f.score.filter(|s| s.is_finite()) {
        Some(s) => (s.clamp(0.0, 10.0), true),
        None => (
            match f.effective_severity {
                FindingSeverity::Critical => 9.5,
                FindingSeverity::High => 8.0,
                FindingSeverity::Medium => 5.5,
                FindingSeverity::Low => 2.5,
                FindingSeverity::Info => 0.0,
            },
            false,
        ),
    }
}

fn severity_points(f: &VulnFinding) -> u32 {
    (cvss_of(f).0 * w::PER_CVSS_POINT).round() as u32
}

fn vulnerability_terms(
    found: &[VulnFinding],
    policy: &PolicySection,
    now: Timestamp,
    terms: &mut Vec<Term>,
) {
    let Some(worst) = found.iter().max_by(|a, b| {
        severity_points(a)
            .cmp(&severity_points(b))
            .then(b.id.cmp(&a.id))
    }) else {
        return;
    };
    let (cvss, scored) = cvss_of(worst);
    let rating = match worst.severity {
        Some(s) => s.to_string(),
        None => format!("unknown severity (counted as {})", worst.effective_severity),
    };
    let score = if scored {
        format!("CVSS {cvss:.1}")
    } else {
        format!("no CVSS score, {cvss:.1} assumed")
    };
    let which = match worst.status {
        Status::Affected => worst.id.clone(),
        Status::NotPinned => format!(
            "not pinned: {} admits {}",
            worst
                .constraints
                .first()
                .map_or("no constraint".to_string(), |c| format!("`{c}`")),
            worst.admitted.join(", ")
        ),
    };
    terms.push(Term {
        name: "severity",
        points: severity_points(worst),
        why: format!("{which}: {rating}, {score}"),
    });
    let others: Vec<&str> = found
        .iter()
        .filter(|f| !std::ptr::eq(*f, worst))
        .map(|f| f.id.as_str())
        .collect();
    if !others.is_empty() {
        let points =
            (w::FURTHER_VULNERABILITY * others.len() as u32).min(w::FURTHER_VULNERABILITIES_MAX);
        terms.push(Term {
            name: "vulnerabilities",
            points,
            why: format!("{} more: {}", others.len(), others.join(", ")),
        });
    }
    let overdue = found
        .iter()
        .filter_map(|f| {
            let d = sla::deadline(f, &policy.sla)?;
            Some((d.overdue_days(now)?, f, d))
        })
        .collect::<Vec<_>>();
    if let Some((days, f, d)) = overdue.iter().max_by_key(|(days, f, _)| (*days, &f.id)) {
        let points = (w::SLA_OVERDUE + (*days / 7) as u32).min(w::SLA_MAX);
        let more = match overdue.len() {
            1 => String::new(),
            n => format!(" ({} more past theirs)", n - 1),
        };
        terms.push(Term {
            name: "sla",
            points,
            why: format!(
                "{} ({}) was due {} under the {}-day [policy.sla], {days} days ago{more}",
                f.id,
                f.effective_severity,
                sla::day(d.due),
                d.days
            ),
        });
    }
}

fn lag_terms(row: &Row, policy: &PolicySection, terms: &mut Vec<Term>) {
    let current = row.current.as_deref().unwrap_or("?");
    let latest = row.latest.as_deref().unwrap_or("?");
    match row.status {
        RowStatus::Unknown => terms.push(Term {
            name: "lag",
            points: 0,
            why: format!(
                "unknown: {}",
                row.note.as_deref().unwrap_or("no comparable release")
            ),
        }),
        RowStatus::UpToDate => {}
        RowStatus::Outdated => {
            let counted = |n: u64, each: u64, max: u64| (n.max(1) * each).min(max) as u32;
            let plural = |n: u64, one: &str, many: &str| match n.max(1) {
                1 => format!("1 {one}"),
                n => format!("{n} {many}"),
            };
            let (points, why) = match row.bump {
                Some(Bump::Major) => (
                    counted(row.majors_behind, w::MAJOR, w::MAJORS_MAX),
                    format!(
                        "{} behind: {current} → {latest}",
                        plural(row.majors_behind, "major", "majors")
                    ),
                ),
                Some(Bump::Minor) => (
                    counted(row.minors_behind, w::MINOR, w::MINORS_MAX),
                    format!(
                        "{} behind: {current} → {latest}",
                        plural(row.minors_behind, "minor", "minors")
                    ),
                ),
                Some(Bump::Patch) => (
                    counted(row.patches_behind, w::PATCH, w::PATCHES_MAX),
                    format!(
                        "{} behind: {current} → {latest}",
                        plural(row.patches_behind, "patch", "patches")
                    ),
                ),
                Some(Bump::Other) => (
                    w::OTHER_CHANGE,
                    format!("only a pre-release or build differs: {current} → {latest}"),
                ),
                None => (
                    w::MOVED_DIGEST,
                    format!("the tag {current} now points at a newer digest"),
                ),
            };
            terms.push(Term {
                name: "lag",
                points,
                why,
            });
            if let Some(days) = row.days_behind {
                let points = (days / w::DAYS_PER_POINT).min(w::DAYS_MAX) as u32;
                if points > 0 {
                    terms.push(Term {
                        name: "days-behind",
                        points,
                        why: format!("a newer release has been out for {days} days"),
                    });
                }
            }
            max_lag_term(row, policy, terms);
        }
    }
    let withdrawn = [
        ("yanked", &row.yanked, w::YANKED, "is yanked"),
        ("retracted", &row.retracted, w::RETRACTED, "is retracted"),
    ];
    for (name, reason, points, said) in withdrawn {
        if let Some(reason) = reason {
            terms.push(Term {
                name,
                points,
                why: with_reason(format!("the running release {current} {said}"), reason),
            });
        }
    }
    if let Some(message) = &row.deprecated {
        terms.push(Term {
            name: "deprecated",
            points: w::DEPRECATED,
            why: with_reason("deprecated by its publisher".to_string(), message),
        });
    }
}

fn with_reason(text: String, reason: &str) -> String {
    match reason.trim() {
        "" => text,
        r => format!("{text}: {r}"),
    }
}

fn max_lag_term(row: &Row, policy: &PolicySection, terms: &mut Vec<Term>) {
    let limit = &policy.max_lag;
    let mut beyond = Vec::new();
    if let Some(m) = limit.majors.filter(|m| row.majors_behind > u64::from(*m)) {
        beyond.push(format!("{} majors behind, max {m}", row.majors_behind));
    }
    if let Some(m) = limit.minors.filter(|m| row.minors_behind > u64::from(*m)) {
        beyond.push(format!("{} minors behind, max {m}", row.minors_behind));
    }
    if let (Some(m), Some(days)) = (limit.days, row.days_behind) {
        if days > u64::from(m) {
            beyond.push(format!("{days} days behind, max {m}"));
        }
    }
    if !beyond.is_empty() {
        terms.push(Term {
            name: "max-lag",
            points: w::MAX_LAG,
            why: format!("beyond [policy] max-lag: {}", beyond.join("; ")),
        });
    }
}

fn licence_term(findings: &[Finding], terms: &mut Vec<Term>) {
    let weighed = findings.iter().filter_map(|f| match f.rule.as_str() {
        "license/denied" => Some((w::LICENCE_DENIED, f)),
        "license/incompatible" => Some((w::LICENCE_INCOMPATIBLE, f)),
        _ => None,
    });
    if let Some((points, f)) = weighed.max_by_key(|(p, _)| *p) {
        terms.push(Term {
            name: "licence",
            points,
            why: f.title.clone(),
        });
    }
}

/// Percent added for where the component is used (see the module docs).
pub fn exposure_percent(scope: Scope, direct: bool) -> u32 {
    let scope = match scope {
        Scope::Runtime => w::RUNTIME_EXPOSURE,
        Scope::Build => w::BUILD_EXPOSURE,
        Scope::Optional | Scope::Peer => w::OPTIONAL_EXPOSURE,
        Scope::Dev | Scope::Test => 0,
    };
    scope + if direct { w::DIRECT_EXPOSURE } else { 0 }
}

fn exposure_term(facts: &Facts, terms: &mut Vec<Term>) {
    let need: u32 = terms.iter().map(|t| t.points).sum();
    if need == 0 {
        return;
    }
    let percent = exposure_percent(facts.scope, facts.direct);
    terms.push(Term {
        name: "exposure",
        points: (need * percent + 50) / 100,
        why: format!(
            "{}, {}: +{percent}% of {need}",
            facts.scope,
            if facts.direct { "direct" } else { "transitive" }
        ),
    });
}

#[cfg(test)]
pub(crate) mod tests;
