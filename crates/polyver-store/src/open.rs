//! Opening a registry: SQLite header check, pragmas (WAL with its retry, busy timeout,
//! foreign keys), migrations under a write lock so concurrent first opens agree, and the
//! integrity check. Apart from the queries because this is where damaged, locked and
//! newer-schema files are told apart.

use super::url::{backend_of, percent_decode};
use super::{redact, schema};
use super::{AsyncStore, Backend, Result, StoreError};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The first bytes of every SQLite database file.
pub(super) const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A file that exists but does not start like a SQLite database is damaged (or not a
/// registry at all): say so before SQLite gives a vaguer "file is not a database".
pub(super) fn check_sqlite_header(path: &Path) -> Result<()> {
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
pub(super) fn is_damage(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 11 | 26)),
        _ => false,
    }
}

/// SQLite's own message, without sqlx's "error returned from database: (code: N)".
pub(super) fn sqlite_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

/// SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
pub(super) fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6)),
        _ => false,
    }
}

pub(super) async fn configure_sqlite(conn: &mut AnyConnection) -> sqlx::Result<()> {
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
pub(super) async fn enable_wal(conn: &mut AnyConnection) -> sqlx::Result<()> {
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
pub(super) async fn quick_check(conn: &mut AnyConnection, path: &str) -> Result<()> {
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
pub(super) async fn migrate_sqlite(
    conn: &mut AnyConnection,
) -> std::result::Result<(), sqlx::migrate::MigrateError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    schema::migrator(Backend::Sqlite)
        .run_direct(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
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

    /// One cheap round trip (`SELECT 1`): is the database reachable now? For readiness
    /// probes, which run every few seconds.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The URL it was opened with (may hold a password: print [`redact`]ed).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

impl AsyncStore {
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
