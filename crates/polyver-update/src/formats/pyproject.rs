//! pyproject.toml (PEP 621 dependency strings, Poetry, PDM and uv tables): the edited clause must sit inside a TOML string value on the component's line.

use polyver_model::Format;

use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct PyprojectRewriter;

impl Rewriter for PyprojectRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Pyproject]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        super::toml_spans::rewrite_strings_on_line(text, request)
    }
}
