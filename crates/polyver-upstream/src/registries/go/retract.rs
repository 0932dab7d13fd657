//! The `retract` directives of a go.mod file, with their rationale: only what `retract`
//! needs of the go.mod grammar (line comments, quoted strings, blocks), the way
//! `golang.org/x/mod/modfile` reads it. The rationale is the comment on the directive's
//! own lines — the `//` lines right above it and the one after it on the same line — and
//! inside a `retract ( ... )` block an entry without comments of its own takes the block's.

/// One retracted version or inclusive range `[low, high]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retraction {
    pub low: String,
    pub high: String,
    /// The comment text, lines joined with `\n`; empty when none is written.
    pub rationale: String,
}

/// Every retraction of the go.mod `text`. Entries that are not a version or a range are
/// skipped (the go command rejects such a file; polyver only reads what it can).
pub fn retractions(text: &str) -> Vec<Retraction> {
    let mut out = Vec::new();
    // Comment lines directly above the current line (no blank line in between).
    let mut above: Vec<String> = Vec::new();
    // Inside `retract (`: the block's own comment.
    let mut block: Option<String> = None;
    for raw in text.lines() {
        let (code, comment) = split_comment(raw);
        let code = code.trim();
        if code.is_empty() {
            match comment {
                Some(c) => above.push(c),
                None => above.clear(),
            }
            continue;
        }
        let own = rationale(&above, comment.as_deref());
        above.clear();
        if let Some(block_comment) = &block {
            if code == ")" {
                block = None;
                continue;
            }
            let text = if own.is_empty() {
                block_comment.clone()
            } else {
                own
            };
            out.extend(entry(code, text));
            continue;
        }
        let mut words = code.splitn(2, |c: char| c.is_whitespace());
        if words.next() != Some("retract") {
            continue;
        }
        let rest = words.next().unwrap_or("").trim();
        if rest == "(" {
            block = Some(own);
        } else {
            out.extend(entry(rest, own));
        }
    }
    out
}

/// `v1.2.3` or `[v1.0.0, v1.9.9]` (either may be quoted).
fn entry(code: &str, rationale: String) -> Option<Retraction> {
    let (low, high) = match code.strip_prefix('[') {
        Some(range) => {
            let (low, high) = range.strip_suffix(']')?.split_once(',')?;
            (unquote(low)?, unquote(high)?)
        }
        None => {
            let v = unquote(code)?;
            (v.clone(), v)
        }
    };
    Some(Retraction {
        low,
        high,
        rationale,
    })
}

fn unquote(text: &str) -> Option<String> {
    let text = text.trim();
    let text = match text.strip_prefix('"') {
        Some(inner) => inner.strip_suffix('"')?,
        None => text,
    };
    (!text.is_empty() && !text.contains(char::is_whitespace)).then(|| text.to_string())
}

/// The code before a `//` comment outside quotes, and the comment's text.
fn split_comment(line: &str) -> (&str, Option<String>) {
    let mut quoted = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'/' if !quoted && bytes.get(i + 1) == Some(&b'/') => {
                return (&line[..i], Some(line[i + 2..].trim().to_string()));
            }
            _ => {}
        }
        i += 1;
    }
    (line, None)
}

fn rationale(above: &[String], suffix: Option<&str>) -> String {
    above
        .iter()
        .map(String::as_str)
        .chain(suffix)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(low: &str, high: &str, rationale: &str) -> Retraction {
        Retraction {
            low: low.into(),
            high: high.into(),
            rationale: rationale.into(),
        }
    }

    #[test]
    fn single_versions_ranges_and_blocks() {
        let text = "module example.com/m\n\ngo 1.21\n\n// Published too early.\nretract v1.0.0\n\nretract [v1.1.0, v1.1.9] // \"bad\" // range\n\n// Security problems.\nretract (\n\tv0.9.0\n\t// Leaked a key.\n\t\"v0.9.1\"\n)\nretract v2.0.0\nrequire x.org/y v1.0.0 // indirect\n";
        assert_eq!(
            retractions(text),
            vec![
                r("v1.0.0", "v1.0.0", "Published too early."),
                r("v1.1.0", "v1.1.9", "\"bad\" // range"),
                r("v0.9.0", "v0.9.0", "Security problems."),
                r("v0.9.1", "v0.9.1", "Leaked a key."),
                r("v2.0.0", "v2.0.0", ""),
            ]
        );
    }

    #[test]
    fn a_blank_line_detaches_a_comment_and_garbage_is_skipped() {
        let text = "// About the module.\n\nretract v1.0.0\nretract [v1.0.0\nretract\n";
        assert_eq!(retractions(text), vec![r("v1.0.0", "v1.0.0", "")]);
    }
}
