//! The YAML mirrors of polyver.toml on arbitrary bytes (decoded lossily): the
//! `.versions.yaml` and `.compatibility-matrix.yaml` readers must report errors, never panic
//! (aliases, deep nesting and odd scalars included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_config::mirror::{parse_matrix, parse_versions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_versions(Path::new(".versions.yaml"), &text);
    let _ = parse_matrix(Path::new(".compatibility-matrix.yaml"), &text);
});
