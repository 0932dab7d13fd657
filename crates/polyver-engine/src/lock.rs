//! Reading polyver.lock for `lock --check` and the gate.

use crate::EngineError;
use polyver_lock::LockEntry;
use std::path::Path;

/// polyver.lock files larger than this are refused (a real one is a few MiB).
pub const MAX_LOCK_SIZE: u64 = 256 << 20;

/// Reads and parses polyver.lock: an input error when it is missing, too large or malformed
/// (with file:line).
pub fn read_lock(path: &Path) -> Result<Vec<LockEntry>, EngineError> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > MAX_LOCK_SIZE {
            return Err(EngineError::input(
                format!(
                    "{} is {} bytes, more than polyver reads ({} MiB)",
                    path.display(),
                    meta.len(),
                    MAX_LOCK_SIZE >> 20
                ),
                Some("is it really a polyver.lock? `polyver lock` rewrites it".to_string()),
            ));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        EngineError::input(
            format!("cannot read {}: {e}", path.display()),
            Some("run `polyver lock` to write it, and commit it".to_string()),
        )
    })?;
    polyver_lock::parse(&text).map_err(|e| {
        let place = if e.line > 0 {
            format!("{}:{}", path.display(), e.line)
        } else {
            path.display().to_string()
        };
        EngineError::input(format!("{place}: {}", e.message), e.hint)
    })
}
