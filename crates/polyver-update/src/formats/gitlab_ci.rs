//! GitLab CI images: `image:` and `services:`, as a string or as `name:` of a mapping, at
//! the top level, under `default:` or in a job. The reference written at the recorded line
//! and column moves ([`super::image_ref`]); one built from `$VARIABLES` is refused (the
//! variable is set elsewhere, maybe in the project settings). `include:` refs are not
//! recorded by the extractor, so there is nothing to move there.

use polyver_model::Format;

use crate::formats::image_ref::rewrite_image;
use crate::formats::written::column_of;
use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct GitlabCiRewriter;

impl Rewriter for GitlabCiRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::GitlabCi]
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
    ) -> Result<Outcome, RewriteError> {
        let c = Component::new(
            Kind::Image,
            Ecosystem::Docker,
            name,
            Format::GitlabCi,
            Location::new(".gitlab-ci.yml", line).with_column(column),
        )
        .with_version(version);
        let target = Target {
            version: "9.0".into(),
            digest: None,
        };
        GitlabCiRewriter.rewrite(
            text,
            &Request {
                component: &c,
                path: ".gitlab-ci.yml",
                line,
                target: &target,
                bump_ranges: false,
            },
        )
    }

    #[test]
    fn string_and_name_forms() {
        let text = "test:\n  services:\n    - mysql:8.0\n    - name: registry.example.com/redis:8.0\n      alias: cache\n";
        let Ok(Outcome::Rewritten(out)) = run(text, "mysql", "8.0", 3, 7) else {
            panic!()
        };
        assert!(out.contains("    - mysql:9.0\n    - name: registry.example.com/redis:8.0\n"));
        let Ok(Outcome::Rewritten(out)) = run(text, "registry.example.com/redis", "8.0", 4, 13)
        else {
            panic!()
        };
        assert!(out.contains("    - mysql:8.0\n    - name: registry.example.com/redis:9.0\n"));
    }

    #[test]
    fn proxy_prefix_and_variables() {
        let text =
            "image: $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/alpine:3.19\nb:\n  image: python:$PY\n";
        let Ok(Outcome::Rewritten(out)) = run(text, "alpine", "3.19", 1, 8) else {
            panic!()
        };
        assert!(out.starts_with("image: $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/alpine:9.0\n"));
        assert!(matches!(
            run(text, "python", "3.12", 3, 10),
            Err(RewriteError::Unsupported { .. })
        ));
    }
}
