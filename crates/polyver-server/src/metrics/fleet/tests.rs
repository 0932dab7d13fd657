use super::*;
use polyver_model::{Finding, Location};
use polyver_store::FleetFinding;

/// One sample of the text format: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// The samples of a Prometheus text exposition (label values unescaped).
pub(crate) fn samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, rest) = match line.find('{') {
            Some(at) => (&line[..at], &line[at + 1..]),
            None => {
                let (name, value) = line.split_once(' ').unwrap();
                out.push((name.to_string(), BTreeMap::new(), value.parse().unwrap()));
                continue;
            }
        };
        let mut labels = BTreeMap::new();
        let mut chars = rest.chars().peekable();
        loop {
            let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
            assert_eq!(chars.next(), Some('"'), "{line}");
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some(other) => value.push(other),
                        None => panic!("{line}"),
                    },
                    '"' => break,
                    c => value.push(c),
                }
            }
            labels.insert(key.trim_start_matches(',').to_string(), value);
            if chars.peek() == Some(&'}') {
                chars.next();
                break;
            }
        }
        let value: String = chars.collect();
        out.push((name.to_string(), labels, value.trim().parse().unwrap()));
    }
    out
}

/// The value of `name` with exactly these labels.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples
        .iter()
        .find(|(n, l, _)| n == name && *l == want)
        .map(|s| s.2)
}

/// A finding of `rule` about `(ecosystem, name, version)`, pointing at `places` files.
fn finding(
    (kind, rule, severity): (FindingKind, &str, FindingSeverity),
    (ecosystem, name, version): (Ecosystem, &str, Option<&str>),
    title: &str,
    places: usize,
) -> Finding {
    Finding {
        kind,
        rule: rule.into(),
        severity_unknown: false,
        severity,
        title: title.into(),
        ecosystem: Some(ecosystem),
        name: Some(name.into()),
        version: version.map(str::to_string),
        aliases: vec![],
        locations: (0..places)
            .map(|i| Location::new(format!("svc{i}/Dockerfile"), 1))
            .collect(),
    }
}

fn counts(list: &[(&str, &str, u64)]) -> BTreeMap<(String, String), u64> {
    list.iter()
        .map(|(a, b, n)| ((a.to_string(), b.to_string()), *n))
        .collect()
}

fn web() -> LatestScan {
    use FindingKind::*;
    use FindingSeverity::*;
    let drift = finding(
        (Drift, "drift/not-approved", Medium),
        (Ecosystem::Docker, "python", Some("3.8")),
        "python 3.8 is outside the approved python `3.11`",
        2,
    );
    let runtime_drift = finding(
        (Drift, "drift/not-approved", Medium),
        (Ecosystem::Generic, "node", Some("18")),
        "node 18 is outside the approved node `20`",
        1,
    );
    let breach = finding(
        (Policy, "policy/sla-breach", High),
        (Ecosystem::Pypi, "django", Some("4.2.0")),
        "django 4.2.0: GHSA-aaaa-bbbb-cccc (critical) published 2024-01-01, was due \
         2024-01-01 under the 0-day [policy.sla] for critical — fix: 4.2.8",
        1,
    );
    LatestScan {
        repository: "github.com/org/web".into(),
        scan_id: 7,
        finished_at: 1_714_521_600_250,
        components: 4,
        component_counts: counts(&[
            ("docker", "image", 1),
            ("generic", "runtime", 1),
            ("pypi", "package", 2),
        ]),
        finding_counts: counts(&[
            ("vulnerability", "critical", 2),
            ("vulnerability", "high", 1),
            ("drift", "medium", 2),
            ("policy", "high", 1),
            ("floating", "low", 1),
            ("license", "high", 3),
        ]),
        findings: vec![
            FleetFinding {
                finding: drift,
                component_kinds: vec!["image".into()],
            },
            FleetFinding {
                finding: runtime_drift,
                component_kinds: vec!["runtime".into()],
            },
            FleetFinding {
                finding: breach,
                component_kinds: vec!["package".into()],
            },
        ],
        update_lag_days: BTreeMap::new(),
        outdated_standings: BTreeMap::new(),
    }
}

#[test]
fn every_metric_of_a_repository_from_its_latest_scan() {
    let text = render_fleet(&Fleet {
        repositories: vec![web()],
    });
    let s = samples(&text);
    let repo = ("repo", "github.com/org/web");
    let components = |eco, kind| {
        value(
            &s,
            names::COMPONENTS,
            &[repo, ("ecosystem", eco), ("kind", kind)],
        )
    };
    assert_eq!(components("pypi", "package"), Some(2.0));
    assert_eq!(components("docker", "image"), Some(1.0));
    assert_eq!(components("generic", "runtime"), Some(1.0));
    let vulns = |sev| value(&s, names::VULNERABILITIES, &[repo, ("severity", sev)]);
    assert_eq!(vulns("critical"), Some(2.0));
    assert_eq!(vulns("high"), Some(1.0));
    assert_eq!(vulns("medium"), Some(0.0), "zeros are series too");
    assert_eq!(vulns("info"), Some(0.0));
    let drift = |component, kind| {
        value(
            &s,
            names::DRIFT_SCORE,
            &[repo, ("component", component), ("kind", kind)],
        )
    };
    assert_eq!(drift("docker:python", "image"), Some(2.0));
    assert_eq!(drift("node", "runtime"), Some(1.0));
    let breaches = |sev| value(&s, names::SLA_BREACHES, &[repo, ("severity", sev)]);
    assert_eq!(
        breaches("critical"),
        Some(1.0),
        "the vulnerability's severity"
    );
    assert_eq!(breaches("high"), Some(0.0));
    assert_eq!(breaches("info"), None, "info has no SLA");
    // vulnerabilities 0 (load 25 of 20), sla 1/2, drift 1 − 2/4, conflicts 1 − 0.02 (the
    // licence findings are not conflicts), currency not measured:
    // (30·0 + 15·0.5 + 10·0.5 + 15·0.98) / 70 = 38.9.
    assert_eq!(value(&s, names::HEALTH_SCORE, &[repo]), Some(39.0));
    assert_eq!(value(&s, names::LAST_SCAN, &[repo]), Some(1_714_521_600.25));
    // No outdated rows stored with the scan: no lag series, and no line for the family.
    assert!(!text.contains(names::UPDATE_LAG_DAYS));
}

