//! One test per rule, on small hand-made inventories.

use polyver_analyze::{analyze, Conflict, ConflictKind, Policy};
use polyver_config::approved::{entry, Origin};
use polyver_config::CompatRule;
use polyver_model::{
    Component, Ecosystem, FindingKind, FindingSeverity, Format, Inventory, Kind, Link, LinkKind,
    Location, ScanStats, Scope,
};

fn format(id: &str) -> Format {
    Format::from_id(id).expect("a registered format id")
}

fn pkg(eco: Ecosystem, name: &str, source: &str, path: &str, constraint: &str) -> Component {
    Component::new(
        Kind::Package,
        eco,
        name,
        format(source),
        Location::new(path, 1),
    )
    .with_constraint(constraint)
}

fn locked(eco: Ecosystem, name: &str, source: &str, path: &str, version: &str) -> Component {
    Component::new(
        Kind::Package,
        eco,
        name,
        format(source),
        Location::new(path, 1),
    )
    .with_version(version)
}

fn runtime(
    name: &str,
    source: &str,
    path: &str,
    version: Option<&str>,
    constraint: Option<&str>,
) -> Component {
    let mut c = Component::new(
        Kind::Runtime,
        Ecosystem::Generic,
        name,
        format(source),
        Location::new(path, 1),
    );
    if let Some(v) = version {
        c = c.with_version(v);
    }
    if let Some(k) = constraint {
        c = c.with_constraint(k);
    }
    c
}

fn image(name: &str, tag: Option<&str>, path: &str) -> Component {
    let c = Component::new(
        Kind::Image,
        Ecosystem::Docker,
        name,
        polyver_model::Format::Dockerfile,
        Location::new(path, 1),
    );
    match tag {
        Some(t) => c.with_version(t),
        None => c,
    }
}

fn run(components: Vec<Component>, links: Vec<Link>, policy: &Policy) -> Vec<Conflict> {
    let inv = Inventory::finish(".", components, vec![], ScanStats::default()).with_links(links);
    analyze(&inv, policy).conflicts
}

fn of(conflicts: &[Conflict], kind: ConflictKind) -> Vec<&Conflict> {
    conflicts.iter().filter(|c| c.kind == kind).collect()
}

fn origin() -> Origin {
    Origin {
        path: "polyver.toml".into(),
        line: 1,
    }
}

#[test]
fn unsatisfiable_within_one_project_only() {
    let p = Policy::default();
    let found = run(
        vec![
            pkg(
                Ecosystem::Pypi,
                "requests",
                "requirements",
                "requirements/a.txt",
                "<2.20",
            ),
            pkg(
                Ecosystem::Pypi,
                "requests",
                "requirements",
                "requirements/b.txt",
                ">=2.31",
            ),
            // Another project may pin what it likes: an inconsistency at most.
            pkg(
                Ecosystem::Pypi,
                "django",
                "requirements",
                "svc1/requirements.txt",
                "==3.2",
            )
            .with_version("3.2"),
            pkg(
                Ecosystem::Pypi,
                "django",
                "requirements",
                "svc2/requirements.txt",
                "==4.2",
            )
            .with_version("4.2"),
        ],
        Vec::new(),
        &p,
    );
    let u = of(&found, ConflictKind::Unsatisfiable);
    assert_eq!(u.len(), 1, "{found:#?}");
    assert_eq!(u[0].name, "requests");
    assert_eq!(u[0].severity, FindingSeverity::High);
    assert_eq!(u[0].entries.len(), 2);
    assert!(u[0]
        .explanation
        .as_ref()
        .unwrap()
        .contains("have no version in common"));
    let f = u[0].to_finding();
    assert_eq!(f.kind, FindingKind::Conflict);
    assert_eq!(f.rule, "conflict/unsatisfiable");
    assert_eq!(f.locations.len(), 2);
    // The services' pins are only inconsistent.
    assert_eq!(of(&found, ConflictKind::InconsistentPin).len(), 1);
    // A CI matrix of runtimes is not an inconsistency.
    let matrix = run(
        vec![
            runtime(
                "python",
                "github-actions",
                ".github/workflows/ci.yml",
                Some("3.10"),
                None,
            ),
            runtime(
                "python",
                "github-actions",
                ".github/workflows/ci.yml",
                Some("3.12"),
                None,
            ),
        ],
        Vec::new(),
        &p,
    );
    assert!(matrix.is_empty(), "{matrix:#?}");
}

