//! The registry of stored scans as every command sees it: which database (`--db`, else
//! `.polyver/polyver.db` at the top of the git working tree or of the directory), which
//! repository, how a scan is recorded, and how its errors read (the environment for an
//! unreachable or unwritable database, the input for a bad URL or a scan that does not exist).

use crate::EngineError;
use polyver_model::{Diagnostic, Finding, FindingKind, FindingSeverity, Inventory, Severity};
use polyver_store::{ScanMeta, Store, StoreError};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// `.polyver/polyver.db` at the top of the git working tree containing `dir`, else in `dir`.
pub fn default_db_path(dir: &Path) -> PathBuf {
    let base = polyver_store::git::discover(dir)
        .map(|g| g.toplevel)
        .unwrap_or_else(|| dir.to_path_buf());
    base.join(".polyver").join("polyver.db")
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// What to do about a store error.
fn hint_for(e: &StoreError, url: &str) -> String {
    let postgres = url.starts_with("postgres");
    match e {
        _ if e.is_from_newer_polyver() => {
            "the registry was written by a newer polyver: upgrade polyver, or use another --db"
                .to_string()
        }
        _ if e.is_disk_full() => "the disk holding the registry is full (nothing of this scan \
             was stored; the registry is unchanged): free some space and run the command again, \
             or scan with --no-store"
            .to_string(),
        _ if e.is_damaged() => "restore the registry file from a backup, or move it away \
             together with its -wal and -shm files (by default .polyver/polyver.db*) and scan \
             again to start a new history"
            .to_string(),
        StoreError::Connect { .. } | StoreError::Migrate { .. } if postgres => {
            "check that the server is up and the URL is right \
             (postgres://USER:PASSWORD@HOST:5432/DATABASE), or set POLYVER_DATABASE_URL"
                .to_string()
        }
        StoreError::Connect { .. } | StoreError::Migrate { .. } => {
            "check that the directory is writable, give another file with \
             --db sqlite://PATH, or scan with --no-store"
                .to_string()
        }
        StoreError::BadUrl(_) => {
            "--db takes sqlite://PATH (relative or absolute) or postgres://...".to_string()
        }
        StoreError::NotFound(_) => "`polyver history` lists the stored scans; a scan is -N, \
             latest, an id, or a commit prefix"
            .to_string(),
        StoreError::Query(_) | StoreError::Corrupt(_) | StoreError::Damaged { .. } => {
            "the registry may be from a newer polyver; try again, or use another --db".to_string()
        }
    }
}

/// A store error with what to do next: a bad URL or a scan that does not exist is the user's
/// input, anything else the environment.
pub fn store_error(e: StoreError, url: &str) -> EngineError {
    let hint = Some(hint_for(&e, url));
    match &e {
        StoreError::BadUrl(_) | StoreError::NotFound(_) => EngineError::input(e.to_string(), hint),
        _ => EngineError::environment(e.to_string(), hint),
    }
}

/// The registry URL: `db` (`--db` / POLYVER_DATABASE_URL), else the default file for `dir`;
/// and whether it was given.
pub fn url(db: Option<&str>, dir: &Path) -> (String, bool) {
    match db {
        Some(url) => (url.to_string(), true),
        None => {
            let path = default_db_path(dir);
            let path = std::path::absolute(&path).unwrap_or(path);
            (polyver_store::sqlite_url(&path), false)
        }
    }
}

/// Opens the registry for reading (history, diff). The default file must already exist:
/// reading never creates an empty registry as a side effect.
pub fn open_existing(db: Option<&str>) -> Result<Store, EngineError> {
    let (url, explicit) = url(db, Path::new("."));
    if !explicit {
        let path = default_db_path(Path::new("."));
        if !path.is_file() {
            return Err(EngineError::input(
                format!("no registry at {}", path.display()),
                Some(
                    "run `polyver scan` first (it stores every scan there), or give \
                     --db URL / POLYVER_DATABASE_URL"
                        .to_string(),
                ),
            ));
        }
    }
    Store::open(&url).map_err(|e| store_error(e, &url))
}

/// The repository `history` and `diff` look at: `explicit` (`--repo`), else the current
/// directory's, else the only repository in the registry.
pub fn repository(store: &Store, explicit: Option<&str>) -> Result<String, EngineError> {
    if let Some(r) = explicit {
        return Ok(r.to_string());
    }
    let (name, _) = polyver_store::repository_identity(Path::new("."));
    let repos = store.repositories().map_err(|e| store_error(e, ""))?;
    if repos.iter().any(|r| r.name == name) {
        return Ok(name);
    }
    if let [only] = repos.as_slice() {
        return Ok(only.name.clone());
    }
    let names: Vec<String> = repos
        .iter()
        .take(10)
        .map(|r| polyver_model::shell_quote(&r.name).into_owned())
        .collect();
    Err(EngineError::input(
        format!("no scans of repository `{name}` in the registry"),
        Some(if names.is_empty() {
            "run `polyver scan` first".to_string()
        } else {
            format!("choose one with --repo: {}", names.join(", "))
        }),
    ))
}

/// A diagnostic as the finding a stored scan counts.
fn finding_of(d: &Diagnostic) -> Finding {
    Finding {
        kind: FindingKind::Diagnostic,
        rule: d.code.id().to_string(),
        severity_unknown: false,
        severity: match d.severity {
            Severity::Error => FindingSeverity::Medium,
            Severity::Warning => FindingSeverity::Low,
            Severity::Info => FindingSeverity::Info,
        },
        title: d.message.clone(),
        ecosystem: None,
        name: None,
        version: None,
        aliases: vec![],
        locations: vec![polyver_model::Location {
            path: d.path.clone(),
            line: d.line,
            column: d.column,
        }],
    }
}

/// A scan to record.
pub struct Recording<'a> {
    /// `--db` / POLYVER_DATABASE_URL.
    pub db: Option<&'a str>,
    pub root: &'a Path,
    /// `--repo`, else the repository's own identity.
    pub repository: Option<&'a str>,
    pub inventory: &'a Inventory,
    /// The analyses recorded besides the diagnostics ([`crate::findings_to_record`]).
    pub analysis: &'a [Finding],
    /// The compatibility matrix of the same analyses.
    pub compatibility: &'a [polyver_store::StoredCompat],
    pub started_at: i64,
}

