//! pip-compile and `uv pip compile` output read as locks with edges (issue 13 item 5), on
//! real outputs of both tools (see fixtures/requirements-compiled/README.md).

mod common;

use common::extract_fixture;
use polyver_model::{Component, Format};

/// The entry of `name` in `path`: one, though the compiled requirements.txt is also read
/// through requirements-dev.in's `-c` (its annotations decide `direct` either way, so the
/// two readings merge).
fn find<'a>(cs: &'a [Component], path: &str, name: &str) -> &'a Component {
    let found: Vec<&Component> = cs
        .iter()
        .filter(|c| c.name == name && c.locations.iter().any(|l| l.path == path))
        .collect();
    assert_eq!(found.len(), 1, "{name} in {path}: {found:#?}");
    found[0]
}

fn deps(c: &Component) -> Vec<String> {
    c.dependencies
        .iter()
        .map(|d| format!("{}@{}", d.name, d.version.as_deref().unwrap_or("?")))
        .collect()
}

#[test]
fn compiled_files_are_locks_and_in_files_stay_manifests() {
    let snap = extract_fixture("requirements", "requirements-compiled");
    assert!(snap.diagnostics.is_empty(), "{:?}", snap.diagnostics);
    for c in &snap.components {
        let path = &c.locations[0].path;
        let expected = if path.ends_with(".in") || path.ends_with("constraints.txt") {
            Format::Requirements
        } else {
            Format::RequirementsLock
        };
        assert_eq!(c.source, expected, "{} in {path}", c.name);
    }
}

#[test]
fn split_annotations_give_edges_and_direct_entries() {
    for tool in ["pip-tools", "uv"] {
        let snap = extract_fixture("requirements", "requirements-compiled");
        let cs = &snap.components;
        let lock = format!("{tool}/requirements.txt");
        // `# via` block with three parents: each parent records the edge.
        for parent in ["flask", "jinja2", "werkzeug"] {
            let p = find(cs, &lock, parent);
            assert!(
                deps(p).contains(&"markupsafe@3.0.4".to_string()),
                "{tool}: {parent} -> {:?}",
                deps(p)
            );
        }
        let flask = find(cs, &lock, "flask");
        assert!(
            flask.direct,
            "{tool}: -r requirements.in makes flask direct"
        );
        assert_eq!(flask.version.as_deref(), Some("3.1.3"));
        assert!(!find(cs, &lock, "markupsafe").direct, "{tool}");
        assert!(!find(cs, &lock, "pysocks").direct, "{tool}");
        // `-c constraints.txt` beside `-r requirements.in` and a parent: still direct.
        assert!(find(cs, &lock, "urllib3").direct, "{tool}");
        let requests = find(cs, &lock, "requests");
        assert_eq!(
            deps(requests),
            [
                "certifi@2026.10.19.post1",
                "charset-normalizer@3.5.3",
                "idna@3.21",
                "pysocks@1.7.1",
                "urllib3@2.2.3"
            ],
            "{tool}"
        );
    }
    let snap = extract_fixture("requirements", "requirements-compiled");
    let cs = &snap.components;
    // --hash continuation lines are kept as integrity; uv keeps the extra.
    let blinker = find(cs, "pip-tools/requirements.txt", "blinker");
    assert!(blinker.integrity.as_deref().unwrap().starts_with("sha256:"));
    let uv_requests = cs
        .iter()
        .find(|c| c.name == "requests" && c.locations[0].path == "uv/requirements.txt")
        .unwrap();
    assert_eq!(uv_requests.extras, ["socks"]);
}

#[test]
fn line_annotations_give_edges_markers_and_constraint_origins() {
    let snap = extract_fixture("requirements", "requirements-compiled");
    let cs = &snap.components;
    for tool in ["pip-tools", "uv"] {
        let lock = format!("{tool}/requirements-dev.txt");
        let pytest = find(cs, &lock, "pytest");
        assert!(pytest.direct, "{tool}");
        assert!(deps(pytest).contains(&"pluggy@1.7.0".to_string()), "{tool}");
        // `# via -c requirements.txt, -r requirements-dev.in`: direct.
        assert!(find(cs, &lock, "requests").direct, "{tool}");
        // `# via -c requirements.txt, requests`: pulled in by requests.
        let certifi = cs.iter().find(|c| {
            c.name == "certifi"
                && c.locations.iter().any(|l| l.path == lock)
                && c.source == Format::RequirementsLock
                && !c.direct
        });
        assert!(certifi.is_some(), "{tool}: certifi transitive");
        assert!(deps(find(cs, &lock, "requests")).contains(&"idna@3.21".to_string()));
    }
    let colorama = find(cs, "uv/requirements-dev.txt", "colorama");
    assert_eq!(colorama.marker.as_deref(), Some("sys_platform == 'win32'"));
    assert!(
        deps(find(cs, "uv/requirements-dev.txt", "pytest")).contains(&"colorama@0.4.6".to_string())
    );
}

#[test]
fn a_hand_written_requirements_file_stays_a_manifest() {
    let snap = extract_fixture("requirements", "requirements");
    assert!(snap
        .components
        .iter()
        .all(|c| c.source == Format::Requirements && c.dependencies.is_empty()));
}
