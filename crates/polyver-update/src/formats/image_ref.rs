//! Moving a container image reference (`registry:5000/team/app:tag@sha256:...`) written on
//! one line, for every format that names images (Dockerfile, Compose, Kubernetes, Helm
//! values, GitHub Actions, GitLab CI).
//!
//! The reference is found the way the extractors name it (`polyver-extract`'s `image_ref`):
//! a run of reference characters whose name, once the Docker Hub prefixes are dropped,
//! is the component's, with its tag and digest. Only that run is replaced, with the name
//! kept as written. What the file pins moves: a tag moves to the target tag, a digest to
//! the target digest (a digest pin without a new digest is refused, never dropped); a
//! digest is never added where the file had none.

use crate::formats::written::{line_from, not_found, splice, unsupported};
use crate::rewrite::{Outcome, Request, RewriteError};

/// One reference as written: byte range in the file and its parts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct WrittenImage<'t> {
    pub range: std::ops::Range<usize>,
    pub name: &'t str,
    pub tag: Option<&'t str>,
    pub digest: Option<&'t str>,
}

fn is_reference_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@' | '+')
}

/// Splits `name[:tag][@digest]` like the extractor; `None` when a part is empty.
pub(crate) fn split_reference(reference: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (without_digest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match without_digest[last_slash..].rfind(':') {
        Some(i) => (
            &without_digest[..last_slash + i],
            Some(&without_digest[last_slash + i + 1..]),
        ),
        None => (without_digest, None),
    };
    if name.is_empty() || tag == Some("") || digest == Some("") {
        return None;
    }
    Some((name, tag, digest))
}

/// The name the extractor records: Docker Hub prefixes and `library/` dropped.
pub(crate) fn normalized_name(name: &str) -> &str {
    let mut name = name;
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(stripped) = name.strip_prefix(prefix) {
            name = stripped;
        }
    }
    name.strip_prefix("library/").unwrap_or(name)
}

/// Every image reference naming `name` in `text[range]`.
pub(crate) fn find_references<'t>(
    text: &'t str,
    range: std::ops::Range<usize>,
    name: &str,
) -> Vec<WrittenImage<'t>> {
    let body = &text[range.clone()];
    let mut found = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let Some(start) = body[i..].find(is_reference_char).map(|s| s + i) else {
            break;
        };
        let end = body[start..]
            .find(|c| !is_reference_char(c))
            .map_or(body.len(), |e| start + e);
        let mut token_start = start;
        let mut token = &body[start..end];
        // `$PREFIX/alpine:3`: the variable's name is not part of the reference.
        if body[..start].ends_with('$') {
            if let Some(slash) = token.find('/') {
                token_start += slash;
                token = &token[slash..];
            }
        }
        // `docker://alpine:3` (GitHub Actions steps); `$PREFIX/alpine:3` (GitLab's proxy).
        for prefix in ["docker://", "/"] {
            if let Some(rest) = token.strip_prefix(prefix) {
                token_start += prefix.len();
                token = rest;
            }
        }
        if let Some((written, tag, digest)) = split_reference(token) {
            if normalized_name(written).eq_ignore_ascii_case(name) {
                let at = range.start + token_start;
                found.push(WrittenImage {
                    range: at..at + token.len(),
                    name: written,
                    tag,
                    digest,
                });
            }
        }
        i = end;
    }
    found
}

/// The new reference text for `written`, or why there is none.
pub(crate) fn moved_reference(
    written: &WrittenImage<'_>,
    request: &Request<'_>,
) -> Result<String, RewriteError> {
    let target = request.target;
    let mut out = written.name.to_string();
    if written.tag.is_some() {
        out.push(':');
        out.push_str(&target.version);
    }
    if written.digest.is_some() {
        let Some(digest) = target.digest.as_deref() else {
            return Err(unsupported(
                request,
                format!(
                    "image `{}` is pinned by digest and no new digest was given; refusing to \
                     drop the pin",
                    written.name
                ),
            ));
        };
        if !digest.contains(':') {
            return Err(unsupported(
                request,
                format!("`{digest}` is not an image digest (`sha256:...`)"),
            ));
        }
        out.push('@');
        out.push_str(digest);
    }
    Ok(out)
}

/// Moves the image reference of the request's component on its line (from its column
/// when recorded).
pub(crate) fn rewrite_image(
    text: &str,
    request: &Request<'_>,
    column: Option<u32>,
) -> Result<Outcome, RewriteError> {
    let c = request.component;
    let range = line_from(text, request.line, column)
        .ok_or_else(|| not_found(request, format!("image `{}`", c.name)))?;
    let candidates = find_references(text, range.clone(), &c.name);
    let matching: Vec<&WrittenImage> = candidates
        .iter()
        .filter(|w| w.tag == c.version.as_deref() && w.digest == c.integrity.as_deref())
        .collect();
    let written = match matching.as_slice() {
        [one] => *one,
        [] => {
            let line = &text[range];
            if line.contains('$') || line.contains("{{") {
                return Err(unsupported(
                    request,
                    format!(
                        "the reference of image `{}` is built from a variable; change the \
                         variable where it is set",
                        c.name
                    ),
                ));
            }
            let shown = match (&c.version, &c.integrity) {
                (Some(v), _) => format!("image `{}:{v}`", c.name),
                (None, Some(d)) => format!("image `{}@{d}`", c.name),
                (None, None) => format!("image `{}`", c.name),
            };
            return Err(not_found(request, shown));
        }
        _ => {
            return Err(unsupported(
                request,
                format!(
                    "image `{}` is written more than once on this line; not guessing which",
                    c.name
                ),
            ))
        }
    };
    if written.tag.is_none() && written.digest.is_none() {
        return Err(unsupported(
            request,
            format!("image `{}` has no tag or digest to move", c.name),
        ));
    }
    let new = moved_reference(written, request)?;
    if new == text[written.range.clone()] {
        return Ok(Outcome::AlreadySatisfied);
    }
    Ok(Outcome::Rewritten(splice(
        text,
        written.range.clone(),
        &new,
    )))
}
