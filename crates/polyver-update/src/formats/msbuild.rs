//! MSBuild project files (`*.csproj`, `Directory.Packages.props`, `packages.config`): the
//! `Version="..."` attribute of the component's element, or its `<Version>` child element.

use polyver_model::Format;

use super::pom::not_found;
use crate::rewrite::{
    apply_in_region, line_of, line_span, plan_edits, Outcome, Request, RewriteError, Rewriter,
};

pub struct MsbuildRewriter;

impl Rewriter for MsbuildRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Msbuild]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let Some(planned) = plan_edits(request)? else {
            return Ok(Outcome::AlreadySatisfied);
        };
        let line = line_span(text, request.line).ok_or_else(|| not_found(request, "the line"))?;
        // The element's start tag: from the line to its first `>`.
        let tag_end = line.start
            + text[line.start..]
                .find('>')
                .ok_or_else(|| not_found(request, "the element"))?;
        let tag = &text[line.start..tag_end];
        for attribute in ["Version=", "version="] {
            if let Some(at) = tag.find(attribute) {
                let value_start = line.start + at + attribute.len() + 1;
                let quote = text.as_bytes()[value_start - 1] as char;
                let value_end = value_start
                    + text[value_start..]
                        .find(quote)
                        .ok_or_else(|| not_found(request, "the attribute's end"))?;
                return apply_in_region(
                    text,
                    value_start..value_end,
                    &planned.edits,
                    request.path,
                    request.line,
                )
                .map(Outcome::Rewritten);
            }
        }
        let close = text[tag_end..]
            .find("</PackageReference>")
            .or_else(|| text[tag_end..].find("</PackageVersion>"))
            .map(|i| tag_end + i)
            .ok_or_else(|| not_found(request, "Version"))?;
        let open = text[tag_end..close]
            .find("<Version>")
            .map(|i| tag_end + i + "<Version>".len())
            .ok_or_else(|| not_found(request, "<Version>"))?;
        let end = open
            + text[open..close]
                .find("</Version>")
                .ok_or_else(|| not_found(request, "</Version>"))?;
        apply_in_region(
            text,
            open..end,
            &planned.edits,
            request.path,
            line_of(text, open),
        )
        .map(Outcome::Rewritten)
    }
}
