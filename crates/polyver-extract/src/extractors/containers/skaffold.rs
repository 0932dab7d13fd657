//! Skaffold configurations (`skaffold.yaml`, `skaffold.yml`, `skaffold-*.yaml`), every schema
//! from `skaffold/v1` to `skaffold/v4beta*`, multi-document (one `Config` per document).
//!
//! What a Skaffold run pulls, not what it pushes:
//! - `build.artifacts[].image` names the images Skaffold builds and pushes: not components
//!   (their Dockerfiles are scanned for the images they are built on). The base and builder
//!   images an artifact names are: `ko.fromImage`, `jib.fromImage`, `buildpacks.builder`,
//!   `buildpacks.runImage`, `kaniko.image` (build scope);
//! - `verify[].container.image` and `customActions[].containers[].image` run as given:
//!   runtime images;
//! - Helm releases of `deploy.helm` and `manifests.helm` (v3+): a `remoteChart` (or a v1/v2
//!   `chartPath` with `remote: true`) is a Helm chart component with its `repo` (or the
//!   `oci://` registry) as repository and `version` as version (or constraint, for a range); a
//!   local `chartPath` is the repository's own chart, read from its `Chart.yaml`;
//! - `requires[].git` is a remote Skaffold config: a `module` component named by the
//!   repository, its `ref` in `url` (`repo@ref`); `requires[].path`/`configs` are local.
//!
//! The `apiVersion` (`skaffold/v4beta11`) is the config schema the file is written against,
//! which decides which Skaffold releases read it: a `tool` component `skaffold-config` with
//! the schema version as version. Profiles are read like the top level, each component
//! marked `profile: <name>`. A file of that name without a `skaffold/` apiVersion is left
//! alone, without a diagnostic.

use crate::image_ref::image_component;
use crate::yaml::{self, locate, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Ecosystem, Format, Kind, Scope};
use std::path::Path;

pub struct SkaffoldExtractor;

const ID: Format = Format::Skaffold;

impl Extractor for SkaffoldExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            prefixes: &["skaffold"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        let Some(stem) = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
        else {
            return false;
        };
        match stem.strip_prefix("skaffold") {
            Some(rest) => rest.is_empty() || rest.starts_with(['-', '_', '.']),
            None => false,
        }
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        if !file.text().contains("skaffold/") {
            return out;
        }
        let loaded = yaml::load(file.text());
        let configs: Vec<&Node> = loaded
            .mappings()
            .filter(|d| {
                d.get("apiVersion")
                    .and_then(Node::as_str)
                    .is_some_and(|v| v.starts_with("skaffold/"))
            })
            .collect();
        if configs.is_empty() {
            return out;
        }
        if let Some(e) = &loaded.error {
            out.diagnose(e.diagnostic(file));
        }
        let mut reader = Reader {
            file,
            out: &mut out,
        };
        for config in configs {
            if let Some(api) = config.get("apiVersion") {
                let schema = api
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("skaffold/");
                let c = Component::new(
                    Kind::Tool,
                    Ecosystem::Generic,
                    "skaffold-config",
                    ID,
                    file.location(api.line),
                )
                .with_version(schema)
                .with_scope(Scope::Build);
                reader.out.push(locate(c, file, api));
            }
            reader.pipeline(config, None);
            for profile in config
                .get("profiles")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                let name = profile.get("name").and_then(Node::as_str).unwrap_or("?");
                reader.pipeline(profile, Some(&format!("profile: {name}")));
            }
            for required in config
                .get("requires")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                reader.required(required);
            }
        }
        out
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    out: &'a mut Extracted,
}

