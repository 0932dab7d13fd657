//! Requirements files (`requirements*.txt`, `*.in`, constraints): the requirement's first
//! line holds the specifier; its `--hash` options (on the same line or on `\` continuation
//! lines) are replaced by the new version's hashes, which the caller passes in the target's
//! `digest` as `Component::integrity` spells them (`sha256:… sha256:…`, from the index's
//! file list for that version). A hash-pinned requirement without new hashes is refused:
//! `pip install --require-hashes` would reject the file.

use std::ops::Range;

use polyver_model::Format;

use crate::rewrite::{
    apply_on_line, line_span, plan_edits, Outcome, Request, RewriteError, Rewriter,
};

pub struct RequirementsRewriter;

/// The lines of the logical line starting at `line` (continuations end with `\`).
fn logical_lines(text: &str, line: u32) -> Vec<(u32, Range<usize>)> {
    let mut out = Vec::new();
    let mut n = line;
    while let Some(span) = line_span(text, n) {
        let continued = text[span.clone()].trim_end().ends_with('\\');
        out.push((n, span));
        if !continued {
            break;
        }
        n += 1;
    }
    out
}

/// Replaces every `--hash` option of the requirement with `hashes`, keeping the layout: one
/// hash per continuation line when they were written so (same indentation), else inline.
fn replace_hashes(text: &str, line: u32, hashes: &[&str]) -> Option<String> {
    let lines = logical_lines(text, line);
    let is_hash_line = |r: &Range<usize>| text[r.clone()].trim_start().starts_with("--hash");
    let hash_lines: Vec<&(u32, Range<usize>)> =
        lines.iter().filter(|(_, r)| is_hash_line(r)).collect();
    let option = |h: &str| format!("--hash={h}");
    if !hash_lines.is_empty()
        && hash_lines
            .iter()
            .all(|(_, r)| text[r.clone()].matches("--hash").count() == 1)
    {
        let first = &hash_lines[0].1;
        let last = &hash_lines[hash_lines.len() - 1].1;
        let body = &text[first.clone()];
        let indent = &body[..body.len() - body.trim_start().len()];
        let last_continues = text[last.clone()].trim_end().ends_with('\\');
        let ending = if text[first.end..].starts_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let block: Vec<String> = hashes
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let continues = i + 1 < hashes.len() || last_continues;
                format!(
                    "{indent}{}{}",
                    option(h),
                    if continues { " \\" } else { "" }
                )
            })
            .collect();
        let mut out = String::with_capacity(text.len());
        out.push_str(&text[..first.start]);
        out.push_str(&block.join(ending));
        out.push_str(&text[last.end..]);
        return Some(out);
    }
    // Inline: `name==1.0 --hash=sha256:a --hash=sha256:b`.
    let (_, first) = lines.first()?;
    let body = &text[first.clone()];
    let start = body.find("--hash")?;
    let mut end = start;
    let rest = &body[start..];
    let mut offset = 0;
    for word in rest.split(' ') {
        if word.starts_with("--hash") {
            end = start + offset + word.len();
        } else if !word.is_empty() {
            break;
        }
        offset += word.len() + 1;
    }
    let joined: Vec<String> = hashes.iter().map(|h| option(h)).collect();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first.start + start]);
    out.push_str(&joined.join(" "));
    out.push_str(&text[first.start + end..]);
    Some(out)
}

impl Rewriter for RequirementsRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Requirements]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let Some(planned) = plan_edits(request)? else {
            return Ok(Outcome::AlreadySatisfied);
        };
        let edited = apply_on_line(text, request, &planned.edits)?;
        let hashed = logical_lines(text, request.line)
            .iter()
            .any(|(_, r)| text[r.clone()].contains("--hash"));
        if !hashed {
            return Ok(Outcome::Rewritten(edited));
        }
        let hashes: Vec<&str> = request
            .target
            .digest
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        if hashes.is_empty() {
            return Err(RewriteError::Unsupported {
                path: request.path.to_string(),
                line: request.line,
                reason: format!(
                    "the requirement is hash-pinned and the index gave no sha256 for {} {}",
                    request.component.name, request.target.version
                ),
            });
        }
        replace_hashes(&edited, request.line, &hashes)
            .map(Outcome::Rewritten)
            .ok_or_else(|| RewriteError::NotFound {
                path: request.path.to_string(),
                line: request.line,
                what: "the --hash options".to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_blocks_keep_their_layout() {
        let text = "a==1 \\\n    --hash=sha256:x \\\n    --hash=sha256:y\nb==2\n";
        assert_eq!(
            replace_hashes(text, 1, &["sha256:p", "sha256:q", "sha256:r"]).unwrap(),
            "a==1 \\\n    --hash=sha256:p \\\n    --hash=sha256:q \\\n    --hash=sha256:r\nb==2\n"
        );
        let inline = "a==1 --hash=sha256:x --hash=sha256:y  # pinned\n";
        assert_eq!(
            replace_hashes(inline, 1, &["sha256:p"]).unwrap(),
            "a==1 --hash=sha256:p  # pinned\n"
        );
        let crlf = "a==1 \\\r\n  --hash=sha256:x\r\n";
        assert_eq!(
            replace_hashes(crlf, 1, &["sha256:p", "sha256:q"]).unwrap(),
            "a==1 \\\r\n  --hash=sha256:p \\\r\n  --hash=sha256:q\r\n"
        );
    }
}
