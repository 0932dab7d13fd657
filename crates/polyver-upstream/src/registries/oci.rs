//! OCI registries (the Docker Registry HTTP API v2 / OCI distribution spec): an image's tags
//! from `GET /v2/<repository>/tags/list`, and the digest a tag points at now from its
//! manifest, so that `outdated` can find a newer tag of the same variant and notice that a
//! digest-pinned tag has moved.
//!
//! **Where an image is asked.** Names are as the extractors write them (see
//! [`image_name`]). Docker Hub images (`postgres`, `bitnami/redis`) go to the endpoint of
//! `[registries] docker` — `https://registry-1.docker.io` unless a mirror is configured there
//! (the URL is the registry's base, the part before `/v2/`). An image naming its registry
//! (`ghcr.io/owner/img`) goes to `https://<host>`, except that
//! - a host equal to the configured endpoint's host (and port) uses that endpoint: its scheme
//!   (so `docker = "http://registry.internal:5000"` makes that registry plain HTTP) and its
//!   credentials;
//! - a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`) is plain HTTP, as Docker treats it.
//!
//! Credentials of `[registries] docker` are only ever sent to the configured endpoint and to
//! the token service it names, never to another registry.
//!
//! **Authentication.** A request is first made without credentials (or with a token cached
//! for the repository, or the configured credentials on the configured endpoint). A `401`
//! with a `Bearer` challenge is answered the Docker token way: `GET realm?service=&scope=`
//! (with the configured credentials, if any — over HTTPS only, or to a loopback host), whose
//! `token` (or OAuth-style `access_token`) is sent as `Authorization: Bearer` and kept in
//! memory for its `expires_in` (60 s when not stated), one per repository. Tokens are never
//! written to the on-disk cache. A `Basic` challenge is answered with configured basic
//! credentials; without any, or when the registry still refuses, the answer is
//! [`UpstreamError::Unauthorized`]. (Docker Hub answers so for a private repository *and*
//! for one that does not exist.)
//!
//! **Tags.** Pages of `?n=1000` follow the `Link: <…>; rel="next"` header (a relative link
//! is resolved against the page's URL; a link to another origin is refused, since it would
//! carry the token elsewhere), at most 50 pages; a longer list is an error rather than a
//! silently partial answer. A registry that rejects `n` (HTTP 400) is asked again without
//! it. Each tag is one [`Release`] with the tag as its version and **no date**: the API lists
//! none, and reading each tag's image config for its `created` time would cost two requests
//! per tag. Tag lists change as images are pushed; answers are cached for the endpoint's
//! `max_age`, like every registry's.
//!
//! **Digests.** `GET /v2/<repository>/manifests/<tag>` accepting the OCI image index and
//! manifest and Docker's manifest list and v2 manifest; the digest is the
//! `Docker-Content-Digest` header, else the sha256 of the body as served. (polyver-net only
//! makes GETs; Docker Hub counts a manifest GET, not a HEAD, against its pull rate limit.)

mod headers;
pub(crate) mod image_name;

use crate::{Auth, Endpoint, Package, Registry, Release, UpstreamError};
use headers::{encode_query_value, next_link, origin, parse_challenges, resolve, Challenge};
use image_name::{check_tag, is_loopback, ImageName};
use polyver_model::Ecosystem;
use polyver_net::{Fetched, NetError, Request};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Docker Hub's registry API (the default of `[registries] docker`).
pub const DOCKER_HUB: &str = "https://registry-1.docker.io";

/// Tags asked per page.
const PAGE_SIZE: u32 = 1000;
/// Pages followed before giving up on a tag list.
const MAX_PAGES: usize = 50;
/// A token's lifetime when the token service does not state one (the Docker token spec's
/// default).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// Tokens are dropped this long before they expire, so a request never carries one that
/// expires on the way.
const TOKEN_MARGIN: Duration = Duration::from_secs(5);

/// The manifest types a tag may point at: multi-platform indexes first, as Docker asks.
const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, \
    application/vnd.oci.image.manifest.v1+json, \
    application/vnd.docker.distribution.manifest.list.v2+json, \
    application/vnd.docker.distribution.manifest.v2+json";

/// A client for OCI registries: Docker Hub (or its configured mirror) and any registry an
/// image names.
pub struct Client {
    /// The `[registries] docker` endpoint, with its credentials.
    configured: Endpoint,
    tokens: TokenCache,
}

