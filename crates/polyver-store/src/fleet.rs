//! What monitoring reads (`/metrics` of `polyver serve`): every repository's LATEST scan,
//! reduced to counts, read in one consistent snapshot of the database.
//!
//! Why counts in SQL: a fleet of 1,000 repositories × 300 components is 300,000 component
//! rows, and deserializing each one's JSON on every refresh would cost seconds. The counts
//! are `GROUP BY`s over the scans `repositories.latest_scan_id` points at (primary-key and
//! index lookups), so the cost follows the size of the latest scans, never the history.
//! Only the few findings monitoring looks at one by one (drift, policy) are read whole. The
//! update lag comes from the latest scans' stored `polyver outdated` rows, reduced in SQL
//! to one value per package and only for packages behind; the same rows, counted by
//! [`Standing`], give the health its currency part.
//!
//! One snapshot: PostgreSQL runs the queries in a `REPEATABLE READ` read-only transaction and
//! SQLite reads inside one transaction (WAL gives it a fixed snapshot), so a scan recorded
//! between two queries never shows in one and not the other. Rows are keyed by scan id
//! anyway, so nothing can be attributed to the wrong repository.

use super::{AsyncStore, Backend, OutdatedStatus, Result, StoreError, StoredOutdated};
use polyver_model::{Finding, FindingKind};
use sqlx::Row;
use std::collections::BTreeMap;

/// Every repository's latest scan, as monitoring sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fleet {
    /// By repository name.
    pub repositories: Vec<LatestScan>,
}

/// One repository's latest scan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatestScan {
    pub repository: String,
    pub scan_id: i64,
    /// Unix milliseconds.
    pub finished_at: i64,
    pub components: u64,
    /// Components per (ecosystem id, kind id), e.g. `("pypi", "package")`.
    pub component_counts: BTreeMap<(String, String), u64>,
    /// Findings per (kind id, severity id), e.g. `("vulnerability", "critical")`.
    pub finding_counts: BTreeMap<(String, String), u64>,
    /// The findings of the kinds asked for in full, in stored order.
    pub findings: Vec<FleetFinding>,
    /// Days behind the newest release per (ecosystem id, name), for the components the scan's
    /// stored `polyver outdated` rows say are behind and date (the largest, when a package is
    /// declared in several places). Empty when no rows were stored for the scan.
    pub update_lag_days: BTreeMap<(String, String), u64>,
    /// The scan's stored `polyver outdated` rows counted by [`Standing`] (empty when none
    /// were stored).
    pub outdated_standings: BTreeMap<Standing, u64>,
}

/// What the health's currency part reads of one stored `polyver outdated` row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Standing {
    pub status: OutdatedStatus,
    /// `major`, `minor`, `patch`, `other`, or `None`.
    pub bump: Option<String>,
    pub minors_behind: u64,
}

impl StoredOutdated {
    /// This row's [`Standing`].
    pub fn standing(&self) -> Standing {
        Standing {
            status: self.status(),
            bump: self.bump.clone(),
            minors_behind: self.minors_behind,
        }
    }
}

impl LatestScan {
    /// Findings of `kind` per severity id.
    pub fn findings_by_severity(&self, kind: FindingKind) -> BTreeMap<&str, u64> {
        self.finding_counts
            .iter()
            .filter(|((k, _), _)| k == kind.id())
            .map(|((_, severity), n)| (severity.as_str(), *n))
            .collect()
    }
}

/// A finding of a latest scan, with the kinds (`package`, `image`, ...) of the scan's
/// components it names (by ecosystem and name; empty when it names none).
#[derive(Clone, Debug, PartialEq)]
pub struct FleetFinding {
    pub finding: Finding,
    pub component_kinds: Vec<String>,
}

