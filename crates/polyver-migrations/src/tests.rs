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

#[test]
fn apply_order_puts_parents_first_whatever_the_revision_ids() {
    let a = Ecosystem::Alembic;
    // Hash revision ids sort unlike the chain: f1 -> 0b -> 9c, plus a branch 77 off f1
    // merged back by 05.
    let comps = vec![
        mig(a, "v", "f1", "v/f1.py", &[]),
        mig(a, "v", "0b", "v/0b.py", &["f1"]),
        mig(a, "v", "9c", "v/9c.py", &["0b"]),
        mig(a, "v", "77", "v/77.py", &["f1"]),
        mig(a, "v", "05", "v/05.py", &["9c", "77"]),
    ];
    let chains = analyse(&comps);
    let order = chains[0].apply_order();
    assert_eq!(order.len(), 5);
    let at = |v: &str| order.iter().position(|x| *x == v).unwrap();
    for (parent, child) in [
        ("f1", "0b"),
        ("0b", "9c"),
        ("f1", "77"),
        ("9c", "05"),
        ("77", "05"),
    ] {
        assert!(at(parent) < at(child), "{parent} before {child}: {order:?}");
    }
    assert_eq!(order[0], "f1");
    assert_eq!(order[4], "05");

    // A cycle cannot be ordered: its revisions come last, in version order.
    let comps = vec![
        mig(a, "v", "a", "v/a.py", &[]),
        mig(a, "v", "c", "v/c.py", &["d"]),
        mig(a, "v", "d", "v/d.py", &["c"]),
        mig(a, "v", "b", "v/b.py", &["a"]),
    ];
    assert_eq!(analyse(&comps)[0].apply_order(), vec!["a", "b", "c", "d"]);

    // Linear frameworks apply in version order.
    let f = Ecosystem::Flyway;
    let comps = vec![
        mig(f, "db", "10", "db/V10__x.sql", &[]),
        mig(f, "db", "2", "db/V2__y.sql", &[]),
    ];
    assert_eq!(analyse(&comps)[0].apply_order(), vec!["2", "10"]);
}
