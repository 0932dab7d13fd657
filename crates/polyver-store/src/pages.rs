//! Paged reads for the server's API: repositories, a repository's scans, a scan's components
//! and findings, and the search over every repository's latest scan.
//!
//! Keyset pagination: each page starts after the key of the last row the previous page
//! returned (a repository name, a scan id, an ordinal), never at an OFFSET, so a deep page
//! costs what the first one does and rows written between two requests neither repeat nor
//! vanish. Filters SQL can express (ecosystem, name, kind, scope, direct, severity) are in the
//! WHERE clause, on indexes; a version range cannot be expressed in SQL (each ecosystem
//! orders versions its own way), so rows are read in batches and tested with the version
//! engine until the page is full. To bound the work of one request when a range matches
//! little, at most [`MAX_EXAMINED`] rows are read per page: a page may then hold fewer items
//! than asked while `next` is still set.

use super::query::{summary, SUMMARY_COLUMNS};
use super::{AsyncStore, Backend, Result, ScanSummary, StoreError};
use polyver_model::{Component, Ecosystem, Finding, FindingKind, FindingSeverity, Kind, Scope};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// The most rows a range-filtered page reads before it answers with what it found.
pub const MAX_EXAMINED: usize = 10_000;

/// One page: the items and, when more may follow, the key to continue after.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T, K> {
    pub items: Vec<T>,
    pub next: Option<K>,
}

/// A repository with its scan count and latest scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RepositoryDetail {
    pub name: String,
    /// Unix milliseconds: when its first scan was stored.
    pub created_at: i64,
    pub scans: u64,
    pub latest_scan: Option<ScanSummary>,
}

/// Which components of a scan to list. `name` is compared with the stored (normalized) name:
/// pass it through [`normalize_name`] first.
#[derive(Clone, Debug, Default)]
pub struct ComponentFilter {
    pub ecosystem: Option<Ecosystem>,
    pub name: Option<String>,
    pub kind: Option<Kind>,
    pub scope: Option<Scope>,
    pub direct: Option<bool>,
    /// A version range in the component's ecosystem syntax: only components whose exact
    /// version is in it (see [`version_in_range`]).
    pub range: Option<String>,
}

/// Which findings of a scan to list: any of `severities` (all when empty) and any of `kinds`.
#[derive(Clone, Debug, Default)]
pub struct FindingFilter {
    pub severities: Vec<FindingSeverity>,
    pub kinds: Vec<FindingKind>,
}

/// The search across repositories: `ecosystem`/`name` (normalized) in each repository's
/// latest scan.
#[derive(Clone, Debug)]
pub struct UsageQuery {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub kind: Option<Kind>,
    pub range: Option<String>,
    /// With a range, also list the components whose version cannot be tested (no exact
    /// version, or one the engine cannot read), with `in_range: None`.
    pub include_unknown: bool,
}

/// Where a search page ends: the repository and the component's ordinal in its latest scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageKey {
    pub repository: String,
    pub ordinal: i64,
}

/// One component of one repository's latest scan that a search found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LatestUsage {
    pub repository: String,
    pub scan_id: i64,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Unix milliseconds: when that scan finished.
    pub scanned_at: i64,
    pub component: Component,
    /// Whether the version is in the range asked for: `true`, or `null` when it cannot be
    /// told (listed only with `include_unknown`); absent without a range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_range: Option<Option<bool>>,
    #[serde(skip)]
    pub ordinal: i64,
}

/// `name` as the store keeps names of `ecosystem`: PEP 503 for PyPI (`Flask_SQLAlchemy` →
/// `flask-sqlalchemy`), Docker Hub prefixes dropped from images (`docker.io/library/postgres`
/// → `postgres`), as given elsewhere.
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    let name = name.trim();
    match ecosystem {
        Ecosystem::Pypi => polyver_model::normalize_pypi_name(name),
        Ecosystem::Docker => {
            let mut n = name;
            for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
                if let Some(rest) = n.strip_prefix(prefix) {
                    n = rest;
                }
            }
            n.strip_prefix("library/").unwrap_or(n).to_string()
        }
        _ => name.to_string(),
    }
}

/// Whether `component`'s exact version is in `range`, by the version engine of its
/// ecosystem; `None` when that cannot be told: no exact version, an ecosystem without
/// version rules in polyver, or a version or range the engine cannot read.
pub fn version_in_range(component: &Component, range: &str) -> Option<bool> {
    let scheme = component.ecosystem.version_scheme(&component.name)?;
    let version = component.version.as_deref()?;
    polyver_version::satisfies(scheme, version, range).ok()
}

/// A position in text order for SQL: PostgreSQL text cannot hold NUL, and no stored name
/// does, so the text up to the first NUL is the same position.
fn position(text: &str) -> &str {
    text.split('\0').next().unwrap_or("")
}

