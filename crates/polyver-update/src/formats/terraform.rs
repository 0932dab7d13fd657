//! Terraform (and OpenTofu) configurations.
//!
//! The file is parsed with `hcl-edit` (the parser the extractor uses) only to find spans:
//! the string that holds the version is edited in place, so formatting, comments and
//! alignment stay byte for byte. The extractor locates a provider at its `source` (or its
//! constraint when there is no source) and a module at its `source`; the constraint edited
//! is the `version` beside it.
//!
//! - `required_providers` constraints and module `version`s are Terraform version
//!   constraints (`~> 5.0`, `>= 4.0, < 6.0`, `= 5.31.0`). One that admits the target is left
//!   alone unless `bump_ranges`; otherwise it is rewritten the Terraform way: an exact
//!   version moves; `~> 5.0` becomes `~> 6.0` (the precision written is kept, a zero last
//!   part stays zero); `>= 4.0, < 5.0` gets its upper bound moved past the target's major;
//!   `>= 4.0` alone only moves with `bump_ranges`. Satisfaction is checked with RubyGems'
//!   requirement semantics from `polyver-version`: the same operators (`~>` included),
//!   comma lists and release ordering as HashiCorp's `go-version` for release versions.
//! - Git module sources (`git::https://...//sub?ref=v1.2.0`, `github.com/o/r?ref=v1`): the
//!   `ref` moves (a commit ref moves to `Target.digest`).
//! - `terraform { required_version }` is the Terraform CLI constraint, rewritten the same
//!   way.
//! - `.terraform.lock.hcl` is a lock file: never edited (`terraform init -upgrade`).

use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use polyver_model::Format;

use crate::formats::written::{column_of, in_style_of, line_from, not_found, splice, unsupported};
use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct TerraformRewriter;

impl Rewriter for TerraformRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Terraform]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        if request.path.ends_with(".terraform.lock.hcl") {
            return Err(unsupported(
                request,
                ".terraform.lock.hcl is a lock file; `terraform init -upgrade` regenerates it",
            ));
        }
        let body = hcl_edit::parser::parse_body(text)
            .map_err(|e| unsupported(request, format!("not valid HCL: {}", e.message())))?;
        let at = line_from(text, request.line, column_of(request))
            .ok_or_else(|| not_found(request, format!("`{}`", request.component.name)))?
            .start;
        let place = find(
            &body,
            at,
            column_of(request).is_none().then(|| line_range(text, at)),
        )
        .ok_or_else(|| not_found(request, format!("`{}`", request.component.name)))?;
        match place {
            Place::Constraint(span) => rewrite_constraint(text, request, span),
            Place::GitRef(span) => rewrite_git_ref(text, request, span),
            Place::NoVersion => Err(unsupported(
                request,
                format!(
                    "`{}` has no version constraint to move; add one by hand",
                    request.component.name
                ),
            )),
        }
    }
}

fn line_range(text: &str, at: usize) -> Range<usize> {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    at..end
}

/// What the request's location holds.
enum Place {
    /// The span of a constraint string (quotes included).
    Constraint(Range<usize>),
    /// The span of a module source string whose `ref` moves.
    GitRef(Range<usize>),
    NoVersion,
}

/// The place whose expression starts at `at` (or, without a column, on `line`).
fn find(body: &Body, at: usize, line: Option<Range<usize>>) -> Option<Place> {
    let hits = |span: Option<Range<usize>>| {
        span.is_some_and(|s| match &line {
            Some(l) => l.contains(&s.start),
            None => s.start == at,
        })
    };
    for block in body.blocks() {
        match block.ident.as_str() {
            "terraform" => {
                if let Some(attr) = block.body.get_attribute("required_version") {
                    if hits(attr.value.span()) {
                        return attr.value.span().map(Place::Constraint);
                    }
                }
                for providers in block.body.get_blocks("required_providers") {
                    for attr in providers.body.attributes() {
                        match &attr.value {
                            Expression::Object(obj) => {
                                let mut located = hits(attr.value.span());
                                let mut version = None;
                                for (key, value) in obj.iter() {
                                    let key = match key {
                                        ObjectKey::Ident(i) => i.as_str().to_string(),
                                        ObjectKey::Expression(Expression::String(s)) => {
                                            s.as_str().to_string()
                                        }
                                        _ => continue,
                                    };
                                    if key == "source" && hits(value.expr().span()) {
                                        located = true;
                                    }
                                    if key == "version" {
                                        version = value.expr().span();
                                    }
                                }
                                if located {
                                    return Some(
                                        version.map_or(Place::NoVersion, Place::Constraint),
                                    );
                                }
                            }
                            other if hits(other.span()) => {
                                return other.span().map(Place::Constraint);
                            }
                            _ => {}
                        }
                    }
                }
            }
            "provider" => {
                if let Some(attr) = block.body.get_attribute("version") {
                    if hits(attr.value.span()) {
                        return attr.value.span().map(Place::Constraint);
                    }
                }
            }
            "module" => {
                if let Some(place) = module_place(block, &hits) {
                    return Some(place);
                }
            }
            _ => {}
        }
    }
    None
}

