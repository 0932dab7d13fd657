//! The decisions of `outdated` on a real scan of a small repository, with registries answered
//! from memory (the registry clients have their own tests against real servers and recorded
//! responses; these tests are about choosing current, wanted and latest).

use super::*;
use crate::{Package, Registry, Release, Upstream, UpstreamError};
use polyver_model::Ecosystem;
use std::path::Path;
use std::sync::{Arc, Mutex};

struct Memory {
    ecosystem: Ecosystem,
    packages: Vec<Package>,
    digests: Vec<(String, String, String)>,
    asked: Mutex<Vec<String>>,
    failing: Vec<String>,
}

impl Memory {
    fn new(ecosystem: Ecosystem, packages: Vec<Package>) -> Memory {
        Memory {
            ecosystem,
            packages,
            digests: Vec::new(),
            asked: Mutex::new(Vec::new()),
            failing: Vec::new(),
        }
    }
}

impl Registry for Memory {
    fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }
    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        self.asked.lock().unwrap().push(name.to_string());
        if self.failing.iter().any(|f| f == name) {
            return Err(UpstreamError::malformed("http://registry.test/x", "boom"));
        }
        Ok(self.packages.iter().find(|p| p.name == name).cloned())
    }
    fn tag_digest(&self, name: &str, tag: &str) -> Result<Option<String>, UpstreamError> {
        Ok(self
            .digests
            .iter()
            .find(|(n, t, _)| n == name && t == tag)
            .map(|(_, _, d)| d.clone()))
    }
}

fn at(day: &str) -> Option<Timestamp> {
    Some(format!("{day}T00:00:00Z").parse().unwrap())
}

fn release(version: &str, day: &str) -> Release {
    Release {
        version: version.into(),
        published: at(day),
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

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn scan(files: &[(&str, &str)]) -> polyver_model::Inventory {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    polyver_extract::scan(dir.path(), &polyver_extract::ScanConfig::default()).unwrap()
}

fn now() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn run(inventory: &polyver_model::Inventory, registries: Vec<Arc<dyn Registry>>) -> Report {
    let upstream = Upstream::from_registries(registries);
    outdated(inventory, &upstream, &Options::default(), now(), &|_, _| {})
}

fn row<'r>(report: &'r Report, name: &str) -> &'r Row {
    report
        .rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row for {name}: {report:#?}"))
}

const PACKAGE_JSON: &str = r#"{
  "name": "app",
  "dependencies": { "express": "^4.17.0", "left-pad": "1.1.0" },
  "devDependencies": { "typescript": "~4.9.0" }
}"#;

const PACKAGE_LOCK: &str = r#"{
  "name": "app", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": { "name": "app", "dependencies": { "express": "^4.17.0", "left-pad": "1.1.0" }, "devDependencies": { "typescript": "~4.9.0" } },
    "node_modules/express": { "version": "4.17.1", "dependencies": { "accepts": "~1.3.7" } },
    "node_modules/accepts": { "version": "1.3.7" },
    "node_modules/left-pad": { "version": "1.1.0" },
    "node_modules/typescript": { "version": "4.9.4", "dev": true }
  }
}"#;

fn npm_registry() -> Memory {
    let mut express = package(
        "express",
        vec![
            release("4.17.1", "2019-05-26"),
            release("4.18.2", "2022-10-08"),
            release("4.21.0", "2024-09-11"),
            release("5.0.0-beta.1", "2022-02-14"),
            release("5.1.0", "2025-03-31"),
        ],
    );
    express.tags.insert("latest".into(), "5.1.0".into());
    let mut left_pad = package(
        "left-pad",
        vec![
            release("1.1.0", "2016-03-23"),
            release("1.3.0", "2018-04-09"),
        ],
    );
    left_pad.deprecated = Some("use String.prototype.padStart()".into());
    let typescript = package(
        "typescript",
        vec![
            release("4.9.4", "2022-12-08"),
            release("4.9.5", "2023-01-30"),
            release("5.0.0-beta", "2023-01-26"),
            release("5.4.5", "2024-04-10"),
        ],
    );
    let mut accepts = package(
        "accepts",
        vec![
            release("1.3.7", "2019-04-29"),
            release("1.3.8", "2022-02-02"),
        ],
    );
    accepts.releases[1].yanked = None;
    Memory::new(Ecosystem::Npm, vec![express, left_pad, typescript, accepts])
}