impl Reader<'_> {
    /// `build`, `deploy`, `manifests`, `verify` and `customActions` of a config or profile.
    fn pipeline(&mut self, node: &Node, marker: Option<&str>) {
        let artifacts = node
            .get("build")
            .and_then(|b| b.get("artifacts"))
            .and_then(Node::as_sequence)
            .unwrap_or_default();
        for artifact in artifacts {
            for (builder, key) in [
                ("ko", "fromImage"),
                ("jib", "fromImage"),
                ("buildpacks", "builder"),
                ("buildpacks", "runImage"),
                ("kaniko", "image"),
            ] {
                if let Some(image) = artifact.get(builder).and_then(|b| b.get(key)) {
                    self.image(image, Scope::Build, marker);
                }
            }
        }
        for section in ["deploy", "manifests"] {
            let releases = node
                .get(section)
                .and_then(|s| s.get("helm"))
                .and_then(|h| h.get("releases"))
                .and_then(Node::as_sequence)
                .unwrap_or_default();
            for release in releases {
                self.release(release, marker);
            }
        }
        for check in node
            .get("verify")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            if let Some(image) = check.get("container").and_then(|c| c.get("image")) {
                self.image(image, Scope::Runtime, marker);
            }
        }
        for action in node
            .get("customActions")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            for container in action
                .get("containers")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                if let Some(image) = container.get("image") {
                    self.image(image, Scope::Runtime, marker);
                }
            }
        }
    }

    fn image(&mut self, node: &Node, scope: Scope, marker: Option<&str>) {
        let Some(reference) = node.as_str() else {
            self.out
                .diagnose(node.invalid(self.file, "an image must be a reference string"));
            return;
        };
        // Skaffold templates (`{{.IMAGE_REPO}}`) are known only when it runs.
        if let Some(mut c) = image_component(reference.trim(), ID, self.file, node.line, self.out) {
            c.marker = marker.map(str::to_string);
            self.out.push(locate(c, self.file, node).with_scope(scope));
        }
    }

    fn release(&mut self, release: &Node, marker: Option<&str>) {
        let remote_chart = release.get("remoteChart").and_then(Node::as_str);
        let legacy_remote = release
            .get("remote")
            .and_then(Node::as_str)
            .is_some_and(|r| r == "true");
        let (chart_node, chart) = match (remote_chart, release.get("chartPath")) {
            (Some(c), _) => (release.get("remoteChart"), c),
            (None, Some(path)) if legacy_remote => (Some(path), path.as_str().unwrap_or("")),
            // A local chart directory: read from its own Chart.yaml.
            _ => return,
        };
        let Some(chart_node) = chart_node else {
            return;
        };
        let chart = chart.trim();
        if chart.is_empty() {
            self.out
                .diagnose(chart_node.invalid(self.file, "a Helm release names no chart"));
            return;
        }
        let repo = release
            .get("repo")
            .and_then(Node::as_str)
            .map(str::trim)
            .filter(|r| !r.is_empty());
        // `oci://registry/path/chart` names its repository; `alias/chart` names a local
        // `helm repo add` alias (kept in `url` as written; only URLs go into the purl).
        let (name, repository) = match chart.rsplit_once('/') {
            Some((base, name)) if chart.contains("://") => (name, Some(base.to_string())),
            Some((alias, name)) if repo.is_none() => (name, Some(alias.to_string())),
            Some((_, name)) => (name, repo.map(str::to_string)),
            None => (chart, repo.map(str::to_string)),
        };
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Helm,
            name,
            ID,
            self.file.location(chart_node.line),
        );
        match release
            .get("version")
            .map(|v| (v, v.as_str().map(str::trim)))
        {
            Some((_, Some(v))) if is_exact(v) => c = c.with_version(v).with_constraint(v),
            Some((_, Some(v))) => c = c.with_constraint(v),
            Some((v, None)) => self
                .out
                .diagnose(v.invalid(self.file, "a release's `version` must be a string")),
            None => {}
        }
        c.url = repository;
        c.marker = marker.map(str::to_string);
        c.refresh_purl();
        self.out.push(locate(c, self.file, chart_node));
    }

    fn required(&mut self, node: &Node) {
        let Some(git) = node.get("git") else {
            return;
        };
        let Some(repo) = git.get("repo").and_then(Node::as_str).map(str::trim) else {
            self.out
                .diagnose(git.invalid(self.file, "a `requires` git source has no `repo`"));
            return;
        };
        let mut c = Component::new(
            Kind::Module,
            Ecosystem::Generic,
            repo,
            ID,
            self.file.location(git.line),
        )
        .with_scope(Scope::Build);
        c.url = Some(match git.get("ref").and_then(Node::as_str) {
            Some(r) => format!("{repo}@{r}"),
            None => repo.to_string(),
        });
        self.out.push(c);
    }
}

/// A plain chart version (`18.0.3`, `v1.2.0`), not a range (`^1.2`, `>=1 <2`, `1.x`).
fn is_exact(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        && !v.split(['.', '-']).any(|p| p == "x" || p == "X")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_and_requires() {
        let text = "apiVersion: skaffold/v4beta11\nkind: Config\nrequires:\n- git:\n    repo: https://github.com/o/cfg\n    ref: main\nmanifests:\n  helm:\n    releases:\n    - name: pg\n      remoteChart: oci://registry-1.docker.io/bitnamicharts/postgresql\n      version: 15.5.0\n    - name: own\n      chartPath: charts/own\nbuild:\n  artifacts:\n  - image: app\n    ko:\n      fromImage: gcr.io/distroless/static:nonroot\n";
        let found = SkaffoldExtractor.extract(&SourceFile::from_text("skaffold.yaml", text));
        let names: Vec<(&str, Option<&str>)> = found
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("skaffold-config", Some("v4beta11")),
                ("gcr.io/distroless/static", Some("nonroot")),
                ("postgresql", Some("15.5.0")),
                ("https://github.com/o/cfg", None),
            ]
        );
        assert_eq!(
            found.components[2].purl,
            "pkg:helm/postgresql@15.5.0?repository_url=oci%3A%2F%2Fregistry-1.docker.io%2Fbitnamicharts"
        );
    }

    #[test]
    fn not_skaffold_not_ours() {
        let found = SkaffoldExtractor.extract(&SourceFile::from_text(
            "skaffold.yaml",
            "apiVersion: v1\nkind: ConfigMap\n",
        ));
        assert_eq!(found, Extracted::default());
        assert!(!is_exact("^1.2.0"));
        assert!(!is_exact("1.x"));
        assert!(is_exact("v1.2.0"));
    }
}
