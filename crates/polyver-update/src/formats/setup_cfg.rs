//! setup.cfg `install_requires` / `extras_require` lines: PEP 508 requirements, one per line.

use polyver_model::Format;

use crate::rewrite::{rewrite_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct SetupCfgRewriter;

impl Rewriter for SetupCfgRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::SetupCfg]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        rewrite_on_line(text, request)
    }
}
