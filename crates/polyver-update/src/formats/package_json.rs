//! package.json dependency maps: `"name": "^1.2.3"`, one entry per line as npm writes them.

use polyver_model::Format;

use crate::rewrite::{rewrite_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct PackageJsonRewriter;

impl Rewriter for PackageJsonRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::PackageJson]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        rewrite_on_line(text, request)
    }
}
