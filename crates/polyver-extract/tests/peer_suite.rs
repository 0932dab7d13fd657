//! Parity with a peer scanner's own test suite: osv-scalibr's extractor test data
//! (`tests/peer/osv-scalibr/<ecosystem>/<extractor>/testdata/`, Apache-2.0, see NOTICE there)
//! and the packages its Go tests expect (`expectations.json` beside it, written by
//! `scripts/peer-expectations.py`).
//!
//! Why: our own fixtures show what we thought of; a peer's fixtures show what they ran into.
//! Every fixture goes through the walker's dispatch under the file name the format expects
//! (scalibr names many fixtures `*.json`, `*.lock`, `*.txt`; see [`PEERS`]), and its
//! (name, version) set is compared with the peer's. Where they differ, the difference must be
//! recorded in `differences.json` beside the fixtures (exactly: what only the peer finds, what
//! only polyver finds) and explained by a row of the table in `docs/peer-parity.md` whose
//! fixture pattern matches it. An unrecorded or changed difference, a recorded one that went
//! away, a table row that explains nothing: each fails. After reviewing a change, rewrite the
//! record with `POLYVER_PEER_UPDATE=1 cargo test -p polyver-extract --test peer_suite`.

use globset::{Glob, GlobMatcher};
use polyver_extract::registry::extractors;
use polyver_extract::{Dispatch, Extractor, SourceFile};
use polyver_model::{Component, Ecosystem, Format, Kind, Severity};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// One scalibr extractor: its directory here (its path under scalibr's
/// `extractor/filesystem/language/`), the polyver formats whose components are compared, and
/// the name a fixture is presented under when its own name is not one the format claims.
struct Peer {
    dir: &'static str,
    formats: &'static [Format],
    presented_as: &'static str,
}

const PEERS: &[Peer] = &[
    peer(
        "python/requirements",
        &[Format::Requirements, Format::RequirementsLock],
        "requirements.txt",
    ),
    peer("python/pipfilelock", &[Format::PipfileLock], "Pipfile.lock"),
    peer("python/poetrylock", &[Format::PoetryLock], "poetry.lock"),
    peer("python/pdmlock", &[Format::PdmLock], "pdm.lock"),
    peer("python/uvlock", &[Format::UvLock], "uv.lock"),
    peer("python/pylock", &[Format::Pylock], "pylock.toml"),
    peer(
        "python/pyprojecttoml",
        &[Format::Pyproject],
        "pyproject.toml",
    ),
    peer(
        "javascript/packagejson",
        &[Format::PackageJson],
        "package.json",
    ),
    peer(
        "javascript/packagelockjson",
        &[Format::PackageLock],
        "package-lock.json",
    ),
    peer("javascript/yarnlock", &[Format::YarnLock], "yarn.lock"),
    peer("javascript/pnpmlock", &[Format::PnpmLock], "pnpm-lock.yaml"),
    peer("javascript/bunlock", &[Format::BunLock], "bun.lock"),
    peer("rust/cargolock", &[Format::CargoLock], "Cargo.lock"),
    peer("rust/cargotoml", &[Format::CargoToml], "Cargo.toml"),
    peer("golang/gomod", &[Format::GoMod], "go.mod"),
    peer("java/pomxml", &[Format::Pom], "pom.xml"),
    peer(
        "java/gradlelockfile",
        &[Format::GradleLockfile],
        "gradle.lockfile",
    ),
    peer(
        "java/gradleversioncatalog",
        &[Format::GradleCatalog],
        "libs.versions.toml",
    ),
    peer("ruby/gemfilelock", &[Format::GemfileLock], "Gemfile.lock"),
    peer("php/composerlock", &[Format::ComposerLock], "composer.lock"),
    peer(
        "dotnet/packageslockjson",
        &[Format::NugetLock],
        "packages.lock.json",
    ),
    peer(
        "dotnet/packagesconfig",
        &[Format::Msbuild],
        "packages.config",
    ),
    peer("dotnet/csproj", &[Format::Msbuild], "project.csproj"),
    peer(
        "dotnet/nugetcpm",
        &[Format::Msbuild],
        "Directory.Packages.props",
    ),
    peer("dotnet/paketlock", &[Format::PaketLock], "paket.lock"),
    peer("dotnet/depsjson", &[Format::DepsJson], "app.deps.json"),
    peer(
        "julia/manifesttoml",
        &[Format::JuliaManifest],
        "Manifest.toml",
    ),
    peer("haskell/stacklock", &[Format::StackLock], "stack.yaml.lock"),
    peer("dart/pubspec", &[Format::PubspecLock], "pubspec.lock"),
    peer(
        "swift/packageresolved",
        &[Format::PackageResolved],
        "Package.resolved",
    ),
    peer("swift/podfilelock", &[Format::PodfileLock], "Podfile.lock"),
    peer("cpp/conanlock", &[Format::ConanLock], "conan.lock"),
    peer("r/renvlock", &[Format::RenvLock], "renv.lock"),
];

