//! The source line a diagnostic points at, taken while the file's text is in memory (during
//! the walk, or while `polyver.toml` is parsed) so that the edge can show it under the
//! message with a caret, without reading the scanned tree again.
//!
//! Why a window and not the line: a minified lock file is one line of megabytes. At most
//! [`SourceLine::MAX_CHARS`] characters are kept, centred on the column when there is one.
//! The text is kept raw (control characters included) because the caret's position depends
//! on each character; the one place that prints it (`polyver_report::diagnostic`) escapes.
//!
//! Why equality ignores it: it is derived from the path and line (same file, same line, same
//! text), so two diagnostics that differ only in whether the line was attached are the same
//! diagnostic, and tests that build expected diagnostics by hand need not spell it.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// A bounded excerpt of one line of a file or input.
#[derive(Clone, Debug)]
pub struct SourceLine {
    /// The excerpt, raw (escape before printing), without the line terminator.
    pub text: String,
    /// The 1-based character column in the full line where `text` starts (1 unless the
    /// line was cut on the left).
    pub first_column: u32,
    /// Whether the line goes on after `text`.
    pub cut_after: bool,
}

impl SourceLine {
    /// The most characters of a line kept.
    pub const MAX_CHARS: usize = 200;

    /// The excerpt of `line` (without its terminator; a trailing `\r` is dropped) around
    /// the 1-based character `column`, or from its start.
    pub fn excerpt(line: &str, column: Option<u32>) -> SourceLine {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let total = line.chars().count();
        if total <= Self::MAX_CHARS {
            return SourceLine {
                text: line.to_string(),
                first_column: 1,
                cut_after: false,
            };
        }
        let wanted = column.map_or(1, |c| c.max(1) as usize);
        let last_start = total - Self::MAX_CHARS + 1;
        let start = wanted
            .saturating_sub(Self::MAX_CHARS / 2)
            .clamp(1, last_start);
        let text: String = line.chars().skip(start - 1).take(Self::MAX_CHARS).collect();
        SourceLine {
            text,
            first_column: start as u32,
            cut_after: start - 1 + Self::MAX_CHARS < total,
        }
    }

    /// The excerpt of 1-based line `line` of `text` around `column`; `None` for line 0 or
    /// past the end.
    pub fn of_text(text: &str, line: u32, column: Option<u32>) -> Option<SourceLine> {
        let index = (line as usize).checked_sub(1)?;
        text.split('\n')
            .nth(index)
            .map(|l| SourceLine::excerpt(l, column))
    }
}

impl PartialEq for SourceLine {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SourceLine {}

impl Hash for SourceLine {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl PartialOrd for SourceLine {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SourceLine {
    fn cmp(&self, _: &Self) -> Ordering {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_whole_without_their_carriage_return() {
        let s = SourceLine::excerpt("requests==2.31\r", Some(3));
        assert_eq!(
            (s.text.as_str(), s.first_column, s.cut_after),
            ("requests==2.31", 1, false)
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line: String = "é".repeat(1000);
        let s = SourceLine::excerpt(&line, Some(500));
        assert_eq!(s.text.chars().count(), SourceLine::MAX_CHARS);
        assert_eq!(s.first_column, 400);
        assert!(s.cut_after);
        // Near the end the window ends at the end; without a column it starts at the start.
        let end = SourceLine::excerpt(&line, Some(1000));
        assert_eq!((end.first_column, end.cut_after), (801, false));
        let start = SourceLine::excerpt(&line, None);
        assert_eq!((start.first_column, start.cut_after), (1, true));
    }

    #[test]
    fn lines_of_a_text() {
        let text = "a\nb\r\nc";
        assert_eq!(SourceLine::of_text(text, 2, None).unwrap().text, "b");
        assert!(SourceLine::of_text(text, 0, None).is_none());
        assert!(SourceLine::of_text(text, 4, None).is_none());
    }

    #[test]
    fn equality_ignores_the_excerpt() {
        assert_eq!(
            SourceLine::excerpt("a", None),
            SourceLine::excerpt("b", None)
        );
    }
}
