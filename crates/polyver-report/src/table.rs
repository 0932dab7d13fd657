//! The one table writer of every human-readable report: columns padded to their widest cell,
//! numbers right-aligned, colour per cell or per row, and one row per line whatever the
//! cells hold.
//!
//! Every cell goes through [`escape_control`]: a newline or escape sequence in a package name
//! from a hostile repository shows as `\n` / `\x1b` and cannot forge a line or recolour the
//! terminal. When the [`Term`] has a width and a row would be wider, the column marked
//! [`Column::shrink`] is cut to fit, its long cells ending in `…`; rows are never wrapped.
//! Colour is applied after the layout, so escape codes never count towards a width.

use crate::term::{Style, Term};
use polyver_model::escape_control;
use std::fmt::Write as _;

/// How a column's cells sit in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One column: its alignment, a minimum width, and whether it is the one cut to fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub align: Align,
    pub min_width: usize,
    pub shrink: bool,
}

impl Column {
    pub fn left() -> Column {
        Column {
            align: Align::Left,
            min_width: 0,
            shrink: false,
        }
    }

    pub fn right() -> Column {
        Column {
            align: Align::Right,
            ..Column::left()
        }
    }

    /// At least `width` characters wide.
    pub fn min(mut self, width: usize) -> Column {
        self.min_width = width;
        self
    }

    /// The column cut (with `…`) when a row does not fit the terminal's width.
    pub fn shrink(mut self) -> Column {
        self.shrink = true;
        self
    }
}

/// The narrowest a shrinking column gets, however narrow the terminal.
const MIN_SHRUNK: usize = 8;

struct Row {
    cells: Vec<(String, Option<Style>)>,
    style: Option<Style>,
    /// Lines written under the row (indented by the table's indent plus `detail_indent`).
    details: Vec<String>,
    /// Pieces written after the last cell, outside the columns, each with its own style.
    tail: Vec<(String, Option<Style>)>,
}

/// A table being built; [`Table::render`] lays it out.
pub struct Table {
    columns: Vec<Column>,
    header: Option<Vec<String>>,
    rows: Vec<Row>,
    indent: usize,
    gap: String,
    detail_indent: usize,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            header: None,
            rows: Vec::new(),
            indent: 0,
            gap: "  ".to_string(),
            detail_indent: 4,
        }
    }

    /// Spaces before every line.
    pub fn indent(mut self, n: usize) -> Table {
        self.indent = n;
        self
    }

    /// What separates two cells (two spaces unless set).
    pub fn gap(mut self, gap: &str) -> Table {
        self.gap = gap.to_string();
        self
    }

    /// Spaces before a detail line, after the table's indent (four unless set).
    pub fn detail_indent(mut self, n: usize) -> Table {
        self.detail_indent = n;
        self
    }

    /// A header row, written bold; its cells count towards the widths.
    pub fn header<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Table {
        self.header = Some(cells.into_iter().map(Into::into).collect());
        self
    }

    /// A row of plain cells.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Table {
        let cells = cells.into_iter().map(|c| (c.into(), None)).collect();
        self.rows.push(Row {
            cells,
            style: None,
            details: Vec::new(),
            tail: Vec::new(),
        });
        self
    }

    /// A row whose cells each may have a style.
    pub fn styled_row(&mut self, cells: Vec<(String, Option<Style>)>) -> &mut Table {
        self.rows.push(Row {
            cells,
            style: None,
            details: Vec::new(),
            tail: Vec::new(),
        });
        self
    }

    /// Paints the whole last row (cells and gaps) in `style`.
    pub fn row_style(&mut self, style: Option<Style>) -> &mut Table {
        if let Some(row) = self.rows.last_mut() {
            row.style = style;
        }
        self
    }

    /// Lines written under the last row, outside the columns (escaped like cells).
    pub fn details(&mut self, lines: impl IntoIterator<Item = String>) -> &mut Table {
        if let Some(row) = self.rows.last_mut() {
            row.details.extend(lines);
        }
        self
    }

    /// Pieces written after the last cell of the last row (escaped and painted like cells,
    /// not aligned): `+++--~` of a diff stat.
    pub fn tail(&mut self, pieces: Vec<(String, Option<Style>)>) -> &mut Table {
        if let Some(row) = self.rows.last_mut() {
            row.tail = pieces;
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines, each ending in `\n`, trailing spaces trimmed.
    pub fn render(&self, term: &Term) -> String {
        let escape = |s: &str| escape_control(s).into_owned();
        let header: Option<Vec<String>> = self
            .header
            .as_ref()
            .map(|h| h.iter().map(|c| escape(c)).collect());
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|(c, _)| escape(c)).collect())
            .collect();
        let widths = self.widths(header.iter().chain(&rows), term);
        let mut out = String::new();
        if let Some(h) = &header {
            let cells: Vec<(String, Option<Style>)> = h.iter().map(|c| (c.clone(), None)).collect();
            let line = self.line(&cells, &widths, &Term::PLAIN);
            let _ = writeln!(out, "{}", term.paint(&line, Style::Bold));
        }
        for (row, cells) in self.rows.iter().zip(rows) {
            let cells: Vec<(String, Option<Style>)> = cells
                .into_iter()
                .zip(&row.cells)
                .map(|(text, (_, style))| (text, *style))
                .collect();
            let mut line = match row.style {
                Some(style) => term.paint(&self.line(&cells, &widths, &Term::PLAIN), style),
                None => self.line(&cells, &widths, term),
            };
            if !row.tail.is_empty() {
                line.push_str(&self.gap);
                for (text, style) in &row.tail {
                    let text = escape(text);
                    line.push_str(&style.map_or_else(|| text.clone(), |s| term.paint(&text, s)));
                }
            }
            let _ = writeln!(out, "{line}");
            for d in &row.details {
                let pad = " ".repeat(self.indent + self.detail_indent);
                let _ = writeln!(out, "{pad}{}", escape(d));
            }
        }
        out
    }

    /// Each column's width: its widest cell (at least its minimum), then the shrinking
    /// column narrowed until the widest row fits the terminal.
    fn widths<'a>(&self, rows: impl Iterator<Item = &'a Vec<String>>, term: &Term) -> Vec<usize> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.min_width).collect();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if i >= widths.len() {
                    widths.push(0);
                }
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let Some(limit) = term.width else {
            return widths;
        };
        let gaps = self.gap.chars().count() * widths.len().saturating_sub(1);
        let total = self.indent + gaps + widths.iter().sum::<usize>();
        if let Some(i) = self.columns.iter().position(|c| c.shrink) {
            if total > limit && i < widths.len() {
                let rest = total - widths[i];
                let fit = limit.saturating_sub(rest).max(MIN_SHRUNK);
                widths[i] = widths[i].min(fit);
            }
        }
        widths
    }

    fn line(&self, cells: &[(String, Option<Style>)], widths: &[usize], term: &Term) -> String {
        let mut line = " ".repeat(self.indent);
        for (i, (text, style)) in cells.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            let text = truncated(text, width);
            let pad = " ".repeat(width.saturating_sub(text.chars().count()));
            let painted = match style {
                Some(s) => term.paint(&text, *s),
                None => text,
            };
            let align = self.columns.get(i).map_or(Align::Left, |c| c.align);
            match align {
                Align::Left => {
                    line.push_str(&painted);
                    line.push_str(&pad);
                }
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(&painted);
                }
            }
            if i + 1 < cells.len() {
                line.push_str(&self.gap);
            }
        }
        line.trim_end().to_string()
    }
}

/// `text` cut to `width` characters, its last one `…` when anything was cut.
fn truncated(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests;
