//! Branches and pushes through the `git` command line, never a shell: every call is one
//! `git` process with its arguments as a list.
//!
//! A group's commit is built with plumbing against a temporary index file (`read-tree` of
//! the base, `hash-object --no-filters` of each file, `update-index --index-info`,
//! `write-tree`, `commit-tree`, `update-ref` with the expected old value), so the user's
//! working tree, index and HEAD are never read or written: uncommitted changes stay as they
//! are, a detached HEAD is fine, and the bytes given are the bytes committed (no
//! `core.autocrlf`, no clean filters). Every git process runs with `GIT_CONFIG_NOSYSTEM`,
//! `LC_ALL=C` (messages we parse stay English), no terminal prompt, and the identity given
//! to [`write_branch`], so a system-wide config or the caller's environment cannot change
//! what is committed.

use crate::{ForgeError, GroupChange};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Every update branch lives under this prefix: `polyver/<group>`.
pub const BRANCH_PREFIX: &str = "polyver/";

/// The identity written as author and committer of a group's commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
    /// A date git understands (`2026-01-02T03:04:05Z`, `@1767323045 +0000`); `None` = now.
    pub date: Option<String>,
}

impl Signature {
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Signature {
        Signature {
            name: name.into(),
            email: email.into(),
            date: None,
        }
    }
}

/// What [`write_branch`] did to `polyver/<group>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BranchOutcome {
    /// The branch did not exist; it now points at `commit`.
    Created { commit: String },
    /// The branch held another tree, base or message; it was force-moved to `commit`.
    Updated { commit: String },
    /// The branch already held exactly this change on this base; nothing was written.
    Unchanged { commit: String },
}

impl BranchOutcome {
    pub fn commit(&self) -> &str {
        match self {
            BranchOutcome::Created { commit }
            | BranchOutcome::Updated { commit }
            | BranchOutcome::Unchanged { commit } => commit,
        }
    }
}

/// What [`push`] did on the remote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PushOutcome {
    /// The remote had no such branch.
    Created { commit: String },
    /// The remote branch held an earlier polyver commit (`previous`) and was force-moved.
    Updated { commit: String, previous: String },
    /// The remote branch already pointed at `commit`; nothing was sent.
    UpToDate { commit: String },
}

impl PushOutcome {
    pub fn commit(&self) -> &str {
        match self {
            PushOutcome::Created { commit }
            | PushOutcome::Updated { commit, .. }
            | PushOutcome::UpToDate { commit } => commit,
        }
    }
}

/// The branch a group's change is committed to: `polyver/<group>`.
pub fn branch_name(group: &str) -> String {
    format!("{BRANCH_PREFIX}{group}")
}

