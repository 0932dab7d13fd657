//! Kubernetes manifests (any `*.yaml`/`*.yml` whose documents are API objects) and
//! Kustomize's `kustomization.yaml`.
//!
//! Manifests have no fixed file name (`deploy/k8s/api.yaml`, `manifests/00-db.yml`), so the
//! path test is cheap and wide: every YAML file except the names other extractors own
//! (Compose, GitHub Actions, GitLab CI, `pnpm-lock.yaml`, Helm's `Chart.yaml`/`values.yaml`,
//! `Pulumi.yaml`, ...) and well-known tool configs. The content decides: a file whose text
//! never says `apiVersion` and `kind` is not read at all, and a document without both keys
//! is silently ignored — a YAML file that is not Kubernetes yields nothing and no
//! diagnostic. Neither does a manifest that cannot hold an image (its text never says
//! `containers`, `Containers`, `template`, `Pod`, `List` or `Kustomization`): it is not even
//! parsed, which spares most test-data YAML (issue 14). Helm templates
//! (`{{ .Values.image }}`) are Go templates, not YAML, and are skipped the same way; the
//! images they render come from `values.yaml` (see `helm`).
//! Syntax errors are reported only for files that look like manifests that may hold images.
//!
//! Every workload kind is read at the place its pod template lives: `Pod` (`spec`),
//! `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `Job`, `ReplicationController`
//! and any other kind with the same shape (Argo `Rollout`, ...) at `spec.template.spec`,
//! `CronJob` at `spec.jobTemplate.spec.template.spec`, `PodTemplate` at `template.spec`; a
//! `List` (what `kubectl get -o yaml` writes) is read item by item. In a pod spec, each
//! `image` of `containers` and `initContainers` is an image component named like `FROM`
//! images ([`crate::image_ref`]), `runtime` scope; `ephemeralContainers` are debugging
//! sessions attached by hand, hence `optional`. Multi-document files (`---`) are read
//! document by document. `apiVersion` is not recorded: it versions the API schema, which is
//! not a dependency of the repository.
//!
//! `kustomization.yaml`: `images:` entries override image names and tags of the manifests it
//! includes — each entry with a `newTag`, `newName` or `digest` is an image component
//! (`newName` or else `name`, `newTag` as version, `digest` as integrity), located at the
//! entry. `helmCharts:` entries (`name`, `repo`, `version`) are Helm chart packages, like
//! `Chart.yaml` dependencies. `resources:` are mostly local paths; remote ones are not
//! reported yet.

use crate::image_ref::image_component;
use crate::yaml::{self, locate, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Ecosystem, Format, Kind, Scope};
use std::path::{Component as PathComponent, Path};

pub struct KubernetesExtractor;

const ID: Format = Format::Kubernetes;

/// Most `List` nesting followed (a `List` of `List`s is legal but never deeper than 1-2).
const MAX_LIST_DEPTH: usize = 4;

/// YAML file names other extractors own or that are known tool configuration.
const NOT_MANIFESTS: &[&str] = &[
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    "chart.yaml",
    "chart.lock",
    "requirements.yaml",
    "requirements.lock",
    "pulumi.yaml",
    "pulumi.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    "mkdocs.yml",
    "mkdocs.yaml",
    ".golangci.yml",
    ".golangci.yaml",
    "codecov.yml",
    ".codecov.yml",
    ".readthedocs.yml",
    ".readthedocs.yaml",
    ".yarnrc.yml",
    "environment.yml",
    "environment.yaml",
    "action.yml",
    "action.yaml",
    "buf.yaml",
    "buf.gen.yaml",
];

