//! Gradle version catalogs (`gradle/libs.versions.toml`), through `toml_edit`: a library
//! written `"g:a:1.2"` or `{ module = "g:a", version = "1.2" }` is edited on its line; one
//! with `version.ref = "x"` moves the `[versions] x` entry (and with it every library that
//! shares it, which is what a shared version is for).

use polyver_model::Format;

use super::toml_spans;
use crate::rewrite::{apply_in_region, plan_edits, Outcome, Request, RewriteError, Rewriter};

pub struct GradleCatalogRewriter;

/// The `version.ref` named on `line`, if the library there uses one.
fn version_ref(text: &str, line: u32) -> Option<String> {
    let span = crate::rewrite::line_span(text, line)?;
    let body = &text[span];
    let at = body.find("version.ref").or_else(|| body.find("ref"))?;
    let rest = &body[at..];
    let open = rest.find('"').or_else(|| rest.find('\''))?;
    let quote = rest.as_bytes()[open] as char;
    let rest = &rest[open + 1..];
    Some(rest[..rest.find(quote)?].to_string())
}

impl Rewriter for GradleCatalogRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::GradleCatalog]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let Some(planned) = plan_edits(request)? else {
            return Ok(Outcome::AlreadySatisfied);
        };
        if let Some(key) = version_ref(text, request.line) {
            let span = toml_spans::string_at(text, request.path, &["versions", &key])?.ok_or_else(
                || RewriteError::NotFound {
                    path: request.path.to_string(),
                    line: request.line,
                    what: format!("[versions] {key}"),
                },
            )?;
            let line = crate::rewrite::line_of(text, span.start);
            return apply_in_region(text, span, &planned.edits, request.path, line)
                .map(Outcome::Rewritten);
        }
        toml_spans::rewrite_strings_on_line(text, request)
    }
}
