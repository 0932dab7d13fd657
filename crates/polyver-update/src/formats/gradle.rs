//! Plain Gradle build files: `implementation "g:a:1.2"` and `group: 'g', name: 'a', version: '1.2'` on the component's line (versions from variables are refused by the re-scan check).

use polyver_model::Format;

use crate::rewrite::{rewrite_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct GradleRewriter;

impl Rewriter for GradleRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Gradle]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        rewrite_on_line(text, request)
    }
}
