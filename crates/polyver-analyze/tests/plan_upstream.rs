//! The plan of a real scan whose registries answer from memory: `outdated` decides current,
//! wanted and latest as it does for `polyver plan`, and the plan weighs that lag against a
//! vulnerability. The seed's floor, end to end: a critical flaw in a direct runtime
//! dependency comes before a dev tool three majors behind.

use polyver_advisory::matcher::Status;
use polyver_advisory::{AuditReport, VulnFinding};
use polyver_analyze::plan::{plan, Action, PlanInputs};
use polyver_config::{PolicySection, UpdateAction};
use polyver_model::{Ecosystem, FindingSeverity, Inventory, Location};
use polyver_upstream::outdated::{outdated, Options};
use polyver_upstream::{Package, Registry, Release, Timestamp, Upstream, UpstreamError};
use std::collections::BTreeSet;
use std::sync::Arc;

struct Memory(Vec<Package>);

impl Registry for Memory {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        Ok(self.0.iter().find(|p| p.name == name).cloned())
    }
}

fn release(version: &str, day: &str) -> Release {
    Release {
        version: version.into(),
        published: Some(format!("{day}T00:00:00Z").parse().unwrap()),
        ..Release::default()
    }
}

fn package(name: &str, releases: Vec<Release>) -> Package {
    Package {
        name: name.into(),
        releases,
        url: format!("http://registry.test/{name}"),
        ..Package::default()
    }
}

fn registry() -> Memory {
    let mut left_pad = package(
        "left-pad",
        vec![
            release("1.1.0", "2016-03-23"),
            release("1.3.0", "2018-04-09"),
        ],
    );
    left_pad.deprecated = Some("use String.prototype.padStart()".into());
    Memory(vec![
        package(
            "express",
            vec![
                release("4.17.1", "2019-05-26"),
                release("4.17.3", "2022-02-16"),
                release("4.21.0", "2024-09-11"),
                release("5.1.0", "2025-03-31"),
            ],
        ),
        left_pad,
        package(
            "eslint",
            vec![
                release("1.9.0", "2015-11-06"),
                release("2.0.0", "2016-02-12"),
                release("3.0.0", "2016-07-01"),
                release("4.0.0", "2017-06-11"),
            ],
        ),
    ])
}

const PACKAGE_JSON: &str = r#"{
  "name": "app",
  "dependencies": { "express": "^4.17.0", "left-pad": "1.1.0" },
  "devDependencies": { "eslint": "^1.9.0" }
}"#;

const PACKAGE_LOCK: &str = r#"{
  "name": "app", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": { "name": "app", "dependencies": { "express": "^4.17.0", "left-pad": "1.1.0" },
          "devDependencies": { "eslint": "^1.9.0" } },
    "node_modules/express": { "version": "4.17.1" },
    "node_modules/left-pad": { "version": "1.1.0" },
    "node_modules/eslint": { "version": "1.9.0", "dev": true }
  }
}"#;

fn scan() -> Inventory {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("package.json", PACKAGE_JSON),
        ("package-lock.json", PACKAGE_LOCK),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    polyver_extract::scan(dir.path(), &polyver_extract::ScanConfig::default()).unwrap()
}

/// A critical flaw of express 4.17.1 (CVSS 9.8), fixed in 4.17.3.
fn express_flaw(inventory: &Inventory) -> VulnFinding {
    let locations: Vec<Location> = inventory
        .components
        .iter()
        .filter(|c| c.name == "express" && c.version.as_deref() == Some("4.17.1"))
        .flat_map(|c| c.locations.clone())
        .collect();
    assert!(!locations.is_empty(), "{inventory:#?}");
    VulnFinding {
        id: "GHSA-test-expr".into(),
        aliases: Vec::new(),
        status: Status::Affected,
        summary: "open redirect".into(),
        ecosystem: Ecosystem::Npm,
        name: "express".into(),
        version: Some("4.17.1".into()),
        constraints: vec!["^4.17.0".into()],
        locations,
        severity: Some(FindingSeverity::Critical),
        effective_severity: FindingSeverity::Critical,
        score: Some(9.8),
        vector: None,
        severity_source: "cvss_v3",
        fixed_versions: vec!["4.17.3".into()],
        smallest_fix: Some("4.17.3".into()),
        fix_satisfies_constraint: Some(true),
        admitted: Vec::new(),
        url: "https://osv.dev/vulnerability/GHSA-test-expr".into(),
        published: Some("2026-05-20T00:00:00Z".into()),
        modified: None,
        ignore: None,
    }
}

