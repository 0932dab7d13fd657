//! The resolution chain on real metadata (see fixtures/README.md for where each file comes
//! from), registry lookups against a local server, and the on-disk cache.

use polyver_license::installed::from_metadata;
use polyver_license::policy::{Outcome, Policy, Term};
use polyver_license::registry::{Lookup, Registry, RegistryUrls};
use polyver_license::resolve::{resolve, Sources};
use polyver_license::{Category, LicenseReport, PackageLicense, Rule};
use polyver_model::Ecosystem;
use polyver_net::testing::{Response, TestServer};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn inventory() -> polyver_model::Inventory {
    let root = fixtures().join("repo");
    polyver_extract::scan(&root, &polyver_extract::ScanConfig::default()).unwrap()
}

fn row<'a>(report: &'a LicenseReport, name: &str) -> &'a PackageLicense {
    report
        .packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} not in {:#?}", report.packages))
}

fn local(policy: &Policy) -> LicenseReport {
    resolve(
        &fixtures().join("repo"),
        &inventory(),
        &Sources::default(),
        policy,
    )
}

/// Installed metadata is found with the scan's rules: a `[scan] exclude` covering a
/// node_modules folder keeps its package.json out, as the scan keeps out any excluded file.
#[test]
fn installed_metadata_follows_the_scan_exclude_globs() {
    let scan = polyver_extract::ScanConfig {
        exclude: vec!["web/node_modules/**".into()],
        ..Default::default()
    };
    let report = resolve(
        &fixtures().join("repo"),
        &inventory(),
        &Sources {
            scan,
            ..Default::default()
        },
        &Policy::default(),
    );
    let left_pad = row(&report, "left-pad");
    assert_ne!(
        left_pad.source.as_deref(),
        Some("web/node_modules/left-pad/package.json")
    );
    assert_eq!(
        row(&local(&Policy::default()), "left-pad")
            .license
            .expression
            .as_deref(),
        Some("WTFPL")
    );
}

#[test]
fn lock_file_installed_and_project_sources() {
    let report = local(&Policy::default());
    assert_eq!(report.schema, "polyver.licenses/v1");

    // package-lock.json `license` fields, with the line of the entry.
    let ua = row(&report, "ua-parser-js");
    assert_eq!(ua.license.expression.as_deref(), Some("AGPL-3.0-or-later"));
    assert_eq!(ua.category, Category::NetworkCopyleft);
    assert!(
        ua.source
            .as_deref()
            .unwrap()
            .starts_with("package-lock.json:"),
        "{:?}",
        ua.source
    );
    let argparse = row(&report, "argparse");
    assert_eq!(argparse.license.expression.as_deref(), Some("Python-2.0"));
    assert_eq!(
        row(&report, "tslib").license.expression.as_deref(),
        Some("0BSD")
    );
    assert_eq!(
        row(&report, "caniuse-lite").license.expression.as_deref(),
        Some("CC-BY-4.0")
    );

    // node_modules/<name>/package.json beside web/package.json.
    let left_pad = row(&report, "left-pad");
    assert_eq!(left_pad.license.expression.as_deref(), Some("WTFPL"));
    assert_eq!(
        left_pad.source.as_deref(),
        Some("web/node_modules/left-pad/package.json")
    );

    // dist-info METADATA: License field, License-Expression, classifiers.
    let site = ".venv/lib/python3.11/site-packages";
    let requests = row(&report, "requests");
    assert_eq!(requests.license.expression.as_deref(), Some("Apache-2.0"));
    assert_eq!(requests.license.rule, Rule::Spdx);
    assert_eq!(
        requests.source.as_deref(),
        Some(format!("{site}/requests-2.32.3.dist-info/METADATA").as_str())
    );
    assert_eq!(
        row(&report, "attrs").license.expression.as_deref(),
        Some("MIT")
    );
    let urllib3 = row(&report, "urllib3");
    assert_eq!(
        (urllib3.license.expression.as_deref(), urllib3.license.rule),
        (Some("MIT"), Rule::Classifier)
    );
    // `License: LGPL` is a guess; the classifier says LGPLv2+ and wins.
    let chardet = row(&report, "chardet");
    assert_eq!(
        chardet.license.expression.as_deref(),
        Some("LGPL-2.0-or-later")
    );
    assert_eq!(chardet.category, Category::WeakCopyleft);
    // Two vague classifiers: a choice of two guesses, reported as a guess.
    let packaging = row(&report, "packaging");
    assert_eq!(
        packaging.license.expression.as_deref(),
        Some("Apache-2.0 OR BSD-3-Clause")
    );
    assert_eq!(packaging.license.rule, Rule::Guess);

    // Nothing local for this one, and no registry: unknown, and said why.
    let unknown = row(&report, "left-pad-py");
    assert_eq!(unknown.license.expression, None);
    assert_eq!(unknown.verdict.outcome, Outcome::Warn);
    assert!(unknown
        .license
        .note
        .as_deref()
        .unwrap()
        .contains("no local source"));

    // The project's own licence: package.json, then the LICENSE text.
    assert_eq!(report.project.expression.as_deref(), Some("MIT"));
    assert_eq!(report.project.source.as_deref(), Some("package.json:5"));
    let file = report
        .project
        .evidence
        .iter()
        .find(|e| e.source == "LICENSE")
        .unwrap();
    assert_eq!(file.license.rule, Rule::Text);
    assert_eq!(file.license.expression.as_deref(), Some("MIT"));

    // AGPL in runtime scope of an MIT project: incompatible; CC-BY-4.0 dev: fine.
    let c = ua.compatibility.as_ref().unwrap();
    assert_eq!(c.level, polyver_license::compat::Level::Warning);
    assert!(row(&report, "caniuse-lite").compatibility.is_none());
    assert_eq!(report.summary.incompatible, 1);
    assert_eq!(report.summary.unknown, 1);
    assert_eq!(report.summary.violations, 0);
}