impl Extractor for KubernetesExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::extensions(&["yaml", "yml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        let Some(stem) = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
        else {
            return false;
        };
        if NOT_MANIFESTS.contains(&name.as_str())
            || crate::extractors::openapi::is_openapi_name(&name)
        {
            return false;
        }
        // Compose (`compose.yaml`, `docker-compose.prod.yml`), Helm values
        // (`values.yaml`, `values-prod.yaml`) and Pulumi stack configs (`Pulumi.dev.yaml`).
        let owned_stem = |base: &str| {
            stem == base
                || stem.starts_with(&format!("{base}."))
                || stem.starts_with(&format!("{base}-"))
        };
        if ["docker-compose", "compose", "values", "pulumi"]
            .iter()
            .any(|b| owned_stem(b))
        {
            return false;
        }
        // `.github/` (workflows, dependabot, issue forms) and downloaded Terraform modules.
        !path.components().any(|c| {
            matches!(c, PathComponent::Normal(s)
                if s == ".github" || s == ".terraform")
        })
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let kustomization = matches!(
            file.file_name(),
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        );
        let text = file.text();
        // Byte-level pre-checks before building a document (most YAML of a repository is
        // test data or config): an API object says `apiVersion` and `kind`, and only a pod
        // (`Pod`, a pod `template`, `containers`), a `List` of objects or a Kustomization
        // can hold an image or a shape worth a diagnostic.
        let maybe_object = text.contains("apiVersion")
            && text.contains("kind")
            && ["ontainers", "template", "Pod", "List", "Kustomization"]
                .iter()
                .any(|word| text.contains(word));
        if !kustomization && !maybe_object {
            return out;
        }
        if text.contains("{{") {
            // A Go template (Helm chart `templates/`), not YAML.
            return out;
        }
        let mut diagnostics = Vec::new();
        // A CustomResourceDefinition (most of an operator's install manifest) describes
        // images but holds none: its documents are not parsed.
        let loaded = yaml::load_file_where(file, &mut diagnostics, |doc| {
            yaml::top_level_scalar(doc, "kind") != Some("CustomResourceDefinition")
        });
        let looks_like_manifest = kustomization
            || loaded
                .documents
                .iter()
                .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some())
            || text
                .lines()
                .any(|l| l.starts_with("apiVersion:") || l.starts_with("kind:"));
        if looks_like_manifest {
            out.diagnostics.extend(diagnostics);
        }
        let mut scanner = Scanner {
            file,
            out: &mut out,
        };
        for doc in loaded.mappings() {
            if kustomization || kind_of(doc) == Some("Kustomization") {
                scanner.kustomization(doc);
            } else {
                scanner.object(doc, 0);
            }
        }
        out
    }
}

fn kind_of(doc: &Node) -> Option<&str> {
    doc.get("apiVersion")?;
    doc.get("kind")?.as_str()
}

struct Scanner<'f, 'o> {
    file: &'f SourceFile,
    out: &'o mut Extracted,
}

impl Scanner<'_, '_> {
    /// One API object (a document or a `List` item).
    fn object(&mut self, obj: &Node, depth: usize) {
        let Some(kind) = kind_of(obj) else {
            return;
        };
        let spec = obj.get("spec");
        let pod_spec = match kind {
            "List" => {
                if depth >= MAX_LIST_DEPTH {
                    return;
                }
                match obj.get("items").map(|i| (i, i.as_sequence())) {
                    Some((_, Some(items))) => {
                        for item in items {
                            self.object(item, depth + 1);
                        }
                    }
                    Some((items, None)) => self.invalid(items, "`items` should be a sequence"),
                    None => {}
                }
                return;
            }
            "Pod" => spec,
            "CronJob" => spec
                .and_then(|s| s.get("jobTemplate"))
                .and_then(|j| j.get("spec"))
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
            "PodTemplate" => obj.get("template").and_then(|t| t.get("spec")),
            // Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController and
            // custom workloads of the same shape.
            _ => spec
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
        };
        let Some(pod_spec) = pod_spec else {
            return;
        };
        if pod_spec.as_mapping().is_none() {
            self.invalid(pod_spec, &format!("pod spec of {kind} should be a mapping"));
            return;
        }
        for (key, scope) in [
            ("initContainers", Scope::Runtime),
            ("containers", Scope::Runtime),
            ("ephemeralContainers", Scope::Optional),
        ] {
            let Some(list) = pod_spec.get(key) else {
                continue;
            };
            let Some(containers) = list.as_sequence() else {
                self.invalid(list, &format!("`{key}` should be a sequence"));
                continue;
            };
            for container in containers {
                if container.as_mapping().is_none() {
                    self.invalid(
                        container,
                        &format!("an entry of `{key}` should be a mapping"),
                    );
                    continue;
                }
                // No `image` is allowed when a controller injects it: nothing to report.
                if let Some(image) = container.get("image") {
                    self.image(image, scope);
                }
            }
        }
    }

    fn image(&mut self, image: &Node, scope: Scope) {
        let Some(reference) = image.as_str() else {
            let msg = format!("`image` is a {}, expected a string", image.type_name());
            self.invalid(image, &msg);
            return;
        };
        if let Some(c) = image_component(reference.trim(), ID, self.file, image.line, self.out) {
            self.out.push(locate(c, self.file, image).with_scope(scope));
        }
    }

