//! `polyver_config::parse` on arbitrary bytes (decoded lossily) as `polyver.toml`: every
//! section ([scan], [approved], [[compat]], [audit], [licenses]) must report errors, never
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = polyver_config::parse(Path::new("polyver.toml"), &text);
});
