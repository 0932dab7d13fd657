use super::*;
use crate::{Component, DependencyEdge, Ecosystem, Kind, Link, LinkKind, Location};

fn at(kind: Kind, eco: Ecosystem, name: &str, source: &str, path: &str) -> Component {
    let source = Format::from_id(source).expect("a registered format id");
    Component::new(kind, eco, name, source, Location::new(path, 1))
}

fn entry(
    lock: &str,
    name: &str,
    version: &str,
    direct: bool,
    deps: &[(&str, Option<&str>)],
) -> Component {
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        name,
        Format::PoetryLock,
        Location::new(lock, 1),
    )
    .with_version(version)
    .with_direct(direct);
    c.dependencies = deps
        .iter()
        .map(|(n, v)| DependencyEdge {
            name: n.to_string(),
            version: v.map(str::to_string),
        })
        .collect();
    c
}

fn labels(g: &LockGraph, edges: &[(u32, u32)]) -> Vec<(String, String)> {
    let label = |i: u32| {
        let n = &g.nodes[i as usize];
        format!("{}@{}", n.name, n.version.as_deref().unwrap_or(""))
    };
    edges.iter().map(|&(a, b)| (label(a), label(b))).collect()
}

#[test]
fn one_graph_per_lock_with_edges_resolved_inside_it() {
    let components = vec![
        entry(
            "a/poetry.lock",
            "app-lib",
            "1.0",
            true,
            &[
                ("Zope.Interface", None),
                ("six", Some(">=1.10")),
                ("ghost", None),
            ],
        ),
        entry("a/poetry.lock", "zope-interface", "6.0", false, &[]),
        entry("a/poetry.lock", "six", "1.9.0", false, &[]),
        entry("a/poetry.lock", "six", "1.16.0", false, &[]),
        entry("b/poetry.lock", "six", "1.16.0", false, &[]),
        entry(
            "a/poetry.lock",
            "requests",
            "2.0",
            true,
            &[("six", Some("1.9.0"))],
        ),
        entry("b/poetry.lock", "numpy", "1.24.4", false, &[]),
        entry("b/poetry.lock", "numpy", "1.26.4", false, &[]),
        entry("b/poetry.lock", "pandas", "2.0", true, &[("numpy", None)]),
    ];
    let inventory = Inventory::finish(".", components, vec![], Default::default());
    let project = Project::of(&inventory);
    assert_eq!(project.locks.len(), 2);
    let a = &project.locks[0].graph;
    assert_eq!(a.path, "a/poetry.lock");
    assert_eq!(
        labels(a, &a.edges),
        [
            ("app-lib@1.0".to_string(), "six@1.16.0".to_string()),
            ("app-lib@1.0".to_string(), "zope-interface@6.0".to_string()),
            ("requests@2.0".to_string(), "six@1.9.0".to_string()),
        ]
    );
    assert_eq!(a.unresolved_edges, 1);
    let b = &project.locks[1].graph;
    assert_eq!(b.edges.len(), 2, "both marker-split numpy versions");
    // `six@1.16.0` is one component located in both locks; each lock's edges reach it only
    // from its own entries.
    let six = inventory
        .components
        .iter()
        .position(|c| c.name == "six" && c.version.as_deref() == Some("1.16.0"))
        .unwrap();
    let targets = project.dependency_targets(inventory.components.len());
    let app = inventory
        .components
        .iter()
        .position(|c| c.name == "app-lib")
        .unwrap();
    assert!(targets[app].contains(&six));
    let component_edges: usize = project
        .locks
        .iter()
        .map(|l| l.graph.component_edges.len())
        .sum();
    assert_eq!(component_edges, 5, "{targets:?}");
}