#[test]
fn includes_join_installations() {
    let comps = vec![
        pkg(
            Ecosystem::Pypi,
            "flask",
            "requirements",
            "svc/requirements.txt",
            "==2.0",
        ),
        pkg(
            Ecosystem::Pypi,
            "flask",
            "requirements",
            "shared/base.txt",
            "==3.0",
        ),
    ];
    // The walk recorded `-r ../shared/base.txt` at svc/requirements.txt:1.
    let include = Link::new(
        "svc/requirements.txt",
        1,
        "shared/base.txt",
        LinkKind::Requirements,
    );
    let with_include = run(comps.clone(), vec![include], &Policy::default());
    assert_eq!(of(&with_include, ConflictKind::Unsatisfiable).len(), 1);
    // Without the include, two separate installations: no conflict claimed.
    let without = run(comps, Vec::new(), &Policy::default());
    assert!(of(&without, ConflictKind::Unsatisfiable).is_empty());
}

#[test]
fn markers_poetry_and_unreadable_constraints() {
    let mut win = pkg(
        Ecosystem::Pypi,
        "pywin",
        "requirements",
        "requirements.txt",
        "==1.0",
    );
    win.marker = Some("sys_platform == \"win32\"".into());
    let found = run(
        vec![
            win,
            pkg(
                Ecosystem::Pypi,
                "pywin",
                "requirements",
                "requirements-dev.txt",
                "==2.0",
            ),
            // Poetry's caret: ^1.2 is >=1.2,<2.0, which excludes 2.1.
            pkg(
                Ecosystem::Pypi,
                "attrs",
                "pyproject",
                "pyproject.toml",
                "^1.2",
            ),
            pkg(
                Ecosystem::Pypi,
                "attrs",
                "requirements",
                "requirements.txt",
                "==2.1",
            ),
            // Poetry's multiple-constraint form: alternatives on one line.
            pkg(
                Ecosystem::Pypi,
                "numpy",
                "pyproject",
                "pyproject.toml",
                "<1.25",
            ),
            pkg(
                Ecosystem::Pypi,
                "numpy",
                "pyproject",
                "pyproject.toml",
                ">=1.26",
            ),
            // Cargo holds several semver-incompatible versions (renamed deps): no conflict.
            pkg(Ecosystem::Cargo, "rand", "cargo-toml", "Cargo.toml", "0.7"),
            Component::new(
                Kind::Package,
                Ecosystem::Cargo,
                "rand",
                polyver_model::Format::CargoToml,
                Location::new("Cargo.toml", 9),
            )
            .with_constraint("0.8")
            .with_scope(Scope::Dev),
            // Unreadable: a note, never a conflict.
            pkg(
                Ecosystem::Pypi,
                "odd",
                "requirements",
                "requirements.txt",
                "=>>1",
            ),
            pkg(
                Ecosystem::Pypi,
                "odd",
                "requirements",
                "requirements-dev.txt",
                "==1",
            ),
        ],
        Vec::new(),
        &Policy::default(),
    );
    let u = of(&found, ConflictKind::Unsatisfiable);
    assert_eq!(u.len(), 1, "{u:#?}");
    assert_eq!(u[0].name, "attrs");
}

