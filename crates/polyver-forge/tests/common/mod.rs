//! Shared by the test files: a scratch git repository with history, a bare remote, and the
//! fake forge server.
#![allow(dead_code)]

pub mod fake_forge;

use polyver_forge::{FileEdit, GroupChange, Signature};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git in `dir` as a test user, isolated from the machine's and user's git config;
/// panics with git's stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir, args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test User")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test User")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("LC_ALL", "C");
    command
}

/// The raw bytes of `rev:path`.
pub fn blob(dir: &Path, spec: &str) -> Vec<u8> {
    let output = git_command(dir, &["cat-file", "blob", spec])
        .output()
        .expect("git runs");
    assert!(output.status.success(), "no blob {spec}");
    output.stdout
}

/// A repository on `main` with two commits: `requirements.txt` (LF), `config/app.ini`
/// (CRLF) and an executable `run.sh`.
pub fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("work");
    std::fs::create_dir_all(path.join("config")).unwrap();
    git(&path, &["init", "-q", "-b", "main"]);
    std::fs::write(
        path.join("requirements.txt"),
        "django==4.2.8\nrequests==2.31.0\n",
    )
    .unwrap();
    std::fs::write(path.join("config/app.ini"), "[app]\r\nversion = 1.0\r\n").unwrap();
    std::fs::write(path.join("run.sh"), "#!/bin/sh\necho run\n").unwrap();
    git(&path, &["add", "."]);
    git(&path, &["update-index", "--chmod=+x", "run.sh"]);
    git(&path, &["commit", "-q", "-m", "initial"]);
    std::fs::write(path.join("README"), "readme\n").unwrap();
    git(&path, &["add", "README"]);
    git(&path, &["commit", "-q", "-m", "readme"]);
    (dir, path)
}

/// A bare repository beside `work`, added as its `origin`, with `main` pushed.
pub fn bare_remote(root: &Path, work: &Path) -> PathBuf {
    let bare = root.join("remote.git");
    git(
        root,
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
    );
    git(work, &["remote", "add", "origin", bare.to_str().unwrap()]);
    git(work, &["push", "-q", "origin", "main"]);
    bare
}

pub fn change(group: &str, files: &[(&str, &[u8])], message: &str) -> GroupChange {
    GroupChange {
        group: group.to_string(),
        files: files
            .iter()
            .map(|(path, contents)| FileEdit {
                path: PathBuf::from(path),
                contents: contents.to_vec(),
            })
            .collect(),
        commit_message: message.to_string(),
        title: format!("Update {group}"),
        body: format!("Updates {group}."),
    }
}

pub fn polyver() -> Signature {
    Signature {
        name: "polyver".into(),
        email: "polyver@example.invalid".into(),
        date: Some("2026-01-02T03:04:05Z".into()),
    }
}
