//! The `migrations` extractor on arbitrary bytes (decoded lossily), under every file name
//! shape it claims (Alembic, Django, Flyway, golang-migrate, Rails schema, Liquibase XML,
//! YAML, JSON): it must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;

const NAMES: &[&str] = &[
    "alembic/versions/x.py",
    "app/migrations/0001_initial.py",
    "db/migration/V1__x.sql",
    "db/migrations/000001_x.up.sql",
    "db/schema.rb",
    "db.changelog-master.xml",
    "db.changelog-master.yaml",
    "db.changelog-master.json",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for extractor in extractors().iter().filter(|x| x.id() == "migrations") {
        for name in NAMES {
            let file = SourceFile::from_text(*name, text.clone().into_owned());
            let _ = extractor.extract(&file);
        }
    }
});