#[test]
fn manifests_pair_with_the_lock_beside_them_or_the_workspace_lock_above() {
    let cs = vec![
        at(
            Kind::Package,
            Ecosystem::Cargo,
            "serde",
            "cargo-toml",
            "Cargo.toml",
        ),
        at(
            Kind::Package,
            Ecosystem::Cargo,
            "serde",
            "cargo-toml",
            "crates/a/Cargo.toml",
        ),
        at(
            Kind::Package,
            Ecosystem::Cargo,
            "serde",
            "cargo-lock",
            "Cargo.lock",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "six",
            "pyproject",
            "api/pyproject.toml",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "six",
            "pipfile",
            "api/Pipfile",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "six",
            "poetry-lock",
            "api/poetry.lock",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "six",
            "requirements",
            "api/requirements.txt",
        ),
    ];
    let inventory = Inventory::finish(".", cs, vec![], Default::default());
    let project = Project::of(&inventory);
    let paths: Vec<(&str, &[String], &[String])> = project
        .locks
        .iter()
        .map(|l| (l.path.as_str(), &l.manifests[..], &l.members[..]))
        .collect();
    assert_eq!(
        paths,
        [
            (
                "Cargo.lock",
                &["Cargo.toml".to_string()][..],
                &["crates/a/Cargo.toml".to_string()][..]
            ),
            (
                "api/poetry.lock",
                &["api/pyproject.toml".to_string()][..],
                &[][..]
            ),
        ]
    );
    let (dir, locks) = project.locks_for(Format::CargoToml, "crates/a").unwrap();
    assert_eq!((dir, locks[0].path.as_str()), ("", "Cargo.lock"));
    // poetry.lock resolves pyproject.toml, not a Pipfile or requirements beside it.
    assert!(project.locks_for(Format::Pipfile, "api").is_none());
    assert!(project.locks_for(Format::Requirements, "api").is_none());
}

#[test]
fn includes_are_followed_transitively_and_cycles_end() {
    let inventory = Inventory::finish(".", vec![], vec![], Default::default()).with_links(vec![
        Link::new("req/dev.txt", 1, "req/base.txt", LinkKind::Requirements),
        Link::new("req/base.txt", 2, "constraints.txt", LinkKind::Constraints),
        Link::new("constraints.txt", 1, "req/dev.txt", LinkKind::Requirements),
    ]);
    let project = Project::of(&inventory);
    let reached: Vec<&str> = project
        .includes
        .reachable("req/dev.txt")
        .into_iter()
        .collect();
    assert_eq!(reached, ["constraints.txt", "req/base.txt", "req/dev.txt"]);
    assert_eq!(project.includes.from_file("req/base.txt").count(), 1);
    assert_eq!(project.includes.from_file("nothing.txt").count(), 0);
}

#[test]
fn migration_chains_resolve_by_exact_revision() {
    let mig = |v: &str, parent: Option<&str>, path: &str| {
        let mut c = at(
            Kind::Migration,
            Ecosystem::Alembic,
            "db",
            "migrations",
            path,
        )
        .with_version(v);
        c.dependencies = parent
            .map(|p| DependencyEdge {
                name: "db".into(),
                version: Some(p.into()),
            })
            .into_iter()
            .collect();
        c
    };
    let cs = vec![
        mig("a1", None, "db/versions/a1.py"),
        mig("b2", Some("a1"), "db/versions/b2.py"),
        mig("c3", Some("zz"), "db/versions/c3.py"),
    ];
    let inventory = Inventory::finish(".", cs, vec![], Default::default());
    let project = Project::of(&inventory);
    let targets = project.dependency_targets(inventory.components.len());
    let idx = |v: &str| {
        inventory
            .components
            .iter()
            .position(|c| c.version.as_deref() == Some(v))
            .unwrap()
    };
    assert_eq!(targets[idx("b2")], vec![idx("a1")]);
    assert!(targets[idx("c3")].is_empty());
}

#[test]
fn pulumi_projects_list_their_providers() {
    let mut cs = vec![
        at(
            Kind::Runtime,
            Ecosystem::Generic,
            "node",
            "pulumi",
            "infra/Pulumi.yaml",
        ),
        at(
            Kind::Package,
            Ecosystem::Npm,
            "@pulumi/aws",
            "package-json",
            "infra/package.json",
        ),
        at(
            Kind::Package,
            Ecosystem::Npm,
            "@pulumi/aws",
            "package-json",
            "web/package.json",
        ),
    ];
    mark_pulumi_providers(&mut cs);
    let inventory = Inventory::finish(".", cs, vec![], Default::default());
    let project = Project::of(&inventory);
    assert_eq!(project.pulumi.len(), 1);
    assert_eq!(project.pulumi[0].dir, "infra");
    let providers: Vec<&str> = project.pulumi[0]
        .providers
        .iter()
        .map(|&i| inventory.components[i].locations[0].path.as_str())
        .collect();
    assert_eq!(providers, ["infra/package.json"]);
}

