//! The walk: which files of a repository are looked at, and in what order results come out.
//!
//! Built on ripgrep's `ignore` crate (parallel, gitignore-aware). Rules, in order:
//! - `.gitignore`, `.git/info/exclude` and `.ignore` are honoured, also outside a git
//!   repository; the user's global gitignore is not, so a scan does not depend on whose
//!   machine runs it.
//! - Hidden files are *not* skipped (`.python-version`, `.nvmrc`, `.github/` matter), but the
//!   directories in [`DEFAULT_SKIP_DIRS`] are, unless `skip_default_dirs` is off.
//! - `exclude` globs prune files and directories; when `include` is non-empty, only files
//!   matching one of its globs are considered. A glob without `/` matches the file (or
//!   directory) name at any depth, like a gitignore pattern; one with `/` matches the
//!   repo-relative path.
//! - Symlinks are not followed unless `follow_symlinks` is set (loops then become
//!   diagnostics).
//! - Extractors are chosen on the path alone (through the name table of [`crate::dispatch`]);
//!   only claimed files are read, and files over `max_file_size` are reported instead of read.
//!   Every read goes through the scan's [`ScanContext`] (regular files only, inside the root,
//!   capped).
//! - A file keeps at most [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics (plus one
//!   `too-many-diagnostics` counting the rest), each message at most
//!   [`MAX_MESSAGE_CHARS`] characters with control characters escaped: a hostile file must
//!   not turn into megabytes of output or a stored secret.
//! - A path that is not UTF-8 is named losslessly, each invalid byte as `\xNN`
//!   (`dir\xff/requirements.txt`), and its file is still read (from the real path; includes
//!   it names are not followed).
//!
//! The walk collects claimed paths in parallel, then sorts them and extracts in parallel
//! with rayon; [`Inventory::finish`] sorts the findings, so output never depends on thread
//! scheduling.

use crate::dispatch::Dispatch;
use crate::registry;
use crate::source::ScanContext;
use crate::SourceFile;
use crate::{Extracted, Extractor};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use polyver_model::project::is_license_file;
use polyver_model::read::{clamp, ReadLimits};
use polyver_model::{Diagnostic, DiagnosticCode, Inventory, ScanStats};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// 5 MiB: larger than any hand-written manifest, smaller than a vendored blob.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Diagnostics kept per file; the rest are counted in one `too-many-diagnostics`.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// The longest diagnostic message kept, in characters (extractors quote file content
/// through [`polyver_model::read::excerpt`]; this bounds whatever else slips through).
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Directories that hold installed or generated code, never the repository's own manifests.
pub const DEFAULT_SKIP_DIRS: &[&str] = &[
    ".git",
    // polyver's own registry and caches.
    ".polyver",
    "node_modules",
    "vendor",
    ".venv",
    "venv",
    "target",
    "build",
    "dist",
    "__pycache__",
];

/// The `[scan]` section of `polyver.toml`, plus what the CLI adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanConfig {
    /// Globs a file must match (any) to be scanned; empty = every file.
    pub include: Vec<String>,
    /// Globs of files and directories never scanned.
    pub exclude: Vec<String>,
    /// Files larger than this are reported (`file-too-large`) instead of read.
    pub max_file_size: u64,
    pub follow_symlinks: bool,
    /// Skip [`DEFAULT_SKIP_DIRS`].
    pub skip_default_dirs: bool,
    /// Worker threads for the walk and extraction; 0 = the number of CPUs.
    pub threads: usize,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            include: Vec::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_symlinks: false,
            skip_default_dirs: true,
            threads: 0,
        }
    }
}

/// A configuration the scanner cannot use.
#[derive(Debug, thiserror::Error)]
pub enum ScanConfigError {
    #[error("invalid glob {glob:?}: {source}")]
    Glob {
        glob: String,
        #[source]
        source: globset::Error,
    },
    #[error("scan root {0} is not a directory")]
    NotADirectory(PathBuf),
    /// A single file was named that no format reads.
    #[error(
        "{0} is not a file polyver reads: name a directory, or a manifest, lock file, \
         Dockerfile or CycloneDX/SPDX JSON SBOM (the README lists every format)"
    )]
    NotRecognized(PathBuf),
}

/// Told how a scan advances, from the walker's threads (so implementations must be cheap and
/// thread-safe). The CLI draws a progress bar with it on a terminal.
pub trait ScanProgress: Sync {
    /// One more file was walked.
    fn walked(&self) {}
    /// Walking is over; `claimed` files will now be parsed.
    fn walk_done(&self, _claimed: u64) {}
    /// One more claimed file was parsed.
    fn extracted(&self) {}
    /// Extraction is over; `files_read` files were read from disk in all (claimed files and
    /// the files they include).
    fn finished(&self, _files_read: u64) {}
}

