//! `polyver outdated`: the components behind their registry's newest release, as a table (the
//! ones that need attention, then one summary line), the `polyver.outdated/v1` document and
//! Markdown for a pull-request comment.

use crate::markdown::cell;
use crate::table::{Column, Table};
use crate::term::{escaped, Style, Term};
use polyver_upstream::outdated::{Report, Row, Status};
use polyver_version::Bump;
use serde::Serialize;

pub const SCHEMA: &str = "polyver.outdated/v1";

/// The counts every format ends with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Rows (components looked up).
    pub components: usize,
    pub outdated: usize,
    pub major: usize,
    pub minor: usize,
    pub patch: usize,
    /// Behind only by a moved digest or a pre-release/build difference.
    pub other: usize,
    pub unknown: usize,
    pub yanked: usize,
    pub deprecated: usize,
    /// Components not looked up (no registry, local source, ...).
    pub skipped: usize,
    pub failed_lookups: usize,
}

impl Summary {
    pub fn of(report: &Report) -> Summary {
        let mut s = Summary {
            components: report.rows.len(),
            skipped: report.skipped.values().sum(),
            failed_lookups: report.problems.len(),
            ..Summary::default()
        };
        for row in &report.rows {
            match row.status {
                Status::Outdated => {
                    s.outdated += 1;
                    match row.bump {
                        Some(Bump::Major) => s.major += 1,
                        Some(Bump::Minor) => s.minor += 1,
                        Some(Bump::Patch) => s.patch += 1,
                        _ => s.other += 1,
                    }
                }
                Status::Unknown => s.unknown += 1,
                Status::UpToDate => {}
            }
            s.yanked += usize::from(row.yanked.is_some() || row.retracted.is_some());
            s.deprecated += usize::from(row.deprecated.is_some());
        }
        s
    }
}

/// Where the rows were stored: with the repository's latest scan in the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stored {
    pub scan_id: i64,
    pub repository: String,
    pub rows: usize,
}

impl Stored {
    /// What `polyver outdated` says on stderr about it.
    pub fn line(&self) -> String {
        escaped(format!(
            "stored {} with scan {} of {}",
            super::plural(self.rows, "outdated row", "outdated rows"),
            self.scan_id,
            self.repository
        )) + "\n"
    }
}

/// The `polyver.outdated/v1` document.
#[derive(Serialize)]
pub struct Document<'a> {
    pub schema: &'static str,
    /// `--fail-on-outdated`, when given.
    pub fail_on: Option<&'static str>,
    pub failed: bool,
    /// Where the rows were stored; `null` with `--no-store`, without a registry, or when it
    /// has no scan of the repository.
    pub stored: Option<Stored>,
    pub summary: Summary,
    #[serde(flatten)]
    pub report: &'a Report,
}

impl<'a> Document<'a> {
    pub fn new(report: &'a Report, fail_on: Option<Bump>, failed: bool) -> Document<'a> {
        Document {
            schema: SCHEMA,
            fail_on: fail_on.map(Bump::as_str),
            failed,
            stored: None,
            summary: Summary::of(report),
            report,
        }
    }
}

/// What a row is behind by: `2 majors`, `1 minor`, `new digest`, `pre-release`.
pub fn behind(row: &Row) -> String {
    let n = |count: u64, one: &str, many: &str| super::plural(count as usize, one, many);
    match row.bump {
        Some(Bump::Major) => n(row.majors_behind, "major", "majors"),
        Some(Bump::Minor) => n(row.minors_behind, "minor", "minors"),
        Some(Bump::Patch) => n(row.patches_behind, "patch", "patches"),
        Some(Bump::Other) => "build".to_string(),
        None if row.newer_digest.is_some() => "new digest".to_string(),
        None => String::new(),
    }
}

/// `yanked`, `deprecated`, `retracted`, comma-separated.
fn flags(row: &Row) -> String {
    let mut flags = Vec::new();
    if row.yanked.is_some() {
        flags.push("yanked");
    }
    if row.retracted.is_some() {
        flags.push("retracted");
    }
    if row.deprecated.is_some() {
        flags.push("deprecated");
    }
    if row.newer_digest.is_some() && row.bump.is_some() {
        flags.push("new digest");
    }
    flags.join(", ")
}

fn age(row: &Row) -> String {
    match (row.days_behind, row.libyears) {
        (Some(days), Some(years)) => format!("{days}d ({years:.1}y)"),
        (Some(days), None) => format!("{days}d"),
        _ => String::new(),
    }
}

/// Rows that need attention: behind, unknown, or flagged.
fn shown(report: &Report) -> impl Iterator<Item = &Row> {
    report.rows.iter().filter(|r| {
        r.status != Status::UpToDate
            || r.yanked.is_some()
            || r.deprecated.is_some()
            || r.retracted.is_some()
    })
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "-".to_string())
}