const fn peer(dir: &'static str, formats: &'static [Format], presented_as: &'static str) -> Peer {
    Peer {
        dir,
        formats,
        presented_as,
    }
}

/// Stands for "the file is an error" in a difference: the peer expects its extractor to fail
/// and polyver gave no diagnostic, or polyver gave an error the peer does not expect.
const ERROR: &str = "(error)";

fn peer_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer/osv-scalibr")
}

/// What the peer expects of one fixture.
struct Expectation {
    fixture: String,
    error: bool,
    packages: BTreeSet<String>,
}

fn expectations(peer: &Peer) -> Vec<Expectation> {
    let path = peer_root().join(peer.dir).join("expectations.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // A fixture several Go tests use once each (with other options) must expect one set.
    let mut by_fixture: BTreeMap<String, Expectation> = BTreeMap::new();
    for entry in doc["entries"].as_array().unwrap() {
        let fixture = entry["fixture"].as_str().unwrap().to_string();
        let packages: BTreeSet<String> = entry["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| key(p[0].as_str().unwrap(), p[1].as_str().unwrap(), peer))
            .collect();
        let error = entry["error"].as_bool().unwrap_or(false);
        if let Some(seen) = by_fixture.get(&fixture) {
            assert!(
                seen.packages == packages && seen.error == error,
                "{}: two tests expect different results of {fixture}",
                peer.dir
            );
            continue;
        }
        by_fixture.insert(
            fixture.clone(),
            Expectation {
                fixture,
                error,
                packages,
            },
        );
    }
    by_fixture.into_values().collect()
}

/// The compared form of (name, version), the same for both sides: PyPI names normalized as
/// PEP 503 says (both tools do, at different places), Go versions without their `v` (scalibr
/// drops it). No version at all is the name alone.
fn key(name: &str, version: &str, peer: &Peer) -> String {
    let name = if peer.dir.starts_with("python/") {
        pep503(name)
    } else {
        name.to_string()
    };
    let version = if peer.dir.starts_with("golang/") {
        version.strip_prefix('v').unwrap_or(version)
    } else {
        version
    };
    if version.is_empty() {
        name
    } else {
        format!("{name} {version}")
    }
}

fn pep503(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// What polyver found in one fixture.
struct Found {
    presented_as: String,
    packages: BTreeSet<String>,
    diagnostics: usize,
    errors: usize,
}

/// Copies `dir` (the extractor's test data, so includes and parents resolve) into a fresh
/// directory, presents the fixture under the name its format claims, and extracts it with the
/// extractors the walker's dispatch picks for that name.
fn run_polyver(peer: &Peer, fixture: &str) -> Result<Found, String> {
    let work = tempfile::tempdir().unwrap();
    let data = peer_root().join(peer.dir);
    copy_tree(&data.join("testdata"), &work.path().join("testdata"));
    let all = extractors();
    let dispatch = Dispatch::new(&all);
    let wanted = |x: &dyn Extractor| {
        peer.formats.contains(&x.format())
            || x.also_writes().iter().any(|f| peer.formats.contains(f))
    };
    let claims = |rel: &str| -> Vec<&dyn Extractor> {
        dispatch
            .claimants(&all, Path::new(rel))
            .into_iter()
            .map(|i| all[i])
            .filter(|x| wanted(*x))
            .collect()
    };
    let mut rel = fixture.to_string();
    let mut chosen = claims(&rel);
    if chosen.is_empty() {
        let (dir, _) = fixture.rsplit_once('/').unwrap();
        rel = format!("{dir}/{}", peer.presented_as);
        std::fs::copy(data.join(fixture), work.path().join(&rel)).unwrap();
        chosen = claims(&rel);
    }
    if chosen.is_empty() {
        return Err(format!("no extractor of {:?} claims {rel}", peer.formats));
    }
    let file = SourceFile::load(work.path(), &rel, u64::MAX).map_err(|d| d.message)?;
    let mut found = Found {
        presented_as: rel.clone(),
        packages: BTreeSet::new(),
        diagnostics: 0,
        errors: 0,
    };
    for extractor in chosen {
        let extracted = catch_unwind(AssertUnwindSafe(|| extractor.extract(&file)))
            .map_err(|_| format!("{} panicked on {rel}", extractor.id()))?;
        for c in extracted.components.iter().filter(|c| is_package(c, peer)) {
            found.packages.insert(component_key(c, peer));
        }
        found.diagnostics += extracted.diagnostics.len();
        found.errors += extracted
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
    }
    Ok(found)
}

/// What scalibr calls a package: polyver's packages and modules from the format compared.
/// The runtimes and tools a lock file pins (`requires-python`, `go`, `BUNDLED WITH`, composer's
/// `platform`) are components of their own kind in polyver, and not compared.
fn is_package(c: &Component, peer: &Peer) -> bool {
    peer.formats.contains(&c.source) && matches!(c.kind, Kind::Package | Kind::Module)
}

fn component_key(c: &Component, peer: &Peer) -> String {
    let name = if c.ecosystem == Ecosystem::Pypi {
        pep503(&c.name)
    } else {
        c.name.clone()
    };
    key(&name, c.version.as_deref().unwrap_or(""), peer)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// How one fixture's result differs from the peer's; empty when they agree.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Difference {
    #[serde(rename = "peer-only", default, skip_serializing_if = "Vec::is_empty")]
    peer_only: Vec<String>,
    #[serde(
        rename = "polyver-only",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    polyver_only: Vec<String>,
}

impl Difference {
    fn of(expected: &Expectation, found: &Found) -> Difference {
        let mut d = Difference {
            peer_only: expected
                .packages
                .difference(&found.packages)
                .cloned()
                .collect(),
            polyver_only: found
                .packages
                .difference(&expected.packages)
                .cloned()
                .collect(),
        };
        if expected.error && found.diagnostics == 0 {
            d.peer_only.push(ERROR.into());
        }
        if !expected.error && found.errors > 0 {
            d.polyver_only.push(ERROR.into());
        }
        d
    }

    fn is_empty(&self) -> bool {
        self.peer_only.is_empty() && self.polyver_only.is_empty()
    }
}

/// One row of the table in docs/peer-parity.md.
struct Row {
    line: usize,
    patterns: Vec<(String, GlobMatcher)>,
    known_bug: bool,
    /// Per pattern: whether it matched a fixture that differs.
    used: Vec<bool>,
}

/// The rows of the first table under "## Differences": `| fixtures | what differs | why |
/// kind |`, fixtures as backquoted globs relative to `tests/peer/osv-scalibr/`, kind
/// `deliberate` or `bug, to fix`.
fn documented_rows() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/peer-parity.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut rows = Vec::new();
    let mut in_section = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("## ") {
            in_section = line == "## Differences";
            continue;
        }
        if !in_section || !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 4, "docs/peer-parity.md:{}: four cells", i + 1);
        if cells[0] == "fixtures" {
            continue;
        }
        let patterns: Vec<(String, GlobMatcher)> = cells[0]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|g| (g.to_string(), Glob::new(g).unwrap().compile_matcher()))
            .collect();
        assert!(
            !patterns.is_empty(),
            "docs/peer-parity.md:{}: no fixture pattern",
            i + 1
        );
        let known_bug = match cells[3] {
            "deliberate" => false,
            "bug, to fix" => true,
            other => panic!("docs/peer-parity.md:{}: kind `{other}`", i + 1),
        };
        rows.push(Row {
            line: i + 1,
            used: vec![false; patterns.len()],
            patterns,
            known_bug,
        });
    }
    assert!(
        !rows.is_empty(),
        "docs/peer-parity.md: no table under ## Differences"
    );
    rows
}

