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
