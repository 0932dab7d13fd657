//! The `sbom` extractor (CycloneDX / SPDX JSON) on arbitrary bytes decoded as UTF-8 lossily, under each
//! file name it reads: it must never panic, and parser limits must keep each run short.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for path in ["bom.cdx.json"] {
        let file = SourceFile::from_text(path, text.clone().into_owned());
        for x in extractors().iter().filter(|x| x.id() == "sbom") {
            let _ = x.extract(&file);
        }
    }
});
