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
pub(crate) fn image_component(
    reference: &str,
    source: Format,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Option<Component> {
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
