//! `polyver migrations`: each schema migration chain with its heads, merges and problems
//! (and with a database, what it has applied).

use crate::markdown::cell;
use crate::term::{escaped, Style, Term};
use polyver_migrations::{Chain, Report};
use std::fmt::{self, Write as _};

/// Every chain, then `N chains, M problems`. `with_db`: the database was checked.
pub fn table(report: &Report, with_db: bool, term: &Term) -> String {
    let mut out = String::new();
    let _ = write_table(report, with_db, term, &mut out);
    out
}

fn write_table(report: &Report, with_db: bool, term: &Term, w: &mut String) -> fmt::Result {
    if report.chains.is_empty() {
        writeln!(w, "no schema migrations found in {}", escaped(&report.root))?;
        return Ok(());
    }
    for chain in &report.chains {
        write_chain(chain, with_db, term, w)?;
    }
    let chains = report.chains.len();
    let summary = format!(
        "{chains} chain{}, {} problem{}",
        if chains == 1 { "" } else { "s" },
        report.problems,
        if report.problems == 1 { "" } else { "s" }
    );
    let style = if report.problems == 0 {
        Style::Good
    } else {
        Style::Bad
    };
    writeln!(w, "{}", term.paint(&summary, style))
}

fn write_chain(chain: &Chain, with_db: bool, term: &Term, w: &mut String) -> fmt::Result {
    let title = escaped(format!("{} {}", chain.framework, chain.name));
    let count = chain.migrations.len();
    writeln!(
        w,
        "{}  ({count} migration{})",
        term.paint(&title, Style::Bold),
        if count == 1 { "" } else { "s" }
    )?;
    let heads = if chain.heads.is_empty() {
        "-".to_string()
    } else {
        escaped(chain.heads.join(", "))
    };
    writeln!(
        w,
        "  head{}: {heads}",
        if chain.heads.len() > 1 { "s" } else { "" }
    )?;
    if !chain.merges.is_empty() {
        writeln!(w, "  merges: {}", escaped(chain.merges.join(", ")))?;
    }
    if let Some(v) = &chain.schema_version {
        writeln!(w, "  db/schema.rb: {}", escaped(v))?;
    }
    if with_db {
        match &chain.database {
            Some(db) if !db.initialised => {
                writeln!(w, "  database: not initialised (no {} table)", db.table)?
            }
            Some(db) => writeln!(
                w,
                "  database: {} ({}), {} pending, {} unknown",
                if db.heads.is_empty() {
                    "-".to_string()
                } else {
                    escaped(db.heads.join(", "))
                },
                db.table,
                db.pending.len(),
                db.unknown.len()
            )?,
            None => writeln!(w, "  database: not checked")?,
        }
        if let Some(db) = &chain.database {
            // One per line, in apply order: the upgrade that is still to run.
            for (i, version) in db.pending.iter().enumerate() {
                writeln!(
                    w,
                    "    pending {}. {}{}",
                    i + 1,
                    escaped(version),
                    location_of(chain, version)
                        .map(|l| format!("  ({})", escaped(l)))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    for p in &chain.problems {
        let at = p
            .location
            .as_ref()
            .map_or(String::new(), |l| format!(" ({})", escaped(l)));
        writeln!(
            w,
            "  {} {}{at}",
            term.paint(&format!("{}:", p.kind.id()), Style::Bad),
            escaped(&p.message)
        )?;
    }
    Ok(())
}

/// Where `version` is written (its first location), for the pending list.
fn location_of(chain: &Chain, version: &str) -> Option<String> {
    chain
        .migrations
        .iter()
        .find(|m| m.version.as_deref() == Some(version))
        .and_then(|m| m.locations.first())
        .map(|l| l.to_string())
}

/// The same report as Markdown: a summary table of chains, then per chain its problems and,
/// with a database, the pending migrations in apply order.
pub fn markdown(report: &Report, with_db: bool) -> String {
    let mut out = String::new();
    let _ = write_markdown(report, with_db, &mut out);
    out
}

fn write_markdown(report: &Report, with_db: bool, w: &mut String) -> fmt::Result {
    writeln!(w, "# Schema migrations\n")?;
    if report.chains.is_empty() {
        writeln!(w, "No schema migrations found in `{}`.", cell(&report.root))?;
        return Ok(());
    }
    if with_db {
        writeln!(
            w,
            "| framework | chain | migrations | heads | database | pending | problems |"
        )?;
        writeln!(w, "|---|---|---:|---|---|---:|---:|")?;
    } else {
        writeln!(w, "| framework | chain | migrations | heads | problems |")?;
        writeln!(w, "|---|---|---:|---|---:|")?;
    }
    for chain in &report.chains {
        let heads = if chain.heads.is_empty() {
            "-".to_string()
        } else {
            chain
                .heads
                .iter()
                .map(|h| format!("`{}`", cell(h)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(
            w,
            "| {} | `{}` | {} | {heads} |",
            chain.framework,
            cell(&chain.name),
            chain.migrations.len()
        )?;
        if with_db {
            match &chain.database {
                Some(db) if !db.initialised => {
                    write!(w, " not initialised | {} |", db.pending.len())?
                }
                Some(db) => write!(
                    w,
                    " {} | {} |",
                    if db.heads.is_empty() {
                        "-".to_string()
                    } else {
                        db.heads
                            .iter()
                            .map(|h| format!("`{}`", cell(h)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    db.pending.len()
                )?,
                None => write!(w, " not checked | - |")?,
            }
        }
        writeln!(w, " {} |", chain.problems.len())?;
    }
    for chain in &report.chains {
        let pending = chain
            .database
            .as_ref()
            .map(|db| db.pending.as_slice())
            .unwrap_or_default();
        if chain.problems.is_empty() && pending.is_empty() {
            continue;
        }
        writeln!(w, "\n## {} `{}`\n", chain.framework, cell(&chain.name))?;
        for p in &chain.problems {
            let at = p
                .location
                .as_ref()
                .map_or(String::new(), |l| format!(" (`{}`)", cell(&l.to_string())));
            writeln!(w, "- **{}**: {}{at}", p.kind.id(), cell(&p.message))?;
        }
        if !pending.is_empty() {
            writeln!(w, "\nPending, in apply order:\n")?;
            for (i, version) in pending.iter().enumerate() {
                let at = location_of(chain, version)
                    .map(|l| format!(" (`{}`)", cell(&l)))
                    .unwrap_or_default();
                writeln!(w, "{}. `{}`{at}", i + 1, cell(version))?;
            }
        }
    }
    writeln!(
        w,
        "\n{} chain{}, {} problem{}.",
        report.chains.len(),
        if report.chains.len() == 1 { "" } else { "s" },
        report.problems,
        if report.problems == 1 { "" } else { "s" }
    )
}
