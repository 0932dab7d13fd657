//! Sending the recorded deliveries: each attempt claimed in the store before the request
//! goes out (see `polyver_store::known` for why that makes delivery at-most-once), retried
//! with exponential backoff on what may pass (a timeout, a refused connection, 408, 429,
//! 5xx; `Retry-After` honoured up to the cap), given up on what will not (any other answer),
//! and every outcome recorded.
//!
//! Webhooks are served concurrently, the deliveries of one webhook one after another (a
//! Slack incoming webhook accepts about one message a second).

use crate::webhook::{WebhookRequest, WebhookTarget};
use crate::{now_ms, DeliveryOutcome, RematchError, Stop};
use polyver_store::{AsyncStore, Delivery, DeliveryStatus};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// How deliveries are attempted.
#[derive(Clone, Debug)]
pub struct DeliveryPolicy {
    /// Attempts per delivery, the first included.
    pub attempts: u32,
    /// The wait after the first failed attempt; doubled after each further one.
    pub backoff: Duration,
    /// The longest wait between attempts (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// One attempt's limit, connecting included.
    pub timeout: Duration,
    /// A delivery `sending` for longer than this belongs to a process that died.
    pub stale_after: Duration,
    /// PEM files of extra certificate authorities (`--ca-cert`).
    pub ca_certs: Vec<PathBuf>,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            attempts: 4,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            stale_after: Duration::from_secs(15 * 60),
            ca_certs: Vec::new(),
        }
    }
}

impl DeliveryPolicy {
    /// Builds the HTTP client once, so a bad `--ca-cert` file is an error before anything is
    /// matched or recorded rather than at the first post.
    pub fn check(&self) -> Result<(), RematchError> {
        client(self).map(|_| ())
    }

    /// The wait before attempt `failed + 1`, after `failed` failed attempts.
    fn wait(&self, failed: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .backoff
            .saturating_mul(1u32 << failed.saturating_sub(1).min(16));
        exponential
            .max(retry_after.unwrap_or_default())
            .min(self.max_backoff)
    }
}

/// The HTTP client of one run: the policy's timeout, no redirects (a webhook that moved is
/// an error to fix in polyver.toml, not a POST to turn into a GET), extra CAs.
pub(crate) fn client(policy: &DeliveryPolicy) -> Result<reqwest::Client, RematchError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("polyver/", env!("CARGO_PKG_VERSION")))
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .redirect(reqwest::redirect::Policy::none());
    for path in &policy.ca_certs {
        let error = |message: String| {
            RematchError::Client(format!("--ca-cert {}: {message}", path.display()))
        };
        let pem = std::fs::read(path).map_err(|e| error(e.to_string()))?;
        let certificates =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| error(chain(&e)))?;
        if certificates.is_empty() {
            return Err(error(
                "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
            ));
        }
        for c in certificates {
            builder = builder.add_root_certificate(c);
        }
    }
    builder
        .build()
        .map_err(|e| RematchError::Client(e.to_string()))
}

/// How one attempt ended.
enum Attempt {
    Delivered(u16),
    /// Worth another attempt: the status (if any answer came), why, and `Retry-After`.
    Transient(Option<u16>, String, Option<Duration>),
    /// Not worth another attempt.
    Permanent(Option<u16>, String),
}

/// A short, printable excerpt of an error answer (Slack says `invalid_token`, `no_service`).
fn excerpt(body: &str) -> String {
    let clean: String = body
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    clean.trim().to_string()
}

/// The chain of an error's causes, joined: reqwest's own message is often only
/// "error sending request".
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let message = s.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = s.source();
    }
    text
}

async fn attempt(
    client: &reqwest::Client,
    target: &WebhookTarget,
    request: &WebhookRequest,
    timeout: Duration,
) -> Attempt {
    let mut builder = client
        .post(&target.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let response = match builder.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Attempt::Transient(None, format!("no answer within {timeout:?}"), None)
        }
        Err(e) if e.is_builder() => return Attempt::Permanent(None, chain(&e)),
        Err(e) => return Attempt::Transient(None, chain(&e), None),
    };
    let status = response.status();
    let code = status.as_u16();
    if status.is_success() {
        return Attempt::Delivered(code);
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(crate::webhook::origin_of);
    let text = excerpt(&response.text().await.unwrap_or_default());
    let mut why = format!("the webhook answered {status}");
    if !text.is_empty() {
        why.push_str(&format!(": {text}"));
    }
    match code {
        408 | 429 | 500..=599 => Attempt::Transient(Some(code), why, retry_after),
        300..=399 => Attempt::Permanent(
            Some(code),
            format!(
                "{why} (a redirect{}; give the final URL in polyver.toml)",
                location.map_or(String::new(), |l| format!(" to {l}"))
            ),
        ),
        _ => Attempt::Permanent(Some(code), why),
    }
}

