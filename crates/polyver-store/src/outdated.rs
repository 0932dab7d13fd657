//! `polyver outdated`'s answers, kept per scan: where each component stood against its
//! registry when it was looked up (current and latest versions, the bump kind and how many
//! majors/minors/patches behind, days behind, yanked/deprecated).
//!
//! Why per scan and not per repository: the rows are about one inventory (a component is
//! named by ecosystem, name, file and line), and the scan is what history, `push` and the
//! server's views already key everything by; a newer scan without rows simply has none,
//! rather than showing the previous inventory's lag as if it were current.
//!
//! A scan's rows are replaced as a whole, in one transaction ([`AsyncStore::record_outdated`]):
//! running `polyver outdated` again on the same scan leaves only the newest answers. A pushed
//! scan's rows are written inside its ingest transaction ([`AsyncStore::write_outdated`]).
//! Upstream lookups are not part of the scan's own record, so a scan stored without them is
//! complete, and `/metrics` exports `polyver_update_lag_days` only for scans that have them.

use super::record::{insert_rows, to_i64, Val};
use super::{AsyncStore, Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// One component's standing against its registry, as stored with a scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOutdated {
    /// The ecosystem id (`pypi`, `docker`, ...).
    pub ecosystem: String,
    pub name: String,
    /// Where the component is declared (its first location).
    pub path: String,
    pub line: u32,
    /// What runs now, when known.
    pub current: Option<String>,
    /// The newest stable release, when known.
    pub latest: Option<String>,
    /// `major`, `minor`, `patch` or `other` from current to latest; `None` when up to date
    /// or unknown.
    pub bump: Option<String>,
    pub majors_behind: u64,
    pub minors_behind: u64,
    pub patches_behind: u64,
    /// Days since the first release newer than current came out, where the registry dates
    /// its releases.
    pub days_behind: Option<u64>,
    /// The current release is yanked or retracted.
    pub yanked: bool,
    /// The current release, or the whole package, is deprecated.
    pub deprecated: bool,
    /// When the registry was asked (Unix seconds).
    pub checked_at: i64,
    /// What `polyver outdated` decided; absent from a push by a polyver older than the field,
    /// then [`StoredOutdated::status`] reads it from the other columns. Always there when
    /// read back from the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OutdatedStatus>,
}

/// Where a component stood against its registry (`polyver outdated`'s `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutdatedStatus {
    UpToDate,
    Outdated,
    /// Not decided: no current version of the registry's scheme, no comparable release.
    Unknown,
}

impl OutdatedStatus {
    pub fn id(self) -> &'static str {
        match self {
            OutdatedStatus::UpToDate => "up-to-date",
            OutdatedStatus::Outdated => "outdated",
            OutdatedStatus::Unknown => "unknown",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<OutdatedStatus> {
        [
            OutdatedStatus::UpToDate,
            OutdatedStatus::Outdated,
            OutdatedStatus::Unknown,
        ]
        .into_iter()
        .find(|s| s.id() == id)
    }
}

impl StoredOutdated {
    /// Behind a newer release (what `polyver_update_lag_days` exports).
    pub fn is_behind(&self) -> bool {
        self.bump.is_some()
    }

