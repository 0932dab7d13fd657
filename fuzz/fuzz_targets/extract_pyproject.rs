//! The `pyproject` extractor on arbitrary bytes (decoded lossily), as the file `pyproject.toml`: it must
//! never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text("pyproject.toml", text.into_owned());
    for extractor in extractors().iter().filter(|x| x.id() == "pyproject") {
        let _ = extractor.extract(&file);
    }
});