#[test]
fn policy_over_the_real_tree() {
    let policy = Policy {
        allow: vec![
            Term::parse("permissive").unwrap(),
            Term::parse("weak-copyleft").unwrap(),
        ],
        deny: vec![Term::parse("network-copyleft").unwrap()],
        ..Policy::default()
    };
    let report = local(&policy);
    let ua = row(&report, "ua-parser-js");
    assert_eq!(ua.verdict.outcome, Outcome::Violation);
    assert_eq!(
        ua.verdict.reason,
        "AGPL-3.0-or-later (network-copyleft) is denied by `network-copyleft`"
    );
    assert_eq!(row(&report, "chardet").verdict.outcome, Outcome::Pass);
    assert_eq!(report.summary.violations, 1);
    assert!(report.has_violations());

    let findings = report.findings();
    let denied: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "license/denied")
        .collect();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].severity, polyver_model::FindingSeverity::High);
    assert_eq!(denied[0].name.as_deref(), Some("ua-parser-js"));
    assert_eq!(denied[0].locations[0].path, "package-lock.json");
    assert!(findings
        .iter()
        .any(|f| f.rule == "license/unknown" && f.name.as_deref() == Some("left-pad-py")));
    assert!(findings.iter().any(|f| f.rule == "license/incompatible"
        && f.severity == polyver_model::FindingSeverity::Medium));
}

#[test]
fn metadata_field_precedence() {
    let meta = |name: &str| {
        std::fs::read_to_string(fixtures().join(format!(
            "repo/.venv/lib/python3.11/site-packages/{name}.dist-info/METADATA"
        )))
        .unwrap()
    };
    let attrs = from_metadata(&meta("attrs-25.3.0"));
    assert_eq!(
        (attrs.expression.as_deref(), attrs.rule),
        (Some("MIT"), Rule::Spdx)
    );
    let chardet = from_metadata(&meta("chardet-5.2.0"));
    assert_eq!(chardet.rule, Rule::Classifier);
    // A License field holding the whole text is recognized as text.
    let text = std::fs::read_to_string(fixtures().join("texts/chardet-5.2.0-LICENSE")).unwrap();
    let mut folded = String::from("Metadata-Version: 2.1\nName: x\nLicense: ");
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            folded.push_str("\n        ");
        }
        folded.push_str(line);
    }
    folded.push_str("\n\nbody\n");
    let n = from_metadata(&folded);
    assert_eq!(
        (n.expression.as_deref(), n.rule),
        (Some("LGPL-2.1-only"), Rule::Text)
    );
}

