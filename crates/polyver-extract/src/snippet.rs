//! Attaches to each diagnostic the source line it points at, once per file right after its
//! extractors ran, while the text is still in memory: the edge renders it with a caret
//! (`polyver_report::diagnostic`) without reading the scanned tree again (issue 12 item 2),
//! and no extractor has to know about it.

use crate::SourceFile;
use polyver_model::{Diagnostic, SourceLine};

/// Fills `source_line` of the diagnostics on `file` (not those on files it included, whose
/// text is gone by now) that point at one of its lines.
pub(crate) fn attach_source_lines(file: &SourceFile, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        if d.source_line.is_some() || d.path != file.path() {
            continue;
        }
        if let Some(text) = file.line_text(d.line) {
            d.source_line = Some(SourceLine::excerpt(text, d.column));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyver_model::DiagnosticCode;

    #[test]
    fn the_line_of_this_file_only() {
        let file = SourceFile::from_text("requirements.txt", "flask\r\n==bad\n");
        let mut ds = vec![
            Diagnostic::warning(DiagnosticCode::ParseError, "requirements.txt", 2, "x"),
            Diagnostic::warning(DiagnosticCode::ParseError, "requirements.txt", 0, "whole"),
            Diagnostic::warning(DiagnosticCode::ParseError, "requirements.txt", 9, "past"),
            Diagnostic::warning(DiagnosticCode::IncludeNotFound, "other.txt", 1, "incl"),
        ];
        attach_source_lines(&file, &mut ds);
        let texts: Vec<Option<&str>> = ds
            .iter()
            .map(|d| d.source_line.as_ref().map(|s| s.text.as_str()))
            .collect();
        assert_eq!(texts, [Some("==bad"), None, None, None]);
    }
}
