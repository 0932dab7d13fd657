//! `stack.yaml.lock` (Haskell Stack 2+): what the `extra-deps` and the `resolver` of
//! `stack.yaml` resolved to. Each of `packages` and `snapshots` is a list of
//! `{completed, original}` pairs; `completed` is what Stack pinned, `original` what
//! `stack.yaml` says (read when `completed` is missing).
//!
//! - A Hackage package is `hackage: name-1.2.3@sha256:<hex>,<size>` (the `@...` part, the
//!   hash and size of the cabal file revision, optional; `@rev:N` also occurs). The version is
//!   the last dash-separated part (package names may contain dashes, versions never do); the
//!   revision hash becomes `integrity` (`sha256:<hex>`).
//! - A git, GitHub or archive package has `name` and `version` in `completed` and its origin
//!   in `git`/`hg` + `commit` (`url` = `git+<repo>@<commit>`) or `url` (the archive).
//!
//! They are `hackage` components (`pkg:hackage/name@version`; PVP versions, which the version
//! engine does not implement: opaque), all direct, since each is an `extra-deps` entry of
//! `stack.yaml`; the lock records no edges.
//!
//! The snapshot is the rest of the dependency set and the GHC version, so it is a component
//! of its own, kind `runtime` as a runtime pin would be: `lts-22.6` is `stackage-lts`
//! `22.6`, `nightly-2024-01-05` is `stackage-nightly` `2024-01-05`, a compiler-only
//! `ghc-9.6.4` is `ghc` `9.6.4`; any other snapshot (a URL, a file) is `stackage-snapshot`
//! without a version. The snapshot file's URL and SHA-256 are `url` and `integrity`.

