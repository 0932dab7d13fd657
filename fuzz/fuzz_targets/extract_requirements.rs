//! The `requirements` extractor on arbitrary bytes (decoded lossily): the first byte picks the
//! file name (`requirements.txt`, `requirements-dev.txt` or `constraints.txt`, which set the
//! scope and the constraint flag), the rest is the file. It must never panic, whatever the input;
//! `-r`/`-c` includes are not followed (the file has no filesystem behind it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

const NAMES: &[&str] = &[
    "requirements.txt",
    "requirements-dev.txt",
    "constraints.txt",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    let text = String::from_utf8_lossy(rest);
    let file = SourceFile::from_text(name, text.into_owned());
    for extractor in extractors().iter().filter(|x| x.id() == "requirements") {
        let _ = extractor.extract(&file);
    }
});
