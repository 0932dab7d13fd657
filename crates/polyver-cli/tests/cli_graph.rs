//! `polyver graph`, `polyver why`, `polyver lock` and `polyver init` end to end: on real lock
//! files (the extractor fixtures), on a hand-made npm lock with diamonds and a cycle, and on
//! the generated monorepo corpus.

#[path = "common/corpus.rs"]
mod corpus;

#[path = "common/temp.rs"]
mod temp;
use assert_cmd::Command;
use polyver_model::Format;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("POLYVER_DATABASE_URL")
        .current_dir(dir);
    cmd
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../polyver-extract/tests/fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn temp(name: &str) -> PathBuf {
    temp::fresh_dir("graph", name)
}

/// Real lock files of five ecosystems, copied from the extractor fixtures.
fn lock_repo(name: &str) -> PathBuf {
    let dir = temp(name);
    for (from, to) in [
        ("package-lock/v3", "web"),
        ("yarn-lock/berry", "admin"),
        ("poetry-lock/v2.0", "api"),
        ("cargo-lock/v4", "agent"),
        ("gemfile", "billing"),
    ] {
        copy_dir(&fixtures().join(from), &dir.join(to));
    }
    dir
}

const DIAMOND_LOCK: &str = r#"{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "name": "shop",
      "dependencies": { "app-a": "^1.0.0", "app-b": "^1.0.0" },
      "devDependencies": { "tool": "^1.0.0" }
    },
    "node_modules/app-a": { "version": "1.0.0", "dependencies": { "shared-x": "^1", "shared-y": "^1" } },
    "node_modules/app-b": { "version": "1.2.0", "dependencies": { "shared-y": "^1", "leaf": "^2" } },
    "node_modules/shared-x": { "version": "1.0.1", "dependencies": { "leaf": "^2" } },
    "node_modules/shared-y": { "version": "1.4.0", "dependencies": { "leaf": "^2", "cyc-1": "^1" } },
    "node_modules/cyc-1": { "version": "1.0.0", "dependencies": { "cyc-2": "^1" } },
    "node_modules/cyc-2": { "version": "1.0.0", "dependencies": { "cyc-1": "^1", "leaf": "^2" } },
    "node_modules/leaf": { "version": "2.0.3" },
    "node_modules/tool": { "version": "1.0.0", "dev": true, "dependencies": { "leaf": "^2" } },
    "node_modules/orphan": { "version": "0.1.0" }
  }
}
"#;

fn diamond_repo(name: &str) -> PathBuf {
    let dir = temp(name);
    std::fs::write(dir.join("package-lock.json"), DIAMOND_LOCK).unwrap();
    dir
}

