//! `polyver token create|list|revoke`: the tokens `polyver serve` checks, in the server's
//! database (`--db` / POLYVER_DATABASE_URL, else `[server] database-url`, else the local
//! registry — the same choice `serve` makes).
//!
//! `create` prints the token alone on the last line of stdout (`| tail -n 1` in scripts) and
//! what it is for on stderr; with `--format json` the token is the document's `secret`. It is
//! never shown again: only its SHA-256 is stored.
//!
//! Exit codes: 0 ok; 2 a bad pattern, an unknown token id, a bad database URL; 3 the database
//! cannot be opened or written.

use crate::args::{Format, GlobalArgs, TokenCommand};
use crate::output::Output;
use crate::CliError;
use polyver_engine::registry;
use polyver_report::render::token as render;
use polyver_store::tokens::{NewToken, RepoPattern, Revocation};
use polyver_store::{Store, StoreError};
use std::path::Path;
use std::process::ExitCode;

/// Lifetime of a token when neither `--expiry-days` nor `[server] tokens.expiry-days` says.
pub const DEFAULT_EXPIRY_DAYS: u32 = 90;
const DAY_MS: i64 = 86_400_000;

pub fn run(cmd: TokenCommand, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let settings = super::settings(global, Path::new("."), None)?;
    let server = &settings.config.server;
    let db = global.db.clone().or_else(|| server.database_url.clone());
    let (url, _) = registry::url(db.as_deref(), Path::new("."));
    let store = Store::open(&url).map_err(|e| registry::store_error(e, &url))?;
    let failed = |e: StoreError| registry::store_error(e, &url);
    let now = registry::now_ms();
    match cmd {
        TokenCommand::Create {
            scope,
            repo,
            name,
            expiry_days,
        } => {
            let pattern = repo
                .as_deref()
                .map(RepoPattern::new)
                .transpose()
                .map_err(|e| {
                    CliError::input(
                        format!("--repo: {e}"),
                        Some(
                            "a glob over repository names: `*` any characters (`/` too), `?` \
                             one, e.g. 'github.com/acme/*'"
                                .into(),
                        ),
                    )
                })?;
            let days = expiry_days
                .or(server.token_expiry_days)
                .unwrap_or(DEFAULT_EXPIRY_DAYS);
            let token = NewToken {
                name: name.unwrap_or_else(|| scope.to_string()),
                scope,
                repo_pattern: pattern,
                expires_at: (days > 0).then(|| now + i64::from(days) * DAY_MS),
            };
            let (record, secret) = store.create_token(&token, now).map_err(failed)?;
            match global.format {
                Format::Json => out.json(&render::created_json(&record, &secret, now))?,
                _ => {
                    if !global.quiet {
                        eprint!("{}", render::created_line(&record));
                    }
                    out.write(&format!("{secret}\n"))?;
                }
            }
        }
        TokenCommand::List => {
            let tokens = store.tokens().map_err(failed)?;
            match global.format {
                Format::Json => out.json(&render::list_json(&tokens, now))?,
                _ => out.write(&render::table(&tokens, now, &out.term))?,
            }
        }
        TokenCommand::Revoke { id } => {
            let (record, revoked) = match store.revoke_token(id, now) {
                Ok(Revocation::Revoked(t)) => (t, true),
                Ok(Revocation::AlreadyRevoked(t)) => (t, false),
                Err(StoreError::NotFound(message)) => {
                    return Err(CliError::input(
                        message,
                        Some("`polyver token list` shows the tokens and their ids".into()),
                    )
                    .into())
                }
                Err(e) => return Err(failed(e).into()),
            };
            match global.format {
                Format::Json => out.json(&render::revoked_json(&record, revoked, now))?,
                _ => out.write(&render::revoked_line(&record, revoked))?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
