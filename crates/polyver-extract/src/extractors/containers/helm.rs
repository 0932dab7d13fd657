//! Helm charts: `Chart.yaml` (and a v1 chart's `requirements.yaml`), the lock files
//! `Chart.lock`/`requirements.lock`, and the images a chart deploys, from `values.yaml`
//! (`values-prod.yaml`, `values.dev.yaml`, ...).
//!
//! The chart's own `name`/`version`/`appVersion` describe what the repository *publishes*,
//! not what it depends on, so they are not components. Each entry of `dependencies` (v2
//! `Chart.yaml`, v1 `requirements.yaml`) is a `package` of ecosystem `helm`: its `version`
//! is a semver range as written (`constraint`; also `version` when it is one exact version),
//! its `repository` goes to `url` (an `https://` index, `oci://` registry or `@alias`).
//! Subcharts kept in the repository (`file://../common`) are part of it and skipped.
//! Dependencies switched by `condition:` or `tags:` are `optional`. Lock entries have the
//! resolved version; the lock's top-level `digest` hashes the whole dependency list, not a
//! chart, so it is not recorded as any component's integrity.
//!
//! `values.yaml` is free-form; by convention images are written as an `image:` block —
//! `repository` plus optional `registry` (Bitnami), `tag` and `digest` — anywhere in the
//! tree (`image`, `metrics.image`, `volumePermissions.image`), or as a plain
//! `image: "repo:tag"` string; a key ending in `Image` / `_image` (`mcImage`, `initImage`,
//! `sidecar_image`) holds one the same way. An `images:` block with a `repository` is a
//! prefix the templates complete per service (`{{ .Values.images.repository }}/frontend`),
//! not an image: said with an info diagnostic. Both become image components named like `FROM` images
//! ([`crate::image_ref`]), located at `repository` (or the string). An empty `tag` means
//! "the chart's `appVersion`", known only at render time, so no version is recorded. The
//! tree is walked with an explicit stack, never recursion.

use crate::image_ref::image_component;
use crate::yaml::{self, locate, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{
    Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope, Severity,
};
use std::path::Path;

pub struct HelmExtractor;

const ID: Format = Format::Helm;

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Chart,
    Lock,
    Values,
}

fn file_kind(name: &str) -> Option<FileKind> {
    match name {
        "Chart.yaml" | "Chart.yml" | "requirements.yaml" | "requirements.yml" => {
            Some(FileKind::Chart)
        }
        "Chart.lock" | "requirements.lock" => Some(FileKind::Lock),
        _ => {
            let stem = name
                .strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"))?;
            (stem == "values" || stem.starts_with("values-") || stem.starts_with("values."))
                .then_some(FileKind::Values)
        }
    }
}

impl Extractor for HelmExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            names: &[
                "chart.yaml",
                "chart.yml",
                "requirements.yaml",
                "requirements.yml",
                "chart.lock",
                "requirements.lock",
            ],
            prefixes: &["values"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        file_kind(file_name(path)).is_some()
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(kind) = file_kind(file.file_name()) else {
            return out;
        };
        if kind == FileKind::Values && file.text().contains("{{") {
            // Templated values (helmfile `values.yaml.gotmpl` style): not YAML, and its
            // images are known only once rendered. Said, never split as text.
            out.diagnose(Diagnostic::new(
                Severity::Info,
                DiagnosticCode::Unsupported,
                file.path(),
                0,
                "values file holds Go template expressions (`{{ }}`); its images are known \
                 only once rendered, none recorded",
            ));
            return out;
        }
        let loaded = yaml::load_file(file, &mut out.diagnostics);
        let mut scanner = Scanner {
            file,
            out: &mut out,
        };
        for doc in loaded.mappings() {
            match kind {
                FileKind::Chart | FileKind::Lock => scanner.dependencies(doc, kind),
                FileKind::Values => scanner.values(doc),
            }
        }
        out
    }
}

struct Scanner<'f, 'o> {
    file: &'f SourceFile,
    out: &'o mut Extracted,
}

