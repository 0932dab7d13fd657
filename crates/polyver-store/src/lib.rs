//! The registry: every scan of every repository over time, in SQLite (one file per
//! repository, `.polyver/polyver.db`, WAL) or PostgreSQL (one database for a fleet).
//!
//! Why one code path for both: the SQL is portable (see [`schema`]) and runs through sqlx's
//! `Any` driver, so each query exists once and a test suite runs unchanged on both backends.
//! The async [`AsyncStore`] is what a server would use; [`Store`] wraps it in a private
//! current-thread runtime for the synchronous CLI (so blocking HTTP clients elsewhere in the
//! CLI never run inside a runtime).
//!
//! A scan is written in ONE transaction ([`AsyncStore::record`]): a killed writer leaves the
//! previous state untouched. Range queries across repositories ("who uses log4j-core
//! < 2.17.1") select candidates by the (ecosystem, name) index over each repository's latest
//! scan, then apply the ecosystem's version semantics in Rust, which SQL cannot express.

pub mod diff;
pub mod git;
pub mod schema;

use polyver_model::{Component, Ecosystem, Finding, FindingSeverity, Inventory};
use serde::Serialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub use diff::{diff, Change, ChangeKind, Comparison, Diff};

/// Set by tests only (debug builds): before COMMIT, write this file and wait, so a test can
/// kill the writer mid-transaction and check that the previous state survives.
pub const PAUSE_BEFORE_COMMIT_ENV: &str = "POLYVER_TEST_PAUSE_BEFORE_COMMIT";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the registry at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot bring the registry schema at {url} up to date: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("registry query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("`{0}` is not a registry URL (use sqlite://PATH or postgres://...)")]
    BadUrl(String),
    #[error("{0}")]
    NotFound(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("the registry {path} is damaged: {reason}")]
    Damaged { path: String, reason: String },
}

impl StoreError {
    /// The SQLite file is damaged (detected on open, or SQLITE_CORRUPT/NOTADB later).
    pub fn is_damaged(&self) -> bool {
        match self {
            StoreError::Damaged { .. } => true,
            StoreError::Query(e) => is_damage(e),
            _ => false,
        }
    }

    /// The disk (or the SQLite page limit) is full: SQLITE_FULL (13), or PostgreSQL's
    /// disk_full (53100).
    pub fn is_disk_full(&self) -> bool {
        let sql = match self {
            StoreError::Query(e) => Some(e),
            StoreError::Migrate {
                source: sqlx::migrate::MigrateError::Execute(e),
                ..
            } => Some(e),
            StoreError::Connect { source, .. } => Some(source),
            _ => None,
        };
        match sql {
            Some(sqlx::Error::Database(db)) => {
                let code = db.code().unwrap_or_default();
                code == "53100" || code.parse::<i32>().is_ok_and(|c| c & 0xff == 13)
            }
            Some(sqlx::Error::Io(io)) => io.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }

    /// The registry has migrations this build does not know: a newer polyver wrote it.
    pub fn is_from_newer_polyver(&self) -> bool {
        matches!(
            self,
            StoreError::Migrate {
                source: sqlx::migrate::MigrateError::VersionMissing(_),
                ..
            }
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where a scan came from, beside its inventory.
#[derive(Clone, Debug)]
pub struct ScanMeta {
    pub repository: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// The scanned directory (absolute where known; the inventory's own `root` otherwise).
    pub root: Option<String>,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: i64,
    pub tool_version: String,
}

/// Findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl SeverityCounts {
    pub fn of(findings: &[Finding]) -> Self {
        let mut c = SeverityCounts::default();
        for f in findings {
            *match f.severity {
                FindingSeverity::Critical => &mut c.critical,
                FindingSeverity::High => &mut c.high,
                FindingSeverity::Medium => &mut c.medium,
                FindingSeverity::Low => &mut c.low,
                FindingSeverity::Info => &mut c.info,
            } += 1;
        }
        c
    }

    pub fn total(&self) -> u64 {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

/// One stored scan, without its rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScanSummary {
    pub id: i64,
    pub repository: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
    pub tool_version: String,
    pub root: String,
    pub components: u64,
    pub direct_components: u64,
    pub findings: SeverityCounts,
}

/// Which scan: `latest` (or `-0`), `-N` (N scans before the latest), a scan id, or a
/// commit prefix of at least 4 hex digits (`commit:PREFIX` when it is all digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanRef {
    /// 0 is the latest scan, 1 the one before, ...
    Back(u32),
    Id(i64),
    Commit(String),
}

impl FromStr for ScanRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let hint = "a scan is `latest`, `-N` (N scans before the latest), a scan id such as \
                    `42`, or a commit prefix of 4+ hex digits (`commit:1234` if all digits)";
        if s.eq_ignore_ascii_case("latest") {
            return Ok(ScanRef::Back(0));
        }
        if let Some(n) = s.strip_prefix('-') {
            return n
                .parse()
                .map(ScanRef::Back)
                .map_err(|_| format!("`{s}`: {hint}"));
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return s
                .parse()
                .map(ScanRef::Id)
                .map_err(|_| format!("`{s}`: {hint}"));
        }
        let prefix = s.strip_prefix("commit:").unwrap_or(s);
        if (4..=64).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(ScanRef::Commit(prefix.to_ascii_lowercase()));
        }
        Err(format!("`{s}`: {hint}"))
    }
}

/// A package as used by one repository's latest scan.
#[derive(Clone, Debug, Serialize)]
pub struct Usage {
    pub repository: String,
    pub scan_id: i64,
    pub commit: Option<String>,
    pub component: Component,
    /// Whether the exact version is in the range asked for; `None` when there is no exact
    /// version (only a constraint) or the version engine cannot read it.
    pub in_range: Option<bool>,
}

/// A repository and its scan count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RepositorySummary {
    pub name: String,
    pub scans: u64,
    pub latest_scan_id: Option<i64>,
}