/// Commits `change.files` on top of `base` (any commit-ish: a branch, a tag, `HEAD`, an id)
/// as the single commit of `polyver/<group>`, without touching the working tree, the index
/// or HEAD. Files not in `change.files` keep their content in `base`; an edited file keeps
/// its mode (an executable stays executable).
///
/// Idempotent: when the branch already is one commit on `base` with this tree and this
/// message, nothing is written ([`BranchOutcome::Unchanged`]); otherwise the branch is
/// created or force-moved (the move checks the branch still holds what was read, so a
/// concurrent writer is not silently overwritten).
pub fn write_branch(
    repo: &Path,
    base: &str,
    change: &GroupChange,
    author: &Signature,
) -> Result<BranchOutcome, ForgeError> {
    validate_group(&change.group)?;
    let git = Git::open(repo)?;
    let branch = branch_name(&change.group);
    let branch_ref = format!("refs/heads/{branch}");
    git.check_ref_format(&branch_ref, &change.group)?;
    let entries = validate_paths(change)?;

    let base_commit = git
        .rev_parse(&format!("{base}^{{commit}}"))?
        .ok_or_else(|| ForgeError::UnknownBase {
            repo: repo.to_path_buf(),
            base: base.to_string(),
        })?;
    let modes = git.modes_in(&base_commit, &entries)?;

    let index_dir = tempfile::Builder::new()
        .prefix("polyver-index")
        .tempdir()
        .map_err(|source| ForgeError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
    let index = index_dir.path().join("index");
    let with_index = [("GIT_INDEX_FILE", index.as_os_str())];
    git.run_env(&["read-tree", &base_commit], None, &with_index)?;
    let mut index_info = Vec::new();
    for (path, contents) in &entries {
        let blob = git.run(
            &["hash-object", "-w", "--no-filters", "--stdin"],
            Some(contents),
        )?;
        let mode = modes.get(path.as_str()).copied().unwrap_or("100644");
        index_info.extend_from_slice(format!("{mode} {}\t{path}\0", text(&blob)).as_bytes());
    }
    git.run_env(
        &["update-index", "-z", "--index-info"],
        Some(&index_info),
        &with_index,
    )?;
    let tree = text(&git.run_env(&["write-tree"], None, &with_index)?);
    let base_tree = git
        .rev_parse(&format!("{base_commit}^{{tree}}"))?
        .unwrap_or_default();
    if tree == base_tree {
        return Err(ForgeError::NoChanges {
            group: change.group.clone(),
            base: base.to_string(),
        });
    }

    let message = normalize_message(&change.commit_message);
    let existing = git.rev_parse(&format!("{branch_ref}^{{commit}}"))?;
    if let Some(existing) = &existing {
        let commit = git.read_commit(existing)?;
        if commit.tree == tree
            && commit.parents == [base_commit.clone()]
            && commit.message == message
        {
            return Ok(BranchOutcome::Unchanged {
                commit: existing.clone(),
            });
        }
        if let Some(worktree) = git.checked_out_in(&branch_ref)? {
            return Err(ForgeError::BranchCheckedOut { branch, worktree });
        }
    }

    let identity = author_env(author);
    let identity: Vec<(&str, &std::ffi::OsStr)> = identity
        .iter()
        .map(|(k, v)| (*k, std::ffi::OsStr::new(v.as_str())))
        .collect();
    let commit = text(&git.run_env(
        &["commit-tree", &tree, "-p", &base_commit, "-F", "-"],
        Some(message.as_bytes()),
        &identity,
    )?);
    let old = existing.clone().unwrap_or_default();
    let reason = format!("polyver update: group {}", change.group);
    git.run(
        &["update-ref", "-m", &reason, &branch_ref, &commit, &old],
        None,
    )?;
    Ok(match existing {
        None => BranchOutcome::Created { commit },
        Some(_) => BranchOutcome::Updated { commit },
    })
}

/// Pushes `branch` (`polyver/<group>`, or `refs/heads/…`) to `remote` (a remote's name or
/// URL) with `--force-with-lease` on the value the remote was just seen to hold, so a push
/// can replace polyver's own earlier commit but never a commit someone pushed in between.
///
/// A remote branch whose head was committed by another identity than the local branch's
/// (someone added a fix to polyver's branch) is left alone: [`ForgeError::BranchModified`].
pub fn push(repo: &Path, remote: &str, branch: &str) -> Result<PushOutcome, ForgeError> {
    let git = Git::open(repo)?;
    let branch = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    let branch_ref = format!("refs/heads/{branch}");
    let local = git
        .rev_parse(&format!("{branch_ref}^{{commit}}"))?
        .ok_or_else(|| ForgeError::Git {
            repo: repo.to_path_buf(),
            command: format!("rev-parse {branch_ref}"),
            message: format!("there is no local branch `{branch}` to push"),
        })?;
    let remote_commit = git.remote_head(remote, &branch_ref)?;
    if remote_commit.as_deref() == Some(local.as_str()) {
        return Ok(PushOutcome::UpToDate { commit: local });
    }
    if let Some(previous) = &remote_commit {
        git.ensure_commit(remote, &branch_ref, previous)?;
        let theirs = git.committer(previous)?;
        let ours = git.committer(&local)?;
        if theirs != ours {
            return Err(ForgeError::BranchModified {
                branch: branch.to_string(),
                remote: remote.to_string(),
                commit: previous.clone(),
                committer: theirs,
            });
        }
    }
    let lease = format!(
        "--force-with-lease={branch_ref}:{}",
        remote_commit.as_deref().unwrap_or("")
    );
    let refspec = format!("{branch_ref}:{branch_ref}");
    let output = git.output(
        &["push", "--porcelain", &lease, remote, &refspec],
        None,
        &[],
    )?;
    if !output.status.success() {
        return Err(ForgeError::PushRejected {
            branch: branch.to_string(),
            remote: remote.to_string(),
            message: push_failure(&output),
        });
    }
    Ok(match remote_commit {
        None => PushOutcome::Created { commit: local },
        Some(previous) => PushOutcome::Updated {
            commit: local,
            previous,
        },
    })
}

/// Deletes `branch` on `remote` (after its pull request was closed as superseded), with a
/// lease on the commit it holds now. `Ok(false)` when the remote has no such branch. With
/// `only_by`, a branch whose head another identity committed is left alone
/// ([`ForgeError::BranchModified`]).
pub fn delete_remote_branch(
    repo: &Path,
    remote: &str,
    branch: &str,
    only_by: Option<&Signature>,
) -> Result<bool, ForgeError> {
    let git = Git::open(repo)?;
    let branch = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    let branch_ref = format!("refs/heads/{branch}");
    let Some(current) = git.remote_head(remote, &branch_ref)? else {
        return Ok(false);
    };
    if let Some(author) = only_by {
        git.ensure_commit(remote, &branch_ref, &current)?;
        let committer = git.committer(&current)?;
        if committer != format!("{} <{}>", author.name, author.email) {
            return Err(ForgeError::BranchModified {
                branch: branch.to_string(),
                remote: remote.to_string(),
                commit: current,
                committer,
            });
        }
    }
    let lease = format!("--force-with-lease={branch_ref}:{current}");
    let refspec = format!(":{branch_ref}");
    let output = git.output(
        &["push", "--porcelain", &lease, remote, &refspec],
        None,
        &[],
    )?;
    if !output.status.success() {
        return Err(ForgeError::PushRejected {
            branch: branch.to_string(),
            remote: remote.to_string(),
            message: push_failure(&output),
        });
    }
    Ok(true)
}

/// The URL of `remote` (`git remote get-url`), to hand to [`crate::forge_for_remote`].
pub fn remote_url(repo: &Path, remote: &str) -> Result<String, ForgeError> {
    let git = Git::open(repo)?;
    Ok(text(&git.run(&["remote", "get-url", remote], None)?))
}

/// `<group>` must make a branch name that is also safe in a URL and a file name: ASCII
/// letters, digits, `.`, `_`, `-` and `/` between non-empty parts.
fn validate_group(group: &str) -> Result<(), ForgeError> {
    let error = |reason: &str| {
        Err(ForgeError::InvalidGroup {
            group: group.to_string(),
            reason: reason.to_string(),
        })
    };
    if group.is_empty() {
        return error("it is empty");
    }
    if let Some(c) = group
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return error(&format!(
            "`{c}` is not allowed (letters, digits, `.`, `_`, `-`, `/`)"
        ));
    }
    if group
        .split('/')
        .any(|part| part.is_empty() || part.starts_with('.'))
        || group.ends_with(".lock")
        || group.contains("..")
    {
        return error("each `/`-separated part must be non-empty, not start with `.`, and not end with `.lock`");
    }
    Ok(())
}