/// Whether `text` can equal a stored name (none holds NUL, which PostgreSQL refuses).
fn storable(text: &str) -> bool {
    !text.contains('\0')
}

fn empty<T, K>() -> Page<T, K> {
    Page {
        items: Vec::new(),
        next: None,
    }
}

fn component_of(data: &str) -> Result<Component> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn count(row: &AnyRow, i: usize) -> Result<u64> {
    Ok(row.try_get::<i64, _>(i)?.max(0) as u64)
}

/// A repository row: [`SUMMARY_COLUMNS`] of its latest scan (NULL without one), then the
/// repository's name, creation time and scan count.
const REPOSITORY_SELECT: &str = "SELECT {SUMMARY}, r.name, r.created_at, \
     (SELECT COUNT(*) FROM scans n WHERE n.repository_id = r.id) \
     FROM repositories r LEFT JOIN scans s ON s.id = r.latest_scan_id";

fn repository_detail(row: &AnyRow) -> Result<RepositoryDetail> {
    let latest_scan = match row.try_get::<Option<i64>, _>(0)? {
        Some(_) => Some(summary(row)?),
        None => None,
    };
    Ok(RepositoryDetail {
        name: row.try_get(15)?,
        created_at: row.try_get(16)?,
        scans: count(row, 17)?,
        latest_scan,
    })
}

impl AsyncStore {
    /// Repositories by name, after `after`.
    pub async fn repositories_page(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<RepositoryDetail, String>> {
        let sql = format!(
            "{} WHERE r.name > $1 ORDER BY r.name LIMIT $2",
            REPOSITORY_SELECT.replace("{SUMMARY}", SUMMARY_COLUMNS)
        );
        let rows = sqlx::query(&sql)
            .bind(position(after.unwrap_or("")))
            .bind(fetch_count(limit))
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(repository_detail)
            .collect::<Result<Vec<_>>>()?;
        Ok(cut(items, limit, |r| r.name.clone()))
    }

    /// One repository, `None` when the registry has no repository of that name.
    pub async fn repository(&self, name: &str) -> Result<Option<RepositoryDetail>> {
        if !storable(name) {
            return Ok(None);
        }
        let sql = format!(
            "{} WHERE r.name = $1",
            REPOSITORY_SELECT.replace("{SUMMARY}", SUMMARY_COLUMNS)
        );
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(repository_detail).transpose()
    }

    /// The scans of `repository`, newest first, older than scan id `before`.
    pub async fn scans_page(
        &self,
        repository: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Page<ScanSummary, i64>> {
        if !storable(repository) {
            return Ok(empty());
        }
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM scans s JOIN repositories r ON r.id = s.repository_id \
             WHERE r.name = $1 AND s.id < $2 ORDER BY s.id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(repository)
            .bind(before.unwrap_or(i64::MAX))
            .bind(fetch_count(limit))
            .fetch_all(&self.pool)
            .await?;
        let items = rows.iter().map(summary).collect::<Result<Vec<_>>>()?;
        Ok(cut(items, limit, |s| s.id))
    }

    /// One stored scan by id, `None` when there is none.
    pub async fn scan(&self, id: i64) -> Result<Option<ScanSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM scans s JOIN repositories r ON r.id = s.repository_id \
             WHERE s.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary).transpose()
    }

    /// The components of scan `scan_id` that pass `filter`, in stored order after ordinal
    /// `after`; each with its ordinal.
    pub async fn components_page(
        &self,
        scan_id: i64,
        filter: &ComponentFilter,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Page<(i64, Component), i64>> {
        if !filter.name.as_deref().is_none_or(storable) {
            return Ok(empty());
        }
        let mut sql = String::from(
            "SELECT ordinal, data FROM components WHERE scan_id = $1 AND ordinal > $2",
        );
        let mut texts: Vec<String> = Vec::new();
        let mut condition = |column: &str, value: String| {
            texts.push(value);
            sql.push_str(&format!(" AND {column} = ${}", texts.len() + 2));
        };
        if let Some(e) = filter.ecosystem {
            condition("ecosystem", e.id().to_string());
        }
        if let Some(n) = &filter.name {
            condition("name", n.clone());
        }
        if let Some(k) = filter.kind {
            condition("kind", k.id().to_string());
        }
        if let Some(s) = filter.scope {
            condition("scope", s.id().to_string());
        }
        if let Some(d) = filter.direct {
            sql.push_str(if d {
                " AND direct = 1"
            } else {
                " AND direct = 0"
            });
        }
        sql.push_str(&format!(" ORDER BY ordinal LIMIT ${}", texts.len() + 3));
        let fetch = |after: i64, batch: usize| {
            let (sql, texts) = (&sql, &texts);
            async move {
                let mut q = sqlx::query(sql).bind(scan_id).bind(after);
                for t in texts {
                    q = q.bind(t.as_str());
                }
                let rows = q.bind(batch as i64).fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| {
                        let data: String = row.try_get(1)?;
                        Ok((row.try_get::<i64, _>(0)?, component_of(&data)?))
                    })
                    .collect::<Result<Vec<(i64, Component)>>>()
            }
        };
        let Some(range) = filter.range.as_deref() else {
            let rows = fetch(after.unwrap_or(-1), fetch_count(limit) as usize).await?;
            return Ok(cut(rows, limit, |(o, _)| *o));
        };
        let mut page = Filtered::new(limit);
        let mut position = after.unwrap_or(-1);
        loop {
            let batch = page.batch();
            let rows = fetch(position, batch).await?;
            let exhausted = rows.len() < batch;
            for (ordinal, c) in rows {
                position = ordinal;
                let keep = version_in_range(&c, range) == Some(true);
                if page.offer(ordinal, keep.then_some((ordinal, c))) {
                    return Ok(page.finish(false));
                }
            }
            if exhausted || page.examined_enough() {
                return Ok(page.finish(!exhausted));
            }
        }
    }

