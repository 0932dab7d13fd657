//! Reading polyver.lock for `lock --check` and the gate.

use crate::EngineError;
use polyver_lock::LockEntry;
use polyver_model::read::{read_file_to_string, ReadError, ReadLimits};
use std::path::Path;

/// polyver.lock files larger than this are refused (a real one is a few MiB).
pub const MAX_LOCK_SIZE: u64 = 256 << 20;

/// Reads and parses polyver.lock: an input error when it is missing, too large or malformed
/// (with file:line).
pub fn read_lock(path: &Path) -> Result<Vec<LockEntry>, EngineError> {
    // In the repository: a regular file (a FIFO must not hang `check`), not a symlink
    // (`polyver lock` never writes one), read up to the cap whatever its metadata says.
    let limits = ReadLimits::new(MAX_LOCK_SIZE);
    let text = match read_file_to_string(path, limits) {
        Ok(text) => text,
        Err(ReadError::TooLarge { size, .. }) => {
            let size = size.map_or_else(String::new, |n| format!("{n} bytes, "));
            return Err(EngineError::input(
                format!(
                    "{} is {size}more than polyver reads ({} MiB)",
                    path.display(),
                    MAX_LOCK_SIZE >> 20
                ),
                Some("is it really a polyver.lock? `polyver lock` rewrites it".to_string()),
            ));
        }
        Err(e) => {
            return Err(EngineError::input(
                format!("cannot read {}: {e}", path.display()),
                Some("run `polyver lock` to write it, and commit it".to_string()),
            ))
        }
    };
    polyver_lock::parse(&text).map_err(|e| {
        let place = if e.line > 0 {
            format!("{}:{}", path.display(), e.line)
        } else {
            path.display().to_string()
        };
        EngineError::input(format!("{place}: {}", e.message), e.hint)
    })
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so a
/// crash never leaves half a file (also used for the polyver.toml `init` writes).
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| polyver_lock::FILE_NAME.into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// What `polyver lock` wrote.
pub struct Written {
    pub components: usize,
    /// The files the entries come from.
    pub files: usize,
    /// False when polyver.lock already said exactly this (it is then not rewritten).
    pub written: bool,
}

/// Records `entries` in the polyver.lock at `path`, unless it already holds them.
pub fn write_lock(path: &Path, entries: &[LockEntry]) -> Result<Written, EngineError> {
    let files: std::collections::BTreeSet<&str> = entries
        .iter()
        .flat_map(|e| e.files.iter().map(String::as_str))
        .collect();
    let text = polyver_lock::render(entries);
    let unchanged =
        read_file_to_string(path, ReadLimits::new(MAX_LOCK_SIZE)).is_ok_and(|old| old == text);
    if !unchanged {
        write_atomically(path, &text).map_err(|e| {
            EngineError::environment(
                format!("cannot write {}: {e}", path.display()),
                Some("check the directory's permissions and free space".into()),
            )
        })?;
    }
    Ok(Written {
        components: entries.len(),
        files: files.len(),
        written: !unchanged,
    })
}
