//! The registry the dashboard tests read: `registry::seed` (the API tests' three
//! repositories), plus a repository on a known forge with two scans, findings of every kind
//! the dashboard shows and a compatibility matrix, and one whose name is markup.
#![allow(dead_code)]

#[path = "../../../polyver-server/tests/support/registry.rs"]
pub mod registry;

use polyver_model::{Ecosystem, Finding, FindingKind, FindingSeverity, Kind, Location, Scope};
use polyver_store::{CompatEvidence, CompatResult, Store, StoredCompat};

/// A repository on a known forge, with findings of every kind the dashboard shows.
pub const WEB: &str = "github.com/acme/web";
pub const WEB_COMMIT: &str = "5555555555555555555555555555555555555555";
/// A repository whose name is markup.
pub const HOSTILE: &str = "evil/<script>alert(1)</script>";

fn finding(
    kind: FindingKind,
    severity: FindingSeverity,
    rule: &str,
    title: &str,
    name: &str,
    version: &str,
    at: (&str, u32),
) -> Finding {
    Finding {
        kind,
        rule: rule.into(),
        severity,
        severity_unknown: false,
        title: title.into(),
        ecosystem: Some(Ecosystem::Pypi),
        name: Some(name.into()),
        version: Some(version.into()),
        aliases: vec![],
        locations: vec![Location::new(at.0, at.1)],
    }
}

/// The compatibility matrix of [`WEB`]'s latest scan: the `[[compat]]` rule its `compat`
/// finding violates, a derived check that passes, and a rule that applies nowhere.
pub fn web_matrix() -> Vec<StoredCompat> {
    let evidence = |requirement: &str, path: &str, line| CompatEvidence {
        requirement: requirement.into(),
        path: path.into(),
        line,
    };
    vec![
        StoredCompat {
            rule: "compat/rule".into(),
            declared: true,
            title: "pypi:requests within `>=2.25` with python 3.8".into(),
            origin: "polyver.toml:9".into(),
            reason: Some("urllib3 2 needs it".into()),
            result: CompatResult::Fail,
            checked: Some("requests 2.20.0".into()),
            path: Some("requirements.txt".into()),
            line: Some(4),
            relation: Some("outside".into()),
            evidence: vec![
                evidence("2.20.0", "requirements.txt", 4),
                evidence("python 3.8 (when python 3.8)", ".python-version", 1),
            ],
        },
        StoredCompat {
            rule: "compat/rule".into(),
            declared: true,
            title: "pypi:django within `>=4.2` with python 3.8".into(),
            origin: "polyver.toml:14".into(),
            reason: None,
            result: CompatResult::NotApplicable,
            checked: None,
            path: None,
            line: None,
            relation: None,
            evidence: vec![],
        },
        StoredCompat {
            rule: "compat/requires-python".into(),
            declared: false,
            title: "python within requires-python `>=3.8`".into(),
            origin: "pyproject.toml:5".into(),
            reason: None,
            result: CompatResult::Pass,
            checked: Some("python 3.8".into()),
            path: Some(".python-version".into()),
            line: Some(1),
            relation: Some("within".into()),
            evidence: vec![
                evidence("3.8", ".python-version", 1),
                evidence(">=3.8", "pyproject.toml", 5),
            ],
        },
    ]
}

/// `registry::seed`, plus [`WEB`] (two scans) and [`HOSTILE`].
pub fn seed(db: &str) {
    let store = Store::open(db).unwrap();
    registry::seed(&store);
    let t = 1_767_225_600_000 + 5 * 86_400_000;
    store
        .record(
            &registry::meta(WEB, "6666666666666666666666666666666666666666", t),
            &registry::inventory(vec![registry::requirement("requests", "2.19.0", 4)]),
            &[],
        )
        .unwrap();
    let mut script = registry::component(
        Ecosystem::Npm,
        Kind::Package,
        "<script>",
        Some("1.0.0"),
        polyver_model::Format::PackageJson,
        "ui/package.json",
        7,
    );
    script.scope = Scope::Dev;
    let findings = [
        finding(
            FindingKind::Vulnerability,
            FindingSeverity::Critical,
            "GHSA-j8r2-6x86-q33q",
            "requests: Proxy-Authorization header leaked",
            "requests",
            "2.20.0",
            ("requirements.txt", 4),
        ),
        finding(
            FindingKind::Vulnerability,
            FindingSeverity::Medium,
            "GHSA-x84v-xcm2-53pg",
            "requests: .netrc credentials leak",
            "requests",
            "2.20.0",
            ("requirements.txt", 4),
        ),
        finding(
            FindingKind::Policy,
            FindingSeverity::High,
            "policy/sla-breach",
            "requests 2.20.0: GHSA-j8r2-6x86-q33q (critical) open 30 days, was due 2026-01-06",
            "requests",
            "2.20.0",
            ("requirements.txt", 4),
        ),
        finding(
            FindingKind::Drift,
            FindingSeverity::Medium,
            "drift/not-approved",
            "pypi:requests 2.20.0 is outside [approved] ==2.32.3",
            "requests",
            "2.20.0",
            ("requirements.txt", 4),
        ),
        finding(
            FindingKind::Compat,
            FindingSeverity::High,
            "compat/rule",
            "python 3.8 requires pypi:requests >=2.25",
            "requests",
            "2.20.0",
            ("requirements.txt", 4),
        ),
    ];
    let web = store
        .record_with_compatibility(
            &registry::meta(WEB, WEB_COMMIT, t + 86_400_000),
            &registry::inventory(vec![
                registry::requirement("requests", "2.20.0", 4),
                registry::image("postgres", "13", "Dockerfile"),
                script,
            ]),
            &findings,
            &web_matrix(),
        )
        .unwrap();
    // What `polyver outdated` answered for that scan: two of three behind.
    let row = |ecosystem: &str, name: &str, path: &str, line, current: &str, latest: &str| {
        polyver_store::StoredOutdated {
            ecosystem: ecosystem.into(),
            name: name.into(),
            path: path.into(),
            line,
            current: Some(current.into()),
            latest: Some(latest.into()),
            bump: None,
            majors_behind: 0,
            minors_behind: 0,
            patches_behind: 0,
            days_behind: None,
            yanked: false,
            deprecated: false,
            checked_at: t / 1000 + 86_400 * 2,
            status: None,
        }
    };
    let requests = polyver_store::StoredOutdated {
        bump: Some("minor".into()),
        minors_behind: 12,
        patches_behind: 3,
        days_behind: Some(2000),
        ..row(
            "pypi",
            "requests",
            "requirements.txt",
            4,
            "2.20.0",
            "2.32.3",
        )
    };
    let postgres = polyver_store::StoredOutdated {
        bump: Some("major".into()),
        majors_behind: 4,
        days_behind: Some(900),
        deprecated: true,
        ..row("docker", "postgres", "Dockerfile", 1, "13", "17.2")
    };
    let script = row("npm", "<script>", "ui/package.json", 7, "1.0.0", "1.0.0");
    store
        .record_outdated(web, &[requests, postgres, script])
        .unwrap();
    let mut hostile = registry::requirement("<b>bold</b>", "1.0", 1);
    hostile.name = "<b>bold</b>".into();
    store
        .record(
            &registry::meta(HOSTILE, "7777777777777777777777777777777777777777", t),
            &registry::inventory(vec![hostile]),
            &[],
        )
        .unwrap();
}
