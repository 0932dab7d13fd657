//! `Package.resolved`, SwiftPM's lock (`swift package resolve`, Xcode's
//! `xcshareddata/swiftpm/`), in its three versions: 1 (`object.pins[]` with `package`,
//! `repositoryURL`, `state.{branch, revision, version}`), 2 and 3 (`pins[]` with `identity`,
//! `kind`, `location`, `state`; 3 adds `originHash`).
//!
//! A package is named by its repository URL without scheme, user and `.git`
//! (`github.com/apple/swift-nio`), as OSV's `SwiftURL` ecosystem and the purl `swift` type
//! name it (`git@host:owner/repo.git` is `host/owner/repo`); a registry pin (`kind:
//! registry`) by its identity (`scope.name`); a `localSourceControl` pin by its identity,
//! with the directory as `url`. The pinned commit is the integrity. A pin that follows a
//! branch or a bare revision has no version: it is reported without one, with `url` =
//! `git+<location>@<branch or revision>` and an info diagnostic saying so.
//!
//! The lock does not say which pins the project asked for: when a `Package.swift` is beside
//! it, a pin is direct when its location appears there as a string literal (the manifest is
//! read as text, never run); without one (an Xcode project) every pin is reported as direct.
//! SwiftPM records no edges.

use crate::extractors::package_json::{parse_json_object, type_error};
use crate::extractors::string_literals;
use crate::json::{Spanned, Value};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Severity};
use std::collections::BTreeSet;
use std::path::Path;

pub struct PackageResolvedExtractor;

const ID: Format = Format::PackageResolved;

impl Extractor for PackageResolvedExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["package.resolved"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "Package.resolved"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = parse_json_object(file, &mut out, "Package.resolved") else {
            return out;
        };
        let version = doc.get("version").map(|m| match &m.value.value {
            Value::Number(n) => n.clone(),
            _ => String::new(),
        });
        let (pins, v1) = match version.as_deref() {
            Some("1") => (doc.get("object").and_then(|o| o.value.get("pins")), true),
            Some("2") | Some("3") => (doc.get("pins"), false),
            other => {
                let line = doc
                    .get("version")
                    .map_or(1, |m| file.line_col(m.key_offset).0);
                out.diagnose(Diagnostic::error(
                    DiagnosticCode::Unsupported,
                    file.path(),
                    line,
                    match other {
                        Some(v) if !v.is_empty() => {
                            format!(
                                "Package.resolved version {v} is not one polyver reads (1, 2, 3)"
                            )
                        }
                        _ => "Package.resolved without a numeric `version`".to_string(),
                    },
                ));
                return out;
            }
        };
        let Some(pins) = pins else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                if v1 {
                    "no `object.pins` in a version 1 Package.resolved"
                } else {
                    "no `pins`"
                },
            ));
            return out;
        };
        let Value::Array(items) = &pins.value.value else {
            out.diagnose(type_error(file, pins.key_offset, "pins", &pins.value));
            return out;
        };
        let literals = manifest_literals(file);
        for pin in items {
            if let Some(c) = component(file, pin, v1, literals.as_ref(), &mut out) {
                out.push(c);
            }
        }
        out
    }
}

