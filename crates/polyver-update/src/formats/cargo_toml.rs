//! Cargo.toml: `name = "1.2"`, `{ version = "1.2", ... }`, `[dependencies.name] version = "1.2"` and `[workspace.dependencies]`; a bare `1.2` is a caret range.

use polyver_model::Format;

use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct CargoTomlRewriter;

impl Rewriter for CargoTomlRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::CargoToml]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        super::toml_spans::rewrite_strings_on_line(text, request)
    }
}
