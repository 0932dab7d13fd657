//! Every registered format with its role, so a new one shows up in review.

use polyver_extract::registry;
use polyver_model::Format;
use std::fmt::Write;

#[test]
fn registered_formats() {
    let mut table = String::new();
    for format in Format::ALL {
        let info = format.info();
        let extractor = registry::extractor(*format);
        // A format chosen by content (requirements-lock) is written by another's extractor.
        assert!(extractor.format() == *format || extractor.also_writes().contains(format));
        let resolves: Vec<&str> = info.resolves.iter().map(|f| f.id()).collect();
        writeln!(
            table,
            "{:<16} {:<15} {:<15} {:<13} {}",
            info.id,
            info.role.id(),
            info.ecosystem.map_or("(several)", |e| e.id()),
            if resolves.is_empty() {
                "-".to_string()
            } else {
                resolves.join(",")
            },
            info.files
        )
        .unwrap();
    }
    insta::assert_snapshot!(table);
}
