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

/// Days the OSV database may be old before `audit` and `check` refuse it, unless polyver.toml
/// says otherwise (`[audit] max-age-days`).
pub const DEFAULT_MAX_AGE_DAYS: u64 = 7;

/// Refuses a database older than `[audit] max-age-days` (default
/// [`DEFAULT_MAX_AGE_DAYS`]): an audit against stale data passes what is known to be
/// vulnerable. `now` in Unix seconds; the age is that of the least recently updated
/// ecosystem.
pub fn check_age(
    db: &Database,
    config: &polyver_config::Config,
    now: u64,
) -> Result<(), EngineError> {
    let max = config.audit.max_age_days.unwrap_or(DEFAULT_MAX_AGE_DAYS);
    let Some(oldest) = db.ecosystems().values().map(|m| m.imported_at).min() else {
        return Ok(());
    };
    let age = now.saturating_sub(oldest);
    if age > max * 86_400 {
        return Err(EngineError::environment(
            format!(
                "the OSV database was last updated {} days ago, more than the {max} days \
                 [audit] max-age-days allows",
                age / 86_400
            ),
            Some(
                "run `polyver db sync` (or raise `max-age-days` in polyver.toml's [audit])"
                    .to_string(),
            ),
        ));
    }
    Ok(())
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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

/// Opens the OSV database in `dir` for a command that needs one: a missing database is an
/// error saying how to get one.
pub fn open(dir: &Path) -> Result<Database, EngineError> {
    open_database(dir).map_err(|e| match e {
        NoDatabase::Missing(p) => missing_database(&p),
        NoDatabase::Broken(e) => e,
    })
}

/// The error for a database that exists but cannot be read.
pub fn database_error(e: DbError) -> EngineError {
    let hint = match &e {
        DbError::Corrupt { path, .. } | DbError::OldFormat { path, .. } => format!(
            "delete {} and rebuild it with `polyver db sync` (or `polyver db import PATH`)",
            polyver_model::shell_quote(&path.display().to_string())
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

/// The warning for an ecosystem the database has no advisories for, with the command that
/// fetches them (the name shell-quoted: `'GitHub Actions'`).
pub fn not_covered_warning(ecosystem: &str) -> String {
    format!(
        "the OSV database has no {ecosystem} advisories; those components were not checked \
         (run `polyver db sync --ecosystem {}`)",
        polyver_model::shell_quote(ecosystem)
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

impl AuditOutcome {
    /// What the user must hear besides the findings: ecosystems not covered, ignores that
    /// expired (a database too old is refused before: [`check_age`]). Control characters of
    /// the ignore reasons are the renderer's to escape.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .missing_ecosystems
            .iter()
            .map(|e| not_covered_warning(e))
            .collect();
        for f in &self.report.findings {
            if let Some(ig) = f.ignore.as_ref().filter(|i| i.expired) {
                out.push(format!(
                    "the ignore of {} expired on {} (reason was: {}); it is reported again",
                    ig.id,
                    ig.until.as_deref().unwrap_or("?"),
                    ig.reason
                ));
            }
        }
        out
    }

    /// The findings at or above `threshold` (none without one).
    pub fn failing(&self, threshold: Option<polyver_model::FindingSeverity>) -> usize {
        threshold.map_or(0, |t| {
            self.report
                .findings
                .iter()
                .filter(|f| f.effective_severity >= t)
                .count()
        })
    }
}

/// `polyver audit`'s threshold: `--fail-on`, else polyver.toml `[audit] fail-on`.
pub fn threshold(
    cli: Option<polyver_model::FindingSeverity>,
    config: &polyver_config::Config,
) -> Option<polyver_model::FindingSeverity> {
    cli.or_else(|| config.audit.fail_on.as_deref().and_then(|s| s.parse().ok()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sync_hint_can_be_pasted_into_a_shell() {
        let w = super::not_covered_warning("GitHub Actions");
        assert!(
            w.contains("`polyver db sync --ecosystem 'GitHub Actions'`"),
            "{w}"
        );
        assert!(super::not_covered_warning("npm").contains("`polyver db sync --ecosystem npm`"));
    }
}
