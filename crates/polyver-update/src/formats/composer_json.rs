//! composer.json `require` / `require-dev`: `"vendor/name": "^2.9"` (Composer's `~1.2` means `>=1.2 <2`, see the constraint module).

use polyver_model::Format;

use crate::rewrite::{rewrite_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct ComposerJsonRewriter;

impl Rewriter for ComposerJsonRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::ComposerJson]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        rewrite_on_line(text, request)
    }
}
