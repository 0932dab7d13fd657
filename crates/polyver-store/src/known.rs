//! What re-matching found and where it was posted (migration 3): `known_findings`, one row
//! per (repository, advisory id, component) ever reported as new, and `webhook_deliveries`,
//! one row per (known finding, webhook) with its status.
//!
//! Why the rows are written the way they are: a finding must reach each webhook at most once,
//! even with several server replicas on one PostgreSQL and processes that die mid-request.
//! So a known finding and its deliveries are inserted in ONE transaction, with `ON CONFLICT
//! DO NOTHING` on the finding's key: of two replicas that find the same finding, one inserts
//! it (and its deliveries), the other inserts nothing. Each attempt is then claimed by a
//! conditional UPDATE (`pending`/`retrying` → `sending`) that only one process can win, and
//! the status is written BEFORE the request goes out. A process that dies during a request
//! leaves `sending` behind, which is later marked `interrupted` and never sent again: the
//! receiver may or may not have it, and a second copy is what at-most-once rules out.

use super::query::{summary, SUMMARY_COLUMNS};
use super::{AsyncStore, Result, ScanSummary, StoreError};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A finding a re-match found that the repository's latest scan did not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFinding {
    /// The primary advisory id (`PYSEC-2023-74`).
    pub advisory_id: String,
    /// The component's identity: `pypi:requests@2.25.0` (`pypi:requests` without a version).
    pub component: String,
    /// Every other id of the same flaw.
    pub aliases: Vec<String>,
    /// `critical` … `info`.
    pub severity: String,
    /// The finding as JSON, as it is posted.
    pub data: String,
}

/// A finding recorded by a re-match (see [`NewFinding`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KnownFinding {
    pub id: i64,
    pub repository: String,
    pub advisory_id: String,
    pub component: String,
    pub aliases: Vec<String>,
    /// The scan it was matched in.
    pub scan_id: i64,
    pub severity: String,
    /// Unix milliseconds.
    pub first_seen_at: i64,
    /// The finding as JSON.
    pub data: String,
}

/// A webhook as deliveries record it.
#[derive(Clone, Copy, Debug)]
pub struct WebhookRef<'a> {
    /// A stable key of the URL (its SHA-256): URLs such as Slack's carry a secret and are not
    /// stored.
    pub key: &'a str,
    /// The URL as shown (secret parts left out).
    pub display: &'a str,
    /// `slack` or `json`.
    pub kind: &'a str,
}

/// Where one delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Recorded, not attempted yet.
    Pending,
    /// An attempt is under way (claimed by one process).
    Sending,
    /// An attempt failed in a way worth retrying; the next one has not started.
    Retrying,
    /// The webhook answered 2xx.
    Delivered,
    /// Given up: a permanent error, or the last attempt failed.
    Failed,
    /// The process died during an attempt: the receiver may have it, so it is never sent
    /// again.
    Interrupted,
}

impl DeliveryStatus {
    pub fn id(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Interrupted => "interrupted",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "pending" => DeliveryStatus::Pending,
            "sending" => DeliveryStatus::Sending,
            "retrying" => DeliveryStatus::Retrying,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            "interrupted" => DeliveryStatus::Interrupted,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown webhook delivery status `{other}`"
                )))
            }
        })
    }
}

/// One (known finding, webhook) delivery and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    /// The id sent in every attempt's `X-Polyver-Delivery` header.
    pub delivery_id: String,
    pub webhook_key: String,
    pub webhook: String,
    pub kind: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The last answer's HTTP status.
    pub http_status: Option<u16>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finding: KnownFinding,
}

const FINDING_COLUMNS: &str = "k.id, r.name, k.advisory_id, k.component, k.aliases, \
    k.scan_id, k.severity, k.first_seen_at, k.data";

fn known_finding(row: &AnyRow, at: usize) -> Result<KnownFinding> {
    let aliases: String = row.try_get(at + 4)?;
    Ok(KnownFinding {
        id: row.try_get(at)?,
        repository: row.try_get(at + 1)?,
        advisory_id: row.try_get(at + 2)?,
        component: row.try_get(at + 3)?,
        aliases: serde_json::from_str(&aliases).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        scan_id: row.try_get(at + 5)?,
        severity: row.try_get(at + 6)?,
        first_seen_at: row.try_get(at + 7)?,
        data: row.try_get(at + 8)?,
    })
}

fn delivery(row: &AnyRow) -> Result<Delivery> {
    let status: String = row.try_get(5)?;
    Ok(Delivery {
        id: row.try_get(0)?,
        delivery_id: row.try_get(1)?,
        webhook_key: row.try_get(2)?,
        webhook: row.try_get(3)?,
        kind: row.try_get(4)?,
        status: DeliveryStatus::parse(&status)?,
        attempts: u32::try_from(row.try_get::<i64, _>(6)?.max(0)).unwrap_or(u32::MAX),
        http_status: row
            .try_get::<Option<i64>, _>(7)?
            .and_then(|s| u16::try_from(s).ok()),
        error: row.try_get(8)?,
        created_at: row.try_get(9)?,
        updated_at: row.try_get(10)?,
        finding: known_finding(row, 11)?,
    })
}