/// One image's registry endpoint and repository path.
struct Target {
    endpoint: Endpoint,
    repository: String,
}

impl Client {
    pub fn new(mut endpoint: Endpoint) -> Client {
        // `https://mirror/v2` and `https://mirror` both mean the registry at `https://mirror`.
        if let Some(base) = endpoint.base.strip_suffix("/v2") {
            endpoint.base = base.to_string();
        }
        Client {
            configured: endpoint,
            tokens: TokenCache::default(),
        }
    }

    /// Where `name` is asked (see the module documentation).
    fn target(&self, name: &str) -> Result<Target, UpstreamError> {
        let image = ImageName::parse(name)?;
        let endpoint = match &image.host {
            None => self.configured.clone(),
            Some(host) if authority(&self.configured.base) == *host => self.configured.clone(),
            Some(host) => {
                let scheme = if is_loopback(host) { "http" } else { "https" };
                let mut endpoint = Endpoint::new(
                    self.configured.client.clone(),
                    &format!("{scheme}://{host}"),
                    None,
                );
                endpoint.max_age = self.configured.max_age;
                endpoint
            }
        };
        Ok(Target {
            endpoint,
            repository: image.repository,
        })
    }

    /// GET `url` of `target`'s registry, answering an authentication challenge if one comes:
    /// `Ok(None)` for 404/410.
    fn get(
        &self,
        target: &Target,
        url: &str,
        accept: &str,
    ) -> Result<Option<Fetched>, UpstreamError> {
        let scope = format!("repository:{}:pull", target.repository);
        let cache_key = (target.endpoint.base.clone(), scope.clone());
        let cached_token = self.tokens.get(&cache_key);
        let configured = target.endpoint.auth.as_ref().map(Auth::header);
        let first_authorization = cached_token
            .as_ref()
            .map(|token| format!("Bearer {token}"))
            .or_else(|| configured.clone());
        let fetched = fetch(target, url, accept, first_authorization.clone())?;
        if fetched.status != 401 {
            return answer(url, fetched);
        }
        let refused = || UpstreamError::Unauthorized {
            url: url.to_string(),
            status: 401,
        };
        let challenges = fetched
            .header("www-authenticate")
            .map(parse_challenges)
            .unwrap_or_default();
        let authorization = if let Some(bearer) = challenges.iter().find(|c| c.scheme == "bearer") {
            if cached_token.is_some() {
                self.tokens.forget(&cache_key);
            }
            let (token, lifetime) = self.bearer_token(target, url, bearer, &scope)?;
            self.tokens.put(cache_key, token.clone(), lifetime);
            format!("Bearer {token}")
        } else if challenges.iter().any(|c| c.scheme == "basic")
            && matches!(target.endpoint.auth, Some(Auth::Basic { .. }))
            && first_authorization != configured
        {
            configured.clone().ok_or_else(refused)?
        } else {
            return Err(refused());
        };
        answer(url, fetch(target, url, accept, Some(authorization))?)
    }

    /// A token from the token service a Bearer challenge names, with its lifetime.
    fn bearer_token(
        &self,
        target: &Target,
        url: &str,
        challenge: &Challenge,
        scope: &str,
    ) -> Result<(String, Duration), UpstreamError> {
        let realm = challenge
            .param("realm")
            .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
            .ok_or_else(|| {
                UpstreamError::malformed(url, "a Bearer challenge without an http(s) realm")
            })?;
        let credentials = target.endpoint.auth.as_ref().map(Auth::header);
        if credentials.is_some()
            && !realm.starts_with("https://")
            && !is_loopback(&authority(realm))
        {
            return Err(UpstreamError::malformed(
                url,
                format!(
                    "the token service {realm} is not HTTPS; the configured credentials are \
                     not sent to it"
                ),
            ));
        }
        let mut query = Vec::new();
        if let Some(service) = challenge.param("service") {
            query.push(format!("service={}", encode_query_value(service)));
        }
        for scope in challenge.param("scope").unwrap_or(scope).split_whitespace() {
            query.push(format!("scope={}", encode_query_value(scope)));
        }
        let separator = if realm.contains('?') { '&' } else { '?' };
        let token_url = format!("{realm}{separator}{}", query.join("&"));
        let request = Request::get(&token_url)
            .accept("application/json")
            .authorization(credentials)
            .no_store();
        let fetched = target
            .endpoint
            .client
            .fetch(&request)
            .map_err(refused_as_unauthorized)?;
        let fetched = match answer(realm, fetched)? {
            Some(fetched) => fetched,
            None => {
                return Err(UpstreamError::malformed(
                    realm,
                    "the token service does not exist (HTTP 404)",
                ))
            }
        };
        let response: TokenResponse = serde_json::from_slice(&fetched.body).map_err(|e| {
            UpstreamError::malformed(realm, format!("not a token service's JSON answer: {e}"))
        })?;
        let token = [response.token, response.access_token]
            .into_iter()
            .flatten()
            .find(|t| !t.is_empty())
            .ok_or_else(|| UpstreamError::malformed(realm, "the answer holds no token"))?;
        let lifetime = response
            .expires_in
            .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
        Ok((token, lifetime))
    }

