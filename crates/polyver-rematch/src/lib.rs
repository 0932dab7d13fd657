//! Re-matching: every repository's latest stored scan against the OSV database as it is now,
//! without rescanning, and each finding that is new posted to the `[[server.webhook]]`s.
//!
//! Why: a repository scanned last month was clean against last month's advisories; when an
//! advisory for one of its packages is published, whoever watches it should hear without
//! anyone rescanning it. The registry keeps every scan's components, so `polyver db sync
//! --rematch` (or `polyver serve --rematch-every 6h`) runs `polyver audit`'s own matcher
//! over them ([`rematch`]).
//!
//! What counts as new ([`matching`]): a finding neither the scan itself recorded nor an
//! earlier re-match reported for that repository and component, under any of its ids. New
//! findings and one delivery per webhook are recorded together before anything is sent; then
//! each delivery is attempted, retried with backoff when the failure may pass, and recorded
//! with its outcome ([`delivery`]). Each finding reaches each webhook at most once, across
//! runs, server replicas and crashes (the store's `known` module says how).
//!
//! [`schedule`] is what `polyver serve` runs: a sync on a period, and a re-match whenever
//! the database file changed (after that sync, or after a `db sync` run by anyone else).

pub mod delivery;
pub mod matching;
pub mod schedule;
pub mod webhook;

pub use delivery::DeliveryPolicy;
pub use webhook::WebhookTarget;

use polyver_advisory::db::{Database, DbError};
use polyver_advisory::AuditOptions;
use polyver_store::{
    AsyncStore, Delivery, DeliveryStatus, KnownFinding, ScanSummary, StoreError, WebhookRef,
};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum RematchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Database(#[from] DbError),
    #[error(
        "the json webhook {webhook} (polyver.toml line {line}) is signed with the key in the \
         environment variable `{variable}`, which is not set"
    )]
    MissingSecret {
        variable: String,
        webhook: String,
        line: u32,
    },
    #[error("cannot post to webhooks: {0}")]
    Client(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A stop request (the server shutting down): checked between repositories and deliveries
/// and during backoff waits, never in the middle of a request. What is not sent yet stays
/// recorded for the next run.
#[derive(Clone, Debug)]
pub struct Stop(Option<tokio::sync::watch::Receiver<bool>>);

impl Stop {
    /// Never set (a command that runs to the end).
    pub fn never() -> Stop {
        Stop(None)
    }

    /// Set once `receiver` sees `true`, or its sender is gone.
    pub fn new(receiver: tokio::sync::watch::Receiver<bool>) -> Stop {
        Stop(Some(receiver))
    }

    pub fn is_set(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|r| *r.borrow() || r.has_changed().is_err())
    }

    /// Waits `duration`; `false` when stopped first.
    pub async fn sleep(&self, duration: std::time::Duration) -> bool {
        match &self.0 {
            None => {
                tokio::time::sleep(duration).await;
                true
            }
            Some(receiver) => {
                let mut receiver = receiver.clone();
                tokio::select! {
                    () = tokio::time::sleep(duration) => true,
                    _ = receiver.wait_for(|stop| *stop) => false,
                }
            }
        }
    }
}

/// What a re-match uses besides the registry and the database.
#[derive(Clone, Debug, Default)]
pub struct RematchOptions {
    /// `[[audit.ignore]]` and today, as `polyver audit` has them.
    pub audit: AuditOptions,
    pub webhooks: Vec<WebhookTarget>,
    pub policy: DeliveryPolicy,
}

/// A finding a re-match recorded as new.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewFindingSummary {
    pub repository: String,
    pub scan_id: i64,
    /// The primary advisory id.
    pub id: String,
    pub aliases: Vec<String>,
    /// `pypi:requests@2.25.0`.
    pub component: String,
    pub severity: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smallest_fix: Option<String>,
}

impl NewFindingSummary {
    fn of(k: &KnownFinding) -> NewFindingSummary {
        let notice: serde_json::Value = serde_json::from_str(&k.data).unwrap_or_default();
        let finding = &notice["finding"];
        NewFindingSummary {
            repository: k.repository.clone(),
            scan_id: k.scan_id,
            id: k.advisory_id.clone(),
            aliases: k.aliases.clone(),
            component: k.component.clone(),
            severity: k.severity.clone(),
            summary: finding["summary"].as_str().unwrap_or_default().to_string(),
            smallest_fix: finding["smallest_fix"].as_str().map(str::to_string),
        }
    }
}

/// What became of one delivery in this run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeliveryOutcome {
    #[serde(skip)]
    pub id: i64,
    /// The `X-Polyver-Delivery` id.
    pub delivery: String,
    /// The webhook as shown (no secret part of its URL).
    pub webhook: String,
    pub kind: String,
    pub repository: String,
    /// The finding's advisory id.
    pub finding: String,
    pub component: String,
    pub status: DeliveryStatus,
    /// Attempts made so far (this run and earlier ones).
    pub attempts: u32,
    pub http_status: Option<u16>,
    pub error: Option<String>,
}