#[test]
fn lock_mismatch_missing_and_duplicates() {
    let found = run(
        vec![
            pkg(
                Ecosystem::Npm,
                "react",
                "package-json",
                "web/package.json",
                "^18.0.0",
            ),
            locked(
                Ecosystem::Npm,
                "react",
                "package-lock",
                "web/package-lock.json",
                "17.0.2",
            ),
            pkg(
                Ecosystem::Npm,
                "zod",
                "package-json",
                "web/package.json",
                "^3.0.0",
            ),
            pkg(
                Ecosystem::Npm,
                "lodash",
                "package-json",
                "web/package.json",
                "^4.17.0",
            ),
            locked(
                Ecosystem::Npm,
                "lodash",
                "package-lock",
                "web/package-lock.json",
                "4.17.21",
            ),
            locked(
                Ecosystem::Npm,
                "debug",
                "package-lock",
                "web/package-lock.json",
                "2.6.9",
            ),
            locked(
                Ecosystem::Npm,
                "debug",
                "package-lock",
                "web/package-lock.json",
                "4.3.4",
            ),
            // A workspace member uses the root's lock.
            pkg(
                Ecosystem::Cargo,
                "serde",
                "cargo-toml",
                "crates/a/Cargo.toml",
                "1.0.100",
            ),
            locked(
                Ecosystem::Cargo,
                "serde",
                "cargo-lock",
                "Cargo.lock",
                "1.0.50",
            ),
        ],
        Vec::new(),
        &Policy::default(),
    );
    let m = of(&found, ConflictKind::LockMismatch);
    let rules: Vec<(&str, &str)> = m
        .iter()
        .map(|c| (c.rule.as_str(), c.name.as_str()))
        .collect();
    assert!(
        rules.contains(&("conflict/lock-mismatch", "react")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("conflict/lock-mismatch", "serde")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("conflict/missing-from-lock", "zod")),
        "{rules:?}"
    );
    assert!(!rules.iter().any(|(_, n)| *n == "lodash"));
    let d = of(&found, ConflictKind::DuplicateInLock);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, FindingSeverity::Info);
    assert_eq!(d[0].entries.len(), 2);
    // Locked ranges do not float.
    assert!(!of(&found, ConflictKind::Floating)
        .iter()
        .any(|c| c.name == "lodash"));
}

#[test]
fn floating_images_actions_and_ranges() {
    let mut branch = Component::new(
        Kind::Action,
        Ecosystem::GithubActions,
        "org/act",
        polyver_model::Format::GithubActions,
        Location::new(".github/workflows/ci.yml", 3),
    )
    .with_constraint("main");
    branch.scope = Scope::Build;
    let tag = Component::new(
        Kind::Action,
        Ecosystem::GithubActions,
        "actions/checkout",
        polyver_model::Format::GithubActions,
        Location::new(".github/workflows/ci.yml", 4),
    )
    .with_version("v4");
    let mut digest = image("alpine", None, "a/Dockerfile");
    digest.integrity = Some("sha256:abc".into());
    let found = run(
        vec![
            branch,
            tag,
            digest,
            image("ubuntu", Some("latest"), "b/Dockerfile"),
            image("debian", None, "c/Dockerfile"),
            image("python", Some("3.12-slim"), "d/Dockerfile"),
            pkg(
                Ecosystem::Pypi,
                "numpy",
                "pyproject",
                "pyproject.toml",
                ">=1.24",
            ),
            pkg(
                Ecosystem::Pypi,
                "scipy",
                "pyproject",
                "pyproject.toml",
                ">=1.0,<2",
            ),
        ],
        Vec::new(),
        &Policy::default(),
    );
    let f: Vec<(&str, &str, FindingSeverity)> = of(&found, ConflictKind::Floating)
        .iter()
        .map(|c| (c.rule.as_str(), c.name.as_str(), c.severity))
        .collect();
    assert_eq!(
        f,
        vec![
            ("floating/image-untagged", "debian", FindingSeverity::Medium),
            ("floating/image-latest", "ubuntu", FindingSeverity::Medium),
            ("floating/action-branch", "org/act", FindingSeverity::Medium),
            ("floating/unbounded-range", "numpy", FindingSeverity::Low),
            (
                "floating/action-tag",
                "actions/checkout",
                FindingSeverity::Info
            ),
        ]
    );
}

