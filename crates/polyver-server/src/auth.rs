//! Who may do what: `Authorization: Bearer pvt_…` tokens (see `polyver_store::tokens`),
//! checked by one middleware that [`crate::router`] puts around every route, so an endpoint
//! added later is guarded without doing anything.
//!
//! What a request needs is decided from its method and path alone ([`need`]), before any
//! handler runs:
//! - [`PUBLIC`] paths (probes, the API description) need nothing.
//! - A line of [`RULES`] (methods, path prefix, scope), first match: e.g. `POST
//!   /api/v1/scans` needs `push`. **A new write endpoint adds its line here.**
//! - Any other read (GET, HEAD, OPTIONS) needs nothing when `[server] read = "open"` (a token
//!   sent anyway is not looked at) and a `read` token when `read = "token"`: new read
//!   endpoints are covered automatically, `/metrics` and pages outside `/api/` too.
//! - Any other write needs `admin`: an endpoint nobody classified fails closed.
//!
//! Scopes nest (admin ⊇ push ⊇ read). A missing, unknown, expired or revoked token is 401
//! with `WWW-Authenticate: Bearer` (RFC 6750); a valid token whose scope is too small is 403.
//! A token limited to a repository pattern reaches only matching repositories, which only
//! the handler knows: handlers take a [`Caller`] and call [`Caller::require_repository`]
//! (one repository, 403 otherwise) or filter lists with [`Caller::may_access`].

use crate::{ApiError, AppState};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use polyver_config::ReadAccess;
use polyver_store::tokens::{Authentication, TokenRecord, TokenScope};
use std::time::{SystemTime, UNIX_EPOCH};

/// Paths anyone may read: what probes and clients need before they hold a token.
/// (The dashboard's stylesheet and icon hold no data.)
pub const PUBLIC: &[&str] = &[
    "/healthz",
    "/readyz",
    "/openapi.json",
    crate::dashboard::STYLESHEET_PATH,
    crate::dashboard::ICON_PATH,
];

/// One access rule: these methods on this path prefix (whole segments) need this scope.
pub struct Rule {
    pub methods: &'static [&'static str],
    pub prefix: &'static str,
    pub scope: TokenScope,
}

/// The endpoints whose needs differ from the defaults (see the module docs); first match.
pub const RULES: &[Rule] = &[Rule {
    methods: &["POST"],
    prefix: "/api/v1/scans",
    scope: TokenScope::Push,
}];

/// What a request needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Nothing,
    Scope(TokenScope),
}