fn module_place(block: &Block, hits: &dyn Fn(Option<Range<usize>>) -> bool) -> Option<Place> {
    let source = block.body.get_attribute("source")?;
    if !hits(source.value.span()) {
        return None;
    }
    if let Some(version) = block.body.get_attribute("version") {
        return version.value.span().map(Place::Constraint);
    }
    let is_git_ref = matches!(&source.value, Expression::String(s) if s.as_str().contains("ref="));
    Some(if is_git_ref {
        source.value.span().map_or(Place::NoVersion, Place::GitRef)
    } else {
        Place::NoVersion
    })
}

/// The inside of a quoted string span; `None` for templates and heredocs.
fn string_inside(text: &str, span: &Range<usize>) -> Option<Range<usize>> {
    let s = text.get(span.clone())?;
    (s.len() >= 2 && s.starts_with('"') && s.ends_with('"') && !s.contains("${"))
        .then(|| span.start + 1..span.end - 1)
}

fn rewrite_constraint(
    text: &str,
    request: &Request<'_>,
    span: Range<usize>,
) -> Result<Outcome, RewriteError> {
    let inside = string_inside(text, &span).ok_or_else(|| {
        unsupported(
            request,
            "the version is not a plain string (an expression or template)",
        )
    })?;
    let written = &text[inside.clone()];
    if let Some(raw) = request
        .component
        .constraint
        .as_ref()
        .map(|c| c.raw.as_str())
    {
        if raw != written.trim() {
            return Err(not_found(request, format!("constraint `{raw}`")));
        }
    }
    match constraint(written, &request.target.version, request.bump_ranges) {
        Ok(None) => Ok(Outcome::AlreadySatisfied),
        Ok(Some(new)) => Ok(Outcome::Rewritten(splice(text, inside, &new))),
        Err(reason) => Err(unsupported(request, reason)),
    }
}

fn rewrite_git_ref(
    text: &str,
    request: &Request<'_>,
    span: Range<usize>,
) -> Result<Outcome, RewriteError> {
    let inside = string_inside(text, &span)
        .ok_or_else(|| unsupported(request, "the module source is not a plain string"))?;
    let source = &text[inside.clone()];
    let old = request
        .component
        .version
        .as_deref()
        .ok_or_else(|| unsupported(request, "the module source has no `ref` version"))?;
    let key = format!("ref={old}");
    let at = source
        .match_indices(&key)
        .map(|(i, _)| i)
        .find(|&i| {
            let end = i + key.len();
            source[end..].is_empty() || source[end..].starts_with('&')
        })
        .ok_or_else(|| not_found(request, format!("`{key}`")))?;
    let is_commit = old.len() == 40 && old.chars().all(|c| c.is_ascii_hexdigit());
    let new = if is_commit {
        let digest = request.target.digest.as_deref().ok_or_else(|| {
            unsupported(
                request,
                "the module is pinned to a commit and no commit was given",
            )
        })?;
        digest.strip_prefix("sha1:").unwrap_or(digest).to_string()
    } else {
        in_style_of(old, &request.target.version)
    };
    if new == old {
        return Ok(Outcome::AlreadySatisfied);
    }
    let start = inside.start + at + "ref=".len();
    Ok(Outcome::Rewritten(splice(
        text,
        start..start + old.len(),
        &new,
    )))
}

