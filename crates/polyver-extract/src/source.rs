//! A file as extractors see it: repo-relative path plus decoded text, read once.
//!
//! Decoding lives here so every extractor gets the same rules: a UTF-8 BOM is stripped,
//! UTF-16 with a BOM (what `pip freeze > requirements.txt` writes in Windows PowerShell) is
//! decoded, and anything else that is not UTF-8 becomes a `not-utf8` diagnostic instead of
//! garbage. Positions are 1-based lines and character columns, computed from byte offsets.
//!
//! Every read, of a scanned file or of an include (`-r`, a pom parent, compose's `.env`),
//! goes through [`polyver_model::read::read_in_root`]: it stays inside the scanned root, does
//! not follow symlinks unless `follow_symlinks` is set, opens regular files only (a FIFO
//! cannot hang the scan) and caps the bytes read. Files of one scan share a [`ScanContext`],
//! which also memoizes work an extractor would otherwise repeat from every file that
//! includes the same file.

use polyver_model::read::{read_in_root, ReadError, ReadLimits};
use polyver_model::{Diagnostic, DiagnosticCode, Location};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Component as PathComponent, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What the files of one scan share: the root, how to read under it, and a memo.
pub struct ScanContext {
    root: PathBuf,
    limits: ReadLimits,
    files_read: AtomicU64,
    memo: Mutex<HashMap<(TypeId, String), Arc<dyn Any + Send + Sync>>>,
}

impl ScanContext {
    pub fn new(root: &Path, limits: ReadLimits) -> Arc<ScanContext> {
        Arc::new(ScanContext {
            root: root.to_path_buf(),
            limits,
            files_read: AtomicU64::new(0),
            memo: Mutex::new(HashMap::new()),
        })
    }

    /// Files read from disk so far (scanned files and includes, successful or not).
    pub fn files_read(&self) -> u64 {
        self.files_read.load(Ordering::Relaxed)
    }

    /// Reads and decodes `rel` (repo-relative, `/` separators); a failure is a diagnostic
    /// on `rel`.
    pub fn load(self: &Arc<Self>, rel: &str) -> Result<SourceFile, Diagnostic> {
        self.read(rel).map_err(|e| match e {
            Err(d) => d,
            Ok(e @ ReadError::TooLarge { .. }) => {
                Diagnostic::warning(DiagnosticCode::FileTooLarge, rel, 0, e.to_string())
            }
            Ok(ReadError::NotFound) => Diagnostic::error(
                DiagnosticCode::IoError,
                rel,
                0,
                "cannot read file: file does not exist",
            ),
            Ok(e) => Diagnostic::error(DiagnosticCode::IoError, rel, 0, e.to_string()),
        })
    }

    /// The error is the read's, or the decoding diagnostic.
    fn read(self: &Arc<Self>, rel: &str) -> Result<SourceFile, Result<ReadError, Diagnostic>> {
        self.files_read.fetch_add(1, Ordering::Relaxed);
        let bytes = read_in_root(&self.root, rel, self.limits).map_err(Ok)?;
        let mut file = SourceFile::decode(rel, bytes).map_err(Err)?;
        file.context = Some(Arc::clone(self));
        Ok(file)
    }

    fn memoized<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        let memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        let value = memo.get(&(TypeId::of::<T>(), key.to_string()))?;
        Arc::clone(value).downcast::<T>().ok()
    }

    fn remember<T: Any + Send + Sync>(&self, key: &str, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        let stored = memo
            .entry((TypeId::of::<T>(), key.to_string()))
            .or_insert_with(|| value.clone() as Arc<dyn Any + Send + Sync>);
        Arc::clone(stored).downcast::<T>().unwrap_or(value)
    }
}

impl std::fmt::Debug for ScanContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanContext")
            .field("root", &self.root)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A decoded file. `context` is set when the file came from disk, so includes can be read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    path: String,
    text: String,
    line_starts: Vec<usize>,
    context: Option<Arc<ScanContext>>,
}

