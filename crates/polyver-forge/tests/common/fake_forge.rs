//! A fake forge for the tests: the GitHub and GitLab REST endpoints polyver-forge uses,
//! written from the public API documentation, over in-memory pull requests, on
//! 127.0.0.1:0 (axum). It checks the token, pages listings (GitHub `Link`, GitLab
//! `X-Next-Page`), refuses a second open pull request for one branch (GitHub 422, GitLab
//! 409), can fail the next requests with scripted statuses, and records every request so
//! tests can prove what was (not) sent. No real forge can run in a test; this is the one
//! hand-written fake the tests use.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query as sent (still percent-encoded).
    pub uri: String,
    pub authorization: Option<String>,
    pub body: String,
}

impl Recorded {
    pub fn path(&self) -> &str {
        self.uri.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> BTreeMap<String, String> {
        let query = self.uri.split_once('?').map(|(_, q)| q).unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakePr {
    pub number: u64,
    pub head: String,
    /// `owner/repo` of the head (GitHub), or the source project's path (GitLab).
    pub head_repo: String,
    pub base: String,
    pub title: String,
    pub body: String,
    pub open: bool,
    /// Closed by merging (GitHub `merged_at`, GitLab state `merged`).
    pub merged: bool,
    pub draft: bool,
    pub labels: Vec<String>,
    pub comments: Vec<String>,
    pub reviewers: Vec<String>,
    pub assignees: Vec<String>,
}

pub struct State {
    pub token: String,
    /// GitHub `owner/repo` or GitLab `group/sub/project`.
    pub project: String,
    pub prs: Vec<FakePr>,
    pub requests: Vec<Recorded>,
    /// Answers given (instead of serving) to the next requests: status and headers.
    pub fail_next: VecDeque<(u16, Vec<(String, String)>)>,
    /// Largest page served, whatever `per_page` asks.
    pub page_size: usize,
    /// GitLab users: (id, username).
    pub users: Vec<(u64, String)>,
}

pub struct FakeForge {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Github,
    Gitlab,
}

impl FakeForge {
    pub fn start(flavor: Flavor, project: &str, token: &str) -> FakeForge {
        let state = Arc::new(Mutex::new(State {
            token: token.to_string(),
            project: project.to_string(),
            prs: Vec::new(),
            requests: Vec::new(),
            fail_next: VecDeque::new(),
            page_size: 100,
            users: vec![(7, "alice".into()), (9, "bob".into())],
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("local address").port();
        let shared = state.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = Router::new().fallback(
                    move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                        let state = shared.clone();
                        async move { handle(flavor, &state, method, uri, headers, body, port) }
                    },
                );
                axum::serve(listener, app).await.expect("serve");
            });
        });
        let base_url = match flavor {
            Flavor::Github => format!("http://127.0.0.1:{port}"),
            Flavor::Gitlab => format!("http://127.0.0.1:{port}/api/v4"),
        };
        FakeForge { base_url, state }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// Requests that changed something (not GET).
    pub fn writes(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    /// The next requests get these statuses (no headers) instead of an answer.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.state()
            .fail_next
            .extend(statuses.iter().map(|s| (*s, Vec::new())));
    }

    /// The next request gets `status` with `headers` instead of an answer.
    pub fn answer_next(&self, status: u16, headers: &[(&str, &str)]) {
        let headers = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        self.state().fail_next.push_back((status, headers));
    }

    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// Adds an open pull request directly (as if someone, or an earlier run, opened it).
    pub fn add_pr(&self, head: &str, head_repo: &str, title: &str) -> u64 {
        let mut state = self.state();
        let number = state.prs.len() as u64 + 1;
        state.prs.push(FakePr {
            number,
            head: head.to_string(),
            head_repo: head_repo.to_string(),
            base: "main".to_string(),
            title: title.to_string(),
            body: String::new(),
            open: true,
            merged: false,
            draft: false,
            labels: Vec::new(),
            comments: Vec::new(),
            reviewers: Vec::new(),
            assignees: Vec::new(),
        });
        number
    }

    pub fn pr(&self, number: u64) -> FakePr {
        self.state().prs[number as usize - 1].clone()
    }
}

fn json_response(status: u16, value: Value) -> Response {
    (
        StatusCode::from_u16(status).expect("status"),
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn handle(
    flavor: Flavor,
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    port: u16,
) -> Response {
    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    state.requests.push(Recorded {
        method: method.to_string(),
        uri: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        authorization: authorization.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if let Some((status, headers)) = state.fail_next.pop_front() {
        // A scripted 200 is an empty listing page (a lookup that misses what is there).
        let mut response = if status == 200 {
            json_response(200, json!([]))
        } else {
            json_response(status, json!({ "message": "scripted failure" }))
        };
        for (name, value) in headers {
            let name = axum::http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
            response
                .headers_mut()
                .insert(name, value.parse().expect("header value"));
        }
        return response;
    }
    let token_ok = authorization.as_deref() == Some(&format!("Bearer {}", state.token))
        || headers.get("private-token").and_then(|v| v.to_str().ok()) == Some(&state.token);
    if !token_ok {
        return match flavor {
            Flavor::Github => json_response(
                401,
                json!({ "message": "Bad credentials", "documentation_url": "https://docs.github.com/rest" }),
            ),
            Flavor::Gitlab => json_response(401, json!({ "message": "401 Unauthorized" })),
        };
    }
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return json_response(
                    400,
                    json!({ "message": format!("Problems parsing JSON: {e}") }),
                )
            }
        }
    };
    let segments: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    match flavor {
        Flavor::Github => github(&mut state, &method, &segments, &query, &body, port),
        Flavor::Gitlab => gitlab(&mut state, &method, &segments, &query, &body, port),
    }
}

fn not_found() -> Response {
    json_response(404, json!({ "message": "Not Found" }))
}

/// One page of `items` and the page's number, per `per_page`/`page` and the page size cap.
fn page_of(
    items: Vec<Value>,
    query: &BTreeMap<String, String>,
    cap: usize,
) -> (Vec<Value>, usize, bool) {
    let per_page = query
        .get("per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(30)
        .min(cap)
        .max(1);
    let page = query
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let start = (page - 1) * per_page;
    let more = items.len() > start + per_page;
    (
        items.into_iter().skip(start).take(per_page).collect(),
        page,
        more,
    )
}

fn labels_of(value: &Value) -> Vec<String> {
    match value {
        Value::Array(list) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn github(
    state: &mut State,
    method: &Method,
    segments: &[&str],
    query: &BTreeMap<String, String>,
    body: &Value,
    port: u16,
) -> Response {
    let ["repos", owner, repo, rest @ ..] = segments else {
        return not_found();
    };
    if format!("{owner}/{repo}") != state.project {
        return not_found();
    }
    let project = state.project.clone();
    let pull_json = |pr: &FakePr| {
        json!({
            "number": pr.number,
            "html_url": format!("https://github.example/{project}/pull/{}", pr.number),
            "state": if pr.open { "open" } else { "closed" },
            "title": pr.title,
            "body": pr.body,
            "draft": pr.draft,
            "merged_at": if pr.merged { json!("2026-01-01T00:00:00Z") } else { Value::Null },
            "head": { "ref": pr.head, "label": format!("{}:{}", pr.head_repo.split('/').next().unwrap_or(""), pr.head), "repo": { "full_name": pr.head_repo } },
            "base": { "ref": pr.base, "repo": { "full_name": project } },
            "labels": pr.labels.iter().map(|l| json!({ "name": l })).collect::<Vec<_>>(),
        })
    };
    let number = |s: &str| {
        s.parse::<usize>()
            .ok()
            .filter(|n| *n >= 1 && *n <= state.prs.len())
    };
    match (method.as_str(), rest) {
        ("GET", []) => json_response(
            200,
            json!({ "full_name": project, "default_branch": "main" }),
        ),
        ("GET", ["pulls"]) => {
            let wanted_state = query.get("state").map(String::as_str).unwrap_or("open");
            let head = query.get("head").cloned();
            let items: Vec<Value> = state
                .prs
                .iter()
                .filter(|pr| match wanted_state {
                    "open" => pr.open,
                    "closed" => !pr.open,
                    _ => true,
                })
                .filter(|pr| match &head {
                    // `user:ref-name`
                    Some(h) => {
                        let owner_of_head = pr.head_repo.split('/').next().unwrap_or("");
                        *h == format!("{owner_of_head}:{}", pr.head)
                    }
                    None => true,
                })
                .map(pull_json)
                .collect();
            let (items, page, more) = page_of(items, query, state.page_size);
            let mut response = json_response(200, Value::Array(items));
            if more {
                let mut next: Vec<(String, String)> = query
                    .iter()
                    .filter(|(k, _)| *k != "page")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                next.push(("page".into(), (page + 1).to_string()));
                let qs = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(next)
                    .finish();
                let link = format!("<http://127.0.0.1:{port}/repos/{project}/pulls?{qs}>; rel=\"next\", <http://127.0.0.1:{port}/repos/{project}/pulls?page=1>; rel=\"first\"");
                response
                    .headers_mut()
                    .insert("link", link.parse().expect("header"));
            }
            response
        }
        ("POST", ["pulls"]) => {
            let (Some(title), Some(head), Some(base)) = (
                body["title"].as_str(),
                body["head"].as_str(),
                body["base"].as_str(),
            ) else {
                return json_response(
                    422,
                    json!({ "message": "Validation Failed", "errors": [{ "message": "title, head and base are required" }] }),
                );
            };
            let (head_owner, head_branch) = head.split_once(':').unwrap_or((owner, head));
            if state.prs.iter().any(|pr| pr.open && pr.head == head_branch) {
                return json_response(
                    422,
                    json!({ "message": "Validation Failed", "errors": [{ "resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {head_owner}:{head_branch}.") }] }),
                );
            }
            let number = state.prs.len() as u64 + 1;
            let pr = FakePr {
                number,
                head: head_branch.to_string(),
                head_repo: format!("{head_owner}/{repo}"),
                base: base.to_string(),
                title: title.to_string(),
                body: body["body"].as_str().unwrap_or("").to_string(),
                open: true,
                merged: false,
                draft: body["draft"].as_bool().unwrap_or(false),
                labels: Vec::new(),
                comments: Vec::new(),
                reviewers: Vec::new(),
                assignees: Vec::new(),
            };
            let answer = pull_json(&pr);
            state.prs.push(pr);
            json_response(201, answer)
        }
        ("PATCH", ["pulls", n]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            let pr = &mut state.prs[n - 1];
            if let Some(t) = body["title"].as_str() {
                pr.title = t.to_string();
            }
            if let Some(b) = body["body"].as_str() {
                pr.body = b.to_string();
            }
            if let Some(b) = body["base"].as_str() {
                pr.base = b.to_string();
            }
            match body["state"].as_str() {
                Some("closed") => pr.open = false,
                Some("open") => pr.open = true,
                _ => {}
            }
            let pr = pr.clone();
            json_response(200, pull_json(&pr))
        }
        ("POST", ["issues", n, "comments"]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            let text = body["body"].as_str().unwrap_or("").to_string();
            state.prs[n - 1].comments.push(text.clone());
            json_response(201, json!({ "id": n * 1000, "body": text }))
        }
        ("POST", ["issues", n, "labels"]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            let pr = &mut state.prs[n - 1];
            for label in labels_of(&body["labels"]) {
                if !pr.labels.contains(&label) {
                    pr.labels.push(label);
                }
            }
            json_response(
                200,
                Value::Array(pr.labels.iter().map(|l| json!({ "name": l })).collect()),
            )
        }
        ("POST", ["issues", n, "assignees"]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            state.prs[n - 1]
                .assignees
                .extend(labels_of(&body["assignees"]));
            let pr = state.prs[n - 1].clone();
            json_response(201, pull_json(&pr))
        }
        ("POST", ["pulls", n, "requested_reviewers"]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            state.prs[n - 1]
                .reviewers
                .extend(labels_of(&body["reviewers"]));
            let pr = state.prs[n - 1].clone();
            json_response(201, pull_json(&pr))
        }
        _ => not_found(),
    }
}

fn gitlab(
    state: &mut State,
    method: &Method,
    segments: &[&str],
    query: &BTreeMap<String, String>,
    body: &Value,
    _port: u16,
) -> Response {
    let ["api", "v4", rest @ ..] = segments else {
        return not_found();
    };
    if let ("GET", ["users"]) = (method.as_str(), rest) {
        let wanted = query.get("username").cloned().unwrap_or_default();
        let users: Vec<Value> = state
            .users
            .iter()
            .filter(|(_, name)| *name == wanted)
            .map(|(id, name)| json!({ "id": id, "username": name }))
            .collect();
        return json_response(200, Value::Array(users));
    }
    let ["projects", id, rest @ ..] = rest else {
        return not_found();
    };
    // `:id` is the project's path, URL-encoded into one segment (`group%2Fsub%2Fproject`).
    let decoded = percent_encoding::percent_decode_str(id)
        .decode_utf8_lossy()
        .into_owned();
    if decoded != state.project || !id.contains("%2F") {
        return json_response(404, json!({ "message": "404 Project Not Found" }));
    }
    let project = state.project.clone();
    let mr_json = |pr: &FakePr| {
        json!({
            "id": 1000 + pr.number,
            "iid": pr.number,
            "project_id": 42,
            "source_project_id": if pr.head_repo == project { 42 } else { 43 },
            "target_project_id": 42,
            "web_url": format!("https://gitlab.example/{project}/-/merge_requests/{}", pr.number),
            "state": if pr.open { "opened" } else if pr.merged { "merged" } else { "closed" },
            "title": pr.title,
            "description": pr.body,
            "draft": pr.title.starts_with("Draft:"),
            "source_branch": pr.head,
            "target_branch": pr.base,
            "labels": pr.labels,
        })
    };
    let number = |s: &str| {
        s.parse::<usize>()
            .ok()
            .filter(|n| *n >= 1 && *n <= state.prs.len())
    };
    match (method.as_str(), rest) {
        ("GET", []) => json_response(
            200,
            json!({ "id": 42, "path_with_namespace": project, "default_branch": "main" }),
        ),
        ("GET", ["merge_requests"]) => {
            let wanted_state = query.get("state").map(String::as_str).unwrap_or("all");
            let source = query.get("source_branch").cloned();
            let items: Vec<Value> = state
                .prs
                .iter()
                .filter(|pr| match wanted_state {
                    "opened" => pr.open,
                    "closed" => !pr.open && !pr.merged,
                    "merged" => pr.merged,
                    _ => true,
                })
                .filter(|pr| source.as_ref().is_none_or(|s| *s == pr.head))
                .map(mr_json)
                .collect();
            let (items, page, more) = page_of(items, query, state.page_size);
            let mut response = json_response(200, Value::Array(items));
            let next = if more {
                (page + 1).to_string()
            } else {
                String::new()
            };
            response
                .headers_mut()
                .insert("x-next-page", next.parse().expect("header"));
            response
                .headers_mut()
                .insert("x-page", page.to_string().parse().expect("header"));
            response
        }
        ("POST", ["merge_requests"]) => {
            let (Some(source), Some(target), Some(title)) = (
                body["source_branch"].as_str(),
                body["target_branch"].as_str(),
                body["title"].as_str(),
            ) else {
                return json_response(
                    400,
                    json!({ "error": "source_branch, target_branch, title are missing" }),
                );
            };
            if let Some(existing) = state.prs.iter().find(|pr| pr.open && pr.head == source) {
                return json_response(
                    409,
                    json!({ "message": [format!("Another open merge request already exists for this source branch: !{}", existing.number)] }),
                );
            }
            let number = state.prs.len() as u64 + 1;
            let pr = FakePr {
                number,
                head: source.to_string(),
                head_repo: project.clone(),
                base: target.to_string(),
                title: title.to_string(),
                body: body["description"].as_str().unwrap_or("").to_string(),
                open: true,
                merged: false,
                draft: title.starts_with("Draft:"),
                labels: labels_of(&body["labels"]),
                comments: Vec::new(),
                reviewers: body["reviewer_ids"]
                    .as_array()
                    .map(|ids| ids.iter().map(|i| i.to_string()).collect())
                    .unwrap_or_default(),
                assignees: body["assignee_ids"]
                    .as_array()
                    .map(|ids| ids.iter().map(|i| i.to_string()).collect())
                    .unwrap_or_default(),
            };
            let answer = mr_json(&pr);
            state.prs.push(pr);
            json_response(201, answer)
        }
        ("PUT", ["merge_requests", n]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            let pr = &mut state.prs[n - 1];
            if let Some(t) = body["title"].as_str() {
                pr.title = t.to_string();
            }
            if let Some(d) = body["description"].as_str() {
                pr.body = d.to_string();
            }
            if let Some(t) = body["target_branch"].as_str() {
                pr.base = t.to_string();
            }
            for label in labels_of(&body["add_labels"]) {
                if !pr.labels.contains(&label) {
                    pr.labels.push(label);
                }
            }
            match body["state_event"].as_str() {
                Some("close") => pr.open = false,
                Some("reopen") => pr.open = true,
                _ => {}
            }
            let pr = pr.clone();
            json_response(200, mr_json(&pr))
        }
        ("POST", ["merge_requests", n, "notes"]) => {
            let Some(n) = number(n) else {
                return not_found();
            };
            let text = body["body"].as_str().unwrap_or("").to_string();
            state.prs[n - 1].comments.push(text.clone());
            json_response(201, json!({ "id": n * 1000, "body": text }))
        }
        _ => not_found(),
    }
}
