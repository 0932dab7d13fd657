//! A fresh, empty directory under the system temp dir for one test: named by the test file,
//! the test's own name, the process and a counter, so parallel tests never share one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub fn fresh_dir(file: &str, name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "polyver-cli-{file}-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