#[test]
fn manifest_ranges_take_current_from_the_lock_and_wanted_from_the_range() {
    let inventory = scan(&[
        ("package.json", PACKAGE_JSON),
        ("package-lock.json", PACKAGE_LOCK),
    ]);
    let report = run(&inventory, vec![Arc::new(npm_registry())]);

    let express = row(&report, "express");
    assert_eq!(express.path, "package.json");
    assert_eq!(express.constraint.as_deref(), Some("^4.17.0"));
    assert_eq!(express.current.as_deref(), Some("4.17.1"));
    assert_eq!(express.current_from.as_deref(), Some("package-lock.json"));
    assert_eq!(express.wanted.as_deref(), Some("4.21.0"));
    assert_eq!(express.latest.as_deref(), Some("5.1.0"));
    assert_eq!(express.status, Status::Outdated);
    assert_eq!(express.bump, Some(Bump::Major));
    assert_eq!((express.majors_behind, express.minors_behind), (1, 0));
    // The first newer release (4.18.2, 2022-10-08) has waited until 2026-06-01.
    assert_eq!(express.days_behind, Some(1332));
    // 2019-05-26 → 2025-03-31.
    assert_eq!(express.libyears, Some(5.85));

    // The lock's own entry for express gives the manifest row its version: no second row.
    assert_eq!(
        report.rows.iter().filter(|r| r.name == "express").count(),
        1
    );
    // Transitive entries only with --all.
    assert!(report.rows.iter().all(|r| r.name != "accepts"));

    let left_pad = row(&report, "left-pad");
    assert_eq!(
        left_pad.deprecated.as_deref(),
        Some("use String.prototype.padStart()")
    );
    assert_eq!(left_pad.wanted.as_deref(), Some("1.1.0"));
    assert_eq!(left_pad.bump, Some(Bump::Minor));

    // No dist-tag: the newest stable; a pre-release of the next major is not "latest".
    let typescript = row(&report, "typescript");
    assert_eq!(typescript.wanted.as_deref(), Some("4.9.5"));
    assert_eq!(typescript.latest.as_deref(), Some("5.4.5"));
    assert_eq!(typescript.scope, Scope::Dev);
    assert_eq!(report.max_bump(), Some(Bump::Major));
    assert_eq!(report.behind_at_least(Bump::Minor), 3);
    assert_eq!(report.behind_at_least(Bump::Major), 2);
}

#[test]
fn all_adds_transitive_entries_and_each_package_is_asked_once() {
    let inventory = scan(&[
        ("package.json", PACKAGE_JSON),
        ("package-lock.json", PACKAGE_LOCK),
        (
            "web/package.json",
            r#"{"dependencies": {"express": "4.18.2"}}"#,
        ),
    ]);
    let registry = Arc::new(npm_registry());
    let upstream = Upstream::from_registries([registry.clone() as Arc<dyn Registry>]);
    let report = outdated(
        &inventory,
        &upstream,
        &Options {
            all: true,
            ..Options::default()
        },
        now(),
        &|_, _| {},
    );
    let accepts = row(&report, "accepts");
    assert!(!accepts.direct);
    assert_eq!(accepts.latest.as_deref(), Some("1.3.8"));
    let mut asked = registry.asked.lock().unwrap().clone();
    let total = asked.len();
    asked.sort();
    asked.dedup();
    assert_eq!(total, asked.len(), "one lookup per package: {asked:?}");
    assert_eq!(report.lookups, asked.len());
    // Two files declare express: one row each.
    let files: Vec<&str> = report
        .rows
        .iter()
        .filter(|r| r.name == "express")
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(files, ["package.json", "web/package.json"]);
}

#[test]
fn yanked_current_and_failed_lookups_are_reported_without_ending_the_run() {
    let inventory = scan(&[(
        "requirements.txt",
        "requests==2.31.0\nflask==2.0.0\nmissing-pkg==1.0\nbroken==1.0\n",
    )]);
    let mut requests = package(
        "requests",
        vec![
            release("2.31.0", "2023-05-22"),
            release("2.32.0", "2024-05-20"),
            release("2.32.3", "2024-05-29"),
        ],
    );
    requests.releases[1].yanked = Some("conflicts with CVE fix".into());
    let flask = package(
        "flask",
        vec![
            release("2.0.0", "2021-05-11"),
            release("3.0.0", "2023-09-30"),
            release("3.1.0rc1", "2024-10-01"),
        ],
    );
    let mut flask = flask;
    flask.releases[0].yanked = Some(String::new());
    let mut memory = Memory::new(Ecosystem::Pypi, vec![requests, flask]);
    memory.failing.push("broken".into());
    let report = run(&inventory, vec![Arc::new(memory)]);

    // The yanked 2.32.0 is never a candidate.
    let requests = row(&report, "requests");
    assert_eq!(requests.latest.as_deref(), Some("2.32.3"));
    assert_eq!(requests.wanted.as_deref(), Some("2.31.0"));
    assert_eq!(requests.bump, Some(Bump::Minor));
    let flask = row(&report, "flask");
    assert_eq!(flask.yanked.as_deref(), Some(""));
    assert_eq!(flask.latest.as_deref(), Some("3.0.0"));
    let missing = row(&report, "missing-pkg");
    assert_eq!(missing.status, Status::Unknown);
    assert_eq!(
        missing.note.as_deref(),
        Some("the registry has no such package")
    );
    let broken = row(&report, "broken");
    assert_eq!(broken.status, Status::Unknown);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].name, "broken");
    assert!(report.problems[0].message.contains("boom"));
}

