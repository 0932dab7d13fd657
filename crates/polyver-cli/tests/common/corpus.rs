//! The generated monorepo (shared/corpus/gen_monorepo.py) for end-to-end tests: where
//! shared/ is, and one call that writes a corpus into a fresh temporary directory.

use std::path::{Path, PathBuf};

/// `POLYVER_SHARED_DIR`, else `shared/` beside the repository (the CI layout).
pub fn shared_dir() -> PathBuf {
    std::env::var_os("POLYVER_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Writes a corpus (`services`, `filler` files, `seed`) into a fresh temp directory named
/// after `name`; `None` when the generator is missing (after [`polyver_testkit::skip`], which
/// fails in CI).
pub fn generate(name: &str, services: u32, filler: u32, seed: u32) -> Option<PathBuf> {
    let script = shared_dir().join("corpus/gen_monorepo.py");
    if !script.exists() {
        polyver_testkit::skip(
            "shared/corpus/gen_monorepo.py not found",
            "put the shared data beside the repository, or set POLYVER_SHARED_DIR",
        );
        return None;
    }
    let dir = std::env::temp_dir().join(format!("polyver-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(&dir)
        .args(["--services", &services.to_string()])
        .args(["--filler", &filler.to_string()])
        .args(["--seed", &seed.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs the corpus generator");
    assert!(status.success(), "gen_monorepo.py failed");
    Some(dir)
}
