//! `analyze` on a synthetic 10,000-component monorepo inventory: 100 Python projects (requirement
//! files including a shared base, pyproject ranges), 100 npm projects (package.json + lock with
//! nested duplicates), images, version files and actions, with an [approved] table and a
//! [[compat]] rule so every rule runs.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use polyver_analyze::{analyze, Policy};
use polyver_config::approved::{entry, Origin};
use polyver_config::CompatRule;
use polyver_model::{Component, Ecosystem, Inventory, Kind, Location, ScanStats, Scope};

fn inventory() -> Inventory {
    let mut c = Vec::new();
    let loc = |p: String, l: u32| Location::new(p, l);
    for i in 0..100 {
        let dir = format!("services/py-{i}");
        for j in 0..30u32 {
            let name = format!("pkg-{}", (i * 7 + j as usize) % 400);
            c.push(
                Component::new(
                    Kind::Package,
                    Ecosystem::Pypi,
                    &name,
                    polyver_model::Format::Requirements,
                    loc(format!("{dir}/requirements.txt"), j + 1),
                )
                .with_version(format!("1.{}.0", j % 5))
                .with_constraint(format!("==1.{}.0", j % 5)),
            );
            c.push(
                Component::new(
                    Kind::Package,
                    Ecosystem::Pypi,
                    &name,
                    polyver_model::Format::Pyproject,
                    loc(format!("{dir}/pyproject.toml"), j + 5),
                )
                .with_constraint(format!(">=1.{},<{}", j % 3, 3 + i)),
            );
        }
        c.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "python",
                polyver_model::Format::VersionFile,
                loc(format!("{dir}/.python-version"), 1),
            )
            .with_version("3.11"),
        );
        c.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "python",
                polyver_model::Format::Pyproject,
                loc(format!("{dir}/pyproject.toml"), 3),
            )
            .with_constraint(">=3.10"),
        );
        c.push(
            Component::new(
                Kind::Image,
                Ecosystem::Docker,
                "python",
                polyver_model::Format::Dockerfile,
                loc(format!("{dir}/Dockerfile"), 1),
            )
            .with_version("3.11-slim"),
        );
    }
    for i in 0..100 {
        let dir = format!("web/app-{i}");
        for j in 0..20u32 {
            let name = format!("lib-{}", (i * 3 + j as usize) % 300);
            c.push(
                Component::new(
                    Kind::Package,
                    Ecosystem::Npm,
                    &name,
                    polyver_model::Format::PackageJson,
                    loc(format!("{dir}/package.json"), j + 1),
                )
                .with_constraint(format!("^{}.2.0", j % 4 + 1)),
            );
            c.push(
                Component::new(
                    Kind::Package,
                    Ecosystem::Npm,
                    &name,
                    polyver_model::Format::PackageLock,
                    loc(format!("{dir}/package-lock.json"), j * 5 + 1),
                )
                .with_version(format!("{}.2.{}", j % 4 + 1, i % 9)),
            );
            c.push(
                Component::new(
                    Kind::Package,
                    Ecosystem::Npm,
                    &name,
                    polyver_model::Format::PackageLock,
                    loc(format!("{dir}/package-lock.json"), j * 5 + 3),
                )
                .with_version(format!("0.9.{i}"))
                .with_scope(Scope::Dev)
                .with_direct(false),
            );
        }
        c.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "node",
                polyver_model::Format::VersionFile,
                loc(format!("{dir}/.nvmrc"), 1),
            )
            .with_version("18.19.0"),
        );
        c.push(
            Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                "node",
                polyver_model::Format::PackageJson,
                loc(format!("{dir}/package.json"), 30),
            )
            .with_constraint(">=18"),
        );
        c.push(
            Component::new(
                Kind::Action,
                Ecosystem::GithubActions,
                "actions/checkout",
                polyver_model::Format::GithubActions,
                loc(format!("{dir}/.github/workflows/ci.yml"), 5),
            )
            .with_version("v4"),
        );
    }
    let inv = Inventory::finish(".", c, vec![], ScanStats::default());
    assert!(inv.components.len() >= 10_000, "{}", inv.components.len());
    inv
}

fn bench(cr: &mut Criterion) {
    let inv = inventory();
    let o = || Origin {
        path: "polyver.toml".into(),
        line: 1,
    };
    let policy = Policy {
        approved: vec![
            entry("python", "3.11", o()).unwrap(),
            entry("pypi:pkg-1", ">=1,<2", o()).unwrap(),
            entry("npm:lib-1", "^1", o()).unwrap(),
        ],
        compat: vec![CompatRule {
            when: vec![entry("python", "3.11", o()).unwrap()],
            require: vec![entry("pypi:pkg-2", ">=1.1", o()).unwrap()],
            reason: None,
            origin: o(),
        }],
    };
    let report = analyze(&inv, &policy);
    eprintln!(
        "{} components, {} conflicts",
        inv.components.len(),
        report.conflicts.len()
    );
    cr.bench_function("analyze 10k components", |b| {
        b.iter(|| analyze(black_box(&inv), &policy))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
