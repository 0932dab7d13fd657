//! Docker Compose `services.*.image`: the reference at the recorded line and column moves
//! ([`super::image_ref`]), quoted or not, block or flow style. An image whose tag comes from
//! `${VAR}` interpolation is refused: the value lives in `.env` or the environment.

use polyver_model::Format;

use crate::formats::image_ref::rewrite_image;
use crate::formats::written::column_of;
use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct ComposeRewriter;

impl Rewriter for ComposeRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Compose]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        rewrite_image(text, request, column_of(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Kind, Location};

    fn run(
        text: &str,
        name: &str,
        version: &str,
        line: u32,
        column: u32,
        to: &str,
    ) -> Result<Outcome, RewriteError> {
        let c = Component::new(
            Kind::Image,
            Ecosystem::Docker,
            name,
            Format::Compose,
            Location::new("compose.yaml", line).with_column(column),
        )
        .with_version(version);
        let target = Target {
            version: to.into(),
            digest: None,
        };
        ComposeRewriter.rewrite(
            text,
            &Request {
                component: &c,
                path: "compose.yaml",
                line,
                target: &target,
                bump_ranges: false,
            },
        )
    }

    #[test]
    fn quoted_flow_and_commented_images() {
        let text = "services:\r\n  db:\r\n    image: \"postgres:16.2\"  # db\r\n  web: {image: 'nginx:1.25', ports: [80]}\r\n";
        let Ok(Outcome::Rewritten(out)) = run(text, "postgres", "16.2", 3, 12, "16.3") else {
            panic!()
        };
        assert_eq!(out, text.replace("16.2", "16.3"));
        let Ok(Outcome::Rewritten(out)) = run(text, "nginx", "1.25", 4, 16, "1.27") else {
            panic!()
        };
        assert_eq!(out, text.replace("1.25", "1.27"));
    }

    #[test]
    fn variables_and_stale_scans() {
        let text = "services:\n  db:\n    image: postgres:${PG:-16}\n";
        let err = run(text, "postgres", "16", 3, 12, "17").unwrap_err();
        assert!(matches!(err, RewriteError::Unsupported { .. }), "{err}");
        let text = "services:\n  db:\n    image: postgres:15\n";
        assert!(matches!(
            run(text, "postgres", "16", 3, 12, "17"),
            Err(RewriteError::NotFound { .. })
        ));
        assert_eq!(
            run(text, "postgres", "15", 3, 12, "15"),
            Ok(Outcome::AlreadySatisfied)
        );
    }
}
