//! pom.xml: the component's location is its element (`<dependency>`, `<plugin>`, `<parent>`);
//! its `<version>` child is edited, or, when that is `${name}`, the `<properties>` entry it
//! names (every dependency sharing the property moves with it, as the pom says they should).

use std::ops::Range;

use polyver_model::Format;

use crate::rewrite::{
    apply_in_region, line_of, line_span, plan_edits, Outcome, Request, RewriteError, Rewriter,
};

pub struct PomRewriter;

/// The text span between `<tag>` and `</tag>` at or after `from`, before `limit`.
fn element_text(text: &str, tag: &str, from: usize, limit: usize) -> Option<Range<usize>> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = from + text[from..limit].find(&open)? + open.len();
    let end = start + text[start..limit].find(&close)?;
    Some(start..end)
}

/// The end of the element that opens on the component's line: its closing tag.
fn element_end(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    let lt = rest.find('<')?;
    let name_end = rest[lt + 1..].find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let name = &rest[lt + 1..lt + 1 + name_end];
    let close = format!("</{name}>");
    Some(from + rest.find(&close)?)
}

pub(crate) fn not_found(request: &Request<'_>, what: &str) -> RewriteError {
    RewriteError::NotFound {
        path: request.path.to_string(),
        line: request.line,
        what: what.to_string(),
    }
}

impl Rewriter for PomRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Pom]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let Some(planned) = plan_edits(request)? else {
            return Ok(Outcome::AlreadySatisfied);
        };
        let line = line_span(text, request.line).ok_or_else(|| not_found(request, "the line"))?;
        let end = element_end(text, line.start)
            .ok_or_else(|| not_found(request, "the element's closing tag"))?;
        let version = element_text(text, "version", line.start, end)
            .ok_or_else(|| not_found(request, "<version>"))?;
        let written = text[version.clone()].trim();
        if let Some(property) = written.strip_prefix("${").and_then(|p| p.strip_suffix('}')) {
            let properties = element_text(text, "properties", 0, text.len())
                .ok_or_else(|| not_found(request, "<properties>"))?;
            let value = element_text(text, property, properties.start, properties.end)
                .ok_or_else(|| not_found(request, &format!("<properties><{property}>")))?;
            let at = line_of(text, value.start);
            return apply_in_region(text, value, &planned.edits, request.path, at)
                .map(Outcome::Rewritten);
        }
        let at = line_of(text, version.start);
        apply_in_region(text, version, &planned.edits, request.path, at).map(Outcome::Rewritten)
    }
}
