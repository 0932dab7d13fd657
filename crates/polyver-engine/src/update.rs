//! `polyver update` as the engine runs it: the plan of the scanned inventory (audit,
//! registries, priorities), then `polyver_update`'s policy, grouping and checked rewrites;
//! new `--hash` values for hash-pinned requirements from the index's file list; the edited
//! files written (unless `--dry-run`); and, when asked, the lock tools run.

use crate::plan::{self, PlanOptions};
use crate::{EngineError, Settings};
use polyver_model::{Component, Ecosystem, Inventory, Kind};
use polyver_update::engine::{self as update, GroupBy, GroupChange, Inputs, Report};
use polyver_update::locktool;
use polyver_upstream::outdated::Progress;
use polyver_upstream::registries::pypi;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How `update` runs.
#[derive(Clone, Debug, Default)]
pub struct UpdateOptions {
    pub dry_run: bool,
    pub bump_ranges: bool,
    /// Only these groups; empty = all.
    pub groups: Vec<String>,
    pub group_by: Option<GroupBy>,
    pub include_review: bool,
    /// Ecosystems whose lock tools may run (`all` = every one); empty = none.
    pub lock_tools: Vec<String>,
    /// The edits go to one branch per group (`--branch`, `--open-pr`): the working tree is
    /// left as it is.
    pub branch: bool,
    /// Also pin GitHub Actions referenced by a tag to the tag's commit (`--pin-actions`).
    pub pin_actions: bool,
}

/// The update of `inventory` (scanned from `root`).
pub fn update(
    settings: &Settings,
    root: &Path,
    inventory: &Inventory,
    options: &UpdateOptions,
    progress: Progress<'_>,
) -> Result<(Report, Vec<GroupChange>), EngineError> {
    let outcome = plan::plan(settings, inventory, &PlanOptions::default(), progress)?;
    let hashes = IndexHashes::new(settings)?;
    let read = |path: &str| std::fs::read_to_string(root.join(path));
    let digest_of = |c: &Component, version: &str| hashes.of(c, version);
    let (mut report, mut files, mut changes) = update::update(&Inputs {
        root: &inventory.root,
        inventory,
        plan: &outcome.plan,
        policy: &settings.config.policy,
        options: &update::Options {
            bump_ranges: options.bump_ranges,
            groups: options.groups.clone(),
            group_by: options.group_by,
            include_review: options.include_review,
        },
        read: &read,
        digest_of: &digest_of,
        dry_run: options.dry_run,
    });
    report.notes.extend(outcome.warnings);
    if options.pin_actions {
        let pins = action_pins(settings, inventory, &mut report.notes)?;
        let read_one = |path: &str| std::fs::read_to_string(root.join(path));
        polyver_update::pin::pin_actions(&mut report, &mut files, &mut changes, &pins, &read_one);
    }
    if !options.dry_run && !options.branch {
        for (path, text) in &files {
            crate::write_atomically(&root.join(path), text)
                .map_err(|e| EngineError::environment(format!("cannot write {path}: {e}"), None))?;
        }
        report.lock_tools = run_lock_tools(root, &report, &options.lock_tools);
    } else if !options.lock_tools.is_empty() {
        report.notes.push(
            "--lock-tool runs on the working tree: nothing was edited there (--dry-run, --branch)"
                .to_string(),
        );
    }
    Ok((report, changes))
}

