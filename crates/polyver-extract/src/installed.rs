//! Installed package metadata inside the scanned tree: npm's `node_modules/<name>/package.json`
//! and Python's `<venv>/lib/python*/site-packages/<name>-<version>.dist-info/METADATA`, for
//! licence resolution.
//!
//! The scan skips these folders (they hold thousands of files and are usually ignored by
//! git), so they are looked up here, after the walk, by package name — but with the scan's
//! rules, not a raw directory listing: the same `exclude` globs (files and folders), the
//! same symlink policy (`follow-symlinks`) and size cap, and the safe read of
//! `polyver_model::read`. Only the folders of the packages asked for are entered. A package
//! folder that is a symbolic link (pnpm's layout links `node_modules/<name>` into
//! `node_modules/.pnpm`) is read only when it resolves inside the same `node_modules`.
//! `.gitignore` and the default skip list do not apply: they are exactly what hides these
//! folders from the scan.

use crate::walk::{glob_set, matches_set, relative, ScanConfig, ScanConfigError};
use ignore::WalkBuilder;
use polyver_model::normalize_pypi_name;
use polyver_model::read::read_contained;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// Virtualenv folder names looked in, in each directory asked for.
pub const VENV_DIRS: &[&str] = &[".venv", "venv", "env", ".env", "virtualenv"];

/// One installed metadata file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledFile {
    /// Repo-relative path of the file read.
    pub path: String,
    /// The installed version: from the dist-info folder name for Python; `None` for npm
    /// (its package.json says).
    pub version: Option<String>,
    pub text: String,
}

/// What to look for: directories (repo-relative, `""` for the root) and package names.
#[derive(Clone, Debug, Default)]
pub struct InstalledQuery {
    /// Directories whose `node_modules` is searched.
    pub npm_dirs: BTreeSet<String>,
    pub npm_names: BTreeSet<String>,
    /// Directories whose virtualenvs are searched.
    pub python_dirs: BTreeSet<String>,
    /// Any spelling; matched by PEP 503 name.
    pub python_names: BTreeSet<String>,
}

/// The metadata files found for an [`InstalledQuery`].
#[derive(Clone, Debug, Default)]
pub struct Installed {
    /// By directory, then npm name.
    npm: BTreeMap<String, BTreeMap<String, InstalledFile>>,
    /// By PEP 503 name, sorted by path.
    python: BTreeMap<String, Vec<InstalledFile>>,
}

impl Installed {
    /// `node_modules/<name>/package.json` of directory `dir`.
    pub fn npm(&self, dir: &str, name: &str) -> Option<&InstalledFile> {
        self.npm.get(dir)?.get(name)
    }

    /// Every installed dist-info METADATA of `name` (any spelling), sorted by path.
    pub fn python(&self, name: &str) -> &[InstalledFile] {
        self.python
            .get(&normalize_pypi_name(name))
            .map_or(&[], Vec::as_slice)
    }
}

/// Whether the folder `dir` (under `root`) may be read with the scan's rules: inside the
/// root, not matched by an `exclude` glob, and reached through no symbolic link unless
/// `follow-symlinks`. For vendored sources (`vendor/`) whose licence files are read.
pub fn folder_allowed(root: &Path, dir: &Path, config: &ScanConfig) -> bool {
    let Ok(rel) = dir.strip_prefix(root) else {
        return false;
    };
    match glob_set(&config.exclude) {
        Ok(Some(set)) if matches_set(&set, &relative(root, dir)) => return false,
        Ok(_) => {}
        Err(_) => return false,
    }
    if !config.follow_symlinks {
        let mut at = root.to_path_buf();
        for part in rel.components() {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if !m.file_type().is_symlink() => {}
                _ => return false,
            }
        }
    }
    true
}

