use super::*;
use crate::sla::tests::{at, vuln};
use polyver_config::MaxLag;
use polyver_model::{Ecosystem, Kind, Location};
use proptest::prelude::*;

fn now() -> Timestamp {
    at("2026-01-01T00:00:00Z")
}

/// A row of `name` at `current`, up to date unless changed.
pub(crate) fn row(name: &str, current: &str) -> Row {
    Row {
        ecosystem: Ecosystem::Npm,
        name: name.into(),
        kind: Kind::Package,
        scope: Scope::Runtime,
        direct: true,
        path: "package.json".into(),
        line: 3,
        constraint: Some(format!("^{current}")),
        current: Some(current.into()),
        current_from: None,
        wanted: Some(current.into()),
        latest: Some(current.into()),
        status: RowStatus::UpToDate,
        bump: None,
        majors_behind: 0,
        minors_behind: 0,
        patches_behind: 0,
        current_published: None,
        latest_published: None,
        days_behind: None,
        libyears: None,
        yanked: None,
        deprecated: None,
        retracted: None,
        digest: None,
        newer_digest: None,
        note: None,
    }
}

fn behind(mut r: Row, bump: Bump, n: u64, latest: &str, days: u64) -> Row {
    r.status = RowStatus::Outdated;
    r.bump = Some(bump);
    match bump {
        Bump::Major => r.majors_behind = n,
        Bump::Minor => r.minors_behind = n,
        _ => r.patches_behind = n,
    }
    r.latest = Some(latest.into());
    r.days_behind = Some(days);
    r
}

fn facts<'a>(
    scope: Scope,
    direct: bool,
    vulns: &'a [VulnFinding],
    upstream: Upstream<'a>,
) -> Facts<'a> {
    Facts {
        scope,
        direct,
        vulnerabilities: Vulnerabilities::Checked(vulns),
        upstream,
        licences: &[],
        drift: &[],
    }
}

/// The seed's formula, as `version_management_implementation.py` computes it (its
/// `minor_behind` is `latest.minor - current.minor`, negative across a major).
fn seed_priority(critical: i64, high: i64, majors: i64, minors: i64, deprecated: bool) -> i64 {
    (3 * critical + 2 * high + 2 * majors + minors + if deprecated { 3 } else { 0 }).min(10)
}

fn points(p: &Priority, name: &str) -> Option<u32> {
    p.terms.iter().find(|t| t.name == name).map(|t| t.points)
}

/// Issue 20: the floor to beat. The seed ranks a dev-only tool three majors behind (2·3 = 6)
/// above a critical vulnerability in a direct runtime dependency (3·1 = 3), and gives the
/// same tool on 1.9 → 4.0 a lag of 2·3 + (0 − 9) = −3.
#[test]
fn a_critical_vulnerability_in_a_direct_runtime_dependency_comes_before_a_dev_tool_three_majors_behind(
) {
    let policy = PolicySection::default();
    let mut critical = vuln("GHSA-crit", Some(FindingSeverity::Critical));
    critical.score = Some(9.8);
    let vulnerable = [critical];
    let fresh = row("express", "4.17.1");
    let runtime = priority(
        &facts(Scope::Runtime, true, &vulnerable, Upstream::Known(&fresh)),
        &policy,
        now(),
    );
    let old = behind(row("eslint", "1.9.0"), Bump::Major, 3, "4.0.0", 730);
    let dev = priority(
        &facts(Scope::Dev, true, &[], Upstream::Known(&old)),
        &policy,
        now(),
    );
    assert!(
        runtime.score > dev.score,
        "runtime critical {runtime:#?} vs dev lag {dev:#?}"
    );
    assert_eq!(runtime.score, 69, "49 for CVSS 9.8, +40% exposure");
    assert_eq!(dev.score, 30, "18 for 3 majors, 8 for 730 days, +15%");
    // The seed ordered them the other way, and went negative across the majors.
    assert!(seed_priority(1, 0, 0, 0, false) < seed_priority(0, 0, 3, 0, false));
    assert_eq!(seed_priority(0, 0, 3, 0 - 9, false), -3);
    // Even in a dev dependency the critical flaw still outranks that lag; a medium one in
    // runtime scope outranks the same lag in runtime scope.
    let dev_critical = priority(
        &facts(Scope::Dev, true, &vulnerable, Upstream::Known(&fresh)),
        &policy,
        now(),
    );
    assert!(dev_critical.score > dev.score);
    let medium = [vuln("GHSA-med", Some(FindingSeverity::Medium))];
    let runtime_medium = priority(
        &facts(Scope::Runtime, true, &medium, Upstream::Known(&fresh)),
        &policy,
        now(),
    );
    let runtime_lag = priority(
        &facts(Scope::Runtime, true, &[], Upstream::Known(&old)),
        &policy,
        now(),
    );
    assert!(runtime_medium.score > runtime_lag.score);
}

