use super::*;
use polyver_model::DependencyEdge;

fn mig(eco: Ecosystem, chain: &str, version: &str, path: &str, parents: &[&str]) -> Component {
    let mut c = Component::new(
        Kind::Migration,
        eco,
        chain,
        polyver_model::Format::Migrations,
        Location::new(path, 1),
    )
    .with_version(version);
    c.dependencies = parents
        .iter()
        .map(|p| DependencyEdge {
            name: chain.to_string(),
            version: Some(p.to_string()),
        })
        .collect();
    c
}

fn kinds(chain: &Chain) -> Vec<ProblemKind> {
    chain.problems.iter().map(|p| p.kind).collect()
}

#[test]
fn alembic_heads_merges_and_missing_parents() {
    let a = Ecosystem::Alembic;
    let comps = vec![
        mig(a, "v", "a", "v/a.py", &[]),
        mig(a, "v", "b", "v/b.py", &["a"]),
        mig(a, "v", "c", "v/c.py", &["a"]),
        mig(a, "v", "d", "v/d.py", &["b", "c"]),
    ];
    let chains = analyse(&comps);
    assert_eq!(chains[0].heads, vec!["d"]);
    assert_eq!(chains[0].merges, vec!["d"]);
    assert!(chains[0].problems.is_empty());

    let comps = vec![
        mig(a, "v", "a", "v/a.py", &[]),
        mig(a, "v", "b", "v/b.py", &["a"]),
        mig(a, "v", "c", "v/c.py", &["a"]),
        mig(a, "v", "e", "v/e.py", &["zz"]),
    ];
    let chains = analyse(&comps);
    assert_eq!(chains[0].heads, vec!["b", "c", "e"]);
    assert_eq!(
        kinds(&chains[0]),
        vec![ProblemKind::MissingParent, ProblemKind::MultipleHeads]
    );
}

#[test]
fn cycles_are_found() {
    let a = Ecosystem::Alembic;
    let comps = vec![
        mig(a, "v", "a", "v/a.py", &["c"]),
        mig(a, "v", "b", "v/b.py", &["a"]),
        mig(a, "v", "c", "v/c.py", &["b"]),
    ];
    let chains = analyse(&comps);
    assert!(kinds(&chains[0]).contains(&ProblemKind::Cycle));
}

#[test]
fn flyway_gaps_and_duplicates() {
    let f = Ecosystem::Flyway;
    let merged = polyver_model::merge_components(vec![
        mig(f, "db", "1", "db/V1__a.sql", &[]),
        mig(f, "db", "1", "db/U1__a.sql", &[]),
        mig(f, "db", "2", "db/V2__b.sql", &[]),
        mig(f, "db", "2", "db/V2__c.sql", &[]),
        mig(f, "db", "5", "db/V5__d.sql", &[]),
    ]);
    let chains = analyse(&merged);
    assert_eq!(chains[0].heads, vec!["5"]);
    assert_eq!(
        kinds(&chains[0]),
        vec![ProblemKind::Duplicate, ProblemKind::Gap]
    );
    assert_eq!(
        chains[0].problems[1].message,
        "no migration 3..4 between 2 and 5"
    );
    // Dotted versions: no gaps.
    let chains = analyse(&[
        mig(f, "db", "1.1", "db/V1_1__a.sql", &[]),
        mig(f, "db", "1.10", "db/V1_10__b.sql", &[]),
        mig(f, "db", "1.9", "db/V1_9__c.sql", &[]),
    ]);
    assert_eq!(chains[0].heads, vec!["1.10"]);
    assert!(chains[0].problems.is_empty());
}

#[test]
fn golang_migrate_up_down_pairs_are_one_migration() {
    let g = Ecosystem::GolangMigrate;
    let merged = polyver_model::merge_components(vec![
        mig(g, "m", "1", "m/000001_a.up.sql", &[]),
        mig(g, "m", "1", "m/000001_a.down.sql", &[]),
        mig(g, "m", "3", "m/000003_c.up.sql", &[]),
    ]);
    let chains = analyse(&merged);
    assert_eq!(kinds(&chains[0]), vec![ProblemKind::Gap]);
    // Timestamps: no gaps.
    let chains = analyse(&[
        mig(g, "m", "20240101120000", "m/20240101120000_a.up.sql", &[]),
        mig(g, "m", "20240301120000", "m/20240301120000_b.up.sql", &[]),
    ]);
    assert!(chains[0].problems.is_empty());
}

#[test]
fn rails_schema_behind() {
    let r = Ecosystem::Rails;
    let chains = analyse(&[
        mig(
            r,
            "db/migrate",
            "20240101000000",
            "db/migrate/20240101000000_a.rb",
            &[],
        ),
        mig(
            r,
            "db/migrate",
            "20240201000000",
            "db/migrate/20240201000000_b.rb",
            &[],
        ),
        mig(r, "db/schema.rb", "20240101000000", "db/schema.rb", &[]),
    ]);
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].schema_version.as_deref(), Some("20240101000000"));
    assert_eq!(kinds(&chains[0]), vec![ProblemKind::SchemaBehind]);
}

#[test]
fn django_in_app_and_cross_app_dependencies() {
    let d = Ecosystem::Django;
    let dep = |c: &mut Component, app: &str, name: &str| {
        c.dependencies.push(DependencyEdge {
            name: app.into(),
            version: Some(name.into()),
        })
    };
    let a1 = mig(
        d,
        "shop/migrations",
        "0001_initial",
        "shop/migrations/0001_initial.py",
        &[],
    );
    let mut a2 = mig(
        d,
        "shop/migrations",
        "0002_x",
        "shop/migrations/0002_x.py",
        &[],
    );
    dep(&mut a2, "shop", "0001_initial");
    dep(&mut a2, "users", "0009_missing");
    dep(&mut a2, "auth", "0012_alter_user");
    let u1 = mig(
        d,
        "users/migrations",
        "0001_initial",
        "users/migrations/0001_initial.py",
        &[],
    );
    let chains = analyse(&[a1, a2, u1]);
    let shop = chains.iter().find(|c| c.name == "shop/migrations").unwrap();
    assert_eq!(shop.heads, vec!["0002_x"]);
    assert_eq!(kinds(shop), vec![ProblemKind::MissingParent]);
}

#[test]
fn versions_order_numerically() {
    assert_eq!(compare_versions("1.10", "1.9"), Ordering::Greater);
    assert_eq!(compare_versions("10", "9"), Ordering::Greater);
}

#[test]
fn liquibase_duplicates_only_within_one_file() {
    let l = Ecosystem::Liquibase;
    let merged = polyver_model::merge_components(vec![
        mig(l, "db.changelog.xml", "1", "db.changelog.xml", &[]),
        mig(l, "db.changelog.xml", "2", "db.changelog.xml", &["1"]),
        mig(l, "db.changelog.xml", "3", "changes/a.yaml", &["2"]),
        mig(l, "db.changelog.xml", "1", "changes/b.yaml", &["3"]),
    ]);
    let chains = analyse(&merged);
    assert!(chains[0].problems.is_empty(), "{:?}", chains[0].problems);
    let mut dup = mig(l, "c.xml", "1", "c.xml", &[]);
    dup.locations.push(Location::new("c.xml", 9));
    let chains = analyse(&[dup]);
    assert_eq!(kinds(&chains[0]), vec![ProblemKind::Duplicate]);
}
