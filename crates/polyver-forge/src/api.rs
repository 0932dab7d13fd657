//! The HTTP side shared by the GitHub and GitLab clients: JSON requests through
//! `polyver-net` (its timeouts, retries on 5xx/429 with `Retry-After`), the token, error
//! messages taken from the forge's own answer, a short wait when a rate limit resets soon,
//! and listings followed page by page.

use crate::{ForgeError, ForgeKind};
use polyver_net::{Client, Fetched, Post, Request};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Most pages read from one listing (100 items each).
pub(crate) const MAX_PAGES: usize = 50;
/// A rate limit that resets within this long is waited for; a later one is an error.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

pub(crate) struct Api {
    pub(crate) kind: ForgeKind,
    /// No trailing `/`.
    pub(crate) base: String,
    client: Client,
    authorization: String,
    token_variable: String,
}

impl Api {
    pub(crate) fn new(
        kind: ForgeKind,
        base: &str,
        token: &str,
        token_variable: &str,
        net: polyver_net::Options,
    ) -> Result<Api, ForgeError> {
        Ok(Api {
            kind,
            base: base.trim_end_matches('/').to_string(),
            client: Client::new(net)?,
            // Both forges take `Authorization: Bearer` (GitLab for personal, project and
            // group access tokens as well as OAuth tokens).
            authorization: format!("Bearer {token}"),
            token_variable: token_variable.to_string(),
        })
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    fn accept(&self) -> &'static str {
        match self.kind {
            ForgeKind::Github => "application/vnd.github+json",
            ForgeKind::Gitlab => "application/json",
        }
    }

    /// GET `url`; `None` for 404.
    pub(crate) fn get(&self, url: &str) -> Result<Option<Fetched>, ForgeError> {
        let request = Request::get(url)
            .accept(self.accept())
            .authorization(Some(self.authorization.clone()))
            .no_store();
        let mut waited = false;
        loop {
            let fetched = self.client.fetch(&request)?;
            if fetched.status == 404 {
                return Ok(None);
            }
            if self.wait_for_rate_limit(url, &fetched, &mut waited)? {
                continue;
            }
            self.check("GET", url, &fetched)?;
            return Ok(Some(fetched));
        }
    }

    pub(crate) fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, ForgeError> {
        let fetched = self.get(url)?.ok_or_else(|| ForgeError::Api {
            method: "GET".into(),
            url: url.to_string(),
            status: 404,
            message: self.not_found_hint(),
        })?;
        decode(url, &fetched.body)
    }