/// Runs the lock tool of every lock file to regenerate whose ecosystem is selected.
/// The commit each action referenced by a tag points at now, with the most precise tag
/// naming that commit (`v4` → `v4.2.2`) for the comment. What cannot be looked up is a note.
fn action_pins<'a>(
    settings: &Settings,
    inventory: &'a Inventory,
    notes: &mut Vec<String>,
) -> Result<Vec<polyver_update::pin::ActionPin<'a>>, EngineError> {
    let upstream = crate::upstream::upstream(settings, polyver_upstream::DEFAULT_MAX_AGE)?;
    let Some(github) = upstream.registry(Ecosystem::GithubActions) else {
        notes.push("--pin-actions: no GitHub registry configured".to_string());
        return Ok(Vec::new());
    };
    let is_commit = |r: &str| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit());
    let mut pins = Vec::new();
    for c in inventory
        .components
        .iter()
        .filter(|c| c.ecosystem == Ecosystem::GithubActions && c.kind == Kind::Action)
    {
        // Pinned to a commit already (the extractor keeps the SHA as integrity).
        if c.integrity.is_some() {
            continue;
        }
        let Some(tag) = c.version.as_deref().filter(|t| !is_commit(t)) else {
            continue;
        };
        let sha = match github.tag_digest(&c.name, tag) {
            Ok(Some(sha)) => sha,
            Ok(None) => {
                notes.push(format!(
                    "--pin-actions: {}@{tag}: no such tag upstream; left as it is",
                    c.name
                ));
                continue;
            }
            Err(e) => {
                notes.push(format!(
                    "--pin-actions: {}@{tag}: {e}; left as it is",
                    c.name
                ));
                continue;
            }
        };
        let precise = github
            .package(&c.name)
            .ok()
            .flatten()
            .and_then(|p| {
                p.releases
                    .iter()
                    .filter(|r| r.digest.as_deref() == Some(sha.as_str()))
                    .map(|r| r.version.clone())
                    .max_by_key(|v| (v.matches('.').count(), v.len(), v.clone()))
            })
            .unwrap_or_else(|| tag.to_string());
        pins.push(polyver_update::pin::ActionPin {
            component: c,
            target: polyver_update::Target {
                version: precise,
                digest: Some(sha),
            },
        });
    }
    Ok(pins)
}

fn run_lock_tools(root: &Path, report: &Report, selected: &[String]) -> Vec<locktool::Run> {
    let mut runs = Vec::new();
    if selected.is_empty() {
        return runs;
    }
    for lock in &report.lock_files {
        let Some(format) = locktool::lock_format(lock) else {
            continue;
        };
        let Some(ecosystem) = format.info().ecosystem else {
            continue;
        };
        if !selected.iter().any(|s| s == "all" || s == ecosystem.id()) {
            continue;
        }
        let packages: Vec<String> = report
            .groups
            .iter()
            .filter(|g| g.lock_files.contains(lock))
            .flat_map(|g| g.changes.iter().map(|c| c.name.clone()))
            .collect();
        let name = lock.rsplit('/').next().unwrap_or(lock);
        if let Some(command) = locktool::command_for(format, name, &packages) {
            runs.push(locktool::run(root, ecosystem, lock, command));
        }
    }
    runs
}

/// The sha256 of every file of a PyPI release, for `--hash` lines, from the configured
/// index (`[registries] pypi`), each project asked once.
struct IndexHashes {
    client: pypi::Client,
    projects: Mutex<HashMap<String, Option<pypi::Project>>>,
}

impl IndexHashes {
    fn new(settings: &Settings) -> Result<IndexHashes, EngineError> {
        let client = polyver_net::Client::new(settings.net_options()).map_err(|e| {
            EngineError::environment(format!("cannot set up the HTTP client: {e}"), None)
        })?;
        let registry = settings.config.registries.get("pypi");
        let base = registry
            .and_then(|r| r.url.as_deref())
            .unwrap_or("https://pypi.org/simple");
        let auth = match registry.and_then(|r| r.auth.as_ref()) {
            Some(a) => Some(
                polyver_upstream::Auth::from_config(a).map_err(|e| EngineError::input(e, None))?,
            ),
            None => None,
        };
        Ok(IndexHashes {
            client: pypi::Client::new(polyver_upstream::Endpoint::new(
                Arc::new(client),
                base,
                auth,
            )),
            projects: Mutex::new(HashMap::new()),
        })
    }

    /// `sha256:… sha256:…` of `version`, for a hash-pinned requirement; `None` elsewhere or
    /// when the index has none (the rewrite is then refused with that reason).
    fn of(&self, c: &Component, version: &str) -> Option<String> {
        let pinned = c.ecosystem == Ecosystem::Pypi
            && c.integrity
                .as_deref()
                .is_some_and(|i| i.contains("sha256:"));
        if !pinned {
            return None;
        }
        let mut projects = self.projects.lock().ok()?;
        let project = projects
            .entry(c.name.clone())
            .or_insert_with(|| self.client.project(&c.name).ok().flatten());
        let mut hashes: Vec<String> = project
            .as_ref()?
            .files
            .iter()
            .filter(|f| f.version.as_deref() == Some(version))
            .filter_map(|f| f.sha256.as_ref().map(|h| format!("sha256:{h}")))
            .collect();
        hashes.sort();
        hashes.dedup();
        (!hashes.is_empty()).then(|| hashes.join(" "))
    }
}
