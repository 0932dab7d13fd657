//! API tokens of the server (`polyver token create|list|revoke`, and the server's
//! `Authorization: Bearer` check).
//!
//! A token is `pvt_` and 43 base64url characters: 256 random bits from the operating system.
//! The prefix makes a leaked token recognisable to secret scanners and to people. Only the
//! SHA-256 of the whole token is stored: a copy of the database gives no usable token, and a
//! token shown once at creation cannot be shown again. A 256-bit random secret needs no slow
//! password hash: no one can guess it, so a fast hash loses nothing.
//!
//! A presented token is looked up by its hash (an index lookup on a value the caller cannot
//! steer) and the stored hash is then compared in constant time, so timing says nothing about
//! how much of a guess was right. Scopes nest (admin ⊇ push ⊇ read); a token may be limited to
//! the repositories matching a glob (`*` any characters, `/` included; `?` one character).

use crate::{AsyncStore, Result, Store, StoreError};
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::fmt;
use std::str::FromStr;
use subtle::ConstantTimeEq;

/// What every token starts with.
pub const TOKEN_PREFIX: &str = "pvt_";
/// Base64url characters after the prefix: 32 random bytes, unpadded.
const SECRET_CHARS: usize = 43;
/// `last_used_at` is written at most this often per token (ms), so that reads do not turn
/// into a write per request.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

/// What a token may do; each scope includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Read the API (when `[server] read = "token"`).
    Read,
    /// Read, and push scans.
    Push,
    /// Everything, including administrative endpoints.
    Admin,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Push, TokenScope::Admin];

    pub fn id(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Push => "push",
            TokenScope::Admin => "admin",
        }
    }

    /// Whether a token of this scope may do what `needed` allows.
    pub fn includes(self, needed: TokenScope) -> bool {
        self >= needed
    }
}

impl fmt::Display for TokenScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for TokenScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TokenScope::ALL
            .into_iter()
            .find(|scope| scope.id() == s)
            .ok_or_else(|| format!("`{s}` is not a token scope (read, push or admin)"))
    }
}

/// The repositories a token reaches: a glob over repository names.
#[derive(Clone, Debug)]
pub struct RepoPattern {
    text: String,
    matcher: globset::GlobMatcher,
}

