//! The walker: ignore files, default skips, globs, size cap, symlinks, determinism.

use polyver_extract::{scan, ScanConfig};
use polyver_model::{DiagnosticCode, Inventory};
use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn paths(inv: &Inventory) -> Vec<String> {
    let mut v: Vec<String> = inv
        .components
        .iter()
        .flat_map(|c| c.locations.iter().map(|l| l.path.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "requirements.txt", "requests==2.31.0\n");
    write(r, ".python-version", "3.11.6\n");
    write(r, ".gitignore", "ignored/\n");
    write(r, "ignored/requirements.txt", "flask==3.0.0\n");
    write(r, "svc/.ignore", "local-requirements.txt\n");
    write(r, "svc/local-requirements.txt", "flask==3.0.0\n");
    write(r, "svc/Dockerfile", "FROM python:3.11-slim\n");
    for skipped in [
        "node_modules/x",
        "vendor",
        ".venv",
        "venv",
        "target",
        "build",
        "dist",
        "__pycache__",
        ".git",
    ] {
        write(r, &format!("{skipped}/requirements.txt"), "django==4.2\n");
    }
    write(
        r,
        "web/package.json",
        "{\"dependencies\": {\"react\": \"^18.2.0\"}}",
    );
    dir
}

#[test]
fn honours_ignore_files_and_default_skips() {
    let dir = repo();
    let inv = scan(dir.path(), &ScanConfig::default()).unwrap();
    assert_eq!(
        paths(&inv),
        [
            ".python-version",
            "requirements.txt",
            "svc/Dockerfile",
            "web/package.json"
        ]
    );
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    assert_eq!(inv.stats.files_extracted, 4);
    assert_eq!(inv.schema, "polyver.scan/v1");
    // Constraints are evaluated by the scan (the version engine decides the value).
    assert!(inv
        .components
        .iter()
        .any(|c| c.constraint.as_ref().is_some_and(|k| k.valid.is_some())));
}

#[test]
fn skips_can_be_disabled_and_globs_filter() {
    let dir = repo();
    let config = ScanConfig {
        skip_default_dirs: false,
        exclude: vec![".git".into(), "vendor".into(), "target/**".into()],
        ..ScanConfig::default()
    };
    let found = paths(&scan(dir.path(), &config).unwrap());
    assert!(found.contains(&"node_modules/x/requirements.txt".to_string()));
    assert!(found.contains(&"build/requirements.txt".to_string()));
    assert!(!found
        .iter()
        .any(|p| p.starts_with("vendor/") || p.starts_with(".git/") || p.starts_with("target/")));

    let config = ScanConfig {
        include: vec!["svc/**".into(), "*.txt".into()],
        ..ScanConfig::default()
    };
    assert_eq!(
        paths(&scan(dir.path(), &config).unwrap()),
        ["requirements.txt", "svc/Dockerfile"]
    );
    let bad = ScanConfig {
        include: vec!["[".into()],
        ..ScanConfig::default()
    };
    assert!(scan(dir.path(), &bad).is_err());
}

#[test]
fn size_cap_gives_a_diagnostic() {
    let dir = repo();
    write(
        dir.path(),
        "big/requirements.txt",
        &"requests==2.31.0\n".repeat(1000),
    );
    let config = ScanConfig {
        max_file_size: 1024,
        ..ScanConfig::default()
    };
    let inv = scan(dir.path(), &config).unwrap();
    let d = inv
        .diagnostics
        .iter()
        .find(|d| d.code == DiagnosticCode::FileTooLarge)
        .unwrap();
    assert_eq!(d.path, "big/requirements.txt");
    assert_eq!(inv.stats.files_too_large, 1);
}

#[test]
fn output_is_deterministic() {
    let dir = repo();
    let a = serde_json::to_string(&scan(dir.path(), &ScanConfig::default()).unwrap()).unwrap();
    let b = serde_json::to_string(
        &scan(
            dir.path(),
            &ScanConfig {
                threads: 1,
                ..ScanConfig::default()
            },
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(a, b);
}

#[cfg(unix)]
#[test]
fn symlinks_not_followed_by_default_and_loops_reported() {
    let dir = repo();
    let r = dir.path();
    write(r, "real/requirements.txt", "attrs==23.1.0\n");
    std::os::unix::fs::symlink(r.join("real"), r.join("linked")).unwrap();
    std::os::unix::fs::symlink(r.join("real"), r.join("real/loop")).unwrap();
    let inv = scan(r, &ScanConfig::default()).unwrap();
    assert!(paths(&inv).contains(&"real/requirements.txt".to_string()));
    assert!(!paths(&inv).iter().any(|p| p.starts_with("linked/")));
    assert!(inv.diagnostics.is_empty());

    let follow = ScanConfig {
        follow_symlinks: true,
        ..ScanConfig::default()
    };
    let inv = scan(r, &follow).unwrap();
    assert!(paths(&inv).contains(&"linked/requirements.txt".to_string()));
    assert!(inv
        .diagnostics
        .iter()
        .any(|d| d.code == DiagnosticCode::WalkError));
}

#[test]
fn not_utf8_is_a_diagnostic() {
    let dir = repo();
    fs::write(
        dir.path().join("requirements-bad.txt"),
        b"requests==2\n\xff\xfe\xfd",
    )
    .unwrap();
    let inv = scan(dir.path(), &ScanConfig::default()).unwrap();
    assert!(inv
        .diagnostics
        .iter()
        .any(|d| d.code == DiagnosticCode::NotUtf8 && d.line == 2));
}

#[test]
fn includes_are_recorded_as_links_once() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(
        r,
        "svc/requirements.txt",
        "-r ../shared/base.txt\n-c ../constraints.txt\nflask==2.0\n",
    );
    write(r, "shared/base.txt", "--requirement common.in\nrequests\n");
    write(r, "shared/common.in", "idna\n");
    write(r, "constraints.txt", "requests<3\n");
    let inv = scan(r, &ScanConfig::default()).unwrap();
    let links: Vec<(String, u32, String, polyver_model::LinkKind)> = inv
        .links
        .iter()
        .map(|l| (l.from.clone(), l.line, l.to.clone(), l.kind))
        .collect();
    use polyver_model::LinkKind::{Constraints, Requirements};
    assert_eq!(
        links,
        [
            (
                "shared/base.txt".into(),
                1,
                "shared/common.in".into(),
                Requirements
            ),
            (
                "svc/requirements.txt".into(),
                1,
                "shared/base.txt".into(),
                Requirements
            ),
            (
                "svc/requirements.txt".into(),
                2,
                "constraints.txt".into(),
                Constraints
            ),
        ]
    );
    // Links are in-process facts: the scan JSON does not change.
    assert!(!serde_json::to_string(&inv).unwrap().contains("links"));
}