/// The async registry (for servers and anything already inside a runtime).
#[derive(Clone, Debug)]
pub struct AsyncStore {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

/// A `sqlite://` URL for a file path, percent-encoding what URLs cannot carry.
pub fn sqlite_url(path: &Path) -> String {
    let mut url = String::from("sqlite://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'%' | b'?' | b'#' | b' ' | b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | 0..=0x1f => {
                url.push_str(&format!("%{b:02X}"))
            }
            _ => url.push(b as char),
        }
    }
    url
}

/// The inverse of [`sqlite_url`]'s encoding (sqlx decodes the same way).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL safe to print: the password replaced by `***`.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((auth, host)) = rest.split_once('@') {
            if let Some((user, _)) = auth.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::BadUrl(redact(url)))
    }
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A file that exists but does not start like a SQLite database is damaged (or not a
/// registry at all): say so before SQLite gives a vaguer "file is not a database".
fn check_sqlite_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let damaged = |reason: String| StoreError::Damaged {
        path: path.display().to_string(),
        reason,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        // Missing: created on open. Unreadable: the connection reports it.
        Err(_) => return Ok(()),
    };
    let mut head = Vec::with_capacity(100);
    file.by_ref()
        .take(100)
        .read_to_end(&mut head)
        .map_err(|e| damaged(e.to_string()))?;
    if head.is_empty() {
        return Ok(()); // a new, empty file: SQLite initialises it
    }
    if head.len() < 100 || !head.starts_with(SQLITE_MAGIC) {
        return Err(damaged(
            "the file header is not a SQLite database header".to_string(),
        ));
    }
    // The header's page size, and its page count where the header says it is current.
    let be32 = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => return Err(damaged(format!("the header gives a page size of {n}"))),
    };
    let len = file.metadata().map_err(|e| damaged(e.to_string()))?.len();
    let pages = u64::from(be32(28));
    if be32(92) == be32(24) && len < pages * page_size {
        return Err(damaged(format!(
            "the file is truncated: {len} bytes where its header counts {pages} pages of \
             {page_size} bytes"
        )));
    }
    Ok(())
}

/// SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with their extended codes.
fn is_damage(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 11 | 26)),
        _ => false,
    }
}

/// SQLite's own message, without sqlx's "error returned from database: (code: N)".
fn sqlite_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

/// SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6)),
        _ => false,
    }
}

async fn configure_sqlite(conn: &mut AnyConnection) -> sqlx::Result<()> {
    // WAL: readers never block the writer; NORMAL sync is durable enough in WAL mode and
    // never corrupts.
    conn.execute("PRAGMA busy_timeout = 10000").await?;
    enable_wal(conn).await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    Ok(())
}

/// Switching a file into WAL takes an exclusive lock that SQLite's busy timeout does not
/// wait for: with several first scans of a new file at once, all but one got "database is
/// locked" at once. Retried here for as long as the busy timeout would have waited.
async fn enable_wal(conn: &mut AnyConnection) -> sqlx::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut pause = Duration::from_millis(5);
    loop {
        match conn.execute("PRAGMA journal_mode = WAL").await {
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            result => return result.map(|_| ()),
        }
    }
}