/// The table of rows that need attention, notes for the unknown ones, failed lookups, and a
/// summary line.
pub fn table(report: &Report, term: &Term) -> String {
    let mut out = String::new();
    let mut table = Table::new(vec![
        Column::left(),
        Column::left().shrink(),
        Column::left(),
        Column::left(),
        Column::left(),
        Column::left(),
        Column::right(),
        Column::left(),
        Column::left().shrink(),
    ])
    .header([
        "ECOSYSTEM",
        "NAME",
        "CURRENT",
        "WANTED",
        "LATEST",
        "BEHIND",
        "AGE",
        "FLAGS",
        "LOCATION",
    ]);
    let mut notes = Vec::new();
    for row in shown(report) {
        let style = match (row.status, row.bump) {
            (Status::Outdated, Some(Bump::Major)) => Some(Style::Bad),
            (Status::Unknown, _) => None,
            (Status::Outdated, _) => Some(Style::Bold),
            _ if row.yanked.is_some() || row.retracted.is_some() => Some(Style::Bad),
            _ => None,
        };
        table
            .row([
                row.ecosystem.to_string(),
                row.name.clone(),
                opt(&row.current),
                opt(&row.wanted),
                opt(&row.latest),
                behind(row),
                age(row),
                flags(row),
                format!("{}:{}", row.path, row.line),
            ])
            .row_style(style);
        if let Some(note) = &row.note {
            notes.push(format!("{} {}: {note}", row.ecosystem, row.name));
        }
    }
    if !table.is_empty() {
        out.push_str(&table.render(term));
    }
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            out.push_str(&format!("note: {}\n", escaped(note)));
        }
    }
    if !report.problems.is_empty() {
        out.push('\n');
        for p in &report.problems {
            let line = format!("lookup failed: {} {}: {}", p.ecosystem, p.name, p.message);
            out.push_str(&term.paint(&escaped(line), Style::Bad));
            out.push('\n');
        }
    }
    if !table.is_empty() || !report.problems.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out
}

fn summary_line(report: &Report) -> String {
    let s = Summary::of(report);
    let mut line = if s.components == 0 {
        "nothing looked up".to_string()
    } else if s.outdated == 0 {
        format!(
            "{} up to date",
            super::plural(s.components - s.unknown, "component", "components")
        )
    } else {
        format!(
            "{} of {} outdated ({} major, {} minor, {} patch{})",
            s.outdated,
            super::plural(s.components, "component", "components"),
            s.major,
            s.minor,
            s.patch,
            if s.other > 0 {
                format!(", {} other", s.other)
            } else {
                String::new()
            }
        )
    };
    if s.unknown > 0 {
        line.push_str(&format!("; {} unknown", s.unknown));
    }
    if s.failed_lookups > 0 {
        line.push_str(&format!(
            "; {} failed",
            super::plural(s.failed_lookups, "lookup", "lookups")
        ));
    }
    if s.skipped > 0 {
        let reasons: Vec<String> = report
            .skipped
            .iter()
            .map(|(reason, n)| format!("{reason}: {n}"))
            .collect();
        line.push_str(&format!(
            "; {} not looked up ({})",
            s.skipped,
            reasons.join(", ")
        ));
    }
    escaped(line) + "\n"
}

/// A Markdown table of the rows that need attention, and the summary.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("## Outdated components\n\n");
    let rows: Vec<&Row> = shown(report).collect();
    if !rows.is_empty() {
        out.push_str("| Ecosystem | Name | Current | Wanted | Latest | Behind | Days behind | Flags | Location |\n");
        out.push_str("|---|---|---|---|---|---|---:|---|---|\n");
        for row in rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {}:{} |\n",
                cell(row.ecosystem.id()),
                cell(&row.name),
                cell(&opt(&row.current)),
                cell(&opt(&row.wanted)),
                cell(&opt(&row.latest)),
                cell(&behind(row)),
                row.days_behind.map(|d| d.to_string()).unwrap_or_default(),
                cell(&flags(row)),
                cell(&row.path),
                row.line
            ));
        }
        out.push('\n');
    }
    for p in &report.problems {
        out.push_str(&format!(
            "- lookup failed: {} {}: {}\n",
            cell(p.ecosystem.id()),
            cell(&p.name),
            cell(&p.message)
        ));
    }
    if !report.problems.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out
}