/// `$1, $2, ...` for `n` values.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl AsyncStore {
    /// Every repository's latest scan: its time, its components per ecosystem and kind, its
    /// findings per kind and severity, and in full its findings of the kinds in `detailed`.
    pub async fn fleet(&self, detailed: &[FindingKind]) -> Result<Fleet> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let count = |row: &sqlx::any::AnyRow, i: usize| -> Result<u64> {
            Ok(row.try_get::<i64, _>(i)?.max(0) as u64)
        };
        let rows = sqlx::query(
            "SELECT r.name, s.id, s.finished_at, s.components FROM repositories r \
             JOIN scans s ON s.id = r.latest_scan_id ORDER BY r.name",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut repositories = Vec::with_capacity(rows.len());
        let mut at: BTreeMap<i64, usize> = BTreeMap::new();
        for row in &rows {
            let scan_id: i64 = row.try_get(1)?;
            at.insert(scan_id, repositories.len());
            repositories.push(LatestScan {
                repository: row.try_get(0)?,
                scan_id,
                finished_at: row.try_get(2)?,
                components: count(row, 3)?,
                ..LatestScan::default()
            });
        }

        let rows = sqlx::query(
            "SELECT c.scan_id, c.ecosystem, c.kind, COUNT(*) FROM repositories r \
             JOIN components c ON c.scan_id = r.latest_scan_id \
             GROUP BY c.scan_id, c.ecosystem, c.kind",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            if let Some(&i) = at.get(&row.try_get::<i64, _>(0)?) {
                let key = (row.try_get(1)?, row.try_get(2)?);
                repositories[i].component_counts.insert(key, count(row, 3)?);
            }
        }

        let rows = sqlx::query(
            "SELECT f.scan_id, f.kind, f.severity, COUNT(*) FROM repositories r \
             JOIN findings f ON f.scan_id = r.latest_scan_id \
             GROUP BY f.scan_id, f.kind, f.severity",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            if let Some(&i) = at.get(&row.try_get::<i64, _>(0)?) {
                let key = (row.try_get(1)?, row.try_get(2)?);
                repositories[i].finding_counts.insert(key, count(row, 3)?);
            }
        }

        let rows = sqlx::query(
            "SELECT o.scan_id, o.ecosystem, o.name, MAX(o.days_behind) FROM repositories r \
             JOIN outdated o ON o.scan_id = r.latest_scan_id \
             WHERE o.bump IS NOT NULL AND o.days_behind IS NOT NULL \
             GROUP BY o.scan_id, o.ecosystem, o.name",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            if let Some(&i) = at.get(&row.try_get::<i64, _>(0)?) {
                let key = (row.try_get(1)?, row.try_get(2)?);
                repositories[i].update_lag_days.insert(key, count(row, 3)?);
            }
        }

        let rows = sqlx::query(
            "SELECT o.scan_id, o.status, o.bump, o.minors_behind, COUNT(*) FROM repositories r \
             JOIN outdated o ON o.scan_id = r.latest_scan_id \
             GROUP BY o.scan_id, o.status, o.bump, o.minors_behind",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            if let Some(&i) = at.get(&row.try_get::<i64, _>(0)?) {
                let status: String = row.try_get(1)?;
                let standing = Standing {
                    status: OutdatedStatus::from_id(&status).ok_or_else(|| {
                        StoreError::Corrupt(format!("outdated row with status `{status}`"))
                    })?,
                    bump: row.try_get(2)?,
                    minors_behind: count(row, 3)?,
                };
                repositories[i]
                    .outdated_standings
                    .insert(standing, count(row, 4)?);
            }
        }

        if !detailed.is_empty() {
            let kinds = placeholders(detailed.len());
            let sql = format!(
                "SELECT f.scan_id, f.ordinal, f.data FROM repositories r \
                 JOIN findings f ON f.scan_id = r.latest_scan_id \
                 WHERE f.kind IN ({kinds}) ORDER BY f.scan_id, f.ordinal"
            );
            let mut query = sqlx::query(&sql);
            for kind in detailed {
                query = query.bind(kind.id());
            }
            let rows = query.fetch_all(&mut *tx).await?;
            // (scan id, finding ordinal) -> where it went.
            let mut placed: BTreeMap<(i64, i64), (usize, usize)> = BTreeMap::new();
            for row in &rows {
                let scan_id: i64 = row.try_get(0)?;
                let Some(&i) = at.get(&scan_id) else { continue };
                let data: String = row.try_get(2)?;
                let finding: Finding =
                    serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let list = &mut repositories[i].findings;
                placed.insert((scan_id, row.try_get(1)?), (i, list.len()));
                list.push(FleetFinding {
                    finding,
                    component_kinds: Vec::new(),
                });
            }
            let sql = format!(
                "SELECT DISTINCT f.scan_id, f.ordinal, c.kind FROM repositories r \
                 JOIN findings f ON f.scan_id = r.latest_scan_id \
                 JOIN components c ON c.scan_id = f.scan_id AND c.ecosystem = f.ecosystem \
                 AND c.name = f.name \
                 WHERE f.kind IN ({kinds}) ORDER BY f.scan_id, f.ordinal, c.kind"
            );
            let mut query = sqlx::query(&sql);
            for kind in detailed {
                query = query.bind(kind.id());
            }
            for row in &query.fetch_all(&mut *tx).await? {
                let key = (row.try_get(0)?, row.try_get(1)?);
                if let Some(&(i, j)) = placed.get(&key) {
                    repositories[i].findings[j]
                        .component_kinds
                        .push(row.try_get(2)?);
                }
            }
        }
        tx.commit().await?;
        Ok(Fleet { repositories })
    }
}