/// `PRAGMA quick_check`: every page and b-tree, without integrity_check's slower
/// cross-check of index contents against their tables.
async fn quick_check(conn: &mut AnyConnection, path: &str) -> Result<()> {
    let damaged = |reason: String| StoreError::Damaged {
        path: path.to_string(),
        reason,
    };
    let rows = sqlx::query("PRAGMA quick_check(5)")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| {
            if is_damage(&e) {
                damaged(format!("integrity check failed: {}", sqlite_message(&e)))
            } else {
                StoreError::Query(e)
            }
        })?;
    let problems: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok())
        .filter(|m| m != "ok")
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(damaged(format!(
            "integrity check failed: {}",
            problems.join("; ")
        )))
    }
}

/// Migrations inside `BEGIN IMMEDIATE`: the first of several processes opening a new file
/// creates the schema while the others wait for the write lock and then find it applied
/// (without it, two first scans both saw an empty schema and one failed with "table
/// repositories already exists").
async fn migrate_sqlite(
    conn: &mut AnyConnection,
) -> std::result::Result<(), sqlx::migrate::MigrateError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    schema::migrator(Backend::Sqlite)
        .run_direct(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// One value of a multi-row INSERT.
enum Val {
    I(i64),
    OI(Option<i64>),
    T(String),
    OT(Option<String>),
}

// SQLite allows 32766 bound parameters per statement, PostgreSQL 65535.
const MAX_PARAMS: usize = 30_000;

/// INSERT `rows` into `table` with as few statements as the parameter limit allows.
/// SQLite gets anonymous `?` placeholders: it resolves `$N` names by a linear search per
/// parameter, which makes a 30,000-parameter statement quadratic to prepare.
async fn insert_rows(
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

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

const SUMMARY_COLUMNS: &str = "s.id, r.name, s.commit_sha, s.branch, s.started_at, \
    s.finished_at, s.tool_version, s.root, s.components, s.direct_components, \
    s.findings_critical, s.findings_high, s.findings_medium, s.findings_low, s.findings_info";

fn summary(row: &AnyRow) -> Result<ScanSummary> {
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
    /// Connect to `url` (`sqlite://PATH`, created with its directory when missing, or
    /// `postgres://...`) and apply pending migrations.
    pub async fn open(url: &str) -> Result<AsyncStore> {
        let backend = backend_of(url)?;
        sqlx::any::install_default_drivers();
        let connect_err = |source| StoreError::Connect {
            url: redact(url),
            source,
        };
        let mut url_owned = url.to_string();
        let mut sqlite_file = None;
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = percent_decode(path.split('?').next().unwrap_or(path));
            if path != ":memory:" && !path.is_empty() {
                if let Some(dir) = Path::new(&path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|e| connect_err(sqlx::Error::Io(e)))?;
                }
                check_sqlite_header(Path::new(&path))?;
                sqlite_file = Some(path);
            }
            if !url.contains("mode=") {
                url_owned.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let options = AnyConnectOptions::from_str(&url_owned).map_err(connect_err)?;
        if backend == Backend::Sqlite {
            // One connection of our own first: a damaged file fails here at once (the pool
            // would retry a failing connection until its acquire timeout), and the schema is
            // set up on it under the write lock.
            let damaged = |source: sqlx::Error| match (&sqlite_file, is_damage(&source)) {
                (Some(path), true) => StoreError::Damaged {
                    path: path.clone(),
                    reason: sqlite_message(&source),
                },
                _ => connect_err(source),
            };
            let mut conn = AnyConnection::connect_with(&options)
                .await
                .map_err(damaged)?;
            configure_sqlite(&mut conn).await.map_err(damaged)?;
            migrate_sqlite(&mut conn)
                .await
                .map_err(|source| match source {
                    sqlx::migrate::MigrateError::Execute(e) if is_damage(&e) => damaged(e),
                    source => StoreError::Migrate {
                        url: redact(url),
                        source,
                    },
                })?;
            let _ = conn.close().await;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 1 } else { 4 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        configure_sqlite(conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        if backend == Backend::Postgres {
            // sqlx's migrator takes a PostgreSQL advisory lock itself.
            schema::migrator(backend)
                .run(&pool)
                .await
                .map_err(|source| StoreError::Migrate {
                    url: redact(url),
                    source,
                })?;
        }
        Ok(AsyncStore {
            pool,
            backend,
            url: url.to_string(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks a SQLite registry page by page (`PRAGMA quick_check`); `Err(Damaged)` names
    /// what is wrong. Opening only checks the header (cheap); this reads the whole file
    /// (about 0.2-0.35 s for 100,000 rows), so the CLI runs it before writing a scan, where a
    /// damaged file must take no more data. PostgreSQL: nothing to do here.
    pub async fn check_integrity(&self) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await?;
        let path = self
            .url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = percent_decode(path.split('?').next().unwrap_or(path));
        quick_check(&mut conn, &path).await
    }

    /// The URL it was opened with (may hold a password: print [`redact`]ed).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Store one scan (its components with locations and dependency edges, and `findings`)
    /// in ONE transaction, and make it its repository's latest. Returns the scan id.
    pub async fn record(
        &self,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
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
        let conn: &mut AnyConnection = &mut tx;
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
        // Debug builds only: release binaries never read this variable.
        if cfg!(debug_assertions) {
            if let Some(marker) = std::env::var_os(PAUSE_BEFORE_COMMIT_ENV) {
                let _ = std::fs::write(&marker, scan_id.to_string());
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
        }
        tx.commit().await?;
        Ok(scan_id)
    }

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

    /// A stored scan's components, in the order the scan found them.
    pub async fn components(&self, scan_id: i64) -> Result<Vec<Component>> {
        let rows = sqlx::query("SELECT data FROM components WHERE scan_id = $1 ORDER BY ordinal")
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

    /// A stored scan's findings.
    pub async fn findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        let rows = sqlx::query("SELECT data FROM findings WHERE scan_id = $1 ORDER BY ordinal")
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

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The registry for synchronous callers: [`AsyncStore`] on a private current-thread runtime.
/// Never call it from inside another tokio runtime.
#[derive(Debug)]
pub struct Store {
    rt: tokio::runtime::Runtime,
    inner: AsyncStore,
}

impl Store {
    pub fn open(url: &str) -> Result<Store> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Connect {
                url: redact(url),
                source: sqlx::Error::Io(e),
            })?;
        let inner = rt.block_on(AsyncStore::open(url))?;
        Ok(Store { rt, inner })
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// See [`AsyncStore::check_integrity`].
    pub fn check_integrity(&self) -> Result<()> {
        self.rt.block_on(self.inner.check_integrity())
    }

    pub fn url(&self) -> &str {
        &self.inner.url
    }

    pub fn record(
        &self,
        meta: &ScanMeta,
        inventory: &Inventory,
        findings: &[Finding],
    ) -> Result<i64> {
        self.rt
            .block_on(self.inner.record(meta, inventory, findings))
    }

    pub fn history(&self, repository: &str, limit: u32) -> Result<Vec<ScanSummary>> {
        self.rt.block_on(self.inner.history(repository, limit))
    }

    pub fn repositories(&self) -> Result<Vec<RepositorySummary>> {
        self.rt.block_on(self.inner.repositories())
    }

    pub fn resolve(&self, repository: &str, which: &ScanRef) -> Result<ScanSummary> {
        self.rt.block_on(self.inner.resolve(repository, which))
    }

    pub fn components(&self, scan_id: i64) -> Result<Vec<Component>> {
        self.rt.block_on(self.inner.components(scan_id))
    }

    pub fn findings(&self, scan_id: i64) -> Result<Vec<Finding>> {
        self.rt.block_on(self.inner.findings(scan_id))
    }

    pub fn usages(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        range: Option<&str>,
    ) -> Result<Vec<Usage>> {
        self.rt.block_on(self.inner.usages(ecosystem, name, range))
    }

    /// Run any async work against the store (tests, tools).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    pub fn inner(&self) -> &AsyncStore {
        &self.inner
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Close connections on our own runtime so SQLite checkpoints and PostgreSQL sessions
        // end cleanly instead of being dropped mid-flight.
        self.rt.block_on(self.inner.pool.close());
    }
}

/// The `ScanMeta` and repository name for a scan of `root`: git metadata when `root` is in a
/// git working tree (the repository named after its `origin` remote, else its directory, plus
/// `/sub/dir` when a subdirectory is scanned), else the directory's name.
pub fn repository_identity(root: &Path) -> (String, Option<git::GitInfo>) {
    let abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let dir_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "root".to_string())
    };
    match git::discover(&abs) {
        Some(info) => {
            let base = info
                .origin
                .as_deref()
                .and_then(git::name_from_remote)
                .unwrap_or_else(|| dir_name(&info.toplevel));
            let name = match abs.strip_prefix(&info.toplevel) {
                Ok(rel) if !rel.as_os_str().is_empty() => {
                    format!("{base}/{}", rel.to_string_lossy().replace('\\', "/"))
                }
                _ => base,
            };
            (name, Some(info))
        }
        None => (dir_name(&abs), None),
    }
}
