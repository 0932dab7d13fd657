//! Gemfile `gem "name", "~> 7.0", ">= 7.0.4"`: each requirement string is one clause.

use polyver_model::Format;

use crate::rewrite::{rewrite_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct GemfileRewriter;

impl Rewriter for GemfileRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Gemfile]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        rewrite_on_line(text, request)
    }
}
