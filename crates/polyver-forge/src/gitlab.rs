//! Merge requests through the GitLab REST API (v4), on gitlab.com or a self-hosted
//! instance. The project is addressed by its URL-encoded path (`group%2Fsub%2Fproject`).
//!
//! - find: `GET /projects/:id/merge_requests?state=opened&source_branch=…`
//! - create: `POST /projects/:id/merge_requests` (`source_branch`, `target_branch`,
//!   `title`, `description`, `labels`, `remove_source_branch`; a draft is a `Draft: ` title);
//!   a 409 "already exists" turns into an update of the existing one
//! - update: `PUT /projects/:id/merge_requests/:iid` with only what differs (`add_labels`
//!   for missing labels, so labels added by people stay)
//! - reviewers and assignees are user ids in GitLab: looked up with `GET /users?username=…`
//! - close: `POST /projects/:id/merge_requests/:iid/notes`, then `PUT` with
//!   `state_event: close`

use crate::api::{encode, Api};
use crate::{fit_body, same_text, Closed, Forge, ForgeError, ForgeKind, PrOutcome, PullRequest};
use serde::Deserialize;
use serde_json::json;

/// GitLab's description limit is 1,048,576 characters.
const MAX_BODY: usize = 1_000_000;
const DRAFT_PREFIXES: &[&str] = &["Draft: ", "Draft:", "[Draft]", "(Draft)", "WIP: ", "[WIP]"];

pub struct GitLab {
    api: Api,
    path: String,
}

#[derive(Deserialize)]
struct MergeRequest {
    iid: u64,
    web_url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: Option<String>,
    source_branch: String,
    target_branch: String,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    source_project_id: Option<u64>,
    #[serde(default)]
    target_project_id: Option<u64>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(default)]
    default_branch: Option<String>,
}

#[derive(Deserialize)]
struct User {
    id: u64,
    username: String,
}

impl GitLab {
    pub(crate) fn new(api: Api, path: &str) -> GitLab {
        GitLab {
            api,
            path: path.to_string(),
        }
    }

    fn project_url(&self, rest: &str) -> String {
        let project = format!("projects/{}", encode(&self.path));
        if rest.is_empty() {
            self.api.url(&project)
        } else {
            self.api.url(&format!("{project}/{rest}"))
        }
    }

    /// A merge request from this project (not a fork) whose source is `branch`.
    fn ours(mr: &MergeRequest, branch: &str) -> bool {
        mr.source_branch == branch
            && match (mr.source_project_id, mr.target_project_id) {
                (Some(source), Some(target)) => source == target,
                _ => true,
            }
    }

    fn find_open(&self, branch: &str) -> Result<Option<MergeRequest>, ForgeError> {
        let url = self.project_url(&format!(
            "merge_requests?state=opened&source_branch={}&per_page=100",
            encode(branch)
        ));
        let list: Vec<MergeRequest> = self.api.list(&url)?;
        Ok(list.into_iter().find(|mr| Self::ours(mr, branch)))
    }

    /// A merge request from `branch` titled `title` that was closed (GitLab's `closed` is
    /// never a merged one).
    fn declined(&self, branch: &str, title: &str) -> Result<Option<MergeRequest>, ForgeError> {
        let url = self.project_url(&format!(
            "merge_requests?state=closed&source_branch={}&per_page=100",
            encode(branch)
        ));
        let list: Vec<MergeRequest> = self.api.list(&url)?;
        Ok(list
            .into_iter()
            .find(|mr| Self::ours(mr, branch) && split_draft(&mr.title).1.trim() == title.trim()))
    }

    fn user_ids(&self, names: &[String]) -> Result<Vec<u64>, ForgeError> {
        let mut ids = Vec::new();
        for name in names {
            let url = self.api.url(&format!(
                "users?username={}",
                encode(name.trim_start_matches('@'))
            ));
            let users: Vec<User> = self.api.get_json(&url)?;
            match users.into_iter().find(|u| {
                u.username
                    .eq_ignore_ascii_case(name.trim_start_matches('@'))
            }) {
                Some(user) => ids.push(user.id),
                None => {
                    return Err(ForgeError::Api {
                        method: "GET".into(),
                        url,
                        status: 200,
                        message: format!("no GitLab user named `{name}`"),
                    })
                }
            }
        }
        Ok(ids)
    }

