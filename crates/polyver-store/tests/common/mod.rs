//! One test body, two backends: `backends!` turns each `fn(&Store)` into a SQLite test (a
//! temporary file) and a PostgreSQL test (its own schema in POLYVER_TEST_DATABASE_URL,
//! dropped afterwards; skipped with a message when the server is unreachable, failed under
//! CI=true).
#![allow(dead_code)]

use polyver_store::Store;
use sqlx::{Connection, Executor, PgConnection};
use std::sync::atomic::{AtomicU32, Ordering};

pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn pg_base_url() -> String {
    std::env::var("POLYVER_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG.to_string())
}

/// A PostgreSQL schema that exists for the life of the value.
pub struct PgSchema {
    pub name: String,
    pub url: String,
    base: String,
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

impl PgSchema {
    /// `None` when no PostgreSQL server answers (after [`polyver_testkit::skip`], which fails
    /// in CI).
    pub fn create(tag: &str) -> Option<PgSchema> {
        static N: AtomicU32 = AtomicU32::new(0);
        let base = pg_base_url();
        let name = format!(
            "polyver_test_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let created = rt().block_on(async {
            let mut conn = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                PgConnection::connect(&base),
            )
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
        });
        if created.is_none() {
            polyver_testkit::skip(&format!("no PostgreSQL at {base}"), "start PostgreSQL there, or set POLYVER_TEST_DATABASE_URL to one that accepts connections");
            return None;
        }
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{name}");
        Some(PgSchema { name, url, base })
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        rt().block_on(async move {
            if let Ok(mut conn) = PgConnection::connect(&base).await {
                let _ = conn
                    .execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str())
                    .await;
            }
        });
    }
}

pub fn with_sqlite(body: fn(&Store)) {
    let dir = tempfile::tempdir().unwrap();
    let url = polyver_store::sqlite_url(&dir.path().join("sub dir/polyver.db"));
    let store = Store::open(&url).unwrap();
    body(&store);
}

pub fn with_postgres(tag: &str, body: fn(&Store)) {
    let Some(schema) = PgSchema::create(tag) else {
        return;
    };
    {
        let store = Store::open(&schema.url).unwrap();
        body(&store);
    }
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

/// An inventory of `components` as a scan of `root` stores it (no diagnostics, no links).
#[allow(dead_code)]
pub fn inventory_of(
    root: &str,
    components: Vec<polyver_model::Component>,
) -> polyver_model::Inventory {
    polyver_model::Inventory {
        schema: "polyver.scan/v1".into(),
        root: root.into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: Vec::new(),
        declared_licenses: Vec::new(),
        license_files: Vec::new(),
    }
}
