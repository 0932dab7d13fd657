//! `Podfile.lock`, written by `pod install`: YAML with the sections `PODS` (every installed
//! pod and subspec with its version and its own requirements), `DEPENDENCIES` (what the
//! Podfile asks for), `EXTERNAL SOURCES` and `CHECKOUT OPTIONS` (pods from git or a local
//! path), `SPEC CHECKSUMS` (the podspec's SHA-1) and `COCOAPODS` (the version that wrote it).
//!
//! A subspec entry (`Firebase/Core (10.0.0)`) is pod `Firebase` with the subspec as its one
//! extra, so its purl is `pkg:cocoapods/Firebase@10.0.0#Core` and the graph merges the
//! subspecs of a pod into one node (they always share its version). An entry is direct when
//! `DEPENDENCIES` names it. The requirements under an entry (`- Fabric (~> 1.6.3)`) are its
//! edges, to the pod they name (with the version when it is an exact `= x`); a subspec's
//! requirement of its own pod's subspecs is no edge. A git pod gets
//! `url` = `git+<repository>@<commit>` from `CHECKOUT OPTIONS` (else the branch or tag of
//! `EXTERNAL SOURCES`); a `:path:` pod its directory; `:podspec:` the podspec's address.
//! `COCOAPODS` is the `cocoapods` tool.

use crate::extractors::yaml_lock_document;
use crate::yaml::{self, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, DependencyEdge, Ecosystem, Format, Kind, Scope};
use std::collections::BTreeSet;
use std::path::Path;

pub struct PodfileLockExtractor;

const ID: Format = Format::PodfileLock;

impl Extractor for PodfileLockExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["podfile.lock"]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == "Podfile.lock"
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(doc) = yaml_lock_document(file, &mut out, "Podfile.lock", "`PODS`") else {
            return out;
        };
        let doc = &doc;
        let direct: BTreeSet<&str> = doc
            .get_first("DEPENDENCIES")
            .and_then(Node::as_sequence)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::scalar_text)
            .map(|d| split_requirement(d).0)
            .collect();
        let Some(pods) = doc.get_first("PODS") else {
            out.diagnose(doc.invalid(file, "Podfile.lock without `PODS`"));
            return out;
        };
        let Some(pods) = pods.as_sequence() else {
            if !pods.is_null() {
                out.diagnose(pods.invalid(file, "`PODS` must be a sequence"));
            }
            return out;
        };
        for item in pods {
            // `- Name (1.0)` or `- Name (1.0):` followed by its requirements.
            let (spec, requirements): (&Node, &[Node]) = match item.as_mapping() {
                Some([(key, value)]) => (key, value.as_sequence().unwrap_or(&[])),
                _ => (item, &[]),
            };
            let Some(text) = spec.scalar_text() else {
                out.diagnose(item.invalid(file, "a `PODS` entry must be `Name (version)`"));
                continue;
            };
            let (full_name, version) = split_requirement(text);
            let Some(version) = version.filter(|v| !v.is_empty() && !full_name.is_empty()) else {
                out.diagnose(spec.invalid(
                    file,
                    &format!("`PODS` entry `{text}` is not `Name (version)`"),
                ));
                continue;
            };
            let (pod, subspec) = match full_name.split_once('/') {
                Some((pod, sub)) => (pod, Some(sub)),
                None => (full_name, None),
            };
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Cocoapods,
                pod,
                ID,
                file.location(spec.line),
            )
            .with_direct(direct.contains(full_name));
            c.version = Some(version.to_string());
            c.extras = subspec.map(str::to_string).into_iter().collect();
            c.integrity = doc
                .get_first("SPEC CHECKSUMS")
                .and_then(|s| s.text_field(pod))
                .map(|h| format!("sha1:{}", h.trim()));
            c.url = source_url(doc, pod);
            for r in requirements {
                let Some(text) = r.scalar_text() else {
                    out.diagnose(r.invalid(file, "a requirement must be `Name (constraint)`"));
                    continue;
                };
                let (name, constraint) = split_requirement(text);
                let name = name.split('/').next().unwrap_or(name);
                if name.is_empty() {
                    out.diagnose(r.invalid(file, &format!("requirement `{text}` has no name")));
                    continue;
                }
                if name == pod {
                    // A subspec of the same pod: one package, no edge.
                    continue;
                }
                c.dependencies.push(DependencyEdge {
                    name: name.to_string(),
                    version: constraint
                        .and_then(|c| c.strip_prefix('='))
                        .map(|v| v.trim().to_string()),
                });
            }
            c.dependencies.sort();
            c.dependencies.dedup();
            c.refresh_purl();
            out.push(yaml::locate(c, file, spec));
        }
        if let Some(tool) = doc.get_first("COCOAPODS") {
            if let Some(v) = tool.scalar_text().map(str::trim).filter(|v| !v.is_empty()) {
                out.push(yaml::locate(
                    Component::new(
                        Kind::Tool,
                        Ecosystem::Generic,
                        "cocoapods",
                        ID,
                        file.location(tool.line),
                    )
                    .with_version(v)
                    .with_scope(Scope::Build),
                    file,
                    tool,
                ));
            }
        }
        out
    }
}