/// Anything but a method that changes state counts as a read: TRACE or an unknown method
/// then reaches the router, which answers 405 where no route serves it (instead of asking
/// for an admin token for a request nothing would serve).
fn is_read(method: &Method) -> bool {
    !matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What `method path` needs when reads are `read`.
pub fn need(method: &Method, path: &str, read: ReadAccess) -> Need {
    if is_read(method) && PUBLIC.contains(&path) {
        return Need::Nothing;
    }
    if let Some(rule) = RULES
        .iter()
        .find(|r| r.methods.contains(&method.as_str()) && under(path, r.prefix))
    {
        return Need::Scope(rule.scope);
    }
    match (is_read(method), read) {
        (true, ReadAccess::Open) => Need::Nothing,
        (true, ReadAccess::Token) => Need::Scope(TokenScope::Read),
        (false, _) => Need::Scope(TokenScope::Admin),
    }
}

/// Who is calling: what handlers see (as an extractor) once the middleware let a request in.
#[derive(Clone, Debug)]
pub enum Caller {
    /// No token was needed (reads are open, or a public path).
    Anonymous,
    Token(TokenRecord),
}

impl Caller {
    /// Whether the caller may see or change `repository`.
    pub fn may_access(&self, repository: &str) -> bool {
        match self {
            Caller::Anonymous => true,
            Caller::Token(token) => token.reaches(repository),
        }
    }

    /// 403 unless the caller's token reaches `repository`.
    pub fn require_repository(&self, repository: &str) -> Result<(), ApiError> {
        match self {
            Caller::Token(token) if !token.reaches(repository) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "token {} ({}) may only reach repositories matching `{}`, not `{repository}`",
                    token.id,
                    token.name,
                    token.repo_pattern.as_deref().unwrap_or("*"),
                ),
            )
            .hint("use a token made for this repository (polyver token create --repo PATTERN)")),
            _ => Ok(()),
        }
    }

    /// The id of the caller's token.
    pub fn token_id(&self) -> Option<i64> {
        match self {
            Caller::Anonymous => None,
            Caller::Token(token) => Some(token.id),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or(Caller::Anonymous))
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// 401 with the challenge of RFC 6750 §3 (`error="invalid_token"` when one was presented).
fn unauthorized(message: String, hint: &str, presented: bool) -> Response {
    let challenge = if presented {
        "Bearer realm=\"polyver\", error=\"invalid_token\""
    } else {
        "Bearer realm=\"polyver\""
    };
    let mut response = ApiError::new(StatusCode::UNAUTHORIZED, message)
        .hint(hint)
        .into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// 403 with RFC 6750's `insufficient_scope` and the scope that would do.
fn forbidden(token: &TokenRecord, needed: TokenScope, method: &Method, path: &str) -> Response {
    let mut response = ApiError::new(
        StatusCode::FORBIDDEN,
        format!(
            "token {} ({}) has scope {}; {method} {path} needs {needed}",
            token.id, token.name, token.scope
        ),
    )
    .hint(format!(
        "use a token with scope {needed} (polyver token create --scope {needed})"
    ))
    .into_response();
    let challenge =
        format!("Bearer realm=\"polyver\", error=\"insufficient_scope\", scope=\"{needed}\"");
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// The token of `Authorization: Bearer TOKEN` (the scheme is case-insensitive); `None` when
/// there is no such header or it is not a bearer token.
fn bearer(request: &Request) -> Option<&str> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The middleware: lets a request in with its [`Caller`], or answers 401/403.
pub async fn authorize(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let needed = match need(request.method(), request.uri().path(), state.options.read) {
        Need::Nothing => return next.run(request).await,
        Need::Scope(scope) => scope,
    };
    let create = format!("create one with `polyver token create --scope {needed}`");
    let Some(presented) = bearer(&request) else {
        return unauthorized(
            format!(
                "{} {} needs a token with scope {needed} (Authorization: Bearer TOKEN)",
                request.method(),
                request.uri().path()
            ),
            &create,
            false,
        );
    };
    let token = match state.store.authenticate(presented, now_ms()).await {
        Err(e) => return ApiError::store(e).into_response(),
        Ok(Authentication::Unknown) => {
            return unauthorized(
                "the token is not one of this server's".to_string(),
                &format!("check it was copied whole; `polyver token list` shows the server's tokens, or {create}"),
                true,
            )
        }
        Ok(Authentication::Expired(token)) => {
            return unauthorized(
                format!(
                    "token {} ({}) expired at {}",
                    token.id,
                    token.name,
                    rfc3339(token.expires_at.unwrap_or(0))
                ),
                &format!("{create} ([server] tokens.expiry-days sets the lifetime)"),
                true,
            )
        }
        Ok(Authentication::Revoked(token)) => {
            return unauthorized(
                format!("token {} ({}) was revoked", token.id, token.name),
                &create,
                true,
            )
        }
        Ok(Authentication::Valid(token)) => token,
    };
    if !token.scope.includes(needed) {
        return forbidden(&token, needed, request.method(), request.uri().path());
    }
    request.extensions_mut().insert(Caller::Token(token));
    next.run(request).await
}

/// Unix milliseconds as RFC 3339 UTC, to the second.
pub(crate) fn rfc3339(ms: i64) -> String {
    let t = UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenScope::*;

    #[test]
    fn what_requests_need() {
        let open = ReadAccess::Open;
        let token = ReadAccess::Token;
        let n = |m: Method, p: &str, r| need(&m, p, r);
        // Probes are public either way; writing to them is not.
        assert_eq!(n(Method::GET, "/healthz", token), Need::Nothing);
        assert_eq!(n(Method::GET, "/readyz", token), Need::Nothing);
        assert_eq!(n(Method::POST, "/healthz", open), Need::Scope(Admin));
        // Reads follow [server] read, for endpoints that do not exist yet too.
        for path in ["/api/v1/repositories", "/api/v1/scans/42", "/metrics", "/"] {
            assert_eq!(n(Method::GET, path, open), Need::Nothing, "{path}");
            assert_eq!(n(Method::GET, path, token), Need::Scope(Read), "{path}");
            assert_eq!(n(Method::HEAD, path, token), Need::Scope(Read), "{path}");
        }
        // The push endpoint, whole segments only.
        assert_eq!(n(Method::POST, "/api/v1/scans", open), Need::Scope(Push));
        assert_eq!(n(Method::POST, "/api/v1/scans/", open), Need::Scope(Push));
        assert_eq!(n(Method::POST, "/api/v1/scansx", open), Need::Scope(Admin));
        // Unclassified writes fail closed.
        for m in [Method::PUT, Method::DELETE, Method::PATCH] {
            assert_eq!(
                n(m.clone(), "/api/v1/scans", open),
                Need::Scope(Admin),
                "{m}"
            );
        }
        assert_eq!(n(Method::POST, "/api/v1/tokens", open), Need::Scope(Admin));
    }

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        let with = |value: &str| {
            let request = Request::builder()
                .header(AUTHORIZATION, value)
                .body(axum::body::Body::empty())
                .unwrap();
            bearer(&request).map(str::to_string)
        };
        assert_eq!(with("Bearer pvt_abc").as_deref(), Some("pvt_abc"));
        assert_eq!(with("bearer  pvt_abc ").as_deref(), Some("pvt_abc"));
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(with("pvt_abc"), None);
    }
}
