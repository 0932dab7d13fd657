//! The report as one self-contained HTML file: semantic sections, a table of contents, inline
//! CSS (readable from a phone to a laptop, and on paper) and inline SVG charts. No script, no
//! font, image or stylesheet from anywhere: it opens offline, from a mail attachment or a CI
//! artifact.
//!
//! Every value is escaped for HTML ([`esc`]): a component named `<script>` is text.

use super::{outline, Block, Table, FOLD_AFTER};
use polyver_engine::report::Report;
use std::fmt::Write as _;

const STYLE: &str = r#"
:root { --fg: #0f172a; --muted: #475569; --line: #e2e8f0; --bg: #fff; --soft: #f8fafc;
  --pass: #15803d; --fail: #b91c1c; --warn: #b45309; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, nav, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.subtitle, footer { color: var(--muted); }
nav ol { columns: 4 11rem; padding-left: 1.5rem; margin: .5rem 0; }
a { color: #1d4ed8; }
.note { border-left: 4px solid var(--warn); background: #fffbeb; padding: .5rem .75rem; margin: .75rem 0; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
  overflow-wrap: break-word; }
th { background: var(--soft); white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--pass); font-weight: 600; }
.fail { color: var(--fail); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.na { color: var(--muted); }
.sev-critical { color: #7f1d1d; font-weight: 700; }
.sev-high { color: var(--fail); font-weight: 600; }
.sev-medium { color: var(--warn); }
.sev-low { color: #4d7c0f; }
.score { font-weight: 700; }
figure.chart { margin: .75rem 0; max-width: 100%; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
.bar.series-0 rect { fill: #2563eb; } .bar.series-1 rect { fill: #7c3aed; }
.bar.series-2 rect { fill: #16a34a; } .bar.series-3 rect { fill: #d97706; }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .25rem; }
details { margin: .5rem 0 1rem; }
summary { cursor: pointer; font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
@media (max-width: 40rem) {
  body { font-size: 14px; }
  th, td { padding: .3rem; }
}
@media print {
  body { font-size: 11px; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  section { break-inside: auto; }
  tr, figure { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: contents; }
  summary { list-style: none; }
}
"#;

/// Escapes `text` for HTML content and attributes; control characters are shown as `\x1b`.
fn esc(text: &str) -> String {
    crate::chart::escape(&polyver_model::escape_control(text))
}

/// `polyver report --format html`.
pub fn html(report: &Report) -> String {
    let doc = outline(report);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"polyver\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n</header>\n",
        esc(&doc.title),
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    out.push_str("<nav aria-label=\"Contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
    for s in &doc.sections {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", s.id, esc(s.title));
    }
    out.push_str("</ol>\n</nav>\n<main>\n");
    for s in &doc.sections {
        let _ = writeln!(
            out,
            "<section id=\"{id}\" aria-labelledby=\"{id}-heading\">\n<h2 id=\"{id}-heading\">{}</h2>",
            esc(s.title),
            id = s.id
        );
        for block in &s.blocks {
            match block {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "<p>{}</p>", esc(p));
                }
                Block::Note(n) => {
                    let _ = writeln!(out, "<p class=\"note\" role=\"note\">{}</p>", esc(n));
                }
                Block::Heading(h) => {
                    let _ = writeln!(out, "<h3>{}</h3>", esc(h));
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(out, "<li>{}</li>", esc(i));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(t) => table(&mut out, t),
                Block::Chart(c) => {
                    let _ = writeln!(
                        out,
                        "<figure class=\"chart\">{}<figcaption>{}</figcaption></figure>",
                        c.to_svg(),
                        esc(&c.caption())
                    );
                }
            }
        }
        out.push_str("</section>\n");
    }
    let _ = write!(
        out,
        "</main>\n<footer>\n<p>Made by polyver from the repository's files, its polyver.toml and \
         the local OSV database; nothing on this page is loaded from the network.</p>\n\
         </footer>\n</body>\n</html>\n"
    );
    out
}

fn table(out: &mut String, t: &Table) {
    if t.rows.is_empty() {
        if !t.empty.is_empty() {
            let _ = writeln!(
                out,
                "<p><strong>{}:</strong> <span class=\"empty\">{}</span></p>",
                esc(&t.caption),
                esc(t.empty)
            );
        }
        return;
    }
    let folded = t.rows.len() > FOLD_AFTER;
    if folded {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} ({} rows)</summary>",
            esc(&t.caption),
            t.rows.len()
        );
    }
    let _ = write!(
        out,
        "<div class=\"table-wrap\">\n<table>\n<caption>{}</caption>\n<thead><tr>",
        esc(&t.caption)
    );
    for h in &t.headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for c in row {
            match &c.class {
                Some(class) => {
                    let _ = write!(out, "<td class=\"{}\">{}</td>", esc(class), esc(&c.text));
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", esc(&c.text));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    if folded {
        out.push_str("</details>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cell, Table};
    use super::{esc, table};

    #[test]
    fn values_are_escaped_and_long_tables_folded() {
        assert_eq!(
            esc("<script>\"x\"&'\u{1b}"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;\\x1b"
        );
        let rows = |n: usize| -> Vec<Vec<Cell>> {
            (0..n)
                .map(|i| vec![Cell::from(format!("<b>{i}</b>"))])
                .collect()
        };
        let mut out = String::new();
        table(
            &mut out,
            &Table {
                caption: "Short <list>".into(),
                headers: vec!["Name"],
                rows: rows(2),
                empty: "",
            },
        );
        assert!(!out.contains("<details>"), "{out}");
        assert!(
            out.contains("<caption>Short &lt;list&gt;</caption>"),
            "{out}"
        );
        assert!(out.contains("<td>&lt;b&gt;1&lt;/b&gt;</td>"), "{out}");
        let mut out = String::new();
        table(
            &mut out,
            &Table {
                caption: "Long".into(),
                headers: vec!["Name"],
                rows: rows(11),
                empty: "",
            },
        );
        assert!(
            out.starts_with("<details>\n<summary>Long (11 rows)</summary>"),
            "{out}"
        );
    }
}
