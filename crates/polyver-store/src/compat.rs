//! The compatibility matrix of a scan: every `[[compat]]` rule and every derived one
//! (`requires-python`, `engines.node`, Docker images against runtime version files), each
//! place it was checked with its verdict and evidence — what `polyver report` shows.
//!
//! Why stored, when the failures are already findings: a finding says what is wrong, the
//! matrix also what was checked and holds, which is what a reader of the dashboard asks
//! ("is fastapi checked against python 3.12 at all?"). The rows are flat, one per cell, in
//! the order the analysis gives them (declared rules in polyver.toml order, then derived
//! ones), and a rule that matched nothing is one `not-applicable` row, so every rule shows.
//!
//! Written with the scan in its transaction ([`AsyncStore::record_with_compatibility`], and
//! a pushed scan's in its ingest); a scan stored by an older polyver has no rows.

use super::record::{insert_rows, Val};
use super::{AsyncStore, Result, Store, StoreError};
use polyver_model::{Finding, Inventory};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// One cell of the matrix: one rule checked at one place (or not applicable anywhere).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCompat {
    /// The rule id its violations carry: `compat/rule`, `compat/requires-python`, ...
    pub rule: String,
    /// Written in `[[compat]]` (else derived from the files).
    pub declared: bool,
    /// What the rule says, in one line.
    pub title: String,
    /// Where the rule is declared: the `[[compat]]` table, or the file it is derived from.
    pub origin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub result: CompatResult,
    /// What was checked (`fastapi 0.110.0`, `python 3.10`); absent when not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    /// Where the checked declaration is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// How the version relates to the required range: `within`, `overlap`, `outside`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The declarations the verdict rests on (the checked one first).
    #[serde(default)]
    pub evidence: Vec<CompatEvidence>,
}

/// A cell's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompatResult {
    Pass,
    Fail,
    /// Nothing in the repository matches the rule.
    NotApplicable,
}

impl CompatResult {
    pub fn id(self) -> &'static str {
        match self {
            CompatResult::Pass => "pass",
            CompatResult::Fail => "fail",
            CompatResult::NotApplicable => "not-applicable",
        }
    }

    fn from_id(id: &str) -> Option<CompatResult> {
        [
            CompatResult::Pass,
            CompatResult::Fail,
            CompatResult::NotApplicable,
        ]
        .into_iter()
        .find(|r| r.id() == id)
    }
}

/// One declaration a verdict rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatEvidence {
    /// The requirement as written there (`>=3.11`, `0.110.0 (when python >=3.12)`).
    pub requirement: String,
    pub path: String,
    pub line: u32,
}

const COLUMNS: &[&str] = &[
    "scan_id", "ordinal", "rule", "declared", "title", "origin", "reason", "result", "checked",
    "path", "line", "relation", "evidence",
];

fn row_values(scan_id: i64, ordinal: usize, c: &StoredCompat) -> Result<Vec<Val>> {
    let evidence =
        serde_json::to_string(&c.evidence).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(vec![
        Val::I(scan_id),
        Val::I(ordinal as i64),
        Val::T(c.rule.clone()),
        Val::I(i64::from(c.declared)),
        Val::T(c.title.clone()),
        Val::T(c.origin.clone()),
        Val::OT(c.reason.clone()),
        Val::T(c.result.id().to_string()),
        Val::OT(c.checked.clone()),
        Val::OT(c.path.clone()),
        Val::OI(c.line.map(i64::from)),
        Val::OT(c.relation.clone()),
        Val::T(evidence),
    ])
}

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredCompat> {
    let result: String = row.try_get(5)?;
    let line = row
        .try_get::<Option<i64>, _>(8)?
        .map(|l| {
            u32::try_from(l)
                .map_err(|_| StoreError::Corrupt(format!("compatibility row with line {l}")))
        })
        .transpose()?;
    let evidence: String = row.try_get(10)?;
    Ok(StoredCompat {
        rule: row.try_get(0)?,
        declared: row.try_get::<i64, _>(1)? != 0,
        title: row.try_get(2)?,
        origin: row.try_get(3)?,
        reason: row.try_get(4)?,
        result: CompatResult::from_id(&result).ok_or_else(|| {
            StoreError::Corrupt(format!("compatibility row with result `{result}`"))
        })?,
        checked: row.try_get(6)?,
        path: row.try_get(7)?,
        line,
        relation: row.try_get(9)?,
        evidence: serde_json::from_str(&evidence)
            .map_err(|e| StoreError::Corrupt(format!("compatibility evidence: {e}")))?,
    })
}

impl AsyncStore {
    /// [`AsyncStore::record`] with the scan's compatibility matrix, in the same transaction.
    pub async fn record_with_compatibility(
        &self,
        meta: &super::ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
        compatibility: &[StoredCompat],
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let scan_id = self.write_scan(&mut tx, meta, inventory, findings).await?;
        self.write_compatibility(&mut tx, scan_id, compatibility)
            .await?;
        super::record::pause_before_commit(scan_id).await;
        tx.commit().await?;
        Ok(scan_id)
    }

    /// Writes the matrix of a scan just written inside the caller's transaction.
    pub(super) async fn write_compatibility(
        &self,
        tx: &mut AnyConnection,
        scan_id: i64,
        rows: &[StoredCompat],
    ) -> Result<()> {
        let values = rows
            .iter()
            .enumerate()
            .map(|(i, c)| row_values(scan_id, i, c))
            .collect::<Result<Vec<_>>>()?;
        insert_rows(self.backend, tx, "compatibility", COLUMNS, values).await
    }

    /// The compatibility matrix of scan `scan_id`, in the order it was recorded (empty when
    /// the scan was stored without one, or there is no such scan).
    pub async fn compatibility(&self, scan_id: i64) -> Result<Vec<StoredCompat>> {
        let rows = sqlx::query(
            "SELECT rule, declared, title, origin, reason, result, checked, path, \
             line, relation, evidence FROM compatibility WHERE scan_id = $1 ORDER BY ordinal",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }
}

impl Store {
    /// See [`AsyncStore::record_with_compatibility`].
    pub fn record_with_compatibility(
        &self,
        meta: &super::ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
        compatibility: &[StoredCompat],
    ) -> Result<i64> {
        self.block_on(self.inner().record_with_compatibility(
            meta,
            inventory,
            findings,
            compatibility,
        ))
    }

    /// See [`AsyncStore::compatibility`].
    pub fn compatibility(&self, scan_id: i64) -> Result<Vec<StoredCompat>> {
        self.block_on(self.inner().compatibility(scan_id))
    }
}