impl Scanner<'_, '_> {
    fn dependencies(&mut self, doc: &Node, kind: FileKind) {
        let Some(deps) = doc.get("dependencies") else {
            return;
        };
        let Some(entries) = deps.as_sequence() else {
            self.invalid(deps, "`dependencies` should be a sequence");
            return;
        };
        for entry in entries {
            if entry.as_mapping().is_none() {
                self.invalid(entry, "a dependency should be a mapping");
                continue;
            }
            let Some(name_node) = entry.get("name") else {
                self.invalid(entry, "a dependency needs `name`");
                continue;
            };
            let Some(name) = name_node.as_str().map(str::trim).filter(|n| !n.is_empty()) else {
                self.invalid(name_node, "dependency `name` should be a string");
                continue;
            };
            let repository = entry
                .get("repository")
                .and_then(Node::as_str)
                .map(str::trim)
                .filter(|r| !r.is_empty());
            if repository.is_some_and(|r| r.starts_with("file://")) {
                continue;
            }
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Helm,
                name,
                ID,
                self.file.location(name_node.line),
            );
            match entry.get("version") {
                Some(v) => match v.as_str().map(str::trim) {
                    Some(v) if kind == FileKind::Lock => c = c.with_version(v),
                    Some(v) => {
                        if is_exact(v) {
                            c = c.with_version(v.trim_start_matches('='));
                        }
                        c = c.with_constraint(v);
                    }
                    None => {
                        let msg = format!("dependency `{name}` has no usable `version`");
                        self.invalid(v, &msg);
                    }
                },
                None if kind == FileKind::Lock => {
                    self.invalid(entry, &format!("locked dependency `{name}` has no version"));
                }
                None => {}
            }
            if kind == FileKind::Chart
                && (entry.get("condition").is_some() || entry.get("tags").is_some())
            {
                c = c.with_scope(Scope::Optional);
            }
            c.url = repository.map(str::to_string);
            c.refresh_purl();
            self.out.push(locate(c, self.file, name_node));
        }
    }

    /// Every `image:` in the values tree, depth first in file order.
    fn values(&mut self, doc: &Node) {
        let mut stack = vec![doc];
        while let Some(node) = stack.pop() {
            let children: Vec<&Node> = match &node.value {
                yaml::Value::Mapping(entries) => {
                    for (key, value) in entries {
                        match key.as_str() {
                            Some(k) if is_image_key(k) => self.image(value),
                            Some("images") if value.get("repository").is_some() => {
                                self.image_prefix(value)
                            }
                            _ => {}
                        }
                    }
                    entries
                        .iter()
                        .filter(|(k, _)| !k.as_str().is_some_and(is_image_key))
                        .map(|(_, v)| v)
                        .collect()
                }
                yaml::Value::Sequence(items) => items.iter().collect(),
                yaml::Value::Scalar { .. } => Vec::new(),
            };
            stack.extend(children.into_iter().rev());
        }
    }

    fn image(&mut self, node: &Node) {
        if let Some(reference) = node.as_str().map(str::trim) {
            // `image: nginx:1.25`; a bare word (`image: true`, `image: nginx`) is too vague
            // to be an image reference in free-form values.
            if reference.contains(':') || reference.contains('/') {
                if let Some(c) = image_component(reference, ID, self.file, node.line, self.out) {
                    self.out.push(locate(c, self.file, node));
                }
            }
            return;
        }
        let Some(repo_node) = node.get("repository") else {
            return;
        };
        let text = |k: &str| {
            node.get(k)
                .and_then(Node::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let Some(repository) = repo_node.as_str().map(str::trim).filter(|s| !s.is_empty()) else {
            if !repo_node.is_null() {
                self.invalid(repo_node, "`image.repository` should be a string");
            }
            return;
        };
        let mut reference = match text("registry") {
            Some(registry) => format!("{}/{repository}", registry.trim_end_matches('/')),
            None => repository.to_string(),
        };
        if let Some(tag) = text("tag") {
            reference = format!("{reference}:{tag}");
        }
        if let Some(digest) = text("digest") {
            reference = format!("{reference}@{digest}");
        }
        if let Some(c) = image_component(&reference, ID, self.file, repo_node.line, self.out) {
            self.out.push(locate(c, self.file, repo_node));
        }
    }

    /// `images: {repository: registry/project, tag: ""}`: the templates append each
    /// service's name, so no image is named here.
    fn image_prefix(&mut self, node: &Node) {
        self.out.diagnose(Diagnostic::new(
            Severity::Info,
            DiagnosticCode::Unsupported,
            self.file.path(),
            node.line,
            "`images.repository` is a prefix the chart's templates complete per service, not \
             an image; no component",
        ));
    }

    fn invalid(&mut self, node: &Node, message: &str) {
        self.out.diagnose(node.invalid(self.file, message));
    }
}

/// A values key that holds an image: `image`, or a name ending in `Image` / `_image` /
/// `-image` (`mcImage`, `initContainerImage`, `sidecar_image`).
fn is_image_key(key: &str) -> bool {
    key == "image"
        || ["Image", "_image", "-image"]
            .iter()
            .any(|suffix| key.len() > suffix.len() && key.ends_with(suffix))
}

/// Whether a Helm (Masterminds semver) constraint names one exact version (`1.2.3`,
/// `=1.2.3`, `v1.2.3-rc.1`), as opposed to a range (`~1.2`, `^1`, `>=1 <2`, `1.x`).
fn is_exact(v: &str) -> bool {
    let v = v.trim_start_matches('=').trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && !v.contains([' ', ',', '|', '*'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templated_values_are_said_to_be_unread_never_split() {
        let text = "image:\n  repository: {{ .Values.registry }}/app\n  tag: \"1.0\"\n";
        let file = SourceFile::decode("values.yaml", text.as_bytes().to_vec()).unwrap();
        let out = HelmExtractor.extract(&file);
        assert!(out.components.is_empty());
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].severity, Severity::Info);
        assert!(out.diagnostics[0].message.contains("Go template"));
    }

    #[test]
    fn matching_and_exactness() {
        let x = HelmExtractor;
        for yes in [
            "charts/app/Chart.yaml",
            "Chart.lock",
            "requirements.yaml",
            "requirements.lock",
            "values.yaml",
            "charts/app/values-prod.yaml",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            "chart.yaml",
            "my-values.yaml",
            "values.json",
            "requirements.txt",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
        assert!(is_exact("1.2.3"));
        assert!(is_exact("=v1.2.3-rc.1"));
        for range in ["~1.2.3", "^1", "1.x", ">=1.0.0 <2.0.0", "1.2", "*"] {
            assert!(!is_exact(range), "{range}");
        }
    }
}
