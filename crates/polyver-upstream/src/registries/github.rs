//! GitHub, for actions (`uses: owner/repo[/path]@ref`): the repository's tags from the REST
//! API (`/repos/{owner}/{repo}/tags`, each with the commit it points at, kept as
//! [`crate::Release::digest`]) and its releases (`/releases`: `published_at` and the
//! `prerelease` flag, merged by tag name; drafts are skipped). Both lists follow the `Link`
//! header's `rel="next"` for at most [`MAX_PAGES`] pages of 100.
//!
//! A token raises the API's limit from 60 requests an hour to 5,000: the one `[registries]
//! github = { token-env = ... }` names, else the `GITHUB_TOKEN` environment variable when it
//! is set (as it is inside GitHub Actions). When the quota is used up (403 or 429 with
//! `x-ratelimit-remaining: 0`) the error says when it resets and, without a token, how to
//! set one. The token is sent only to the configured API's origin.
//!
//! [`Registry::tag_digest`] gives the commit a tag points at now (major tags such as `v4`
//! move), from the tag list or, for a tag beyond it, the git refs API (peeling an annotated
//! tag to its commit).

use super::scoped;
use crate::{Auth, Endpoint, Package, Registry, Release, UpstreamError};
use polyver_model::Ecosystem;
use polyver_net::{Fetched, Request};
use serde::Deserialize;
use std::collections::HashMap;

/// Most pages of 100 read from one listing.
pub const MAX_PAGES: usize = 10;
const ACCEPT: &str = "application/vnd.github+json";

pub struct Client {
    endpoint: Endpoint,
    /// The `Authorization` value, if a token is known.
    authorization: Option<String>,
}

impl Client {
    /// A client with the endpoint's token, else `GITHUB_TOKEN` when set.
    pub fn new(endpoint: Endpoint) -> Client {
        let env_token = std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Auth::Bearer(t.trim().to_string()));
        let authorization = endpoint.auth.clone().or(env_token).map(|a| a.header());
        Client {
            endpoint,
            authorization,
        }
    }

    /// A client with exactly the endpoint's credentials (no environment fallback).
    pub fn with_credentials(endpoint: Endpoint) -> Client {
        let authorization = endpoint.auth.as_ref().map(Auth::header);
        Client {
            endpoint,
            authorization,
        }
    }

    fn get(&self, url: &str) -> Result<Option<Fetched>, UpstreamError> {
        let authorization = self
            .authorization
            .clone()
            .filter(|_| scoped::same_origin(&self.endpoint, url));
        let request = Request::get(url)
            .accept(ACCEPT)
            .authorization(authorization)
            .max_age(self.endpoint.max_age);
        let fetched = self.endpoint.client.fetch(&request)?;
        match fetched.status {
            404 | 410 => Ok(None),
            403 | 429 if fetched.header("x-ratelimit-remaining") == Some("0") => {
                Err(UpstreamError::RateLimited {
                    url: url.to_string(),
                    hint: self.rate_limit_hint(fetched.header("x-ratelimit-reset")),
                })
            }
            401 | 403 => Err(UpstreamError::Unauthorized {
                url: url.to_string(),
                status: fetched.status,
            }),
            _ => Ok(Some(fetched)),
        }
    }

    fn rate_limit_hint(&self, reset: Option<&str>) -> String {
        let when = reset
            .and_then(|r| r.trim().parse::<i64>().ok())
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map(|t| format!("it resets at {t}"))
            .unwrap_or_else(|| "it resets within the hour".to_string());
        if self.authorization.is_some() {
            when
        } else {
            format!(
                "{when}; set a token for 5,000 requests an hour instead of 60: \
                 [registries] github = {{ token-env = \"VARIABLE\" }} in polyver.toml, or the \
                 GITHUB_TOKEN environment variable"
            )
        }
    }

    /// Every item of a paginated listing starting at `url`; `None` when the first page is
    /// missing.
    fn listing<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
    ) -> Result<Option<Vec<T>>, UpstreamError> {
        let mut out = Vec::new();
        let mut next = Some(url.to_string());
        for page in 0..MAX_PAGES {
            let Some(page_url) = next.take() else { break };
            let Some(fetched) = self.get(&page_url)? else {
                if page == 0 {
                    return Ok(None);
                }
                break;
            };
            out.extend(scoped::decode_json::<Vec<T>>(&page_url, &fetched.body)?);
            next = fetched.header("link").and_then(next_link);
        }
        Ok(Some(out))
    }

    fn repository(&self, name: &str) -> Result<String, UpstreamError> {
        let mut parts = name.split('/');
        let (Some(owner), Some(repo)) = (parts.next(), parts.next()) else {
            return Err(UpstreamError::BadName {
                name: name.to_string(),
                reason: "an action is `owner/repo[/path]`".into(),
            });
        };
        let ok = |p: &str| {
            !p.is_empty()
                && p != "."
                && p != ".."
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        if !ok(owner) || !ok(repo) {
            return Err(UpstreamError::BadName {
                name: name.to_string(),
                reason: "owner and repository are letters, digits, `-`, `_` and `.`".into(),
            });
        }
        Ok(self.endpoint.url(&format!("repos/{owner}/{repo}")))
    }
}

