//! The `gradle-wrapper` extractor on arbitrary bytes (lossily decoded), as `gradle/wrapper/gradle-wrapper.properties`: it must never
//! panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text("gradle/wrapper/gradle-wrapper.properties", text.as_ref());
    for x in extractors().iter().filter(|x| x.id() == "gradle-wrapper") {
        let _ = x.extract(&file);
    }
});
