//! Which repository, commit and branch a scanned directory belongs to, read from the `.git`
//! files themselves. polyver never runs `git`: it may not be installed (CI images, the
//! server), and reading `HEAD`, loose refs and `packed-refs` is all that is needed. Linked
//! worktrees (a `.git` *file* with `gitdir:`) and submodules are followed; anything unreadable
//! degrades to "no commit" rather than an error, since a scan is useful without it.
//!
//! These files belong to the scanned (untrusted) repository, so they are read through
//! [`polyver_model::read`]: regular files only (a FIFO at `packed-refs` must not hang a
//! scan), symlinks not followed, and capped (1 MiB for small files, [`MAX_PACKED_REFS`] for
//! `packed-refs`, which grows with the number of tags).

use polyver_model::read::{read_file_to_string, ReadLimits};
use std::fs;
use std::path::{Path, PathBuf};

/// Git's own metadata files (HEAD, loose refs, config) are small.
const MAX_SMALL: u64 = 1 << 20;
/// `packed-refs` of the largest public repositories is tens of MiB.
pub const MAX_PACKED_REFS: u64 = 64 << 20;

/// What the store records about where a scan came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitInfo {
    /// The top of the working tree (the directory holding `.git`).
    pub toplevel: PathBuf,
    /// The checked-out commit (40 or 64 hex digits), when HEAD resolves.
    pub commit: Option<String>,
    /// The branch HEAD points at; `None` when detached.
    pub branch: Option<String>,
    /// The `origin` remote's URL as written in the config, when there is one.
    pub origin: Option<String>,
}

/// The git working tree that contains `dir` (searching upward), if any.
pub fn discover(dir: &Path) -> Option<GitInfo> {
    let start = dir.canonicalize().ok()?;
    let mut cur = Some(start.as_path());
    while let Some(d) = cur {
        let dot = d.join(".git");
        if let Some(gitdir) = resolve_gitdir(&dot) {
            return Some(read(d, &gitdir));
        }
        cur = d.parent();
    }
    None
}

/// `.git` is a directory, or a file `gitdir: <path>` (worktrees, submodules).
fn resolve_gitdir(dot: &Path) -> Option<PathBuf> {
    let meta = fs::metadata(dot).ok()?;
    if meta.is_dir() {
        return dot.join("HEAD").is_file().then(|| dot.to_path_buf());
    }
    let text = read_small(dot)?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    let path = dot.parent()?.join(target);
    path.join("HEAD").is_file().then_some(path)
}

fn read(toplevel: &Path, gitdir: &Path) -> GitInfo {
    // A linked worktree keeps HEAD in its own gitdir and refs/config in the common one.
    let common = read_small(&gitdir.join("commondir"))
        .map(|c| gitdir.join(c.trim()))
        .unwrap_or_else(|| gitdir.to_path_buf());
    let head = read_small(&gitdir.join("HEAD")).unwrap_or_default();
    let head = head.trim();
    let (commit, branch) = match head.strip_prefix("ref:") {
        Some(r) => {
            let r = r.trim();
            let commit = resolve_ref(gitdir, &common, r);
            (
                commit,
                Some(r.strip_prefix("refs/heads/").unwrap_or(r).to_string()),
            )
        }
        None if is_object_id(head) => (Some(head.to_ascii_lowercase()), None),
        None => (None, None),
    };
    GitInfo {
        toplevel: toplevel.to_path_buf(),
        commit,
        branch,
        origin: origin_url(&common),
    }
}

fn resolve_ref(gitdir: &Path, common: &Path, name: &str) -> Option<String> {
    // Guard the path join: a ref name never has `..` or an absolute form.
    if name.split('/').any(|p| p.is_empty() || p == "..") {
        return None;
    }
    for base in [gitdir, common] {
        if let Some(text) = read_small(&base.join(name)) {
            let text = text.trim();
            if is_object_id(text) {
                return Some(text.to_ascii_lowercase());
            }
            if let Some(next) = text.strip_prefix("ref:") {
                // One level of symbolic ref is all git itself creates in practice.
                return resolve_loose_or_packed(common, next.trim());
            }
        }
    }
    resolve_loose_or_packed(common, name)
}

fn resolve_loose_or_packed(common: &Path, name: &str) -> Option<String> {
    if name.split('/').any(|p| p.is_empty() || p == "..") {
        return None;
    }
    if let Some(text) = read_small(&common.join(name)) {
        let text = text.trim();
        if is_object_id(text) {
            return Some(text.to_ascii_lowercase());
        }
    }
    let packed = read_file_to_string(
        &common.join("packed-refs"),
        ReadLimits::new(MAX_PACKED_REFS),
    )
    .ok()?;
    packed.lines().find_map(|line| {
        let (id, r) = line.split_once(' ')?;
        (r.trim() == name && is_object_id(id)).then(|| id.to_ascii_lowercase())
    })
}