    /// The first page's answer; a registry that refuses `?n=` is asked again without it.
    fn first_page(
        &self,
        target: &Target,
        url: &str,
    ) -> Result<(String, Option<Fetched>), UpstreamError> {
        match self.get(target, url, "application/json") {
            Err(UpstreamError::Net(NetError::Status { status: 400, .. })) => {
                let without_n = url.trim_end_matches(&format!("?n={PAGE_SIZE}")).to_string();
                let fetched = self.get(target, &without_n, "application/json")?;
                Ok((without_n, fetched))
            }
            other => Ok((url.to_string(), other?)),
        }
    }
}

impl Registry for Client {
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Docker
    }

    fn package(&self, name: &str) -> Result<Option<Package>, UpstreamError> {
        let target = self.target(name)?;
        let first = target
            .endpoint
            .url(&format!("v2/{}/tags/list?n={PAGE_SIZE}", target.repository));
        let (first, fetched) = self.first_page(&target, &first)?;
        let Some(mut fetched) = fetched else {
            return Ok(None);
        };
        let mut url = first.clone();
        let mut visited = HashSet::from([url.clone()]);
        let mut seen = HashSet::new();
        let mut releases = Vec::new();
        for page in 1..=MAX_PAGES {
            let list: TagList = serde_json::from_slice(&fetched.body).map_err(|e| {
                UpstreamError::malformed(&url, format!("not a tag list (JSON with `tags`): {e}"))
            })?;
            for tag in list.tags.into_iter().flatten() {
                if seen.insert(tag.clone()) {
                    releases.push(Release {
                        version: tag,
                        ..Release::default()
                    });
                }
            }
            let Some(link) = fetched.header("link").and_then(next_link) else {
                return Ok(Some(Package {
                    name: name.to_string(),
                    releases,
                    url: first,
                    ..Package::default()
                }));
            };
            let next = resolve(&url, link);
            if origin(&next) != origin(&url) {
                return Err(UpstreamError::malformed(
                    &url,
                    format!("the next page is on another server ({next}); not followed"),
                ));
            }
            if !visited.insert(next.clone()) {
                return Err(UpstreamError::malformed(
                    &url,
                    format!("the next page link loops back to {next}"),
                ));
            }
            if page == MAX_PAGES {
                break;
            }
            url = next;
            fetched = self
                .get(&target, &url, "application/json")?
                .ok_or_else(|| UpstreamError::malformed(&url, "a linked page is missing (404)"))?;
        }
        Err(UpstreamError::malformed(
            &first,
            format!(
                "the tag list goes on past {MAX_PAGES} pages ({} tags read); not read further",
                releases.len()
            ),
        ))
    }

    fn tag_digest(&self, name: &str, tag: &str) -> Result<Option<String>, UpstreamError> {
        let target = self.target(name)?;
        check_tag(name, tag)?;
        let url = target
            .endpoint
            .url(&format!("v2/{}/manifests/{tag}", target.repository));
        let Some(fetched) = self.get(&target, &url, MANIFEST_TYPES)? else {
            return Ok(None);
        };
        if let Some(digest) = fetched.header("docker-content-digest") {
            let digest = digest.trim();
            return if is_digest(digest) {
                Ok(Some(digest.to_string()))
            } else {
                Err(UpstreamError::malformed(
                    &url,
                    format!("Docker-Content-Digest {digest:?} is not a digest"),
                ))
            };
        }
        if fetched.body.is_empty() {
            return Err(UpstreamError::malformed(
                &url,
                "an empty manifest without a Docker-Content-Digest header",
            ));
        }
        Ok(Some(sha256_digest(&fetched.body)))
    }
}

