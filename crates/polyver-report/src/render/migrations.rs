//! `polyver migrations`: each schema migration chain with its heads, merges and problems
//! (and with a database, what it has applied).

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