#[test]
fn drift_from_approved() {
    let policy = Policy {
        approved: vec![
            entry("python", "3.10.12", origin()).unwrap(),
            entry("postgresql", ">=14,<15", origin()).unwrap(),
            entry("pypi:fastapi", "0.104.1", origin()).unwrap(),
        ],
        compat: vec![],
    };
    let found = run(
        vec![
            runtime(
                "python",
                "version-file",
                "a/.python-version",
                Some("3.11"),
                None,
            ),
            runtime(
                "python",
                "version-file",
                "b/.python-version",
                Some("3.10.12"),
                None,
            ),
            image("postgres", Some("16.1"), "docker-compose.yml"),
            image("postgres", Some("14.10-alpine"), "db/Dockerfile"),
            locked(
                Ecosystem::Pypi,
                "fastapi",
                "poetry-lock",
                "poetry.lock",
                "0.110.0",
            ),
            // A range that admits the approved version is not drift; one that cannot is.
            pkg(
                Ecosystem::Pypi,
                "fastapi",
                "pyproject",
                "pyproject.toml",
                ">=0.100",
            ),
            pkg(
                Ecosystem::Pypi,
                "fastapi",
                "pyproject",
                "x/pyproject.toml",
                ">=0.105",
            ),
        ],
        Vec::new(),
        &policy,
    );
    let d: Vec<(String, String)> = of(&found, ConflictKind::Drift)
        .iter()
        .map(|c| (c.name.clone(), c.entries[0].location.path.clone()))
        .collect();
    assert_eq!(
        d,
        vec![
            ("fastapi".to_string(), "poetry.lock".to_string()),
            ("fastapi".to_string(), "x/pyproject.toml".to_string()),
            ("postgres".to_string(), "docker-compose.yml".to_string()),
            ("python".to_string(), "a/.python-version".to_string()),
        ]
    );
    assert!(of(&found, ConflictKind::Drift)
        .iter()
        .all(|c| c.to_finding().kind == FindingKind::Drift));
}

#[test]
fn compat_rules_apply_where_their_condition_holds() {
    let rule = CompatRule {
        when: vec![entry("python", "3.10", origin()).unwrap()],
        require: vec![entry("pypi:fastapi", ">=0.100,<0.105", origin()).unwrap()],
        reason: Some("pydantic 1".into()),
        origin: origin(),
    };
    let policy = Policy {
        approved: vec![],
        compat: vec![rule],
    };
    let found = run(
        vec![
            runtime(
                "python",
                "version-file",
                "old/.python-version",
                Some("3.10"),
                None,
            ),
            locked(
                Ecosystem::Pypi,
                "fastapi",
                "requirements",
                "old/requirements.txt",
                "0.110.0",
            ),
            // Python 3.12 here: the rule does not apply.
            runtime(
                "python",
                "version-file",
                "new/.python-version",
                Some("3.12.1"),
                None,
            ),
            locked(
                Ecosystem::Pypi,
                "fastapi",
                "requirements",
                "new/requirements.txt",
                "0.111.0",
            ),
        ],
        Vec::new(),
        &policy,
    );
    let c = of(&found, ConflictKind::Compat);
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].entries[0].location.path, "old/requirements.txt");
    assert_eq!(c[0].entries[1].location.path, "old/.python-version");
    assert!(c[0].explanation.as_ref().unwrap().contains("pydantic 1"));
}

#[test]
fn derived_runtime_rules() {
    let found = run(
        vec![
            runtime(
                "python",
                "pyproject",
                "api/pyproject.toml",
                None,
                Some(">=3.11"),
            ),
            runtime(
                "python",
                "version-file",
                "api/.python-version",
                Some("3.10"),
                None,
            ),
            image("python", Some("3.12-slim"), "api/Dockerfile"),
            runtime(
                "node",
                "package-json",
                "web/package.json",
                None,
                Some(">=20"),
            ),
            runtime("node", "version-file", "web/.nvmrc", Some("18.19.0"), None),
            image("node", Some("18.19.0-alpine"), "web/Dockerfile"),
            // Consistent: no finding.
            runtime(
                "python",
                "pyproject",
                "ok/pyproject.toml",
                None,
                Some(">=3.10"),
            ),
            runtime(
                "python",
                "version-file",
                "ok/.python-version",
                Some("3.11"),
                None,
            ),
            image("python", Some("3.11-slim"), "ok/Dockerfile"),
        ],
        Vec::new(),
        &Policy::default(),
    );
    let c: Vec<(&str, String)> = of(&found, ConflictKind::Compat)
        .iter()
        .map(|c| (c.rule.as_str(), c.entries[1].location.path.clone()))
        .collect();
    assert!(
        c.contains(&("compat/requires-python", "api/.python-version".into())),
        "{c:?}"
    );
    assert!(
        c.contains(&("compat/image-runtime", "api/.python-version".into())),
        "{c:?}"
    );
    assert!(
        c.contains(&("compat/engines-node", "web/.nvmrc".into())),
        "{c:?}"
    );
    assert!(
        c.contains(&("compat/engines-node", "web/Dockerfile".into())),
        "{c:?}"
    );
    assert!(!c.iter().any(|(_, p)| p.starts_with("ok/")), "{c:?}");
    assert_eq!(c.len(), 4, "{c:?}");
}

