//! The registry as the commands see it: which database (`--db`, else `.polyver/polyver.db`
//! at the top of the git working tree or of the directory), which repository, and how its
//! errors become exit codes (3 for an unreachable or unwritable database, 2 for a scan that
//! does not exist).

use crate::args::GlobalArgs;
use crate::CliError;
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

/// A store error as a CLI error: its exit code and what to do next.
pub fn cli_error(e: StoreError, url: &str) -> anyhow::Error {
    let code = match &e {
        StoreError::BadUrl(_) | StoreError::NotFound(_) => 2,
        _ => 3,
    };
    CliError {
        code,
        hint: Some(hint_for(&e, url)),
        message: e.to_string(),
    }
    .into()
}

/// The registry URL: `--db` / POLYVER_DATABASE_URL, else the default file for `dir`.
pub fn url(global: &GlobalArgs, dir: &Path) -> (String, bool) {
    match &global.db {
        Some(url) => (url.clone(), true),
        None => (
            polyver_store::sqlite_url(&absolute(&default_db_path(dir))),
            false,
        ),
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Open the registry for reading (history, diff). The default file must already exist:
/// reading never creates an empty registry as a side effect.
pub fn open_existing(global: &GlobalArgs) -> anyhow::Result<Store> {
    let (url, explicit) = url(global, Path::new("."));
    if !explicit {
        let path = default_db_path(Path::new("."));
        if !path.is_file() {
            return Err(CliError::input(
                format!("no registry at {}", path.display()),
                Some(
                    "run `polyver scan` first (it stores every scan there), or give \
                     --db URL / POLYVER_DATABASE_URL"
                        .to_string(),
                ),
            )
            .into());
        }
    }
    Store::open(&url).map_err(|e| cli_error(e, &url))
}

/// The repository `history` and `diff` look at: `--repo`, else the current directory's,
/// else the only repository in the registry.
pub fn repository(store: &Store, explicit: Option<&str>) -> anyhow::Result<String> {
    if let Some(r) = explicit {
        return Ok(r.to_string());
    }
    let (name, _) = polyver_store::repository_identity(Path::new("."));
    let repos = store.repositories().map_err(|e| cli_error(e, ""))?;
    if repos.iter().any(|r| r.name == name) {
        return Ok(name);
    }
    if let [only] = repos.as_slice() {
        return Ok(only.name.clone());
    }
    let names: Vec<&str> = repos.iter().take(10).map(|r| r.name.as_str()).collect();
    Err(CliError::input(
        format!("no scans of repository `{name}` in the registry"),
        Some(if names.is_empty() {
            "run `polyver scan` first".to_string()
        } else {
            format!("choose one with --repo: {}", names.join(", "))
        }),
    )
    .into())
}

fn finding_of(d: &Diagnostic) -> Finding {
    Finding {
        kind: FindingKind::Diagnostic,
        rule: d.code.id().to_string(),
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

/// Record a finished scan of `root`. With the default registry a failure is a warning (the
/// scan still prints: a read-only checkout must not break `polyver scan`); with an explicit
/// `--db` it is an error (exit 3), since the user asked for the scan to be kept.
pub fn record_scan(
    global: &GlobalArgs,
    root: &Path,
    repo: Option<&str>,
    inventory: &Inventory,
    analysis: &[Finding],
    started_at: i64,
) -> anyhow::Result<()> {
    let (url, explicit) = url(global, root);
    let (detected, git) = polyver_store::repository_identity(root);
    let meta = ScanMeta {
        repository: repo.map_or(detected, str::to_string),
        commit: git.as_ref().and_then(|g| g.commit.clone()),
        branch: git.as_ref().and_then(|g| g.branch.clone()),
        root: root
            .canonicalize()
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/")),
        started_at,
        finished_at: now_ms(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut findings: Vec<Finding> = inventory.diagnostics.iter().map(finding_of).collect();
    findings.extend_from_slice(analysis);
    // The full integrity check only here: a damaged registry must take no more scans.
    let stored = Store::open(&url).and_then(|store| {
        store.check_integrity()?;
        store.record(&meta, inventory, &findings)
    });
    match stored {
        Ok(id) => {
            if !explicit {
                // Keep the registry out of `git status` of the scanned repository.
                let ignore = default_db_path(root).with_file_name(".gitignore");
                if !ignore.exists() {
                    let _ = std::fs::write(ignore, "# polyver's local registry\n*\n");
                }
            }
            if global.verbose > 0 {
                eprintln!(
                    "stored scan {id} of {} in {}",
                    meta.repository,
                    polyver_store::redact(&url)
                );
            }
            Ok(())
        }
        // A damaged registry is an error even by default: scans must not pile up in it.
        Err(e) if !explicit && !e.is_damaged() => {
            if !global.quiet {
                let hint = if e.is_disk_full() {
                    hint_for(&e, &url)
                } else {
                    "pass --no-store, or --db sqlite://PATH for a writable place".to_string()
                };
                eprintln!("warning: the scan was not stored: {e}\nhint: {hint}");
            }
            Ok(())
        }
        Err(e) => Err(cli_error(e, &url)),
    }
}