#[test]
fn real_licence_files_are_recognized() {
    for (file, id) in [
        ("requests-2.32.3-LICENSE", Some("Apache-2.0")),
        ("chardet-5.2.0-LICENSE", Some("LGPL-2.1-only")),
        ("urllib3-2.3.0-LICENSE.txt", Some("MIT")),
        ("packaging-25.0-LICENSE.BSD", Some("BSD-2-Clause")),
        ("packaging-25.0-LICENSE.APACHE", Some("Apache-2.0")),
        ("debug-4.3.4-LICENSE", Some("MIT")),
    ] {
        let text = std::fs::read_to_string(fixtures().join("texts").join(file)).unwrap();
        assert_eq!(
            polyver_license::detect::detect_text(&text).map(|d| d.id),
            id,
            "{file}"
        );
    }
}

fn registry(server: &TestServer, cache: &Path, offline: bool) -> Registry {
    let client = polyver_net::Client::new(polyver_net::Options {
        offline,
        retries: 0,
        timeout: std::time::Duration::from_secs(5),
        cache_dir: Some(cache.to_path_buf()),
        ..Default::default()
    })
    .unwrap();
    Registry::new(
        client,
        RegistryUrls {
            pypi: server.url("/pypi"),
            npm: server.url("/npm"),
            crates_io: server.url("/api/v1/crates"),
        },
    )
}

const PYPI_LEFT_PAD: &str = r#"{"info": {"name": "left-pad-py", "version": "1.0.0", "license": null, "license_expression": null,
  "classifiers": ["License :: OSI Approved :: MIT License", "Programming Language :: Python :: 3"]}, "urls": []}"#;

