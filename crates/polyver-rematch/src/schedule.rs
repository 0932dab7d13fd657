//! What `polyver serve --rematch-every PERIOD` runs beside the API: the OSV database synced
//! once per period (the caller's `sync`, e.g. `polyver db sync`; nothing when offline), and
//! a re-match whenever the database file is not the one last matched: at start, after a sync
//! that changed it, or after someone else's `db sync`/`db import` into the same directory
//! (checked every `poll`, a `stat` of one file).
//!
//! The file is told apart by inode, size and modification time: every write replaces it by
//! renaming a new file over it, so each write gives a new inode.

use crate::{rematch, RematchError, RematchOptions, RematchReport, Stop};
use polyver_advisory::db::Database;
use polyver_store::AsyncStore;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// When to sync and re-match.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// A sync every this long (the first at start).
    pub every: Duration,
    /// How often the database file is looked at between syncs.
    pub poll: Duration,
    /// The OSV database directory.
    pub osv_dir: PathBuf,
}

/// One file's identity: inode, size, modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

fn fingerprint(path: &std::path::Path) -> Option<Fingerprint> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Fingerprint {
        inode,
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// What one scheduled run tells the caller.
pub enum Event<'a> {
    /// The sync failed (the database is left as it was; the re-match still runs on it).
    SyncFailed(&'a str),
    Rematched(&'a RematchReport),
    RematchFailed(&'a RematchError),
}

/// Runs until `stop` is set: `sync` (blocking work, run off the async workers) once per
/// `schedule.every`, a re-match whenever the database changed. `on_event` hears each sync
/// failure and re-match.
pub async fn run(
    store: AsyncStore,
    options: Arc<RematchOptions>,
    schedule: Schedule,
    sync: Arc<dyn Fn() -> Result<(), String> + Send + Sync>,
    on_event: Arc<dyn Fn(Event<'_>) + Send + Sync>,
    stop: Stop,
) {
    let file = Database::file_in(&schedule.osv_dir);
    let mut synced_at: Option<Instant> = None;
    let mut matched: Option<Fingerprint> = None;
    loop {
        if synced_at.is_none_or(|t| t.elapsed() >= schedule.every) {
            let sync = Arc::clone(&sync);
            let result = tokio::task::spawn_blocking(move || sync())
                .await
                .unwrap_or_else(|e| Err(format!("the sync stopped: {e}")));
            if let Err(e) = result {
                tracing::warn!(error = %e, "OSV database sync failed");
                on_event(Event::SyncFailed(&e));
            }
            synced_at = Some(Instant::now());
        }
        let now = fingerprint(&file);
        if now.is_some() && now != matched && !stop.is_set() {
            let path = file.clone();
            let opened = tokio::task::spawn_blocking(move || Database::open(&path))
                .await
                .map_err(|e| RematchError::Corrupt(format!("opening the database stopped: {e}")))
                .and_then(|r| r.map_err(RematchError::from));
            let result = match opened {
                Ok(db) => rematch(&store, Arc::new(db), &options, &stop).await,
                Err(e) => Err(e),
            };
            match &result {
                Ok(report) => {
                    tracing::info!(
                        repositories = report.repositories,
                        new_findings = report.new_findings.len(),
                        deliveries = report.deliveries.len(),
                        "re-matched"
                    );
                    on_event(Event::Rematched(report));
                    // Not when stopped half-way: the next start matches again.
                    if !stop.is_set() {
                        matched = now;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "re-match failed");
                    on_event(Event::RematchFailed(e));
                }
            }
        }
        let until_sync = synced_at.map_or(Duration::ZERO, |t| {
            schedule.every.saturating_sub(t.elapsed())
        });
        if !stop.sleep(schedule.poll.min(until_sync)).await {
            return;
        }
    }
}
