//! The git and forge half of `polyver update`: an update group's edited files become one
//! commit on the branch `polyver/<group>`, that branch is pushed, and a pull request (GitHub)
//! or merge request (GitLab) is opened or brought up to date; pull requests of groups no
//! longer produced are commented on and closed. The rewriting half (which files change, the
//! messages and the Markdown body) is `polyver-update`'s; this crate never decides content.
//!
//! Why plumbing and not `git checkout` + `git commit`: the user's working tree may hold
//! uncommitted work, HEAD may be detached, and the group's files must be committed byte for
//! byte (CRLF stays CRLF). Building the commit against a temporary index leaves all of that
//! alone, and comparing the result with the branch makes a re-run a no-op.
//!
//! Why the forges' REST APIs through `polyver-net`: the same timeouts, retries (5xx, 429,
//! `Retry-After`) and CA settings as every other request polyver makes, no extra HTTP stack.
//!
//! # How to call it
//!
//! ```no_run
//! use polyver_forge::*;
//! # fn main() -> Result<(), ForgeError> {
//! let repo = std::path::Path::new(".");
//! let change = GroupChange {
//!     group: "pypi-django".into(),
//!     files: vec![FileEdit { path: "requirements.txt".into(), contents: b"django==5.0.1\n".to_vec() }],
//!     commit_message: "Update django 4.2.8 -> 5.0.1\n\n...".into(),
//!     title: "Update django to 5.0.1".into(),
//!     body: "| package | from | to |\n|---|---|---|\n| django | 4.2.8 | 5.0.1 |\n".into(),
//! };
//! let author = Signature::new("polyver", "polyver@users.noreply.example");
//! // 1. one commit per group on `polyver/<group>`, working tree untouched.
//! let branch = write_branch(repo, "origin/main", &change, &author)?;
//! // 2. `--open-pr`: push (force-with-lease), then open or update the pull request.
//! let pushed = push(repo, "origin", &branch_name(&change.group))?;
//! let settings = ForgeSettings::from_env(polyver_net::Options::default());
//! let forge = forge_for_remote(&remote_url(repo, "origin")?, &settings)?;
//! let base = forge.default_branch()?;
//! let pr = forge.open_or_update(&PullRequest::for_change(&change, &base))?;
//! // 3. after every group: close what is no longer produced.
//! let closed = forge.close_superseded(BRANCH_PREFIX, &branch_names(["pypi-django"]))?;
//! # let _ = (branch, pushed, pr, closed); Ok(()) }
//! ```
//!
//! Or all of it in one call, one group's failure not stopping the others:
//! [`publish`]`(repo, &changes, &author, &PublishOptions { base, open_pr }, forge)` returns a
//! [`PublishReport`] (per group: commit, push, pull request or error; the closed ones).
//!
//! Every outcome type serializes (serde) for `--format json`; [`ForgeError::exit_code`]
//! gives the CLI's exit code (2 input, 3 environment).
//!
//! Tokens: `POLYVER_FORGE_TOKEN`, else `GITHUB_TOKEN` (GitHub) or `GITLAB_TOKEN` (GitLab),
//! read once by [`ForgeSettings::from_env`]. GitHub Enterprise and self-hosted GitLab: set
//! [`ForgeSettings::kind`] and [`ForgeSettings::api_base`] (or use a host named `gitlab.*`).

mod api;
mod error;
mod git;
mod github;
mod gitlab;
mod publish;
mod remote;

pub use error::ForgeError;
pub use git::{
    branch_name, branch_names, delete_remote_branch, push, remote_url, write_branch, BranchOutcome,
    PushOutcome, Signature, BRANCH_PREFIX,
};
pub use github::GitHub;
pub use gitlab::GitLab;
pub use publish::{publish, GroupError, GroupResult, OpenPr, PublishOptions, PublishReport};
pub use remote::{forge_for_remote, parse_remote, ForgeKind, ForgeSettings, RemoteLocation};

use serde::Serialize;
use std::path::PathBuf;

/// One file of a group's change: its path relative to the repository root and its whole
/// new contents (bytes, committed as given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

/// One update group's result, ready to commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupChange {
    /// Slug, e.g. `pypi-django` or `all-patches`; the branch is `polyver/<group>`.
    pub group: String,
    pub files: Vec<FileEdit>,
    /// The full commit message (subject line, blank line, body).
    pub commit_message: String,
    /// The pull/merge request's title.
    pub title: String,
    /// The pull/merge request's body, Markdown.
    pub body: String,
}

