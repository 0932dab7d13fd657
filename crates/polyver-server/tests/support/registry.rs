//! A small registry of three repositories, written through the store API: what the API
//! tests of polyver-server and the `polyver serve` tests of polyver-cli (which include this
//! file by path) read back. Two scans of `git.example/acme/shop` (requests upgraded, flask
//! removed, httpx added, postgres 14 → 16, findings of three kinds), one of
//! `git.example/acme/billing` (requests pinned and unpinned, postgres 14-alpine, python), one
//! of `ops/infra` (a Helm chart, postgres 14.11, redis). Billing's scan has a compatibility
//! matrix ([`billing_matrix`]: one check that passes, one that fails, one rule that applies
//! nowhere).
#![allow(dead_code)]

use polyver_model::{
    Component, Constraint, Ecosystem, Finding, FindingKind, FindingSeverity, Format, Inventory,
    Kind, Location, Scope,
};
use polyver_store::{CompatEvidence, CompatResult, ScanMeta, Store, StoredCompat, StoredOutdated};

pub const SHOP: &str = "git.example/acme/shop";
pub const BILLING: &str = "git.example/acme/billing";
pub const INFRA: &str = "ops/infra";

pub fn component(
    eco: Ecosystem,
    kind: Kind,
    name: &str,
    version: Option<&str>,
    source: Format,
    path: &str,
    line: u32,
) -> Component {
    let mut c = Component::new(kind, eco, name, source, Location::new(path, line));
    c.version = version.map(str::to_string);
    c.refresh_purl();
    c
}

pub fn requirement(name: &str, version: &str, line: u32) -> Component {
    let mut c = component(
        Ecosystem::Pypi,
        Kind::Package,
        name,
        Some(version),
        Format::Requirements,
        "requirements.txt",
        line,
    );
    c.constraint = Some(Constraint {
        raw: format!("=={version}"),
        valid: Some(true),
    });
    c
}

pub fn image(name: &str, tag: &str, path: &str) -> Component {
    component(
        Ecosystem::Docker,
        Kind::Image,
        name,
        Some(tag),
        Format::Dockerfile,
        path,
        1,
    )
}

pub fn inventory(components: Vec<Component>) -> Inventory {
    Inventory {
        schema: "polyver.scan/v1".into(),
        root: "/src".into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: Vec::new(),
        declared_licenses: Vec::new(),
        license_files: Vec::new(),
    }
}

pub fn meta(repository: &str, commit: &str, t: i64) -> ScanMeta {
    ScanMeta {
        repository: repository.into(),
        commit: Some(commit.into()),
        branch: Some("main".into()),
        root: Some(format!("/src/{repository}")),
        started_at: t,
        finished_at: t + 1500,
        tool_version: "0.1.0".into(),
    }
}

pub fn finding(kind: FindingKind, severity: FindingSeverity, rule: &str, title: &str) -> Finding {
    Finding {
        kind,
        rule: rule.into(),
        severity,
        severity_unknown: false,
        title: title.into(),
        ecosystem: Some(Ecosystem::Pypi),
        name: Some("requests".into()),
        version: Some("2.31.0".into()),
        aliases: vec![],
        locations: vec![Location::new("requirements.txt", 1)],
    }
}

/// The compatibility matrix stored with billing's scan, in its order: a declared rule that
/// fails at requirements.txt:1 (requests 2.28.1 outside `>=2.31` with python 3.11), a declared
/// rule nothing matches, and a derived `requires-python` check that passes.
pub fn billing_matrix() -> Vec<StoredCompat> {
    let evidence = |requirement: &str, path: &str| CompatEvidence {
        requirement: requirement.into(),
        path: path.into(),
        line: 1,
    };
    vec![
        StoredCompat {
            rule: "compat/rule".into(),
            declared: true,
            title: "requests within `>=2.31` with python >=3.11".into(),
            origin: "polyver.toml:12".into(),
            reason: Some("the session fix".into()),
            result: CompatResult::Fail,
            checked: Some("requests 2.28.1".into()),
            path: Some("requirements.txt".into()),
            line: Some(1),
            relation: Some("outside".into()),
            evidence: vec![
                evidence("2.28.1", "requirements.txt"),
                evidence("python 3.11.7 (when python >=3.11)", ".python-version"),
            ],
        },
        StoredCompat {
            rule: "compat/rule".into(),
            declared: true,
            title: "django within `>=4.2`".into(),
            origin: "polyver.toml:18".into(),
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
            title: "python within requires-python `>=3.10`".into(),
            origin: "pyproject.toml:4".into(),
            reason: None,
            result: CompatResult::Pass,
            checked: Some("python 3.11.7".into()),
            path: Some(".python-version".into()),
            line: Some(1),
            relation: Some("within".into()),
            evidence: vec![
                evidence("3.11.7", ".python-version"),
                evidence(">=3.10", "pyproject.toml"),
            ],
        },
    ]
}

/// Scan ids, in the order written: shop's first and second, billing's, infra's.
pub struct Seeded {
    pub shop_old: i64,
    pub shop: i64,
    pub billing: i64,
    pub infra: i64,
}

