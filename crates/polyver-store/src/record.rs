//! Writing one scan in one transaction: batched multi-row INSERTs sized to the backend's
//! parameter limit, so a killed writer leaves the previous state untouched.

use super::{
    AsyncStore, Backend, Result, ScanMeta, SeverityCounts, StoreError, PAUSE_BEFORE_COMMIT_ENV,
};
use polyver_model::{Finding, Inventory};
use sqlx::{AnyConnection, Row};
use std::time::Duration;

/// One value of a multi-row INSERT.
pub(super) enum Val {
    I(i64),
    OI(Option<i64>),
    T(String),
    OT(Option<String>),
}

// SQLite allows 32766 bound parameters per statement, PostgreSQL 65535.
pub(super) const MAX_PARAMS: usize = 30_000;

/// INSERT `rows` into `table` with as few statements as the parameter limit allows.
/// SQLite gets anonymous `?` placeholders: it resolves `$N` names by a linear search per
/// parameter, which makes a 30,000-parameter statement quadratic to prepare.
pub(super) async fn insert_rows(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<()> {
    let per_chunk = (MAX_PARAMS / columns.len()).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_chunk).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..columns.len() {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => sql.push_str(&format!("${n}")),
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    Val::I(x) => q.bind(x),
                    Val::OI(x) => q.bind(x),
                    Val::T(x) => q.bind(x),
                    Val::OT(x) => q.bind(x),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

pub(super) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Debug builds only, for the tests that kill a writer inside its transaction: with
/// [`PAUSE_BEFORE_COMMIT_ENV`] set, write the scan id to that file and wait. Release binaries
/// never read the variable.
pub(super) async fn pause_before_commit(scan_id: i64) {
    if cfg!(debug_assertions) {
        if let Some(marker) = std::env::var_os(PAUSE_BEFORE_COMMIT_ENV) {
            let _ = std::fs::write(&marker, scan_id.to_string());
            tokio::time::sleep(Duration::from_secs(120)).await;
        }
    }
}

impl AsyncStore {
    /// Store one scan (its components with locations and dependency edges, and `findings`)
    /// in ONE transaction, and make it its repository's latest. Returns the scan id.
    pub async fn record(
        &self,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let scan_id = self.write_scan(&mut tx, meta, inventory, findings).await?;
        pause_before_commit(scan_id).await;
        tx.commit().await?;
        Ok(scan_id)
    }

    /// The writes of [`AsyncStore::record`] inside the caller's transaction.
    pub(super) async fn write_scan(
        &self,
        tx: &mut AnyConnection,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
    ) -> Result<i64> {
        sqlx::query(
            "INSERT INTO repositories (name, created_at) VALUES ($1, $2) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&meta.repository)
        .bind(meta.finished_at)
        .execute(&mut *tx)
        .await?;
        let repo_id: i64 = sqlx::query("SELECT id FROM repositories WHERE name = $1")
            .bind(&meta.repository)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let counts = SeverityCounts::of(findings);
        let direct = inventory.components.iter().filter(|c| c.direct).count() as i64;
        let stats = serde_json::to_string(&inventory.stats)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let scan_id: i64 = sqlx::query(
            "INSERT INTO scans (repository_id, commit_sha, branch, started_at, finished_at, \
             tool_version, root, inventory_schema, stats, components, direct_components, \
             findings_info, findings_low, findings_medium, findings_high, findings_critical) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             RETURNING id",
        )
        .bind(repo_id)
        .bind(meta.commit.clone())
        .bind(meta.branch.clone())
        .bind(meta.started_at)
        .bind(meta.finished_at)
        .bind(&meta.tool_version)
        .bind(meta.root.as_deref().unwrap_or(&inventory.root))
        .bind(&inventory.schema)
        .bind(stats)
        .bind(inventory.components.len() as i64)
        .bind(direct)
        .bind(to_i64(counts.info))
        .bind(to_i64(counts.low))
        .bind(to_i64(counts.medium))
        .bind(to_i64(counts.high))
        .bind(to_i64(counts.critical))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;

        let mut components = Vec::with_capacity(inventory.components.len());
        let mut locations = Vec::new();
        let mut edges = Vec::new();
        for (i, c) in inventory.components.iter().enumerate() {
            let i = i as i64;
            let data = serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            components.push(vec![
                Val::I(scan_id),
                Val::I(i),
                Val::T(c.kind.to_string()),
                Val::T(c.ecosystem.id().to_string()),
                Val::T(c.name.clone()),
                Val::OT(c.version.clone()),
                Val::OT(c.constraint.as_ref().map(|k| k.raw.clone())),
                Val::T(c.scope.to_string()),
                Val::I(i64::from(c.direct)),
                Val::T(c.purl.clone()),
                Val::OT(c.integrity.clone()),
                Val::T(c.source.id().to_string()),
                Val::T(data),
            ]);
            for (j, l) in c.locations.iter().enumerate() {
                locations.push(vec![
                    Val::I(scan_id),
                    Val::I(i),
                    Val::I(j as i64),
                    Val::T(l.path.clone()),
                    Val::I(i64::from(l.line)),
                    Val::OI(l.column.map(i64::from)),
                ]);
            }
            for (j, d) in c.dependencies.iter().enumerate() {
                edges.push(vec![
                    Val::I(scan_id),
                    Val::I(i),
                    Val::I(j as i64),
                    Val::T(d.name.clone()),
                    Val::OT(d.version.clone()),
                ]);
            }
        }
        let finding_rows = findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let data =
                    serde_json::to_string(f).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let primary = f.locations.first();
                Ok(vec![
                    Val::I(scan_id),
                    Val::I(i as i64),
                    Val::T(f.kind.id().to_string()),
                    Val::T(f.rule.clone()),
                    Val::T(f.severity.id().to_string()),
                    Val::T(f.title.clone()),
                    Val::OT(f.ecosystem.map(|e| e.id().to_string())),
                    Val::OT(f.name.clone()),
                    Val::OT(f.version.clone()),
                    Val::OT(primary.map(|l| l.path.clone())),
                    Val::OI(primary.map(|l| i64::from(l.line))),
                    Val::T(data),
                ])
            })
            .collect::<Result<Vec<_>>>()?;
        let conn: &mut AnyConnection = &mut *tx;
        insert_rows(
            self.backend,
            conn,
            "components",
            &[
                "scan_id",
                "ordinal",
                "kind",
                "ecosystem",
                "name",
                "version",
                "constraint_raw",
                "scope",
                "direct",
                "purl",
                "integrity",
                "source",
                "data",
            ],
            components,
        )
        .await?;
        insert_rows(
            self.backend,
            conn,
            "locations",
            &["scan_id", "component", "ordinal", "path", "line", "col"],
            locations,
        )
        .await?;
        insert_rows(
            self.backend,
            conn,
            "dependencies",
            &["scan_id", "component", "ordinal", "name", "version"],
            edges,
        )
        .await?;
        insert_rows(
            self.backend,
            conn,
            "findings",
            &[
                "scan_id",
                "ordinal",
                "kind",
                "rule",
                "severity",
                "title",
                "ecosystem",
                "name",
                "version",
                "path",
                "line",
                "data",
            ],
            finding_rows,
        )
        .await?;
        sqlx::query(
            "UPDATE repositories SET latest_scan_id = $1 \
             WHERE id = $2 AND (latest_scan_id IS NULL OR latest_scan_id < $1)",
        )
        .bind(scan_id)
        .bind(repo_id)
        .execute(&mut *tx)
        .await?;
        Ok(scan_id)
    }
}