/// The matrix holds every evaluation, passing or not; its failures are exactly the compat
/// conflicts; a rule that matches nothing is a row without cells.
#[test]
fn compat_matrix_has_passing_and_failing_cells_with_evidence() {
    let rules = vec![
        CompatRule {
            when: vec![entry("python", "3.10", origin()).unwrap()],
            require: vec![entry("pypi:fastapi", ">=0.100,<0.105", origin()).unwrap()],
            reason: None,
            origin: origin(),
        },
        CompatRule {
            when: vec![entry("node", "20", origin()).unwrap()],
            require: vec![entry("npm:express", ">=4.18", origin()).unwrap()],
            reason: None,
            origin: origin(),
        },
    ];
    let policy = Policy {
        approved: vec![],
        compat: rules,
    };
    let components = vec![
        runtime(
            "python",
            "version-file",
            "old/.python-version",
            Some("3.10"),
            None,
        ),
        locked(
            Ecosystem::Pypi,
            "fastapi",
            "requirements",
            "old/requirements.txt",
            "0.110.0",
        ),
        runtime(
            "python",
            "version-file",
            "ok/.python-version",
            Some("3.10.4"),
            None,
        ),
        locked(
            Ecosystem::Pypi,
            "fastapi",
            "requirements",
            "ok/requirements.txt",
            "0.104.1",
        ),
        runtime(
            "python",
            "pyproject",
            "ok/pyproject.toml",
            None,
            Some(">=3.10"),
        ),
    ];
    let inv = Inventory::finish(".", components, vec![], ScanStats::default());
    let report = analyze(&inv, &policy);
    let matrix = &report.compat_matrix;
    let declared: Vec<_> = matrix.iter().filter(|r| r.declared).collect();
    assert_eq!(declared.len(), 2, "{matrix:#?}");
    let fastapi = &declared[0];
    assert!(fastapi.title.contains("pypi:fastapi"), "{}", fastapi.title);
    let verdicts: Vec<(&str, bool, &str)> = fastapi
        .cells
        .iter()
        .map(|c| (c.location.path.as_str(), c.pass, c.relation))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("ok/requirements.txt", true, "within"),
            ("old/requirements.txt", false, "outside")
        ]
    );
    // The evidence: the checked pin, then the declarations that made the rule apply.
    let ok = &fastapi.cells[0];
    assert_eq!(ok.evidence[0].location.path, "ok/requirements.txt");
    assert!(
        ok.evidence[1..]
            .iter()
            .any(|e| e.location.path == "ok/.python-version"),
        "{:#?}",
        ok.evidence
    );
    assert!(declared[1].cells.is_empty(), "express is nowhere");
    // Derived: requires-python >=3.10 against ok/.python-version 3.10.4 passes.
    let derived: Vec<_> = matrix
        .iter()
        .filter(|r| r.rule == "compat/requires-python")
        .collect();
    assert_eq!(derived.len(), 1, "{matrix:#?}");
    assert_eq!(derived[0].origin, "ok/pyproject.toml:1");
    assert!(derived[0].cells.iter().all(|c| c.pass));
    // Failing cells and compat conflicts are the same places.
    let failing: usize = matrix.iter().map(|r| r.failing()).sum();
    let compat = report
        .conflicts
        .iter()
        .filter(|c| c.kind == ConflictKind::Compat)
        .count();
    assert_eq!(failing, compat);
}