impl SourceFile {
    /// A file from memory (tests, stdin). Includes cannot be followed.
    pub fn from_text(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            context: None,
        }
    }

    /// Decodes raw bytes (see the module docs for the rules).
    pub fn decode(path: impl Into<String>, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
        let path = path.into();
        let utf16 = |le: bool| -> Option<String> {
            let units = bytes[2..].chunks(2).map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        };
        let text = if bytes.starts_with(&[0xFF, 0xFE]) {
            utf16(true)
        } else if bytes.starts_with(&[0xFE, 0xFF]) {
            utf16(false)
        } else {
            match String::from_utf8(bytes) {
                Ok(s) => Some(s),
                Err(e) => {
                    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = valid.iter().filter(|b| **b == b'\n').count() as u32 + 1;
                    return Err(Diagnostic::error(
                        DiagnosticCode::NotUtf8,
                        path,
                        line,
                        format!(
                            "file is not valid UTF-8 (invalid byte at offset {})",
                            valid.len()
                        ),
                    ));
                }
            }
        };
        match text {
            Some(t) => Ok(SourceFile::from_text(path, t)),
            None => Err(Diagnostic::error(
                DiagnosticCode::NotUtf8,
                path,
                0,
                "file has a UTF-16 byte order mark but is not valid UTF-16",
            )),
        }
    }

    /// Reads `rel` (repo-relative, `/` separators) under `root`, refusing files larger than
    /// `max_size` (a scan of its own: symlinks not followed, nothing memoized with others).
    pub fn load(root: &Path, rel: &str, max_size: u64) -> Result<SourceFile, Diagnostic> {
        ScanContext::new(root, ReadLimits::new(max_size)).load(rel)
    }

    /// Repo-relative path with `/` separators.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The last path segment.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|s| *s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }

    /// The text of 1-based line `line`, without its terminator; `None` for 0 or past the end.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text.get(start..end)
    }

    /// The location of a byte offset.
    pub fn location_at(&self, offset: usize) -> Location {
        let (line, col) = self.line_col(offset);
        Location::new(self.path.clone(), line).with_column(col)
    }

    /// A location on a 1-based line, without a column.
    pub fn location(&self, line: u32) -> Location {
        Location::new(self.path.clone(), line)
    }

    /// Opens a file named relative to this file's directory (`-r ../base.txt`), staying
    /// inside the scanned root (see the module docs for what else is refused).
    pub fn open_relative(&self, rel: &str) -> Result<SourceFile, IncludeError> {
        let target = self
            .resolve_relative(rel)
            .ok_or(IncludeError::OutsideRoot)?;
        self.open_repo_path(&target)
    }

    /// Opens a file by its repo-relative path, in this file's scan.
    pub fn open_repo_path(&self, target: &str) -> Result<SourceFile, IncludeError> {
        let Some(context) = &self.context else {
            return Err(IncludeError::NoFilesystem);
        };
        context.read(target).map_err(|e| match e {
            Ok(ReadError::NotFound) => IncludeError::NotFound(target.to_string()),
            Ok(e @ (ReadError::Symlink { .. } | ReadError::OutsideRoot)) => {
                IncludeError::Rejected(target.to_string(), e.to_string())
            }
            Ok(e @ ReadError::TooLarge { .. }) => IncludeError::Unreadable(Diagnostic::warning(
                DiagnosticCode::FileTooLarge,
                target,
                0,
                e.to_string(),
            )),
            Ok(e) => IncludeError::Unreadable(Diagnostic::error(
                DiagnosticCode::IoError,
                target,
                0,
                e.to_string(),
            )),
            Err(d) => IncludeError::Unreadable(d),
        })
    }

    /// The value remembered under `key` in this scan, if any (never for in-memory files).
    pub fn memoized<T: Any + Send + Sync>(&self, key: &str) -> Option<Arc<T>> {
        self.context.as_ref()?.memoized(key)
    }

    /// Remembers `value` under `key` for the rest of the scan (the first value stored for a
    /// key wins) and returns the stored value.
    pub fn remember<T: Any + Send + Sync>(&self, key: &str, value: T) -> Arc<T> {
        match &self.context {
            Some(context) => context.remember(key, value),
            None => Arc::new(value),
        }
    }

    /// The repo-relative path `rel` refers to from this file, or `None` when it leaves the
    /// root (absolute paths, too many `..`).
    pub fn resolve_relative(&self, rel: &str) -> Option<String> {
        let rel = rel.replace('\\', "/");
        if rel.starts_with('/') || Path::new(&rel).is_absolute() {
            return None;
        }
        let mut parts: Vec<&str> = self.path.split('/').collect();
        parts.pop();
        for comp in Path::new(&rel).components() {
            match comp {
                PathComponent::Normal(s) => parts.push(s.to_str()?),
                PathComponent::ParentDir => {
                    parts.pop()?;
                }
                PathComponent::CurDir => {}
                _ => return None,
            }
        }
        Some(parts.join("/"))
    }
}

/// Why an include could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IncludeError {
    #[error("include leaves the scanned directory")]
    OutsideRoot,
    #[error("includes are not followed for in-memory files")]
    NoFilesystem,
    #[error("included file {0} does not exist")]
    NotFound(String),
    /// A symlink (not followed) or a path out of the root; the reason is the message.
    #[error("include {0} not read: {1}")]
    Rejected(String, String),
    #[error("{}", .0.message)]
    Unreadable(Diagnostic),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_positions() {
        let f = SourceFile::from_text("a.txt", "\u{feff}ab\nçd\n");
        assert_eq!(f.text(), "ab\nçd\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(5), (2, 2));
    }

    #[test]
    fn utf16_and_invalid() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "x==1\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(SourceFile::decode("r.txt", bytes).unwrap().text(), "x==1\n");
        let err = SourceFile::decode("r.txt", b"a\nb\xff".to_vec()).unwrap_err();
        assert_eq!(err.code, DiagnosticCode::NotUtf8);
        assert_eq!(err.line, 2);
    }

    #[test]
    fn relative_resolution() {
        let f = SourceFile::from_text("req/dev.txt", "");
        assert_eq!(f.resolve_relative("base.txt").unwrap(), "req/base.txt");
        assert_eq!(f.resolve_relative("../a/./b.txt").unwrap(), "a/b.txt");
        assert_eq!(f.resolve_relative("../../x.txt"), None);
        assert_eq!(f.resolve_relative("/etc/passwd"), None);
    }
}