    /// The recorded status, else the one the other fields imply (what migration 6 gave the
    /// rows stored before it): a bump is behind, a current and a latest version without
    /// one are up to date, anything else is undecided.
    pub fn status(&self) -> OutdatedStatus {
        self.status.unwrap_or(if self.bump.is_some() {
            OutdatedStatus::Outdated
        } else if self.current.is_some() && self.latest.is_some() {
            OutdatedStatus::UpToDate
        } else {
            OutdatedStatus::Unknown
        })
    }
}

const COLUMNS: &[&str] = &[
    "scan_id",
    "ordinal",
    "ecosystem",
    "name",
    "path",
    "line",
    "current_version",
    "latest_version",
    "bump",
    "majors_behind",
    "minors_behind",
    "patches_behind",
    "days_behind",
    "yanked",
    "deprecated",
    "checked_at",
    "status",
];

fn row_values(scan_id: i64, ordinal: usize, r: &StoredOutdated) -> Vec<Val> {
    vec![
        Val::I(scan_id),
        Val::I(ordinal as i64),
        Val::T(r.ecosystem.clone()),
        Val::T(r.name.clone()),
        Val::T(r.path.clone()),
        Val::I(i64::from(r.line)),
        Val::OT(r.current.clone()),
        Val::OT(r.latest.clone()),
        Val::OT(r.bump.clone()),
        Val::I(to_i64(r.majors_behind)),
        Val::I(to_i64(r.minors_behind)),
        Val::I(to_i64(r.patches_behind)),
        Val::OI(r.days_behind.map(to_i64)),
        Val::I(i64::from(r.yanked)),
        Val::I(i64::from(r.deprecated)),
        Val::I(r.checked_at),
        Val::T(r.status().id().to_string()),
    ]
}

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredOutdated> {
    let count = |i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
    let line: i64 = row.try_get(3)?;
    Ok(StoredOutdated {
        ecosystem: row.try_get(0)?,
        name: row.try_get(1)?,
        path: row.try_get(2)?,
        line: u32::try_from(line)
            .map_err(|_| StoreError::Corrupt(format!("outdated row with line {line}")))?,
        current: row.try_get(4)?,
        latest: row.try_get(5)?,
        bump: row.try_get(6)?,
        majors_behind: count(7)?,
        minors_behind: count(8)?,
        patches_behind: count(9)?,
        days_behind: row.try_get::<Option<i64>, _>(10)?.map(|d| d.max(0) as u64),
        yanked: row.try_get::<i64, _>(11)? != 0,
        deprecated: row.try_get::<i64, _>(12)? != 0,
        checked_at: row.try_get(13)?,
        status: {
            let id: String = row.try_get(14)?;
            Some(
                OutdatedStatus::from_id(&id).ok_or_else(|| {
                    StoreError::Corrupt(format!("outdated row with status `{id}`"))
                })?,
            )
        },
    })
}

impl AsyncStore {
    /// Replaces the outdated rows of scan `scan_id` with `rows`, in one transaction.
    /// `Err(NotFound)` when there is no such scan.
    pub async fn record_outdated(&self, scan_id: i64, rows: &[StoredOutdated]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let exists = sqlx::query("SELECT id FROM scans WHERE id = $1")
            .bind(scan_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            return Err(StoreError::NotFound(format!("no scan with id {scan_id}")));
        }
        self.write_outdated(&mut tx, scan_id, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The writes of [`AsyncStore::record_outdated`] inside the caller's transaction.
    pub(super) async fn write_outdated(
        &self,
        tx: &mut AnyConnection,
        scan_id: i64,
        rows: &[StoredOutdated],
    ) -> Result<()> {
        sqlx::query("DELETE FROM outdated WHERE scan_id = $1")
            .bind(scan_id)
            .execute(&mut *tx)
            .await?;
        let values = rows
            .iter()
            .enumerate()
            .map(|(i, r)| row_values(scan_id, i, r))
            .collect();
        insert_rows(self.backend, tx, "outdated", COLUMNS, values).await
    }

    /// The outdated rows of scan `scan_id`, in the order they were recorded (empty when
    /// none were, or there is no such scan).
    pub async fn outdated(&self, scan_id: i64) -> Result<Vec<StoredOutdated>> {
        let rows = sqlx::query(
            "SELECT ecosystem, name, path, line, current_version, latest_version, bump, \
             majors_behind, minors_behind, patches_behind, days_behind, yanked, deprecated, \
             checked_at, status FROM outdated WHERE scan_id = $1 ORDER BY ordinal",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }
}

impl Store {
    /// See [`AsyncStore::record_outdated`].
    pub fn record_outdated(&self, scan_id: i64, rows: &[StoredOutdated]) -> Result<()> {
        self.block_on(self.inner().record_outdated(scan_id, rows))
    }

    /// See [`AsyncStore::outdated`].
    pub fn outdated(&self, scan_id: i64) -> Result<Vec<StoredOutdated>> {
        self.block_on(self.inner().outdated(scan_id))
    }
}
