//! The advisory database reader on arbitrary bytes written to a file: `Database::open`,
//! every key's lookup and blob load, `verify` (every checksum), and `touch` (which reads the
//! catalog and every blob back to rewrite the file) must report a damaged file, never panic
//! or allocate what the file cannot hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_advisory::db::{touch, Database};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("polyver-fuzz-db-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let path = Database::file_in(dir());
    std::fs::write(&path, data).expect("write the input");
    let Ok(db) = Database::open(&path) else {
        return;
    };
    let _ = db.advisory_count();
    let ecosystems: BTreeSet<String> = db.ecosystems().keys().cloned().collect();
    let keys: Vec<(String, String)> = db
        .packages()
        .map(|(e, n)| (e.to_string(), n.to_string()))
        .collect();
    for (eco, name) in &keys {
        for &blob in db.lookup(eco, name) {
            let _ = db.load(blob);
        }
    }
    let _ = db.load(u32::MAX);
    let _ = db.verify();
    drop(db);
    let _ = touch(&path, &ecosystems, 1);
});