/// The files as `(path with '/' separators, contents)`, sorted; a path must be relative,
/// inside the repository, outside `.git`, UTF-8 and given once.
fn validate_paths(change: &GroupChange) -> Result<BTreeMap<String, &[u8]>, ForgeError> {
    let mut entries = BTreeMap::new();
    for file in &change.files {
        let error = |reason: &str| ForgeError::InvalidPath {
            path: file.path.clone(),
            reason: reason.to_string(),
        };
        let mut parts = Vec::new();
        for component in file.path.components() {
            match component {
                Component::Normal(part) => {
                    let part = part
                        .to_str()
                        .ok_or_else(|| error("the path is not UTF-8"))?;
                    if part.eq_ignore_ascii_case(".git") {
                        return Err(error("it is inside `.git`"));
                    }
                    if part.contains('\0') || part.contains('\n') {
                        return Err(error("the path holds a control character"));
                    }
                    parts.push(part);
                }
                Component::CurDir => {}
                _ => {
                    return Err(error(
                        "the path must be relative to the repository root, without `..`",
                    ))
                }
            }
        }
        if parts.is_empty() {
            return Err(error("the path names no file"));
        }
        if entries
            .insert(parts.join("/"), file.contents.as_slice())
            .is_some()
        {
            return Err(error("the group edits this file twice"));
        }
    }
    if entries.is_empty() {
        return Err(ForgeError::InvalidGroup {
            group: change.group.clone(),
            reason: "it edits no file".to_string(),
        });
    }
    Ok(entries)
}