/// `Name (constraint)` → (`Name`, `Some("constraint")`); `Name` → (`Name`, `None`).
fn split_requirement(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    match text.split_once(" (") {
        Some((name, rest)) => (name.trim(), Some(rest.trim_end_matches(')').trim())),
        None => (text, None),
    }
}

/// Where a pod from outside a spec repository comes from, from `CHECKOUT OPTIONS` (what was
/// checked out) or `EXTERNAL SOURCES` (what the Podfile asked for).
fn source_url(doc: &Node, pod: &str) -> Option<String> {
    let checkout = doc
        .get_first("CHECKOUT OPTIONS")
        .and_then(|s| s.get_first(pod));
    let external = doc
        .get_first("EXTERNAL SOURCES")
        .and_then(|s| s.get_first(pod));
    // CocoaPods writes Ruby symbols, `:git: url`: YAML reads the key as `:git`.
    fn field<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a str> {
        node.and_then(|n| {
            n.text_field(key)
                .or_else(|| n.text_field(&format!("{key}:")))
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
    }
    let git = field(checkout, ":git").or_else(|| field(external, ":git"));
    if let Some(git) = git {
        let rev = [":commit", ":tag"]
            .iter()
            .find_map(|k| field(checkout, k))
            .or_else(|| {
                [":commit", ":tag", ":branch"]
                    .iter()
                    .find_map(|k| field(external, k))
            });
        return Some(match rev {
            Some(rev) => format!("git+{git}@{rev}"),
            None => format!("git+{git}"),
        });
    }
    field(external, ":path")
        .or_else(|| field(external, ":podspec"))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::PodfileLockExtractor;
    use crate::{Extractor, SourceFile};

    /// The shapes React Native and tag-pinned pods write: `:path:` and `:tag:` sources.
    #[test]
    fn path_and_tag_pods_keep_their_source() {
        let text = "PODS:\n  - boost (1.83.0)\n  - React-Core (0.73.4):\n    - glog\n    - React-Core/Default (= 0.73.4)\n  - React-Core/Default (0.73.4)\n  - glog (0.3.5)\n\nDEPENDENCIES:\n  - React-Core (from `../node_modules/react-native/`)\n  - boost (from `https://github.com/x/boost.git`, tag `v1.83.0`)\n\nEXTERNAL SOURCES:\n  boost:\n    :git: https://github.com/x/boost.git\n    :tag: v1.83.0\n  React-Core:\n    :path: \"../node_modules/react-native/\"\n\nCOCOAPODS: 1.14.3\n";
        let found = PodfileLockExtractor.extract(&SourceFile::from_text("ios/Podfile.lock", text));
        assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
        let url = |name: &str, extras: &[&str]| {
            found
                .components
                .iter()
                .find(|c| c.name == name && c.extras == extras)
                .unwrap_or_else(|| panic!("{name} {extras:?}"))
                .url
                .clone()
        };
        assert_eq!(
            url("boost", &[]).as_deref(),
            Some("git+https://github.com/x/boost.git@v1.83.0")
        );
        assert_eq!(
            url("React-Core", &[]).as_deref(),
            Some("../node_modules/react-native/")
        );
        assert_eq!(
            url("React-Core", &["Default"]).as_deref(),
            Some("../node_modules/react-native/")
        );
        assert_eq!(url("glog", &[]), None);
        let core = found
            .components
            .iter()
            .find(|c| c.name == "React-Core" && c.extras.is_empty())
            .unwrap();
        assert!(core.direct);
        // The subspec requirement is no edge; `glog` is one.
        let edges: Vec<&str> = core.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(edges, ["glog"]);
        assert_eq!(core.purl, "pkg:cocoapods/React-Core@0.73.4");
    }
}
