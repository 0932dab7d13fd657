//! The report as GitHub-flavoured Markdown: a table of contents, one `##` section each,
//! tables (long ones folded in `<details>`), notes as block quotes. Charts are left out: their
//! numbers are in the tables beside them.
//!
//! Every value is escaped twice over: Markdown punctuation that would format, link or open
//! an HTML tag (`<script>` stays text) gets a backslash, then [`cell`] keeps it on one line
//! and in one table cell.

use super::{outline, Block, Table, FOLD_AFTER};
use crate::markdown::cell;
use polyver_engine::report::Report;
use std::fmt::Write as _;

/// `text` safe anywhere in the report's Markdown: as text, on one line.
pub(crate) fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    cell(&out)
}

/// `polyver report --format markdown`.
pub fn markdown(report: &Report) -> String {
    let doc = outline(report);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", text(&doc.title));
    let _ = writeln!(out, "{}\n", text(&doc.subtitle));
    out.push_str("**Contents:** ");
    let toc: Vec<String> = doc
        .sections
        .iter()
        .map(|s| format!("[{}](#{})", s.title, slug(s.title)))
        .collect();
    out.push_str(&toc.join(" · "));
    out.push_str("\n\n");
    for section in &doc.sections {
        let _ = writeln!(out, "## {}\n", section.title);
        for block in &section.blocks {
            match block {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "{}\n", text(p));
                }
                Block::Note(n) => {
                    let _ = writeln!(out, "> **Note:** {}\n", text(n));
                }
                Block::Heading(h) => {
                    let _ = writeln!(out, "### {}\n", text(h));
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {}", text(i));
                    }
                    out.push('\n');
                }
                Block::Table(t) => table(&mut out, t),
                Block::Chart(_) => {}
            }
        }
    }
    out
}

fn table(out: &mut String, t: &Table) {
    if t.rows.is_empty() {
        if !t.empty.is_empty() {
            let _ = writeln!(out, "**{}:** {}\n", text(&t.caption), text(t.empty));
        }
        return;
    }
    let folded = t.rows.len() > FOLD_AFTER;
    if folded {
        let _ = writeln!(
            out,
            "<details><summary>{} ({} rows)</summary>\n",
            html_escape(&t.caption),
            t.rows.len()
        );
    } else {
        let _ = writeln!(out, "**{}**\n", text(&t.caption));
    }
    let headers: Vec<String> = t
        .headers
        .iter()
        .map(|h| {
            if h.is_empty() {
                " ".to_string()
            } else {
                text(h)
            }
        })
        .collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        t.headers
            .iter()
            .map(|_| "---")
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| text(&c.text)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
    if folded {
        out.push_str("</details>\n\n");
    }
}

/// The anchor a forge gives a heading: lowercase, spaces as `-`, punctuation dropped.
fn slug(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Text inside the raw HTML of `<summary>` (Markdown is not read there).
fn html_escape(text: &str) -> String {
    crate::chart::escape(&polyver_model::escape_control(text))
}

#[cfg(test)]
mod tests {
    use super::{slug, text};

    #[test]
    fn names_stay_text_on_one_line_in_one_cell() {
        assert_eq!(
            text("<script>alert(1)</script>"),
            r"\<script\>alert(1)\</script\>"
        );
        assert_eq!(text("a|b\nc"), r"a\|b\nc");
        assert_eq!(text("*not bold* [link](x)"), r"\*not bold\* \[link\](x)");
        assert_eq!(text(">=1.0,<2"), r"\>=1.0,\<2");
    }

    #[test]
    fn slugs_are_the_forge_anchors() {
        assert_eq!(slug("Dependency graph"), "dependency-graph");
        assert_eq!(slug("Compatibility matrix"), "compatibility-matrix");
    }
}