/// Reports nothing.
pub struct NoProgress;
impl ScanProgress for NoProgress {}

/// Scans `root` with every registered extractor.
pub fn scan(root: &Path, config: &ScanConfig) -> Result<Inventory, ScanConfigError> {
    scan_with(root, config, &registry::extractors())
}

/// Scans `root` with the given extractors (tests, or a CLI filter on formats).
pub fn scan_with(
    root: &Path,
    config: &ScanConfig,
    extractors: &[&dyn Extractor],
) -> Result<Inventory, ScanConfigError> {
    scan_observed(root, config, extractors, &NoProgress)
}

/// [`scan_with`], reporting progress as it goes.
pub fn scan_observed(
    root: &Path,
    config: &ScanConfig,
    extractors: &[&dyn Extractor],
    progress: &dyn ScanProgress,
) -> Result<Inventory, ScanConfigError> {
    // A single file named on the command line is scanned alone, from its directory (so its
    // includes resolve as in a tree scan), whatever the ignore rules and globs say: the user
    // asked for it by name.
    let named_file = std::fs::metadata(root).is_ok_and(|m| m.is_file());
    if !named_file && !root.is_dir() {
        return Err(ScanConfigError::NotADirectory(root.to_path_buf()));
    }
    let named_path = root.to_path_buf();
    let (root, only) = if named_file {
        // The file keeps its directories where it has a known top (`.github/workflows/ci.yml`
        // is a workflow, `gradle/libs.versions.toml` a catalog): the git working tree it is
        // in, else the current directory for a relative path without `..`. Any other file is
        // read from its own directory, by its file name.
        let keeps_dirs = root.is_relative()
            && root.components().all(|c| {
                matches!(
                    c,
                    std::path::Component::Normal(_) | std::path::Component::CurDir
                )
            });
        let work_tree = root
            .ancestors()
            .skip(1)
            .find(|dir| !dir.as_os_str().is_empty() && dir.join(".git").exists());
        let (parent, name) = if let Some(top) = work_tree {
            (top, relative(top, root))
        } else if keeps_dirs {
            (
                Path::new("."),
                relative(Path::new("."), root)
                    .trim_start_matches("./")
                    .to_string(),
            )
        } else {
            (
                root.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
                root.file_name().map(lossless).unwrap_or_default(),
            )
        };
        let mut which: Vec<usize> = extractors
            .iter()
            .enumerate()
            .filter(|(_, x)| x.matches(Path::new(&name)))
            .map(|(i, _)| i)
            .collect();
        // A JSON file no format claims by name may be an SBOM (its reader says if not).
        if which.is_empty() && name.to_ascii_lowercase().ends_with(".json") {
            which.extend(
                extractors
                    .iter()
                    .position(|x| x.format() == polyver_model::Format::Sbom),
            );
        }
        if which.is_empty() {
            return Err(ScanConfigError::NotRecognized(root.to_path_buf()));
        }
        (parent, Some((name, which)))
    } else {
        (root, None)
    };
    // Candidates by file name, built once: see `crate::dispatch`.
    let dispatch = Dispatch::new(extractors);
    let include = glob_set(&config.include)?;
    let exclude = glob_set(&config.exclude)?;
    let claimed: Mutex<Vec<(String, Vec<usize>)>> = Mutex::new(Vec::new());
    // Claimed files whose path is not UTF-8, so not reachable from their escaped name.
    let not_utf8: Mutex<std::collections::HashMap<String, PathBuf>> = Mutex::default();
    let diagnostics: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let walked = AtomicU64::new(0);
    let license_files: Mutex<Vec<String>> = Mutex::default();

    let skip_defaults = config.skip_default_dirs;
    let exclude_dirs = exclude.clone();
    let filter_root = root.to_path_buf();
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(config.follow_symlinks)
        .threads(config.threads)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if entry.depth() == 0 {
                return true;
            }
            if !is_dir {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if skip_defaults && DEFAULT_SKIP_DIRS.contains(&name.as_ref()) {
                return false;
            }
            !(exclude_dirs
                .as_ref()
                .is_some_and(|set| matches_set(set, &relative(&filter_root, entry.path()))))
        });

    if let Some(single) = only {
        if named_path.to_str().is_none() {
            not_utf8
                .lock()
                .unwrap()
                .insert(single.0.clone(), named_path.clone());
        }
        walked.fetch_add(1, Ordering::Relaxed);
        progress.walked();
        claimed.lock().unwrap().push(single);
    } else {
        builder.build_parallel().run(|| {
            Box::new(|result| {
                let entry = match result {
                    Ok(e) => e,
                    Err(err) => {
                        let path = error_path(&err)
                            .map(|p| relative(root, &p))
                            .unwrap_or_default();
                        diagnostics.lock().unwrap().push(Diagnostic::warning(
                            DiagnosticCode::WalkError,
                            path,
                            0,
                            err.to_string(),
                        ));
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                walked.fetch_add(1, Ordering::Relaxed);
                progress.walked();
                let rel = relative(root, entry.path());
                if exclude.as_ref().is_some_and(|set| matches_set(set, &rel)) {
                    return WalkState::Continue;
                }
                // The project's own licence text, for `polyver licenses` (never extracted).
                if entry.depth() == 1 && is_license_file(&rel) {
                    license_files.lock().unwrap().push(rel.clone());
                }
                if include.as_ref().is_some_and(|set| !matches_set(set, &rel)) {
                    return WalkState::Continue;
                }
                let which = dispatch.claimants(extractors, Path::new(&rel));
                if !which.is_empty() {
                    if entry.path().to_str().is_none() {
                        let full = entry.path().to_path_buf();
                        not_utf8.lock().unwrap().insert(rel.clone(), full);
                    }
                    claimed.lock().unwrap().push((rel, which));
                }
                WalkState::Continue
            })
        });
    }

    let mut claimed = claimed.into_inner().unwrap();
    claimed.sort();
    progress.walk_done(claimed.len() as u64);
    let too_large_count = AtomicU64::new(0);
    let context = ScanContext::new(
        root,
        ReadLimits {
            max_bytes: config.max_file_size,
            follow_symlinks: config.follow_symlinks,
        },
    );
    let extract = |(rel, which): &(String, Vec<usize>)| -> (u64, Extracted) {
        let mut out = Extracted::default();
        let loaded = match not_utf8.lock().unwrap().get(rel) {
            Some(full) => load_not_utf8(full, rel, config.max_file_size),
            None => context.load(rel),
        };
        let parsed = match loaded {
            Ok(file) => {
                for i in which {
                    out.extend(extractors[*i].extract(&file));
                }
                bound_diagnostics(&mut out.diagnostics);
                crate::snippet::attach_source_lines(&file, &mut out.diagnostics);
                (1, out)
            }
            Err(d) => {
                if d.code == DiagnosticCode::FileTooLarge {
                    too_large_count.fetch_add(1, Ordering::Relaxed);
                }
                out.diagnose(d);
                (0, out)
            }
        };
        progress.extracted();
        parsed
    };
    let results: Vec<(u64, Extracted)> = match rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
    {
        Ok(pool) => pool.install(|| claimed.par_iter().map(extract).collect()),
        Err(_) => claimed.iter().map(extract).collect(),
    };

    progress.finished(context.files_read());
    let mut components = Vec::new();
    let mut diagnostics = diagnostics.into_inner().unwrap();
    let mut links = Vec::new();
    let mut declared_licenses = Vec::new();
    let mut extracted_files = 0;
    for (n, r) in results {
        extracted_files += n;
        components.extend(r.components);
        diagnostics.extend(r.diagnostics);
        links.extend(r.links);
        declared_licenses.extend(r.declared_licenses);
    }
    for c in &mut components {
        if let (Some(constraint), Some(scheme)) =
            (c.constraint.as_mut(), c.ecosystem.version_scheme(&c.name))
        {
            if constraint.valid.is_none() {
                constraint.valid =
                    Some(polyver_version::validate_range(scheme, &constraint.raw).is_ok());
            }
        }
    }
    // Cross-file, before identical findings merge (see `polyver_model::project`).
    polyver_model::project::mark_pulumi_providers(&mut components);
    let stats = ScanStats {
        files_walked: walked.into_inner(),
        files_extracted: extracted_files,
        files_too_large: too_large_count.into_inner(),
        ..ScanStats::default()
    };
    Ok(Inventory::finish(
        root.to_string_lossy().replace('\\', "/"),
        components,
        diagnostics,
        stats,
    )
    .with_links(links)
    .with_license_facts(declared_licenses, license_files.into_inner().unwrap()))
}

/// Applies [`MAX_DIAGNOSTICS_PER_FILE`] (per path: one scanned file's output also holds its
/// includes') and [`MAX_MESSAGE_CHARS`].
fn bound_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    let mut kept: HashMap<String, usize> = HashMap::new();
    let mut dropped: HashMap<String, usize> = HashMap::new();
    diagnostics.retain_mut(|d| {
        let count = kept.entry(d.path.clone()).or_default();
        if *count >= MAX_DIAGNOSTICS_PER_FILE {
            *dropped.entry(d.path.clone()).or_default() += 1;
            return false;
        }
        *count += 1;
        if d.message.chars().count() > MAX_MESSAGE_CHARS || d.message.contains(char::is_control) {
            d.message = clamp(&d.message, MAX_MESSAGE_CHARS);
        }
        true
    });
    let mut dropped: Vec<(String, usize)> = dropped.into_iter().collect();
    dropped.sort();
    for (path, n) in dropped {
        diagnostics.push(Diagnostic::warning(
            DiagnosticCode::TooManyDiagnostics,
            path,
            0,
            format!("{n} more diagnostics in this file not shown (at most {MAX_DIAGNOSTICS_PER_FILE} per file)"),
        ));
    }
}

