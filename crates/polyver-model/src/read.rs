//! The one way polyver reads a file that a scanned repository controls: manifests, includes,
//! `polyver.toml`, `.versions.yaml`, `polyver.lock`, git metadata, licence files.
//!
//! polyver runs in CI on repositories it does not trust, so a read must not leave the tree,
//! hang or exhaust memory:
//! - files are opened with `O_NONBLOCK | O_NOFOLLOW` (unix) and the type is checked on the
//!   open handle (`fstat`), so a FIFO, device or socket is refused instead of blocking, and a
//!   symlink swapped in after a check is not followed;
//! - at most `max_bytes + 1` bytes are read, whatever the metadata says (procfs files report
//!   size 0; a file may grow while read);
//! - under a scan root ([`read_in_root`]), a path with `..`, an absolute path or a symlink in
//!   any component is refused unless symlink following is on.
//!
//! [`excerpt`] is the one way a diagnostic quotes file content: short and escaped, so a
//! secret the scanner was tricked into reading is not printed or stored.

use std::io::Read;
use std::path::{Component, Path};

/// What a read may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Files larger than this are refused ([`ReadError::TooLarge`]).
    pub max_bytes: u64,
    /// Follow symlinks (`--follow-symlinks`); off, a symlink anywhere in the path is refused.
    pub follow_symlinks: bool,
}

impl ReadLimits {
    /// Symlinks not followed, at most `max_bytes`.
    pub fn new(max_bytes: u64) -> ReadLimits {
        ReadLimits {
            max_bytes,
            follow_symlinks: false,
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file does not exist")]
    NotFound,
    #[error("{link} is a symbolic link; not followed (symlink following is off)")]
    Symlink { link: String },
    #[error("path leaves the scanned directory")]
    OutsideRoot,
    #[error("not a regular file ({kind}); not read")]
    NotRegular { kind: &'static str },
    #[error("{}", too_large_message(*.size, *.max))]
    TooLarge { size: Option<u64>, max: u64 },
    #[error("cannot read file: {0}")]
    Io(std::io::Error),
}

fn too_large_message(size: Option<u64>, max: u64) -> String {
    match size {
        Some(size) => format!("file is {size} bytes, over the {max}-byte limit; not scanned"),
        None => format!("file is over the {max}-byte limit; not scanned"),
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            return ReadError::NotFound;
        }
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENOTDIR) {
            return ReadError::NotFound;
        }
        ReadError::Io(e)
    }
}

/// Reads `rel` (`/`-separated, relative) under `root`, which is trusted as given; see the
/// module docs for what is refused.
pub fn read_in_root(root: &Path, rel: &str, limits: ReadLimits) -> Result<Vec<u8>, ReadError> {
    let rel_path = Path::new(rel);
    let mut full = root.to_path_buf();
    let mut parts = rel_path.components().peekable();
    if parts.peek().is_none() {
        return Err(ReadError::NotFound);
    }
    while let Some(part) = parts.next() {
        match part {
            Component::Normal(name) => full.push(name),
            Component::CurDir => continue,
            _ => return Err(ReadError::OutsideRoot),
        }
        // The last component is checked by O_NOFOLLOW on open, atomically.
        if parts.peek().is_some() && !limits.follow_symlinks {
            let meta = std::fs::symlink_metadata(&full)?;
            if meta.file_type().is_symlink() {
                let link = full.strip_prefix(root).unwrap_or(&full);
                return Err(ReadError::Symlink {
                    link: link.to_string_lossy().replace('\\', "/"),
                });
            }
        }
    }
    read_file(&full, limits).map_err(|e| match e {
        ReadError::Symlink { .. } => ReadError::Symlink {
            link: rel.to_string(),
        },
        other => other,
    })
}

/// Reads `path` (under `root`), which may pass through symlinks as long as the file it lands
/// on is inside `root`: for installed packages, where pnpm's `node_modules` is a farm of
/// links into `node_modules/.pnpm`.
pub fn read_contained(root: &Path, path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let root = root.canonicalize()?;
    let real = path.canonicalize()?;
    if !real.starts_with(&root) {
        return Err(ReadError::OutsideRoot);
    }
    read_file(&real, ReadLimits::new(max_bytes))
}

/// Reads the file at `path` (not confined to a root); see the module docs.
pub fn read_file(path: &Path, limits: ReadLimits) -> Result<Vec<u8>, ReadError> {
    let file = open(path, limits.follow_symlinks)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular {
            kind: type_name(&kind),
        });
    }
    if meta.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            max: limits.max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(ReadError::TooLarge {
            size: None,
            max: limits.max_bytes,
        });
    }
    Ok(bytes)
}

