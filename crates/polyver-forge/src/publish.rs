//! The whole `--branch` / `--open-pr` run over every group, for the CLI to call once: write
//! each group's branch, and with a forge, push it and open or update its pull request, then
//! close the pull requests of groups no longer produced.
//!
//! One group's failure does not stop the others (as Renovate carries on past a broken
//! branch); it is reported with the group, and that group's pull request is never closed as
//! superseded in that run. A group whose edits change nothing (already applied on the base)
//! is reported as such, and its old pull request, if any, is closed.

use crate::{
    branch_name, delete_remote_branch, push, write_branch, BranchOutcome, Closed, Forge,
    ForgeError, GroupChange, PrOutcome, PullRequest, PushOutcome, Signature, BRANCH_PREFIX,
};
use serde::Serialize;
use std::path::Path;

/// What to do besides writing branches.
#[derive(Clone, Debug, Default)]
pub struct PublishOptions {
    /// The commit-ish each group's commit is made on (`HEAD`, `origin/main`).
    pub base: String,
    /// Push and open pull requests (`--open-pr`); `None` only writes branches (`--branch`).
    pub open_pr: Option<OpenPr>,
}

/// `--open-pr` settings.
#[derive(Clone, Debug, Default)]
pub struct OpenPr {
    /// The remote to push to (`origin`).
    pub remote: String,
    /// The pull requests' target branch; `None` = the repository's default branch.
    pub target_branch: Option<String>,
    pub labels: Vec<String>,
    pub draft: bool,
    pub reviewers: Vec<String>,
    pub assignees: Vec<String>,
    /// Close pull requests of `polyver/*` branches this run did not produce.
    pub close_superseded: bool,
    /// Then delete their remote branches (only those polyver alone committed to).
    pub delete_superseded_branches: bool,
}

/// One group's result; `error` is set when a step failed (the later steps did not run).
#[derive(Clone, Debug, Serialize)]
pub struct GroupResult {
    pub group: String,
    pub branch: String,
    /// `None` when writing failed or the edits changed nothing (`error` says which).
    pub commit: Option<BranchOutcome>,
    pub push: Option<PushOutcome>,
    pub pull_request: Option<PrOutcome>,
    /// The edits leave the base as it is: nothing to propose.
    pub no_changes: bool,
    pub error: Option<GroupError>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupError {
    pub message: String,
    pub exit_code: i32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PublishReport {
    pub groups: Vec<GroupResult>,
    /// Pull requests closed as superseded.
    pub closed: Vec<Closed>,
    /// Remote branches of closed pull requests deleted.
    pub deleted_branches: Vec<String>,
    /// Why a closed pull request's branch was kept (someone else committed to it, ...).
    pub kept_branches: Vec<GroupError>,
}

impl PublishReport {
    /// The worst exit code among the groups' errors (0 when none failed).
    pub fn exit_code(&self) -> i32 {
        self.groups
            .iter()
            .filter_map(|g| g.error.as_ref().map(|e| e.exit_code))
            .max()
            .unwrap_or(0)
    }
}

/// Runs every group (see the module docs). `forge` is needed with `options.open_pr`; an
/// error is returned only for what stops the whole run (no forge for `--open-pr`, the
/// default branch or the superseded listing failing).
pub fn publish(
    repo: &Path,
    changes: &[GroupChange],
    author: &Signature,
    options: &PublishOptions,
    forge: Option<&dyn Forge>,
) -> Result<PublishReport, ForgeError> {
    let open_pr =
        match (&options.open_pr, forge) {
            (Some(open_pr), Some(forge)) => Some((open_pr, forge)),
            (Some(_), None) => return Err(ForgeError::MissingToken {
                forge: "forge",
                variables:
                    "GITHUB_TOKEN, GITLAB_TOKEN or POLYVER_FORGE_TOKEN (--open-pr needs a forge)",
            }),
            (None, _) => None,
        };
    let target = match open_pr {
        Some((settings, forge)) => Some(match &settings.target_branch {
            Some(branch) => branch.clone(),
            None => forge.default_branch()?,
        }),
        None => None,
    };
    let mut report = PublishReport::default();
    // Branches whose pull request must survive this run: produced, or failed this time.
    let mut keep = Vec::new();
    for change in changes {
        let branch = branch_name(&change.group);
        let mut result = GroupResult {
            group: change.group.clone(),
            branch: branch.clone(),
            commit: None,
            push: None,
            pull_request: None,
            no_changes: false,
            error: None,
        };
        let outcome = (|| -> Result<(), ForgeError> {
            result.commit = Some(write_branch(repo, &options.base, change, author)?);
            if let (Some((settings, forge)), Some(target)) = (open_pr, &target) {
                result.push = Some(push(repo, &settings.remote, &branch)?);
                let mut pr = PullRequest::for_change(change, target);
                pr.labels = settings.labels.clone();
                pr.draft = settings.draft;
                pr.reviewers = settings.reviewers.clone();
                pr.assignees = settings.assignees.clone();
                result.pull_request = Some(forge.open_or_update(&pr)?);
            }
            Ok(())
        })();
        match outcome {
            Ok(()) => keep.push(branch),
            Err(ForgeError::NoChanges { .. }) => result.no_changes = true,
            Err(error) => {
                keep.push(branch);
                result.error = Some(GroupError {
                    message: error.to_string(),
                    exit_code: error.exit_code(),
                });
            }
        }
        report.groups.push(result);
    }
    if let Some((settings, forge)) = open_pr {
        if settings.close_superseded {
            report.closed = forge.close_superseded(BRANCH_PREFIX, &keep)?;
            if settings.delete_superseded_branches {
                for closed in &report.closed {
                    match delete_remote_branch(repo, &settings.remote, &closed.branch, Some(author))
                    {
                        Ok(true) => report.deleted_branches.push(closed.branch.clone()),
                        Ok(false) => {}
                        Err(error) => report.kept_branches.push(GroupError {
                            message: error.to_string(),
                            exit_code: error.exit_code(),
                        }),
                    }
                }
            }
        }
    }
    Ok(report)
}
