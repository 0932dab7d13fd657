//! Pull requests through the GitHub REST API (github.com and GitHub Enterprise Server):
//!
//! - find: `GET /repos/{owner}/{repo}/pulls?state=open&head={owner}:{branch}`
//! - create: `POST /repos/{owner}/{repo}/pulls` (`title`, `head`, `base`, `body`, `draft`);
//!   a 422 "already exists" (a concurrent run, or a retried request that did reach GitHub)
//!   turns into an update of the existing one
//! - update: `PATCH /repos/{owner}/{repo}/pulls/{number}` with only the fields that differ
//! - labels, assignees: `POST /repos/{owner}/{repo}/issues/{number}/labels|assignees`;
//!   reviewers: `POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers`
//! - close: `POST /repos/{owner}/{repo}/issues/{number}/comments`, then `PATCH` with
//!   `state: closed`
//!
//! A body longer than GitHub's 65,536 characters is cut with a note.

use crate::api::{encode, Api};
use crate::{fit_body, same_text, Closed, Forge, ForgeError, ForgeKind, PrOutcome, PullRequest};
use serde::Deserialize;
use serde_json::json;

/// GitHub refuses longer bodies (characters; bytes is the safe reading).
const MAX_BODY: usize = 65_536;

pub struct GitHub {
    api: Api,
    owner: String,
    repo: String,
    full_name: String,
}

#[derive(Deserialize)]
struct Pull {
    number: u64,
    html_url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: Option<String>,
    head: Head,
    base: Head,
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    merged_at: Option<String>,
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "ref")]
    branch: String,
    #[serde(default)]
    repo: Option<RepoRef>,
}

#[derive(Deserialize)]
struct RepoRef {
    full_name: String,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

#[derive(Deserialize)]
struct Repository {
    default_branch: String,
}

impl GitHub {
    pub(crate) fn new(api: Api, owner: &str, repo: &str) -> GitHub {
        GitHub {
            api,
            owner: owner.to_string(),
            repo: repo.to_string(),
            full_name: format!("{owner}/{repo}"),
        }
    }

    fn repo_url(&self, rest: &str) -> String {
        self.api.url(&format!(
            "repos/{}/{}/{rest}",
            encode(&self.owner),
            encode(&self.repo)
        ))
    }

    /// A pull request from this repository (not a fork) whose head is `branch`.
    fn ours(&self, pull: &Pull, branch: &str) -> bool {
        pull.head.branch == branch
            && pull
                .head
                .repo
                .as_ref()
                // A deleted fork leaves no head repository: not ours either.
                .is_some_and(|r| r.full_name.eq_ignore_ascii_case(&self.full_name))
    }

    fn find_open(&self, branch: &str) -> Result<Option<Pull>, ForgeError> {
        let url = self.repo_url(&format!(
            "pulls?state=open&head={}&per_page=100",
            encode(&format!("{}:{branch}", self.owner))
        ));
        let pulls: Vec<Pull> = self.api.list(&url)?;
        Ok(pulls.into_iter().find(|p| self.ours(p, branch)))
    }

    /// A pull request from `branch` titled `title` that was closed without merging.
    fn declined(&self, branch: &str, title: &str) -> Result<Option<Pull>, ForgeError> {
        let url = self.repo_url(&format!(
            "pulls?state=closed&head={}&per_page=100",
            encode(&format!("{}:{branch}", self.owner))
        ));
        let pulls: Vec<Pull> = self.api.list(&url)?;
        Ok(pulls.into_iter().find(|p| {
            self.ours(p, branch) && p.merged_at.is_none() && p.title.trim() == title.trim()
        }))
    }

    fn update(&self, pull: Pull, pr: &PullRequest, body: &str) -> Result<PrOutcome, ForgeError> {
        let mut fields = Vec::new();
        let mut patch = serde_json::Map::new();
        if pull.title.trim() != pr.title.trim() {
            patch.insert("title".into(), json!(pr.title));
            fields.push("title".to_string());
        }
        if !same_text(pull.body.as_deref().unwrap_or(""), body) {
            patch.insert("body".into(), json!(body));
            fields.push("body".to_string());
        }
        if pull.base.branch != pr.base {
            patch.insert("base".into(), json!(pr.base));
            fields.push("base".to_string());
        }
        if !patch.is_empty() {
            let url = self.repo_url(&format!("pulls/{}", pull.number));
            let _: serde_json::Value =
                self.api
                    .send_json("PATCH", &url, &serde_json::Value::Object(patch))?;
        }
        let missing: Vec<&String> = pr
            .labels
            .iter()
            .filter(|l| !pull.labels.iter().any(|have| &have.name == *l))
            .collect();
        if !missing.is_empty() {
            self.add_labels(pull.number, &missing)?;
            fields.push("labels".to_string());
        }
        Ok(if fields.is_empty() {
            PrOutcome::Unchanged {
                number: pull.number,
                url: pull.html_url,
            }
        } else {
            PrOutcome::Updated {
                number: pull.number,
                url: pull.html_url,
                fields,
            }
        })
    }

