//! Pushed scans: the document `polyver push` sends (`polyver.push/v1`) and its idempotent
//! ingest.
//!
//! The client names each push with a UUID of its own (the scan id). Ingest is one
//! transaction: look the scan id up; when it is stored, answer with that scan; else write the
//! scan exactly as [`AsyncStore::record`] does and tag it with the scan id, which a unique
//! index guards. Two deliveries of one push racing each other (a client retrying while the
//! first attempt still runs, on another replica) meet at that index: PostgreSQL makes the
//! second wait for the first to commit and then fail, and the loser answers with the
//! winner's scan. A retry therefore never stores anything twice, and a server killed mid-way
//! leaves no trace of the attempt (its transaction never committed).
//!
//! A scan id already used for another repository or commit is a different push under a
//! reused id: it is refused rather than silently answered with someone else's scan.

use super::record::pause_before_commit;
use super::{AsyncStore, Result, ScanMeta, Store, StoredCompat, StoredOutdated};
use polyver_model::{Finding, Inventory};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The `schema` of a push document.
pub const PUSH_SCHEMA: &str = "polyver.push/v1";

/// A scan id in its lowercase hyphenated form, or why `text` is not a UUID.
pub fn parse_scan_id(text: &str) -> Result<String, String> {
    uuid::Uuid::try_parse(text.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|e| format!("`{text}` is not a UUID: {e}"))
}

/// A new random scan id (UUID version 4, from the operating system's generator).
pub fn random_scan_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        super::StoreError::Corrupt(format!("the system's random generator failed: {e}"))
    })?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}

/// The scan id of a push of `content` (UUID version 8 over its SHA-256): the same content
/// always gets the same id, so pushing it again is a retry.
pub fn derived_scan_id(content: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in content {
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// The body of `POST /api/v1/scans`: one scan as `polyver scan` would record it.
/// Unknown fields are ignored, so that a newer client can push to an older server.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScanUpload {
    /// [`PUSH_SCHEMA`].
    pub schema: String,
    /// The client's id of this push (a UUID); a retry sends the same one.
    pub scan_id: String,
    pub repository: String,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    /// The scanned directory on the client.
    #[serde(default)]
    pub root: Option<String>,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: i64,
    pub tool_version: String,
    /// The `polyver.scan/v1` inventory.
    pub inventory: Inventory,
    /// Everything recorded with the scan: its diagnostics as findings, then the analyses.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// `polyver outdated`'s rows for this scan, when the client's registry holds them
    /// (absent or empty otherwise; a server older than this field ignores it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outdated: Vec<StoredOutdated>,
    /// The scan's compatibility matrix (absent from a push by an older polyver, and empty
    /// when no rule applies; a server older than this field ignores it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compatibility: Vec<StoredCompat>,
}

impl ScanUpload {
    /// The document for a scan described by `meta`.
    pub fn new(
        scan_id: String,
        meta: &ScanMeta,
        inventory: Inventory,
        findings: Vec<Finding>,
    ) -> ScanUpload {
        ScanUpload {
            schema: PUSH_SCHEMA.to_string(),
            scan_id,
            repository: meta.repository.clone(),
            commit: meta.commit.clone(),
            branch: meta.branch.clone(),
            root: meta.root.clone(),
            started_at: meta.started_at,
            finished_at: meta.finished_at,
            tool_version: meta.tool_version.clone(),
            inventory,
            findings,
            outdated: Vec::new(),
            compatibility: Vec::new(),
        }
    }

    pub fn meta(&self) -> ScanMeta {
        ScanMeta {
            repository: self.repository.clone(),
            commit: self.commit.clone(),
            branch: self.branch.clone(),
            root: self.root.clone(),
            started_at: self.started_at,
            finished_at: self.finished_at,
            tool_version: self.tool_version.clone(),
        }
    }
}

/// What a pushed scan carries besides its inventory and findings, stored in its transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Attached<'a> {
    /// `polyver outdated`'s rows for the scan.
    pub outdated: &'a [StoredOutdated],
    /// The scan's compatibility matrix.
    pub compatibility: &'a [StoredCompat],
}

/// What became of a pushed scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ingested {
    /// Stored now as scan `id`.
    Created { id: i64 },
    /// This scan id was stored before, as scan `id`: nothing was written.
    Existing { id: i64 },
    /// This scan id belongs to a stored scan of another repository or commit.
    Conflict {
        id: i64,
        repository: String,
        commit: Option<String>,
    },
}

