//! Schema migrations: every migration file of Alembic, Flyway, Liquibase, golang-migrate,
//! sqlx, Django, Prisma and Rails becomes one component of kind `migration`.
//!
//! Shape of a migration component (the contract `polyver-migrations` builds on):
//! - `ecosystem` is the framework (`alembic`, `flyway`, `liquibase`, `golang-migrate`,
//!   `sqlx`, `django`, `prisma`, `rails`);
//! - `name` is the chain: the repo-relative directory holding the migrations
//!   (`svc/alembic/versions`, `db/migration`, `app/migrations`); for Liquibase the master
//!   changelog file, for Rails' `db/schema.rb` the file itself;
//! - `version` is the revision as the framework records it in its own table: Alembic's
//!   `revision`, Flyway's version with `_` read as `.` (`V1_2__x.sql` → `1.2`; repeatable
//!   `R__` scripts have none), golang-migrate's and sqlx's number without leading zeros,
//!   Django's migration name (`0002_add_field`), Prisma's directory name, Rails' timestamp,
//!   Liquibase's changeSet `id`;
//! - `dependencies` are the parents: Alembic `down_revision` (one, or several for a merge)
//!   as `{name: <chain>, version: <revision>}`; Django `dependencies` as
//!   `{name: <app label>, version: <migration name>}`; Liquibase the changeSet run before
//!   it (includes followed in place), as `{name: <chain>, version: <id>}`. Other linear
//!   frameworks have none (their order is the version order);
//! - the location is the file, at the line of the `revision =` assignment (Alembic), of
//!   `class Migration` (Django), of the changeSet (Liquibase), line 1 otherwise. An up and a
//!   down script of one version (`1_x.up.sql` / `1_x.down.sql`, Flyway `V1__x` / `U1__x`)
//!   are one component with both locations.
//!
//! Python files are read as text, never imported: only literal assignments at the top level
//! (Alembic) or in the `Migration` class (Django) are understood; anything else (a computed
//! revision) is a diagnostic. sqlx and golang-migrate share `NNN_name.up.sql`; it is sqlx
//! when the directory holding it sits beside a `Cargo.toml`, golang-migrate otherwise.

use crate::{Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Location};
use std::path::Path;

mod liquibase;
mod python;
mod rails;

use liquibase::liquibase;
use python::python;
use rails::rails_schema;

pub struct MigrationsExtractor;

const ID: Format = Format::Migrations;

/// How deep Liquibase includes are followed.
const MAX_INCLUDE_DEPTH: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A `.py` file: Alembic or Django, decided by its text.
    Python,
    /// `V1__x.sql`, `U1__x.sql`, `R__x.sql`.
    Flyway,
    /// `NNN_name.up.sql` / `.down.sql`: golang-migrate, or sqlx beside a Cargo.toml.
    UpDown,
    /// `migrations/<ts>_name.sql`.
    Sqlx,
    /// `migrations/<ts>_name/migration.sql`.
    Prisma,
    /// `db/migrate/<ts>_name.rb`.
    RailsMigration,
    /// `db/schema.rb`.
    RailsSchema,
    /// `db.changelog*.xml|yaml|yml|json`.
    Liquibase,
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// `<digits>_<rest>`: the digits and the rest.
fn numbered(stem: &str) -> Option<(&str, &str)> {
    let end = stem.find(|c: char| !c.is_ascii_digit())?;
    let (digits, rest) = stem.split_at(end);
    let rest = rest.strip_prefix('_')?;
    (!digits.is_empty() && !rest.is_empty()).then_some((digits, rest))
}

/// A Flyway script name: (prefix, version, description).
fn flyway_name(file: &str) -> Option<(char, Option<String>, &str)> {
    let stem = file.strip_suffix(".sql")?;
    let (head, desc) = stem.split_once("__")?;
    let mut chars = head.chars();
    let prefix = chars.next()?;
    let version = chars.as_str();
    match prefix {
        'R' if version.is_empty() && !desc.is_empty() => Some(('R', None, desc)),
        'V' | 'U' => {
            let ok = !version.is_empty()
                && version.starts_with(|c: char| c.is_ascii_digit())
                && version
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '_' || c == '.');
            ok.then(|| (prefix, Some(version.replace('_', ".")), desc))
        }
        _ => None,
    }
}

