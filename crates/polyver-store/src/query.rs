//! Reading the registry: scan history, repositories, scan references, stored components
//! and findings, and cross-repository usages filtered by each ecosystem's version rules.

use super::{
    AsyncStore, RepositorySummary, Result, ScanRef, ScanSummary, SeverityCounts, StoreError, Usage,
};
use polyver_model::{Component, Ecosystem, Finding, FindingKind, FindingSeverity};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;

/// How much of a scan's stored `polyver outdated` answer is behind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutdatedShare {
    /// Rows stored (components looked up).
    pub checked: u64,
    /// Rows behind their newest release.
    pub behind: u64,
}

pub(super) const SUMMARY_COLUMNS: &str = "s.id, r.name, s.commit_sha, s.branch, s.started_at, \
    s.finished_at, s.tool_version, s.root, s.components, s.direct_components, \
    s.findings_critical, s.findings_high, s.findings_medium, s.findings_low, s.findings_info";

pub(super) fn summary(row: &AnyRow) -> Result<ScanSummary> {
    let u = |i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
    Ok(ScanSummary {
        id: row.try_get(0)?,
        repository: row.try_get(1)?,
        commit: row.try_get(2)?,
        branch: row.try_get(3)?,
        started_at: row.try_get(4)?,
        finished_at: row.try_get(5)?,
        tool_version: row.try_get(6)?,
        root: row.try_get(7)?,
        components: u(8)?,
        direct_components: u(9)?,
        findings: SeverityCounts {
            critical: u(10)?,
            high: u(11)?,
            medium: u(12)?,
            low: u(13)?,
            info: u(14)?,
        },
    })
}

