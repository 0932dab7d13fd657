//! The vulnerability audit as the engine runs it: the database opened (or why not), the
//! matcher's settings from polyver.toml, and the ecosystems the database cannot answer for.

use crate::{EngineError, Settings};
use polyver_advisory::db::{Database, DbError};
use polyver_advisory::{AuditOptions, AuditReport, Ignore};
use polyver_model::Inventory;
use std::collections::BTreeSet;
use std::path::Path;

/// The matcher's settings: `[[audit.ignore]]` and today's date (for expiries).
pub fn audit_options(config: &polyver_config::Config) -> AuditOptions {
    let today = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    AuditOptions {
        ignores: config
            .audit
            .ignore
            .iter()
            .map(|i| Ignore {
                id: i.id.clone(),
                reason: i.reason.clone(),
                until: i.until.clone(),
            })
            .collect(),
        today: today[..10].to_string(),
    }
}

/// Why there is no database to audit with.
#[derive(Debug)]
pub enum NoDatabase {
    /// None was ever created there: the audit can be skipped (with a warning) or required.
    Missing(std::path::PathBuf),
    /// One exists but cannot be used: always an error (someone meant to audit).
    Broken(EngineError),
}

/// Opens the OSV database in `dir`.
pub fn open_database(dir: &Path) -> Result<Database, NoDatabase> {
    Database::open(&Database::file_in(dir)).map_err(|e| match e {
        DbError::Missing(p) => NoDatabase::Missing(p),
        other => NoDatabase::Broken(database_error(other)),
    })
}

/// The error for a database that exists but cannot be read.
pub fn database_error(e: DbError) -> EngineError {
    let hint = match &e {
        DbError::Corrupt { path, .. } | DbError::OldFormat { path, .. } => format!(
            "delete {} and rebuild it with `polyver db sync` (or `polyver db import PATH`)",
            path.display()
        ),
        _ => "re-create it with `polyver db sync` or `polyver db import PATH`".to_string(),
    };
    EngineError::environment(e.to_string(), Some(hint))
}

/// The error for no database where one is required.
pub fn missing_database(path: &Path) -> EngineError {
    EngineError::environment(
        format!("no OSV database at {}", path.display()),
        Some(
            "run `polyver db sync` (downloads OSV's exports) or `polyver db import PATH` \
             (a folder or zip of OSV JSON); --osv-db DIR picks another database"
                .to_string(),
        ),
    )
}

/// An audit and what it could not cover.
#[derive(Debug)]
pub struct AuditOutcome {
    pub report: AuditReport,
    /// OSV ecosystems of scanned components that the database has no advisories for.
    pub missing_ecosystems: BTreeSet<&'static str>,
    pub advisories: u64,
}

/// Matches `inventory` against `db` with the settings' ignores.
pub fn audit(
    settings: &Settings,
    inventory: &Inventory,
    db: &Database,
) -> Result<AuditOutcome, EngineError> {
    let missing_ecosystems = inventory
        .components
        .iter()
        .filter_map(|c| polyver_advisory::osv_ecosystem(c.ecosystem))
        .filter(|e| !db.ecosystems().contains_key(*e))
        .collect();
    let report =
        polyver_advisory::audit(inventory, db, &audit_options(&settings.config)).map_err(|e| {
            EngineError::environment(
                e.to_string(),
                Some("re-create the database with `polyver db sync` or `polyver db import`".into()),
            )
        })?;
    Ok(AuditOutcome {
        report,
        missing_ecosystems,
        advisories: db.advisory_count(),
    })
}
