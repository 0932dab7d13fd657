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
/// The same holds for a placeholder a script replaces before deployment (`sed -i
/// s/CONTAINER_IMAGES_TAG/.../`): an upper-case name segment (an image name is lower-case)
/// or an all-caps tag like `CONTAINER_IMAGES_TAG` is never reported as a real image or tag.
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
        let placeholder = angle_placeholder(reference);
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::Unsupported,
            file.path(),
            line,
            if let Some(p) = placeholder {
                format!(
                    "image `{shown}` holds the placeholder `{p}`, filled in by hand; {}",
                    if c.is_some() {
                        "recorded without a version"
                    } else {
                        "no component"
                    }
                )
            } else if c.is_some() {
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
    if let Some(token) = placeholder_in_name(path) {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::Unsupported,
            file.path(),
            line,
            format!(
                "image `{}` has the placeholder `{token}` in its name (image names are \
                 lower-case), replaced before deployment; no component",
                polyver_model::read::excerpt(reference)
            ),
        ));
        return None;
    }
    let tag = match tag {
        Some(t) if is_placeholder_tag(t) => {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                file.path(),
                line,
                format!(
                    "the tag of image `{}` is the placeholder `{t}`, replaced before \
                     deployment; recorded without a version",
                    polyver_model::read::excerpt(reference)
                ),
            ));
            None
        }
        t => t,
    };
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

/// A documentation placeholder such as `<tag>` or `<your-registry>` in a reference.
fn angle_placeholder(reference: &str) -> Option<&str> {
    let start = reference.find('<')?;
    let len = reference[start..].find('>')?;
    let inner = &reference[start + 1..start + len];
    (!inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' ')))
    .then(|| &reference[start..=start + len])
}

/// The first segment of an image name holding an upper-case letter, which Docker refuses
/// in a repository path: a placeholder (`CONTAINER_IMAGES_REGISTRY/app`). A registry host
/// (with `.` or `:`, or `localhost`) is case-insensitive and not looked at.
fn placeholder_in_name(path: &str) -> Option<&str> {
    let mut segments = path.split('/').peekable();
    if let Some(first) = segments.peek() {
        let is_registry =
            path.contains('/') && (first.contains(['.', ':']) || *first == "localhost");
        if is_registry {
            segments.next();
        }
    }
    segments.find(|s| s.chars().any(|c| c.is_ascii_uppercase()))
}

/// An all-caps token with an underscore (`CONTAINER_IMAGES_TAG`, `IMAGE_TAG`) or `TAG` /
/// `VERSION`: a placeholder, not a tag anyone publishes.
fn is_placeholder_tag(tag: &str) -> bool {
    tag.starts_with(|c: char| c.is_ascii_uppercase())
        && tag
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && (tag.contains('_') || matches!(tag, "TAG" | "VERSION"))
}

/// What a literal image reference is made of: `registry:port/path:tag@algo:hex`.
fn is_reference_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@' | '+')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(reference: &str) -> (Option<(String, Option<String>)>, Vec<String>) {
        let file = SourceFile::from_text("kustomization.yaml", "");
        let mut out = Extracted::default();
        let c = image_component(reference, Format::Kubernetes, &file, 1, &mut out);
        let messages = out.diagnostics.iter().map(|d| d.message.clone()).collect();
        (c.map(|c| (c.name, c.version)), messages)
    }

    #[test]
    fn placeholders_are_not_images_or_tags() {
        let (c, d) = image("CONTAINER_IMAGES_REGISTRY/adservice");
        assert_eq!(c, None);
        assert!(
            d[0].contains("placeholder `CONTAINER_IMAGES_REGISTRY`"),
            "{d:?}"
        );
        let (c, d) = image("gcr.io/proj/cartservice:CONTAINER_IMAGES_TAG");
        assert_eq!(c, Some(("gcr.io/proj/cartservice".into(), None)));
        assert!(d[0].contains("placeholder `CONTAINER_IMAGES_TAG`"), "{d:?}");
        let (c, d) = image("nginx:<tag>");
        assert_eq!(c, Some(("nginx".into(), None)));
        assert!(d[0].contains("placeholder `<tag>`"), "{d:?}");
        let (c, d) = image("<registry>/app:1.0");
        assert_eq!(c, None);
        assert!(d[0].contains("placeholder `<registry>`"), "{d:?}");
    }

    #[test]
    fn real_references_are_kept() {
        for (reference, name, tag) in [
            (
                "REGISTRY.example.com/app:1.2",
                "REGISTRY.example.com/app",
                "1.2",
            ),
            (
                "minio/minio:RELEASE.2024-01-01T00-00-00Z",
                "minio/minio",
                "RELEASE.2024-01-01T00-00-00Z",
            ),
            ("eclipse-temurin:21-jre", "eclipse-temurin", "21-jre"),
        ] {
            let (c, d) = image(reference);
            assert_eq!(c, Some((name.into(), Some(tag.into()))), "{reference}");
            assert!(d.is_empty(), "{d:?}");
        }
    }
}