#[test]
fn every_term_appears_with_its_reason() {
    let policy = PolicySection {
        max_lag: MaxLag {
            majors: Some(1),
            minors: None,
            days: Some(365),
        },
        ..PolicySection::default()
    };
    let mut worst = vuln("PYSEC-2", Some(FindingSeverity::High));
    worst.score = Some(7.5);
    worst.published = Some("2025-11-01T00:00:00Z".into());
    let mut other = vuln("PYSEC-1", None);
    other.published = Some("2025-12-30T00:00:00Z".into());
    let vulns = [other, worst];
    let mut r = behind(row("lodash", "2.0.0"), Bump::Major, 2, "4.17.21", 400);
    r.yanked = Some("broken build".into());
    r.retracted = Some(String::new());
    r.deprecated = Some("use lodash-es".into());
    let finding = |rule: &str, title: &str| Finding {
        kind: polyver_model::FindingKind::License,
        rule: rule.into(),
        severity: FindingSeverity::High,
        severity_unknown: false,
        title: title.into(),
        ecosystem: Some(Ecosystem::Npm),
        name: Some("lodash".into()),
        version: Some("2.0.0".into()),
        aliases: Vec::new(),
        locations: vec![Location::new("package.json", 3)],
    };
    let licences = [
        finding("license/unknown", "unknown licence"),
        finding("license/denied", "lodash 2.0.0: GPL-3.0-only is denied"),
    ];
    let drift = [finding(
        "drift/not-approved",
        "lodash 2.0.0 is outside the approved `4.17.21`",
    )];
    let p = priority(
        &Facts {
            scope: Scope::Build,
            direct: false,
            vulnerabilities: Vulnerabilities::Checked(&vulns),
            upstream: Upstream::Known(&r),
            licences: &licences,
            drift: &drift,
        },
        &policy,
        now(),
    );
    let shown: Vec<(&str, u32, &str)> = p
        .terms
        .iter()
        .map(|t| (t.name, t.points, t.why.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("severity", 38, "PYSEC-2: high, CVSS 7.5"),
            ("vulnerabilities", 3, "1 more: PYSEC-1"),
            (
                "sla",
                15,
                "PYSEC-2 (high) was due 2025-11-08 under the 7-day [policy.sla], 54 days ago"
            ),
            ("lag", 12, "2 majors behind: 2.0.0 → 4.17.21"),
            (
                "days-behind",
                8,
                "a newer release has been out for 400 days"
            ),
            (
                "max-lag",
                6,
                "beyond [policy] max-lag: 2 majors behind, max 1; 400 days behind, max 365"
            ),
            (
                "yanked",
                20,
                "the running release 2.0.0 is yanked: broken build"
            ),
            ("retracted", 20, "the running release 2.0.0 is retracted"),
            (
                "deprecated",
                8,
                "deprecated by its publisher: use lodash-es"
            ),
            ("licence", 15, "lodash 2.0.0: GPL-3.0-only is denied"),
            ("drift", 8, "lodash 2.0.0 is outside the approved `4.17.21`"),
            ("exposure", 15, "build, transitive: +10% of 153"),
        ]
    );
    assert_eq!(p.score, 100, "168 clamped");
}

#[test]
fn what_is_not_known_is_a_term_of_zero_points() {
    let policy = PolicySection::default();
    let p = priority(
        &Facts {
            scope: Scope::Runtime,
            direct: true,
            vulnerabilities: Vulnerabilities::NotChecked("no OSV database at /db"),
            upstream: Upstream::Unknown("no registry for pypi"),
            licences: &[],
            drift: &[],
        },
        &policy,
        now(),
    );
    assert_eq!(p.score, 0);
    assert_eq!(
        p.terms,
        [
            Term {
                name: "severity",
                points: 0,
                why: "vulnerabilities not checked: no OSV database at /db".into()
            },
            Term {
                name: "lag",
                points: 0,
                why: "unknown: no registry for pypi".into()
            },
        ]
    );
    // Up to date and nothing found: no terms at all.
    let fresh = row("left-pad", "1.3.0");
    let p = priority(
        &facts(Scope::Runtime, true, &[], Upstream::Known(&fresh)),
        &policy,
        now(),
    );
    assert_eq!((p.score, p.terms.len()), (0, 0));
    // A moved digest and an unpinned range are said as such.
    let mut moved = row("python", "3.12-slim");
    moved.status = RowStatus::Outdated;
    moved.newer_digest = Some("sha256:abc".into());
    let mut unpinned = vuln("PYSEC-9", Some(FindingSeverity::Low));
    unpinned.status = Status::NotPinned;
    unpinned.constraints = vec![">=1.0".into()];
    unpinned.admitted = vec!["PYSEC-9".into(), "PYSEC-10".into()];
    let found = [unpinned];
    let p = priority(
        &facts(Scope::Test, false, &found, Upstream::Known(&moved)),
        &policy,
        now(),
    );
    let why: Vec<&str> = p.terms.iter().map(|t| t.why.as_str()).collect();
    assert_eq!(
        why,
        [
            "not pinned: `>=1.0` admits PYSEC-9, PYSEC-10: low, no CVSS score, 2.5 assumed",
            "the tag 3.12-slim now points at a newer digest",
            "test, transitive: +0% of 15",
        ]
    );
}

