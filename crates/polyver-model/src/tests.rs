use super::*;

#[test]
fn pep503() {
    assert_eq!(
        normalize_pypi_name("Django_REST.framework"),
        "django-rest-framework"
    );
    assert_eq!(normalize_pypi_name("zope..interface"), "zope-interface");
    assert_eq!(normalize_pypi_name("Foo"), "foo");
}

#[test]
fn enums_serialize_lowercase() {
    assert_eq!(
        serde_json::to_string(&Kind::Runtime).unwrap(),
        "\"runtime\""
    );
    assert_eq!(serde_json::to_string(&Scope::Peer).unwrap(), "\"peer\"");
    assert_eq!(
        serde_json::to_string(&Ecosystem::GithubActions).unwrap(),
        "\"github-actions\""
    );
    assert_eq!(
        serde_json::to_string(&Ecosystem::GolangMigrate).unwrap(),
        "\"golang-migrate\""
    );
    for e in [
        Ecosystem::Alembic,
        Ecosystem::Flyway,
        Ecosystem::Liquibase,
        Ecosystem::GolangMigrate,
        Ecosystem::Sqlx,
        Ecosystem::Django,
        Ecosystem::Prisma,
        Ecosystem::Rails,
    ] {
        assert!(e.is_migration_framework());
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            format!("\"{}\"", e.id())
        );
    }
    assert_eq!(
        serde_json::to_string(&DiagnosticCode::FileTooLarge).unwrap(),
        "\"file-too-large\""
    );
}

fn pkg(path: &str, line: u32, version: &str) -> Component {
    Component::new(
        Kind::Package,
        Ecosystem::Pypi,
        "requests",
        crate::Format::Requirements,
        Location::new(path, line),
    )
    .with_version(version)
    .with_constraint(format!("=={version}"))
}

#[test]
fn merges_identical_components_only() {
    let merged = merge_components(vec![
        pkg("b.txt", 3, "2.31.0"),
        pkg("a.txt", 1, "2.31.0"),
        pkg("a.txt", 1, "2.31.0"),
        pkg("c.txt", 1, "2.30.0"),
        pkg("d.txt", 1, "2.31.0").with_scope(Scope::Dev),
    ]);
    assert_eq!(merged.len(), 3);
    let main = merged
        .iter()
        .find(|c| c.version.as_deref() == Some("2.31.0") && c.scope == Scope::Runtime)
        .unwrap();
    assert_eq!(
        main.locations,
        vec![Location::new("a.txt", 1), Location::new("b.txt", 3)]
    );
}

#[test]
fn a_declared_licence_does_not_split_a_component() {
    let mut with = pkg("b.txt", 3, "2.31.0");
    with.license = Some("Apache-2.0".into());
    let merged = merge_components(vec![pkg("a.txt", 1, "2.31.0"), with]);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].license.as_deref(), Some("Apache-2.0"));
    assert_eq!(merged[0].locations.len(), 2);
    let json = serde_json::to_string(&pkg("a.txt", 1, "1")).unwrap();
    assert!(
        !json.contains("license"),
        "absent licence is not serialized: {json}"
    );
}

#[test]
fn inventory_is_deterministic() {
    let a = Inventory::finish(
        ".",
        vec![pkg("b.txt", 3, "1"), pkg("a.txt", 1, "2")],
        vec![],
        ScanStats::default(),
    );
    let b = Inventory::finish(
        ".",
        vec![pkg("a.txt", 1, "2"), pkg("b.txt", 3, "1")],
        vec![],
        ScanStats::default(),
    );
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_eq!(a.stats.components, 2);
}