/// The operators of a Terraform constraint, longest first.
const OPERATORS: [&str; 7] = ["~>", ">=", "<=", "!=", ">", "<", "="];

fn split_operator(part: &str) -> (&str, &str) {
    let part = part.trim();
    for op in OPERATORS {
        if let Some(v) = part.strip_prefix(op) {
            return (op, v.trim());
        }
    }
    ("", part)
}

/// `written` with its last occurrence of `old` replaced by `new` (spacing kept).
fn replace_last(written: &str, old: &str, new: &str) -> String {
    match written.rfind(old) {
        Some(i) => format!("{}{new}{}", &written[..i], &written[i + old.len()..]),
        None => written.to_string(),
    }
}

/// The new constraint for `target`: `None` when `written` admits it and `bump` is off.
pub(crate) fn constraint(
    written: &str,
    target: &str,
    bump: bool,
) -> Result<Option<String>, String> {
    let target = target.strip_prefix('v').unwrap_or(target);
    let admits = polyver_version::satisfies(polyver_version::Ecosystem::Rubygems, target, written)
        .map_err(|e| format!("cannot read the constraint `{written}`: {e}"))?;
    let parts: Vec<(&str, &str)> = written.split(',').map(split_operator).collect();
    let changed = |new: String| Ok((new != written).then_some(new));
    match parts.as_slice() {
        [("" | "=", v)] => changed(replace_last(written, v, target)),
        [("~>", v)] => {
            if admits && !bump {
                return Ok(None);
            }
            let precision = v.split('.').count();
            let mut new: Vec<String> = target
                .split(['.', '-', '+'])
                .take(precision)
                .map(str::to_string)
                .collect();
            while new.len() < precision {
                new.push("0".to_string());
            }
            if !bump && precision >= 2 && v.ends_with(".0") {
                *new.last_mut().expect("precision >= 2") = "0".to_string();
            }
            changed(replace_last(written, v, &new.join(".")))
        }
        [(">=" | ">", v)] => match (admits, bump) {
            (true, false) => Ok(None),
            (true, true) => changed(replace_last(written, v, target)),
            (false, _) => Err(format!("`{written}` excludes {target}, an older version; not lowering it")),
        },
        [(">=", low), ("<", high)] => {
            if admits && !bump {
                return Ok(None);
            }
            let mut out = written.to_string();
            if !admits {
                let rest: Vec<&str> = high.split('.').skip(1).collect();
                if !rest.iter().all(|p| *p == "0") {
                    return Err(format!(
                        "the upper bound `< {high}` is not a major boundary; not guessing a new one"
                    ));
                }
                let major: u64 = target
                    .split('.')
                    .next()
                    .and_then(|m| m.parse().ok())
                    .ok_or_else(|| format!("`{target}` has no numeric major"))?;
                let mut bound = (major + 1).to_string();
                for _ in &rest {
                    bound.push_str(".0");
                }
                out = replace_last(&out, high, &bound);
            }
            if bump {
                let i = out.find(low).unwrap_or(0);
                out.replace_range(i..i + low.len(), target);
            }
            changed(out)
        }
        _ if admits && !bump => Ok(None),
        _ => Err(format!(
            "the constraint `{written}` does not admit {target} and polyver does not rewrite that form"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Kind, Location};

    #[test]
    fn constraints_are_widened_the_terraform_way() {
        let c = |w, t| constraint(w, t, false);
        assert_eq!(c("~> 5.0", "6.3.1"), Ok(Some("~> 6.0".into())));
        assert_eq!(c("~> 5.0", "5.9.0"), Ok(None));
        assert_eq!(c("~> 5.31", "6.2.0"), Ok(Some("~> 6.2".into())));
        assert_eq!(c("~> 1.2.0", "1.3.4"), Ok(Some("~> 1.3.0".into())));
        assert_eq!(c("~>5.0", "6.0.0"), Ok(Some("~>6.0".into())));
        assert_eq!(c("5.0.0", "5.1.0"), Ok(Some("5.1.0".into())));
        assert_eq!(c("= 7.43.0", "7.44.0"), Ok(Some("= 7.44.0".into())));
        assert_eq!(c(">= 6.28", "7.0.0"), Ok(None));
        assert_eq!(
            constraint(">= 6.28", "7.0.0", true),
            Ok(Some(">= 7.0.0".into()))
        );
        assert_eq!(
            c(">= 4.0, < 5.0", "5.2.0"),
            Ok(Some(">= 4.0, < 6.0".into()))
        );
        assert!(c(">= 4.0, < 4.5", "5.2.0").is_err());
        assert!(c(">= 8.0", "7.0.0").is_err());
    }

    fn component(
        kind: Kind,
        name: &str,
        constraint: Option<&str>,
        version: Option<&str>,
        at: Location,
    ) -> Component {
        let mut c = Component::new(kind, Ecosystem::Terraform, name, Format::Terraform, at);
        c.constraint = constraint.map(polyver_model::Constraint::new);
        c.version = version.map(str::to_string);
        c
    }

    fn run(
        text: &str,
        path: &str,
        c: &Component,
        to: &str,
        bump: bool,
    ) -> Result<Outcome, RewriteError> {
        let target = Target {
            version: to.into(),
            digest: None,
        };
        TerraformRewriter.rewrite(
            text,
            &Request {
                component: c,
                path,
                line: c.locations[0].line,
                target: &target,
                bump_ranges: bump,
            },
        )
    }

    #[test]
    fn provider_module_and_git_ref_edits_keep_every_other_byte() {
        let text = "terraform {\r\n  required_providers {\r\n    aws = {\r\n      source  = \"hashicorp/aws\" # main\r\n      version = \"~> 5.0\"\r\n    }\r\n  }\r\n}\r\n\r\nmodule \"vpc\" {\r\n  source  = \"terraform-aws-modules/vpc/aws\"\r\n  version = \"5.0.0\"\r\n}\r\nmodule \"git\" {\r\n  source = \"git::https://example.com/m.git//sub?ref=v1.2.0&depth=1\"\r\n}\r\n";
        let aws = component(
            Kind::Provider,
            "hashicorp/aws",
            Some("~> 5.0"),
            None,
            Location::new("main.tf", 4).with_column(17),
        );
        let Ok(Outcome::Rewritten(out)) = run(text, "main.tf", &aws, "6.1.0", false) else {
            panic!()
        };
        assert_eq!(out, text.replace("~> 5.0", "~> 6.0"));
        let vpc = component(
            Kind::Module,
            "terraform-aws-modules/vpc/aws",
            Some("5.0.0"),
            Some("5.0.0"),
            Location::new("main.tf", 11).with_column(13),
        );
        let Ok(Outcome::Rewritten(out)) = run(text, "main.tf", &vpc, "5.8.1", false) else {
            panic!()
        };
        assert_eq!(out, text.replace("\"5.0.0\"", "\"5.8.1\""));
        let git = component(
            Kind::Module,
            "example.com/m//sub",
            None,
            Some("v1.2.0"),
            Location::new("main.tf", 15).with_column(12),
        );
        let Ok(Outcome::Rewritten(out)) = run(text, "main.tf", &git, "1.3.0", false) else {
            panic!()
        };
        assert_eq!(out, text.replace("ref=v1.2.0", "ref=v1.3.0"));
        assert_eq!(
            run(text, "main.tf", &aws, "5.9.0", false),
            Ok(Outcome::AlreadySatisfied)
        );
    }

    #[test]
    fn locks_expressions_and_missing_versions_are_refused() {
        let text = "module \"m\" {\n  source = \"o/m/aws\"\n}\nterraform {\n  required_version = \"${var.v}\"\n}\n";
        let m = component(
            Kind::Module,
            "o/m/aws",
            None,
            None,
            Location::new("main.tf", 2).with_column(12),
        );
        let err = run(text, "main.tf", &m, "1.0.0", false).unwrap_err();
        assert!(err.to_string().contains("no version constraint"), "{err}");
        let tool = component(
            Kind::Tool,
            "terraform",
            None,
            None,
            Location::new("main.tf", 5).with_column(22),
        );
        assert!(matches!(
            run(text, "main.tf", &tool, "1.9.0", false),
            Err(RewriteError::Unsupported { .. })
        ));
        assert!(run(text, "x/.terraform.lock.hcl", &m, "1.0.0", false).is_err());
        assert!(matches!(
            run("module {", "main.tf", &m, "1.0.0", false),
            Err(RewriteError::Unsupported { .. })
        ));
    }
}
