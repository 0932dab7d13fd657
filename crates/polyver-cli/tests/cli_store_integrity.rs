//! The SQLite registry under concurrency and damage, through the binary: five first scans
//! at once on a new file are all stored; a damaged file stops every command at once (no
//! pool timeout) with what is wrong and how to recover, and takes no more scans.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("polyver"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("POLYVER_DATABASE_URL")
        .env_remove("POLYVER_NO_STORE")
        .env_remove("POLYVER_TEST_PAUSE_BEFORE_COMMIT")
        .env("POLYVER_OSV_DB", "/nonexistent/polyver-osv");
    cmd
}

fn project(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("requirements.txt"),
        "django==4.2.9\nrequests==2.31.0\n",
    )
    .unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Found by the fault campaign: 1-2 of 5 parallel first scans on a new SQLite file failed
/// with "table repositories already exists".
#[test]
fn five_first_scans_at_once_on_a_new_registry_are_all_stored() {
    for round in 0..4 {
        let tmp = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}/registry-{round}.db", tmp.path().display());
        let children: Vec<_> = (0..5)
            .map(|i| {
                let dir = project(tmp.path(), &format!("app{i}"));
                polyver(&dir)
                    .args(["--db", &db, "scan", "--repo", &format!("app{i}")])
                    .args(["--format", "json"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", stderr(&out));
        }
        for i in 0..5 {
            let out = polyver(tmp.path())
                .args(["--db", &db, "history", "--repo", &format!("app{i}")])
                .args(["--format", "json"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            let history: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(history["scans"].as_array().unwrap().len(), 1, "app{i}");
        }
    }
}

/// A default registry with one scan, its WAL folded into the file. Returns the file.
fn stored_once(dir: &Path) -> PathBuf {
    let out = polyver(dir).arg("scan").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // A second connection that closes last checkpoints the WAL into the file.
    let out = polyver(dir).arg("history").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let db = dir.join(".polyver/polyver.db");
    assert!(db.is_file());
    db
}

fn assert_damaged(dir: &Path, args: &[&str], reason: &str) {
    let started = Instant::now();
    let out = polyver(dir).args(args).output().unwrap();
    let elapsed = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
    assert!(
        elapsed < Duration::from_secs(5),
        "{args:?} took {elapsed:?}"
    );
    assert!(err.contains("is damaged") && err.contains(reason), "{err}");
    assert!(
        err.contains("backup") && err.contains("new history"),
        "{err}"
    );
}

/// Found by the fault campaign: every command waited 10 s for a pool timeout, then blamed
/// the directory's permissions.
#[test]
fn a_damaged_header_fails_every_command_at_once_with_a_recovery_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "app");
    let db = stored_once(&dir);
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..16].copy_from_slice(&[0xEE; 16]);
    std::fs::write(&db, &bytes).unwrap();
    assert_damaged(&dir, &["scan"], "header");
    assert_damaged(&dir, &["history"], "header");
}

/// Found by the fault campaign: a registry damaged in the middle still took scans, exit 0.
#[test]
fn a_registry_damaged_in_the_middle_takes_no_more_scans() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), "app");
    // Enough components for the data to span many pages.
    let lines: String = (0..3000)
        .map(|i| format!("package-{i}==1.{i}.0\n"))
        .collect();
    std::fs::write(dir.join("requirements.txt"), lines).unwrap();
    let db = stored_once(&dir);
    let mut bytes = std::fs::read(&db).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let pages = bytes.len() / page;
    assert!(pages > 20, "{pages} pages");
    let middle = pages / 2 * page;
    bytes[middle..middle + page].fill(0xA5);
    std::fs::write(&db, &bytes).unwrap();
    assert_damaged(&dir, &["scan"], "integrity check failed");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the file was not written"
    );
}
