//! The `version-file` extractor on arbitrary bytes (decoded lossily): the first byte picks the
//! file name, so every sub-format is reached (one-value files, `.tool-versions`,
//! `rust-toolchain.toml`, `mise.toml`), the rest is the file. It must never panic, whatever the
//! input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

const NAMES: &[&str] = &[
    ".python-version",
    ".nvmrc",
    ".node-version",
    ".ruby-version",
    ".tool-versions",
    "rust-toolchain",
    "rust-toolchain.toml",
    "mise.toml",
    ".mise.toml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    let text = String::from_utf8_lossy(rest);
    let file = SourceFile::from_text(name, text.into_owned());
    for extractor in extractors().iter().filter(|x| x.id() == "version-file") {
        let _ = extractor.extract(&file);
    }
});