fn component(
    file: &SourceFile,
    pin: &Spanned,
    v1: bool,
    literals: Option<&BTreeSet<String>>,
    out: &mut Extracted,
) -> Option<Component> {
    let line = file.line_col(pin.offset).0;
    let str_of = |node: &Spanned, key: &str| {
        node.get(key)
            .and_then(|m| m.value.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if !pin.is_object() {
        out.diagnose(type_error(file, pin.offset, "pins", pin));
        return None;
    }
    let (identity, location) = if v1 {
        (str_of(pin, "package"), str_of(pin, "repositoryURL"))
    } else {
        (str_of(pin, "identity"), str_of(pin, "location"))
    };
    let kind = if v1 { None } else { str_of(pin, "kind") };
    let name = match kind.as_deref() {
        Some("registry") | Some("localSourceControl") => identity.clone(),
        _ => location
            .as_deref()
            .map(repository_name)
            .filter(|n| !n.is_empty()),
    };
    let Some(name) = name.or(identity.clone()) else {
        out.diagnose(Diagnostic::warning(
            DiagnosticCode::InvalidValue,
            file.path(),
            line,
            "pin without a location or identity",
        ));
        return None;
    };
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Swift,
        &name,
        ID,
        file.location(line),
    )
    .with_direct(literals.is_none_or(|l| {
        location
            .as_deref()
            .is_some_and(|loc| l.contains(&repository_name(loc).to_ascii_lowercase()))
    }));
    let state = pin.get("state").map(|m| &m.value);
    let state_field = |k: &str| state.and_then(|s| str_of(s, k));
    c.integrity = state_field("revision");
    if kind.as_deref() == Some("localSourceControl") {
        c.url = location.clone();
    }
    match state_field("version") {
        Some(v) => c = c.with_version(v),
        None => {
            let reference = state_field("branch").or_else(|| state_field("revision"));
            if let (Some(loc), Some(reference)) = (&location, &reference) {
                c.url = Some(format!("git+{loc}@{reference}"));
            }
            out.diagnose(Diagnostic::new(
                Severity::Info,
                DiagnosticCode::Unsupported,
                file.path(),
                line,
                match state_field("branch") {
                    Some(branch) => format!("`{name}` follows branch `{branch}`: no version"),
                    None => format!("`{name}` is pinned to a revision, not a version"),
                },
            ));
        }
    }
    Some(c)
}

/// `https://github.com/apple/swift-nio.git` → `github.com/apple/swift-nio`;
/// `git@github.com:apple/swift-nio.git` → the same.
pub(crate) fn repository_name(location: &str) -> String {
    let l = location.trim();
    let rest = match l.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        // scp-like `user@host:path`
        None => match l.split_once(':') {
            Some((host, path)) if !host.contains('/') => format!("{host}/{path}"),
            _ => l.to_string(),
        },
    };
    let rest = match rest.split_once('@') {
        Some((user, after)) if !user.contains('/') => after.to_string(),
        _ => rest,
    };
    rest.trim_end_matches('/')
        .trim_end_matches(".git")
        .trim_end_matches('/')
        .to_string()
}

/// The repository names (lowercase) of the URL literals in the `Package.swift` beside the
/// lock, or `None` when there is none.
fn manifest_literals(file: &SourceFile) -> Option<BTreeSet<String>> {
    let manifest = file.open_relative("Package.swift").ok()?;
    Some(
        string_literals(manifest.text())
            .into_iter()
            .filter(|s| s.contains('/'))
            .map(|s| repository_name(s).to_ascii_lowercase())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::{repository_name, PackageResolvedExtractor};
    use crate::{Extractor, SourceFile};

    /// SwiftPM 5.7+ registry pins and local checkouts (`kind`), shapes the real fixtures lack.
    #[test]
    fn registry_and_local_pins_are_named_by_identity() {
        let text = r#"{
  "pins" : [
    {
      "identity" : "mona.linkedlist",
      "kind" : "registry",
      "location" : "",
      "state" : {
        "version" : "1.1.0"
      }
    },
    {
      "identity" : "shared-kit",
      "kind" : "localSourceControl",
      "location" : "/Users/dev/src/shared-kit",
      "state" : {
        "revision" : "0123456789abcdef0123456789abcdef01234567",
        "version" : "2.0.0"
      }
    }
  ],
  "version" : 3
}"#;
        let found =
            PackageResolvedExtractor.extract(&SourceFile::from_text("Package.resolved", text));
        assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
        let pins: Vec<(&str, Option<&str>, Option<&str>)> = found
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref(), c.url.as_deref()))
            .collect();
        assert_eq!(
            pins,
            [
                ("mona.linkedlist", Some("1.1.0"), None),
                (
                    "shared-kit",
                    Some("2.0.0"),
                    Some("/Users/dev/src/shared-kit")
                ),
            ]
        );
    }

    #[test]
    fn repository_names_drop_scheme_user_and_git_suffix() {
        for (location, name) in [
            (
                "https://github.com/apple/swift-nio.git",
                "github.com/apple/swift-nio",
            ),
            (
                "https://github.com/apple/swift-nio",
                "github.com/apple/swift-nio",
            ),
            (
                "https://github.com/apple/swift-nio.git/",
                "github.com/apple/swift-nio",
            ),
            (
                "git@github.com:apple/swift-nio.git",
                "github.com/apple/swift-nio",
            ),
            (
                "ssh://git@gitlab.com/group/sub/lib.git",
                "gitlab.com/group/sub/lib",
            ),
            (
                "https://user@bitbucket.org/team/Repo.git",
                "bitbucket.org/team/Repo",
            ),
        ] {
            assert_eq!(repository_name(location), name, "{location}");
        }
    }
}
