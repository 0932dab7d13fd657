//! The default `scan` table and its Markdown: every file that declares a component gets a
//! heading, and a component declared in several files is listed under each of them (issue 13
//! item 8: the table used to show a component under its first file only, hiding files).

use polyver_model::{Component, Ecosystem, Format, Inventory, Kind, Location, ScanStats};
use polyver_report::render::scan;
use polyver_report::term::Term;

/// `postgres:16` pinned in a Dockerfile, a compose file and a workflow; `redis` only in the
/// compose file; `python:3.12` twice in one Dockerfile.
fn inventory() -> Inventory {
    let image = |name: &str, version: &str, format: Format, at: Location| {
        Component::new(Kind::Image, Ecosystem::Docker, name, format, at).with_version(version)
    };
    let mut postgres = image(
        "postgres",
        "16",
        Format::Dockerfile,
        Location::new("db/Dockerfile", 1),
    );
    postgres.locations.push(Location::new("compose.yaml", 4));
    postgres
        .locations
        .push(Location::new(".github/workflows/ci.yml", 12));
    let redis = image(
        "redis",
        "7",
        Format::Compose,
        Location::new("compose.yaml", 9),
    );
    let mut python = image(
        "python",
        "3.12",
        Format::Dockerfile,
        Location::new("app/Dockerfile", 1),
    );
    python.locations.push(Location::new("app/Dockerfile", 7));
    let stats = ScanStats {
        files_extracted: 4,
        ..Default::default()
    };
    Inventory::finish("/src/repo", vec![postgres, redis, python], vec![], stats)
}

/// The heading lines (paths) of the table and the rows under each, as `(path, rows)`.
fn sections(table: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in table.lines().take_while(|l| !l.is_empty()) {
        if let Some(row) = line.strip_prefix("  ") {
            out.last_mut()
                .expect("a row under a heading")
                .1
                .push(row.to_string());
        } else {
            out.push((line.to_string(), Vec::new()));
        }
    }
    out
}

#[test]
fn every_declaring_file_has_a_heading_and_lists_the_component() {
    let table = scan::table(&inventory(), &Term::PLAIN);
    let sections = sections(&table);
    let headings: Vec<&str> = sections.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        headings,
        [
            ".github/workflows/ci.yml",
            "app/Dockerfile",
            "compose.yaml",
            "db/Dockerfile"
        ],
        "{table}"
    );
    let rows = |path: &str| &sections.iter().find(|(h, _)| h == path).unwrap().1;
    assert!(
        rows(".github/workflows/ci.yml")[0].starts_with(":12 "),
        "{table}"
    );
    assert!(
        rows(".github/workflows/ci.yml")[0].contains("postgres"),
        "{table}"
    );
    let compose = rows("compose.yaml");
    assert_eq!(compose.len(), 2, "{table}");
    assert!(
        compose[0].starts_with(":4 ") && compose[0].contains("postgres"),
        "{table}"
    );
    assert!(
        compose[1].starts_with(":9 ") && compose[1].contains("redis"),
        "{table}"
    );
    let app = rows("app/Dockerfile");
    assert_eq!(
        app.len(),
        2,
        "declared twice, listed at both lines: {table}"
    );
    assert!(
        app[0].starts_with(":1 ") && app[1].starts_with(":7 "),
        "{table}"
    );
    assert!(rows("db/Dockerfile")[0].contains("postgres"), "{table}");
    // The summary still counts components, not rows.
    assert!(
        table.contains("3 components (3 direct, 0 transitive) in 4 files"),
        "{table}"
    );
}

#[test]
fn markdown_lists_the_component_under_every_file() {
    let md = scan::markdown(&inventory());
    let rows: Vec<&str> = md.lines().filter(|l| l.contains("| postgres |")).collect();
    assert_eq!(rows.len(), 3, "{md}");
    for (file, line) in [
        (".github/workflows/ci.yml", 12),
        ("compose.yaml", 4),
        ("db/Dockerfile", 1),
    ] {
        assert!(
            rows.iter()
                .any(|r| r.starts_with(&format!("| {file} | {line} |"))),
            "{file}:{line} missing in {md}"
        );
    }
}

#[test]
fn the_summary_says_one_file_not_one_files() {
    let redis = Component::new(
        Kind::Image,
        Ecosystem::Docker,
        "redis",
        Format::Compose,
        Location::new("compose.yaml", 9),
    )
    .with_version("7");
    let stats = ScanStats {
        files_extracted: 1,
        ..Default::default()
    };
    let inventory = Inventory::finish("/src/repo", vec![redis], vec![], stats);
    assert_eq!(
        scan::summary(&inventory),
        "1 component (1 direct, 0 transitive) in 1 file; docker 1; 0 diagnostics (0 errors)"
    );
}
