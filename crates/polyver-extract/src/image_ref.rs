//! Container image references (`registry:5000/team/app:tag@sha256:...`) as components,
//! shared by every extractor that finds images (Dockerfile `FROM`, Compose, CI files) so an
//! image is named and purl'd the same way wherever it is written: tag and `@digest` split,
//! Docker Hub prefixes (`docker.io/`, `index.docker.io/`, `library/`) removed, a registry
//! with a port kept in the name (Docker's rule: the first segment is a registry when it has a
//! `.` or `:` or is `localhost`). Moved out of `extractors/dockerfile.rs` unchanged except
//! for the `source` parameter.

use crate::{Extracted, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};

/// Splits `registry/path:tag@digest` into a component.
///
/// A reference that still holds a variable or expression the extractor could not resolve
/// (`${REGISTRY}/app:1`, `postgres:${{ inputs.tag }}`, `{{ .Values.tag }}`) is never split
/// as text: when the name is literal and only the tag or digest is not, the component has
/// no version; when the name is not, there is no component. Either way a warning says so.
pub(crate) fn image_component(
    reference: &str,
    source: Format,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Option<Component> {
    if !is_literal(reference) {
        let c = unresolved_image_component(reference, source, file, line, out);
        let shown = polyver_model::read::excerpt(reference);
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::Unsupported,
            file.path(),
            line,
            if c.is_some() {
                format!(
                    "the tag of image `{shown}` is known only at run time; recorded without \
                     a version"
                )
            } else {
                format!(
                    "image `{shown}` is not a literal reference (a variable or expression known \
                     only at run time); no component"
                )
            },
        ));
        return c;
    }
    let (without_digest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match without_digest[last_slash..].rfind(':') {
        Some(i) => (
            &without_digest[..last_slash + i],
            Some(&without_digest[last_slash + i + 1..]),
        ),
        None => (without_digest, None),
    };
    if path.is_empty() || tag == Some("") || digest == Some("") {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::ParseError,
            file.path(),
            line,
            format!("invalid image reference {reference:?}"),
        ));
        return None;
    }
    let mut name = path;
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(stripped) = name.strip_prefix(prefix) {
            name = stripped;
        }
    }
    if let Some(stripped) = name.strip_prefix("library/") {
        name = stripped;
    }
    let mut c = Component::new(
        Kind::Image,
        Ecosystem::Docker,
        name,
        source,
        file.location(line),
    );
    if let Some(t) = tag {
        c = c.with_version(t);
    }
    c.integrity = digest.map(str::to_string);
    c.refresh_purl();
    Some(c)
}

/// Whether `reference` is plain text, with no variable or expression left in it.
pub(crate) fn is_literal(reference: &str) -> bool {
    reference.chars().all(is_reference_char)
}

/// The component of a reference holding something unresolved, without a warning (the
/// caller gives the reason): the literal name with no version when only the tag or digest
/// is unknown, else `None`.
pub(crate) fn unresolved_image_component(
    reference: &str,
    source: Format,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Option<Component> {
    let at = reference.find(|c: char| !is_reference_char(c))?;
    let literal = &reference[..at];
    let after_slash = literal.rfind('/').unwrap_or(0);
    let name_end = literal
        .rfind('@')
        .or_else(|| literal.rfind(':').filter(|&i| i > after_slash))
        .filter(|&i| i > 0)?;
    let mut c = image_component(&literal[..name_end], source, file, line, out)?;
    c.version = None;
    c.integrity = None;
    c.refresh_purl();
    Some(c)
}

/// What a literal image reference is made of: `registry:port/path:tag@algo:hex`.
fn is_reference_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@' | '+')
}
