//! Every command's human-readable output: one module per command, each turning the result an
//! engine or domain crate returned into text (`table`, `markdown`, ...) for a [`Term`]. JSON
//! is not here: it is `serde_json` of the documented result types, written by the command.
//!
//! Tables go through [`crate::table::Table`], Markdown cells through [`crate::markdown::cell`],
//! and every other value through [`escaped`]: nothing a scanned repository names can forge a
//! line or an escape sequence, whichever command prints it.
//!
//! [`Term`]: crate::term::Term
//! [`escaped`]: crate::term::escaped

pub mod audit;
pub mod check;
pub mod conflicts;
pub mod db;
pub mod diff;
pub mod graph;
pub mod graph_documents;
pub mod history;
pub mod init;
pub mod licenses;
pub mod lock;
pub mod migrations;
pub mod outdated;
pub mod plan;
pub mod rematch;
pub mod report;
pub mod scan;
pub mod token;
pub mod version;

/// `1 package` / `2 packages`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
