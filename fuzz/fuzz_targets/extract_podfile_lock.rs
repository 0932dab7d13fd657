//! The `podfile-lock` extractor on arbitrary bytes (lossily decoded), as `Podfile.lock`: it must never
//! panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text("Podfile.lock", text.as_ref());
    for x in extractors().iter().filter(|x| x.id() == "podfile-lock") {
        let _ = x.extract(&file);
    }
});
