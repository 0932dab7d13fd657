//! The store's git metadata reader (`polyver_store::git`) on arbitrary bytes: the input
//! splits at NUL into `.git/HEAD`, `.git/packed-refs`, `.git/config` and a loose ref
//! `.git/refs/heads/main`, written into a temporary repository; `discover` and
//! `name_from_remote` on the origin it finds must never panic.
//!
//! git.rs is compiled in directly (it uses only std): depending on polyver-store would build
//! sqlx, tokio and both database drivers with the sanitizer for a 300-line file reader.
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/polyver-store/src/git.rs"]
mod git;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn repo() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("polyver-fuzz-git-{}", std::process::id()));
        std::fs::create_dir_all(d.join(".git/refs/heads")).expect("temp repo");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let root = repo();
    let git = root.join(".git");
    let mut parts = data.split(|&b| b == 0);
    for name in ["HEAD", "packed-refs", "config", "refs/heads/main"] {
        let path = git.join(name);
        match parts.next() {
            Some(bytes) => std::fs::write(&path, bytes).expect("write"),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    let _ = git::name_from_remote(&text);
    if let Some(info) = git::discover(root) {
        if let Some(origin) = &info.origin {
            let _ = git::name_from_remote(origin);
        }
    }
});
