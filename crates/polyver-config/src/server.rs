//! `[server]`: the defaults of `polyver serve` (where it listens, which registry database,
//! whether reads need a token), the webhooks new findings are posted to, and the thresholds
//! `polyver alerts` writes into its alerting rules.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"
//! database-url = "postgres://polyver@db.internal/polyver"
//! read = "token"                       # open | token
//! tokens = { expiry-days = 90 }        # 0 = tokens never expire
//! alerts = { health-below = 60, scan-stale-after = "7d" }
//!
//! [[server.webhook]]
//! url = "https://hooks.slack.com/services/T000/B000/XXX"
//! kind = "slack"                       # slack | json
//!
//! [[server.webhook]]
//! url = "https://alerts.internal/polyver"
//! kind = "json"
//! secret-env = "POLYVER_WEBHOOK_SECRET"   # HMAC-SHA256 key, from the environment
//! ```
//!
//! Secrets never go in the file: a webhook names the environment variable that holds its key.

use crate::values::{span_of, Span};
use crate::{ConfigError, Reader};
use toml_edit::Item;

const KEYS: &[&str] = &[
    "listen",
    "database-url",
    "read",
    "tokens",
    "webhook",
    "alerts",
];
const TOKEN_KEYS: &[&str] = &["expiry-days"];
const WEBHOOK_KEYS: &[&str] = &["url", "kind", "secret-env"];
const ALERT_KEYS: &[&str] = &["health-below", "scan-stale-after"];
const READ_ACCESS: &[&str] = &["open", "token"];
const WEBHOOK_KINDS: &[&str] = &["slack", "json"];

/// Who may read the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAccess {
    /// Anyone who can reach the server.
    Open,
    /// A token with the `read` scope (or higher).
    Token,
}

/// The body a webhook receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookKind {
    /// A Slack-compatible `{"text": ...}` message.
    Slack,
    /// polyver's JSON, signed with HMAC-SHA256.
    Json,
}

/// One `[[server.webhook]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub kind: WebhookKind,
    /// The environment variable holding the HMAC key (required for `json`).
    pub secret_env: Option<String>,
    pub line: u32,
}

/// Thresholds of the rules `polyver alerts` writes; `None` = the command's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlertThresholds {
    /// Alert when a repository's health score (0–100) is below this.
    pub health_below: Option<u32>,
    /// Alert when a repository's latest scan is older than this many seconds.
    pub scan_stale_after: Option<u64>,
}

/// The `[server]` section; `None` = the command-line flag or built-in default applies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerSection {
    /// `host:port`.
    pub listen: Option<String>,
    /// `sqlite://PATH`, `postgres://...` or `postgresql://...`.
    pub database_url: Option<String>,
    pub read: Option<ReadAccess>,
    /// Lifetime of new tokens in days; `Some(0)` = no expiry.
    pub token_expiry_days: Option<u32>,
    pub webhooks: Vec<Webhook>,
    pub alerts: AlertThresholds,
}