/// `GET /v2/<name>/tags/list`: `tags` is `null` on some registries for a repository without
/// tags.
#[derive(Deserialize)]
struct TagList {
    tags: Option<Vec<String>>,
}

/// A token service's answer (the Docker token spec; `access_token` for OAuth 2 clients).
#[derive(Deserialize)]
struct TokenResponse {
    token: Option<String>,
    access_token: Option<String>,
    expires_in: Option<u64>,
}

/// Tokens by (registry base URL, scope), each with the instant it stops being used.
#[derive(Default)]
struct TokenCache {
    tokens: Mutex<HashMap<(String, String), (String, Instant)>>,
}

impl TokenCache {
    fn get(&self, key: &(String, String)) -> Option<String> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .get(key)
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(token, _)| token.clone())
    }

    fn put(&self, key: (String, String), token: String, lifetime: Duration) {
        let usable = lifetime.saturating_sub(TOKEN_MARGIN);
        if usable.is_zero() {
            return;
        }
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.insert(key, (token, Instant::now() + usable));
    }

    fn forget(&self, key: &(String, String)) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.remove(key);
    }
}

/// One GET through the shared client, with `target`'s cache age. polyver-net returns a 403
/// as an error; it is a refusal like a 401.
fn fetch(
    target: &Target,
    url: &str,
    accept: &str,
    authorization: Option<String>,
) -> Result<Fetched, UpstreamError> {
    let request = Request::get(url)
        .accept(accept)
        .authorization(authorization)
        .max_age(target.endpoint.max_age);
    target
        .endpoint
        .client
        .fetch(&request)
        .map_err(refused_as_unauthorized)
}

fn refused_as_unauthorized(error: NetError) -> UpstreamError {
    match error {
        NetError::Status { url, status: 403 } => UpstreamError::Unauthorized { url, status: 403 },
        other => other.into(),
    }
}

/// A response as an answer: the document, `None` for "no such repository or tag", or the
/// refusal.
fn answer(url: &str, fetched: Fetched) -> Result<Option<Fetched>, UpstreamError> {
    match fetched.status {
        200..=299 => Ok(Some(fetched)),
        404 | 410 => Ok(None),
        401 | 403 => Err(UpstreamError::Unauthorized {
            url: url.to_string(),
            status: fetched.status,
        }),
        status => Err(UpstreamError::malformed(
            url,
            format!("unexpected HTTP status {status}"),
        )),
    }
}

/// `host[:port]` of an absolute URL, lower-cased.
fn authority(url: &str) -> String {
    let origin = origin(url);
    match origin.split_once("://") {
        Some((_, authority)) => authority.to_string(),
        None => origin,
    }
}

/// `algorithm:encoded` as the OCI image spec defines a digest; a sha256 one must be 64
/// lower-case hex digits.
fn is_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['+', '.', '_', '-']).all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    let encoded_ok = !encoded.is_empty()
        && encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'));
    let sha256_ok = algorithm != "sha256"
        || (encoded.len() == 64
            && encoded
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    algorithm_ok && encoded_ok && sha256_ok
}

/// `sha256:<hex>` of `bytes`, the digest of a manifest as served.
fn sha256_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_checked_for_their_form() {
        let hex = "a".repeat(64);
        assert!(is_digest(&format!("sha256:{hex}")));
        assert!(is_digest("sha512:abcDEF0123"));
        assert!(is_digest(
            "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"
        ));
        assert!(!is_digest("sha256:abc"));
        assert!(!is_digest(&format!("sha256:{}", "A".repeat(64))));
        assert!(!is_digest("sha256"));
        assert!(!is_digest(":abc"));
        assert!(!is_digest("SHA256:abc"));
    }

    #[test]
    fn the_body_digest_is_sha256_in_hex() {
        // sha256 of the empty string.
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn authority_of_a_base() {
        assert_eq!(
            authority("https://Registry.internal:5000/x"),
            "registry.internal:5000"
        );
        assert_eq!(authority(DOCKER_HUB), "registry-1.docker.io");
    }
}
