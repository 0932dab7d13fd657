//! What writing a branch, pushing it or talking to a forge can fail with. Each error says
//! what to do about it (which variable holds the token, which branch someone else edited),
//! and [`ForgeError::exit_code`] maps it onto the CLI's exit codes.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    #[error("cannot run git ({message}); polyver needs the `git` command on PATH for --branch")]
    GitMissing { message: String },
    #[error("`git {command}` failed in {}: {message}", repo.display())]
    Git {
        repo: PathBuf,
        command: String,
        message: String,
    },
    #[error("update group `{group}` cannot name a branch: {reason}")]
    InvalidGroup { group: String, reason: String },
    #[error("{}: cannot be committed: {reason}", path.display())]
    InvalidPath { path: PathBuf, reason: String },
    #[error("base `{base}` is not a commit in {}", repo.display())]
    UnknownBase { repo: PathBuf, base: String },
    #[error(
        "update group `{group}`: the edits leave {base} unchanged (the files already hold \
         these versions), so there is nothing to commit"
    )]
    NoChanges { group: String, base: String },
    #[error(
        "branch `{branch}` is checked out in {}; polyver only moves branches nobody has \
         checked out (switch that worktree to another branch)",
        worktree.display()
    )]
    BranchCheckedOut { branch: String, worktree: PathBuf },
    #[error(
        "branch `{branch}` on `{remote}` has commit {commit} by {committer}, not polyver's; \
         polyver leaves branches others pushed to alone (delete the remote branch to let \
         polyver recreate it)"
    )]
    BranchModified {
        branch: String,
        remote: String,
        commit: String,
        committer: String,
    },
    #[error("pushing `{branch}` to `{remote}` was rejected: {message}")]
    PushRejected {
        branch: String,
        remote: String,
        message: String,
    },
    #[error("remote URL `{url}`: {reason}")]
    BadRemoteUrl { url: String, reason: String },
    #[error(
        "remote `{url}`: cannot tell which forge hosts it (host `{host}`); set the forge kind \
         (github or gitlab) and its API base URL"
    )]
    UnknownForge { url: String, host: String },
    #[error("no {forge} token: set {variables}")]
    MissingToken {
        forge: &'static str,
        variables: &'static str,
    },
    #[error(
        "{url}: the {forge} API refused the token (HTTP {status}: {message}); check \
         {variable}: it must be valid and allowed to push branches and open pull requests"
    )]
    Unauthorized {
        forge: &'static str,
        url: String,
        status: u16,
        message: String,
        variable: String,
    },
    #[error("{url}: the {forge} API rate limit is used up; {hint}")]
    RateLimited {
        forge: &'static str,
        url: String,
        hint: String,
    },
    #[error("{method} {url}: HTTP {status}: {message}")]
    Api {
        method: String,
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url}: unexpected answer: {message}")]
    Decode { url: String, message: String },
    #[error(transparent)]
    Net(#[from] polyver_net::NetError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ForgeError {
    /// The CLI's exit code for this error: 2 for bad input (a group, a path, a remote URL,
    /// a missing token), 3 for the environment (git, network, the forge's answers).
    pub fn exit_code(&self) -> i32 {
        match self {
            ForgeError::InvalidGroup { .. }
            | ForgeError::InvalidPath { .. }
            | ForgeError::UnknownBase { .. }
            | ForgeError::BadRemoteUrl { .. }
            | ForgeError::UnknownForge { .. }
            | ForgeError::MissingToken { .. } => 2,
            _ => 3,
        }
    }
}
