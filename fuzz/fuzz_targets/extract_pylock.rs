//! The `pylock` extractor (PEP 751) on arbitrary bytes (decoded lossily), as the file
//! `pylock.toml`: it must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractor;
use polyver_extract::SourceFile;
use polyver_model::Format;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text("pylock.toml", text.into_owned());
    let _ = extractor(Format::Pylock).extract(&file);
});
