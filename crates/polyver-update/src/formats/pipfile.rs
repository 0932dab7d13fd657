//! Pipfile (`name = "==1.2"` and `{version = "..."}` inline tables).

use polyver_model::Format;

use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct PipfileRewriter;

impl Rewriter for PipfileRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Pipfile]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        super::toml_spans::rewrite_strings_on_line(text, request)
    }
}