const SCOPES: [Scope; 6] = [
    Scope::Runtime,
    Scope::Dev,
    Scope::Test,
    Scope::Build,
    Scope::Optional,
    Scope::Peer,
];

fn arbitrary_vuln() -> impl Strategy<Value = VulnFinding> {
    (
        0usize..5,
        proptest::option::of(0.0f64..10.0),
        proptest::option::of(0i64..4_000),
        any::<bool>(),
        0u32..1000,
    )
        .prop_map(|(severity, score, age_days, pinned, id)| {
            let rated = FindingSeverity::ALL.get(severity).copied();
            let mut v = vuln(&format!("ID-{id}"), rated);
            v.score = score;
            v.published = age_days.map(|d| {
                Timestamp::from_second(now().as_second() - d * 86_400)
                    .unwrap()
                    .to_string()
            });
            if !pinned {
                v.status = Status::NotPinned;
            }
            v
        })
}

fn arbitrary_row() -> impl Strategy<Value = Row> {
    (
        0usize..6,
        0u64..40,
        proptest::option::of(0u64..5_000),
        any::<(bool, bool, bool)>(),
    )
        .prop_map(|(bump, n, days, (yanked, retracted, deprecated))| {
            let mut r = row("pkg", "1.0.0");
            match bump {
                0 => {}
                1 => r.status = RowStatus::Unknown,
                2 => r = behind(r, Bump::Major, n, "9.0.0", days.unwrap_or(0)),
                3 => r = behind(r, Bump::Minor, n, "1.9.0", days.unwrap_or(0)),
                4 => r = behind(r, Bump::Patch, n, "1.0.9", days.unwrap_or(0)),
                _ => r = behind(r, Bump::Other, n, "1.0.0-1", days.unwrap_or(0)),
            }
            r.yanked = yanked.then(String::new);
            r.retracted = retracted.then(|| "oops".to_string());
            r.deprecated = deprecated.then(String::new);
            r
        })
}

fn arbitrary_policy() -> impl Strategy<Value = PolicySection> {
    (0u32..60, 0u32..60, proptest::option::of(0u32..5)).prop_map(|(high, medium, majors)| {
        PolicySection {
            sla: polyver_config::SlaDays {
                critical: 0,
                high,
                medium,
                low: medium,
            },
            max_lag: MaxLag {
                majors,
                minors: None,
                days: Some(365),
            },
            ..PolicySection::default()
        }
    })
}

proptest! {
    /// Whatever the inputs, the score is the sum of the terms (each ≥ 0 by type), clamped to
    /// 0..=100; more exposure and one more vulnerability never lower it.
    #[test]
    fn the_score_is_the_clamped_sum_and_never_falls_with_more_risk(
        vulns in proptest::collection::vec(arbitrary_vuln(), 0..6),
        extra in arbitrary_vuln(),
        r in arbitrary_row(),
        policy in arbitrary_policy(),
        scope in 0usize..6,
        direct in any::<bool>(),
        licence in 0usize..3,
        drifting in any::<bool>(),
    ) {
        let rules = ["license/unknown", "license/incompatible", "license/denied"];
        let licence_finding = Finding {
            kind: polyver_model::FindingKind::License,
            rule: rules[licence].into(),
            severity: FindingSeverity::High,
            severity_unknown: false,
            title: "licence".into(),
            ecosystem: None,
            name: None,
            version: None,
            aliases: Vec::new(),
            locations: Vec::new(),
        };
        let licences = [licence_finding.clone()];
        let drift = if drifting { vec![licence_finding] } else { Vec::new() };
        let of = |scope: Scope, direct: bool, vulns: &[VulnFinding]| {
            priority(
                &Facts {
                    scope,
                    direct,
                    vulnerabilities: Vulnerabilities::Checked(vulns),
                    upstream: Upstream::Known(&r),
                    licences: &licences,
                    drift: &drift,
                },
                &policy,
                now(),
            )
        };
        let p = of(SCOPES[scope], direct, &vulns);
        let sum: u32 = p.terms.iter().map(|t| t.points).sum();
        prop_assert!(p.score <= 100);
        prop_assert_eq!(u32::from(p.score), sum.min(100));
        for t in &p.terms {
            prop_assert!(!t.why.is_empty(), "{} has a reason", t.name);
        }
        let most_exposed = of(Scope::Runtime, true, &vulns);
        let least_exposed = of(Scope::Dev, false, &vulns);
        prop_assert!(most_exposed.score >= p.score && p.score >= least_exposed.score);
        let mut more = vulns.clone();
        more.push(extra);
        prop_assert!(of(SCOPES[scope], direct, &more).score >= p.score);
        prop_assert_eq!(points(&least_exposed, "exposure").unwrap_or(0), 0);
    }
}