impl RepoPattern {
    /// `*` matches any characters (`/` included: `github.com/org/*` reaches every repository
    /// of the organisation, subdirectories too), `?` one, `[abc]` one of a set.
    pub fn new(text: &str) -> Result<RepoPattern, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("a repository pattern cannot be empty".to_string());
        }
        let glob = globset::GlobBuilder::new(text)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .map_err(|e| format!("`{text}` is not a repository pattern: {}", e.kind()))?;
        Ok(RepoPattern {
            text: text.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    pub fn matches(&self, repository: &str) -> bool {
        self.matcher.is_match(repository)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for RepoPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One stored token, without its secret or hash (neither ever leaves the store).
#[derive(Clone, Debug, Serialize)]
pub struct TokenRecord {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// Only repositories matching this pattern; `None` = every repository.
    pub repo_pattern: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// Whether a token works now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn id(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

impl TokenRecord {
    /// Revoked wins over expired: it is what someone did on purpose.
    pub fn status(&self, now_ms: i64) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if self.expires_at.is_some_and(|t| t <= now_ms) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }

    /// The compiled pattern (stored patterns were validated when the token was made).
    pub fn pattern(&self) -> Option<RepoPattern> {
        self.repo_pattern
            .as_deref()
            .and_then(|p| RepoPattern::new(p).ok())
    }

    /// Whether this token reaches `repository`.
    pub fn reaches(&self, repository: &str) -> bool {
        match &self.repo_pattern {
            None => true,
            // A pattern that no longer compiles reaches nothing: fail closed.
            Some(_) => self.pattern().is_some_and(|p| p.matches(repository)),
        }
    }
}

/// A token to create.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub name: String,
    pub scope: TokenScope,
    pub repo_pattern: Option<RepoPattern>,
    /// Unix milliseconds; `None` = never.
    pub expires_at: Option<i64>,
}

/// What a presented token turned out to be.
#[derive(Clone, Debug)]
pub enum Authentication {
    Valid(TokenRecord),
    /// Not a token of this server (or not shaped like one at all).
    Unknown,
    Expired(TokenRecord),
    Revoked(TokenRecord),
}

/// What `revoke_token` did.
#[derive(Clone, Debug)]
pub enum Revocation {
    Revoked(TokenRecord),
    /// It was revoked before; nothing changed.
    AlreadyRevoked(TokenRecord),
}

/// A new random token: the prefix and 32 bytes from the operating system's generator.
pub fn generate_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Corrupt(format!("the system's random generator failed: {e}")))?;
    Ok(format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// Whether `text` has the shape of a token (prefix, then 43 base64url characters).
pub fn looks_like_token(text: &str) -> bool {
    text.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == SECRET_CHARS
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// The stored form of a token: lowercase hex SHA-256 of all of it.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const COLUMNS: &str =
    "id, name, scope, repo_pattern, created_at, expires_at, revoked_at, last_used_at";

fn record(row: &AnyRow) -> Result<TokenRecord> {
    let scope: String = row.try_get(2)?;
    Ok(TokenRecord {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        scope: scope.parse().map_err(StoreError::Corrupt)?,
        repo_pattern: row.try_get(3)?,
        created_at: row.try_get(4)?,
        expires_at: row.try_get(5)?,
        revoked_at: row.try_get(6)?,
        last_used_at: row.try_get(7)?,
    })
}

impl AsyncStore {
    /// Stores a new token made at `now_ms`; returns it and its secret, which is not stored
    /// and cannot be read back.
    pub async fn create_token(
        &self,
        token: &NewToken,
        now_ms: i64,
    ) -> Result<(TokenRecord, String)> {
        let secret = generate_secret()?;
        let sql = format!(
            "INSERT INTO tokens (name, hash, scope, repo_pattern, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&token.name)
            .bind(hash_secret(&secret))
            .bind(token.scope.id())
            .bind(token.repo_pattern.as_ref().map(|p| p.as_str().to_string()))
            .bind(now_ms)
            .bind(token.expires_at)
            .fetch_one(&self.pool)
            .await?;
        Ok((record(&row)?, secret))
    }

    /// Every token, oldest first (revoked and expired ones too: the list is the audit trail).
    pub async fn tokens(&self) -> Result<Vec<TokenRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM tokens ORDER BY id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(record).collect()
    }

    pub async fn token(&self, id: i64) -> Result<TokenRecord> {
        let sql = format!("SELECT {COLUMNS} FROM tokens WHERE id = $1");
        match sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        {
            Some(row) => record(&row),
            None => Err(StoreError::NotFound(format!("no token with id {id}"))),
        }
    }

    /// Revokes token `id` at `now_ms`; it stops working at once on every replica (each
    /// request reads the token table).
    pub async fn revoke_token(&self, id: i64, now_ms: i64) -> Result<Revocation> {
        let done =
            sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now_ms)
                .bind(id)
                .execute(&self.pool)
                .await?;
        let token = self.token(id).await?;
        Ok(if done.rows_affected() > 0 {
            Revocation::Revoked(token)
        } else {
            Revocation::AlreadyRevoked(token)
        })
    }

    /// Checks a presented token at `now_ms` and, when it is valid, notes its use (at most
    /// once a minute per token).
    pub async fn authenticate(&self, presented: &str, now_ms: i64) -> Result<Authentication> {
        if !looks_like_token(presented) {
            return Ok(Authentication::Unknown);
        }
        let hash = hash_secret(presented);
        let sql = format!("SELECT {COLUMNS}, hash FROM tokens WHERE hash = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(&hash)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(Authentication::Unknown);
        };
        let stored: String = row.try_get(8)?;
        if !bool::from(stored.as_bytes().ct_eq(hash.as_bytes())) {
            return Ok(Authentication::Unknown);
        }
        let token = record(&row)?;
        Ok(match token.status(now_ms) {
            TokenStatus::Revoked => Authentication::Revoked(token),
            TokenStatus::Expired => Authentication::Expired(token),
            TokenStatus::Active => {
                if token
                    .last_used_at
                    .is_none_or(|t| now_ms - t >= LAST_USED_RESOLUTION_MS)
                {
                    sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE id = $2")
                        .bind(now_ms)
                        .bind(token.id)
                        .execute(&self.pool)
                        .await?;
                }
                Authentication::Valid(token)
            }
        })
    }
}

impl Store {
    /// See [`AsyncStore::create_token`].
    pub fn create_token(&self, token: &NewToken, now_ms: i64) -> Result<(TokenRecord, String)> {
        self.block_on(self.inner().create_token(token, now_ms))
    }

    /// See [`AsyncStore::tokens`].
    pub fn tokens(&self) -> Result<Vec<TokenRecord>> {
        self.block_on(self.inner().tokens())
    }

    /// See [`AsyncStore::revoke_token`].
    pub fn revoke_token(&self, id: i64, now_ms: i64) -> Result<Revocation> {
        self.block_on(self.inner().revoke_token(id, now_ms))
    }

    /// See [`AsyncStore::authenticate`].
    pub fn authenticate(&self, presented: &str, now_ms: i64) -> Result<Authentication> {
        self.block_on(self.inner().authenticate(presented, now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_prefixed_and_recognisable() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("pvt_") && a.len() == 4 + 43, "{a}");
        assert!(looks_like_token(&a));
        assert!(!looks_like_token(&a[..a.len() - 1]));
        assert!(!looks_like_token(&format!("{a}x")));
        assert!(!looks_like_token(&a.replacen("pvt_", "pvx_", 1)));
        assert!(!looks_like_token(&format!("pvt_{}", "+".repeat(43))));
        // FIPS 180-2's test vector for SHA-256("abc").
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hash_secret(&a).len(), 64);
    }

    #[test]
    fn scopes_nest() {
        use TokenScope::*;
        assert!(Admin.includes(Push) && Admin.includes(Read) && Admin.includes(Admin));
        assert!(Push.includes(Read) && Push.includes(Push) && !Push.includes(Admin));
        assert!(Read.includes(Read) && !Read.includes(Push));
        assert_eq!("push".parse::<TokenScope>(), Ok(Push));
        assert!("write"
            .parse::<TokenScope>()
            .unwrap_err()
            .contains("read, push or admin"));
    }

    #[test]
    fn patterns_reach_what_they_say() {
        let org = RepoPattern::new("github.com/acme/*").unwrap();
        assert!(org.matches("github.com/acme/shop"));
        assert!(org.matches("github.com/acme/shop/services/api"));
        assert!(!org.matches("github.com/acme"));
        assert!(!org.matches("github.com/acmecorp/shop"));
        assert!(!org.matches("gitlab.com/github.com/acme/shop"));
        let one = RepoPattern::new("shop-?").unwrap();
        assert!(one.matches("shop-1") && !one.matches("shop-10"));
        let exact = RepoPattern::new("shop").unwrap();
        assert!(exact.matches("shop") && !exact.matches("shop2"));
        assert!(RepoPattern::new("  ").is_err());
        let e = RepoPattern::new("acme/[shop").unwrap_err();
        assert!(e.contains("acme/[shop"), "{e}");
    }

    #[test]
    fn status_revoked_wins_over_expired() {
        let mut t = TokenRecord {
            id: 1,
            name: "ci".into(),
            scope: TokenScope::Push,
            repo_pattern: Some("acme/*".into()),
            created_at: 0,
            expires_at: Some(100),
            revoked_at: None,
            last_used_at: None,
        };
        assert_eq!(t.status(99), TokenStatus::Active);
        assert_eq!(t.status(100), TokenStatus::Expired);
        t.revoked_at = Some(50);
        assert_eq!(t.status(99), TokenStatus::Revoked);
        assert!(t.reaches("acme/shop") && !t.reaches("other/shop"));
        t.repo_pattern = Some("acme/[".into());
        assert!(!t.reaches("acme/["), "a broken pattern reaches nothing");
    }
}
