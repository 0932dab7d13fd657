//! A file as extractors see it: repo-relative path plus decoded text, read once.
//!
//! Decoding lives here so every extractor gets the same rules: a UTF-8 BOM is stripped,
//! UTF-16 with a BOM (what `pip freeze > requirements.txt` writes in Windows PowerShell) is
//! decoded, and anything else that is not UTF-8 becomes a `not-utf8` diagnostic instead of
//! garbage. Positions are 1-based lines and character columns, computed from byte offsets.

use polyver_model::{Diagnostic, DiagnosticCode, Location};
use std::path::{Component as PathComponent, Path, PathBuf};

/// A decoded file. `root` is set when the file came from disk, so includes can be read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    path: String,
    text: String,
    line_starts: Vec<usize>,
    root: Option<PathBuf>,
    max_size: u64,
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
            root: None,
            max_size: u64::MAX,
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
    /// `max_size`.
    pub fn load(root: &Path, rel: &str, max_size: u64) -> Result<SourceFile, Diagnostic> {
        let full = root.join(rel);
        let io_err = |e: std::io::Error| {
            Diagnostic::error(
                DiagnosticCode::IoError,
                rel,
                0,
                format!("cannot read file: {e}"),
            )
        };
        let meta = std::fs::metadata(&full).map_err(io_err)?;
        if meta.len() > max_size {
            return Err(too_large(rel, meta.len(), max_size));
        }
        let bytes = std::fs::read(&full).map_err(io_err)?;
        let mut file = SourceFile::decode(rel, bytes)?;
        file.root = Some(root.to_path_buf());
        file.max_size = max_size;
        Ok(file)
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
    /// inside the scanned root. Returns the repo-relative path of the target either way, so
    /// callers can detect cycles before reading.
    pub fn open_relative(&self, rel: &str) -> Result<SourceFile, IncludeError> {
        let target = self
            .resolve_relative(rel)
            .ok_or(IncludeError::OutsideRoot)?;
        let Some(root) = &self.root else {
            return Err(IncludeError::NoFilesystem);
        };
        if !root.join(&target).is_file() {
            return Err(IncludeError::NotFound(target));
        }
        SourceFile::load(root, &target, self.max_size).map_err(IncludeError::Unreadable)
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
    #[error("{}", .0.message)]
    Unreadable(Diagnostic),
}

pub(crate) fn too_large(rel: &str, size: u64, max: u64) -> Diagnostic {
    Diagnostic::warning(
        DiagnosticCode::FileTooLarge,
        rel,
        0,
        format!("file is {size} bytes, over the {max}-byte limit; not scanned"),
    )
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
