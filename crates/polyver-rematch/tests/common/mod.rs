//! One async test body, two backends: `backends!` turns each `async fn(String)` (the
//! registry URL) into a SQLite test (a temporary file) and a PostgreSQL test (its own schema
//! in POLYVER_TEST_DATABASE_URL, dropped afterwards; skipped with a message when the server
//! is unreachable, failed under CI=true). Plus the fixtures every test uses: a stored scan,
//! an OSV database built from `fixtures/osv/before` or `after`, webhooks on a TestServer.
#![allow(dead_code)]

use polyver_advisory::db::{self, Database, Mode, Origin};
use polyver_advisory::ImportLimits;
use polyver_model::{Component, Ecosystem, Finding, Format, Inventory, Kind, Location};
use polyver_rematch::{DeliveryPolicy, RematchOptions, WebhookTarget};
use polyver_store::{AsyncStore, ScanMeta};
use sqlx::{Connection, Executor, PgConnection};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The HMAC key of the json webhook in these tests.
pub const SECRET: &[u8] = b"correct horse battery staple";

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A PostgreSQL schema that exists for the life of the value.
pub struct PgSchema {
    name: String,
    base: String,
    pub url: String,
}

impl PgSchema {
    /// `None` when no PostgreSQL server answers (after [`polyver_testkit::skip`], which fails
    /// in CI).
    pub async fn create(tag: &str) -> Option<PgSchema> {
        static N: AtomicU32 = AtomicU32::new(0);
        let base =
            std::env::var("POLYVER_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG.to_string());
        let name = format!(
            "polyver_rematch_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let created = async {
            let mut conn =
                tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&base))
                    .await
                    .ok()?
                    .ok()?;
            conn.execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str())
                .await
                .ok()?;
            conn.execute(format!("CREATE SCHEMA {name}").as_str())
                .await
                .ok()?;
            Some(())
        }
        .await;
        if created.is_none() {
            polyver_testkit::skip(
                &format!("no PostgreSQL at {base}"),
                "start PostgreSQL there, or set POLYVER_TEST_DATABASE_URL to one that accepts \
                 connections",
            );
            return None;
        }
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{name}");
        Some(PgSchema { name, base, url })
    }
}

impl Drop for PgSchema {
    /// Also while a failed test unwinds (outside its runtime, which is gone by then).
    fn drop(&mut self) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            if let Ok(mut conn) = PgConnection::connect(&self.base).await {
                let _ = conn
                    .execute(format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name).as_str())
                    .await;
            }
        });
    }
}

pub fn with_sqlite<F, Fut>(body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = polyver_store::sqlite_url(&dir.path().join("registry.db"));
    runtime().block_on(body(url));
}

pub fn with_postgres<F, Fut>(tag: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(schema) = runtime().block_on(PgSchema::create(tag)) else {
        return;
    };
    runtime().block_on(body(schema.url.clone()));
    drop(schema);
}

#[macro_export]
macro_rules! backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { $crate::common::with_sqlite(super::$name) })*
        }
        mod postgres {
            $(#[test] fn $name() { $crate::common::with_postgres(stringify!($name), super::$name) })*
        }
    };
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv")
}

/// Imports `fixtures/osv/<which>` into the database in `dir` (as `polyver db import` does).
pub fn import(dir: &Path, which: &str) {
    let imported =
        polyver_advisory::import::import_path(&fixtures().join(which), &ImportLimits::default())
            .unwrap();
    let origin = Origin {
        source: which.to_string(),
        ..Origin::default()
    };
    db::update(
        &Database::file_in(dir),
        imported,
        Mode::Merge,
        &origin,
        1_700_000_000,
    )
    .unwrap();
}

/// A database of `fixtures/osv/<which>` in `dir`, opened.
pub fn osv(dir: &Path, which: &str) -> Arc<Database> {
    import(dir, which);
    Arc::new(Database::open(&Database::file_in(dir)).unwrap())
}

pub fn package(name: &str, version: &str, line: u32) -> Component {
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        name,
        Format::Requirements,
        Location::new("requirements.txt", line),
    );
    c.version = Some(version.to_string());
    c.direct = true;
    c
}

/// Stores a scan of `repository` with `components` and `findings`; returns its id.
pub async fn store_scan(
    store: &AsyncStore,
    repository: &str,
    components: Vec<Component>,
    findings: &[Finding],
) -> i64 {
    let inventory = Inventory {
        schema: polyver_model::SCAN_SCHEMA.into(),
        root: "/src/app".into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: Vec::new(),
        declared_licenses: Vec::new(),
        license_files: Vec::new(),
    };
    let meta = ScanMeta {
        repository: repository.into(),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        branch: Some("main".into()),
        root: None,
        started_at: 1_714_521_600_000,
        finished_at: 1_714_521_601_000,
        tool_version: "0.1.0".into(),
    };
    store.record(&meta, &inventory, findings).await.unwrap()
}

/// The app every test stores: requests 2.25.0 (affected by PYSEC-2023-74) and flask 2.3.2
/// (not affected by PYSEC-2018-66).
pub fn app() -> Vec<Component> {
    vec![
        package("requests", "2.25.0", 1),
        package("flask", "2.3.2", 2),
    ]
}

/// Webhooks on `server`: slack at /slack, json at /json (keyed with [`SECRET`]).
pub fn webhooks(server: &polyver_net::testing::TestServer) -> Vec<WebhookTarget> {
    use polyver_config::WebhookKind;
    vec![
        WebhookTarget::new(&server.url("/slack"), WebhookKind::Slack, None),
        WebhookTarget::new(
            &server.url("/json"),
            WebhookKind::Json,
            Some(SECRET.to_vec()),
        ),
    ]
}

/// Options with quick retries, so failing webhooks take milliseconds.
pub fn options(webhooks: Vec<WebhookTarget>) -> RematchOptions {
    RematchOptions {
        webhooks,
        policy: DeliveryPolicy {
            attempts: 3,
            backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            timeout: Duration::from_secs(5),
            ..DeliveryPolicy::default()
        },
        ..RematchOptions::default()
    }
}
