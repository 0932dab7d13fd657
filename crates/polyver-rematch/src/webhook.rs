//! The webhooks of `[[server.webhook]]` and what they receive: a Slack-compatible
//! `{"text": ...}` message, or polyver's `polyver.webhook/v1` JSON signed with HMAC-SHA256.
//!
//! Every request carries `X-Polyver-Event: finding.new` and `X-Polyver-Delivery: <id>` (the
//! same id in every attempt of one delivery, so a receiver can drop a repeat it already
//! processed). A `json` webhook's request also carries
//! `X-Polyver-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the bytes of
//! the environment variable its `secret-env` names: the receiver recomputes it over the body
//! exactly as received and compares in constant time ([`verify`]).
//!
//! Secrets stay out of the registry: a delivery records the URL's SHA-256 as its key and the
//! URL without its path as its name (a Slack URL's path is its secret).

use crate::RematchError;
use hmac::{Hmac, KeyInit, Mac};
use polyver_config::WebhookKind;
use polyver_store::Delivery;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The header holding the body's signature (`json` webhooks).
pub const SIGNATURE_HEADER: &str = "X-Polyver-Signature";
/// The header holding the delivery id.
pub const DELIVERY_HEADER: &str = "X-Polyver-Delivery";
/// The header naming the event.
pub const EVENT_HEADER: &str = "X-Polyver-Event";
/// The only event so far: a re-match found a finding the repository's latest scan lacked.
pub const EVENT: &str = "finding.new";
/// The `schema` of the JSON body.
pub const SCHEMA: &str = "polyver.webhook/v1";

/// What one attempt sends: the body and the headers besides `Content-Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRequest {
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

/// One configured webhook, ready to post to.
#[derive(Clone)]
pub struct WebhookTarget {
    pub url: String,
    pub kind: WebhookKind,
    /// The HMAC key (`json` webhooks).
    secret: Option<Vec<u8>>,
    /// The URL's SHA-256 (hex): what deliveries record instead of the URL.
    pub key: String,
    /// The URL without path or query (`https://hooks.slack.com/…`), to show.
    pub display: String,
}

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("display", &self.display)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl WebhookTarget {
    /// A webhook posting to `url`; `secret` is required for `json`.
    pub fn new(url: &str, kind: WebhookKind, secret: Option<Vec<u8>>) -> WebhookTarget {
        let key = hex::encode(Sha256::digest(url.as_bytes()));
        WebhookTarget {
            display: format!("{} #{}", origin_of(url), &key[..8]),
            url: url.to_string(),
            kind,
            secret,
            key,
        }
    }

    /// `slack` or `json`.
    pub fn kind_id(&self) -> &'static str {
        match self.kind {
            WebhookKind::Slack => "slack",
            WebhookKind::Json => "json",
        }
    }

    /// The body and headers of `delivery` for this webhook.
    pub fn request(&self, delivery: &Delivery) -> Result<WebhookRequest, RematchError> {
        let notice: Value = serde_json::from_str(&delivery.finding.data).map_err(|e| {
            RematchError::Corrupt(format!(
                "the stored finding {} of {} is not JSON: {e}",
                delivery.finding.advisory_id, delivery.finding.repository
            ))
        })?;
        let mut headers = vec![
            (EVENT_HEADER, EVENT.to_string()),
            (DELIVERY_HEADER, delivery.delivery_id.clone()),
        ];
        let body = match self.kind {
            WebhookKind::Slack => slack_body(&notice),
            WebhookKind::Json => {
                let body = json_body(&notice, delivery);
                let secret = self.secret.as_deref().unwrap_or_default();
                headers.push((SIGNATURE_HEADER, sign(secret, &body)));
                body
            }
        };
        Ok(WebhookRequest { body, headers })
    }
}

/// The webhooks of `[[server.webhook]]`, each `json` one with its key read from the
/// environment through `env`. A key that is not set (or empty) is an error now, before a
/// re-match records findings it could then not deliver.
pub fn targets(
    webhooks: &[polyver_config::Webhook],
    env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<WebhookTarget>, RematchError> {
    webhooks
        .iter()
        .map(|w| {
            let secret = match (&w.kind, &w.secret_env) {
                (WebhookKind::Json, Some(name)) => match env(name).filter(|v| !v.is_empty()) {
                    Some(value) => Some(value.into_bytes()),
                    None => {
                        return Err(RematchError::MissingSecret {
                            variable: name.clone(),
                            webhook: origin_of(&w.url),
                            line: w.line,
                        })
                    }
                },
                (WebhookKind::Json, None) => {
                    return Err(RematchError::MissingSecret {
                        variable: String::new(),
                        webhook: origin_of(&w.url),
                        line: w.line,
                    })
                }
                (WebhookKind::Slack, _) => None,
            };
            Ok(WebhookTarget::new(&w.url, w.kind, secret))
        })
        .collect()
}

/// `scheme://host[:port]`, plus `/…` when there is more: what can be shown of a webhook URL.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // user:password@ never shown either.
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let more = if rest[end..].trim_start_matches('/').is_empty() {
        ""
    } else {
        "/…"
    };
    format!("{scheme}://{host}{more}")
}

/// `sha256=<hex>`: HMAC-SHA256 of `body` keyed with `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .expect("HMAC accepts a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether `header` (`sha256=<hex>`) is the signature of `body` under `secret`, compared in
/// constant time: what a receiver does.
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(digest) = header
        .trim()
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .expect("HMAC accepts a key of any length");
    mac.update(body);
    mac.verify_slice(&digest).is_ok()
}