/// Repo-relative path with `/` separators.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    // The common case (called for every walked file): the walker's paths are `root` joined
    // with the rest, already `/`-separated UTF-8, so a byte prefix is cut (`strip_prefix`
    // compares component by component, which was a visible share of a scan).
    if std::path::MAIN_SEPARATOR == '/' {
        let prefix = root.as_os_str().as_encoded_bytes();
        let full = path.as_os_str().as_encoded_bytes();
        if let Some(rest) = full.strip_prefix(prefix) {
            let rest = if prefix.ends_with(b"/") || rest.is_empty() {
                Some(rest)
            } else {
                rest.strip_prefix(b"/")
            };
            if let Some(text) = rest.and_then(|r| std::str::from_utf8(r).ok()) {
                if !text.starts_with('/') && !text.contains("//") {
                    return text.to_string();
                }
            }
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    if std::path::MAIN_SEPARATOR == '/' {
        if let Some(s) = rel.to_str() {
            return s.to_string();
        }
    }
    rel.components()
        .map(|c| lossless(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A path component as text, every byte that is not UTF-8 written `\xNN`.
fn lossless(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    name.to_string_lossy().into_owned()
}

/// A claimed file whose real path is not UTF-8, read from that path and named `rel`.
fn load_not_utf8(full: &Path, rel: &str, max_size: u64) -> Result<SourceFile, Diagnostic> {
    // The same safe read as every other file (regular files only, capped), on the real path.
    match polyver_model::read::read_file(full, ReadLimits::new(max_size)) {
        Ok(bytes) => SourceFile::decode(rel, bytes),
        Err(e @ polyver_model::read::ReadError::TooLarge { .. }) => Err(Diagnostic::warning(
            DiagnosticCode::FileTooLarge,
            rel,
            0,
            e.to_string(),
        )),
        Err(e) => Err(Diagnostic::error(
            DiagnosticCode::IoError,
            rel,
            0,
            format!("cannot read file: {e}"),
        )),
    }
}

/// Both the full-path set and the name-only set of a glob list (see the module docs).
#[derive(Clone)]
pub(crate) struct Globs {
    by_path: GlobSet,
    by_name: GlobSet,
}

pub(crate) fn glob_set(globs: &[String]) -> Result<Option<Globs>, ScanConfigError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut by_path = GlobSetBuilder::new();
    let mut by_name = GlobSetBuilder::new();
    for g in globs {
        let err = |source| ScanConfigError::Glob {
            glob: g.clone(),
            source,
        };
        let trimmed = g.trim_start_matches("./").trim_end_matches('/');
        if trimmed.contains('/') {
            let glob = GlobBuilder::new(trimmed.trim_start_matches('/'))
                .literal_separator(true)
                .build()
                .map_err(err)?;
            by_path.add(glob);
        } else {
            by_name.add(Glob::new(trimmed).map_err(err)?);
        }
    }
    let build = |b: GlobSetBuilder, g: &str| {
        b.build().map_err(|source| ScanConfigError::Glob {
            glob: g.to_string(),
            source,
        })
    };
    let joined = globs.join(", ");
    Ok(Some(Globs {
        by_path: build(by_path, &joined)?,
        by_name: build(by_name, &joined)?,
    }))
}

pub(crate) fn matches_set(set: &Globs, rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    set.by_path.is_match(rel) || set.by_name.is_match(name)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_cuts_the_root_like_strip_prefix() {
        for (root, path, rel) in [
            ("/r", "/r/a/b.txt", "a/b.txt"),
            ("/r/", "/r/a", "a"),
            (".", "./a/b", "a/b"),
            ("/", "/a", "a"),
            ("/r", "/r", ""),
            ("dir/.", "dir/./x", "x"),
        ] {
            let (root, path) = (Path::new(root), Path::new(path));
            assert_eq!(relative(root, path), rel, "{root:?} {path:?}");
            assert_eq!(
                relative(root, path),
                path.strip_prefix(root).unwrap().to_str().unwrap()
            );
        }
        // Not a component boundary: left to `strip_prefix` (which keeps the path).
        assert_eq!(relative(Path::new("/r"), Path::new("/rx/a")), "/rx/a");
    }
}