/// Finds the metadata `query` asks for under `root`, with `config`'s rules (see the module
/// docs). Unreadable files are left out: a licence is then resolved another way or unknown.
pub fn installed(
    root: &Path,
    config: &ScanConfig,
    query: &InstalledQuery,
) -> Result<Installed, ScanConfigError> {
    let exclude = glob_set(&config.exclude)?;
    let excluded = |rel: &str| exclude.as_ref().is_some_and(|set| matches_set(set, rel));
    let mut found = Installed::default();
    let npm_names = Arc::new(query.npm_names.clone());
    for dir in &query.npm_dirs {
        let base = root.join(dir).join("node_modules");
        if !base.is_dir() || excluded(&relative(root, &base)) {
            continue;
        }
        let names = npm_names.clone();
        let wanted = move |rel: &str| npm_wanted(rel, &names);
        for (name, package) in listed(&base, config, 2, Arc::new(wanted)) {
            let path = package.join("package.json");
            let rel = relative(root, &path);
            if excluded(&rel) || excluded(&relative(root, &package)) {
                continue;
            }
            if let Some(text) = read_text(&base, &path, config.max_file_size) {
                let file = InstalledFile {
                    path: rel,
                    version: None,
                    text,
                };
                found.npm.entry(dir.clone()).or_default().insert(name, file);
            }
        }
    }
    let python_names: Arc<BTreeSet<String>> = Arc::new(
        query
            .python_names
            .iter()
            .map(|n| normalize_pypi_name(n))
            .collect(),
    );
    for dir in &query.python_dirs {
        for venv in VENV_DIRS {
            let base = root.join(dir).join(venv);
            if !base.is_dir() || excluded(&relative(root, &base)) {
                continue;
            }
            let names = python_names.clone();
            let wanted = move |rel: &str| dist_info_wanted(rel, &names);
            for (stem, dist_info) in listed(&base, config, 4, Arc::new(wanted)) {
                let Some((name, version)) = stem.split_once('-') else {
                    continue;
                };
                let path = dist_info.join("METADATA");
                let rel = relative(root, &path);
                if excluded(&rel) || excluded(&relative(root, &dist_info)) {
                    continue;
                }
                if let Some(text) = read_text(&dist_info, &path, config.max_file_size) {
                    found
                        .python
                        .entry(normalize_pypi_name(name))
                        .or_default()
                        .push(InstalledFile {
                            path: rel,
                            version: Some(version.to_string()),
                            text,
                        });
                }
            }
        }
    }
    for files in found.python.values_mut() {
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(found)
}

/// The entries at most `depth` below `base` that `wanted` (given the `/`-separated path
/// relative to `base`) names as a package (`Some(key)`), pruning every folder it rejects.
/// Symbolic links are followed only with `follow-symlinks`; a package entry that is a link
/// is still returned (its file is read with containment, see [`read_text`]).
fn listed(
    base: &Path,
    config: &ScanConfig,
    depth: usize,
    wanted: Arc<dyn Fn(&str) -> Wanted + Send + Sync>,
) -> Vec<(String, std::path::PathBuf)> {
    let filter_base = base.to_path_buf();
    let filter = Arc::clone(&wanted);
    let walk = WalkBuilder::new(base)
        .standard_filters(false)
        .follow_links(config.follow_symlinks)
        .max_depth(Some(depth))
        .filter_entry(move |e| {
            e.depth() == 0 || filter(&relative(&filter_base, e.path())) != Wanted::No
        })
        .build();
    let mut out = Vec::new();
    for entry in walk.filter_map(Result::ok) {
        if entry.depth() == 0 {
            continue;
        }
        let rel = relative(base, entry.path());
        if let Wanted::Package(key) = wanted(&rel) {
            out.push((key, entry.into_path()));
        }
    }
    out.sort();
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Wanted {
    No,
    /// A folder on the way to a package.
    Through,
    /// A package folder, with its key (npm name; dist-info stem).
    Package(String),
}

fn npm_wanted(rel: &str, names: &BTreeSet<String>) -> Wanted {
    match rel.split_once('/') {
        None if rel.starts_with('@') => {
            let scope = format!("{rel}/");
            if names.iter().any(|n| n.starts_with(&scope)) {
                Wanted::Through
            } else {
                Wanted::No
            }
        }
        None if names.contains(rel) => Wanted::Package(rel.to_string()),
        Some((scope, name)) if scope.starts_with('@') && !name.contains('/') => {
            if names.contains(rel) {
                Wanted::Package(rel.to_string())
            } else {
                Wanted::No
            }
        }
        _ => Wanted::No,
    }
}

/// `lib/python*/site-packages/<name>-<version>.dist-info` or
/// `Lib/site-packages/<...>.dist-info` (Windows virtualenvs).
fn dist_info_wanted(rel: &str, names: &BTreeSet<String>) -> Wanted {
    let parts: Vec<&str> = rel.split('/').collect();
    let dist_info = |folder: &str| {
        let Some(stem) = folder.strip_suffix(".dist-info") else {
            return Wanted::No;
        };
        match stem.split_once('-') {
            Some((name, _)) if names.contains(&normalize_pypi_name(name)) => {
                Wanted::Package(stem.to_string())
            }
            _ => Wanted::No,
        }
    };
    match parts.as_slice() {
        ["lib"] | ["Lib"] | ["Lib", "site-packages"] => Wanted::Through,
        ["lib", python] if python.starts_with("python") => Wanted::Through,
        ["lib", python, "site-packages"] if python.starts_with("python") => Wanted::Through,
        ["lib", python, "site-packages", folder] if python.starts_with("python") => {
            dist_info(folder)
        }
        ["Lib", "site-packages", folder] => dist_info(folder),
        _ => Wanted::No,
    }
}

/// `path`, read only if it resolves inside `within` (regular files, capped).
fn read_text(within: &Path, path: &Path, max: u64) -> Option<String> {
    String::from_utf8(read_contained(within, path, max).ok()?).ok()
}

#[cfg(test)]
#[path = "installed_tests.rs"]
mod tests;