    fn add_labels(&self, number: u64, labels: &[&String]) -> Result<(), ForgeError> {
        let url = self.repo_url(&format!("issues/{number}/labels"));
        let _: serde_json::Value =
            self.api
                .send_json("POST", &url, &json!({ "labels": labels }))?;
        Ok(())
    }
}

impl Forge for GitHub {
    fn kind(&self) -> ForgeKind {
        ForgeKind::Github
    }

    fn project(&self) -> &str {
        &self.full_name
    }

    fn default_branch(&self) -> Result<String, ForgeError> {
        let url = self.repo_url("").trim_end_matches('/').to_string();
        let repository: Repository = self.api.get_json(&url)?;
        Ok(repository.default_branch)
    }

    fn open_or_update(&self, pr: &PullRequest) -> Result<PrOutcome, ForgeError> {
        let body = fit_body(&pr.body, MAX_BODY);
        if let Some(pull) = self.find_open(&pr.head)? {
            return self.update(pull, pr, &body);
        }
        if let Some(pull) = self.declined(&pr.head, &pr.title)? {
            return Ok(PrOutcome::Declined {
                number: pull.number,
                url: pull.html_url,
            });
        }
        let url = self.repo_url("pulls");
        let request = json!({
            "title": pr.title,
            "head": pr.head,
            "base": pr.base,
            "body": body,
            "draft": pr.draft,
        });
        let answer = self.api.send("POST", &url, &request)?;
        if answer.status == 422 && crate::api::api_message(&answer.body).contains("already exists")
        {
            if let Some(pull) = self.find_open(&pr.head)? {
                return self.update(pull, pr, &body);
            }
        }
        self.api.check("POST", &url, &answer)?;
        let created: Pull = crate::api::decode(&url, &answer.body)?;
        let labels: Vec<&String> = pr.labels.iter().collect();
        if !labels.is_empty() {
            self.add_labels(created.number, &labels)?;
        }
        if !pr.assignees.is_empty() {
            let url = self.repo_url(&format!("issues/{}/assignees", created.number));
            let _: serde_json::Value =
                self.api
                    .send_json("POST", &url, &json!({ "assignees": pr.assignees }))?;
        }
        if !pr.reviewers.is_empty() {
            let url = self.repo_url(&format!("pulls/{}/requested_reviewers", created.number));
            let _: serde_json::Value =
                self.api
                    .send_json("POST", &url, &json!({ "reviewers": pr.reviewers }))?;
        }
        Ok(PrOutcome::Created {
            number: created.number,
            url: created.html_url,
        })
    }

    fn close_superseded(
        &self,
        branch_prefix: &str,
        keep: &[String],
    ) -> Result<Vec<Closed>, ForgeError> {
        let url = self.repo_url("pulls?state=open&per_page=100");
        let pulls: Vec<Pull> = self.api.list(&url)?;
        let mut closed = Vec::new();
        for pull in pulls {
            let branch = pull.head.branch.clone();
            if !branch.starts_with(branch_prefix)
                || keep.contains(&branch)
                || !self.ours(&pull, &branch)
            {
                continue;
            }
            let comment = self.repo_url(&format!("issues/{}/comments", pull.number));
            let _: serde_json::Value = self.api.send_json(
                "POST",
                &comment,
                &json!({ "body": crate::SUPERSEDED_COMMENT }),
            )?;
            let patch = self.repo_url(&format!("pulls/{}", pull.number));
            let title = format!("{}{}", pull.title, crate::AUTOCLOSED_SUFFIX);
            let _: serde_json::Value = self.api.send_json(
                "PATCH",
                &patch,
                &json!({ "state": "closed", "title": title }),
            )?;
            closed.push(Closed {
                number: pull.number,
                url: pull.html_url,
                branch,
                title: pull.title,
            });
        }
        Ok(closed)
    }
}
