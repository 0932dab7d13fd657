//! The `github-actions` extractor (GitHub Actions workflows) on arbitrary bytes decoded as UTF-8 lossily: it must
//! never panic, and YAML limits (aliases, nesting) must keep each run short.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text(".github/workflows/ci.yml", text.into_owned());
    for x in extractors().iter().filter(|x| x.id() == "github-actions") {
        let _ = x.extract(&file);
    }
});
