//! The applied state of a live PostgreSQL database, read from each framework's own table,
//! compared with the repository's chains.
//!
//! | framework | table | what is read |
//! |---|---|---|
//! | Alembic | `alembic_version` | `version_num`: the applied head(s) |
//! | Flyway | `flyway_schema_history` | `version`, `success` (repeatables, with no version, are skipped) |
//! | golang-migrate | `schema_migrations` | `version`, `dirty`: the one current version |
//! | Rails | `schema_migrations` | every applied `version` |
//! | sqlx | `_sqlx_migrations` | `version`, `success` |
//! | Django | `django_migrations` | `app`, `name` |
//! | Prisma | `_prisma_migrations` | `migration_name`, finished and not rolled back |
//! | Liquibase | `databasechangelog` | `id` |
//!
//! Tables are looked up through the connection's `search_path` (give
//! `?options=-csearch_path%3Dmyschema` in the URL for another schema). A missing table
//! means the database was never migrated by that framework: the chain is "not initialised"
//! and every migration is pending. Pending = in the repository, not applied (for Alembic,
//! not at or below an applied head; for golang-migrate, above the current version);
//! unknown = applied, not defined by any chain of that framework in the repository.

use crate::{Applied, Chain, Problem, ProblemKind};
use polyver_model::Ecosystem;
use postgres::{Client, Config, NoTls};
use std::collections::BTreeSet;
use std::time::Duration;

/// Why the database could not be read.
#[derive(Debug)]
pub enum LiveError {
    /// The URL is not a PostgreSQL connection string.
    Url(String),
    /// The server cannot be reached or refused the login.
    Connect(String),
    /// A query on an existing table failed (a table of another shape, permissions).
    Query(String),
}

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LiveError::Url(e) => write!(f, "invalid database URL: {e}"),
            LiveError::Connect(e) => write!(f, "cannot connect to the database: {e}"),
            LiveError::Query(e) => write!(f, "cannot read the migration table: {e}"),
        }
    }
}

impl std::error::Error for LiveError {}

/// Connects with a timeout (the URL's `connect_timeout`, else `timeout`).
pub fn connect(url: &str, timeout: Duration) -> Result<Client, LiveError> {
    let mut config: Config = url.parse().map_err(|e| LiveError::Url(format!("{e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(timeout);
    }
    config
        .connect(NoTls)
        .map_err(|e| LiveError::Connect(error_text(&e)))
}

fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                s.push_str(": ");
                s.push_str(&inner.to_string());
                src = inner.source();
            }
            s
        }
    }
}

/// The framework's table name.
pub fn table(framework: Ecosystem) -> Option<&'static str> {
    Some(match framework {
        Ecosystem::Alembic => "alembic_version",
        Ecosystem::Flyway => "flyway_schema_history",
        Ecosystem::GolangMigrate | Ecosystem::Rails => "schema_migrations",
        Ecosystem::Sqlx => "_sqlx_migrations",
        Ecosystem::Django => "django_migrations",
        Ecosystem::Prisma => "_prisma_migrations",
        Ecosystem::Liquibase => "databasechangelog",
        _ => return None,
    })
}

fn exists(client: &mut Client, table: &str) -> Result<bool, LiveError> {
    let row = client
        .query_one("SELECT to_regclass($1)::text", &[&table])
        .map_err(|e| LiveError::Query(error_text(&e)))?;
    Ok(row.get::<_, Option<String>>(0).is_some())
}

/// Rows of (version, ok) from `sql`; the first column as text, the second a boolean.
fn rows(client: &mut Client, sql: &str, table: &str) -> Result<Vec<(String, bool)>, LiveError> {
    let rows = client
        .query(sql, &[])
        .map_err(|e| LiveError::Query(format!("{table}: {}", error_text(&e))))?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let v: Option<String> = r.get(0);
            let ok: Option<bool> = r.get(1);
            Some((v?, ok.unwrap_or(false)))
        })
        .collect())
}