/// The `rel="next"` URL of a `Link` header (RFC 8288).
pub fn next_link(header: &str) -> Option<String> {
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

#[derive(Deserialize)]
struct Tag {
    name: String,
    commit: CommitRef,
}

#[derive(Deserialize)]
struct CommitRef {
    sha: String,
}

#[derive(Deserialize)]
struct GithubRelease {
    tag_name: String,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    prerelease: bool,
    #[serde(default)]
    published_at: Option<String>,
}

#[derive(Deserialize)]
struct GitRef {
    object: GitObject,
}

#[derive(Deserialize)]
struct GitObject {
    sha: String,
    #[serde(rename = "type")]
    kind: String,
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::GithubActions
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let repo = self.repository(name)?;
        let url = format!("{repo}/tags?per_page=100");
        let Some(tags) = self.listing::<Tag>(&url)? else {
            return Ok(None);
        };
        let github_releases =
            self.listing::<GithubRelease>(&format!("{repo}/releases?per_page=100"))?;
        let mut releases: Vec<Release> = tags
            .into_iter()
            .map(|t| Release {
                version: t.name,
                digest: Some(t.commit.sha),
                ..Release::default()
            })
            .collect();
        let mut by_tag: HashMap<String, usize> = releases
            .iter()
            .enumerate()
            .map(|(i, r)| (r.version.clone(), i))
            .collect();
        for r in github_releases.unwrap_or_default() {
            if r.draft {
                continue;
            }
            let index = match by_tag.get(&r.tag_name) {
                Some(&i) => i,
                None => {
                    // A release whose tag lies beyond the pages read.
                    releases.push(Release {
                        version: r.tag_name.clone(),
                        ..Release::default()
                    });
                    by_tag.insert(r.tag_name.clone(), releases.len() - 1);
                    releases.len() - 1
                }
            };
            let release = &mut releases[index];
            release.published = r.published_at.as_deref().and_then(scoped::timestamp);
            release.prerelease = r.prerelease;
        }
        Ok(Some(Package {
            name: name.to_string(),
            releases,
            url,
            ..Package::default()
        }))
    }

    fn tag_digest(&self, name: &str, tag: &str) -> Result<Option<String>, UpstreamError> {
        if let Some(found) = self
            .package(name)?
            .and_then(|p| p.release(tag).and_then(|r| r.digest.clone()))
        {
            return Ok(Some(found));
        }
        let repo = self.repository(name)?;
        let path: Vec<String> = tag.split('/').map(scoped::encode_segment).collect();
        let url = format!("{repo}/git/ref/tags/{}", path.join("/"));
        let Some(fetched) = self.get(&url)? else {
            return Ok(None);
        };
        let mut object = scoped::decode_json::<GitRef>(&url, &fetched.body)?.object;
        // An annotated tag points at a tag object; follow it (tags of tags included) to
        // the commit.
        for _ in 0..4 {
            if object.kind != "tag" {
                break;
            }
            let tag_url = format!("{repo}/git/tags/{}", scoped::encode_segment(&object.sha));
            let Some(fetched) = self.get(&tag_url)? else {
                return Ok(None);
            };
            object = scoped::decode_json::<GitRef>(&tag_url, &fetched.body)?.object;
        }
        Ok((object.kind == "commit").then_some(object.sha))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let h = "<https://api.github.com/repositories/1/tags?per_page=100&page=2>; rel=\"next\", <https://api.github.com/repositories/1/tags?per_page=100&page=5>; rel=\"last\"";
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/tags?per_page=100&page=2")
        );
        assert_eq!(next_link("<https://x/?page=1>; rel=\"prev\""), None);
        assert_eq!(next_link("garbage"), None);
    }
}