pub fn seed(store: &Store) -> Seeded {
    let t = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    let shop_old = store
        .record(
            &meta(SHOP, "1111111111111111111111111111111111111111", t),
            &inventory(vec![
                requirement("requests", "2.25.0", 1),
                requirement("flask", "3.0.0", 2),
                image("postgres", "14", "Dockerfile"),
            ]),
            &[],
        )
        .unwrap();
    let mut react = component(
        Ecosystem::Npm,
        Kind::Package,
        "react",
        Some("18.2.0"),
        Format::PackageLock,
        "package-lock.json",
        9,
    );
    react.scope = Scope::Dev;
    react.direct = false;
    let shop = store
        .record(
            &meta(
                SHOP,
                "2222222222222222222222222222222222222222",
                t + 86_400_000,
            ),
            &inventory(vec![
                requirement("requests", "2.31.0", 1),
                requirement("httpx", "0.27.0", 2),
                image("postgres", "16.2", "Dockerfile"),
                react,
            ]),
            &[
                finding(
                    FindingKind::Vulnerability,
                    FindingSeverity::Critical,
                    "GHSA-9wx4-h78v-vm56",
                    "requests: session verify=False persists",
                ),
                finding(
                    FindingKind::Conflict,
                    FindingSeverity::High,
                    "conflict/unsatisfiable",
                    "requests: ==2.31.0 and <2.30 cannot both hold",
                ),
                finding(
                    FindingKind::Diagnostic,
                    FindingSeverity::Low,
                    "diagnostic/parse-error",
                    "setup.cfg: unreadable",
                ),
            ],
        )
        .unwrap();
    let mut unpinned = component(
        Ecosystem::Pypi,
        Kind::Package,
        "requests",
        None,
        Format::Requirements,
        "requirements.in",
        1,
    );
    unpinned.constraint = Some(Constraint {
        raw: ">=2.0".into(),
        valid: Some(true),
    });
    let billing = store
        .record_with_compatibility(
            &meta(
                BILLING,
                "3333333333333333333333333333333333333333",
                t + 2 * 86_400_000,
            ),
            &inventory(vec![
                requirement("requests", "2.28.1", 1),
                unpinned,
                image("postgres", "14-alpine", "docker-compose.yml"),
                component(
                    Ecosystem::Generic,
                    Kind::Runtime,
                    "python",
                    Some("3.11.7"),
                    Format::VersionFile,
                    ".python-version",
                    1,
                ),
            ]),
            &[],
            &billing_matrix(),
        )
        .unwrap();
    let infra = store
        .record(
            &meta(
                INFRA,
                "4444444444444444444444444444444444444444",
                t + 3 * 86_400_000,
            ),
            &inventory(vec![
                component(
                    Ecosystem::Helm,
                    Kind::Package,
                    "ingress-nginx",
                    Some("4.10.0"),
                    Format::Helm,
                    "charts/web/Chart.yaml",
                    12,
                ),
                image("postgres", "14.11", "k8s/db.yaml"),
                image("redis", "7.2", "k8s/cache.yaml"),
            ]),
            &[],
        )
        .unwrap();
    Seeded {
        shop_old,
        shop,
        billing,
        infra,
    }
}

/// `polyver outdated`'s rows for shop's latest scan (requests behind by a minor for 400 days,
/// postgres by a major without release dates, httpx up to date, react deprecated and behind
/// by 30 days) and for billing's (requests 2.28.1 behind by 90 days); infra has none.
pub fn seed_outdated(store: &Store, seeded: &Seeded) -> Vec<StoredOutdated> {
    let row =
        |name: &str, eco: &str, current: &str, latest: &str, bump: Option<&str>| StoredOutdated {
            ecosystem: eco.into(),
            name: name.into(),
            path: "requirements.txt".into(),
            line: 1,
            current: Some(current.into()),
            latest: Some(latest.into()),
            bump: bump.map(str::to_string),
            majors_behind: u64::from(bump == Some("major")) * 2,
            minors_behind: u64::from(bump == Some("minor")),
            patches_behind: 0,
            days_behind: None,
            yanked: false,
            deprecated: false,
            checked_at: 1_767_312_000,
            status: None,
        };
    let shop = vec![
        StoredOutdated {
            days_behind: Some(400),
            ..row("requests", "pypi", "2.31.0", "2.32.3", Some("minor"))
        },
        StoredOutdated {
            line: 2,
            days_behind: Some(0),
            ..row("httpx", "pypi", "0.27.0", "0.27.0", None)
        },
        StoredOutdated {
            path: "Dockerfile".into(),
            ..row("postgres", "docker", "16.2", "18.1", Some("major"))
        },
        StoredOutdated {
            path: "package-lock.json".into(),
            line: 9,
            days_behind: Some(30),
            deprecated: true,
            ..row("react", "npm", "18.2.0", "18.3.1", Some("minor"))
        },
    ];
    store.record_outdated(seeded.shop, &shop).unwrap();
    store
        .record_outdated(
            seeded.billing,
            &[StoredOutdated {
                days_behind: Some(90),
                ..row("requests", "pypi", "2.28.1", "2.32.3", Some("minor"))
            }],
        )
        .unwrap();
    shop
}
