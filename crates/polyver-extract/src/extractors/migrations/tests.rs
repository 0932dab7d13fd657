use super::python::{assignment, Parser, Py};
use super::*;

#[test]
fn classifies_paths() {
    let cases = [
        ("svc/alembic/versions/ab12_init.py", Some(Shape::Python)),
        ("app/migrations/0001_initial.py", Some(Shape::Python)),
        ("app/migrations/__init__.py", None),
        (
            "src/main/resources/db/migration/V1_2__init.sql",
            Some(Shape::Flyway),
        ),
        ("sql/R__views.sql", Some(Shape::Flyway)),
        ("db/migrations/000001_users.up.sql", Some(Shape::UpDown)),
        ("migrations/20240101120000_users.sql", Some(Shape::Sqlx)),
        (
            "prisma/migrations/20240101_init/migration.sql",
            Some(Shape::Prisma),
        ),
        (
            "db/migrate/20240101120000_create_users.rb",
            Some(Shape::RailsMigration),
        ),
        ("db/schema.rb", Some(Shape::RailsSchema)),
        ("src/db.changelog-master.yaml", Some(Shape::Liquibase)),
        ("scripts/setup.sql", None),
        ("lib/tool.py", None),
    ];
    for (path, want) in cases {
        assert_eq!(classify(path), want, "{path}");
    }
}

#[test]
fn parses_python_literals() {
    let v = |s: &str| Parser::new(s, 0).value(false, 0);
    assert_eq!(v(" 'abc'  # x"), Ok(Py::Str("abc".into())));
    assert_eq!(v("None"), Ok(Py::None));
    assert_eq!(
        v("('a',\n 'b')"),
        Ok(Py::Seq(vec![Py::Str("a".into()), Py::Str("b".into())]))
    );
    assert!(v("('a',").is_err());
    assert_eq!(
        assignment("down_revision: Union[str, None] = 'x'", 0, "down_revision"),
        Some(33)
    );
    assert_eq!(assignment("revision_x = 1", 0, "revision"), None);
}
