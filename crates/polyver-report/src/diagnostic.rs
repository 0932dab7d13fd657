//! Diagnostics for people, the way cargo and cargo-deny print them: the message, where it
//! is, the source line and a caret under the column (or the trimmed line underlined when
//! the column is not known).
//!
//! ```text
//! warning[parse-error]: cannot parse requirement `==bad`
//!  --> requirements.txt:3
//!   |
//! 3 | ==bad
//!   | ^^^^^
//! ```
//!
//! Why hand-written rather than codespan-reporting or miette: a diagnostic carries one
//! bounded excerpt of its line ([`SourceLine`]), not the file, because nothing may read the
//! scanned tree after the walk. codespan-reporting maps byte spans through the whole file
//! text and prints no location without a labelled span (line 0, a file whose text is gone);
//! miette's graphical report is not cargo's layout and brings a dozen crates for it. What
//! both would still leave to us is the part that matters here: escaping control characters
//! from hostile files and keeping the caret under the right character after escaping,
//! tabs and wide characters.
//!
//! Colour only when the caller says so ([`stderr_color`] decides for stderr).

use polyver_model::{escape_control, Diagnostic, Severity, SourceLine};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Columns a tab takes in the excerpt (as rustc prints them).
const TAB_WIDTH: usize = 4;

/// One message to render; [`render`] builds it from a [`Diagnostic`].
#[derive(Clone, Copy, Debug)]
pub struct Annotation<'a> {
    pub severity: Severity,
    /// The stable code (`parse-error`), when there is one.
    pub code: Option<&'a str>,
    pub message: &'a str,
    /// The file; `None` for an input given on the command line.
    pub path: Option<&'a str>,
    /// 1-based; 0 when the whole file or input is meant (a file's line is then not shown).
    pub line: u32,
    /// 1-based character column in the line.
    pub column: Option<u32>,
    pub source: Option<&'a SourceLine>,
}

/// `diagnostic` as a block of lines (ending in a newline), with its source line when the
/// walker attached one.
pub fn render(diagnostic: &Diagnostic, color: bool) -> String {
    render_annotation(
        &Annotation {
            severity: diagnostic.severity,
            code: Some(diagnostic.code.id()),
            message: &diagnostic.message,
            path: Some(&diagnostic.path),
            line: diagnostic.line,
            column: diagnostic.column,
            source: diagnostic.source_line.as_ref(),
        },
        color,
    )
}

/// Whether diagnostics on stderr may be coloured: a terminal, no `--no-color`
/// (`no_color_flag`), no `NO_COLOR` (no-color.org).
pub fn stderr_color(no_color_flag: bool) -> bool {
    use std::io::IsTerminal;
    !no_color_flag
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal()
}

/// ANSI styles, or nothing.
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn severity_style(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    }
}

const GUTTER: &str = "1;34";

/// `annotation` as a block of lines, each ending in a newline.
pub fn render_annotation(a: &Annotation, color: bool) -> String {
    let paint = Paint { color };
    let (word, style) = severity_style(a.severity);
    let head = match a.code {
        Some(code) => format!("{word}[{}]", escape_control(code)),
        None => word.to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        paint.wrap(style, &head),
        paint.wrap("1", &format!(": {}", escape_control(a.message)))
    );
    let number = if a.line > 0 {
        a.line.to_string()
    } else {
        String::new()
    };
    // As wide as the line number, and one column when there is none.
    let pad = " ".repeat(number.len().max(1));
    if let Some(path) = a.path {
        let mut at = escape_control(path).into_owned();
        if a.line > 0 {
            let _ = write!(at, ":{}", a.line);
            if let Some(c) = a.column {
                let _ = write!(at, ":{c}");
            }
        }
        let _ = writeln!(out, "{pad}{} {at}", paint.wrap(GUTTER, "-->"));
    }
    // A file's line 0 is the whole file: no line to show.
    let shown = a.source.filter(|_| a.line > 0 || a.path.is_none());
    if let Some(source) = shown {
        let excerpt = Excerpt::of(source);
        let bar = paint.wrap(GUTTER, "|");
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {}",
            paint.wrap(GUTTER, &format!("{number:>width$}", width = pad.len())),
            excerpt.text
        );
        if let Some((start, width)) = excerpt.marked(a.column) {
            let carets = paint.wrap(style, &"^".repeat(width));
            let _ = writeln!(out, "{pad} {bar} {}{carets}", " ".repeat(start));
        }
    }
    out
}

/// One character of the excerpt as displayed.
struct Shown {
    /// 1-based column in the full line.
    column: u32,
    /// Display offset it starts at, and its display width.
    start: usize,
    width: usize,
    blank: bool,
}

/// A source line as displayed: escaped, tabs expanded, each character's display span kept.
struct Excerpt {
    text: String,
    chars: Vec<Shown>,
    /// Display width up to the end of the last source character.
    body_end: usize,
}

impl Excerpt {
    fn of(source: &SourceLine) -> Excerpt {
        let mut text = String::new();
        if source.first_column > 1 {
            text.push_str("...");
        }
        let mut at = text.width();
        let mut chars = Vec::with_capacity(source.text.len());
        for (i, c) in source.text.chars().enumerate() {
            let shown = match c {
                '\t' => " ".repeat(TAB_WIDTH),
                c if c.is_control() => escape_control(c.encode_utf8(&mut [0; 4])).into_owned(),
                c => c.to_string(),
            };
            let width = shown.width();
            chars.push(Shown {
                column: source.first_column.saturating_add(i as u32),
                start: at,
                width,
                blank: c.is_whitespace(),
            });
            at += width;
            text.push_str(&shown);
        }
        if source.cut_after {
            text.push_str("...");
        }
        Excerpt {
            text,
            chars,
            body_end: at,
        }
    }

    /// Display offset and width to mark: the character at `column` (just past the end when
    /// the column is after the line), else the line without its leading and trailing
    /// whitespace; `None` when there is nothing to mark (a blank line, a column cut off).
    fn marked(&self, column: Option<u32>) -> Option<(usize, usize)> {
        match column {
            Some(col) => match self.chars.iter().find(|c| c.column == col) {
                Some(c) => Some((c.start, c.width.max(1))),
                None => {
                    let after_last = self.chars.last().map_or(1, |c| c.column + 1);
                    (col >= after_last).then_some((self.body_end, 1))
                }
            },
            None => {
                let first = self.chars.iter().find(|c| !c.blank)?;
                let last = self.chars.iter().rev().find(|c| !c.blank)?;
                let end = last.start + last.width;
                Some((first.start, end.saturating_sub(first.start).max(1)))
            }
        }
    }
}

#[cfg(test)]
mod tests;