fn classify(path: &str) -> Option<Shape> {
    let segs = segments(path);
    let (&file, dirs) = segs.split_last()?;
    let parent = dirs.last().copied().unwrap_or("");
    let grandparent = dirs.len().checked_sub(2).map_or("", |i| dirs[i]);
    if let Some(stem) = file.strip_suffix(".py") {
        if stem == "__init__" || stem == "env" {
            return None;
        }
        let in_tree = dirs
            .iter()
            .any(|d| matches!(*d, "versions" | "alembic" | "migrations" | "migration"));
        return in_tree.then_some(Shape::Python);
    }
    if file == "schema.rb" && parent == "db" {
        return Some(Shape::RailsSchema);
    }
    if let Some(stem) = file.strip_suffix(".rb") {
        return (parent == "migrate" && grandparent == "db" && numbered(stem).is_some())
            .then_some(Shape::RailsMigration);
    }
    if file.starts_with("db.changelog")
        && [".xml", ".yaml", ".yml", ".json"]
            .iter()
            .any(|e| file.ends_with(e))
    {
        return Some(Shape::Liquibase);
    }
    if file == "migration.sql" && grandparent == "migrations" && numbered(parent).is_some() {
        return Some(Shape::Prisma);
    }
    if !file.ends_with(".sql") {
        return None;
    }
    if flyway_name(file).is_some() {
        return Some(Shape::Flyway);
    }
    if let Some(stem) = file
        .strip_suffix(".up.sql")
        .or_else(|| file.strip_suffix(".down.sql"))
    {
        return numbered(stem).map(|_| Shape::UpDown);
    }
    let stem = file.strip_suffix(".sql")?;
    (parent == "migrations" && numbered(stem).is_some()).then_some(Shape::Sqlx)
}

impl Extractor for MigrationsExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            extensions: &["py", "rb", "sql"],
            prefixes: &["db.changelog"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        // Called for every file of the tree: reject by file name before building segments.
        let name = crate::file_name(path);
        let candidate = name.ends_with(".py")
            || name.ends_with(".rb")
            || name.ends_with(".sql")
            || name.starts_with("db.changelog");
        candidate
            && path.to_str().is_some_and(|p| {
                if p.contains('\\') {
                    classify(&p.replace('\\', "/")).is_some()
                } else {
                    classify(p).is_some()
                }
            })
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let path = file.path().to_string();
        let Some(shape) = classify(&path) else {
            return out;
        };
        let chain = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        match shape {
            Shape::Python => python(file, &chain, &mut out),
            Shape::Flyway => {
                if let Some((_, version, _)) = flyway_name(file.file_name()) {
                    let mut c = migration(Ecosystem::Flyway, &chain, file.location(1));
                    if let Some(v) = version {
                        c = c.with_version(v);
                    }
                    out.push(c);
                }
            }
            Shape::UpDown | Shape::Sqlx => {
                let name = file.file_name();
                let digits = name.split('_').next().unwrap_or("");
                let eco = if shape == Shape::Sqlx || beside_cargo(file) {
                    Ecosystem::Sqlx
                } else {
                    Ecosystem::GolangMigrate
                };
                match digits.parse::<u64>() {
                    Ok(n) => out
                        .push(migration(eco, &chain, file.location(1)).with_version(n.to_string())),
                    Err(_) => out.diagnose(Diagnostic::error(
                        DiagnosticCode::InvalidValue,
                        &path,
                        0,
                        format!("migration version {digits:?} is not a 64-bit number"),
                    )),
                }
            }
            Shape::Prisma => {
                // prisma/migrations/<ts>_name/migration.sql: the chain is `prisma/migrations`.
                let (chain, dir) = chain.rsplit_once('/').unwrap_or(("", &chain));
                out.push(migration(Ecosystem::Prisma, chain, file.location(1)).with_version(dir));
            }
            Shape::RailsMigration => {
                let digits = file.file_name().split('_').next().unwrap_or("");
                out.push(
                    migration(Ecosystem::Rails, &chain, file.location(1)).with_version(digits),
                );
            }
            Shape::RailsSchema => rails_schema(file, &mut out),
            Shape::Liquibase => {
                let mut visited = vec![path.clone()];
                liquibase(file, &path, &mut visited, &mut None, 0, &mut out);
            }
        }
        out
    }
}

fn migration(eco: Ecosystem, chain: &str, location: Location) -> Component {
    Component::new(Kind::Migration, eco, chain, ID, location)
}

/// Whether the directory holding this file has a `Cargo.toml` beside it (a Rust crate's
/// `migrations/`: sqlx).
fn beside_cargo(file: &SourceFile) -> bool {
    file.open_relative("../Cargo.toml").is_ok()
}

#[cfg(test)]
mod tests;