impl AsyncStore {
    /// The scans of `repository`, newest first.
    pub async fn history(&self, repository: &str, limit: u32) -> Result<Vec<ScanSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM scans s JOIN repositories r ON r.id = s.repository_id \
             WHERE r.name = $1 ORDER BY s.id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(repository)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary).collect()
    }

    /// Every repository with at least one scan, by name.
    pub async fn repositories(&self) -> Result<Vec<RepositorySummary>> {
        let rows = sqlx::query(
            "SELECT r.name, COUNT(s.id), r.latest_scan_id FROM repositories r \
             LEFT JOIN scans s ON s.repository_id = r.id \
             GROUP BY r.id, r.name, r.latest_scan_id ORDER BY r.name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RepositorySummary {
                    name: row.try_get(0)?,
                    scans: row.try_get::<i64, _>(1)?.max(0) as u64,
                    latest_scan_id: row.try_get(2)?,
                })
            })
            .collect()
    }

    /// The scan `which` names in `repository` (a scan id may name any repository's scan).
    pub async fn resolve(&self, repository: &str, which: &ScanRef) -> Result<ScanSummary> {
        let base = format!(
            "SELECT {SUMMARY_COLUMNS} FROM scans s JOIN repositories r ON r.id = s.repository_id"
        );
        let row = match which {
            ScanRef::Id(id) => {
                sqlx::query(&format!("{base} WHERE s.id = $1"))
                    .bind(*id)
                    .fetch_optional(&self.pool)
                    .await?
            }
            ScanRef::Back(n) => {
                sqlx::query(&format!(
                    "{base} WHERE r.name = $1 ORDER BY s.id DESC LIMIT 1 OFFSET $2"
                ))
                .bind(repository)
                .bind(i64::from(*n))
                .fetch_optional(&self.pool)
                .await?
            }
            ScanRef::Commit(prefix) => {
                let commits = sqlx::query(
                    "SELECT DISTINCT s.commit_sha FROM scans s \
                     JOIN repositories r ON r.id = s.repository_id \
                     WHERE r.name = $1 AND s.commit_sha LIKE $2 LIMIT 2",
                )
                .bind(repository)
                .bind(format!("{prefix}%"))
                .fetch_all(&self.pool)
                .await?;
                if commits.len() > 1 {
                    return Err(StoreError::NotFound(format!(
                        "commit prefix `{prefix}` matches several scanned commits of \
                         {repository}; give more digits"
                    )));
                }
                sqlx::query(&format!(
                    "{base} WHERE r.name = $1 AND s.commit_sha LIKE $2 ORDER BY s.id DESC LIMIT 1"
                ))
                .bind(repository)
                .bind(format!("{prefix}%"))
                .fetch_optional(&self.pool)
                .await?
            }
        };
        match row {
            Some(row) => summary(&row),
            None => Err(StoreError::NotFound(match which {
                ScanRef::Id(id) => format!("no scan with id {id}"),
                ScanRef::Back(0) => format!("no scan of repository `{repository}`"),
                ScanRef::Back(n) => {
                    format!("repository `{repository}` has no scan {n} before the latest")
                }
                ScanRef::Commit(p) => {
                    format!("no scan of repository `{repository}` at a commit starting `{p}`")
                }
            })),
        }
    }

    /// Findings of `kind` per severity in each scan of `repository` from scan id `since` on
    /// (the dashboard's history charts): one `GROUP BY`, not a read of every scan's findings.
    /// A scan without such findings has no entry.
    pub async fn finding_counts_since(
        &self,
        repository: &str,
        kind: FindingKind,
        since: i64,
    ) -> Result<BTreeMap<i64, SeverityCounts>> {
        let rows = sqlx::query(
            "SELECT f.scan_id, f.severity, COUNT(*) FROM findings f \
             JOIN scans s ON s.id = f.scan_id JOIN repositories r ON r.id = s.repository_id \
             WHERE r.name = $1 AND f.kind = $2 AND f.scan_id >= $3 \
             GROUP BY f.scan_id, f.severity",
        )
        .bind(repository)
        .bind(kind.id())
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let mut out: BTreeMap<i64, SeverityCounts> = BTreeMap::new();
        for row in &rows {
            let counts = out.entry(row.try_get(0)?).or_default();
            let n = row.try_get::<i64, _>(2)?.max(0) as u64;
            let severity: String = row.try_get(1)?;
            match severity.parse::<FindingSeverity>() {
                Ok(FindingSeverity::Critical) => counts.critical += n,
                Ok(FindingSeverity::High) => counts.high += n,
                Ok(FindingSeverity::Medium) => counts.medium += n,
                Ok(FindingSeverity::Low) => counts.low += n,
                Ok(FindingSeverity::Info) => counts.info += n,
                Err(_) => {
                    return Err(StoreError::Corrupt(format!(
                        "finding severity `{severity}` is not one polyver writes"
                    )))
                }
            }
        }
        Ok(out)
    }

    /// For each repository's latest scan with stored `polyver outdated` rows, how many rows
    /// it has and how many are behind their latest release (the dashboard's outdated share),
    /// by scan id: one `GROUP BY` over the latest scans.
    pub async fn outdated_shares(&self) -> Result<BTreeMap<i64, OutdatedShare>> {
        let rows = sqlx::query(
            "SELECT o.scan_id, COUNT(*), \
             SUM(CASE WHEN o.bump IS NOT NULL THEN 1 ELSE 0 END) FROM repositories r \
             JOIN outdated o ON o.scan_id = r.latest_scan_id GROUP BY o.scan_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let count =
            |row: &AnyRow, i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(0)?,
                    OutdatedShare {
                        checked: count(row, 1)?,
                        behind: count(row, 2)?,
                    },
                ))
            })
            .collect()
    }

    /// A stored scan's components, in the order the scan found them.
    pub async fn components(&self, scan_id: i64) -> Result<Vec<Component>> {
        self.json_rows("components", scan_id).await
    }

    /// A stored scan's findings.
    pub async fn findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        self.json_rows("findings", scan_id).await
    }

    /// The JSON `data` column of `table` (one of ours) for one scan, in stored order.
    async fn json_rows<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        scan_id: i64,
    ) -> Result<Vec<T>> {
        let sql = format!("SELECT data FROM {table} WHERE scan_id = $1 ORDER BY ordinal");
        let rows = sqlx::query(&sql)
            .bind(scan_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let data: String = row.try_get(0)?;
                serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// Every repository whose latest scan has `ecosystem`/`name` (the stored, normalized
    /// name), with whether its version is in `range` (the ecosystem's range syntax) when one
    /// is given. Candidates come from the (ecosystem, name) index; versions are then tested
    /// with the version engine.
    pub async fn usages(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        range: Option<&str>,
    ) -> Result<Vec<Usage>> {
        let rows = sqlx::query(
            "SELECT r.name, c.scan_id, s.commit_sha, c.data FROM components c \
             JOIN repositories r ON r.latest_scan_id = c.scan_id \
             JOIN scans s ON s.id = c.scan_id \
             WHERE c.ecosystem = $1 AND c.name = $2 ORDER BY r.name, c.ordinal",
        )
        .bind(ecosystem.id())
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        let scheme = ecosystem.version_scheme(name);
        rows.iter()
            .map(|row| {
                let data: String = row.try_get(3)?;
                let component: Component =
                    serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let in_range = match (range, scheme, component.version.as_deref()) {
                    (None, _, _) => Some(true),
                    (Some(r), Some(s), Some(v)) => polyver_version::satisfies(s, v, r).ok(),
                    _ => None,
                };
                Ok(Usage {
                    repository: row.try_get(0)?,
                    scan_id: row.try_get(1)?,
                    commit: row.try_get(2)?,
                    component,
                    in_range,
                })
            })
            .collect()
    }
}