    fn update(
        &self,
        mr: MergeRequest,
        pr: &PullRequest,
        body: &str,
    ) -> Result<PrOutcome, ForgeError> {
        let (draft_prefix, bare_title) = split_draft(&mr.title);
        let mut fields = Vec::new();
        let mut put = serde_json::Map::new();
        if bare_title.trim() != pr.title.trim() {
            // A draft stays a draft: its prefix is kept.
            put.insert("title".into(), json!(format!("{draft_prefix}{}", pr.title)));
            fields.push("title".to_string());
        }
        if !same_text(mr.description.as_deref().unwrap_or(""), body) {
            put.insert("description".into(), json!(body));
            fields.push("body".to_string());
        }
        if mr.target_branch != pr.base {
            put.insert("target_branch".into(), json!(pr.base));
            fields.push("base".to_string());
        }
        let missing: Vec<&str> = pr
            .labels
            .iter()
            .filter(|l| !mr.labels.contains(l))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            put.insert("add_labels".into(), json!(missing.join(",")));
            fields.push("labels".to_string());
        }
        if !put.is_empty() {
            let url = self.project_url(&format!("merge_requests/{}", mr.iid));
            let _: serde_json::Value =
                self.api
                    .send_json("PUT", &url, &serde_json::Value::Object(put))?;
        }
        Ok(if fields.is_empty() {
            PrOutcome::Unchanged {
                number: mr.iid,
                url: mr.web_url,
            }
        } else {
            PrOutcome::Updated {
                number: mr.iid,
                url: mr.web_url,
                fields,
            }
        })
    }
}

/// `("Draft: ", "title")` for a draft title, `("", title)` otherwise.
fn split_draft(title: &str) -> (&str, &str) {
    for prefix in DRAFT_PREFIXES {
        if let Some(rest) = title.strip_prefix(prefix) {
            return (&title[..prefix.len()], rest.trim_start());
        }
    }
    ("", title)
}

impl Forge for GitLab {
    fn kind(&self) -> ForgeKind {
        ForgeKind::Gitlab
    }

    fn project(&self) -> &str {
        &self.path
    }

    fn default_branch(&self) -> Result<String, ForgeError> {
        let url = self.project_url("");
        let project: Project = self.api.get_json(&url)?;
        project.default_branch.ok_or_else(|| ForgeError::Decode {
            url,
            message: "the project has no default branch (an empty repository?)".into(),
        })
    }

    fn open_or_update(&self, pr: &PullRequest) -> Result<PrOutcome, ForgeError> {
        let body = fit_body(&pr.body, MAX_BODY);
        if let Some(mr) = self.find_open(&pr.head)? {
            return self.update(mr, pr, &body);
        }
        if let Some(mr) = self.declined(&pr.head, &pr.title)? {
            return Ok(PrOutcome::Declined {
                number: mr.iid,
                url: mr.web_url,
            });
        }
        let mut request = json!({
            "source_branch": pr.head,
            "target_branch": pr.base,
            "title": if pr.draft { format!("Draft: {}", pr.title) } else { pr.title.clone() },
            "description": body,
            "remove_source_branch": true,
        });
        if !pr.labels.is_empty() {
            request["labels"] = json!(pr.labels.join(","));
        }
        if !pr.reviewers.is_empty() {
            request["reviewer_ids"] = json!(self.user_ids(&pr.reviewers)?);
        }
        if !pr.assignees.is_empty() {
            request["assignee_ids"] = json!(self.user_ids(&pr.assignees)?);
        }
        let url = self.project_url("merge_requests");
        let answer = self.api.send("POST", &url, &request)?;
        if answer.status == 409 {
            if let Some(mr) = self.find_open(&pr.head)? {
                return self.update(mr, pr, &body);
            }
        }
        self.api.check("POST", &url, &answer)?;
        let created: MergeRequest = crate::api::decode(&url, &answer.body)?;
        Ok(PrOutcome::Created {
            number: created.iid,
            url: created.web_url,
        })
    }

    fn close_superseded(
        &self,
        branch_prefix: &str,
        keep: &[String],
    ) -> Result<Vec<Closed>, ForgeError> {
        let url = self.project_url("merge_requests?state=opened&per_page=100");
        let list: Vec<MergeRequest> = self.api.list(&url)?;
        let mut closed = Vec::new();
        for mr in list {
            let branch = mr.source_branch.clone();
            if !branch.starts_with(branch_prefix)
                || keep.contains(&branch)
                || !Self::ours(&mr, &branch)
            {
                continue;
            }
            let note = self.project_url(&format!("merge_requests/{}/notes", mr.iid));
            let _: serde_json::Value =
                self.api
                    .send_json("POST", &note, &json!({ "body": crate::SUPERSEDED_COMMENT }))?;
            let put = self.project_url(&format!("merge_requests/{}", mr.iid));
            let title = format!("{}{}", mr.title, crate::AUTOCLOSED_SUFFIX);
            let _: serde_json::Value = self.api.send_json(
                "PUT",
                &put,
                &json!({ "state_event": "close", "title": title }),
            )?;
            closed.push(Closed {
                number: mr.iid,
                url: mr.web_url,
                branch,
                title: mr.title,
            });
        }
        Ok(closed)
    }
}

#[cfg(test)]
mod tests {
    use super::split_draft;

    #[test]
    fn draft_prefix_is_kept_apart() {
        assert_eq!(split_draft("Draft: Update x"), ("Draft: ", "Update x"));
        assert_eq!(split_draft("Update x"), ("", "Update x"));
    }
}