#[test]
fn update_lag_has_one_bounded_series_per_lagging_component() {
    let mut scan = web();
    scan.update_lag_days = counts(&[
        ("pypi", "django", 410),
        ("docker", "python", 35),
        ("generic", "node", 12),
        ("npm", "react", 0),
    ]);
    let s = samples(&render_fleet(&Fleet {
        repositories: vec![scan.clone()],
    }));
    let lag = |component| {
        value(
            &s,
            names::UPDATE_LAG_DAYS,
            &[("repo", "github.com/org/web"), ("component", component)],
        )
    };
    assert_eq!(lag("pypi:django"), Some(410.0));
    assert_eq!(lag("docker:python"), Some(35.0));
    assert_eq!(lag("node"), Some(12.0), "runtimes as [approved] names them");
    assert_eq!(lag("npm:react"), Some(0.0), "behind since today");

    // A repository lagging everywhere exports only its most lagging components.
    scan.update_lag_days = (0..MAX_LAG_SERIES_PER_REPO as u64 + 25)
        .map(|i| (("pypi".to_string(), format!("pkg-{i:03}")), i))
        .collect();
    let s = samples(&render_fleet(&Fleet {
        repositories: vec![scan],
    }));
    let series: Vec<&Sample> = s
        .iter()
        .filter(|(n, _, _)| n == names::UPDATE_LAG_DAYS)
        .collect();
    assert_eq!(series.len(), MAX_LAG_SERIES_PER_REPO);
    let smallest = series.iter().map(|(_, _, v)| *v as u64).min();
    assert_eq!(smallest, Some(25), "the 25 least lagging are left out");
}

#[test]
fn a_clean_repository_scores_100_and_hostile_names_stay_one_label() {
    let hostile = "evil\"} polyver_health_score{repo=\"x\"} 0\nnext\\";
    let clean = LatestScan {
        repository: hostile.into(),
        scan_id: 1,
        finished_at: 1_000,
        components: 1,
        component_counts: counts(&[("cargo", "package", 1)]),
        ..LatestScan::default()
    };
    let text = render_fleet(&Fleet {
        repositories: vec![clean, web()],
    });
    let s = samples(&text);
    assert_eq!(
        value(&s, names::HEALTH_SCORE, &[("repo", hostile)]),
        Some(100.0)
    );
    let health_series = s
        .iter()
        .filter(|(n, _, _)| n == names::HEALTH_SCORE)
        .count();
    assert_eq!(health_series, 2, "{text}");
}

#[test]
fn the_currency_part_counts_the_stored_outdated_rows_as_plan_does() {
    use polyver_store::{OutdatedStatus::*, Standing};
    let standing = |status, bump: Option<&str>, minors_behind| Standing {
        status,
        bump: bump.map(str::to_string),
        minors_behind,
    };
    let mut scan = web();
    scan.outdated_standings = BTreeMap::from([
        (standing(UpToDate, None, 0), 3),
        // Two minors behind is still current; three is not; a major never is.
        (standing(Outdated, Some("minor"), 2), 1),
        (standing(Outdated, Some("minor"), 3), 1),
        (standing(Outdated, Some("major"), 0), 1),
        (standing(Outdated, Some("patch"), 0), 1),
        // Undecided rows are not counted at all.
        (standing(Unknown, None, 0), 4),
    ]);
    assert_eq!(stored_currency(&scan), Ok((5, 7)));
    let health = health_detail(&scan);
    assert_eq!(
        health.parts[0].value,
        "5 of 7 components within 2 minors of latest"
    );
    // (30·5/7 + 30·0 + 15·0.5 + 10·0.5 + 15·0.98) / 100 = 48.6.
    let s = samples(&render_fleet(&Fleet {
        repositories: vec![scan],
    }));
    let score = value(&s, names::HEALTH_SCORE, &[("repo", "github.com/org/web")]);
    assert_eq!(score, Some(49.0));
    assert_eq!(
        stored_currency(&web()),
        Err("no polyver outdated rows are stored with the latest scan".into())
    );
}

#[test]
fn an_empty_registry_has_no_series() {
    assert_eq!(render_fleet(&Fleet::default()), "");
}

#[test]
fn a_breach_whose_title_cannot_be_read_counts_as_medium() {
    let mut scan = web();
    scan.findings[2].finding.title = "rewritten by hand".into();
    assert_eq!(
        sla_breaches(&scan),
        BTreeMap::from([(FindingSeverity::Medium, 1)])
    );
}
