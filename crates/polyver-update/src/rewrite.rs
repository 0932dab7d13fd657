//! The one trait every format's rewriter implements, and the span helpers they share.

use std::ops::Range;

use polyver_model::{Component, Format};

/// Where a component should move to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The new version, as the registry spells it (`2.32.3`, `v1.4.0` for Go and tags).
    pub version: String,
    /// The new digest, for files that pin one (`sha256:...` for images, a commit SHA for
    /// actions pinned to a commit).
    pub digest: Option<String>,
}

/// One edit asked of a rewriter: this component, declared in this file, moves to `target`.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub component: &'a Component,
    /// The repository-relative path of the file being edited (one of the component's
    /// locations).
    pub path: &'a str,
    /// The 1-based line of that location.
    pub line: u32,
    pub target: &'a Target,
    /// Rewrite a range even when it already admits the target (`--bump-ranges`).
    pub bump_ranges: bool,
}

/// What a rewriter did with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The new file contents.
    Rewritten(String),
    /// The constraint already admits the target and `bump_ranges` is off: nothing to edit
    /// here (the lock file moves instead).
    AlreadySatisfied,
}

/// Why a rewrite could not be made; the update goes on with every other edit.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RewriteError {
    /// The version text is not where the scan saw it (the file changed since).
    #[error("{path}:{line}: {what} not found on this line; was the file changed since the scan?")]
    NotFound {
        path: String,
        line: u32,
        what: String,
    },
    /// The format cannot express this edit (a version from a variable it cannot resolve, a
    /// range form it does not know how to widen, ...).
    #[error("{path}:{line}: {reason}")]
    Unsupported {
        path: String,
        line: u32,
        reason: String,
    },
}

/// One file format's rewriter (one module in [`crate::formats`]).
pub trait Rewriter: Sync {
    /// The formats (extractor ids) whose components this rewriter edits.
    fn formats(&self) -> &'static [Format];
    /// Rewrites `text` (the whole file) for one request.
    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError>;
}

/// The byte range of 1-based `line` in `text`, without its line ending (`\n` or `\r\n`).
pub fn line_span(text: &str, line: u32) -> Option<Range<usize>> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    if start > text.len() || (line == 0) {
        return None;
    }
    let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    Some(start..end)
}

/// Replaces the one occurrence of `old` on 1-based `line` with `new`; `old` must occur
/// there exactly once as a whole token (not inside a longer version: `1.2` in `1.25`).
pub fn replace_on_line(
    text: &str,
    path: &str,
    line: u32,
    old: &str,
    new: &str,
) -> Result<String, RewriteError> {
    let not_found = || RewriteError::NotFound {
        path: path.to_string(),
        line,
        what: format!("`{old}`"),
    };
    let span = line_span(text, line).ok_or_else(not_found)?;
    let body = &text[span.clone()];
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_');
    let hits: Vec<usize> = body
        .match_indices(old)
        .map(|(i, _)| i)
        .filter(|&i| {
            let before = body[..i].chars().next_back();
            let after = body[i + old.len()..].chars().next();
            !before.is_some_and(|c| {
                is_token_char(c) && old.starts_with(|d: char| d.is_ascii_alphanumeric())
            }) && !after.is_some_and(is_token_char)
        })
        .collect();
    match hits.as_slice() {
        [i] => {
            let at = span.start + i;
            let mut out = String::with_capacity(text.len() + new.len());
            out.push_str(&text[..at]);
            out.push_str(new);
            out.push_str(&text[at + old.len()..]);
            Ok(out)
        }
        [] => Err(not_found()),
        _ => Err(RewriteError::Unsupported {
            path: path.to_string(),
            line,
            reason: format!("`{old}` occurs more than once on this line; not guessing which"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_span_handles_crlf_and_last_line() {
        let text = "a\r\nbb\nccc";
        assert_eq!(&text[line_span(text, 1).unwrap()], "a");
        assert_eq!(&text[line_span(text, 2).unwrap()], "bb");
        assert_eq!(&text[line_span(text, 3).unwrap()], "ccc");
        assert_eq!(line_span(text, 4), None);
        assert_eq!(line_span(text, 0), None);
    }

    #[test]
    fn replace_on_line_keeps_every_other_byte() {
        let text = "# pinned\r\nrequests==2.31.0  # via app\r\nidna==3.4\r\n";
        let out = replace_on_line(text, "r.txt", 2, "2.31.0", "2.32.3").unwrap();
        assert_eq!(
            out,
            "# pinned\r\nrequests==2.32.3  # via app\r\nidna==3.4\r\n"
        );
    }

    #[test]
    fn replace_on_line_matches_whole_versions_only() {
        let text = "x==1.25 # not 1.2\n";
        assert!(matches!(
            replace_on_line(text, "r.txt", 1, "1.2", "1.3"),
            Ok(ref s) if s == "x==1.25 # not 1.3\n"
        ));
        let twice = "a: 1.0 b: 1.0\n";
        assert!(matches!(
            replace_on_line(twice, "f", 1, "1.0", "2.0"),
            Err(RewriteError::Unsupported { .. })
        ));
        assert!(matches!(
            replace_on_line(text, "r.txt", 1, "9.9", "1.0"),
            Err(RewriteError::NotFound { .. })
        ));
    }
}