    /// The findings of scan `scan_id` that pass `filter`, in stored order after ordinal
    /// `after`; each with its ordinal.
    pub async fn findings_page(
        &self,
        scan_id: i64,
        filter: &FindingFilter,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Page<(i64, Finding), i64>> {
        let mut sql =
            String::from("SELECT ordinal, data FROM findings WHERE scan_id = $1 AND ordinal > $2");
        let mut texts: Vec<&str> = Vec::new();
        let mut any_of = |column: &str, values: Vec<&'static str>| {
            if values.is_empty() {
                return;
            }
            let placeholders: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, _)| format!("${}", texts.len() + i + 3))
                .collect();
            sql.push_str(&format!(" AND {column} IN ({})", placeholders.join(", ")));
            texts.extend(values);
        };
        any_of(
            "severity",
            filter.severities.iter().map(|s| s.id()).collect(),
        );
        any_of("kind", filter.kinds.iter().map(|k| k.id()).collect());
        sql.push_str(&format!(" ORDER BY ordinal LIMIT ${}", texts.len() + 3));
        let mut q = sqlx::query(&sql).bind(scan_id).bind(after.unwrap_or(-1));
        for t in &texts {
            q = q.bind(*t);
        }
        let rows = q.bind(fetch_count(limit)).fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|row| {
                let data: String = row.try_get(1)?;
                let finding =
                    serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((row.try_get::<i64, _>(0)?, finding))
            })
            .collect::<Result<Vec<(i64, Finding)>>>()?;
        Ok(cut(items, limit, |(o, _)| *o))
    }

    /// The search: every component `query` names in each repository's latest scan, by
    /// repository name then stored order, after `after`. Candidates come from the
    /// (ecosystem, name, scan_id, ordinal) index joined to each repository's latest scan (see
    /// [`search_sql`]); a range is then tested with the version engine.
    pub async fn search_latest(
        &self,
        query: &UsageQuery,
        after: Option<&UsageKey>,
        limit: usize,
    ) -> Result<Page<LatestUsage, UsageKey>> {
        if !storable(&query.name) {
            return Ok(empty());
        }
        let sql = search_sql(query.kind.is_some());
        let fetch = |after: Option<UsageKey>, batch: usize| {
            let sql = &sql;
            async move {
                let (name, ordinal) = after.map_or((String::new(), -1), |k| {
                    (position(&k.repository).to_string(), k.ordinal)
                });
                let mut q = sqlx::query(sql)
                    .bind(query.ecosystem.id())
                    .bind(query.name.as_str())
                    .bind(name)
                    .bind(ordinal)
                    .bind(batch as i64);
                if let Some(kind) = query.kind {
                    q = q.bind(kind.id());
                }
                let rows = q.fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| {
                        let data: String = row.try_get(6)?;
                        Ok(LatestUsage {
                            repository: row.try_get(0)?,
                            scan_id: row.try_get(1)?,
                            commit: row.try_get(2)?,
                            branch: row.try_get(3)?,
                            scanned_at: row.try_get(4)?,
                            ordinal: row.try_get(5)?,
                            component: component_of(&data)?,
                            in_range: None,
                        })
                    })
                    .collect::<Result<Vec<LatestUsage>>>()
            }
        };
        let key = |u: &LatestUsage| UsageKey {
            repository: u.repository.clone(),
            ordinal: u.ordinal,
        };
        let Some(range) = query.range.as_deref() else {
            let rows = fetch(after.cloned(), fetch_count(limit) as usize).await?;
            return Ok(cut(rows, limit, key));
        };
        let mut page = Filtered::new(limit);
        let mut position = after.cloned();
        loop {
            let batch = page.batch();
            let rows = fetch(position.clone(), batch).await?;
            let exhausted = rows.len() < batch;
            for mut usage in rows {
                let at = key(&usage);
                let verdict = version_in_range(&usage.component, range);
                let keep = verdict == Some(true) || (verdict.is_none() && query.include_unknown);
                usage.in_range = Some(verdict);
                position = Some(at.clone());
                if page.offer(at, keep.then_some(usage)) {
                    return Ok(page.finish(false));
                }
            }
            if exhausted || page.examined_enough() {
                return Ok(page.finish(!exhausted));
            }
        }
    }

    /// The plan the database chooses for [`AsyncStore::search_latest`]'s query, one line per
    /// row (PostgreSQL's `EXPLAIN`, SQLite's `EXPLAIN QUERY PLAN` details), with the
    /// parameters of a first page bound: to check that it reads indexes.
    pub async fn explain_search(&self, query: &UsageQuery) -> Result<Vec<String>> {
        let explain = match self.backend {
            Backend::Postgres => "EXPLAIN",
            Backend::Sqlite => "EXPLAIN QUERY PLAN",
        };
        let sql = format!("{explain} {}", search_sql(query.kind.is_some()));
        let mut q = sqlx::query(&sql)
            .bind(query.ecosystem.id())
            .bind(query.name.as_str())
            .bind("")
            .bind(-1_i64)
            .bind(100_i64);
        if let Some(kind) = query.kind {
            q = q.bind(kind.id());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let column = match self.backend {
            Backend::Postgres => 0,
            Backend::Sqlite => 3,
        };
        rows.iter()
            .map(|row| Ok(row.try_get::<String, _>(column)?))
            .collect()
    }
}

