//! go.mod `require` lines, alone or in a block: `require example.com/m v1.2.3`.
//!
//! A major version above v1 is a different module path in Go (`example.com/m/v2`): moving
//! to it means changing every import, which is not a version edit. Such a request is
//! refused, saying so.

use polyver_model::Format;

use crate::rewrite::{rewrite_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct GoModRewriter;

fn major(version: &str) -> Option<u64> {
    version
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .next()?
        .parse()
        .ok()
}

impl Rewriter for GoModRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::GoMod]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let from = request.component.version.as_deref().unwrap_or_default();
        let to = &request.target.version;
        if !matches!(request.component.name.as_str(), "go" | "toolchain") {
            if let (Some(a), Some(b)) = (major(from), major(to)) {
                if a != b && b >= 2 && !to.contains("+incompatible") {
                    return Err(RewriteError::Unsupported {
                        path: request.path.to_string(),
                        line: request.line,
                        reason: format!(
                            "{to} is a new major version: Go names it by another module path ({}/v{b}); polyver does not rewrite module paths or imports",
                            request.component.name.trim_end_matches(&format!("/v{a}"))
                        ),
                    });
                }
            }
        }
        rewrite_on_line(text, request)
    }
}
