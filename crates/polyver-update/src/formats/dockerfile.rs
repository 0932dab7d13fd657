//! Dockerfile `FROM` (and `COPY --from=image`) images: the tag and digest of the
//! reference on the instruction's line move (see [`super::image_ref`]); `--platform`,
//! `AS stage` and every other byte stay.
//!
//! A tag built from a global `ARG` (`ARG NODE_VERSION=20.11.0` then `FROM
//! node:${NODE_VERSION}-alpine`) is recorded by the extractor at the `FROM` line with the
//! expanded version. The edit goes to the `ARG` default, which is what people change: the
//! tag template's literal parts (`-alpine`) must frame both the old and the new tag, and
//! the variable must be the template's only one. A variable that also names another image
//! in a `FROM`, a default built from other variables, or a `${V:-x}` form is refused with
//! the reason: moving it would change what the rewrite was not asked to change.

use polyver_model::Format;

use crate::formats::image_ref::{normalized_name, rewrite_image};
use crate::formats::written::{line_span_text, not_found, splice, unsupported};
use crate::rewrite::{line_span, Outcome, Request, RewriteError, Rewriter};

pub struct DockerfileRewriter;

impl Rewriter for DockerfileRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Dockerfile]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let line = line_span_text(text, request.line)
            .ok_or_else(|| not_found(request, "the instruction"))?;
        let (keyword, rest) = split_word(line);
        if keyword.eq_ignore_ascii_case("FROM") {
            if let Some(word) = image_word(rest) {
                if word.contains('$') {
                    return rewrite_arg_default(text, request, word);
                }
            }
        }
        rewrite_image(text, request, None)
    }
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// The image of a `FROM` argument list: the first word that is not a `--flag`.
fn image_word(rest: &str) -> Option<&str> {
    rest.split_whitespace().find(|w| !w.starts_with("--"))
}

/// A tag template: literal text around one variable reference.
struct Template<'w> {
    prefix: &'w str,
    variable: &'w str,
    suffix: &'w str,
}

/// Reads `prefix${NAME}suffix` / `prefix$NAME suffix`; `Err` with a reason otherwise.
fn template(tag: &str) -> Result<Template<'_>, String> {
    let start = tag.find('$').ok_or("no variable")?;
    let after = &tag[start + 1..];
    let (variable, end) = if let Some(inner) = after.strip_prefix('{') {
        let close = inner.find('}').ok_or("unclosed `${`")?;
        (&inner[..close], start + 2 + close + 1)
    } else {
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        (&after[..len], start + 1 + len)
    };
    let valid = !variable.is_empty()
        && variable
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`{tag}` uses a variable form (`{}`) polyver does not edit",
            &tag[start..end.min(tag.len())]
        ));
    }
    let suffix = &tag[end..];
    if suffix.contains('$') {
        return Err(format!(
            "the tag `{tag}` is built from several variables; not guessing which one to move"
        ));
    }
    Ok(Template {
        prefix: &tag[..start],
        variable,
        suffix,
    })
}

/// Where an image reference with a variable splits into name and tag template.
fn name_and_tag(word: &str) -> Option<(&str, &str)> {
    let dollar = word.find('$')?;
    let head = &word[..dollar];
    let slash = head.rfind('/').map_or(0, |i| i + 1);
    let colon = slash + head[slash..].rfind(':')?;
    Some((&word[..colon], &word[colon + 1..]))
}

