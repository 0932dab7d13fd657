//! `db sync`: download OSV's per-ecosystem exports (`<base>/<Ecosystem>/all.zip`) and replace
//! those ecosystems in the database.
//!
//! Each export is fetched with the `ETag`/`Last-Modified` recorded at the last sync, so an
//! unchanged export costs one `304` and is not re-imported. The zip is downloaded next to the
//! database (polyver-net writes it through a temporary file), read with the import limits,
//! and the database is then swapped atomically: a failed or interrupted sync of one
//! ecosystem leaves the previous database complete and usable.
//!
//! An export that would empty or sharply shrink an ecosystem is refused (see
//! [`shrink_refusal`]): a broken mirror or a truncated export must not silently replace
//! good advisories with nothing, which would make every later audit pass. `allow_shrink`
//! accepts it on purpose.

use crate::db::{self, Database, DbError, Mode, Origin};
use crate::import::{import_zip, ImportError, ImportLimits, Warning};
use polyver_net::{Client, Download, NetError, Validators};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// OSV's public export bucket.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Ecosystems synced when none are named and the database has none yet.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "PyPI",
    "npm",
    "crates.io",
    "Go",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
];

/// The OSV ecosystem names polyver accepts for `--ecosystem`, with polyver's ids as aliases.
pub fn canonical_ecosystem(input: &str) -> Option<&'static str> {
    let lower = input.trim().to_ascii_lowercase();
    Some(match lower.as_str() {
        "pypi" => "PyPI",
        "npm" => "npm",
        "crates.io" | "cargo" => "crates.io",
        "go" => "Go",
        "maven" => "Maven",
        "rubygems" => "RubyGems",
        "packagist" | "composer" => "Packagist",
        "nuget" => "NuGet",
        "github actions" | "github-actions" => "GitHub Actions",
        _ => return None,
    })
}

/// What happened to one ecosystem.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyncOutcome {
    pub ecosystem: String,
    pub url: String,
    /// `updated`, `not-modified` or `refused` (the previous advisories are kept).
    pub status: &'static str,
    pub bytes: u64,
    pub advisories: usize,
    pub skipped: usize,
    pub withdrawn: usize,
    /// Why the export was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

/// Why an export of `incoming` usable advisories (and `corrupt` unreadable entries) must
/// not replace an ecosystem that has `previous` advisories, if it must not: every entry is
/// corrupt, or more than half of the advisories would disappear. OSV's exports only grow
/// by day, so such a drop means a broken download or mirror, not a real change.
pub fn shrink_refusal(previous: usize, incoming: usize, corrupt: usize) -> Option<String> {
    if incoming == 0 && corrupt > 0 {
        return Some(format!("all {corrupt} entries of the export are corrupt"));
    }
    if incoming.saturating_mul(2) < previous {
        return Some(format!(
            "the export has {incoming} advisories where the database has {previous} \
             (more than half would disappear)"
        ));
    }
    None
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{ecosystem}: {source}")]
    Net {
        ecosystem: String,
        #[source]
        source: NetError,
    },
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The export URL of one ecosystem.
pub fn export_url(base: &str, ecosystem: &str) -> String {
    format!(
        "{}/{}/all.zip",
        base.trim_end_matches('/'),
        ecosystem.replace(' ', "%20")
    )
}

/// Syncs `ecosystems` into the database at `db_path`, one atomic swap per changed export.
/// An export that [`shrink_refusal`] refuses is not stored (unless `allow_shrink`): its
/// outcome says `refused`, and the other ecosystems are still synced.
/// `progress(ecosystem, done, total)` reports download progress.
#[allow(clippy::too_many_arguments)]
pub fn sync(
    client: &Client,
    db_path: &Path,
    base_url: &str,
    ecosystems: &[String],
    limits: &ImportLimits,
    allow_shrink: bool,
    now: u64,
    progress: &dyn Fn(&str, u64, Option<u64>),
) -> Result<Vec<SyncOutcome>, SyncError> {
    let mut outcomes = Vec::new();
    for eco in ecosystems {
        let known = match Database::open(db_path) {
            Ok(db) => db.ecosystems().get(eco).cloned(),
            Err(DbError::Missing(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let validators = known
            .as_ref()
            .map(|m| Validators {
                etag: m.etag.clone(),
                last_modified: m.last_modified.clone(),
            })
            .unwrap_or_default();
        let url = export_url(base_url, eco);
        let dir = db_path.parent().unwrap_or(Path::new("."));
        let zip_path = dir.join(format!(".download-{}.zip", eco.replace([' ', '/'], "_")));
        let fetched = client
            .download(&url, &validators, &zip_path, &|done, total| {
                progress(eco, done, total)
            })
            .map_err(|source| SyncError::Net {
                ecosystem: eco.clone(),
                source,
            })?;
        match fetched {
            Download::NotModified => {
                db::touch(db_path, &BTreeSet::from([eco.clone()]), now)?;
                outcomes.push(SyncOutcome {
                    ecosystem: eco.clone(),
                    url,
                    status: "not-modified",
                    bytes: 0,
                    advisories: known.map(|m| m.advisories).unwrap_or(0),
                    skipped: 0,
                    withdrawn: 0,
                    refused: None,
                    warnings: Vec::new(),
                });
            }
            Download::Fetched { validators, bytes } => {
                let result = (|| {
                    let file =
                        std::fs::File::open(&zip_path).map_err(|source| ImportError::Io {
                            path: zip_path.clone(),
                            source,
                        })?;
                    let shown = Path::new(&url);
                    let imported = import_zip(std::io::BufReader::new(file), shown, limits)?;
                    let warnings = imported.warnings.clone();
                    let (skipped, withdrawn) = (imported.warnings.len(), imported.withdrawn);
                    let only = BTreeSet::from([eco.clone()]);
                    let origin = Origin {
                        source: url.clone(),
                        etag: validators.etag.clone(),
                        last_modified: validators.last_modified.clone(),
                        ecosystems: only.clone(),
                    };
                    // Only this ecosystem's entries: an export may mention others in passing.
                    let mut imported = imported;
                    imported.advisories.retain(|a| {
                        a.affected.iter().any(|x| {
                            x.package
                                .as_ref()
                                .is_some_and(|p| crate::osv::base_ecosystem(&p.ecosystem) == eco)
                        })
                    });
                    let previous = known.as_ref().map_or(0, |m| m.advisories);
                    let refusal = shrink_refusal(previous, imported.advisories.len(), skipped)
                        .filter(|_| !allow_shrink);
                    if let Some(reason) = refusal {
                        return Ok(SyncOutcome {
                            ecosystem: eco.clone(),
                            url: url.clone(),
                            status: "refused",
                            bytes,
                            advisories: previous,
                            skipped,
                            withdrawn,
                            refused: Some(reason),
                            warnings,
                        });
                    }
                    db::update(db_path, imported, Mode::Replace(only), &origin, now)?;
                    let advisories = Database::open(db_path)?
                        .ecosystems()
                        .get(eco)
                        .map(|m| m.advisories)
                        .unwrap_or(0);
                    Ok::<_, SyncError>(SyncOutcome {
                        ecosystem: eco.clone(),
                        url: url.clone(),
                        status: "updated",
                        bytes,
                        advisories,
                        skipped,
                        withdrawn,
                        refused: None,
                        warnings,
                    })
                })();
                let _ = std::fs::remove_file(&zip_path);
                outcomes.push(result?);
            }
        }
    }
    Ok(outcomes)
}