/// Ends the message with exactly one newline, as `git commit` stores it.
fn normalize_message(message: &str) -> String {
    let mut message = message.trim_end().to_string();
    message.push('\n');
    message
}

fn author_env(author: &Signature) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("GIT_AUTHOR_NAME", author.name.clone()),
        ("GIT_AUTHOR_EMAIL", author.email.clone()),
        ("GIT_COMMITTER_NAME", author.name.clone()),
        ("GIT_COMMITTER_EMAIL", author.email.clone()),
    ];
    if let Some(date) = &author.date {
        env.push(("GIT_AUTHOR_DATE", date.clone()));
        env.push(("GIT_COMMITTER_DATE", date.clone()));
    }
    env
}

fn push_failure(output: &Output) -> String {
    let mut message = String::from_utf8_lossy(&output.stderr).trim().to_string();
    // `--porcelain` puts the per-ref verdict ("!\trefs/...\t[rejected] (stale info)") on
    // stdout; the lease failure is only named there.
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if line.starts_with('!') {
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(line.trim());
        }
    }
    if message.contains("stale info") {
        message.push_str(" (the remote branch moved while polyver was pushing; run again)");
    }
    message
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

/// A parsed `git cat-file commit`.
struct CommitObject {
    tree: String,
    parents: Vec<String>,
    message: String,
}

/// One repository, every command run from its top directory.
struct Git {
    dir: PathBuf,
}

impl Git {
    fn open(repo: &Path) -> Result<Git, ForgeError> {
        let probe = Git {
            dir: repo.to_path_buf(),
        };
        let output = probe.output(&["rev-parse", "--show-toplevel"], None, &[])?;
        if output.status.success() {
            return Ok(Git {
                dir: PathBuf::from(text(&output.stdout)),
            });
        }
        // A bare repository has no top directory; its own path is where git runs.
        let bare = probe.run(&["rev-parse", "--is-bare-repository"], None)?;
        if text(&bare) == "true" {
            return Ok(probe);
        }
        Err(ForgeError::Git {
            repo: repo.to_path_buf(),
            command: "rev-parse --show-toplevel".into(),
            message: text(&output.stderr),
        })
    }

    fn output(
        &self,
        args: &[&str],
        stdin: Option<&[u8]>,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<Output, ForgeError> {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("LC_ALL", "C")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for variable in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_PREFIX",
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
            "GIT_COMMITTER_DATE",
        ] {
            command.env_remove(variable);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().map_err(|e| ForgeError::GitMissing {
            message: e.to_string(),
        })?;
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // A write error means git exited early; its status and stderr say why.
            let _ = pipe.write_all(input);
        }
        child.wait_with_output().map_err(|source| ForgeError::Io {
            path: self.dir.clone(),
            source,
        })
    }

