//! Snapshot tests for the schema-migration extractor, one fixture tree per framework:
//! Alembic (string/annotated assignments, a merge tuple over several lines, `env.py` and
//! `__init__.py` ignored), Flyway (`V`, `U`, `R__`, dotted versions), golang-migrate
//! (up/down pairs, a numbering gap), sqlx (beside a Cargo.toml, simple and reversible),
//! Django (swappable and cross-app dependencies, a merge migration), Prisma, Rails
//! (`db/migrate` and `db/schema.rb`), Liquibase (XML with an include of a YAML changelog,
//! JSON).

mod common;

use common::extract_fixture;

#[test]
fn alembic() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/alembic"));
}

#[test]
fn flyway() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/flyway"));
}

#[test]
fn golang_migrate() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/golang-migrate"));
}

#[test]
fn sqlx() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/sqlx"));
}

#[test]
fn django() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/django"));
}

#[test]
fn prisma() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/prisma"));
}

#[test]
fn rails() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/rails"));
}

#[test]
fn liquibase() {
    insta::assert_json_snapshot!(extract_fixture("migrations", "migrations/liquibase"));
}