#[test]
fn image_tags_keep_their_variant_and_precision_and_digests_are_checked() {
    let inventory = scan(&[(
        "Dockerfile",
        "FROM python:3.10.12-slim-bookworm AS build\n\
         FROM postgres:15@sha256:1111111111111111111111111111111111111111111111111111111111111111\n",
    )]);
    let python = package(
        "python",
        [
            "3.10.12-slim-bookworm",
            "3.10.13-slim-bookworm",
            "3.12.4-slim-bookworm",
            "3.13.0rc2-slim-bookworm",
            "3.13.1-alpine",
            "3.12-slim-bookworm",
            "latest",
            "slim-bookworm",
            "3.12.4-slim-bullseye",
        ]
        .iter()
        .map(|t| Release {
            version: t.to_string(),
            ..Release::default()
        })
        .collect(),
    );
    let postgres = package(
        "postgres",
        ["15", "16", "17", "15.4", "17.5", "17-alpine"]
            .iter()
            .map(|t| Release {
                version: t.to_string(),
                ..Release::default()
            })
            .collect(),
    );
    let mut memory = Memory::new(Ecosystem::Docker, vec![python, postgres]);
    let moved = format!("sha256:{}", "2".repeat(64));
    memory
        .digests
        .push(("postgres".into(), "15".into(), moved.clone()));
    let report = run(&inventory, vec![Arc::new(memory)]);

    let python = row(&report, "python");
    assert_eq!(python.latest.as_deref(), Some("3.12.4-slim-bookworm"));
    assert_eq!(python.bump, Some(Bump::Minor));
    let postgres = row(&report, "postgres");
    assert_eq!(postgres.latest.as_deref(), Some("17"));
    assert_eq!(postgres.majors_behind, 2);
    assert_eq!(postgres.newer_digest.as_deref(), Some(moved.as_str()));
}

#[test]
fn actions_pinned_to_a_commit_resolve_to_their_tag_and_major_tags_float() {
    let sha = "b4ffde65f46336ab88eb53be808477a3936bae11";
    let workflow = format!(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@{sha}\n      - uses: actions/setup-node@v3\n"
    );
    let inventory = scan(&[(".github/workflows/ci.yml", &workflow)]);
    let tag = |v: &str, digest: &str| Release {
        version: v.into(),
        digest: Some(digest.into()),
        ..Release::default()
    };
    let checkout = package(
        "actions/checkout",
        vec![
            tag("v4.1.1", sha),
            tag("v4", "c0ffee"),
            tag("v4.2.2", "c0ffee"),
            tag("v3.6.0", "abc"),
        ],
    );
    let setup_node = package(
        "actions/setup-node",
        vec![
            tag("v3", "1"),
            tag("v3.8.1", "1"),
            tag("v4", "2"),
            tag("v4.0.2", "2"),
        ],
    );
    let report = run(
        &inventory,
        vec![Arc::new(Memory::new(
            Ecosystem::GithubActions,
            vec![checkout, setup_node],
        ))],
    );

    let checkout = row(&report, "actions/checkout");
    assert_eq!(checkout.current.as_deref(), Some("v4.1.1"));
    assert_eq!(checkout.current_from.as_deref(), Some("tag-of-commit"));
    assert_eq!(checkout.latest.as_deref(), Some("v4.2.2"));
    assert_eq!(checkout.bump, Some(Bump::Minor));
    let setup_node = row(&report, "actions/setup-node");
    assert_eq!(setup_node.latest.as_deref(), Some("v4"));
    assert_eq!(setup_node.bump, Some(Bump::Major));
}

#[test]
fn components_without_a_registry_are_counted_not_looked_up() {
    let inventory = scan(&[
        (".nvmrc", "20.11.0\n"),
        ("requirements.txt", "requests==2.31.0\n"),
    ]);
    let report = run(&inventory, vec![]);
    assert!(report.rows.is_empty());
    assert_eq!(report.skipped.get("no registry for generic"), Some(&1));
    assert_eq!(report.skipped.get("no registry for pypi"), Some(&1));
}