impl DeliveryOutcome {
    pub(crate) fn of(d: &Delivery) -> DeliveryOutcome {
        DeliveryOutcome {
            id: d.id,
            delivery: d.delivery_id.clone(),
            webhook: d.webhook.clone(),
            kind: d.kind.clone(),
            repository: d.finding.repository.clone(),
            finding: d.finding.advisory_id.clone(),
            component: d.finding.component.clone(),
            status: d.status,
            attempts: d.attempts,
            http_status: d.http_status,
            error: d.error.clone(),
        }
    }
}

/// What one re-match did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RematchReport {
    /// Repositories whose latest scan was matched.
    pub repositories: usize,
    /// Advisories in the database.
    pub advisories: u64,
    /// Vulnerability findings in those scans now (new or not).
    pub findings: usize,
    /// Findings recorded as new by this run.
    pub new_findings: Vec<NewFindingSummary>,
    /// Deliveries attempted by this run (of its findings, and left by earlier runs).
    pub deliveries: Vec<DeliveryOutcome>,
    /// Deliveries found `sending` by a process that stopped: marked interrupted, not resent.
    pub interrupted: u64,
    /// Repositories that could not be matched, and why.
    pub warnings: Vec<String>,
}

impl RematchReport {
    /// Deliveries of this run that were given up.
    pub fn failed(&self) -> impl Iterator<Item = &DeliveryOutcome> {
        self.deliveries
            .iter()
            .filter(|d| d.status == DeliveryStatus::Failed)
    }
}

/// Matches every repository's latest scan in `store` against `db`, records the findings
/// that are new with one delivery per webhook, then sends every delivery waiting (this run's
/// and any an interrupted earlier run left). A repository that cannot be matched is a
/// warning in the report; the others go on.
pub async fn rematch(
    store: &AsyncStore,
    db: Arc<Database>,
    options: &RematchOptions,
    stop: &Stop,
) -> Result<RematchReport, RematchError> {
    let now = now_ms();
    let stale = i64::try_from(options.policy.stale_after.as_millis()).unwrap_or(i64::MAX);
    let mut report = RematchReport {
        interrupted: store
            .interrupt_stale_deliveries(now.saturating_sub(stale), now)
            .await?,
        advisories: db.advisory_count(),
        ..RematchReport::default()
    };
    let webhooks: Vec<WebhookRef<'_>> = options
        .webhooks
        .iter()
        .map(|w| WebhookRef {
            key: &w.key,
            display: &w.display,
            kind: w.kind_id(),
        })
        .collect();
    for scan in store.latest_scans().await? {
        if stop.is_set() {
            break;
        }
        match rematch_scan(store, &db, &scan, options, &webhooks).await {
            Ok((findings, recorded)) => {
                report.repositories += 1;
                report.findings += findings;
                report
                    .new_findings
                    .extend(recorded.iter().map(NewFindingSummary::of));
            }
            Err(e) => {
                tracing::warn!(repository = %scan.repository, error = %e, "not re-matched");
                report
                    .warnings
                    .push(format!("{} was not re-matched: {e}", scan.repository));
            }
        }
    }
    report.deliveries =
        delivery::deliver_pending(store, &options.webhooks, &options.policy, stop).await?;
    Ok(report)
}

/// One repository: its latest scan matched, its new findings recorded. Returns the number of
/// findings and those recorded as new.
async fn rematch_scan(
    store: &AsyncStore,
    db: &Arc<Database>,
    scan: &ScanSummary,
    options: &RematchOptions,
    webhooks: &[WebhookRef<'_>],
) -> Result<(usize, Vec<KnownFinding>), RematchError> {
    let components = store.components(scan.id).await?;
    let stored = store.findings(scan.id).await?;
    let known = store.known_findings(&scan.repository).await?;
    let (db, audit) = (Arc::clone(db), options.audit.clone());
    // The matcher is CPU work (rayon): off the async workers.
    let report = tokio::task::spawn_blocking(move || {
        polyver_advisory::matcher::audit_components(&components, &db, &audit)
    })
    .await
    .map_err(|e| RematchError::Corrupt(format!("the matcher stopped: {e}")))??;
    let new = matching::new_findings(scan, &report, &stored, &known)?;
    if new.is_empty() {
        return Ok((report.findings.len(), Vec::new()));
    }
    let mut ids = webhook::delivery_id;
    let recorded = store
        .record_new_findings(
            &scan.repository,
            scan.id,
            &new,
            webhooks,
            now_ms(),
            &mut ids,
        )
        .await?;
    Ok((report.findings.len(), recorded))
}