    fn kustomization(&mut self, doc: &Node) {
        if let Some(images) = doc.get("images") {
            match images.as_sequence() {
                Some(entries) => {
                    for entry in entries {
                        self.kustomize_image(entry);
                    }
                }
                None => self.invalid(images, "`images` should be a sequence"),
            }
        }
        if let Some(charts) = doc.get("helmCharts") {
            match charts.as_sequence() {
                Some(entries) => {
                    for entry in entries {
                        self.helm_chart(entry);
                    }
                }
                None => self.invalid(charts, "`helmCharts` should be a sequence"),
            }
        }
    }

    /// `- name: nginx` / `newName: my.registry/nginx` / `newTag: 1.25` / `digest: sha256:..`
    fn kustomize_image(&mut self, entry: &Node) {
        if entry.as_mapping().is_none() {
            self.invalid(entry, "an `images` entry should be a mapping");
            return;
        }
        let field = |k: &str| entry.get(k).and_then(Node::as_str).map(str::trim);
        let Some(name) = field("newName").or(field("name")) else {
            self.invalid(entry, "an `images` entry needs `name`");
            return;
        };
        let (new_name, tag, digest) = (field("newName"), field("newTag"), field("digest"));
        if new_name.is_none() && tag.is_none() && digest.is_none() {
            return; // Changes nothing.
        }
        let mut reference = name.to_string();
        if let Some(t) = tag {
            reference = format!("{reference}:{t}");
        }
        if let Some(d) = digest {
            reference = format!("{reference}@{d}");
        }
        let at = entry.get("newName").or(entry.get("name")).unwrap_or(entry);
        if let Some(c) = image_component(&reference, ID, self.file, at.line, self.out) {
            self.out.push(locate(c, self.file, at));
        }
    }

    /// `- name: ingress-nginx` / `repo: https://...` / `version: 4.8.3`
    fn helm_chart(&mut self, entry: &Node) {
        let Some(name_node) = entry.get("name") else {
            self.invalid(entry, "a `helmCharts` entry needs `name`");
            return;
        };
        let Some(name) = name_node.as_str() else {
            self.invalid(name_node, "`name` should be a string");
            return;
        };
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Helm,
            name.trim(),
            ID,
            self.file.location(name_node.line),
        );
        if let Some(v) = entry.get("version").and_then(Node::as_str) {
            c = c.with_version(v.trim());
        }
        c.url = entry
            .get("repo")
            .and_then(Node::as_str)
            .map(|r| r.trim().to_string());
        c.refresh_purl();
        self.out.push(locate(c, self.file, name_node));
    }

    fn invalid(&mut self, node: &Node, message: &str) {
        self.out.diagnose(node.invalid(self.file, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        let x = KubernetesExtractor;
        for yes in [
            "deploy/k8s/deployments.yaml",
            "manifests/cronjob.yml",
            "kustomization.yaml",
            "overlays/prod/kustomization.yml",
            "chart/templates/deployment.yaml",
        ] {
            assert!(x.matches(Path::new(yes)), "{yes}");
        }
        for no in [
            "docker-compose.yml",
            "compose.prod.yaml",
            ".github/workflows/ci.yml",
            ".github/dependabot.yml",
            ".gitlab-ci.yml",
            "pnpm-lock.yaml",
            "charts/app/Chart.yaml",
            "charts/app/values.yaml",
            "charts/app/values-prod.yaml",
            "Pulumi.yaml",
            "Pulumi.dev.yaml",
            "api/openapi.yaml",
            "k8s/deploy.json",
            "infra/.terraform/modules/x/a.yaml",
        ] {
            assert!(!x.matches(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn non_kubernetes_yaml_is_silent() {
        let x = KubernetesExtractor;
        for text in [
            "foo: [unterminated\n",
            "kind: x\nbar: {{ .Values.x }}\n",
            "apiVersion: 1\nsettings:\n  kind: thing\n",
        ] {
            let found = x.extract(&SourceFile::from_text("config/app.yaml", text));
            assert!(found.components.is_empty(), "{text}");
            assert!(
                found.diagnostics.is_empty(),
                "{text}: {:?}",
                found.diagnostics
            );
        }
    }
}
