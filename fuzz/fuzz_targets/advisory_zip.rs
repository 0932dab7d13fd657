//! The OSV export zip import on arbitrary bytes, with the default limits: a damaged or
//! hostile archive must be an error (or skipped entries), never a panic or an unbounded
//! allocation (libFuzzer's RSS and malloc limits catch the latter).
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_advisory::import::{import_zip, ImportLimits};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = import_zip(
        std::io::Cursor::new(data),
        Path::new("all.zip"),
        &ImportLimits::default(),
    );
});