/// The search query: components of (ecosystem $1, name $2[, kind $6]) in each repository's
/// latest scan, after (repository $3, ordinal $4), at most $5 rows. The repository-name
/// condition is written twice so its first half (`r.name >= $3`) can walk the name index.
pub fn search_sql(with_kind: bool) -> String {
    format!(
        "SELECT r.name, s.id, s.commit_sha, s.branch, s.finished_at, c.ordinal, c.data \
         FROM repositories r \
         JOIN scans s ON s.id = r.latest_scan_id \
         JOIN components c ON c.scan_id = r.latest_scan_id \
         WHERE c.ecosystem = $1 AND c.name = $2{} \
         AND r.name >= $3 AND (r.name > $3 OR c.ordinal > $4) \
         ORDER BY r.name, c.ordinal LIMIT $5",
        if with_kind { " AND c.kind = $6" } else { "" }
    )
}

/// Rows to fetch for a page of `limit`: one more, to know whether another page follows.
fn fetch_count(limit: usize) -> i64 {
    limit.saturating_add(1).min(i64::MAX as usize) as i64
}

/// A page out of `limit + 1` fetched rows: the extra row only says that more follow.
fn cut<T, K>(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> K) -> Page<T, K> {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(&key);
        Page { items: rows, next }
    } else {
        Page {
            items: rows,
            next: None,
        }
    }
}

/// A page filled from rows tested one by one (see the module docs).
struct Filtered<T, K> {
    limit: usize,
    items: Vec<(K, T)>,
    examined: usize,
    /// The key of the last row examined.
    last: Option<K>,
    more_matches: bool,
}

impl<T, K: Clone> Filtered<T, K> {
    fn new(limit: usize) -> Self {
        Filtered {
            limit,
            items: Vec::new(),
            examined: 0,
            last: None,
            more_matches: false,
        }
    }

    /// Rows to read next: a few pages' worth, since the range may reject most.
    fn batch(&self) -> usize {
        (self.limit.saturating_mul(2)).clamp(64, 1000)
    }

    /// One examined row at `key`, kept when `item` is `Some`. True when the page is full
    /// and a further match shows that another page follows.
    fn offer(&mut self, key: K, item: Option<T>) -> bool {
        self.examined += 1;
        if let Some(item) = item {
            if self.items.len() == self.limit {
                self.more_matches = true;
                return true;
            }
            self.items.push((key.clone(), item));
        }
        self.last = Some(key);
        false
    }

    fn examined_enough(&self) -> bool {
        self.examined >= MAX_EXAMINED
    }

    /// The page; `unread` says rows remain past the last one examined.
    fn finish(self, unread: bool) -> Page<T, K> {
        let next = if self.more_matches {
            self.items.last().map(|(k, _)| k.clone())
        } else if unread {
            self.last
        } else {
            None
        };
        Page {
            items: self.items.into_iter().map(|(_, t)| t).collect(),
            next,
        }
    }
}