    fn run_env(
        &self,
        args: &[&str],
        stdin: Option<&[u8]>,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<Vec<u8>, ForgeError> {
        let output = self.output(args, stdin, env)?;
        if !output.status.success() {
            return Err(ForgeError::Git {
                repo: self.dir.clone(),
                command: args.join(" "),
                message: text(&output.stderr),
            });
        }
        Ok(output.stdout)
    }

    fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>, ForgeError> {
        self.run_env(args, stdin, &[])
    }

    /// The object id `rev` names, `None` when it names nothing.
    fn rev_parse(&self, rev: &str) -> Result<Option<String>, ForgeError> {
        let output = self.output(&["rev-parse", "--verify", "--quiet", rev], None, &[])?;
        Ok(output
            .status
            .success()
            .then(|| text(&output.stdout))
            .filter(|id| !id.is_empty()))
    }

    fn check_ref_format(&self, reference: &str, group: &str) -> Result<(), ForgeError> {
        let output = self.output(&["check-ref-format", reference], None, &[])?;
        if output.status.success() {
            Ok(())
        } else {
            Err(ForgeError::InvalidGroup {
                group: group.to_string(),
                reason: format!("git refuses `{reference}` as a branch name"),
            })
        }
    }

    /// The modes of `paths` in `commit` (absent paths are left out); directories, symbolic
    /// links and submodules cannot be replaced by a file's contents.
    fn modes_in(
        &self,
        commit: &str,
        paths: &BTreeMap<String, &[u8]>,
    ) -> Result<BTreeMap<String, &'static str>, ForgeError> {
        let mut args = vec!["ls-tree", "-z", commit, "--"];
        args.extend(paths.keys().map(String::as_str));
        let listing = self.run(&args, None)?;
        let mut modes = BTreeMap::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            if !paths.contains_key(path) {
                continue;
            }
            let refuse = |reason: &str| {
                Err(ForgeError::InvalidPath {
                    path: PathBuf::from(path),
                    reason: reason.to_string(),
                })
            };
            match meta.split(' ').next().unwrap_or("") {
                "100644" => modes.insert(path.to_string(), "100644"),
                "100755" => modes.insert(path.to_string(), "100755"),
                "120000" => return refuse("it is a symbolic link in the base commit"),
                "160000" => return refuse("it is a submodule in the base commit"),
                _ => return refuse("it is a directory in the base commit"),
            };
        }
        Ok(modes)
    }

    fn read_commit(&self, commit: &str) -> Result<CommitObject, ForgeError> {
        let raw = self.run(&["cat-file", "commit", commit], None)?;
        let raw = String::from_utf8_lossy(&raw);
        let (headers, message) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let mut tree = String::new();
        let mut parents = Vec::new();
        for line in headers.lines() {
            if let Some(id) = line.strip_prefix("tree ") {
                tree = id.to_string();
            } else if let Some(id) = line.strip_prefix("parent ") {
                parents.push(id.to_string());
            }
        }
        Ok(CommitObject {
            tree,
            parents,
            message: message.to_string(),
        })
    }

    /// The worktree that has `branch_ref` checked out, if any.
    fn checked_out_in(&self, branch_ref: &str) -> Result<Option<PathBuf>, ForgeError> {
        let listing = self.run(&["worktree", "list", "--porcelain", "-z"], None)?;
        let mut worktree = None;
        for field in listing.split(|b| *b == 0) {
            let field = String::from_utf8_lossy(field);
            if let Some(path) = field.strip_prefix("worktree ") {
                worktree = Some(PathBuf::from(path));
            } else if field.strip_prefix("branch ") == Some(branch_ref) {
                return Ok(worktree);
            }
        }
        Ok(None)
    }

    /// The commit `branch_ref` points at on `remote`, `None` when it has no such branch.
    fn remote_head(&self, remote: &str, branch_ref: &str) -> Result<Option<String>, ForgeError> {
        let listing = self.run(&["ls-remote", "--refs", remote, branch_ref], None)?;
        let listing = String::from_utf8_lossy(&listing);
        Ok(listing.lines().find_map(|line| {
            let (id, name) = line.split_once('\t')?;
            (name == branch_ref).then(|| id.to_string())
        }))
    }

    /// Fetches `branch_ref` from `remote` when `commit` (its head there) is not here yet.
    fn ensure_commit(
        &self,
        remote: &str,
        branch_ref: &str,
        commit: &str,
    ) -> Result<(), ForgeError> {
        if self.rev_parse(&format!("{commit}^{{commit}}"))?.is_none() {
            self.run(
                &[
                    "fetch",
                    "--no-tags",
                    "--no-write-fetch-head",
                    remote,
                    branch_ref,
                ],
                None,
            )?;
        }
        Ok(())
    }

    /// `Name <email>` of a commit's committer.
    fn committer(&self, commit: &str) -> Result<String, ForgeError> {
        Ok(text(&self.run(
            &["log", "-1", "--format=%cn <%ce>", commit, "--"],
            None,
        )?))
    }
}

/// The distinct branch names of `groups`, for [`crate::Forge::close_superseded`]'s `keep`.
pub fn branch_names<'a>(groups: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    groups
        .into_iter()
        .map(branch_name)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}
