//! `polyver audit` and `polyver db` end to end: the database built from shared/osv with
//! `db import`, a small repository written here, the generated monorepo corpus, every
//! format (SARIF validated against the vendored SARIF 2.1.0 schema), ignores and exit codes.

#[path = "common/sarif.rs"]
mod sarif;

#[path = "common/corpus.rs"]
mod corpus;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn shared() -> Option<PathBuf> {
    let dir = corpus::shared_dir();
    dir.join("osv/PyPI").exists().then_some(dir)
}

fn polyver(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.env("POLYVER_OSV_DB", db)
        .env("NO_COLOR", "1")
        .env_remove("POLYVER_DATA_DIR");
    cmd
}

/// [`imported_db`]; `None` when shared/osv is missing (after [`polyver_testkit::skip`], which
/// fails in CI).
fn osv_db() -> Option<&'static Path> {
    let db = imported_db();
    if db.is_none() {
        polyver_testkit::skip(
            "shared/osv not found",
            "put the OSV snapshot in shared/osv beside the repository, or set POLYVER_SHARED_DIR",
        );
    }
    db
}

/// A database of all of shared/osv, imported once through the CLI.
fn imported_db() -> Option<&'static Path> {
    static DB: OnceLock<Option<PathBuf>> = OnceLock::new();
    DB.get_or_init(|| {
        let osv = shared()?.join("osv");
        let db = std::env::temp_dir().join(format!("polyver-audit-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&db);
        let out = polyver(&db)
            .args(["db", "import", "--format", "json"])
            .arg(&osv)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["schema"], "polyver.db-import/v1");
        assert!(v["summary"]["imported"].as_u64().unwrap() > 8000);
        Some(db)
    })
    .as_deref()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repository with a vulnerable pin, a lock file, and an unpinned constraint.
fn small_repo(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("polyver-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        "requirements.txt",
        "urllib3==1.26.16\nrequests>=2.0,<2.20\nidna==3.7\n",
    );
    write(
        &root,
        "rust/Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nsmallvec = \"1.5\"\n",
    );
    write(
        &root,
        "rust/Cargo.lock",
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.5.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    root
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn no_database_exits_3_with_what_to_run() {
    let empty = std::env::temp_dir().join(format!("polyver-audit-none-{}", std::process::id()));
    let out = polyver(&empty).arg("audit").arg(".").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no OSV database"), "{err}");
    assert!(
        err.contains("polyver db sync") && err.contains("polyver db import"),
        "{err}"
    );
    let out = polyver(&empty).args(["db", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn audit_json_pinned_locked_and_unpinned() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("json");
    let out = polyver(db)
        .args(["audit", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "no --fail-on: exit 0");
    let v = json_of(&out);
    assert_eq!(v["schema"], "polyver.audit/v1");
    let findings = v["findings"].as_array().unwrap();
    let find = |name: &str, id: &str| {
        findings
            .iter()
            .find(|f| {
                f["name"] == name
                    && (f["id"] == id || f["aliases"].as_array().unwrap().iter().any(|a| a == id))
            })
            .unwrap_or_else(|| panic!("{name} {id} in {findings:#?}"))
    };
    let u = find("urllib3", "PYSEC-2023-192");
    assert_eq!(u["version"], "1.26.16");
    assert_eq!(u["status"], "affected");
    assert_eq!(u["smallest_fix"], "1.26.17");
    assert_eq!(
        u["fix_satisfies_constraint"], false,
        "==1.26.16 must change"
    );
    assert_eq!(u["locations"][0]["path"], "requirements.txt");
    assert_eq!(u["locations"][0]["line"], 1);
    assert!(u["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "CVE-2023-43804"));
    assert_eq!(u["severity"], "high");
    assert_eq!(u["score"], 8.1);

    // Locked: Cargo.lock's 1.5.0 is matched; the fix 1.6.1 is allowed by Cargo.toml's "1.5".
    let s = find("smallvec", "RUSTSEC-2021-0003");
    assert_eq!(s["version"], "1.5.0");
    assert_eq!(s["fix_satisfies_constraint"], true);
    assert_eq!(s["constraints"][0], "1.5");

    // Unpinned and unlocked: reported, never a silent pass.
    let r = findings.iter().find(|f| f["name"] == "requests").unwrap();
    assert_eq!(r["status"], "not-pinned");
    assert!(r["admitted"].as_array().unwrap().len() >= 2, "{r:#}");
    assert!(r.get("version").is_none());

    // idna 3.7 is the fix of PYSEC-2024-60: nothing for it.
    assert!(findings.iter().all(|f| f["name"] != "idna"));
    // Sorted by severity.
    let order = ["critical", "high", "medium", "low", "info"];
    let ranks: Vec<usize> = findings
        .iter()
        .map(|f| {
            order
                .iter()
                .position(|s| *s == f["effective_severity"])
                .unwrap()
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert_eq!(v["summary"]["findings"], findings.len());
    assert_eq!(v["database"]["missing_ecosystems"], serde_json::json!([]));

    // An ecosystem the database lacks is named, not silently passed.
    write(
        &root,
        "web/package.json",
        r#"{"dependencies": {"lodash": "4.17.15"}}"#,
    );
    let out = polyver(db)
        .args(["audit", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(
        v["database"]["missing_ecosystems"],
        serde_json::json!(["npm"])
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("polyver db sync --ecosystem npm"), "{err}");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("failon");
    let code = |level: &str| {
        polyver(db)
            .args(["audit", "-q", "--fail-on", level])
            .arg(&root)
            .output()
            .unwrap()
            .status
            .code()
    };
    // The worst finding is high (urllib3 8.1, smallvec 9.8 is critical).
    assert_eq!(code("critical"), Some(1));
    let out = polyver(db)
        .args(["audit", "--fail-on", "severe"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // polyver.toml's fail-on applies when the flag is absent.
    write(&root, "polyver.toml", "[audit]\nfail-on = \"low\"\n");
    let out = polyver(db).arg("audit").arg(&root).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn ignores_hide_findings_until_they_expire() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("ignore");
    write(
        &root,
        "polyver.toml",
        "[[audit.ignore]]\nid = \"CVE-2023-43804\"\nreason = \"no cross-origin redirects\"\nuntil = 2999-01-01\n\n[[audit.ignore]]\nid = \"RUSTSEC-2021-0003\"\nreason = \"audited\"\nuntil = 2001-01-01\n",
    );
    let out = polyver(db)
        .args(["audit", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let v = json_of(&out);
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"PYSEC-2023-192"), "{ids:?}");
    assert_eq!(v["ignored"][0]["id"], "PYSEC-2023-192");
    assert_eq!(
        v["ignored"][0]["ignore"]["reason"],
        "no cross-origin redirects"
    );
    // Expired: reported again, and said so.
    let s = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "RUSTSEC-2021-0003")
        .unwrap();
    assert_eq!(s["ignore"]["expired"], true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expired on 2001-01-01"), "{err}");
    // A typo in the section is a located error.
    write(
        &root,
        "polyver.toml",
        "[[audit.ignore]]\nid = \"X\"\nreson = \"y\"\n",
    );
    let out = polyver(db).arg("audit").arg(&root).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("polyver.toml:3:1") && err.contains("did you mean `reason`"),
        "{err}"
    );
}

#[test]
fn sarif_is_valid_and_points_at_manifest_lines() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("sarif");
    let out = polyver(db)
        .args(["audit", "--format", "sarif"])
        .arg(&root)
        .output()
        .unwrap();
    let log = json_of(&out);
    sarif::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let u = results
        .iter()
        .find(|r| r["ruleId"] == "PYSEC-2023-192")
        .unwrap();
    let loc = &u["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "requirements.txt");
    assert_eq!(loc["region"]["startLine"], 1);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "PYSEC-2023-192").unwrap();
    assert_eq!(rule["properties"]["security-severity"], "8.1");
    assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
}

#[test]
fn table_and_markdown() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("table");
    let out = polyver(db).arg("audit").arg(&root).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("HIGH 8.1  pypi urllib3 1.26.16  PYSEC-2023-192"),
        "{text}"
    );
    assert!(
        text.contains("fix: 1.26.17 (needs a constraint change: ==1.26.16)"),
        "{text}"
    );
    assert!(text.contains("pypi requests (not pinned)"), "{text}");
    assert!(text.contains("at requirements.txt:1"), "{text}");
    let out = polyver(db)
        .args(["audit", "--format", "markdown"])
        .arg(&root)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("# Vulnerability audit"), "{md}");
    assert!(md.contains("| HIGH 8.1 | `urllib3` 1.26.16 |"), "{md}");
    let out = polyver(db)
        .args(["audit", "--format", "cyclonedx"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn db_status_shows_counts_and_age() {
    let Some(db) = osv_db() else { return };
    let out = polyver(db)
        .args(["db", "status", "--format", "json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["schema"], "polyver.db-status/v1");
    assert!(v["ecosystems"]["PyPI"]["advisories"].as_u64().unwrap() > 2500);
    assert!(v["ecosystems"]["Go"]["packages"].as_u64().unwrap() > 1000);
    assert!(
        v["ecosystems"]["crates.io"]["age_seconds"]
            .as_u64()
            .unwrap()
            < 3600
    );
    let out = polyver(db).args(["db", "status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("crates.io"), "{text}");
    assert!(text.contains("advisories in total"), "{text}");
}

/// The generated monorepo, audited end to end. The oracle is independent of the matcher:
/// PyPA advisories list every affected version explicitly (`versions`), so every pinned PyPI
/// component whose exact version is listed must be reported with that advisory.
#[test]
fn generated_corpus_end_to_end() {
    let Some(db) = osv_db() else { return };
    let Some(dir) = corpus::generate("audit-corpus", 5, 50, 7) else {
        return;
    };
    let scan = Command::cargo_bin("polyver")
        .unwrap()
        .args(["scan", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let inventory: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let out = polyver(db)
        .args(["audit", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let v = json_of(&out);
    let reported: BTreeSet<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "affected")
        .flat_map(|f| {
            let ids: Vec<String> = std::iter::once(f["id"].as_str().unwrap().to_string())
                .chain(
                    f["aliases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_string()),
                )
                .collect();
            let (n, ver) = (
                f["name"].as_str().unwrap().to_string(),
                f["version"].as_str().unwrap().to_string(),
            );
            ids.into_iter().map(move |id| (n.clone(), ver.clone(), id))
        })
        .collect();

    // Oracle from the advisories' own `versions` lists.
    let mut expected = BTreeSet::new();
    let pinned: BTreeSet<(String, String)> = inventory["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "pypi" && c["version"].is_string())
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(pinned.len() > 10);
    for entry in std::fs::read_dir(corpus::shared_dir().join("osv/PyPI")).unwrap() {
        let doc: Value =
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        if doc.get("withdrawn").is_some() {
            continue;
        }
        for aff in doc["affected"].as_array().into_iter().flatten() {
            let name = aff["package"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .replace(['_', '.'], "-");
            for listed in aff["versions"].as_array().into_iter().flatten() {
                let key = (name.clone(), listed.as_str().unwrap().to_string());
                if pinned.contains(&key) {
                    expected.insert((key.0, key.1, doc["id"].as_str().unwrap().to_string()));
                }
            }
        }
    }
    assert!(
        expected.len() >= 10,
        "the corpus plants vulnerable pins: {expected:?}"
    );
    let missing: Vec<_> = expected.difference(&reported).collect();
    assert!(missing.is_empty(), "not reported: {missing:#?}");
    // Go and Rust pins the generator plants, matched through SEMVER ranges.
    for (name, version, id) in [
        ("github.com/gin-gonic/gin", "v1.7.7", "GO-2023-1737"),
        (
            "golang.org/x/crypto",
            "v0.0.0-20220315160706-3147a52a75dd",
            "GO-2023-2402",
        ),
    ] {
        let key = (name.to_string(), version.to_string(), id.to_string());
        let planted = inventory["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == name && c["version"] == version);
        if planted {
            assert!(reported.contains(&key), "{key:?}");
        }
    }
    // Every location points at a real line that names the package.
    for f in v["findings"].as_array().unwrap() {
        for l in f["locations"].as_array().unwrap() {
            let text = std::fs::read_to_string(dir.join(l["path"].as_str().unwrap())).unwrap();
            let line = text
                .lines()
                .nth(l["line"].as_u64().unwrap() as usize - 1)
                .unwrap_or_default()
                .to_lowercase();
            let short = f["name"]
                .as_str()
                .unwrap()
                .rsplit(['/', ':'])
                .next()
                .unwrap();
            assert!(line.contains(&short.to_lowercase()), "{l} -> {line}");
        }
    }
}

/// `db sync` through the CLI against a local server: imported, then `304` = unchanged; with
/// --offline it fails (exit 3) without a request.
#[test]
fn db_sync_from_a_local_server() {
    use polyver_net::testing::{Response, TestServer};
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("RUSTSEC-1.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(
        br#"{"id":"RUSTSEC-1","summary":"s","affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.1"}]}]}]}"#,
    )
    .unwrap();
    let body = w.finish().unwrap().into_inner();
    let server = TestServer::start();
    server.route(
        "/crates.io/all.zip",
        Response::ok(body).header("Last-Modified", "Wed, 21 Oct 2026 07:28:00 GMT"),
    );
    let db = std::env::temp_dir().join(format!("polyver-sync-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&db);
    let sync = |extra: &[&str]| {
        polyver(&db)
            .env("POLYVER_CACHE_DIR", db.join("cache"))
            .args(["db", "sync", "--ecosystem", "cargo", "--base-url"])
            .arg(server.base_url())
            .args(extra)
            .output()
            .unwrap()
    };
    let out = sync(&["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_eq!(v["schema"], "polyver.db-sync/v1");
    assert_eq!(v["ecosystems"][0]["ecosystem"], "crates.io");
    assert_eq!(v["ecosystems"][0]["status"], "updated");
    server.route("/crates.io/all.zip", Response::status(304));
    let out = sync(&[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
    let last = server.requests().last().unwrap().clone();
    assert_eq!(
        last.header("If-Modified-Since"),
        Some("Wed, 21 Oct 2026 07:28:00 GMT")
    );
    let before = server.requests().len();
    let out = sync(&["--offline"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--offline"));
    assert_eq!(server.requests().len(), before);
    // The synced database answers an audit.
    let root = small_repo("synced");
    let out = polyver(&db)
        .args(["audit", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let v = json_of(&out);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "RUSTSEC-1" && f["version"] == "1.5.0"));
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const SMALLVEC_ADVISORY: &[u8] = br#"{"id":"RUSTSEC-1","summary":"s","affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.1"}]}]}]}"#;

/// Found by the fault campaign: a mirror serving an all.zip of corrupt entries emptied the
/// ecosystem with exit 0. Now: exit 3, the previous advisories kept and still found.
#[test]
fn db_sync_refuses_an_export_of_corrupt_entries_and_keeps_the_advisories() {
    use polyver_net::testing::{Response, TestServer};
    let server = TestServer::start();
    server.route(
        "/crates.io/all.zip",
        Response::ok(zip_of(&[("RUSTSEC-1.json", SMALLVEC_ADVISORY)])).header("ETag", "\"a\""),
    );
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv");
    let sync = |extra: &[&str]| {
        polyver(&db)
            .env("POLYVER_CACHE_DIR", tmp.path().join("cache"))
            .args(["db", "sync", "--ecosystem", "cargo", "--base-url"])
            .arg(server.base_url())
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(sync(&[]).status.success());
    server.route(
        "/crates.io/all.zip",
        Response::ok(zip_of(&[("RUSTSEC-1.json", b"{broken"), ("X.json", b"[]")]))
            .header("ETag", "\"b\""),
    );
    let out = sync(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("refused") && stderr.contains("all 2 entries"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-shrink"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("refused") && stdout.contains("1 advisory"),
        "{stdout}"
    );
    let root = small_repo("refused-sync");
    let out = polyver(&db)
        .args(["audit", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let v = json_of(&out);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "RUSTSEC-1"));
    // On purpose, the empty result is accepted.
    assert!(sync(&["--allow-shrink"]).status.success());
}

/// Found by the fault campaign: one changed byte in a record (its fixed version) hid the
/// advisory with no warning, and `db status` saw nothing. Now the audit fails with exit 3
/// and what to run, and `db status --verify` finds it.
#[test]
fn a_damaged_advisory_record_fails_the_audit_and_db_status_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv");
    let zip = tmp.path().join("crates.zip");
    std::fs::write(&zip, zip_of(&[("RUSTSEC-1.json", SMALLVEC_ADVISORY)])).unwrap();
    let out = polyver(&db)
        .args(["db", "import"])
        .arg(&zip)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = polyver(&db)
        .args(["db", "status", "--verify"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("verified"));

    let file = db.join("advisories.pvdb");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.windows(5).rposition(|w| w == b"1.6.1").unwrap();
    bytes[at] = b'0'; // fixed in 0.6.1: 1.5.0 would no longer be affected
    std::fs::write(&file, &bytes).unwrap();

    let root = small_repo("damaged-record");
    let out = polyver(&db).arg("audit").arg(&root).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("fails its checksum"), "{stderr}");
    assert!(stderr.contains("db sync"), "{stderr}");
    let out = polyver(&db).args(["db", "status"]).output().unwrap();
    assert!(out.status.success(), "the index itself is intact");
    let out = polyver(&db)
        .args(["db", "status", "--verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fails its checksum"));
}

/// A database of the previous format (no checksums) is not read as if it were current:
/// every command that opens it says to rebuild it.
#[test]
fn a_database_of_the_previous_format_asks_for_a_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv");
    std::fs::create_dir_all(&db).unwrap();
    let mut old = b"PVOSVDB1".to_vec();
    old.extend_from_slice(&2u64.to_le_bytes());
    old.extend_from_slice(b"{}");
    std::fs::write(db.join("advisories.pvdb"), &old).unwrap();
    let root = small_repo("old-format");
    for args in [
        vec!["audit", root.to_str().unwrap()],
        vec!["db", "status"],
        vec![
            "db",
            "sync",
            "--offline",
            "--ecosystem",
            "PyPI",
            "--base-url",
            "http://127.0.0.1:9",
        ],
    ] {
        let out = polyver(&db).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("format 1"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("delete") && stderr.contains("db sync"),
            "{args:?}: {stderr}"
        );
    }
}

/// An import whose entries are all corrupt is an error (exit 3) that writes nothing, not
/// "imported 0 advisories" with exit 0.
#[test]
fn db_import_of_only_corrupt_entries_fails_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv");
    let zip = tmp.path().join("broken.zip");
    std::fs::write(&zip, zip_of(&[("A.json", b"{oops"), ("B.json", b"[1]")])).unwrap();
    let out = polyver(&db)
        .args(["db", "import"])
        .arg(&zip)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("all 2 entries"), "{stderr}");
    assert!(!db.join("advisories.pvdb").exists());
}

/// Coverage is said, not overstated (issue 13 item 7): shared/osv holds Go, PyPI and
/// crates.io, so npm components are not checked (counted per ecosystem apart from `checked`)
/// and the Dockerfile's image is never audited; every output says so.
#[test]
fn coverage_per_ecosystem_and_images_not_audited() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("coverage");
    write(&root, "Dockerfile", "FROM python:3.12-slim\n");
    write(
        &root,
        "web/package.json",
        r#"{"name":"web","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}"#,
    );
    let out = polyver(db).arg("audit").arg(&root).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("in 3 of 7 components (5 checked against OSV: PyPI 3, crates.io 2)"),
        "{text}"
    );
    assert!(
        text.contains("1 component not checked: the OSV database has no advisories for npm 1"),
        "{text}"
    );
    assert!(
        text.contains("1 image not audited: OSV has no container-image advisories"),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("polyver db sync --ecosystem npm"),
        "{stderr}"
    );
    let out = polyver(db)
        .args(["audit", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let stats = &json_of(&out)["stats"];
    assert_eq!(stats["checked"], 5, "{stats}");
    assert_eq!(stats["checked_by_ecosystem"]["PyPI"], 3, "{stats}");
    assert_eq!(stats["checked_by_ecosystem"]["crates.io"], 2, "{stats}");
    assert_eq!(stats["not_covered_by_ecosystem"]["npm"], 1, "{stats}");
    assert_eq!(stats["images_not_audited"], 1, "{stats}");
}

#[test]
fn a_single_file_and_an_sbom_are_audited_and_filters_choose_what_counts() {
    let Some(db) = osv_db() else { return };
    let root = small_repo("single");
    let names = |v: &Value| -> BTreeSet<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    // One lock file: only what it holds.
    let out = polyver(db)
        .args(["audit", "--format", "json"])
        .arg(root.join("rust/Cargo.lock"))
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(names(&v), BTreeSet::from(["smallvec".to_string()]));
    assert_eq!(v["findings"][0]["locations"][0]["path"], "Cargo.lock");

    // The repository's own CycloneDX SBOM, audited as input: the same findings by name.
    let bom = polyver(db)
        .args(["scan", "--no-store", "--format", "cyclonedx"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(bom.status.success());
    let bom_path = root.join("out/bom.cdx.json");
    write(
        &root,
        "out/bom.cdx.json",
        &String::from_utf8(bom.stdout).unwrap(),
    );
    let from_tree = json_of(
        &polyver(db)
            .args(["audit", "--format", "json"])
            .arg(&root)
            .output()
            .unwrap(),
    );
    let from_bom = json_of(
        &polyver(db)
            .args(["audit", "--format", "json"])
            .arg(&bom_path)
            .output()
            .unwrap(),
    );
    // (The tree's unpinned `requests` has no version in the SBOM either: reported as not
    // pinned from both, never a silent pass.)
    assert_eq!(names(&from_bom), names(&from_tree));
    assert!(
        from_bom["findings"][0]["locations"][0]["line"]
            .as_u64()
            .unwrap()
            > 1
    );
    // A walk of the tree never reads the SBOM it holds.
    let inventory = json_of(
        &polyver(db)
            .args(["scan", "--no-store", "--format", "json"])
            .arg(&root)
            .output()
            .unwrap(),
    );
    assert!(inventory["components"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["source"] != "sbom"));

    // Filters: --ecosystem and --scope choose components, --severity findings; both gate.
    let only = |extra: &[&str]| {
        let out = polyver(db)
            .args(["audit", "--format", "json", "--fail-on", "low"])
            .args(extra)
            .arg(&root)
            .output()
            .unwrap();
        (out.status.code(), json_of(&out))
    };
    let (code, v) = only(&["--ecosystem", "cargo"]);
    assert_eq!(code, Some(1));
    assert_eq!(names(&v), BTreeSet::from(["smallvec".to_string()]));
    let (code, v) = only(&["--scope", "dev,test"]);
    assert_eq!(code, Some(0));
    assert!(names(&v).is_empty());
    let (_, v) = only(&["--severity", "high"]);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "high"));
    assert!(names(&v).contains("urllib3"));

    // A file no format reads: an input error that says what a single file may be.
    write(&root, "notes.txt", "hello\n");
    let out = polyver(db)
        .arg("audit")
        .arg(root.join("notes.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a file polyver reads"), "{err}");
    let _ = std::fs::remove_dir_all(&root);
}
