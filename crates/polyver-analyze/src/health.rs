//! A repository's health: one score from 0 to 100 and the parts it is made of (PRODUCT.md
//! §7), each shown with its value, its own score from 0 to 1, its weight and the points it
//! brings — the number is only useful if a person can see what moves it.
//!
//! | part | weight | score (0–1) |
//! |---|---|---|
//! | `currency` | 30 | share of the components looked up upstream that are within 2 minors of their latest release (a major behind is not) |
//! | `vulnerabilities` | 30 | 1 − (10·critical + 5·high + 2·medium + 1·low) / 20, at least 0: one critical halves it, two empty it |
//! | `sla` | 15 | 1 / (1 + vulnerabilities past their `[policy.sla]` deadline) |
//! | `drift` | 10 | share of the components inside `[approved]` |
//! | `conflicts` | 15 | 1 − (0.5·critical + 0.25·high + 0.1·medium + 0.02·low), at least 0 (drift is its own part) |
//!
//! The score is Σ weight × score over the parts that could be measured, scaled to their total
//! weight: a part that could not be measured (no registry answered, no OSV database) is shown
//! as such and left out instead of counting as perfect or as zero.

use polyver_model::FindingSeverity;
use polyver_version::Bump;
use serde::Serialize;
use std::collections::BTreeMap;

/// The weight of each part (they add up to 100).
pub mod weights {
    pub const CURRENCY: u32 = 30;
    pub const VULNERABILITIES: u32 = 30;
    pub const SLA: u32 = 15;
    pub const DRIFT: u32 = 10;
    pub const CONFLICTS: u32 = 15;
}

/// Minors behind latest that still count as current.
pub const CURRENT_WITHIN_MINORS: u64 = 2;

/// The currency part's count over looked-up components, each given as whether its
/// standing was decided (`polyver outdated`'s status is not `unknown`), its bump to the
/// latest release and how many minors behind: (decided ones within
/// [`CURRENT_WITHIN_MINORS`] minors of latest, decided ones). A major behind is not
/// current; up to date, a patch or another bump is. `polyver plan` counts its live lookups
/// with it, the server the rows stored with a scan, so the two agree on the same data.
pub fn currency(standings: impl IntoIterator<Item = (bool, Option<Bump>, u64)>) -> (usize, usize) {
    let (mut within, mut decided) = (0, 0);
    for (known, bump, minors_behind) in standings {
        if !known {
            continue;
        }
        decided += 1;
        within += usize::from(match bump {
            Some(Bump::Major) => false,
            Some(Bump::Minor) => minors_behind <= CURRENT_WITHIN_MINORS,
            _ => true,
        });
    }
    (within, decided)
}

/// What the health is computed from.
#[derive(Clone, Debug)]
pub struct HealthInputs {
    /// (components within 2 minors of latest, components whose latest is known); `Err` when
    /// nothing could be looked up, with why.
    pub currency: Result<(usize, usize), String>,
    /// Open vulnerabilities per severity; `Err` when they were not checked, with why.
    pub vulnerabilities: Result<BTreeMap<FindingSeverity, usize>, String>,
    /// Vulnerabilities past their SLA (not measured without the audit).
    pub sla_breaches: Option<usize>,
    /// (components outside `[approved]`, components).
    pub drift: (usize, usize),
    /// Conflicts other than drift, per severity.
    pub conflicts: BTreeMap<FindingSeverity, usize>,
}

impl Default for HealthInputs {
    /// Nothing measured but drift and conflicts (none of either).
    fn default() -> Self {
        HealthInputs {
            currency: Err("not looked up".into()),
            vulnerabilities: Err("not checked".into()),
            sla_breaches: None,
            drift: (0, 0),
            conflicts: BTreeMap::new(),
        }
    }
}

/// One part of the health.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthPart {
    pub name: &'static str,
    /// What was measured, in words (`7 of 9 components`, `1 critical, 2 high`).
    pub value: String,
    /// 0 to 1; `None` when it could not be measured.
    pub score: Option<f64>,
    pub weight: u32,
    /// What it brings to the score (weight × score, scaled to the measured weights).
    pub points: f64,
}

/// The health score and its parts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Health {
    pub score: u8,
    pub parts: Vec<HealthPart>,
}

