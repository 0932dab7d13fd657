//! A PostgreSQL schema of its own for one test, in POLYVER_TEST_DATABASE_URL (default
//! postgres://postgres@127.0.0.1:5432/test), dropped at the end; `None` when no server
//! answers (after `polyver_testkit::skip`, which fails under CI=true).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub struct PgSchema {
    /// POLYVER_TEST_DATABASE_URL, without the schema.
    pub base: String,
    /// The schema's name.
    pub name: String,
    /// The URL whose connections use this schema.
    pub url: String,
}

impl PgSchema {
    pub fn create(tag: &str) -> Option<PgSchema> {
        static N: AtomicU32 = AtomicU32::new(0);
        let base = std::env::var("POLYVER_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let name = format!(
            "polyver_cli_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = match base
            .parse::<postgres::Config>()
            .map(|mut c| {
                c.connect_timeout(Duration::from_secs(5));
                c
            })
            .and_then(|c| c.connect(postgres::NoTls))
        {
            Ok(c) => c,
            Err(e) => {
                polyver_testkit::skip(
                    &format!("no PostgreSQL at {base} ({e})"),
                    "start PostgreSQL there, or set POLYVER_TEST_DATABASE_URL to one that \
                     accepts connections",
                );
                return None;
            }
        };
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
            ))
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{name}");
        Some(PgSchema { base, name, url })
    }
}

impl PgSchema {
    /// Runs `sql` inside this schema (its tables are created there).
    #[allow(dead_code)]
    pub fn exec(&self, sql: &str) {
        let mut client = self
            .base
            .parse::<postgres::Config>()
            .and_then(|c| c.connect(postgres::NoTls))
            .unwrap();
        client
            .batch_execute(&format!("SET search_path TO {}; {sql}", self.name))
            .unwrap();
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = self
            .base
            .parse::<postgres::Config>()
            .and_then(|c| c.connect(postgres::NoTls))
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}