/// The `polyver.webhook/v1` body: the stored notice (repository, scan, finding) with the
/// event, the delivery id and when the finding was first seen. Built from stored data only,
/// so every attempt of a delivery sends the same bytes.
fn json_body(notice: &Value, delivery: &Delivery) -> Vec<u8> {
    let at = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(delivery.finding.first_seen_at.max(0) as u64);
    let body = json!({
        "schema": SCHEMA,
        "event": EVENT,
        "delivery": delivery.delivery_id,
        "detected_at": humantime::format_rfc3339_seconds(at).to_string(),
        "repository": notice["repository"],
        "scan": notice["scan"],
        "finding": notice["finding"],
    });
    serde_json::to_vec(&body).expect("a JSON value serializes")
}

/// Slack's mrkdwn escapes: `&`, `<` and `>` are control characters there, and anything
/// below a space (a hostile package name) is dropped.
fn slack_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, `…` when cut.
fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The Slack message: one paragraph naming repository, package, advisory, severity and fix.
fn slack_body(notice: &Value) -> Vec<u8> {
    let f = &notice["finding"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let id = s(&f["id"]);
    let package = match f["version"].as_str() {
        Some(v) => format!("{} {v}", s(&f["name"])),
        None => format!("{} (not pinned)", s(&f["name"])),
    };
    let severity = f["severity"]
        .as_str()
        .map_or_else(|| "unknown severity".to_string(), str::to_string);
    let fix = match (f["status"].as_str(), f["smallest_fix"].as_str()) {
        (Some("not-pinned"), _) => "Pin it to a fixed version".to_string(),
        (_, Some(fix)) => format!("Fix: upgrade to {}", slack_escape(fix)),
        _ => "No fixed version is published".to_string(),
    };
    let url = s(&f["url"]);
    let link = if url.starts_with("https://") || url.starts_with("http://") {
        format!(
            "<{}|{}>",
            url.replace('|', "%7C").replace('>', "%3E"),
            slack_escape(&id)
        )
    } else {
        slack_escape(&id)
    };
    let mut text = format!(
        "New vulnerability in *{}*: `{}` ({}) is affected by {link} ({severity}). {fix}.",
        slack_escape(&s(&notice["repository"])),
        slack_escape(&package).replace('`', "'"),
        slack_escape(&s(&f["ecosystem"])),
    );
    let summary = clip(&s(&f["summary"]), 300);
    if !summary.is_empty() {
        text.push_str("\n> ");
        text.push_str(&slack_escape(&summary));
    }
    serde_json::to_vec(&json!({ "text": text })).expect("a JSON value serializes")
}

/// A random delivery id, formatted as a version 4 UUID.
pub fn delivery_id() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: the time and a counter still make ids that do not repeat.
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        b[..8].copy_from_slice(&t.to_le_bytes());
        b[8..].copy_from_slice(&N.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let header = sign(b"k", b"{\"a\":1}");
        assert!(verify(b"k", b"{\"a\":1}", &header));
        assert!(!verify(b"k", b"{\"a\":2}", &header));
        assert!(!verify(b"other", b"{\"a\":1}", &header));
        assert!(!verify(b"k", b"{\"a\":1}", "sha1=00"));
        assert!(!verify(b"k", b"{\"a\":1}", "sha256=zz"));
    }

    #[test]
    fn shown_urls_keep_no_secret() {
        assert_eq!(
            origin_of("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            origin_of("http://u:pw@127.0.0.1:9000/"),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            origin_of("https://x.example?token=1"),
            "https://x.example/…"
        );
        let t = WebhookTarget::new(
            "https://hooks.slack.com/services/T/B/X",
            WebhookKind::Slack,
            None,
        );
        assert!(
            t.display.starts_with("https://hooks.slack.com/… #"),
            "{}",
            t.display
        );
        assert!(!t.display.contains("services"));
        assert!(!format!("{t:?}").contains("services"));
    }

    #[test]
    fn a_json_webhook_needs_its_secret_in_the_environment() {
        let hooks = vec![polyver_config::Webhook {
            url: "https://alerts.example/polyver".into(),
            kind: WebhookKind::Json,
            secret_env: Some("HOOK_KEY".into()),
            line: 12,
        }];
        let err = targets(&hooks, |_| None).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("HOOK_KEY") && text.contains("line 12"),
            "{text}"
        );
        assert!(targets(&hooks, |_| Some(String::new())).is_err());
        let ok = targets(&hooks, |k| (k == "HOOK_KEY").then(|| "s3cret".into())).unwrap();
        assert_eq!(ok[0].secret.as_deref(), Some(&b"s3cret"[..]));
    }

    #[test]
    fn slack_text_escapes_what_slack_would_read_as_markup() {
        let notice = json!({
            "repository": "org/<app>",
            "finding": {
                "id": "PYSEC-1", "name": "evil&pkg", "version": "1.0\u{1b}[31m",
                "ecosystem": "pypi", "severity": "high", "status": "affected",
                "summary": "a <b>bold</b> claim", "smallest_fix": "1.1",
                "url": "https://osv.dev/vulnerability/PYSEC-1"
            }
        });
        let body: Value = serde_json::from_slice(&slack_body(&notice)).unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(text.contains("*org/&lt;app&gt;*"), "{text}");
        assert!(text.contains("evil&amp;pkg 1.0 [31m"), "{text}");
        assert!(text.contains("a &lt;b&gt;bold&lt;/b&gt; claim"), "{text}");
        assert!(
            text.contains(
                "<https://osv.dev/vulnerability/PYSEC-1|PYSEC-1> (high). Fix: upgrade to 1.1.\n> "
            ),
            "{text}"
        );
    }

    #[test]
    fn delivery_ids_are_uuid_v4_and_differ() {
        let a = delivery_id();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(a, delivery_id());
    }
}