impl Reader<'_> {
    pub(crate) fn server(&self, item: &Item) -> Result<ServerSection, ConfigError> {
        let table = item
            .as_table_like()
            .ok_or_else(|| self.at(item.span(), "`server` must be a table: [server]"))?;
        let mut server = ServerSection::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = span_of(table, key, item);
            match key {
                "listen" => server.listen = Some(self.listen(item, span)?),
                "database-url" => server.database_url = Some(self.database_url(item, span)?),
                "read" => {
                    server.read = Some(match self.choice(item, span, key, READ_ACCESS)? {
                        "open" => ReadAccess::Open,
                        _ => ReadAccess::Token,
                    })
                }
                "tokens" => {
                    let tokens = item.as_table_like().ok_or_else(|| {
                        self.at(span, "`tokens` must be a table: [server.tokens]")
                    })?;
                    for (key, item) in tokens.iter() {
                        let key_span = tokens.key(key).and_then(|k| k.span());
                        let span = span_of(tokens, key, item);
                        match key {
                            "expiry-days" => {
                                server.token_expiry_days = Some(self.count(item, span, key)?)
                            }
                            _ => {
                                return Err(self.unknown(
                                    key_span,
                                    key,
                                    "a key of [server.tokens]",
                                    TOKEN_KEYS,
                                ))
                            }
                        }
                    }
                }
                "webhook" => server.webhooks = self.webhooks(item, span)?,
                "alerts" => server.alerts = self.alerts(item, span)?,
                _ => return Err(self.unknown(key_span, key, "a key of [server]", KEYS)),
            }
        }
        Ok(server)
    }

    /// `host:port` with a port in 1–65535 (`127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:80`,
    /// `localhost:8080`).
    fn listen(&self, item: &Item, span: Span) -> Result<String, ConfigError> {
        let text = item.as_str().map(str::trim).unwrap_or_default();
        let valid = text.parse::<std::net::SocketAddr>().is_ok()
            || text.rsplit_once(':').is_some_and(|(host, port)| {
                !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                    && port.parse::<u16>().is_ok_and(|p| p > 0)
            });
        if !valid {
            return Err(self.hinted(
                span,
                "`listen` must be an address host:port".into(),
                "for example \"127.0.0.1:8080\" (this machine only) or \"0.0.0.0:8080\"".into(),
            ));
        }
        Ok(text.to_string())
    }

    fn database_url(&self, item: &Item, span: Span) -> Result<String, ConfigError> {
        item.as_str()
            .map(str::trim)
            .filter(|u| {
                ["sqlite:", "postgres://", "postgresql://"]
                    .iter()
                    .any(|scheme| u.starts_with(scheme) && u.len() > scheme.len())
            })
            .map(str::to_string)
            .ok_or_else(|| {
                self.hinted(
                    span,
                    "`database-url` must be a sqlite: or postgres:// URL".into(),
                    "sqlite://.polyver/polyver.db or postgres://user@host/db; a password is \
                     better given in POLYVER_DATABASE_URL than written here"
                        .into(),
                )
            })
    }

    fn webhooks(&self, item: &Item, span: Span) -> Result<Vec<Webhook>, ConfigError> {
        let entries = item.as_array_of_tables().ok_or_else(|| {
            self.at(
                span,
                "`webhook` must be a list of tables: [[server.webhook]]",
            )
        })?;
        let mut out = Vec::new();
        for entry in entries.iter() {
            let start: Span = entry.span();
            let (mut url, mut kind, mut secret_env) = (None, None, None);
            for (key, item) in entry.iter() {
                let key_span = entry.key(key).and_then(|k| k.span());
                let span = span_of(entry, key, item);
                match key {
                    "url" => url = Some(self.http_url(item, span, key)?),
                    "kind" => {
                        kind = Some(match self.choice(item, span, key, WEBHOOK_KINDS)? {
                            "slack" => WebhookKind::Slack,
                            _ => WebhookKind::Json,
                        })
                    }
                    "secret-env" => {
                        secret_env = Some((self.env_name(item, span.clone(), key)?, span))
                    }
                    _ => {
                        return Err(self.unknown(
                            key_span,
                            key,
                            "a key of [[server.webhook]]",
                            WEBHOOK_KEYS,
                        ))
                    }
                }
            }
            let at = start.as_ref().map_or(0, |s| s.start);
            let url = url.ok_or_else(|| {
                self.error(
                    at,
                    "[[server.webhook]] needs `url`".into(),
                    Some("url = \"https://...\", kind = \"slack\" or \"json\"".into()),
                )
            })?;
            let kind = kind.ok_or_else(|| {
                self.error(
                    at,
                    "[[server.webhook]] needs `kind`".into(),
                    Some(format!("one of: {}", WEBHOOK_KINDS.join(", "))),
                )
            })?;
            match (&kind, &secret_env) {
                (WebhookKind::Json, None) => {
                    return Err(self.error(
                        at,
                        "a json [[server.webhook]] needs `secret-env`".into(),
                        Some(
                            "its body is signed with HMAC-SHA256: name the environment variable \
                             holding the key, secret-env = \"POLYVER_WEBHOOK_SECRET\""
                                .into(),
                        ),
                    ))
                }
                (WebhookKind::Slack, Some((_, span))) => {
                    return Err(self.hinted(
                        span.clone(),
                        "`secret-env` does not apply to a slack webhook".into(),
                        "Slack incoming webhooks are not signed; remove it, or use kind = \"json\""
                            .into(),
                    ))
                }
                _ => {}
            }
            out.push(Webhook {
                url,
                kind,
                secret_env: secret_env.map(|(name, _)| name),
                line: self.line_of(&start),
            });
        }
        Ok(out)
    }

    fn alerts(&self, item: &Item, span: Span) -> Result<AlertThresholds, ConfigError> {
        let table = item
            .as_table_like()
            .ok_or_else(|| self.at(span, "`alerts` must be a table: [server.alerts]"))?;
        let mut alerts = AlertThresholds::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = span_of(table, key, item);
            match key {
                "health-below" => {
                    let score = self.count(item, span.clone(), key)?;
                    if score > 100 {
                        return Err(self.at(span, "`health-below` must be a score from 0 to 100"));
                    }
                    alerts.health_below = Some(score);
                }
                "scan-stale-after" => {
                    alerts.scan_stale_after = Some(self.duration(item, span, key)?)
                }
                _ => {
                    return Err(self.unknown(key_span, key, "a key of [server.alerts]", ALERT_KEYS))
                }
            }
        }
        Ok(alerts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<crate::Config, ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn reads_every_key() {
        let c = parse_str(
            "[server]\nlisten = \"0.0.0.0:8080\"\ndatabase-url = \"postgres://polyver@db/polyver\"\nread = \"open\"\n\n[server.tokens]\nexpiry-days = 90\n\n[server.alerts]\nhealth-below = 60\nscan-stale-after = \"36h\"\n\n[[server.webhook]]\nurl = \"https://hooks.example.com/x/\"\nkind = \"slack\"\n\n[[server.webhook]]\nurl = \"http://127.0.0.1:9000/hook\"\nkind = \"json\"\nsecret-env = \"HOOK_KEY\"\n",
        )
        .unwrap();
        let s = c.server;
        assert_eq!(s.listen.as_deref(), Some("0.0.0.0:8080"));
        assert_eq!(
            s.database_url.as_deref(),
            Some("postgres://polyver@db/polyver")
        );
        assert_eq!(s.read, Some(ReadAccess::Open));
        assert_eq!(s.token_expiry_days, Some(90));
        assert_eq!(s.alerts.health_below, Some(60));
        assert_eq!(s.alerts.scan_stale_after, Some(36 * 3600));
        assert_eq!(s.webhooks.len(), 2);
        assert_eq!(s.webhooks[0].url, "https://hooks.example.com/x");
        assert_eq!(s.webhooks[0].line, 13);
        assert_eq!(s.webhooks[1].kind, WebhookKind::Json);
        assert_eq!(s.webhooks[1].secret_env.as_deref(), Some("HOOK_KEY"));
        for listen in ["[::1]:8080", "localhost:80", "polyver.internal:8443"] {
            let text = format!("[server]\nlisten = \"{listen}\"\n");
            assert!(parse_str(&text).is_ok(), "{listen}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located_with_the_nearest() {
        let e =
            parse_str("[server]\nlisten = \"127.0.0.1:8080\"\ndatabase_url = \"x\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().starts_with("did you mean `database-url`?"));
        let e = parse_str("[server]\nwebhooks = [\"https://x\"]\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `webhook`?"));
        let e = parse_str("[server]\nread = \"opn\"\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean \"open\"?"));
        for bad in ["8080", "127.0.0.1:99999", "host:0", "a b:80", "http://x:80"] {
            let text = format!("[server]\nlisten = \"{bad}\"\n");
            let e = parse_str(&text).unwrap_err();
            assert_eq!(e.line, 2, "{bad}");
        }
        assert!(parse_str("[server]\ndatabase-url = \"mysql://x\"\n").is_err());
        let e = parse_str("[[server.webhook]]\nurl = \"ftp://x\"\nkind = \"json\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("scheme is `ftp`"), "{e}");
        let e =
            parse_str("[[server.webhook]]\nurl = \"not a url\"\nkind = \"slack\"\n").unwrap_err();
        assert!(e.message.contains("http(s) URL"), "{e}");
        let e =
            parse_str("[[server.webhook]]\nurl = \"https://x\"\nkind = \"json\"\n").unwrap_err();
        assert!(e.message.contains("needs `secret-env`"), "{e}");
        let e = parse_str(
            "[[server.webhook]]\nurl = \"https://x\"\nkind = \"slack\"\nsecret-env = \"K\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        let e = parse_str(
            "[[server.webhook]]\nurl = \"https://x\"\nkind = \"json\"\nsecret-env = \"1 bad\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("environment variable"), "{e}");
        let e =
            parse_str("[[server.webhook]]\nurl = \"https://x\"\nkind = \"teams\"\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("one of: slack, json"));
        let e = parse_str("[server.alerts]\nscan-stale-after = \"7 days\"\n").unwrap_err();
        assert!(e.message.contains("duration"), "{e}");
        assert!(parse_str("[server.alerts]\nscan-stale-after = \"-7d\"\n").is_err());
        assert!(parse_str("[server.alerts]\nhealth-below = 101\n").is_err());
        assert!(parse_str("[server.tokens]\nexpiry-days = -1\n").is_err());
        let e = parse_str("[server.tokens]\nexpiry-day = 1\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("did you mean `expiry-days`?"));
    }
}