/// Sends one delivery: claims and makes attempts until it is delivered, given up, taken
/// by another process, or `stop` is set (then it stays `pending`/`retrying` for the next run).
async fn deliver(
    store: &AsyncStore,
    client: &reqwest::Client,
    target: &WebhookTarget,
    delivery: &Delivery,
    policy: &DeliveryPolicy,
    stop: &Stop,
) -> Result<Option<DeliveryOutcome>, RematchError> {
    let request = target.request(delivery)?;
    let mut outcome = DeliveryOutcome::of(delivery);
    loop {
        if stop.is_set() {
            return Ok(None);
        }
        let Some(number) = store.claim_delivery(delivery.id, now_ms()).await? else {
            // Another replica has it, it is settled, or its backoff (set by another replica)
            // has not run out: the next run takes it.
            return Ok(None);
        };
        outcome.attempts = number;
        if number > policy.attempts {
            let why = format!("gave up: {} attempts made", number - 1);
            store
                .finish_attempt(
                    delivery.id,
                    DeliveryStatus::Failed,
                    None,
                    Some(&why),
                    now_ms(),
                    None,
                )
                .await?;
            outcome.status = DeliveryStatus::Failed;
            outcome.error = Some(why);
            return Ok(Some(outcome));
        }
        let result = attempt(client, target, &request, policy.timeout).await;
        let (status, http, error, wait) = match result {
            Attempt::Delivered(code) => (DeliveryStatus::Delivered, Some(code), None, None),
            Attempt::Transient(code, why, retry_after) if number < policy.attempts => (
                DeliveryStatus::Retrying,
                code,
                Some(why),
                Some(policy.wait(number, retry_after)),
            ),
            Attempt::Transient(code, why, _) => (
                DeliveryStatus::Failed,
                code,
                Some(format!("{why} (attempt {number} of {})", policy.attempts)),
                None,
            ),
            Attempt::Permanent(code, why) => (DeliveryStatus::Failed, code, Some(why), None),
        };
        let now = now_ms();
        let next =
            wait.map(|w| now.saturating_add(i64::try_from(w.as_millis()).unwrap_or(i64::MAX)));
        store
            .finish_attempt(delivery.id, status, http, error.as_deref(), now, next)
            .await?;
        if status == DeliveryStatus::Retrying {
            tracing::info!(webhook = %target.display, delivery = %delivery.delivery_id, attempt = number, error = ?error, "webhook delivery failed; retrying");
        }
        outcome.status = status;
        outcome.http_status = http;
        outcome.error = error;
        match wait {
            Some(wait) => {
                if !stop.sleep(wait).await {
                    return Ok(Some(outcome));
                }
            }
            None => return Ok(Some(outcome)),
        }
    }
}

/// Sends every `pending` and `retrying` delivery of the configured `targets` (including
/// those an earlier run left), returning what became of each this run touched.
pub(crate) async fn deliver_pending(
    store: &AsyncStore,
    targets: &[WebhookTarget],
    policy: &DeliveryPolicy,
    stop: &Stop,
) -> Result<Vec<DeliveryOutcome>, RematchError> {
    let waiting = store
        .deliveries(&[DeliveryStatus::Pending, DeliveryStatus::Retrying])
        .await?;
    let mut by_webhook: BTreeMap<String, Vec<Delivery>> = BTreeMap::new();
    for d in waiting {
        // Deliveries of a webhook no longer configured wait until it is again.
        if targets.iter().any(|t| t.key == d.webhook_key) {
            by_webhook.entry(d.webhook_key.clone()).or_default().push(d);
        }
    }
    if by_webhook.is_empty() {
        return Ok(Vec::new());
    }
    let client = client(policy)?;
    let mut tasks = tokio::task::JoinSet::new();
    for (key, deliveries) in by_webhook {
        let Some(target) = targets.iter().find(|t| t.key == key).cloned() else {
            continue;
        };
        let (store, client, policy, stop) =
            (store.clone(), client.clone(), policy.clone(), stop.clone());
        tasks.spawn(async move {
            let mut outcomes = Vec::new();
            for d in &deliveries {
                if let Some(o) = deliver(&store, &client, &target, d, &policy, &stop).await? {
                    outcomes.push(o);
                }
            }
            Ok::<_, RematchError>(outcomes)
        });
    }
    let mut all = Vec::new();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(outcomes)) => all.extend(outcomes),
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error
                    .get_or_insert(RematchError::Client(format!("a delivery task failed: {e}")));
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    all.sort_by_key(|a| a.id);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_a_certificate_is_refused_up_front() {
        let dir = std::env::temp_dir().join(format!("polyver-rematch-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("not-a-ca.pem");
        std::fs::write(&file, "hello\n").unwrap();
        let policy = DeliveryPolicy {
            ca_certs: vec![file.clone()],
            ..DeliveryPolicy::default()
        };
        let e = policy.check().unwrap_err().to_string();
        assert!(
            e.contains("not-a-ca.pem") && e.contains("no PEM certificate"),
            "{e}"
        );
        let missing = DeliveryPolicy {
            ca_certs: vec![dir.join("missing.pem")],
            ..DeliveryPolicy::default()
        };
        assert!(missing.check().is_err());
        assert!(DeliveryPolicy::default().check().is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn backoff_doubles_honours_retry_after_and_is_capped() {
        let p = DeliveryPolicy {
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            ..DeliveryPolicy::default()
        };
        assert_eq!(p.wait(1, None), Duration::from_secs(2));
        assert_eq!(p.wait(2, None), Duration::from_secs(4));
        assert_eq!(p.wait(3, None), Duration::from_secs(8));
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(60)
        );
        assert_eq!(p.wait(40, None), Duration::from_secs(60));
    }
}