    /// Sends `body` as JSON with `method`; returns the answer whatever its status (the
    /// caller turns "already exists" into an update), after 401/403 and rate limits.
    pub(crate) fn send(
        &self,
        method: &str,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<Fetched, ForgeError> {
        let mut request = Post::json(url, serde_json::to_vec(body).expect("JSON serializes"));
        request.method = method.to_string();
        request.authorization = Some(self.authorization.clone());
        request
            .headers
            .push(("Accept".to_string(), self.accept().to_string()));
        if self.kind == ForgeKind::Github {
            request
                .headers
                .push(("X-GitHub-Api-Version".into(), "2022-11-28".into()));
        }
        let mut waited = false;
        loop {
            let fetched = self.client.post(&request)?;
            if self.wait_for_rate_limit(url, &fetched, &mut waited)? {
                continue;
            }
            if matches!(fetched.status, 401 | 403) {
                self.check(method, url, &fetched)?;
            }
            return Ok(fetched);
        }
    }

    /// [`Api::send`] that must succeed, decoded.
    pub(crate) fn send_json<T: DeserializeOwned>(
        &self,
        method: &str,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<T, ForgeError> {
        let fetched = self.send(method, url, body)?;
        self.check(method, url, &fetched)?;
        decode(url, &fetched.body)
    }

    /// An error for any answer that is not 2xx, with the forge's own message.
    pub(crate) fn check(
        &self,
        method: &str,
        url: &str,
        fetched: &Fetched,
    ) -> Result<(), ForgeError> {
        let status = fetched.status;
        if fetched.is_success() {
            return Ok(());
        }
        let message = api_message(&fetched.body);
        if matches!(status, 401 | 403) {
            return Err(ForgeError::Unauthorized {
                forge: self.kind.name(),
                url: url.to_string(),
                status,
                message,
                variable: self.token_variable.clone(),
            });
        }
        let message = if status == 404 {
            format!("{message} ({})", self.not_found_hint())
        } else {
            message
        };
        Err(ForgeError::Api {
            method: method.to_string(),
            url: url.to_string(),
            status,
            message,
        })
    }

    fn not_found_hint(&self) -> String {
        format!(
            "not found: check the remote's project path and that the token in {} can see it",
            self.token_variable
        )
    }

    /// `true` (after sleeping) when `fetched` is a rate-limit refusal that resets within a
    /// minute and no wait happened yet; an error when it resets later.
    fn wait_for_rate_limit(
        &self,
        url: &str,
        fetched: &Fetched,
        waited: &mut bool,
    ) -> Result<bool, ForgeError> {
        if !matches!(fetched.status, 403 | 429) {
            return Ok(false);
        }
        let exhausted = fetched.header("x-ratelimit-remaining") == Some("0");
        let retry_after = fetched
            .header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if !exhausted && retry_after.is_none() {
            return Ok(false);
        }
        let reset_in = retry_after.or_else(|| {
            let reset = fetched
                .header("x-ratelimit-reset")?
                .trim()
                .parse::<u64>()
                .ok()?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            Some(Duration::from_secs(reset.saturating_sub(now) + 1))
        });
        match reset_in {
            Some(wait) if !*waited && wait <= MAX_RATE_LIMIT_WAIT => {
                *waited = true;
                std::thread::sleep(wait);
                Ok(true)
            }
            _ => Err(ForgeError::RateLimited {
                forge: self.kind.name(),
                url: url.to_string(),
                hint: match reset_in {
                    Some(wait) => format!("it resets in {} s; run again then", wait.as_secs()),
                    None => "run again later".to_string(),
                },
            }),
        }
    }

    /// Every item of a listing: GitHub pages follow `Link: <…>; rel="next"`, GitLab pages
    /// `X-Next-Page`; an empty page ends it too (GitLab sometimes names a next page that has
    /// nothing), and at most [`MAX_PAGES`] are read.
    pub(crate) fn list<T: DeserializeOwned>(&self, first: &str) -> Result<Vec<T>, ForgeError> {
        let mut items = Vec::new();
        let mut next = Some(first.to_string());
        for page in 0..MAX_PAGES {
            let Some(url) = next.take() else { break };
            let Some(fetched) = self.get(&url)? else {
                if page == 0 {
                    // The project itself is missing or hidden from this token.
                    return Err(ForgeError::Api {
                        method: "GET".into(),
                        url,
                        status: 404,
                        message: self.not_found_hint(),
                    });
                }
                break;
            };
            let page: Vec<T> = decode(&url, &fetched.body)?;
            if page.is_empty() {
                break;
            }
            items.extend(page);
            next = match self.kind {
                // The token goes with every page: only to the API's own origin.
                ForgeKind::Github => fetched
                    .header("link")
                    .and_then(next_link)
                    .filter(|link| same_origin(link, &self.base)),
                ForgeKind::Gitlab => fetched
                    .header("x-next-page")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|page| with_page(&url, page)),
            };
        }
        Ok(items)
    }
}

pub(crate) fn decode<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, ForgeError> {
    serde_json::from_slice(body).map_err(|e| ForgeError::Decode {
        url: url.to_string(),
        message: e.to_string(),
    })
}

/// The human part of a forge's error body: GitHub's `message` (+ `errors[].message`),
/// GitLab's `message` (a string, a list, or a map of field → list) or `error`.
pub(crate) fn api_message(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        return if text.is_empty() {
            "no message".to_string()
        } else {
            text.chars().take(300).collect()
        };
    };
    let mut parts = Vec::new();
    let mut flatten = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => parts.push(s.clone()),
        serde_json::Value::Array(list) => {
            for item in list {
                match item {
                    serde_json::Value::String(s) => parts.push(s.clone()),
                    other => {
                        if let Some(m) = other.get("message").and_then(|m| m.as_str()) {
                            parts.push(m.to_string());
                        }
                    }
                }
            }
        }
        serde_json::Value::Object(map) => {
            for (field, messages) in map {
                parts.push(format!("{field}: {messages}"));
            }
        }
        _ => {}
    };
    for key in ["message", "error", "errors"] {
        if let Some(v) = value.get(key) {
            flatten(v);
        }
    }
    if parts.is_empty() {
        "no message".to_string()
    } else {
        parts.join("; ")
    }
}

/// The `rel="next"` target of a `Link` header (RFC 8288).
pub(crate) fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// `url` with its `page` query parameter set to `page`.
fn with_page(url: &str, page: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let pairs: Vec<(String, String)> = parsed
                .query_pairs()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            parsed
                .query_pairs_mut()
                .clear()
                .extend_pairs(pairs)
                .append_pair("page", page);
            parsed.to_string()
        }
        Err(_) => url.to_string(),
    }
}

/// A path segment or query value, percent-encoded (`/` too).
pub(crate) fn encode(value: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_among_others() {
        let header = r#"<https://api.github.com/repositories/1/pulls?page=3>; rel="next", <https://api.github.com/repositories/1/pulls?page=9>; rel="last""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.github.com/repositories/1/pulls?page=3")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }

    #[test]
    fn next_pages_elsewhere_are_not_followed() {
        assert!(same_origin(
            "https://api.github.com/x?page=2",
            "https://api.github.com"
        ));
        assert!(!same_origin(
            "https://evil.example/x?page=2",
            "https://api.github.com"
        ));
        assert!(!same_origin(
            "http://api.github.com/x",
            "https://api.github.com"
        ));
    }

    #[test]
    fn page_parameter_replaced() {
        assert_eq!(
            with_page(
                "http://h/api/v4/projects/a%2Fb/merge_requests?state=opened&page=1&per_page=100",
                "2"
            ),
            "http://h/api/v4/projects/a%2Fb/merge_requests?state=opened&per_page=100&page=2"
        );
    }

    #[test]
    fn messages_of_both_forges() {
        assert_eq!(
            api_message(br#"{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for o:polyver/x."}]}"#),
            "Validation Failed; A pull request already exists for o:polyver/x."
        );
        assert_eq!(
            api_message(br#"{"message":["Another open merge request already exists for this source branch: !7"]}"#),
            "Another open merge request already exists for this source branch: !7"
        );
        assert_eq!(api_message(b""), "no message");
    }

    #[test]
    fn project_paths_are_one_segment() {
        assert_eq!(encode("group/sub/my.project"), "group%2Fsub%2Fmy.project");
        assert_eq!(encode("polyver/npm-@babel"), "polyver%2Fnpm-%40babel");
    }
}