impl AsyncStore {
    /// Stores a pushed scan once per `client_scan_id` (see the module docs); `token` is the
    /// id of the token that pushed it, kept with the scan.
    pub async fn ingest(
        &self,
        client_scan_id: &str,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
        token: Option<i64>,
    ) -> Result<Ingested> {
        let scan = (inventory, findings);
        self.ingest_with(client_scan_id, meta, scan, Attached::default(), token)
            .await
    }

    /// [`AsyncStore::ingest`] of `scan` (inventory, findings) with what it carries
    /// (`polyver outdated`'s rows, the compatibility matrix), written in the same
    /// transaction (a retry writes none of it again).
    pub async fn ingest_with(
        &self,
        client_scan_id: &str,
        meta: &ScanMeta,
        (inventory, findings): (&Inventory, &[Finding]),
        attached: Attached<'_>,
        token: Option<i64>,
    ) -> Result<Ingested> {
        if let Some(stored) = self.pushed(client_scan_id, meta).await? {
            return Ok(stored);
        }
        let mut tx = self.pool.begin().await?;
        let written = async {
            let id = self.write_scan(&mut tx, meta, inventory, findings).await?;
            sqlx::query("UPDATE scans SET client_scan_id = $1, pushed_by_token = $2 WHERE id = $3")
                .bind(client_scan_id)
                .bind(token)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if !attached.outdated.is_empty() {
                self.write_outdated(&mut tx, id, attached.outdated).await?;
            }
            self.write_compatibility(&mut tx, id, attached.compatibility)
                .await?;
            Ok::<i64, super::StoreError>(id)
        }
        .await;
        match written {
            Ok(id) => {
                pause_before_commit(id).await;
                tx.commit().await?;
                Ok(Ingested::Created { id })
            }
            Err(super::StoreError::Query(sqlx::Error::Database(db)))
                if db.is_unique_violation() =>
            {
                // Another delivery of the same push committed first.
                drop(tx);
                match self.pushed(client_scan_id, meta).await? {
                    Some(stored) => Ok(stored),
                    None => Err(super::StoreError::Query(sqlx::Error::Database(db))),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The stored scan pushed as `client_scan_id`, judged against `meta`.
    async fn pushed(&self, client_scan_id: &str, meta: &ScanMeta) -> Result<Option<Ingested>> {
        let row = sqlx::query(
            "SELECT s.id, r.name, s.commit_sha FROM scans s \
             JOIN repositories r ON r.id = s.repository_id WHERE s.client_scan_id = $1",
        )
        .bind(client_scan_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.try_get(0)?;
        let repository: String = row.try_get(1)?;
        let commit: Option<String> = row.try_get(2)?;
        Ok(Some(
            if repository == meta.repository && commit == meta.commit {
                Ingested::Existing { id }
            } else {
                Ingested::Conflict {
                    id,
                    repository,
                    commit,
                }
            },
        ))
    }

    /// The client's scan id of stored scan `id`, when it was pushed.
    pub async fn client_scan_id(&self, id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT client_scan_id FROM scans WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => None,
        })
    }
}

impl Store {
    /// See [`AsyncStore::ingest`].
    pub fn ingest(
        &self,
        client_scan_id: &str,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
        token: Option<i64>,
    ) -> Result<Ingested> {
        self.block_on(
            self.inner()
                .ingest(client_scan_id, meta, inventory, findings, token),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_ids_are_uuids() {
        let a = random_scan_id().unwrap();
        assert_ne!(a, random_scan_id().unwrap());
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 4);
        let d = derived_scan_id(&[b"acme/shop", b"{}"]);
        assert_eq!(d, derived_scan_id(&[b"acme/shop", b"{}"]));
        assert_ne!(d, derived_scan_id(&[b"acme/sho", b"p{}"]));
        assert_eq!(uuid::Uuid::parse_str(&d).unwrap().get_version_num(), 8);
        assert_eq!(
            parse_scan_id(" 0B6E4F52-3C1D-4D8E-9A51-1F2E3D4C5B6A ").unwrap(),
            "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a"
        );
        assert!(parse_scan_id("42").unwrap_err().contains("not a UUID"));
    }
}
