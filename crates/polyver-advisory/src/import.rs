//! Reading OSV advisories from a folder of JSON files or from a zip in the layout of OSV's
//! per-ecosystem `all.zip` exports (one `<ID>.json` per advisory).
//!
//! A zip comes from the network, so it is read defensively: entry names with `..` or an
//! absolute path, too many entries, an entry or a total larger than the limits, or an entry
//! that inflates more than `max_ratio` times (a zip bomb) refuse the whole archive before
//! anything is stored. Declared sizes are not trusted: reads are capped. A corrupt advisory
//! is only skipped, with a warning naming it, so one bad record does not block an update.

use crate::osv::Advisory;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

/// Limits on what an import accepts.
#[derive(Clone, Copy, Debug)]
pub struct ImportLimits {
    pub max_entries: usize,
    pub max_entry_size: u64,
    pub max_total_size: u64,
    /// Uncompressed / compressed size of one entry.
    pub max_ratio: u64,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_entries: 2_000_000,
            max_entry_size: 16 << 20,
            max_total_size: 8 << 30,
            max_ratio: 100,
        }
    }
}

/// An advisory that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file or zip entry.
    pub source: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning: {}: skipped: {}", self.source, self.message)
    }
}

/// What an import read.
#[derive(Debug, Default)]
pub struct Imported {
    pub advisories: Vec<Advisory>,
    pub warnings: Vec<Warning>,
    /// Advisories marked `withdrawn` (not stored: they must never match).
    pub withdrawn: usize,
}

impl Imported {
    fn take(&mut self, source: String, bytes: &[u8]) {
        match Advisory::from_json(bytes) {
            Ok(a) if a.withdrawn.is_some() => self.withdrawn += 1,
            Ok(a) => self.advisories.push(a),
            Err(message) => self.warnings.push(Warning { source, message }),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid zip archive: {message}")]
    Zip { path: PathBuf, message: String },
    #[error("{path}: refused: {reason}")]
    Refused { path: PathBuf, reason: String },
}

/// Reads every advisory under `path`: a directory (walked for `*.json`) or a `.zip`.
pub fn import_path(path: &Path, limits: &ImportLimits) -> Result<Imported, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return import_dir(path, limits);
    }
    let file = File::open(path).map_err(io)?;
    import_zip(file, path, limits)
}

fn import_dir(root: &Path, limits: &ImportLimits) -> Result<Imported, ImportError> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.map_err(|e| ImportError::Io {
            path: e.path().unwrap_or(root).to_path_buf(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk error")),
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "json") {
            paths.push(entry.into_path());
        }
    }
    paths.sort();
    if paths.len() > limits.max_entries {
        return Err(ImportError::Refused {
            path: root.to_path_buf(),
            reason: format!(
                "{} files, more than the limit of {}",
                paths.len(),
                limits.max_entries
            ),
        });
    }
    let mut out = Imported::default();
    let mut buf = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        buf.clear();
        let read =
            File::open(&path).and_then(|f| f.take(limits.max_entry_size + 1).read_to_end(&mut buf));
        match read {
            Err(e) => out.warnings.push(Warning {
                source: shown,
                message: e.to_string(),
            }),
            Ok(n) if n as u64 > limits.max_entry_size => out.warnings.push(Warning {
                source: shown,
                message: format!("larger than {} bytes", limits.max_entry_size),
            }),
            Ok(_) => out.take(shown, &buf),
        }
    }
    Ok(out)
}

/// Reads an OSV export zip. `path` names it in messages.
pub fn import_zip<R: Read + Seek>(
    reader: R,
    path: &Path,
    limits: &ImportLimits,
) -> Result<Imported, ImportError> {
    let zip_err = |e: zip::result::ZipError| ImportError::Zip {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let refuse = |reason: String| ImportError::Refused {
        path: path.to_path_buf(),
        reason,
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_err)?;
    if archive.len() > limits.max_entries {
        return Err(refuse(format!(
            "{} entries, more than the limit of {}",
            archive.len(),
            limits.max_entries
        )));
    }
    // Check every name and declared size first, so a hostile archive is refused before any
    // inflation.
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(zip_err)?;
        let name = entry.name().to_string();
        if entry.enclosed_name().is_none() || name.split(['/', '\\']).any(|p| p == "..") {
            return Err(refuse(format!(
                "entry `{name}` escapes the archive (path traversal)"
            )));
        }
        if entry.size() > limits.max_entry_size {
            return Err(refuse(format!(
                "entry `{name}` inflates to {} bytes, more than the limit of {}",
                entry.size(),
                limits.max_entry_size
            )));
        }
        if entry.size() > 4096 && entry.size() / entry.compressed_size().max(1) > limits.max_ratio {
            return Err(refuse(format!(
                "entry `{name}` has a compression ratio above {} (a zip bomb?)",
                limits.max_ratio
            )));
        }
        declared_total = declared_total.saturating_add(entry.size());
    }
    if declared_total > limits.max_total_size {
        return Err(refuse(format!(
            "inflates to {declared_total} bytes, more than the limit of {}",
            limits.max_total_size
        )));
    }
    let mut out = Imported::default();
    let mut buf = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(zip_err)?;
        if entry.is_dir() || !entry.name().ends_with(".json") {
            continue;
        }
        let source = format!("{}!{}", path.display(), entry.name());
        let compressed = entry.compressed_size().max(1);
        buf.clear();
        // Declared sizes can lie: never read more than the limit allows.
        let read = entry.take(limits.max_entry_size + 1).read_to_end(&mut buf);
        match read {
            Err(e) => out.warnings.push(Warning {
                source,
                message: e.to_string(),
            }),
            Ok(n) => {
                let n = n as u64;
                total += n;
                if n > limits.max_entry_size || total > limits.max_total_size {
                    return Err(refuse(format!(
                        "entry `{source}` inflates beyond the size limits"
                    )));
                }
                if n > 4096 && n / compressed > limits.max_ratio {
                    return Err(refuse(format!(
                        "entry `{source}` has a compression ratio above {}",
                        limits.max_ratio
                    )));
                }
                out.take(source, &buf);
            }
        }
    }
    Ok(out)
}