/// Numeric segments without leading zeros, so `01.2` and `1.2` are one version.
fn norm(v: &str) -> String {
    v.trim()
        .split('.')
        .map(|p| {
            if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() {
                let t = p.trim_start_matches('0');
                if t.is_empty() {
                    "0".to_string()
                } else {
                    t.to_string()
                }
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Reads every framework's table the chains need and fills `chain.database` plus pending,
/// unknown and failed problems.
pub fn check(client: &mut Client, chains: &mut [Chain]) -> Result<(), LiveError> {
    let frameworks: BTreeSet<Ecosystem> = chains.iter().map(|c| c.framework).collect();
    for fw in frameworks {
        let Some(table) = table(fw) else { continue };
        let initialised = exists(client, table)?;
        // (version, ok) rows; Django rows are "app<TAB>name".
        let data: Vec<(String, bool)> = if !initialised {
            Vec::new()
        } else {
            let sql = match fw {
                Ecosystem::Alembic => "SELECT version_num::text, true FROM alembic_version",
                Ecosystem::Flyway => {
                    "SELECT version::text, success FROM flyway_schema_history \
                     WHERE version IS NOT NULL ORDER BY installed_rank"
                }
                Ecosystem::GolangMigrate => {
                    "SELECT version::text, NOT dirty FROM schema_migrations"
                }
                Ecosystem::Rails => "SELECT version::text, true FROM schema_migrations",
                Ecosystem::Sqlx => "SELECT version::text, success FROM _sqlx_migrations",
                Ecosystem::Django => "SELECT app || E'\\t' || name, true FROM django_migrations",
                Ecosystem::Prisma => {
                    "SELECT migration_name, finished_at IS NOT NULL FROM _prisma_migrations \
                     WHERE rolled_back_at IS NULL"
                }
                Ecosystem::Liquibase => "SELECT id::text, true FROM databasechangelog",
                _ => continue,
            };
            rows(client, sql, table)?
        };
        // Versions every chain of this framework defines (for "unknown").
        let all_known: BTreeSet<String> = chains
            .iter()
            .filter(|c| c.framework == fw)
            .flat_map(|c| {
                let label = c.app_label().to_string();
                c.versions()
                    .map(move |v| {
                        if fw == Ecosystem::Django {
                            format!("{label}\t{v}")
                        } else {
                            norm(v)
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for chain in chains.iter_mut().filter(|c| c.framework == fw) {
            compare(chain, table, initialised, &data, &all_known);
        }
    }
    Ok(())
}

fn compare(
    chain: &mut Chain,
    table: &str,
    initialised: bool,
    data: &[(String, bool)],
    all_known: &BTreeSet<String>,
) {
    let fw = chain.framework;
    let label = chain.app_label().to_string();
    let mut applied = Applied {
        table: table.to_string(),
        initialised,
        ..Applied::default()
    };
    let mut problems = Vec::new();
    // This chain's rows (Django: its app's), normalized.
    let rows: Vec<(String, bool)> = data
        .iter()
        .filter_map(|(v, ok)| {
            if fw == Ecosystem::Django {
                let (app, name) = v.split_once('\t')?;
                (app == label).then(|| (name.to_string(), *ok))
            } else {
                Some((norm(v), *ok))
            }
        })
        .collect();
    for (v, ok) in &rows {
        if !ok {
            problems.push(Problem {
                kind: ProblemKind::Failed,
                message: format!("{table} records {v} as failed or dirty"),
                location: None,
            });
        }
    }
    let ok_versions: BTreeSet<String> = rows
        .iter()
        .filter(|(_, ok)| *ok || fw == Ecosystem::GolangMigrate)
        .map(|(v, _)| v.clone())
        .collect();
    let repo: Vec<(String, String)> = chain.versions().map(|v| (norm(v), v.to_string())).collect();
    let repo_set: BTreeSet<&str> = repo.iter().map(|(n, _)| n.as_str()).collect();
    let known = |v: &str| {
        let key = if fw == Ecosystem::Django {
            format!("{label}\t{v}")
        } else {
            v.to_string()
        };
        repo_set.contains(v) || all_known.contains(&key)
    };
    let applied_set: BTreeSet<String> = match fw {
        Ecosystem::Alembic => {
            // The revision graph holds revisions as written (`000001`); `ok_versions` are
            // normalized (`1`): walk from the repository's spelling of each applied head.
            let heads: Vec<&str> = repo
                .iter()
                .filter(|(n, _)| ok_versions.contains(n))
                .map(|(_, raw)| raw.as_str())
                .collect();
            let below = chain.ancestors_of(&heads);
            below.into_iter().map(norm).collect()
        }
        Ecosystem::GolangMigrate => match ok_versions.iter().next() {
            Some(current) => {
                let cur: u64 = current.parse().unwrap_or(0);
                repo.iter()
                    .filter(|(n, _)| n.parse::<u64>().is_ok_and(|x| x <= cur))
                    .map(|(n, _)| n.clone())
                    .collect()
            }
            None => BTreeSet::new(),
        },
        _ => ok_versions.clone(),
    };
    applied.heads = match fw {
        Ecosystem::Alembic | Ecosystem::GolangMigrate => ok_versions.iter().cloned().collect(),
        _ => {
            let mut v: Vec<&String> = ok_versions.iter().collect();
            v.sort_by(|a, b| crate::compare_versions(a, b));
            v.last().map(|s| s.to_string()).into_iter().collect()
        }
    };
    // In the order they will be applied, so the list reads as the upgrade to run.
    applied.pending = chain
        .apply_order()
        .into_iter()
        .filter(|v| !applied_set.contains(&norm(v)))
        .map(str::to_string)
        .collect();
    applied.unknown = ok_versions
        .iter()
        .filter(|v| !(known(v) || (fw == Ecosystem::GolangMigrate && v.as_str() == "0")))
        .cloned()
        .collect();
    if !applied.pending.is_empty() {
        problems.push(Problem {
            kind: ProblemKind::Pending,
            message: format!(
                "{} {} not applied: {}",
                applied.pending.len(),
                migrations(applied.pending.len()),
                applied.pending.join(", ")
            ),
            location: applied
                .pending
                .first()
                .and_then(|v| crate::first_location(chain, v)),
        });
    }
    if !applied.unknown.is_empty() {
        problems.push(Problem {
            kind: ProblemKind::Unknown,
            message: format!(
                "{} applied {} not in the repository: {}",
                applied.unknown.len(),
                migrations(applied.unknown.len()),
                applied.unknown.join(", ")
            ),
            location: None,
        });
    }
    chain.problems.extend(problems);
    chain.database = Some(applied);
}

/// `migration` for one, `migrations` for any other count.
fn migrations(n: usize) -> &'static str {
    if n == 1 {
        "migration"
    } else {
        "migrations"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyver_model::{Component, DependencyEdge, Kind, Location};

    /// A linear Alembic chain with zero-padded revisions, `000000` ← `000001` ← `000002`.
    fn padded_chain() -> Chain {
        let comps: Vec<Component> = (0..3)
            .map(|i| {
                let mut c = Component::new(
                    Kind::Migration,
                    Ecosystem::Alembic,
                    "app/versions",
                    polyver_model::Format::Migrations,
                    Location::new(format!("app/versions/{i:06}_step.py"), 2),
                )
                .with_version(format!("{i:06}"));
                if i > 0 {
                    c.dependencies = vec![DependencyEdge {
                        name: "app/versions".into(),
                        version: Some(format!("{:06}", i - 1)),
                    }];
                }
                c
            })
            .collect();
        crate::analyse(&comps).remove(0)
    }

    #[test]
    fn alembic_ancestors_of_a_padded_applied_head_are_applied() {
        let mut chain = padded_chain();
        compare(
            &mut chain,
            "alembic_version",
            true,
            &[("000001".into(), true)],
            &BTreeSet::new(),
        );
        let applied = chain.database.as_ref().unwrap();
        assert_eq!(applied.pending, ["000002"]);
        assert!(applied.unknown.is_empty());
    }
}
