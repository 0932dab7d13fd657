//! Cutting a YAML stream into its documents' texts without parsing it, so that a caller can
//! leave out whole documents (a Kubernetes `CustomResourceDefinition` is most of an
//! operator's install manifest and never holds an image) before any event is read.
//!
//! Sound by YAML's own rule: a line starting with `---` followed by a space, a tab or its end
//! is a document marker wherever it stands — no scalar, quoted or block, may contain one at
//! column 0 (the spec's `c-forbidden`). A stream with directives (`%YAML`, `%TAG`, which
//! apply to the document after them) is not cut.

/// The documents of `text` as `(first line, text)`, the first line 1-based; the whole text
/// as one piece when it has directives.
pub(crate) fn split(text: &str) -> Vec<(u32, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (line, l) in (1..).zip(text.split_inclusive('\n')) {
        if l.starts_with('%') {
            return vec![(1, text)];
        }
        if offset > 0 && is_document_start(l) {
            pieces.push((start_line, &text[start..offset]));
            start = offset;
            start_line = line;
        }
        offset += l.len();
    }
    pieces.push((start_line, &text[start..]));
    pieces
}

fn is_document_start(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// The value of a top-level `key: value` line of a document's text, as written (quotes and a
/// trailing comment removed): a cheap look at a document before deciding to read it.
pub(crate) fn top_level_scalar<'t>(document: &'t str, key: &str) -> Option<&'t str> {
    document.lines().find_map(|l| {
        let value = l.strip_prefix(key)?.strip_prefix(':')?;
        let value = value.split(" #").next().unwrap_or("").trim();
        Some(value.trim_matches(|c| c == '"' || c == '\''))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_document_markers_only() {
        let text = "a: 1\n---\nb: |\n  ---\n---x: 2\n--- # c\nc: 3\n";
        assert_eq!(
            split(text),
            [
                (1, "a: 1\n"),
                (2, "---\nb: |\n  ---\n---x: 2\n"),
                (6, "--- # c\nc: 3\n")
            ]
        );
        assert_eq!(split("---\na: 1"), [(1, "---\na: 1")]);
        let directives = "%YAML 1.1\n---\na: 1\n...\n%YAML 1.1\n---\nb: 2\n";
        assert_eq!(split(directives), [(1, directives)]);
    }

    #[test]
    fn reads_a_top_level_scalar() {
        let doc = "apiVersion: v1\nkind: \"CustomResourceDefinition\" # crd\nspec:\n  kind: x\n";
        assert_eq!(
            top_level_scalar(doc, "kind"),
            Some("CustomResourceDefinition")
        );
        assert_eq!(top_level_scalar(doc, "spec"), Some(""));
        assert_eq!(top_level_scalar(doc, "metadata"), None);
    }
}
