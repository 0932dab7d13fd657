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
//!
//! Layout: `url` (URLs and backends), `open` (connect, pragmas, migrations, integrity),
//! `record` (one scan in one transaction), `query` (history, scans, usages), `pages` (the
//! server's paged reads and search), `fleet` (every repository's latest scan in counts, for
//! monitoring), `known` (what re-matching found and its webhook deliveries), `blocking`
//! ([`Store`]), `ingest` (pushed scans, idempotent on the client's scan id), `tokens` (the
//! server's API tokens, stored hashed), `outdated` (`polyver outdated`'s rows per scan),
//! `compat` (the compatibility matrix per scan); the public types stay here.

pub mod diff;
pub mod fleet;
pub mod git;
pub mod pages;
pub mod schema;
pub mod tokens;

use polyver_model::{Component, Finding, FindingSeverity};
use serde::Serialize;
use sqlx::AnyPool;
use std::path::Path;
use std::str::FromStr;

mod blocking;
mod compat;
mod ingest;
mod known;
mod open;
mod outdated;
mod query;
mod record;
mod url;

use open::is_damage;

pub use blocking::Store;
pub use compat::{CompatEvidence, CompatResult, StoredCompat};
pub use diff::{diff, Change, ChangeKind, Comparison, Diff};
pub use fleet::{Fleet, FleetFinding, LatestScan, Standing};
pub use ingest::{
    derived_scan_id, parse_scan_id, random_scan_id, Attached, Ingested, ScanUpload, PUSH_SCHEMA,
};
pub use known::{Delivery, DeliveryStatus, KnownFinding, NewFinding, WebhookRef};
pub use outdated::{OutdatedStatus, StoredOutdated};
pub use pages::{
    normalize_name, version_in_range, ComponentFilter, FindingFilter, LatestUsage, Page,
    RepositoryDetail, UsageKey, UsageQuery,
};
pub use query::OutdatedShare;
pub use url::{redact, sqlite_url};

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
