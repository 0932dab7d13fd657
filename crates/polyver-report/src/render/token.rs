//! `polyver token create|list|revoke` and `polyver push`: the server's tokens (never a
//! secret or a hash, except the new secret `create` prints once) and what a push stored.
//! JSON documents `polyver.tokens/v1` and `polyver.push-result/v1`.

use crate::render::history::time;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_store::tokens::{TokenRecord, TokenStatus};
use serde_json::json;

pub const TOKENS_SCHEMA: &str = "polyver.tokens/v1";
pub const PUSH_RESULT_SCHEMA: &str = "polyver.push-result/v1";

/// One token as JSON: its record, its status at `now_ms`, times also as RFC 3339.
pub fn token_json(t: &TokenRecord, now_ms: i64) -> serde_json::Value {
    let when = |ms: Option<i64>| ms.map(time);
    json!({
        "id": t.id,
        "name": t.name,
        "scope": t.scope,
        "repositories": t.repo_pattern,
        "status": t.status(now_ms),
        "created": time(t.created_at),
        "expires": when(t.expires_at),
        "revoked": when(t.revoked_at),
        "last_used": when(t.last_used_at),
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "revoked_at": t.revoked_at,
        "last_used_at": t.last_used_at,
    })
}

/// `polyver token list --format json`.
pub fn list_json(tokens: &[TokenRecord], now_ms: i64) -> serde_json::Value {
    json!({
        "schema": TOKENS_SCHEMA,
        "tokens": tokens.iter().map(|t| token_json(t, now_ms)).collect::<Vec<_>>(),
    })
}

/// `polyver token create --format json`: the token, and its secret (shown this once).
pub fn created_json(t: &TokenRecord, secret: &str, now_ms: i64) -> serde_json::Value {
    json!({
        "schema": TOKENS_SCHEMA,
        "tokens": [token_json(t, now_ms)],
        "secret": secret,
    })
}

/// `polyver token revoke --format json`; `revoked` is false when it was revoked before.
pub fn revoked_json(t: &TokenRecord, revoked: bool, now_ms: i64) -> serde_json::Value {
    json!({
        "schema": TOKENS_SCHEMA,
        "tokens": [token_json(t, now_ms)],
        "revoked": revoked,
    })
}

fn repositories(t: &TokenRecord) -> String {
    t.repo_pattern
        .as_deref()
        .map_or_else(|| "all".to_string(), escaped)
}

/// What `token create` says about the new token (on stderr; the secret goes to stdout).
pub fn created_line(t: &TokenRecord) -> String {
    format!(
        "created token {} `{}`: scope {}, repositories {}, {}\n\
         the token is shown once, on the next line; only its hash is stored\n",
        t.id,
        escaped(&t.name),
        t.scope,
        repositories(t),
        t.expires_at
            .map_or("never expires".to_string(), |ms| format!(
                "expires {}",
                time(ms)
            )),
    )
}

/// What `token revoke` did.
pub fn revoked_line(t: &TokenRecord, revoked: bool) -> String {
    let name = escaped(&t.name);
    match (revoked, t.revoked_at) {
        (false, Some(at)) => format!(
            "token {} `{name}` was already revoked at {}\n",
            t.id,
            time(at)
        ),
        _ => format!(
            "revoked token {} `{name}`: it is refused from now on\n",
            t.id
        ),
    }
}

/// `polyver token list`: one row per token, oldest first; tokens that no longer work in red.
pub fn table(tokens: &[TokenRecord], now_ms: i64, term: &Term) -> String {
    if tokens.is_empty() {
        return "no tokens; `polyver token create --scope push` makes one\n".to_string();
    }
    let mut t = Table::new(vec![
        Column::right(),
        Column::left().shrink(),
        Column::left(),
        Column::left().shrink(),
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left(),
    ])
    .header([
        "id",
        "name",
        "scope",
        "repositories",
        "status",
        "created (UTC)",
        "expires (UTC)",
        "last used (UTC)",
    ]);
    let or_dash = |ms: Option<i64>| ms.map_or_else(|| "-".to_string(), time);
    for token in tokens {
        let status = token.status(now_ms);
        t.row([
            token.id.to_string(),
            escaped(&token.name),
            token.scope.to_string(),
            repositories(token),
            status.id().to_string(),
            time(token.created_at),
            token.expires_at.map_or_else(|| "never".to_string(), time),
            or_dash(token.last_used_at),
        ])
        .row_style((status != TokenStatus::Active).then_some(Style::Bad));
    }
    let active = tokens
        .iter()
        .filter(|t| t.status(now_ms) == TokenStatus::Active)
        .count();
    format!(
        "{}\n{}: {active} active\n",
        t.render(term),
        crate::render::plural(tokens.len(), "token", "tokens"),
    )
}

/// `polyver push --format json`: the server's scan id, the client's, and whether this push
/// stored it (false: a retry of a push the server already had).
pub fn push_json(
    server: &str,
    id: i64,
    scan_id: &str,
    repository: &str,
    created: bool,
    outdated: usize,
) -> serde_json::Value {
    json!({
        "schema": PUSH_RESULT_SCHEMA,
        "server": server,
        "id": id,
        "scan_id": scan_id,
        "repository": repository,
        "created": created,
        "outdated": outdated,
    })
}

/// What `polyver push` says on stderr beside the id it prints.
pub fn pushed_line(server: &str, id: i64, repository: &str, created: bool) -> String {
    if created {
        format!(
            "pushed scan {id} of {} to {}\n",
            escaped(repository),
            escaped(server)
        )
    } else {
        format!(
            "{} already had this push as scan {id} of {}; nothing stored twice\n",
            escaped(server),
            escaped(repository)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyver_store::tokens::TokenScope;

    fn token(id: i64, name: &str) -> TokenRecord {
        TokenRecord {
            id,
            name: name.into(),
            scope: TokenScope::Push,
            repo_pattern: Some("acme/*".into()),
            created_at: 1_714_521_600_000,
            expires_at: Some(1_722_297_600_000),
            revoked_at: None,
            last_used_at: None,
        }
    }

    #[test]
    fn names_cannot_forge_lines_and_nothing_secret_is_listed() {
        let t = token(1, "ci\n\x1b[31mfake");
        let text = table(std::slice::from_ref(&t), 0, &Term::PLAIN);
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.contains("ci\\n\\x1b[31mfake"), "{text}");
        let doc = list_json(&[t], 0).to_string();
        assert!(!doc.contains("hash") && !doc.contains("secret"), "{doc}");
        assert!(created_line(&token(2, "x")).contains("expires 2024-07-30T00:00:00Z"));
    }
}
