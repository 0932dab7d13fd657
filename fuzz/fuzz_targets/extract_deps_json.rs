//! The `deps-json` extractor on arbitrary bytes (lossily decoded), as `app.deps.json`: it must never
//! panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text("app.deps.json", text.as_ref());
    for x in extractors().iter().filter(|x| x.id() == "deps-json") {
        let _ = x.extract(&file);
    }
});