fn severities(counts: &BTreeMap<FindingSeverity, usize>) -> String {
    let parts: Vec<String> = FindingSeverity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            counts
                .get(s)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {s}"))
        })
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

fn weighted(counts: &BTreeMap<FindingSeverity, usize>, weight: fn(FindingSeverity) -> f64) -> f64 {
    counts.iter().map(|(s, n)| weight(*s) * *n as f64).sum()
}

/// The health of a repository from `inputs`.
pub fn health(inputs: &HealthInputs) -> Health {
    let mut parts = Vec::new();
    let part = |name, weight, measured: Result<(f64, String), String>| match measured {
        Ok((score, value)) => HealthPart {
            name,
            value,
            score: Some(score.clamp(0.0, 1.0)),
            weight,
            points: 0.0,
        },
        Err(why) => HealthPart {
            name,
            value: format!("not measured: {why}"),
            score: None,
            weight,
            points: 0.0,
        },
    };
    parts.push(part(
        "currency",
        weights::CURRENCY,
        match &inputs.currency {
            Ok((_, 0)) => Err("no component's latest release is known".to_string()),
            Ok((within, known)) => Ok((
                *within as f64 / *known as f64,
                format!(
                    "{within} of {known} components within {CURRENT_WITHIN_MINORS} minors of latest"
                ),
            )),
            Err(why) => Err(why.clone()),
        },
    ));
    parts.push(part(
        "vulnerabilities",
        weights::VULNERABILITIES,
        match &inputs.vulnerabilities {
            Ok(counts) => {
                let load = weighted(counts, |s| match s {
                    FindingSeverity::Critical => 10.0,
                    FindingSeverity::High => 5.0,
                    FindingSeverity::Medium => 2.0,
                    FindingSeverity::Low => 1.0,
                    FindingSeverity::Info => 0.0,
                });
                Ok(((1.0 - load / 20.0).max(0.0), severities(counts)))
            }
            Err(why) => Err(why.clone()),
        },
    ));
    parts.push(part(
        "sla",
        weights::SLA,
        match inputs.sla_breaches {
            Some(0) => Ok((1.0, "no vulnerability past its [policy.sla]".to_string())),
            Some(n) => Ok((
                1.0 / (1.0 + n as f64),
                format!(
                    "{n} {} past {} [policy.sla]",
                    if n == 1 {
                        "vulnerability"
                    } else {
                        "vulnerabilities"
                    },
                    if n == 1 { "its" } else { "their" }
                ),
            )),
            None => Err("vulnerabilities not checked".to_string()),
        },
    ));
    let (drifting, total) = inputs.drift;
    parts.push(part(
        "drift",
        weights::DRIFT,
        Ok((
            if total == 0 {
                1.0
            } else {
                1.0 - drifting.min(total) as f64 / total as f64
            },
            format!("{drifting} of {total} components outside [approved]"),
        )),
    ));
    let load = weighted(&inputs.conflicts, |s| match s {
        FindingSeverity::Critical => 0.5,
        FindingSeverity::High => 0.25,
        FindingSeverity::Medium => 0.1,
        FindingSeverity::Low => 0.02,
        FindingSeverity::Info => 0.0,
    });
    parts.push(part(
        "conflicts",
        weights::CONFLICTS,
        Ok(((1.0 - load).max(0.0), severities(&inputs.conflicts))),
    ));
    let measured: u32 = parts
        .iter()
        .filter(|p| p.score.is_some())
        .map(|p| p.weight)
        .sum();
    for p in &mut parts {
        if let Some(score) = p.score {
            // Rounded to a tenth: what the table shows is what the JSON says.
            p.points =
                (f64::from(p.weight) * score * 100.0 / f64::from(measured) * 10.0).round() / 10.0;
        }
    }
    let total: f64 = parts
        .iter()
        .filter_map(|p| Some(f64::from(p.weight) * p.score?))
        .sum::<f64>()
        * 100.0
        / f64::from(measured.max(1));
    for p in &mut parts {
        // Three decimals are all anyone reads; points and total used the exact score.
        p.score = p.score.map(|s| (s * 1000.0).round() / 1000.0);
    }
    Health {
        score: total.round().clamp(0.0, 100.0) as u8,
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingSeverity::*;

    fn counts(list: &[(FindingSeverity, usize)]) -> BTreeMap<FindingSeverity, usize> {
        list.iter().copied().collect()
    }

    fn part<'h>(h: &'h Health, name: &str) -> &'h HealthPart {
        h.parts.iter().find(|p| p.name == name).unwrap()
    }

    #[test]
    fn a_clean_repository_scores_100_and_every_part_is_shown() {
        let h = health(&HealthInputs {
            currency: Ok((12, 12)),
            vulnerabilities: Ok(BTreeMap::new()),
            sla_breaches: Some(0),
            drift: (0, 14),
            conflicts: BTreeMap::new(),
        });
        assert_eq!(h.score, 100);
        let names: Vec<&str> = h.parts.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            ["currency", "vulnerabilities", "sla", "drift", "conflicts"]
        );
        let weights: u32 = h.parts.iter().map(|p| p.weight).sum();
        assert_eq!(weights, 100);
        assert_eq!(
            part(&h, "currency").value,
            "12 of 12 components within 2 minors of latest"
        );
        assert_eq!(part(&h, "vulnerabilities").value, "none");
    }

    #[test]
    fn each_part_lowers_the_score_by_its_weight() {
        let h = health(&HealthInputs {
            currency: Ok((6, 8)),
            vulnerabilities: Ok(counts(&[(Critical, 1), (Medium, 2)])),
            sla_breaches: Some(1),
            drift: (1, 10),
            conflicts: counts(&[(High, 1), (Low, 5)]),
        });
        // 30·0.75 + 30·(1 − 14/20) + 15·0.5 + 10·0.9 + 15·(1 − 0.35) = 22.5 + 9 + 7.5 + 9 + 9.75
        assert_eq!(h.score, 58);
        assert_eq!(part(&h, "vulnerabilities").value, "1 critical, 2 medium");
        assert_eq!(part(&h, "vulnerabilities").points, 9.0);
        assert_eq!(
            part(&h, "sla").value,
            "1 vulnerability past its [policy.sla]"
        );
        assert!((part(&h, "conflicts").score.unwrap() - 0.65).abs() < 1e-9);
        assert_eq!(
            part(&h, "drift").value,
            "1 of 10 components outside [approved]"
        );
        // Beyond the bottom of a part: 0, never negative.
        let h = health(&HealthInputs {
            currency: Ok((0, 3)),
            vulnerabilities: Ok(counts(&[(Critical, 7)])),
            sla_breaches: Some(7),
            drift: (3, 3),
            conflicts: counts(&[(High, 9)]),
        });
        assert_eq!(part(&h, "vulnerabilities").score, Some(0.0));
        assert_eq!(part(&h, "conflicts").score, Some(0.0));
        assert_eq!(h.score, 2, "only 15/8 of the SLA part is left");
    }

    #[test]
    fn currency_counts_the_decided_components_within_two_minors() {
        use polyver_version::Bump::*;
        let standings = [
            (true, None, 0),
            (true, Some(Patch), 0),
            (true, Some(Minor), 2),
            (true, Some(Minor), 3),
            (true, Some(Major), 0),
            (false, Some(Major), 0),
            (false, None, 0),
        ];
        assert_eq!(currency(standings), (3, 5));
        assert_eq!(currency([]), (0, 0));
    }

    #[test]
    fn parts_not_measured_are_left_out_not_counted_as_perfect() {
        let h = health(&HealthInputs {
            currency: Err("no registry for pypi".into()),
            vulnerabilities: Err("no OSV database".into()),
            sla_breaches: None,
            drift: (1, 4),
            conflicts: counts(&[(Low, 1)]),
        });
        let currency = part(&h, "currency");
        assert_eq!(currency.score, None);
        assert_eq!(currency.value, "not measured: no registry for pypi");
        assert_eq!(currency.points, 0.0);
        assert_eq!(part(&h, "sla").score, None);
        // (10·0.75 + 15·0.98) / 25 = 0.888
        assert_eq!(h.score, 89);
        assert_eq!(part(&h, "drift").points, 30.0);
        assert_eq!(part(&h, "conflicts").points, 58.8);
        // Nothing looked up at all is not measured either.
        let h = health(&HealthInputs {
            currency: Ok((0, 0)),
            ..HealthInputs::default()
        });
        assert_eq!(part(&h, "currency").score, None);
    }
}