fn rewrite_arg_default(
    text: &str,
    request: &Request<'_>,
    word: &str,
) -> Result<Outcome, RewriteError> {
    let c = request.component;
    let (name, tag) = name_and_tag(word).ok_or_else(|| {
        unsupported(
            request,
            format!("the image name in `{word}` comes from a variable; not editing it"),
        )
    })?;
    if !normalized_name(name).eq_ignore_ascii_case(&c.name) {
        return Err(not_found(request, format!("image `{}`", c.name)));
    }
    if tag.contains('@') {
        return Err(unsupported(
            request,
            format!("`{word}` pins a digest after a variable tag; not editing it"),
        ));
    }
    let t = template(tag).map_err(|reason| unsupported(request, reason))?;
    let old = c.version.as_deref().ok_or_else(|| {
        unsupported(
            request,
            format!(
                "the tag of `{word}` has no default polyver could read; set `{}` where the \
                 build passes it",
                t.variable
            ),
        )
    })?;
    let new = request.target.version.as_str();
    let middle = |v: &'_ str| -> Option<String> {
        let inner = v.strip_prefix(t.prefix)?.strip_suffix(t.suffix)?;
        (!inner.is_empty()).then(|| inner.to_string())
    };
    let old_value = middle(old).ok_or_else(|| not_found(request, format!("tag `{old}`")))?;
    let new_value = middle(new).ok_or_else(|| {
        unsupported(
            request,
            format!(
                "the new tag `{new}` does not fit the template `{tag}`; change the FROM line \
                 by hand"
            ),
        )
    })?;
    let args = global_args(text);
    let Some(arg) = args.iter().find(|a| a.name == t.variable) else {
        return Err(unsupported(
            request,
            format!(
                "`{}` is not a global ARG with a default; nothing to edit",
                t.variable
            ),
        ));
    };
    for other in from_images(text) {
        if other.line == request.line || !references(other.word, t.variable) {
            continue;
        }
        let other_name = name_and_tag(other.word).map_or(other.word, |(n, _)| n);
        if !normalized_name(other_name).eq_ignore_ascii_case(&c.name) {
            return Err(unsupported(
                request,
                format!(
                    "ARG `{}` also sets the image `{}` at line {}; moving it would change \
                     that image too",
                    t.variable, other.word, other.line
                ),
            ));
        }
    }
    let current = &text[arg.value.clone()];
    if current == new_value {
        return Ok(Outcome::AlreadySatisfied);
    }
    if current != old_value {
        return Err(unsupported(
            request,
            format!(
                "ARG `{}` defaults to `{current}`, not the `{old_value}` the scan saw",
                t.variable
            ),
        ));
    }
    Ok(Outcome::Rewritten(splice(
        text,
        arg.value.clone(),
        &new_value,
    )))
}