/// [`read_file`] decoded as UTF-8 (invalid sequences are an [`ReadError::Io`] of kind
/// `InvalidData`).
pub fn read_file_to_string(path: &Path, limits: ReadLimits) -> Result<String, ReadError> {
    String::from_utf8(read_file(path, limits)?).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

#[cfg(unix)]
fn open(path: &Path, follow_symlinks: bool) -> Result<std::fs::File, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if !follow_symlinks {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| {
            if !follow_symlinks && e.raw_os_error() == Some(libc::ELOOP) {
                ReadError::Symlink {
                    link: path.to_string_lossy().into_owned(),
                }
            } else {
                e.into()
            }
        })
}

#[cfg(not(unix))]
fn open(path: &Path, follow_symlinks: bool) -> Result<std::fs::File, ReadError> {
    if !follow_symlinks && std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(ReadError::Symlink {
            link: path.to_string_lossy().into_owned(),
        });
    }
    Ok(std::fs::File::open(path)?)
}

fn type_name(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// The longest excerpt of file content a diagnostic quotes, in characters.
pub const EXCERPT_MAX_CHARS: usize = 80;

/// `text` as a diagnostic may quote it: control characters escaped (`\n`, `\u{0}`, ...) and
/// cut to [`EXCERPT_MAX_CHARS`] characters, with `…` when cut.
pub fn excerpt(text: &str) -> String {
    clamp(text, EXCERPT_MAX_CHARS)
}

/// `text` with control characters escaped and at most `max_chars` characters (a cut is
/// marked with a trailing `…`, counted).
pub fn clamp(text: &str, max_chars: usize) -> String {
    let escaped = text.chars().flat_map(|c| {
        let piece: Vec<char> = if c.is_control() {
            c.escape_debug().collect()
        } else {
            vec![c]
        };
        piece
    });
    let mut out: String = escaped.clone().take(max_chars).collect();
    if escaped.clone().nth(max_chars).is_some() {
        out = out.chars().take(max_chars.saturating_sub(1)).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_escapes_and_cuts() {
        assert_eq!(excerpt("abc"), "abc");
        assert_eq!(excerpt("a\u{0}b\x1b[31m\n"), "a\\0b\\u{1b}[31m\\n");
        let long = "x".repeat(1000);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_MAX_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(&"y".repeat(EXCERPT_MAX_CHARS)), "y".repeat(80));
    }

    #[test]
    fn caps_and_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "0123456789").unwrap();
        let limits = ReadLimits::new(10);
        assert_eq!(read_in_root(dir.path(), "a.txt", limits).unwrap().len(), 10);
        assert!(matches!(
            read_in_root(dir.path(), "a.txt", ReadLimits::new(9)),
            Err(ReadError::TooLarge {
                size: Some(10),
                max: 9
            })
        ));
        assert!(matches!(
            read_in_root(dir.path(), "missing", limits),
            Err(ReadError::NotFound)
        ));
        assert!(matches!(
            read_in_root(dir.path(), "a.txt/b", limits),
            Err(ReadError::NotFound)
        ));
        assert!(matches!(
            read_in_root(dir.path(), "../a.txt", limits),
            Err(ReadError::OutsideRoot)
        ));
        std::fs::create_dir(dir.path().join("d")).unwrap();
        assert!(matches!(
            read_in_root(dir.path(), "d", limits),
            Err(ReadError::NotRegular { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_in_root(dir.path(), "f", ReadLimits::new(100)).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a FIFO); not read");
    }

    #[cfg(unix)]
    #[test]
    fn procfs_files_are_capped_by_reading() {
        // Reports size 0 in its metadata; only the read itself can enforce the cap.
        let limits = ReadLimits {
            max_bytes: 4,
            follow_symlinks: true,
        };
        if Path::new("/proc/self/status").exists() {
            assert!(matches!(
                read_file(Path::new("/proc/self/status"), limits),
                Err(ReadError::TooLarge { size: None, .. })
            ));
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_in_any_component_are_refused_unless_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=hunter2").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join("s")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("dir")).unwrap();
        let no = ReadLimits::new(100);
        for rel in ["s", "dir/secret"] {
            let err = read_in_root(root.path(), rel, no).unwrap_err();
            assert!(matches!(err, ReadError::Symlink { .. }), "{rel}: {err}");
        }
        let yes = ReadLimits {
            follow_symlinks: true,
            ..no
        };
        assert_eq!(
            read_in_root(root.path(), "dir/secret", yes).unwrap().len(),
            13
        );
    }
}