fn now() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn no_answer(_: Ecosystem, _: &str, _: &str) -> Option<BTreeSet<String>> {
    None
}

#[test]
fn a_critical_runtime_flaw_comes_before_a_dev_tool_three_majors_behind() {
    let inventory = scan();
    let upstream = Upstream::from_registries([Arc::new(registry()) as Arc<dyn Registry>]);
    let report = outdated(
        &inventory,
        &upstream,
        &Options::default(),
        now(),
        &|_, _| {},
    );
    let audit = AuditReport {
        findings: vec![express_flaw(&inventory)],
        ..AuditReport::default()
    };
    let conflicts = polyver_analyze::analyze(&inventory, &polyver_analyze::Policy::default());
    let mut policy = PolicySection::default();
    let run = |policy: &PolicySection| {
        plan(
            &PlanInputs {
                inventory: &inventory,
                audit: Ok(&audit),
                outdated: &report,
                licences: &[],
                conflicts: &conflicts,
                policy,
                now: now(),
                all: false,
            },
            &no_answer,
        )
    };
    let p = run(&policy);
    let order: Vec<&str> = p.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(order, ["express", "eslint", "left-pad"], "{p:#?}");
    let eslint = &p.components[1];
    let why: Vec<(&str, u32, &str)> = eslint
        .priority
        .terms
        .iter()
        .map(|t| (t.name, t.points, t.why.as_str()))
        .collect();
    assert_eq!(
        why,
        [
            ("lag", 18, "3 majors behind: 1.9.0 → 4.0.0"),
            (
                "days-behind",
                8,
                "a newer release has been out for 3762 days"
            ),
            ("exposure", 4, "dev, direct: +15% of 26"),
        ]
    );
    let express = &p.components[0];
    // 49 for CVSS 9.8, 6 for a major behind, 8 for 1566 days, 9 for 12 days past the 0-day
    // SLA: 72, +40% = 101, clamped.
    assert_eq!(express.priority.score, 100);
    assert_eq!(eslint.priority.score, 30);
    assert_eq!(
        p.components[2].priority.score, 28,
        "4 + 8 + 8 deprecated, +40%"
    );
    assert_eq!(express.latest.as_deref(), Some("5.1.0"));
    let left_pad = &p.components[2];
    assert!(left_pad
        .priority
        .terms
        .iter()
        .any(|t| t.name == "deprecated" && t.why.ends_with("use String.prototype.padStart()")));

    // The fix stays inside ^4.17.0; the other two are updates to latest.
    let recs: Vec<(&str, Action, Option<&str>, Option<bool>)> = p
        .recommendations
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.action,
                r.to.as_deref(),
                r.within_constraint,
            )
        })
        .collect();
    assert_eq!(
        recs,
        [
            ("express", Action::Fix, Some("4.17.3"), Some(true)),
            ("eslint", Action::Update, Some("4.0.0"), Some(false)),
            ("left-pad", Action::Update, Some("1.3.0"), Some(false)),
        ]
    );
    let currency = &p.health.parts[0];
    assert_eq!(
        currency.value,
        "1 of 3 components within 2 minors of latest"
    );

    // Majors ignored by policy: eslint's newest 1.x is what it runs, so nothing is proposed;
    // the security fix of express is proposed whatever the policy.
    policy.major = Some(UpdateAction::Ignore);
    let p = run(&policy);
    let names: Vec<&str> = p.recommendations.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["express", "left-pad"]);
}

#[test]
fn lag_unknown_without_registries_is_a_term_that_says_why() {
    let inventory = scan();
    let report = outdated(
        &inventory,
        &Upstream::from_registries(Vec::<Arc<dyn Registry>>::new()),
        &Options::default(),
        now(),
        &|_, _| {},
    );
    let conflicts = polyver_analyze::analyze(&inventory, &polyver_analyze::Policy::default());
    let p = plan(
        &PlanInputs {
            inventory: &inventory,
            audit: Ok(&AuditReport::default()),
            outdated: &report,
            licences: &[],
            conflicts: &conflicts,
            policy: &PolicySection::default(),
            now: now(),
            all: false,
        },
        &no_answer,
    );
    for c in &p.components {
        assert_eq!(c.priority.score, 0);
        assert_eq!(c.priority.terms[0].why, "unknown: no registry for npm");
    }
    assert_eq!(p.health.parts[0].score, None);
    assert_eq!(
        p.notes,
        ["not looked up upstream (no registry for npm: 6): their lag is unknown"]
    );
}