fn references(word: &str, variable: &str) -> bool {
    word.contains(&format!("${{{variable}}}"))
        || word.match_indices(&format!("${variable}")).any(|(i, m)| {
            !word[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// A global `ARG NAME=value`: the byte range of the value (inside quotes).
struct GlobalArg<'t> {
    name: &'t str,
    value: std::ops::Range<usize>,
}

/// The `ARG` defaults before the first `FROM`, one-line instructions only (a default on a
/// continuation line is not found, and the request is then refused).
fn global_args(text: &str) -> Vec<GlobalArg<'_>> {
    let mut out = Vec::new();
    for line in 1.. {
        let Some(span) = line_span(text, line) else {
            break;
        };
        let body = &text[span.clone()];
        let (keyword, rest) = split_word(body);
        if keyword.eq_ignore_ascii_case("FROM") {
            break;
        }
        if !keyword.eq_ignore_ascii_case("ARG") {
            continue;
        }
        let rest_at = span.start + (body.len() - rest.len());
        let mut offset = 0;
        for decl in rest.split_whitespace() {
            let at = rest[offset..].find(decl).map_or(offset, |i| offset + i);
            offset = at + decl.len();
            let Some((name, value)) = decl.split_once('=') else {
                continue;
            };
            let mut start = rest_at + at + name.len() + 1;
            let mut len = value.len();
            if value.len() >= 2
                && (value.starts_with('"') && value.ends_with('"')
                    || value.starts_with('\'') && value.ends_with('\''))
            {
                start += 1;
                len -= 2;
            }
            if value.contains('$') {
                continue;
            }
            out.push(GlobalArg {
                name,
                value: start..start + len,
            });
        }
    }
    out
}

struct FromImage<'t> {
    line: u32,
    word: &'t str,
}

fn from_images(text: &str) -> Vec<FromImage<'_>> {
    let mut out = Vec::new();
    for line in 1.. {
        let Some(span) = line_span(text, line) else {
            break;
        };
        let (keyword, rest) = split_word(&text[span]);
        if keyword.eq_ignore_ascii_case("FROM") {
            if let Some(word) = image_word(rest) {
                out.push(FromImage { line, word });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Kind, Location};

    fn image(name: &str, version: Option<&str>, digest: Option<&str>, line: u32) -> Component {
        let mut c = Component::new(
            Kind::Image,
            Ecosystem::Docker,
            name,
            Format::Dockerfile,
            Location::new("Dockerfile", line),
        );
        c.version = version.map(str::to_string);
        c.integrity = digest.map(str::to_string);
        c
    }

    fn run(
        text: &str,
        c: &Component,
        line: u32,
        version: &str,
        digest: Option<&str>,
    ) -> Result<Outcome, RewriteError> {
        let target = Target {
            version: version.to_string(),
            digest: digest.map(str::to_string),
        };
        let request = Request {
            component: c,
            path: "Dockerfile",
            line,
            target: &target,
            bump_ranges: false,
        };
        DockerfileRewriter.rewrite(text, &request)
    }

    fn rewritten(r: Result<Outcome, RewriteError>) -> String {
        match r {
            Ok(Outcome::Rewritten(s)) => s,
            other => panic!("expected a rewrite, got {other:?}"),
        }
    }

    #[test]
    fn tag_and_digest_move_together_platform_and_stage_kept() {
        let text = "# base\r\nFROM --platform=$BUILDPLATFORM docker.io/library/python:3.12-slim@sha256:aaa AS build\r\nFROM build\r\n";
        let c = image("python", Some("3.12-slim"), Some("sha256:aaa"), 2);
        let out = rewritten(run(text, &c, 2, "3.13-slim", Some("sha256:bbb")));
        assert_eq!(out, "# base\r\nFROM --platform=$BUILDPLATFORM docker.io/library/python:3.13-slim@sha256:bbb AS build\r\nFROM build\r\n");
        let refused = run(text, &c, 2, "3.13-slim", None).unwrap_err();
        assert!(
            refused.to_string().contains("pinned by digest"),
            "{refused}"
        );
    }

    #[test]
    fn digest_only_pin_moves_the_digest() {
        let text = "FROM cgr.dev/chainguard/static@sha256:5e9c\n";
        let c = image("cgr.dev/chainguard/static", None, Some("sha256:5e9c"), 1);
        let out = rewritten(run(text, &c, 1, "latest", Some("sha256:ffff")));
        assert_eq!(out, "FROM cgr.dev/chainguard/static@sha256:ffff\n");
    }

    #[test]
    fn arg_default_is_edited_at_the_arg_line() {
        let text = "ARG NODE_VERSION=\"20.11.0\" OTHER=1\nFROM node:${NODE_VERSION}-alpine AS base\nFROM node:${NODE_VERSION}-alpine\n";
        let c = image("node", Some("20.11.0-alpine"), None, 2);
        let out = rewritten(run(text, &c, 2, "22.2.0-alpine", None));
        assert_eq!(out, text.replace("\"20.11.0\"", "\"22.2.0\""));
        // The same image at the other FROM is already moved.
        assert_eq!(
            run(&out, &c, 3, "22.2.0-alpine", None),
            Ok(Outcome::AlreadySatisfied)
        );
        // A tag the template cannot produce.
        let err = run(text, &c, 2, "22.2.0-bookworm", None).unwrap_err();
        assert!(err.to_string().contains("does not fit"), "{err}");
    }

    #[test]
    fn shared_or_composite_variables_are_refused() {
        let shared = "ARG V=3.19\nFROM alpine:${V}\nFROM other/img:${V}\n";
        let c = image("alpine", Some("3.19"), None, 2);
        let err = run(shared, &c, 2, "3.20", None).unwrap_err();
        assert!(err.to_string().contains("also sets the image"), "{err}");
        let two = "ARG A=1.16\nARG B=3.13\nFROM golang:${A}-alpine${B}\n";
        let c = image("golang", Some("1.16-alpine3.13"), None, 3);
        let err = run(two, &c, 3, "1.17-alpine3.13", None).unwrap_err();
        assert!(err.to_string().contains("several variables"), "{err}");
        let default_form = "ARG A=1\nFROM golang:${A:-1}\n";
        let c = image("golang", Some("1"), None, 2);
        assert!(matches!(
            run(default_form, &c, 2, "2", None),
            Err(RewriteError::Unsupported { .. })
        ));
    }

    #[test]
    fn copy_from_image_and_not_found() {
        let text = "FROM scratch\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n";
        let c = image("nginx", Some("1.25"), None, 2);
        let out = rewritten(run(text, &c, 2, "1.27", None));
        assert_eq!(
            out,
            "FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"
        );
        let stale = image("nginx", Some("1.24"), None, 2);
        assert!(matches!(
            run(text, &stale, 2, "1.27", None),
            Err(RewriteError::NotFound { .. })
        ));
    }
}