#[derive(Default)]
struct Tally {
    fixtures: usize,
    equal: usize,
    documented: usize,
    known_bugs: usize,
}

#[test]
fn peer_suite_osv_scalibr() {
    let record_path = peer_root().join("differences.json");
    let recorded: BTreeMap<String, Difference> = serde_json::from_str(
        &std::fs::read_to_string(&record_path).unwrap_or_else(|_| "{}".into()),
    )
    .unwrap();
    let mut rows = documented_rows();
    let mut actual: BTreeMap<String, Difference> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut summary = String::new();
    let mut total = Tally::default();
    for peer in PEERS {
        let mut tally = Tally::default();
        for expected in expectations(peer) {
            let id = format!("{}/{}", peer.dir, expected.fixture);
            tally.fixtures += 1;
            let found = match run_polyver(peer, &expected.fixture) {
                Ok(found) => found,
                Err(e) => {
                    failures.push(format!("{id}: {e}"));
                    continue;
                }
            };
            let difference = Difference::of(&expected, &found);
            if difference.is_empty() {
                tally.equal += 1;
                continue;
            }
            let mut explained = false;
            let mut known_bug = false;
            for row in rows.iter_mut() {
                for (i, (_, pattern)) in row.patterns.iter().enumerate() {
                    if pattern.is_match(&id) {
                        row.used[i] = true;
                        explained = true;
                        known_bug |= row.known_bug;
                    }
                }
            }
            if !explained {
                failures.push(format!(
                    "{id} (read as {}): no row of docs/peer-parity.md explains {difference:?}",
                    found.presented_as
                ));
            }
            if known_bug {
                tally.known_bugs += 1;
            } else {
                tally.documented += 1;
            }
            actual.insert(id, difference);
        }
        let _ = writeln!(
            summary,
            "{:<46} {:>8} {:>6} {:>11} {:>10}",
            format!("{} ({})", peer.dir, peer.formats[0]),
            tally.fixtures,
            tally.equal,
            tally.documented,
            tally.known_bugs
        );
        total.fixtures += tally.fixtures;
        total.equal += tally.equal;
        total.documented += tally.documented;
        total.known_bugs += tally.known_bugs;
    }
    println!(
        "{:<46} {:>8} {:>6} {:>11} {:>10}\n{summary}{:<46} {:>8} {:>6} {:>11} {:>10}",
        "osv-scalibr extractor (polyver format)",
        "fixtures",
        "equal",
        "documented",
        "known bugs",
        "total",
        total.fixtures,
        total.equal,
        total.documented,
        total.known_bugs
    );
    for row in &rows {
        for ((pattern, _), used) in row.patterns.iter().zip(&row.used) {
            if !used {
                failures.push(format!(
                    "docs/peer-parity.md:{}: `{pattern}` matches no fixture that differs (stale?)",
                    row.line
                ));
            }
        }
    }
    if std::env::var_os("POLYVER_PEER_UPDATE").is_some() {
        let mut json = serde_json::to_string_pretty(&actual).unwrap();
        json.push('\n');
        std::fs::write(&record_path, json).unwrap();
    } else {
        for (id, difference) in &actual {
            match recorded.get(id) {
                None => failures.push(format!("{id}: unrecorded difference {difference:?}")),
                Some(r) if r != difference => failures.push(format!(
                    "{id}: difference changed: recorded {r:?}, now {difference:?}"
                )),
                Some(_) => {}
            }
        }
        for id in recorded.keys().filter(|id| !actual.contains_key(*id)) {
            failures.push(format!(
                "{id}: recorded difference is gone (now equal or not run)"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s); after review, POLYVER_PEER_UPDATE=1 rewrites differences.json:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every file of the peer's test data, expected or not (includes, parents, files scalibr
/// only tests for `FileRequired`), presented under its format's name: a result, never a panic.
#[test]
fn every_peer_file_is_read_without_a_panic() {
    let mut read = 0;
    for peer in PEERS {
        let data = peer_root().join(peer.dir);
        let mut files = Vec::new();
        list_files(&data, &data.join("testdata"), &mut files);
        for fixture in files {
            if let Err(e) = run_polyver(peer, &fixture) {
                panic!("{}/{fixture}: {e}", peer.dir);
            }
            read += 1;
        }
    }
    assert!(read > 282, "only {read} files read");
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            list_files(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
