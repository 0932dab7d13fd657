//! The schema-migration extractor on malformed input: each case yields a diagnostic at the
//! offending line (never a panic), and noise, truncation and deep nesting are survived.

mod common;

use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;
use std::path::Path;

const V: &str = "db/alembic/versions/x.py";
const DJ: &str = "shop/migrations/0002_x.py";

/// (file name, malformed content, line the diagnostic must point at)
const MALFORMED: &[(&str, &str, u32)] = &[
    // A computed revision: never evaluated.
    (
        V,
        "import uuid\nrevision = uuid.uuid4().hex\ndown_revision = None\n",
        2,
    ),
    // Unterminated string.
    (V, "revision = 'abc\ndown_revision = None\n", 1),
    // Unclosed merge tuple.
    (V, "revision = 'b'\ndown_revision = (\n    'a',\n", 2),
    // down_revision of the wrong type.
    (V, "revision = 'b'\ndown_revision = 42\n", 2),
    // No down_revision at all.
    (V, "\nrevision = 'b'\n", 2),
    // down_revision without a top-level revision.
    (
        V,
        "def f():\n    revision = 'x'\n\ndown_revision = 'a'\n",
        4,
    ),
    // Empty revision.
    (V, "revision = ''\ndown_revision = None\n", 1),
    // Django dependencies that are not a list.
    (
        DJ,
        "class Migration(migrations.Migration):\n    dependencies = 'shop'\n",
        2,
    ),
    // Django dependency that is not a tuple.
    (
        DJ,
        "class Migration(migrations.Migration):\n    dependencies = ['shop']\n",
        2,
    ),
    // Django list never closed.
    (
        DJ,
        "class Migration(migrations.Migration):\n    dependencies = [\n        ('shop', '0001'),\n",
        2,
    ),
    // Rails schema without a version.
    (
        "db/schema.rb",
        "\nActiveRecord::Schema.define() do\nend\n",
        2,
    ),
    (
        "db/schema.rb",
        "ActiveRecord::Schema[7.1].define(version: x) do\nend\n",
        1,
    ),
    // Liquibase changeSets without id or author.
    (
        "db.changelog-master.xml",
        "<databaseChangeLog>\n  <changeSet id=\"1\">\n  </changeSet>\n</databaseChangeLog>\n",
        2,
    ),
    (
        "db.changelog-master.yaml",
        "databaseChangeLog:\n  - changeSet:\n      author: a\n",
        2,
    ),
    ("db.changelog-master.xml", "<foo/>\n", 1),
    // includeAll is not followed: said so.
    (
        "db.changelog-master.xml",
        "<databaseChangeLog>\n<includeAll path=\"changes/\"/>\n</databaseChangeLog>\n",
        2,
    ),
    // Include outside the repository.
    (
        "db.changelog-master.xml",
        "<databaseChangeLog>\n<include file=\"../../etc/passwd\"/>\n</databaseChangeLog>\n",
        2,
    ),
];

#[test]
fn malformed_files_give_diagnostics_with_lines() {
    let cases: Vec<_> = MALFORMED
        .iter()
        .map(|(name, text, line)| ("migrations", *name, *text, *line))
        .collect();
    common::assert_located_diagnostics(&cases);
}

#[test]
fn golang_migrate_version_overflow_is_a_diagnostic() {
    let all = extractors();
    let x = all.iter().find(|x| x.id() == "migrations").unwrap();
    let name = "m/99999999999999999999999_x.up.sql";
    assert!(x.matches(Path::new(name)));
    let found = x.extract(&SourceFile::from_text(name, "select 1;"));
    assert!(found.components.is_empty());
    assert_eq!(found.diagnostics.len(), 1);
}

#[test]
fn noise_truncation_and_nesting_never_panic() {
    let all = extractors();
    let x = all.iter().find(|x| x.id() == "migrations").unwrap();
    let good = "revision = 'b'\ndown_revision = ('a', \"c\")\nbranch_labels = None\n";
    let deep = format!("revision = 'x'\ndown_revision = {}\n", "(".repeat(5000));
    let names = [
        V,
        DJ,
        "db/schema.rb",
        "db.changelog.xml",
        "db.changelog.yaml",
        "db.changelog.json",
    ];
    for name in names {
        for cut in 0..good.len() {
            let _ = x.extract(&SourceFile::from_text(name, &good[..cut]));
        }
        for text in [
            deep.as_str(),
            "revision = r'''x",
            "revision = b'\\",
            "\u{0}\u{fffd}revision = 'é'\ndown_revision = 'ü'",
            "<changeSet id='1' author=\"a",
            "- changeSet:\n  id:\n  author:",
            "dependencies = [[[[(",
        ] {
            let _ = x.extract(&SourceFile::from_text(name, text));
        }
    }
}

/// Fuzz find (extract_migrations): a backslash escaping a multi-byte character in a Python
/// string stepped into the middle of it and sliced off a char boundary (panic).
#[test]
fn escaped_multibyte_character_in_python_string() {
    let all = extractors();
    let x = all.iter().find(|x| x.id() == "migrations").unwrap();
    let _ = x.extract(&SourceFile::from_text(V, "revision:= \"\\\u{fffd}"));
    let found = x.extract(&SourceFile::from_text(
        V,
        "revision = 'a\\é'\ndown_revision = None\n",
    ));
    assert_eq!(found.components.len(), 1, "{:?}", found.diagnostics);
    assert_eq!(found.components[0].version.as_deref(), Some("aé"));
}