#[test]
fn pulumi_provider_names() {
    for (eco, name) in [
        (Ecosystem::Npm, "@pulumi/aws"),
        (Ecosystem::Npm, "@pulumi/kubernetes"),
        (Ecosystem::Pypi, "pulumi-vultr"),
        (Ecosystem::Pypi, "Pulumi_AWS"),
        (Ecosystem::Go, "github.com/pulumi/pulumi-aws/sdk"),
        (Ecosystem::Go, "github.com/pulumi/pulumi-aws/sdk/v6"),
    ] {
        assert!(is_pulumi_provider(eco, name), "{name}");
    }
    for (eco, name) in [
        (Ecosystem::Npm, "@pulumi/pulumi"),
        (Ecosystem::Npm, "pulumi-aws"),
        (Ecosystem::Npm, "@pulumi/"),
        (Ecosystem::Pypi, "pulumi"),
        (Ecosystem::Pypi, "pulumi-"),
        (Ecosystem::Pypi, "pulumilib"),
        (Ecosystem::Go, "github.com/pulumi/pulumi/sdk/v3"),
        (Ecosystem::Go, "github.com/pulumi/pulumi-aws"),
        (Ecosystem::Go, "github.com/pulumi/pulumi-aws/provider"),
        (Ecosystem::Cargo, "pulumi-aws"),
    ] {
        assert!(!is_pulumi_provider(eco, name), "{name}");
    }
}

#[test]
fn only_manifests_beside_pulumi_yaml_are_marked() {
    let mut cs = vec![
        at(
            Kind::Runtime,
            Ecosystem::Generic,
            "python",
            "pulumi",
            "infra/Pulumi.yaml",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "pulumi-aws",
            "requirements",
            "infra/requirements.txt",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "pulumi",
            "requirements",
            "infra/requirements.txt",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "pulumi-aws",
            "requirements",
            "app/requirements.txt",
        ),
        at(
            Kind::Package,
            Ecosystem::Pypi,
            "pulumi-aws",
            "requirements",
            "infra/sub/requirements.txt",
        ),
        at(
            Kind::Module,
            Ecosystem::Go,
            "github.com/pulumi/pulumi-gcp/sdk/v7",
            "go-mod",
            "infra/go.mod",
        ),
        at(
            Kind::Package,
            Ecosystem::Npm,
            "@pulumi/aws",
            "package-json",
            "infra/package.json",
        ),
    ];
    mark_pulumi_providers(&mut cs);
    let kinds: Vec<Kind> = cs.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Runtime,
            Kind::Provider,
            Kind::Package,
            Kind::Package,
            Kind::Package,
            Kind::Provider,
            Kind::Provider,
        ]
    );
}

#[test]
fn root_level_project() {
    let mut cs = vec![
        at(
            Kind::Runtime,
            Ecosystem::Generic,
            "node",
            "pulumi",
            "Pulumi.yaml",
        ),
        at(
            Kind::Package,
            Ecosystem::Npm,
            "@pulumi/aws",
            "package-lock",
            "package-lock.json",
        ),
        at(
            Kind::Package,
            Ecosystem::Npm,
            "@pulumi/aws",
            "package-json",
            "web/package.json",
        ),
    ];
    mark_pulumi_providers(&mut cs);
    assert_eq!(cs[1].kind, Kind::Provider);
    assert_eq!(cs[2].kind, Kind::Package);
}

#[test]
fn providers_a_pulumi_project_marked_stay_nodes_of_their_lock() {
    let mut aws = at(
        Kind::Package,
        Ecosystem::Npm,
        "@pulumi/aws",
        "package-lock",
        "infra/package-lock.json",
    )
    .with_version("6.0.0");
    aws.dependencies = vec![DependencyEdge {
        name: "mime".into(),
        version: Some("2.6.0".into()),
    }];
    let mut cs = vec![
        at(
            Kind::Runtime,
            Ecosystem::Generic,
            "nodejs",
            "pulumi",
            "infra/Pulumi.yaml",
        ),
        aws,
        at(
            Kind::Package,
            Ecosystem::Npm,
            "mime",
            "package-lock",
            "infra/package-lock.json",
        )
        .with_version("2.6.0"),
    ];
    mark_pulumi_providers(&mut cs);
    let inventory = Inventory::finish(".", cs, vec![], Default::default());
    let project = Project::of(&inventory);
    let g = &project.locks[0].graph;
    assert_eq!(
        labels(g, &g.edges),
        [("@pulumi/aws@6.0.0".to_string(), "mime@2.6.0".to_string())]
    );
    assert_eq!(project.pulumi[0].providers.len(), 1);
}
