//! The local OSV database that `audit` and the gate read: importing a directory or an
//! `all.zip` export, and syncing from a mirror. The work is `polyver-advisory`'s; this module
//! decides which ecosystems and which URL, and what each failure tells the user to do.

use crate::audit::database_error;
use crate::EngineError;
use polyver_advisory::db::{self, Database, DbError, Mode, Origin, UpdateSummary};
use polyver_advisory::sync::{self, SyncOutcome, DEFAULT_BASE_URL, DEFAULT_ECOSYSTEMS};
use polyver_advisory::{import, ImportLimits};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads `source` (a directory of OSV JSON files or an `all.zip`); its warnings (one per
/// entry that could not be read) are for the user before [`import`] writes anything.
pub fn read_source(source: &Path) -> Result<import::Imported, EngineError> {
    import::import_path(source, &ImportLimits::default()).map_err(|e| {
        EngineError::input(
            e.to_string(),
            Some("give a directory of OSV JSON files or an OSV all.zip export".to_string()),
        )
    })
}

/// Merges what [`read_source`] read from `source` into the database in `dir`; returns the
/// database file and what changed. A source of which nothing was readable is an error and
/// writes nothing.
pub fn import(
    source: &Path,
    imported: import::Imported,
    dir: &Path,
) -> Result<(PathBuf, UpdateSummary), EngineError> {
    let corrupt = imported.warnings.len();
    // Nothing readable at all is a broken source, not an empty one: say so, write nothing.
    if imported.advisories.is_empty() && imported.withdrawn == 0 && corrupt > 0 {
        return Err(EngineError::environment(
            format!(
                "db import: all {corrupt} entries of {} are corrupt; nothing was imported (the database is unchanged)",
                source.display()
            ),
            Some("the warnings above say what is wrong with each entry".to_string()),
        ));
    }
    let database = Database::file_in(dir);
    let origin = Origin {
        source: source
            .canonicalize()
            .unwrap_or_else(|_| source.to_path_buf())
            .display()
            .to_string(),
        ..Origin::default()
    };
    let summary =
        db::update(&database, imported, Mode::Merge, &origin, now()).map_err(database_error)?;
    Ok((database, summary))
}

/// What `db sync` is asked to do.
pub struct SyncRequest<'a> {
    /// Ecosystem names as given (any case, aliases); none: those already in the database,
    /// else the defaults.
    pub ecosystems: &'a [String],
    /// `--base-url`, else polyver.toml `[audit] osv-url`, else OSV's own bucket.
    pub base_url: Option<String>,
    pub config: &'a polyver_config::Config,
    pub allow_shrink: bool,
    pub offline: bool,
    /// Extra CA certificates (`--ca-cert`, POLYVER_CA_CERT).
    pub ca_certs: Vec<PathBuf>,
    /// The database directory.
    pub dir: &'a Path,
}

/// What `db sync` did.
pub struct Synced {
    pub database: PathBuf,
    pub base_url: String,
    pub outcomes: Vec<SyncOutcome>,
}

impl Synced {
    /// An export refused (it would have shrunk the database): the previous advisories were
    /// kept, and the command fails after saying what it did.
    pub fn refused(&self) -> Option<EngineError> {
        let refused: Vec<String> = self
            .outcomes
            .iter()
            .filter_map(|o| Some(format!("{}: {}", o.ecosystem, o.refused.as_ref()?)))
            .collect();
        (!refused.is_empty()).then(|| {
            EngineError::environment(
                format!(
                    "db sync refused an export, and kept the previous advisories: {}",
                    refused.join("; ")
                ),
                Some(
                    "check the mirror or --base-url and sync again; --allow-shrink accepts the \
                     export as it is"
                        .to_string(),
                ),
            )
        })
    }
}

/// The canonical OSV names of `requested`, each once; an unknown name is an input error.
fn ecosystems(requested: &[String], database: &Path) -> Result<Vec<String>, EngineError> {
    let mut out: Vec<String> = Vec::new();
    for e in requested {
        let canonical = sync::canonical_ecosystem(e).ok_or_else(|| {
            EngineError::input(
                format!("unknown OSV ecosystem `{e}`"),
                Some(format!(
                    "one of: {}, GitHub Actions",
                    DEFAULT_ECOSYSTEMS.join(", ")
                )),
            )
        })?;
        if !out.iter().any(|x| x == canonical) {
            out.push(canonical.to_string());
        }
    }
    if out.is_empty() {
        out = match Database::open(database) {
            Ok(db) if !db.ecosystems().is_empty() => db.ecosystems().keys().cloned().collect(),
            _ => DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect(),
        };
    }
    Ok(out)
}

/// Downloads each ecosystem's export and updates the database; `progress(ecosystem, bytes,
/// total)` as it goes.
pub fn sync(
    request: &SyncRequest<'_>,
    progress: &dyn Fn(&str, u64, Option<u64>),
) -> Result<Synced, EngineError> {
    let base_url = request
        .base_url
        .clone()
        .or_else(|| request.config.audit.osv_url.clone())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let database = Database::file_in(request.dir);
    let ecosystems = ecosystems(request.ecosystems, &database)?;
    let client = polyver_net::Client::new(polyver_net::Options {
        offline: request.offline,
        ca_certs: request.ca_certs.clone(),
        ..Default::default()
    })
    .map_err(|e| EngineError::environment(e.to_string(), None))?;
    let outcomes = sync::sync(
        &client,
        &database,
        &base_url,
        &ecosystems,
        &ImportLimits::default(),
        request.allow_shrink,
        now(),
        progress,
    )
    .map_err(|e| {
        let hint = match &e {
            sync::SyncError::Net { .. } if request.offline => {
                "db sync needs the network; drop --offline, or use `polyver db import PATH`"
                    .to_string()
            }
            sync::SyncError::Net { .. } => {
                "check the network or --base-url; ecosystems synced before this one are kept, and the database is otherwise unchanged"
                    .to_string()
            }
            // The existing file cannot be read, so it cannot be updated: it must be rebuilt.
            sync::SyncError::Db(DbError::Corrupt { path, .. } | DbError::OldFormat { path, .. }) => {
                format!(
                    "delete {} and run `polyver db sync` again to rebuild it",
                    path.display()
                )
            }
            _ => "the previous database is unchanged".to_string(),
        };
        EngineError::environment(format!("db sync failed: {e}"), Some(hint))
    })?;
    Ok(Synced {
        database,
        base_url,
        outcomes,
    })
}