fn stdout(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_for_each_command() {
    let dir = std::env::temp_dir();
    for cmd in ["graph", "why", "lock", "init"] {
        let help = stdout(polyver(&dir).args([cmd, "--help"]), 0);
        assert!(help.contains(&format!("Usage: polyver {cmd}")), "{help}");
        assert!(help.contains("Examples:"), "{help}");
    }
}

#[test]
fn graph_of_real_lock_files_in_every_format() {
    let dir = lock_repo("formats");
    insta::assert_snapshot!(
        "graph_table",
        stdout(polyver(&dir).args(["graph", "--top", "3"]), 0)
    );
    let json: Value = serde_json::from_str(&stdout(
        polyver(&dir).args(["graph", "--format", "json"]),
        0,
    ))
    .unwrap();
    assert_eq!(json["schema"], "polyver.graph/v1");
    let graphs = json["graphs"].as_array().unwrap();
    let locks: Vec<&str> = graphs.iter().map(|g| g["lock"].as_str().unwrap()).collect();
    assert_eq!(
        locks,
        [
            "admin/yarn.lock",
            "agent/Cargo.lock",
            "api/poetry.lock",
            "billing/Gemfile.lock",
            "web/package-lock.json"
        ]
    );
    for g in graphs {
        let ids: BTreeSet<&str> = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids.len(),
            g["nodes"].as_array().unwrap().len(),
            "ids are unique"
        );
        let edges = g["edges"].as_array().unwrap();
        assert!(!edges.is_empty(), "{} has edges", g["lock"]);
        for e in edges {
            assert!(ids.contains(e["from"].as_str().unwrap()));
            assert!(ids.contains(e["to"].as_str().unwrap()));
        }
        assert_eq!(g["stats"]["edges"].as_u64().unwrap() as usize, edges.len());
    }
    insta::assert_snapshot!(
        "graph_json_web",
        serde_json::to_string_pretty(
            graphs
                .iter()
                .find(|g| g["lock"] == "web/package-lock.json")
                .unwrap()
        )
        .unwrap()
    );
    let lock = ["--lock", "web/package-lock.json"];
    insta::assert_snapshot!(
        "graph_dot_web",
        stdout(
            polyver(&dir)
                .arg("graph")
                .args(lock)
                .args(["--format", "dot"]),
            0
        )
    );
    insta::assert_snapshot!(
        "graph_mermaid_web",
        stdout(
            polyver(&dir)
                .arg("graph")
                .args(lock)
                .args(["--format", "mermaid"]),
            0
        )
    );
    let shallow = stdout(
        polyver(&dir)
            .arg("graph")
            .args(lock)
            .args(["--format", "dot", "--max-depth", "2"]),
        0,
    );
    assert!(
        shallow.contains("label=\"body-parser@1.20.1\""),
        "{shallow}"
    );
    assert!(!shallow.contains("debug@2.6.9"), "{shallow}");
    let out = polyver(&dir)
        .args(["graph", "--max-depth", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Filters.
    let pypi: Value = serde_json::from_str(&stdout(
        polyver(&dir).args(["graph", "--ecosystem", "pypi", "--format", "json"]),
        0,
    ))
    .unwrap();
    assert_eq!(pypi["graphs"].as_array().unwrap().len(), 1);
    let out = polyver(&dir)
        .args(["graph", "--lock", "nope/yarn.lock"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lock files found: admin/yarn.lock"), "{err}");
    let out = polyver(&dir)
        .args(["graph", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn why_walks_diamonds_and_cycles() {
    let dir = diamond_repo("why");
    let stats = stdout(polyver(&dir).arg("graph"), 0);
    assert!(
        stats.contains("1 cycle (2 packages in cycles); 1 unreachable"),
        "{stats}"
    );
    insta::assert_snapshot!("why_leaf", stdout(polyver(&dir).args(["why", "leaf"]), 0));
    insta::assert_snapshot!(
        "why_leaf_capped",
        stdout(polyver(&dir).args(["why", "leaf", "--max-paths", "2"]), 0)
    );
    // Through the cycle without looping, and the cycle's own members.
    let cyc = stdout(polyver(&dir).args(["why", "cyc-1"]), 0);
    assert!(
        cyc.contains("app-a@1.0.0 → shared-y@1.4.0 → cyc-1@1.0.0"),
        "{cyc}"
    );
    assert!(cyc.contains("2 paths"), "{cyc}");
    let orphan = stdout(polyver(&dir).args(["why", "orphan"]), 0);
    assert!(
        orphan.contains("no direct dependency reaches it"),
        "{orphan}"
    );
    let json: Value = serde_json::from_str(&stdout(
        polyver(&dir).args(["why", "leaf", "--max-paths", "3", "--format", "json"]),
        0,
    ))
    .unwrap();
    insta::assert_snapshot!(
        "why_leaf_json",
        serde_json::to_string_pretty(&json).unwrap()
    );

    // `name@version` as graph prints it selects one version.
    assert_eq!(
        stdout(polyver(&dir).args(["why", "leaf@2.0.3"]), 0),
        stdout(polyver(&dir).args(["why", "leaf"]), 0)
    );
    let out = polyver(&dir).args(["why", "leaf@1.0.0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = polyver(&dir)
        .args(["why", "leaf@2.0.3", "--version", "1.0.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = polyver(&dir).args(["why", "laef"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("laef is in no dependency graph"), "{err}");
    assert!(err.contains("hint: did you mean: leaf?"), "{err}");
    let out = polyver(&dir)
        .args(["why", "leaf", "--version", "9.9.9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lock_round_trip_and_drift() {
    let dir = lock_repo("lock");
    std::fs::write(
        dir.join("requirements.txt"),
        "requests==2.31.0\nflask>=2.0,<3\n",
    )
    .unwrap();
    let wrote = stdout(polyver(&dir).arg("lock"), 0);
    assert!(wrote.starts_with("wrote polyver.lock: "), "{wrote}");
    let first = std::fs::read_to_string(dir.join("polyver.lock")).unwrap();
    assert!(first.contains("[[component]]\nkind = \"package\"\necosystem = \"pypi\"\nname = \"flask\"\nconstraint = \">=2.0,<3\""));
    // Stable: the same bytes again, and not rewritten.
    assert!(stdout(polyver(&dir).arg("lock"), 0).contains("is up to date"));
    assert_eq!(
        std::fs::read_to_string(dir.join("polyver.lock")).unwrap(),
        first
    );
    assert!(stdout(polyver(&dir).args(["lock", "--check"]), 0).contains("is up to date"));

    // Drift: an upgrade, an addition, a removal; moving a line is not drift.
    std::fs::write(
        dir.join("requirements.txt"),
        "# pinned\nhttpx==0.27.0\nrequests==2.32.3\n",
    )
    .unwrap();
    let diff = stdout(polyver(&dir).args(["lock", "--check"]), 1);
    insta::assert_snapshot!("lock_check_drift", diff);
    let json: Value = serde_json::from_str(&stdout(
        polyver(&dir).args(["lock", "--check", "--format", "json"]),
        1,
    ))
    .unwrap();
    assert_eq!(json["schema"], "polyver.lock-check/v1");
    assert_eq!(json["up_to_date"], false);
    assert_eq!(json["changed"][0]["fields"][0], "version 2.31.0 → 2.32.3");
    stdout(polyver(&dir).arg("lock"), 0);
    stdout(polyver(&dir).args(["lock", "--check"]), 0);

    // Malformed or missing: exit 2 with file:line.
    let text = std::fs::read_to_string(dir.join("polyver.lock")).unwrap();
    std::fs::write(
        dir.join("polyver.lock"),
        text.replacen("direct = ", "drect = ", 1),
    )
    .unwrap();
    let out = polyver(&dir).args(["lock", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .position(|l| l.starts_with("direct = "))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("polyver.lock:{line}: unknown key `drect`")),
        "{err}"
    );
    assert!(err.contains("did you mean `direct`?"), "{err}");
    std::fs::remove_file(dir.join("polyver.lock")).unwrap();
    let out = polyver(&dir).args(["lock", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = temp("init");
    for (from, to) in [
        ("version-files", "."),
        ("poetry-lock/v2.1", "api"),
        ("package-lock/v3", "web"),
        ("dockerfile", "docker"),
    ] {
        copy_dir(&fixtures().join(from), &dir.join(to));
    }
    let said = stdout(polyver(&dir).arg("init"), 0);
    assert!(said.starts_with("wrote polyver.toml ("), "{said}");
    let text = std::fs::read_to_string(dir.join("polyver.toml")).unwrap();
    for section in [
        "[scan]",
        "[approved]",
        "# [[compat]]",
        "[policy]",
        "[licenses]",
        "# [[audit.ignore]]",
        "[server]",
        "# [[server.webhook]]",
        "[registries]",
    ] {
        assert!(text.contains(section), "{section} missing");
    }
    assert!(text.contains("\npython = \"3.11.6\"\n"), "{text}");
    assert!(text.contains("\nnode = \"20.10.0\"\n"), "{text}");
    let config = polyver_config::load(&dir.join("polyver.toml")).unwrap();
    assert_eq!(config.scan.max_file_size, Some(5 << 20));
    assert_eq!(
        std::fs::read_to_string(dir.join(".polyver/.gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    // Uncommenting every example must give a file that polyver still accepts: the examples
    // use the keys and shapes the validators of each section know.
    let uncommented: String = text
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|r| r.contains(" = ") || r.starts_with('['))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let loaded = polyver_config::parse(&dir.join("polyver.toml"), &uncommented)
        .unwrap_or_else(|e| panic!("{e} ({:?})\n{uncommented}", e.hint));
    assert_eq!(loaded.audit.ignore.len(), 1);
    assert_eq!(loaded.compat.len(), 1);
    assert_eq!(loaded.licenses.exceptions.len(), 1);
    assert_eq!(loaded.licenses.deny, ["copyleft", "network-copyleft"]);
    assert_eq!(
        loaded.policy.major,
        Some(polyver_config::UpdateAction::Review)
    );
    assert_eq!(loaded.policy.sla, polyver_config::SlaDays::default());
    assert_eq!(loaded.policy.groups.len(), 2);
    assert_eq!(loaded.server.webhooks.len(), 2);
    assert_eq!(loaded.server.alerts.scan_stale_after, Some(7 * 86_400));
    assert_eq!(loaded.server.token_expiry_days, Some(90));
    assert_eq!(loaded.registries.by_ecosystem.len(), 4);
    assert!(matches!(
        loaded.registries.get("maven").and_then(|r| r.auth.clone()),
        Some(polyver_config::RegistryAuth::Basic { .. })
    ));

    let out = polyver(&dir).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    std::fs::write(dir.join("polyver.toml"), "[scan]\nexlude = []\n").unwrap();
    stdout(polyver(&dir).args(["init", "--force"]), 0);
    assert_eq!(
        std::fs::read_to_string(dir.join("polyver.toml")).unwrap(),
        text
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn graph_and_why_on_the_generated_corpus() {
    let Some(dir) = corpus::generate("graph-corpus", 5, 50, 7) else {
        return;
    };
    let json: Value = serde_json::from_str(&stdout(
        polyver(&dir).args(["graph", "--format", "json"]),
        0,
    ))
    .unwrap();
    let graphs = json["graphs"].as_array().unwrap();
    assert!(
        graphs.len() >= 2,
        "lock files of the corpus: {}",
        graphs.len()
    );
    let mut transitive = None;
    for g in graphs {
        let nodes = g["nodes"].as_array().unwrap();
        assert!(!g["roots"].as_array().unwrap().is_empty());
        for n in nodes {
            if n["depth"].as_u64() == Some(0) {
                continue;
            }
            if !n["direct"].as_bool().unwrap() && transitive.is_none() {
                transitive = Some(n["name"].as_str().unwrap().to_string());
            }
        }
    }
    let name = transitive.expect("the corpus locks have transitive packages");
    let why = stdout(polyver(&dir).args(["why", &name]), 0);
    assert!(why.contains(" → "), "{why}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn why_in_a_lock_without_edges_says_so() {
    let dir = temp("pipfile");
    copy_dir(&fixtures().join("pipfile"), &dir);
    let json: Value = serde_json::from_str(&stdout(
        polyver(&dir).args(["graph", "--lock", "Pipfile.lock", "--format", "json"]),
        0,
    ))
    .unwrap();
    let nodes = json["graphs"][0]["nodes"].as_array().unwrap();
    let transitive = nodes
        .iter()
        .find(|n| n["direct"] == false)
        .expect("the Pipfile.lock fixture has transitive entries");
    let name = transitive["name"].as_str().unwrap();
    let out = stdout(
        polyver(&dir).args(["why", name, "--lock", "Pipfile.lock"]),
        0,
    );
    assert!(out.contains("records no dependency edges"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_lock_format_yields_edges() {
    let json: Value = serde_json::from_str(&stdout(
        polyver(&fixtures()).args(["graph", "-q", "--format", "json"]),
        0,
    ))
    .unwrap();
    let mut with_edges = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for g in json["graphs"].as_array().unwrap() {
        let source = g["source"].as_str().unwrap().to_string();
        seen.insert(source.clone());
        if g["stats"]["edges"].as_u64().unwrap() > 0 {
            with_edges.insert(source);
        }
    }
    // An SBOM is read only when named on the command line, never found in a tree (its own
    // edges are tested in polyver-extract's sbom module and cli_audit).
    for format in Format::ALL
        .iter()
        .filter(|f| f.is_lock() && **f != Format::Sbom)
    {
        let source = format.id();
        assert!(seen.contains(source), "no fixture graph from {source}");
        // Pipfile.lock, gradle.lockfile, jsonnetfile.lock.json, stack.yaml.lock, pubspec.lock and Package.resolved
        // record no dependency edges at all; the fixture tree's conan.lock files require only
        // direct packages (conan's edges: cli_graph_native_locks).
        if !matches!(
            format,
            Format::PipfileLock
                | Format::GradleLockfile
                | Format::JsonnetfileLock
                | Format::StackLock
                | Format::PubspecLock
                | Format::PackageResolved
                | Format::ConanLock
        ) {
            assert!(with_edges.contains(source), "{source} graphs have no edges");
        }
    }
}
