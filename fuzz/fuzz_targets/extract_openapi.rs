//! The `openapi` extractor (OpenAPI/Swagger documents) on arbitrary bytes decoded as UTF-8
//! lossily, under a YAML and a JSON file name: it must never panic, and parser limits must
//! keep each run short.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for path in ["openapi.yaml", "api/swagger.json"] {
        let file = SourceFile::from_text(path, text.clone().into_owned());
        for x in extractors().iter().filter(|x| x.id() == "openapi") {
            let _ = x.extract(&file);
        }
    }
});
