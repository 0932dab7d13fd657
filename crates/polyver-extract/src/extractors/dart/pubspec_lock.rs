//! `pubspec.lock`, written by `dart pub get` / `flutter pub get`: a YAML mapping `packages`
//! (name → `dependency`, `description`, `source`, `version`) and `sdks` (the Dart and Flutter
//! SDK constraints the resolution needs).
//!
//! - `dependency` says how the root reaches the package: `direct main` (runtime),
//!   `direct dev` (dev), `direct overridden` (a `dependency_overrides` entry: direct, runtime)
//!   and `transitive` (runtime: the lock does not say whose dependency it is).
//! - `source` says where it comes from. `hosted`: a package repository; `description.url`
//!   other than pub.dev (the old pub.dartlang.org, the pub.flutter-io.cn mirror) is a
//!   private repository and is kept as `url`; `description.sha256` (pub 2.19+) is the
//!   integrity. `git`: `url` is
//!   `git+<repository>@<resolved-ref>` (pip's VCS form), with `#subdirectory=<path>` when the
//!   package is not at the repository root. `path`: `url` is the directory. `sdk`: a package
//!   shipped with the Flutter SDK (`flutter`, `flutter_test`, `sky_engine`), its version as
//!   the lock writes it (`0.0.0`), `url` = `sdk:flutter`.
//! - `sdks` become `dart` and `flutter` runtimes with their constraint, as `requires-python`
//!   does for Python projects.
//!
//! pub records no edges between packages, so the graph of a pubspec.lock is its roots only.

use crate::extractors::yaml_lock_document;
use crate::yaml::{self, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Ecosystem, Format, Kind, Scope};
use std::path::Path;

pub struct PubspecLockExtractor;

const ID: Format = Format::PubspecLock;

/// The public repository's addresses, old and new: a package from either has no `url`.
const DEFAULT_HOSTS: [&str; 4] = [
    "https://pub.dev",
    "https://pub.dartlang.org",
    "http://pub.dartlang.org",
    "https://pub.flutter-io.cn",
];

impl Extractor for PubspecLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pubspec.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "pubspec.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = yaml_lock_document(file, &mut out, "pubspec.lock", "`packages`") else {
            return out;
        };
        let doc = &doc;
        match doc.get_first("packages") {
            Some(packages) if packages.is_mapping() => {
                for (name, key, entry) in packages.all_entries() {
                    package(file, name, key, entry, &mut out);
                }
            }
            Some(packages) if packages.is_null() => {}
            Some(packages) => out.diagnose(packages.invalid(
                file,
                &format!(
                    "`packages` must be a mapping, found {}",
                    packages.type_with_article()
                ),
            )),
            None => out.diagnose(doc.invalid(file, "pubspec.lock without `packages`")),
        }
        if let Some(sdks) = doc.get_first("sdks") {
            for (sdk, key, constraint) in sdks.all_entries() {
                match constraint
                    .scalar_text()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                {
                    Some(c) if !sdk.is_empty() => out.push(yaml::locate(
                        Component::new(
                            Kind::Runtime,
                            Ecosystem::Generic,
                            sdk,
                            ID,
                            file.location(key.line),
                        )
                        .with_constraint(c),
                        file,
                        key,
                    )),
                    _ => out
                        .diagnose(key.invalid(file, &format!("SDK `{sdk}` without a constraint"))),
                }
            }
        }
        out
    }
}

fn package(file: &SourceFile, name: &str, key: &Node, entry: &Node, out: &mut Extracted) {
    let name = name.trim();
    if name.is_empty() || !entry.is_mapping() {
        out.diagnose(key.invalid(
            file,
            &format!("package `{name}` must be a mapping with `version` and `source`"),
        ));
        return;
    }
    let (direct, scope) = match entry.text_field("dependency").map(str::trim) {
        Some("direct main") | Some("direct overridden") => (true, Scope::Runtime),
        Some("direct dev") => (true, Scope::Dev),
        Some("transitive") => (false, Scope::Runtime),
        other => {
            out.diagnose(key.invalid(
                file,
                &format!(
                    "package `{name}`: unknown `dependency` {}; read as transitive",
                    other.map_or("(missing)".to_string(), |d| format!("`{d}`"))
                ),
            ));
            (false, Scope::Runtime)
        }
    };
    let mut c = Component::new(
        Kind::Package,
        Ecosystem::Pub,
        name,
        ID,
        file.location(key.line),
    )
    .with_scope(scope)
    .with_direct(direct);
    match entry
        .text_field("version")
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(v) => c = c.with_version(v),
        None => out.diagnose(key.invalid(file, &format!("package `{name}` has no `version`"))),
    }
    let description = entry.get_first("description");
    let field = |k: &str| {
        description
            .and_then(|d| d.text_field(k))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    match entry.text_field("source").map(str::trim) {
        Some("hosted") => {
            c.integrity = field("sha256").map(|h| format!("sha256:{h}"));
            c.url = field("url")
                .filter(|u| !DEFAULT_HOSTS.contains(&u.trim_end_matches('/')))
                .map(str::to_string);
        }
        Some("git") => match field("url") {
            Some(repo) => {
                let mut url = format!("git+{repo}");
                if let Some(rev) = field("resolved-ref").or_else(|| field("ref")) {
                    url = format!("{url}@{rev}");
                }
                if let Some(sub) = field("path").filter(|p| *p != ".") {
                    url = format!("{url}#subdirectory={sub}");
                }
                c.url = Some(url);
            }
            None => out.diagnose(key.invalid(file, &format!("git package `{name}` has no `url`"))),
        },
        Some("path") => c.url = field("path").map(str::to_string),
        Some("sdk") => {
            let sdk = description.and_then(Node::scalar_text).unwrap_or("flutter");
            c.url = Some(format!("sdk:{}", sdk.trim()));
        }
        Some(other) => out.diagnose(key.invalid(
            file,
            &format!("package `{name}`: unknown `source` `{other}`"),
        )),
        None => out.diagnose(key.invalid(file, &format!("package `{name}` has no `source`"))),
    }
    c.refresh_purl();
    out.push(yaml::locate(c, file, key));
}