/// What became of a recording.
#[derive(Debug)]
pub enum Recorded {
    /// Stored as scan `id` of `repository` in `url` (password redacted).
    Stored {
        id: i64,
        repository: String,
        url: String,
    },
    /// Not stored, and the default registry was used: the scan still counts (a read-only
    /// checkout must not break `polyver scan`), with this warning and hint.
    Skipped { warning: String, hint: String },
}

/// What [`record`] stores for a scan (`polyver push` sends the same): where it came from
/// (repository, git commit and branch, absolute root, times, tool version) and its findings
/// (the diagnostics, then the analyses); the compatibility matrix goes along as it is.
/// `r.db` is not used.
pub fn what_to_record(r: &Recording<'_>) -> (ScanMeta, Vec<Finding>) {
    let (detected, git) = polyver_store::repository_identity(r.root);
    let meta = ScanMeta {
        repository: r.repository.map_or(detected, str::to_string),
        commit: git.as_ref().and_then(|g| g.commit.clone()),
        branch: git.as_ref().and_then(|g| g.branch.clone()),
        root: r
            .root
            .canonicalize()
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/")),
        started_at: r.started_at,
        finished_at: now_ms(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut findings: Vec<Finding> = r.inventory.diagnostics.iter().map(finding_of).collect();
    findings.extend_from_slice(r.analysis);
    (meta, findings)
}

/// Records a finished scan. With the default registry a failure is [`Recorded::Skipped`];
/// with an explicit `--db` it is an error, since the user asked for the scan to be kept; a
/// damaged registry is always an error (scans must not pile up in it).
pub fn record(r: &Recording<'_>) -> Result<Recorded, EngineError> {
    let (url, explicit) = url(r.db, r.root);
    let (meta, findings) = what_to_record(r);
    // The full integrity check only here: a damaged registry must take no more scans.
    let stored = Store::open(&url).and_then(|store| {
        store.check_integrity()?;
        store.record_with_compatibility(&meta, r.inventory, &findings, r.compatibility)
    });
    match stored {
        Ok(id) => {
            if !explicit {
                // Keep the registry out of `git status` of the scanned repository.
                let ignore = default_db_path(r.root).with_file_name(".gitignore");
                if !ignore.exists() {
                    let _ = std::fs::write(ignore, "# polyver's local registry\n*\n");
                }
            }
            Ok(Recorded::Stored {
                id,
                repository: meta.repository,
                url: polyver_store::redact(&url),
            })
        }
        Err(e) if !explicit && !e.is_damaged() => {
            let hint = if e.is_disk_full() {
                hint_for(&e, &url)
            } else {
                "pass --no-store, or --db sqlite://PATH for a writable place".to_string()
            };
            Ok(Recorded::Skipped {
                warning: format!("the scan was not stored: {e}"),
                hint,
            })
        }
        Err(e) => Err(store_error(e, &url)),
    }
}

/// What became of `polyver outdated`'s rows.
#[derive(Debug, PartialEq, Eq)]
pub enum OutdatedRecorded {
    /// Stored with scan `scan_id`, the latest of `repository`.
    Stored { scan_id: i64, repository: String },
    /// No `--db` and no default registry file: nothing to store them with (none is created).
    NoRegistry,
    /// The registry holds no scan of `repository`.
    NoScan { repository: String },
    /// The default registry could not be opened or written: a warning, not a failure.
    Skipped { warning: String, hint: String },
}

/// Stores `rows` with the latest stored scan of the repository at `root` (`repository` when
/// given, else its identity as `scan` names it), replacing any rows that scan had. With an
/// explicit `db` a failure is an error; with the default registry it is only skipped, and a
/// missing default registry is not created.
pub fn record_outdated(
    db: Option<&str>,
    root: &Path,
    repository: Option<&str>,
    rows: &[polyver_store::StoredOutdated],
) -> Result<OutdatedRecorded, EngineError> {
    let (url, explicit) = url(db, root);
    if !explicit && !default_db_path(root).is_file() {
        return Ok(OutdatedRecorded::NoRegistry);
    }
    let repository = repository.map_or_else(
        || polyver_store::repository_identity(root).0,
        str::to_string,
    );
    let stored = Store::open(&url).and_then(|store| {
        let Some(latest) = store.history(&repository, 1)?.into_iter().next() else {
            return Ok(None);
        };
        store.record_outdated(latest.id, rows)?;
        Ok(Some(latest.id))
    });
    match stored {
        Ok(Some(scan_id)) => Ok(OutdatedRecorded::Stored {
            scan_id,
            repository,
        }),
        Ok(None) => Ok(OutdatedRecorded::NoScan { repository }),
        Err(e) if !explicit => Ok(OutdatedRecorded::Skipped {
            warning: format!("the outdated rows were not stored: {e}"),
            hint: "pass --no-store, or --db URL for a registry that can be written".to_string(),
        }),
        Err(e) => Err(store_error(e, &url)),
    }
}

/// The `polyver outdated` rows the local registry (`db`, else the default file for `root`,
/// never created) holds for the scan `polyver push` is about to send: those of the
/// repository's latest stored scan when it is that scan (same commit, same components), with
/// that scan's id. `None` otherwise, and when the registry cannot be read (a push does not
/// depend on it).
pub fn local_outdated(
    db: Option<&str>,
    root: &Path,
    meta: &ScanMeta,
    inventory: &Inventory,
) -> Option<(i64, Vec<polyver_store::StoredOutdated>)> {
    let (url, explicit) = url(db, root);
    if !explicit && !default_db_path(root).is_file() {
        return None;
    }
    let store = Store::open(&url).ok()?;
    let latest = store
        .history(&meta.repository, 1)
        .ok()?
        .into_iter()
        .next()?;
    if latest.commit != meta.commit || latest.components != inventory.components.len() as u64 {
        return None;
    }
    if store.components(latest.id).ok()? != inventory.components {
        return None;
    }
    let rows = store.outdated(latest.id).ok()?;
    (!rows.is_empty()).then_some((latest.id, rows))
}