use crate::yaml::{self, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::path::Path;

pub struct StackLockExtractor;

const ID: Format = Format::StackLock;

impl Extractor for StackLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["stack.yaml.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "stack.yaml.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let loaded = yaml::load(file.text());
        for doc in loaded.complete_documents() {
            if doc.is_null() {
                continue;
            }
            if !doc.is_mapping() {
                out.diagnose(doc.invalid(
                    file,
                    &format!(
                        "a stack.yaml.lock is a mapping, found {}",
                        doc.type_with_article()
                    ),
                ));
                continue;
            }
            for (key, key_node, list) in doc.entries() {
                match key {
                    "packages" => packages(file, key_node, list, &mut out),
                    "snapshots" => {
                        for item in items_of(file, key_node, list, &mut out) {
                            snapshot(file, item, &mut out);
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(e) = &loaded.error {
            out.diagnose(
                Diagnostic::error(
                    DiagnosticCode::ParseError,
                    file.path(),
                    e.line,
                    format!("invalid YAML: {}", e.detail()),
                )
                .with_column(e.column),
            );
        }
        out
    }
}

/// The items of a `packages`/`snapshots` list (none, with a diagnostic, when it is not one).
fn items_of<'a>(file: &SourceFile, key: &Node, list: &'a Node, out: &mut Extracted) -> &'a [Node] {
    if list.is_null() {
        return &[];
    }
    list.as_sequence().unwrap_or_else(|| {
        out.diagnose(key.invalid(
            file,
            &format!("expected a list, found {}", list.type_with_article()),
        ));
        &[]
    })
}

/// Each `packages` item, by its `completed` node (else its `original`).
fn packages(file: &SourceFile, key: &Node, list: &Node, out: &mut Extracted) {
    for item in items_of(file, key, list, out) {
        match item
            .get("completed")
            .filter(|c| !c.is_null())
            .or_else(|| item.get("original"))
        {
            Some(node) => package(file, node, out),
            None => {
                out.diagnose(item.invalid(file, "entry has neither `completed` nor `original`"))
            }
        }
    }
}

fn package(file: &SourceFile, node: &Node, out: &mut Extracted) {
    // `hackage: name-1.0@...`, or that string alone (a location written in short form).
    let hackage = if node.as_str().is_some() {
        Some(node)
    } else {
        node.get("hackage")
    };
    if let Some(hackage) = hackage {
        let Some(text) = hackage.as_str() else {
            out.diagnose(hackage.invalid(file, "`hackage` must be a string"));
            return;
        };
        let (id, pin) = match text.split_once('@') {
            Some((id, pin)) => (id.trim(), Some(pin.trim())),
            None => (text.trim(), None),
        };
        let Some((name, version)) = split_package_id(id) else {
            out.diagnose(hackage.invalid(file, &format!("`{text}` is not `name-version`")));
            return;
        };
        let mut c = component(file, hackage, name).with_version(version);
        c.integrity = pin
            .and_then(|p| p.strip_prefix("sha256:"))
            .map(|h| format!("sha256:{}", h.split(',').next().unwrap_or(h)));
        out.push(c);
        return;
    }
    let Some(name) = node.get("name").and_then(Node::as_str) else {
        out.diagnose(node.invalid(
            file,
            "package has neither `hackage` nor `name` (a location Stack has not completed)",
        ));
        return;
    };
    let mut c = component(file, node.get("name").unwrap_or(node), name);
    if let Some(v) = node.get("version").and_then(Node::scalar_text) {
        c = c.with_version(v);
    }
    let commit = node.get("commit").and_then(Node::as_str);
    c.url = match (
        node.get("git").or(node.get("hg")).and_then(Node::as_str),
        commit,
    ) {
        (Some(repo), Some(commit)) => Some(format!("git+{repo}@{commit}")),
        (Some(repo), None) => Some(format!("git+{repo}")),
        (None, _) => node.get("url").and_then(Node::as_str).map(str::to_string),
    };
    if let Some(sub) = node.get("subdir").and_then(Node::as_str) {
        c.url = c.url.map(|u| format!("{u}#subdirectory={sub}"));
    }
    c.integrity = node
        .get("sha256")
        .and_then(Node::as_str)
        .map(|h| format!("sha256:{h}"));
    out.push(c);
}

fn component(file: &SourceFile, at: &Node, name: &str) -> Component {
    Component::new(
        Kind::Package,
        Ecosystem::Hackage,
        name,
        ID,
        file.location(at.line).with_column(at.column),
    )
}

/// `postgresql-libpq-0.10.1.0` → (`postgresql-libpq`, `0.10.1.0`): the version is the last
/// dash-separated part, digits and dots.
fn split_package_id(id: &str) -> Option<(&str, &str)> {
    let (name, version) = id.rsplit_once('-')?;
    let is_version = !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (is_version && !name.is_empty()).then_some((name, version))
}

/// One `snapshots` item: the resolver as `stack.yaml` names it (`original`) and the snapshot
/// file Stack pinned (`completed`).
fn snapshot(file: &SourceFile, item: &Node, out: &mut Extracted) {
    let original = item.get("original");
    let completed = item.get("completed").filter(|c| c.is_mapping());
    let url = completed.and_then(|c| c.get("url")).and_then(Node::as_str);
    let named = original
        .and_then(Node::as_str)
        .map(str::to_string)
        .or_else(|| url.and_then(resolver_of_url));
    let Some(at) = original.or(completed) else {
        out.diagnose(item.invalid(file, "snapshot has neither `completed` nor `original`"));
        return;
    };
    let (name, version) = match named.as_deref().and_then(split_resolver) {
        Some((n, v)) => (n, Some(v)),
        None => ("stackage-snapshot", None),
    };
    let mut c = Component::new(
        Kind::Runtime,
        Ecosystem::Generic,
        name,
        ID,
        file.location(at.line).with_column(at.column),
    );
    if let Some(v) = version {
        c = c.with_version(v);
    }
    c.url = url
        .or_else(|| original.and_then(|o| o.get("url")).and_then(Node::as_str))
        .map(str::to_string);
    c.integrity = completed
        .and_then(|c| c.get("sha256"))
        .and_then(Node::as_str)
        .map(|h| format!("sha256:{h}"));
    out.push(c);
}

/// `lts-22.6` → (`stackage-lts`, `22.6`), `nightly-2024-01-05` → (`stackage-nightly`,
/// `2024-01-05`), `ghc-9.6.4` → (`ghc`, `9.6.4`).
fn split_resolver(resolver: &str) -> Option<(&'static str, String)> {
    let resolver = resolver.trim();
    let (name, version) = if let Some(v) = resolver.strip_prefix("lts-") {
        ("stackage-lts", v)
    } else if let Some(v) = resolver.strip_prefix("nightly-") {
        ("stackage-nightly", v)
    } else if let Some(v) = resolver.strip_prefix("ghc-") {
        ("ghc", v)
    } else {
        return None;
    };
    let valid = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    valid.then(|| (name, version.to_string()))
}

/// The resolver a stackage-snapshots URL is the file of: `.../lts/22/41.yaml` → `lts-22.41`,
/// `.../nightly/2024/1/5.yaml` → `nightly-2024-01-05`.
fn resolver_of_url(url: &str) -> Option<String> {
    let path = url.strip_suffix(".yaml")?;
    let parts: Vec<&str> = path.rsplit('/').take(4).collect();
    let numbers = |s: &[&str]| {
        s.iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    match parts.as_slice() {
        [minor, major, "lts", ..] if numbers(&[minor, major]) => {
            Some(format!("lts-{major}.{minor}"))
        }
        [day, month, year, "nightly"] if numbers(&[day, month, year]) => {
            Some(format!("nightly-{year}-{month:0>2}-{day:0>2}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_split_at_the_last_dash() {
        assert_eq!(
            split_package_id("postgresql-libpq-0.10.1.0"),
            Some(("postgresql-libpq", "0.10.1.0"))
        );
        assert_eq!(
            split_package_id("HTTP-4000.3.16"),
            Some(("HTTP", "4000.3.16"))
        );
        assert_eq!(split_package_id("fuzzyset"), None);
        assert_eq!(split_package_id("base-compat-batteries"), None);
        assert_eq!(split_package_id("-1.0"), None);
    }

    #[test]
    fn resolvers_and_their_snapshot_urls() {
        assert_eq!(
            split_resolver("lts-22.6"),
            Some(("stackage-lts", "22.6".to_string()))
        );
        assert_eq!(
            split_resolver("nightly-2024-01-05"),
            Some(("stackage-nightly", "2024-01-05".to_string()))
        );
        assert_eq!(
            split_resolver("ghc-9.6.4"),
            Some(("ghc", "9.6.4".to_string()))
        );
        assert_eq!(split_resolver("./snapshot.yaml"), None);
        assert_eq!(split_resolver("lts-"), None);
        let base = "https://raw.githubusercontent.com/commercialhaskell/stackage-snapshots/master";
        assert_eq!(
            resolver_of_url(&format!("{base}/lts/22/41.yaml")).as_deref(),
            Some("lts-22.41")
        );
        assert_eq!(
            resolver_of_url(&format!("{base}/nightly/2024/1/5.yaml")).as_deref(),
            Some("nightly-2024-01-05")
        );
        assert_eq!(
            resolver_of_url("https://example.com/my-snapshot.yaml"),
            None
        );
    }

    #[test]
    fn a_snapshot_without_original_is_named_from_its_url() {
        let text = "snapshots:\n- completed:\n    size: 1\n    url: https://raw.githubusercontent.com/commercialhaskell/stackage-snapshots/master/lts/19/14.yaml\n    sha256: ab\n";
        let found = StackLockExtractor.extract(&SourceFile::from_text("stack.yaml.lock", text));
        assert_eq!(found.components.len(), 1, "{found:?}");
        let c = &found.components[0];
        assert_eq!(
            (c.name.as_str(), c.version.as_deref()),
            ("stackage-lts", Some("19.14"))
        );
        assert_eq!(c.integrity.as_deref(), Some("sha256:ab"));
    }
}
