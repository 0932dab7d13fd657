//! The one trait every format's rewriter implements, and the span helpers they share.

use std::ops::Range;

use polyver_model::{Component, Format};

use crate::constraint::{self, Change, ClauseEdit};

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

/// What a request changes in the text: the clause edits, and what the re-scan must report
/// at the same place afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub edits: Vec<ClauseEdit>,
    pub expect: Expected,
}

/// What the file's extractor must report for the component after the edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The exact version, for a pin.
    pub version: Option<String>,
    /// The constraint as the extractor reports it (compared without whitespace).
    pub constraint: Option<String>,
}

/// The edits one request needs: from the component's constraint as written (see
/// [`crate::constraint`]), or from its bare version. `Ok(None)`: the constraint admits the
/// target already.
pub fn plan_edits(request: &Request<'_>) -> Result<Option<Planned>, RewriteError> {
    let c = request.component;
    let target = &request.target.version;
    let unsupported = |reason: String| RewriteError::Unsupported {
        path: request.path.to_string(),
        line: request.line,
        reason,
    };
    match (&c.constraint, &c.version) {
        // An exact version moves to the target whatever the ecosystem's reading of a bare
        // version (Maven's and NuGet's are soft minimums, pinned in practice).
        (k, Some(v)) => Ok(Some(Planned {
            edits: vec![ClauseEdit {
                op: String::new(),
                old: v.clone(),
                new: target.clone(),
            }],
            expect: Expected {
                version: Some(target.clone()),
                constraint: k.as_ref().map(|k| k.raw.replacen(v.as_str(), target, 1)),
            },
        })),
        (Some(k), None) => {
            match constraint::change(c.ecosystem, &k.raw, target, request.bump_ranges)
                .map_err(unsupported)?
            {
                Change::Satisfied => Ok(None),
                Change::Edit { edits, constraint } => Ok(Some(Planned {
                    edits,
                    expect: Expected {
                        version: None,
                        constraint: Some(constraint),
                    },
                })),
            }
        }
        (None, None) => Err(unsupported(
            "no version or constraint is written here".to_string(),
        )),
    }
}

/// Applies clause edits inside the byte `region` of `text`: each edit's old version text must
/// occur there exactly once as a whole token, after its operator (spaces allowed between).
pub fn apply_in_region(
    text: &str,
    region: Range<usize>,
    edits: &[ClauseEdit],
    path: &str,
    line: u32,
) -> Result<String, RewriteError> {
    let body = &text[region.clone()];
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_');
    let mut spots: Vec<(usize, &ClauseEdit)> = Vec::new();
    for edit in edits {
        let hits: Vec<usize> = body
            .match_indices(edit.old.as_str())
            .map(|(i, _)| i)
            .filter(|&i| {
                let before = body[..i].chars().next_back();
                let after = body[i + edit.old.len()..].chars().next();
                let bounded =
                    !before.is_some_and(is_token_char) && !after.is_some_and(is_token_char);
                bounded && body[..i].trim_end().ends_with(edit.op.as_str())
            })
            .collect();
        match hits.as_slice() {
            [i] => spots.push((region.start + i, edit)),
            [] => {
                return Err(RewriteError::NotFound {
                    path: path.to_string(),
                    line,
                    what: format!("`{}{}`", edit.op, edit.old),
                })
            }
            _ => {
                return Err(RewriteError::Unsupported {
                    path: path.to_string(),
                    line,
                    reason: format!(
                        "`{}{}` occurs more than once here; not guessing which",
                        edit.op, edit.old
                    ),
                })
            }
        }
    }
    spots.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (at, edit) in spots {
        out.replace_range(at..at + edit.old.len(), &edit.new);
    }
    Ok(out)
}

/// [`apply_in_region`] on the request's whole line.
pub fn apply_on_line(
    text: &str,
    request: &Request<'_>,
    edits: &[ClauseEdit],
) -> Result<String, RewriteError> {
    let span = line_span(text, request.line).ok_or_else(|| RewriteError::NotFound {
        path: request.path.to_string(),
        line: request.line,
        what: "the line".to_string(),
    })?;
    apply_in_region(text, span, edits, request.path, request.line)
}

/// The common shape of a rewriter whose versions are written on the component's own line:
/// plan the edits, apply them on that line.
pub fn rewrite_on_line(text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
    match plan_edits(request)? {
        None => Ok(Outcome::AlreadySatisfied),
        Some(planned) => Ok(Outcome::Rewritten(apply_on_line(
            text,
            request,
            &planned.edits,
        )?)),
    }
}

/// The 1-based line of byte `offset`.
pub fn line_of(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())].matches('\n').count() as u32 + 1
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