#[test]
fn registry_lookups_are_cached_on_disk() {
    let server = TestServer::start();
    server.route(
        "/pypi/left-pad-py/1.0.0/json",
        Response::ok(PYPI_LEFT_PAD).header("ETag", "\"v1\""),
    );
    let cache = tempfile::tempdir().unwrap();
    let root = fixtures().join("repo");
    let inv = inventory();

    let reg = registry(&server, cache.path(), false);
    let sources = Sources {
        registry: Some(&reg),
        ..Default::default()
    };
    let first = resolve(&root, &inv, &sources, &Policy::default());
    let pad = row(&first, "left-pad-py");
    assert_eq!(pad.license.expression.as_deref(), Some("MIT"));
    assert_eq!(pad.source.as_deref(), Some("registry:pypi"));
    assert_eq!(first.summary.registry_lookups, 1);
    assert_eq!(first.summary.registry_cached, 0);
    assert_eq!(server.hits("/pypi/left-pad-py/1.0.0/json"), 1);
    // Only what no local file answered was asked for.
    assert_eq!(server.requests().len(), 1);

    // Second run: answered from the cache, no request.
    let second = resolve(&root, &inv, &sources, &Policy::default());
    assert_eq!(
        row(&second, "left-pad-py").license.expression.as_deref(),
        Some("MIT")
    );
    assert_eq!(second.summary.registry_cached, 1);
    assert_eq!(server.hits("/pypi/left-pad-py/1.0.0/json"), 1);

    // Offline: the cache still answers; with an empty cache, unknown (offline), no request.
    let offline = registry(&server, cache.path(), true);
    let third = resolve(
        &root,
        &inv,
        &Sources {
            registry: Some(&offline),
            offline: true,
            ..Default::default()
        },
        &Policy::default(),
    );
    assert_eq!(
        row(&third, "left-pad-py").license.expression.as_deref(),
        Some("MIT")
    );
    let empty = tempfile::tempdir().unwrap();
    let cold = registry(&server, empty.path(), true);
    let fourth = resolve(
        &root,
        &inv,
        &Sources {
            registry: Some(&cold),
            offline: true,
            ..Default::default()
        },
        &Policy::default(),
    );
    let pad = row(&fourth, "left-pad-py");
    assert_eq!(pad.license.expression, None);
    assert!(
        pad.license.note.as_deref().unwrap().contains("offline"),
        "{:?}",
        pad.license.note
    );
    assert!(fourth.notes.is_empty(), "{:?}", fourth.notes);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn each_registry_is_read_its_own_way() {
    let server = TestServer::start();
    let npm = std::fs::read(fixtures().join("registry/npm-left-pad-1.3.0.json")).unwrap();
    server.route("/npm/left-pad/1.3.0", Response::ok(npm));
    server.route(
        "/api/v1/crates/serde/1.0.200",
        Response::ok(
            r#"{"version": {"crate": "serde", "num": "1.0.200", "license": "MIT OR Apache-2.0"}}"#,
        ),
    );
    server.route("/pypi/nope/1.0/json", Response::status(404));
    server.route("/npm/broken/1.0.0", Response::ok("<html>"));
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&server, cache.path(), false);
    let found = |l: Lookup| match l {
        Lookup::Found {
            license, source, ..
        } => (license.expression, source),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        found(reg.lookup(Ecosystem::Npm, "left-pad", "1.3.0")),
        (Some("WTFPL".to_string()), "registry:npm".to_string())
    );
    assert_eq!(
        found(reg.lookup(Ecosystem::Cargo, "serde", "1.0.200")),
        (
            Some("MIT OR Apache-2.0".to_string()),
            "registry:cargo".to_string()
        )
    );
    assert!(matches!(
        reg.lookup(Ecosystem::Pypi, "nope", "1.0"),
        Lookup::NotFound(_)
    ));
    match reg.lookup(Ecosystem::Npm, "broken", "1.0.0") {
        Lookup::Failed(why) => assert!(why.contains("not JSON"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Many at once, on the pool, in input order.
    let seen = std::sync::Mutex::new(Vec::new());
    let all = reg.lookup_all(
        &[
            (Ecosystem::Cargo, "serde".into(), "1.0.200".into()),
            (Ecosystem::Npm, "left-pad".into(), "1.3.0".into()),
        ],
        &|done, total| seen.lock().unwrap().push((done, total)),
    );
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    assert_eq!(seen, [(1, 2), (2, 2)]);
    assert!(
        matches!(&all[0], Lookup::Found { source, cached: true, .. } if source == "registry:cargo")
    );
    assert!(matches!(&all[1], Lookup::Found { source, .. } if source == "registry:npm"));
}

#[test]
fn cargo_sources_and_vendor() {
    let root = fixtures().join("rust");
    let inv = polyver_extract::scan(&root, &polyver_extract::ScanConfig::default()).unwrap();
    let sources = Sources {
        cargo_home: Some(fixtures().join("cargo-home")),
        ..Default::default()
    };
    let report = resolve(&root, &inv, &sources, &Policy::default());
    let strsim = row(&report, "strsim");
    assert_eq!(strsim.license.expression.as_deref(), Some("MIT"));
    assert_eq!(
        strsim.source.as_deref(),
        Some("$CARGO_HOME/registry/src/index.crates.io-1949cf8c6b5b557f/strsim-0.11.1/Cargo.toml")
    );
    let spdx = row(&report, "spdx");
    assert_eq!(spdx.license.expression.as_deref(), Some("Apache-2.0"));
    assert_eq!(spdx.source.as_deref(), Some("vendor/spdx/Cargo.toml"));
    assert_eq!(row(&report, "smallvec").license.expression, None);
    assert_eq!(
        report.project.expression.as_deref(),
        Some("MIT OR Apache-2.0")
    );
    assert_eq!(report.project.source.as_deref(), Some("Cargo.toml:5"));
    assert_eq!(report.project.category, Category::Permissive);
    assert_eq!(report.summary.by_source["installed"], 2);
}

/// Go modules: licence files in the module cache (case-escaped paths) and in vendor/.
/// The texts are real licence files: the SPDX reference MIT text (from the `spdx` crate)
/// and requests' Apache-2.0 LICENSE.
#[test]
fn go_module_cache_and_vendor() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("svc");
    let cache = dir.path().join("modcache");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("go.mod"),
        "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/BurntSushi/toml v1.3.2\n\tgithub.com/spf13/cobra v1.8.0\n\tgolang.org/x/text v0.14.0 // indirect\n)\n",
    )
    .unwrap();
    let toml = cache.join("github.com/!burnt!sushi/toml@v1.3.2");
    std::fs::create_dir_all(&toml).unwrap();
    std::fs::write(
        toml.join("COPYING"),
        spdx::license_id("MIT").unwrap().text(),
    )
    .unwrap();
    let cobra = root.join("vendor/github.com/spf13/cobra");
    std::fs::create_dir_all(&cobra).unwrap();
    std::fs::copy(
        fixtures().join("texts/requests-2.32.3-LICENSE"),
        cobra.join("LICENSE.txt"),
    )
    .unwrap();

    let inv = polyver_extract::scan(&root, &polyver_extract::ScanConfig::default()).unwrap();
    let sources = Sources {
        go_mod_cache: Some(cache),
        ..Default::default()
    };
    let report = resolve(&root, &inv, &sources, &Policy::default());
    let toml = row(&report, "github.com/BurntSushi/toml");
    assert_eq!(toml.license.expression.as_deref(), Some("MIT"));
    assert_eq!(toml.license.rule, Rule::Text);
    assert_eq!(
        toml.source.as_deref(),
        Some("$GOMODCACHE/github.com/!burnt!sushi/toml@v1.3.2/COPYING")
    );
    let cobra = row(&report, "github.com/spf13/cobra");
    assert_eq!(cobra.license.expression.as_deref(), Some("Apache-2.0"));
    assert_eq!(
        cobra.source.as_deref(),
        Some("vendor/github.com/spf13/cobra/LICENSE.txt")
    );
    let text = row(&report, "golang.org/x/text");
    assert_eq!(text.license.expression, None);
    assert!(text
        .license
        .note
        .as_deref()
        .unwrap()
        .contains("no go registry lookup"));
    assert!(!text.direct);
    // Only go.mod's modules: the `go` runtime is not a package.
    assert_eq!(report.packages.len(), 3);
}

/// Vendored module folders are read with the scan's rules: one that is a symbolic link out
/// of the tree, or one an `exclude` glob names, is not read.
#[test]
fn vendor_folders_follow_the_scan_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("svc");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("go.mod"),
        "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n\tgithub.com/evil/x v1.0.0\n)\n",
    )
    .unwrap();
    let mit = spdx::license_id("MIT").unwrap().text();
    let cobra = root.join("vendor/github.com/spf13/cobra");
    std::fs::create_dir_all(&cobra).unwrap();
    std::fs::write(cobra.join("LICENSE"), mit).unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("LICENSE"), mit).unwrap();
    std::fs::create_dir_all(root.join("vendor/github.com/evil")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("vendor/github.com/evil/x")).unwrap();

    let inv = polyver_extract::scan(&root, &polyver_extract::ScanConfig::default()).unwrap();
    let report = resolve(&root, &inv, &Sources::default(), &Policy::default());
    assert_eq!(
        row(&report, "github.com/spf13/cobra")
            .license
            .expression
            .as_deref(),
        Some("MIT")
    );
    assert_eq!(row(&report, "github.com/evil/x").license.expression, None);

    let excluding = Sources {
        scan: polyver_extract::ScanConfig {
            exclude: vec!["vendor/github.com/spf13/**".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let report = resolve(&root, &inv, &excluding, &Policy::default());
    assert_eq!(
        row(&report, "github.com/spf13/cobra").license.expression,
        None
    );
    // With --follow-symlinks the link is followed, as the scan would.
    let following = Sources {
        scan: polyver_extract::ScanConfig {
            follow_symlinks: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let report = resolve(&root, &inv, &following, &Policy::default());
    assert_eq!(
        row(&report, "github.com/evil/x")
            .license
            .expression
            .as_deref(),
        Some("MIT")
    );
}