impl AsyncStore {
    /// Every repository's latest scan, by repository name.
    pub async fn latest_scans(&self) -> Result<Vec<ScanSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM repositories r JOIN scans s ON s.id = r.latest_scan_id \
             ORDER BY r.name"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(summary).collect()
    }

    /// The findings re-matching recorded for `repository`, oldest first.
    pub async fn known_findings(&self, repository: &str) -> Result<Vec<KnownFinding>> {
        let sql = format!(
            "SELECT {FINDING_COLUMNS} FROM known_findings k \
             JOIN repositories r ON r.id = k.repository_id WHERE r.name = $1 ORDER BY k.id"
        );
        let rows = sqlx::query(&sql)
            .bind(repository)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| known_finding(r, 0)).collect()
    }

    /// Records `findings` of `repository` (matched in scan `scan_id`) and a `pending`
    /// delivery of each to every webhook, in one transaction. A finding already recorded (by
    /// an earlier run, or by another replica a moment ago) is left alone with its
    /// deliveries. Returns the findings this call recorded. `delivery_id` makes the id each
    /// delivery sends in every attempt.
    pub async fn record_new_findings(
        &self,
        repository: &str,
        scan_id: i64,
        findings: &[NewFinding],
        webhooks: &[WebhookRef<'_>],
        now: i64,
        delivery_id: &mut (dyn FnMut() -> String + Send),
    ) -> Result<Vec<KnownFinding>> {
        let repository_id: i64 = sqlx::query("SELECT id FROM repositories WHERE name = $1")
            .bind(repository)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no repository `{repository}`")))?
            .try_get(0)?;
        // The transaction's first statement writes: on SQLite it then waits for the write lock
        // (busy timeout) instead of failing to upgrade a read snapshot another writer moved on.
        let mut tx = self.pool.begin().await?;
        let mut recorded = Vec::new();
        for f in findings {
            let aliases = serde_json::to_string(&f.aliases)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let inserted = sqlx::query(
                "INSERT INTO known_findings (repository_id, advisory_id, component, aliases, \
                 scan_id, severity, first_seen_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (repository_id, advisory_id, component) DO NOTHING RETURNING id",
            )
            .bind(repository_id)
            .bind(&f.advisory_id)
            .bind(&f.component)
            .bind(aliases)
            .bind(scan_id)
            .bind(&f.severity)
            .bind(now)
            .bind(&f.data)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = inserted else { continue };
            let id: i64 = row.try_get(0)?;
            for w in webhooks {
                sqlx::query(
                    "INSERT INTO webhook_deliveries (finding_id, webhook_key, webhook, kind, \
                     delivery_id, status, attempts, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
                )
                .bind(id)
                .bind(w.key)
                .bind(w.display)
                .bind(w.kind)
                .bind(delivery_id())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            recorded.push(KnownFinding {
                id,
                repository: repository.to_string(),
                advisory_id: f.advisory_id.clone(),
                component: f.component.clone(),
                aliases: f.aliases.clone(),
                scan_id,
                severity: f.severity.clone(),
                first_seen_at: now,
                data: f.data.clone(),
            });
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// The deliveries in one of `statuses` (all of them when empty), oldest first.
    pub async fn deliveries(&self, statuses: &[DeliveryStatus]) -> Result<Vec<Delivery>> {
        let filter = if statuses.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.id())).collect();
            format!("WHERE d.status IN ({})", list.join(", "))
        };
        let sql = format!(
            "SELECT d.id, d.delivery_id, d.webhook_key, d.webhook, d.kind, d.status, d.attempts, \
             d.http_status, d.error, d.created_at, d.updated_at, {FINDING_COLUMNS} \
             FROM webhook_deliveries d JOIN known_findings k ON k.id = d.finding_id \
             JOIN repositories r ON r.id = k.repository_id {filter} ORDER BY d.id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(delivery).collect()
    }

    /// Claims the next attempt of delivery `id` (`pending` or `retrying` → `sending`, one
    /// more attempt counted) and returns the attempt's number; `None` when another process
    /// has it, it is settled, or its backoff (`next_attempt_at`) has not run out. Called
    /// before the request goes out (see the module docs).
    pub async fn claim_delivery(&self, id: i64, now: i64) -> Result<Option<u32>> {
        let row = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, \
             next_attempt_at = NULL, updated_at = $2 \
             WHERE id = $1 AND status IN ('pending', 'retrying') \
             AND (next_attempt_at IS NULL OR next_attempt_at <= $2) RETURNING attempts",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let n: i64 = r.try_get(0)?;
            Ok(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
        })
        .transpose()
    }

    /// Records how the claimed attempt of delivery `id` ended: `Delivered`, `Retrying` (not
    /// to be claimed again before `next_attempt_at`, Unix ms, by any process) or `Failed`,
    /// with the HTTP status and error when there are.
    pub async fn finish_attempt(
        &self,
        id: i64,
        status: DeliveryStatus,
        http_status: Option<u16>,
        error: Option<&str>,
        now: i64,
        next_attempt_at: Option<i64>,
    ) -> Result<()> {
        // `interrupted` too: a slow attempt taken for a dead one still records its outcome.
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $2, http_status = $3, error = $4, \
             updated_at = $5, next_attempt_at = $6 \
             WHERE id = $1 AND status IN ('sending', 'interrupted')",
        )
        .bind(id)
        .bind(status.id())
        .bind(http_status.map(i64::from))
        .bind(error)
        .bind(now)
        .bind(next_attempt_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks deliveries still `sending` since before `before` (Unix ms) as `interrupted`:
    /// their process died mid-request. Returns how many.
    pub async fn interrupt_stale_deliveries(&self, before: i64, now: i64) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'interrupted', updated_at = $2, \
             error = 'the process sending it stopped during the request; not sent again' \
             WHERE status = 'sending' AND updated_at < $1",
        )
        .bind(before)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
