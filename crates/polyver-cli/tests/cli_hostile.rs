//! The binary on hostile repositories (issue 19): a symlinked include must leak nothing
//! (stdout, stderr, JSON, the registry), FIFOs must not hang any command, a deep include
//! chain must not abort the process, oversized settings fail fast.

#[path = "common/temp.rs"]
mod temp;
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

const SECRET: &str = "s3cr3t-token-value";

fn polyver(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("polyver").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("POLYVER_DATABASE_URL")
        .env_remove("POLYVER_NO_STORE")
        .env("POLYVER_OSV_DB", "/nonexistent/polyver-osv")
        // A regression must fail, not hang the test run.
        .timeout(Duration::from_secs(120));
    cmd
}

fn temp(name: &str) -> PathBuf {
    temp::fresh_dir("hostile", name)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    polyver(dir).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every byte of every file under `dir` (the registry, its WAL).
fn all_bytes(dir: &Path, out: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_bytes(&path, out);
        } else if path.is_file() {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_include_leaks_nothing() {
    let outside = temp("outside");
    std::fs::write(outside.join("environ"), format!("CI_TOKEN={SECRET}\n")).unwrap();
    std::fs::write(outside.join(".env"), format!("TAG={SECRET}\n")).unwrap();
    let dir = temp("symlink");
    std::fs::write(dir.join("requirements.txt"), "-r p.txt\nflask==3.0.0\n").unwrap();
    std::os::unix::fs::symlink(outside.join("environ"), dir.join("p.txt")).unwrap();
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: \"nginx:${TAG}\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join(".env"), dir.join(".env")).unwrap();

    for args in [
        &["scan"][..],
        &["--format", "json", "scan"],
        &["conflicts"],
        &["check"],
    ] {
        let out = run(&dir, args);
        assert!(out.status.code().is_some(), "{args:?}: killed");
        let all = text(&out);
        assert!(!all.contains(SECRET), "{args:?}: {all}");
        if args == ["scan"] {
            assert!(all.contains("include-rejected"), "{all}");
        }
    }
    let mut stored = Vec::new();
    all_bytes(&dir.join(".polyver"), &mut stored);
    assert!(!stored.is_empty());
    let needle = SECRET.as_bytes();
    assert!(!stored.windows(needle.len()).any(|w| w == needle));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[cfg(unix)]
#[test]
fn fifos_hang_no_command() {
    for fifo in [
        ".versions.yaml",
        ".compatibility-matrix.yaml",
        "polyver.lock",
        ".git/packed-refs",
        "pipe.txt",
    ] {
        let dir = temp("fifo");
        std::fs::write(dir.join("requirements.txt"), "-r pipe.txt\nflask==3.0.0\n").unwrap();
        std::fs::create_dir_all(dir.join(".git/refs/heads")).unwrap();
        std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        if fifo != "pipe.txt" {
            std::fs::write(dir.join("pipe.txt"), "django==5.0\n").unwrap();
        }
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join(fifo))
            .status()
            .unwrap();
        assert!(status.success());
        for args in [
            &["scan"][..],
            &["conflicts"],
            &["check"],
            &["lock", "--check"],
        ] {
            let out = run(&dir, args);
            let code = out.status.code();
            assert!(code.is_some(), "{fifo}: {args:?} hung or was killed");
            assert_ne!(code, Some(101), "{fifo}: {args:?} panicked: {}", text(&out));
        }
        let out = run(&dir, &["--format", "json", "scan"]);
        assert!(out.status.code().is_some());
        match fifo {
            // The mirrors are settings: a diagnostic for a (storing) scan, a clear error
            // (exit 2) for the commands that apply them.
            ".versions.yaml" | ".compatibility-matrix.yaml" => {
                assert!(out.status.success(), "{fifo}: {}", text(&out));
                assert!(text(&out).contains("FIFO"), "{fifo}: {}", text(&out));
                let conflicts = run(&dir, &["conflicts"]);
                assert_eq!(conflicts.status.code(), Some(2), "{}", text(&conflicts));
                assert!(text(&conflicts).contains("FIFO"), "{}", text(&conflicts));
            }
            "pipe.txt" => assert!(text(&out).contains("FIFO"), "{}", text(&out)),
            _ => assert!(out.status.success(), "{fifo}: {}", text(&out)),
        }
        let lock = run(&dir, &["lock", "--check"]);
        if fifo == "polyver.lock" {
            assert_eq!(lock.status.code(), Some(2), "{}", text(&lock));
            assert!(text(&lock).contains("FIFO"), "{}", text(&lock));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_four_thousand_file_include_chain_ends_with_a_diagnostic() {
    let dir = temp("chain");
    std::fs::create_dir(dir.join("chain")).unwrap();
    for i in 0..4_000 {
        std::fs::write(
            dir.join(format!("chain/{i}.txt")),
            format!("-r {}.txt\np{i}==1.0\n", i + 1),
        )
        .unwrap();
    }
    std::fs::write(dir.join("requirements.txt"), "-r chain/0.txt\n").unwrap();
    let out = run(&dir, &["--format", "json", "scan"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let depth: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "include-depth")
        .collect();
    assert_eq!(depth.len(), 1, "{depth:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_oversized_versions_yaml_is_a_diagnostic_of_a_storing_scan() {
    let dir = temp("bigyaml");
    std::fs::write(dir.join("requirements.txt"), "flask==3.0.0\n").unwrap();
    std::fs::write(dir.join(".versions.yaml"), "x: 1\n".repeat(1 << 19)).unwrap();
    let out = run(&dir, &["--format", "json", "scan"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == ".versions.yaml")
        .expect("a diagnostic on .versions.yaml");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("larger than 1048576 bytes"),
        "{d}"
    );
    assert_eq!(doc["components"].as_array().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_oversized_polyver_toml_is_a_quick_clear_error() {
    let dir = temp("bigtoml");
    std::fs::write(dir.join("polyver.toml"), "#".repeat(64 << 20)).unwrap();
    let started = std::time::Instant::now();
    let out = run(&dir, &["scan"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("over the 1048576-byte limit"),
        "{}",
        text(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&dir);
}