/// The `url` of `[remote "origin"]` in the repository config.
fn origin_url(common: &Path) -> Option<String> {
    let config = read_small(&common.join("config"))?;
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let section: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_origin = section == "[remote\"origin\"]";
        } else if in_origin {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim().eq_ignore_ascii_case("url") {
                    return Some(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

/// A repository name from a remote URL: `git@host:org/repo.git` and
/// `https://user@host/org/repo.git` both give `host/org/repo`.
pub fn name_from_remote(url: &str) -> Option<String> {
    let mut s = url.trim();
    if let Some((_, rest)) = s.split_once("://") {
        s = rest;
    } else if let Some((host, path)) = s.split_once(':') {
        // scp-like syntax; a Windows drive letter or a plain path is not a remote.
        if host.len() <= 1 || host.contains('/') {
            return None;
        }
        return name_from_remote(&format!("ssh://{host}/{path}"));
    }
    let s = s.rsplit_once('@').map_or(s, |(_, h)| h);
    let s = s.trim_end_matches('/').trim_end_matches(".git");
    let (host, path) = s.split_once('/')?;
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let path = path.trim_matches('/');
    (!host.is_empty() && !path.is_empty()).then(|| format!("{host}/{path}"))
}

fn is_object_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Git metadata files are small; a huge or special one is not ours to read.
fn read_small(path: &Path) -> Option<String> {
    read_file_to_string(path, ReadLimits::new(MAX_SMALL)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef01234567";
    const B: &str = "89abcdef0123456789abcdef0123456789abcdef";

    fn tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let g = t.path().join("repo/.git");
        fs::create_dir_all(g.join("refs/heads/feature")).unwrap();
        fs::write(g.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(
            g.join("packed-refs"),
            format!("# pack-refs with: peeled\n{A} refs/heads/main\n{B} refs/tags/v1\n"),
        )
        .unwrap();
        fs::write(
            g.join("config"),
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@example.com:org/app.git\n",
        )
        .unwrap();
        fs::create_dir_all(t.path().join("repo/services/api")).unwrap();
        t
    }

    #[test]
    fn packed_ref_branch_and_origin_from_a_subdirectory() {
        let t = tree();
        let info = discover(&t.path().join("repo/services/api")).unwrap();
        assert_eq!(info.commit.as_deref(), Some(A));
        assert_eq!(info.branch.as_deref(), Some("main"));
        assert_eq!(info.toplevel, t.path().join("repo").canonicalize().unwrap());
        assert_eq!(
            name_from_remote(info.origin.as_deref().unwrap()).as_deref(),
            Some("example.com/org/app")
        );
    }

    #[test]
    fn loose_ref_wins_over_packed_and_detached_head() {
        let t = tree();
        let g = t.path().join("repo/.git");
        fs::write(g.join("refs/heads/main"), format!("{B}\n")).unwrap();
        assert_eq!(
            discover(&t.path().join("repo")).unwrap().commit.as_deref(),
            Some(B)
        );
        fs::write(g.join("HEAD"), format!("{A}\n")).unwrap();
        let info = discover(&t.path().join("repo")).unwrap();
        assert_eq!((info.commit.as_deref(), info.branch), (Some(A), None));
    }

    #[test]
    fn linked_worktree_reads_head_locally_and_refs_from_the_common_dir() {
        let t = tree();
        let g = t.path().join("repo/.git");
        let wt = g.join("worktrees/wt1");
        fs::create_dir_all(&wt).unwrap();
        fs::write(wt.join("HEAD"), "ref: refs/heads/feature/x\n").unwrap();
        fs::write(wt.join("commondir"), "../..\n").unwrap();
        fs::write(g.join("refs/heads/feature/x"), format!("{B}\n")).unwrap();
        let checkout = t.path().join("wt1");
        fs::create_dir_all(&checkout).unwrap();
        fs::write(checkout.join(".git"), format!("gitdir: {}\n", wt.display())).unwrap();
        let info = discover(&checkout).unwrap();
        assert_eq!(info.commit.as_deref(), Some(B));
        assert_eq!(info.branch.as_deref(), Some("feature/x"));
        assert_eq!(info.origin.as_deref(), Some("git@example.com:org/app.git"));
    }

    #[cfg(unix)]
    #[test]
    fn special_and_linked_git_files_are_not_read() {
        let t = tree();
        let g = t.path().join("repo/.git");
        fs::remove_file(g.join("packed-refs")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(g.join("packed-refs"))
            .status()
            .unwrap();
        assert!(status.success());
        let outside = tempfile::tempdir().unwrap();
        fs::write(
            outside.path().join("config"),
            "[remote \"origin\"]\nurl = x:y/z\n",
        )
        .unwrap();
        fs::remove_file(g.join("config")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("config"), g.join("config")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let dir = t.path().join("repo");
        std::thread::spawn(move || tx.send(discover(&dir)));
        let info = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("discover blocked on a FIFO")
            .unwrap();
        assert_eq!(info.branch.as_deref(), Some("main"));
        assert_eq!(info.commit, None);
        assert_eq!(info.origin, None);
    }

    #[test]
    fn remote_names() {
        for (url, want) in [
            ("https://github.com/Org/App.git", Some("github.com/Org/App")),
            (
                "https://token@gitlab.example:8443/a/b/c/",
                Some("gitlab.example/a/b/c"),
            ),
            ("ssh://git@host/org/repo", Some("host/org/repo")),
            ("git@host:org/repo.git", Some("host/org/repo")),
            ("/srv/git/repo.git", None),
            ("C:/repo", None),
        ] {
            assert_eq!(name_from_remote(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn no_repository_and_hostile_ref_names() {
        let t = tempfile::tempdir().unwrap();
        assert!(discover(t.path()).is_none());
        let t = tree();
        fs::write(
            t.path().join("repo/.git/HEAD"),
            "ref: refs/../../../etc/passwd\n",
        )
        .unwrap();
        let info = discover(&t.path().join("repo")).unwrap();
        assert_eq!(info.commit, None);
    }
}