/// A pull request (GitHub) or merge request (GitLab) as polyver wants it to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PullRequest {
    /// The source branch, `polyver/<group>`.
    pub head: String,
    /// The target branch (`main`).
    pub base: String,
    pub title: String,
    /// Markdown; cut (with a note) to what the forge accepts.
    pub body: String,
    /// Added when missing; labels someone else put on the pull request stay.
    pub labels: Vec<String>,
    /// Opened as a draft; later runs do not change a pull request's draft state.
    pub draft: bool,
    /// User names asked for review when the pull request is created.
    pub reviewers: Vec<String>,
    /// User names assigned when the pull request is created.
    pub assignees: Vec<String>,
}

impl PullRequest {
    /// The pull request for `change` into `base`, without labels, reviewers or assignees.
    pub fn for_change(change: &GroupChange, base: &str) -> PullRequest {
        PullRequest {
            head: branch_name(&change.group),
            base: base.to_string(),
            title: change.title.clone(),
            body: change.body.clone(),
            labels: Vec::new(),
            draft: false,
            reviewers: Vec::new(),
            assignees: Vec::new(),
        }
    }
}

/// What [`Forge::open_or_update`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PrOutcome {
    Created {
        number: u64,
        url: String,
    },
    /// An open pull request for the branch existed; `fields` were changed (`title`, `body`,
    /// `base`, `labels`).
    Updated {
        number: u64,
        url: String,
        fields: Vec<String>,
    },
    /// An open pull request for the branch already said exactly this.
    Unchanged {
        number: u64,
        url: String,
    },
    /// No open pull request, but one from this branch with this very title was closed
    /// without merging: someone declined this update, so it is not opened again (a newer
    /// version has another title and gets a new pull request). Pull requests polyver closed
    /// itself are renamed ` - autoclosed` and do not count.
    Declined {
        number: u64,
        url: String,
    },
}

impl PrOutcome {
    pub fn number(&self) -> u64 {
        match self {
            PrOutcome::Created { number, .. }
            | PrOutcome::Updated { number, .. }
            | PrOutcome::Unchanged { number, .. }
            | PrOutcome::Declined { number, .. } => *number,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            PrOutcome::Created { url, .. }
            | PrOutcome::Updated { url, .. }
            | PrOutcome::Unchanged { url, .. }
            | PrOutcome::Declined { url, .. } => url,
        }
    }
}

/// A pull request [`Forge::close_superseded`] commented on and closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Closed {
    pub number: u64,
    pub url: String,
    pub branch: String,
    pub title: String,
}

/// Appended to the title of a pull request polyver closes, so that a later run does not
/// take it for one a person declined (as Renovate does).
pub const AUTOCLOSED_SUFFIX: &str = " - autoclosed";

/// The comment left on a pull request closed because its group is no longer produced.
pub const SUPERSEDED_COMMENT: &str = "polyver closes this pull request: its update group is \
no longer produced (the update was applied, superseded by a newer one, or is now ignored by \
policy). Re-running `polyver update --open-pr` reopens a new one if it is needed again; the \
branch can be deleted.";

/// A code forge's pull/merge request API.
pub trait Forge: Send + Sync {
    fn kind(&self) -> ForgeKind;
    /// `owner/repo` (GitHub) or `group/subgroup/project` (GitLab).
    fn project(&self) -> &str;
    /// The repository's default branch, the usual `base`.
    fn default_branch(&self) -> Result<String, ForgeError>;
    /// Finds the open pull request whose head is `pr.head`; creates one when there is none
    /// (unless one with the same title was closed unmerged: [`PrOutcome::Declined`]), else
    /// changes what differs (title, body, base; adds missing labels). Nothing is sent when
    /// the open pull request already matches.
    fn open_or_update(&self, pr: &PullRequest) -> Result<PrOutcome, ForgeError>;
    /// Comments on and closes every open pull request from a branch starting with
    /// `branch_prefix` (of this repository, not a fork) that is not in `keep`, renaming it
    /// with [`AUTOCLOSED_SUFFIX`].
    fn close_superseded(
        &self,
        branch_prefix: &str,
        keep: &[String],
    ) -> Result<Vec<Closed>, ForgeError>;
}

/// `text` with CRLF as LF and no trailing whitespace: forges hand back bodies edited in
/// their web UI with CRLF, which is not a change worth an update.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace("\r\n", "\n").trim_end().to_string();
    norm(a) == norm(b)
}

/// `body` cut at a character boundary to at most `limit` bytes, with a note saying so.
pub(crate) fn fit_body(body: &str, limit: usize) -> String {
    if body.len() <= limit {
        return body.to_string();
    }
    const NOTE: &str =
        "\n\n*(polyver cut this description to the forge's size limit; the commit message lists every change.)*\n";
    let mut end = limit.saturating_sub(NOTE.len());
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = body[..end].to_string();
    cut.push_str(NOTE);
    cut
}
