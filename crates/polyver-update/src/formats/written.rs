//! Small facts about how a version is written, shared by the infrastructure rewriters:
//! where a value starts on a line (a recorded column is in characters), the exact span of
//! a YAML scalar as written, the `v` prefix a file uses, and the precision of a partial
//! version (`20`, `3.12`, `v4`) that tools read as "the newest of that series".

use std::ops::Range;

use crate::rewrite::{line_span, Request, RewriteError};

/// The column recorded for the request's location, if the extractor gave one.
pub(crate) fn column_of(request: &Request<'_>) -> Option<u32> {
    request
        .component
        .locations
        .iter()
        .find(|l| l.path == request.path && l.line == request.line)
        .and_then(|l| l.column)
}

/// The byte range of `line` starting at 1-based character `column` (the whole line without
/// a column).
pub(crate) fn line_from(text: &str, line: u32, column: Option<u32>) -> Option<Range<usize>> {
    let span = line_span(text, line)?;
    let Some(column) = column else {
        return Some(span);
    };
    let body = &text[span.clone()];
    let skip = (column as usize).saturating_sub(1);
    let offset = body.char_indices().nth(skip).map_or(body.len(), |(i, _)| i);
    Some(span.start + offset..span.end)
}

/// The text of 1-based `line`, without its line ending.
pub(crate) fn line_span_text(text: &str, line: u32) -> Option<&str> {
    line_span(text, line).map(|r| &text[r])
}

pub(crate) fn not_found(request: &Request<'_>, what: impl Into<String>) -> RewriteError {
    RewriteError::NotFound {
        path: request.path.to_string(),
        line: request.line,
        what: what.into(),
    }
}

pub(crate) fn unsupported(request: &Request<'_>, reason: impl Into<String>) -> RewriteError {
    RewriteError::Unsupported {
        path: request.path.to_string(),
        line: request.line,
        reason: reason.into(),
    }
}

/// `text` with `range` replaced by `new`.
pub(crate) fn splice(text: &str, range: Range<usize>, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..range.start]);
    out.push_str(new);
    out.push_str(&text[range.end..]);
    out
}

/// The content of a YAML scalar written at `start` (a byte offset): inside its quotes for a
/// quoted one, the plain word otherwise (up to a comment, a flow separator or the line end).
/// `None` for block scalars and escapes, which a version never needs.
pub(crate) fn yaml_scalar_span(text: &str, start: usize) -> Option<(Range<usize>, Option<char>)> {
    let rest = &text[start..];
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let rest = &rest[..line_end];
    match rest.chars().next()? {
        q @ ('"' | '\'') => {
            let close = rest[1..].find(q)? + 1;
            let inner = &rest[1..close];
            if q == '"' && inner.contains('\\') {
                return None;
            }
            Some((start + 1..start + close, Some(q)))
        }
        '|' | '>' => None,
        _ => {
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                let comment = c == '#' && rest[..i].ends_with([' ', '\t']);
                if comment || matches!(c, ',' | ']' | '}') {
                    end = i;
                    break;
                }
            }
            let word = rest[..end].trim_end();
            Some((start..start + word.len(), None))
        }
    }
}

/// Whether a plain (unquoted) YAML scalar with this text would load as something other
/// than a string (`1.10` is the float 1.1, `2` an integer, `on` a boolean in YAML 1.1).
pub(crate) fn plain_is_not_a_string(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return true;
    }
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    let mut dots = 0;
    !digits.is_empty()
        && digits.chars().all(|c| {
            if c == '.' {
                dots += 1;
            }
            c.is_ascii_digit() || c == '.' || c == '_'
        })
        && dots <= 1
}

/// `new` written the way `old` is: with a leading `v` when `old` has one, without when it
/// has none (`v4.1.1` and `4.2.0` give `v4.2.0`).
pub(crate) fn in_style_of(old: &str, new: &str) -> String {
    let bare = new.strip_prefix('v').unwrap_or(new);
    if old.starts_with('v') && old[1..].starts_with(|c: char| c.is_ascii_digit()) {
        format!("v{bare}")
    } else {
        bare.to_string()
    }
}

/// A version written with fewer parts than a release (`20`, `3.12`, `v4`) stands for the
/// newest release of that series. Returns what to write for `target`: `None` when the
/// written series already holds it and `bump` is off, else the target cut to the written
/// precision (`v4` and `v5.0.2` give `v5`). Versions with a suffix (`1.20.0-rc.6`,
/// `3.12-slim`) are full versions: the target is written whole.
pub(crate) fn keep_precision(written: &str, target: &str, bump: bool) -> Option<String> {
    let old = written.strip_prefix('v').unwrap_or(written);
    let new = target.strip_prefix('v').unwrap_or(target);
    let numeric = |s: &str| {
        !s.is_empty()
            && s.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let old_parts: Vec<&str> = old.split('.').collect();
    let new_parts: Vec<&str> = new.split(['.', '-', '+']).collect();
    let partial = numeric(old)
        && old_parts.len() < 3
        && new_parts.len() > old_parts.len()
        && new_parts[..old_parts.len()]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !partial {
        let out = in_style_of(written, target);
        return (out != written).then_some(out);
    }
    let cut = new_parts[..old_parts.len()].join(".");
    if cut == old && !bump {
        return None;
    }
    let out = in_style_of(written, &cut);
    (out != written).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_spans_of_each_style() {
        let text = "a: \"1.2\"  # c\nb: '3'\nc: 4.5 # x\nd: {tag: 7.1, x: 1}\n";
        let at = |s: &str| text.find(s).unwrap();
        let span = |s| yaml_scalar_span(text, at(s)).unwrap();
        assert_eq!(&text[span("\"1.2\"").0], "1.2");
        assert_eq!(span("\"1.2\"").1, Some('"'));
        assert_eq!(&text[span("'3'").0], "3");
        assert_eq!(&text[span("4.5").0], "4.5");
        assert_eq!(&text[span("7.1").0], "7.1");
        assert!(yaml_scalar_span("a: |\n", 3).is_none());
    }

    #[test]
    fn precision_and_style() {
        assert_eq!(keep_precision("v4", "v4.2.1", false), None);
        assert_eq!(keep_precision("v4", "v5.0.2", false).as_deref(), Some("v5"));
        assert_eq!(
            keep_precision("3.12", "3.13.1", false).as_deref(),
            Some("3.13")
        );
        assert_eq!(keep_precision("3.12", "3.12.4", false), None);
        assert_eq!(
            keep_precision("20", "v22.1.0", false).as_deref(),
            Some("22")
        );
        assert_eq!(
            keep_precision("v18.18.2", "20.11.1", false).as_deref(),
            Some("v20.11.1")
        );
        assert_eq!(
            keep_precision("1.20.0-rc.6", "1.20.1", false).as_deref(),
            Some("1.20.1")
        );
        assert_eq!(keep_precision("2.1.0", "v2.1.0", false), None);
        assert!(plain_is_not_a_string("1.10"));
        assert!(plain_is_not_a_string("2"));
        assert!(!plain_is_not_a_string("1.2.3"));
        assert!(!plain_is_not_a_string("v1.2"));
    }
}
