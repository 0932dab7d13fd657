//! Kubernetes manifests and Kustomize.
//!
//! - Pod spec `image:` values (every workload kind, multi-document files, `List`s): the
//!   reference at the recorded line and column moves ([`super::image_ref`]).
//! - `kustomization.yaml` `images:` entries (located at `newName`, else `name`): `newTag`
//!   and `digest` are edited in the entry, quoting kept.
//! - `helmCharts:` entries: `version` moves like a chart dependency's (see [`super::helm`]).

use polyver_model::{Format, Kind};

use crate::formats::helm::{load, rewrite_chart_version, rewrite_split_image};
use crate::formats::image_ref::rewrite_image;
use crate::formats::written::column_of;
use crate::formats::yaml_pos::mappings_with;
use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct KubernetesRewriter;

impl Rewriter for KubernetesRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Kubernetes]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let kustomize_entry = |docs: &[_], key| !mappings_with(docs, key, request.line).is_empty();
        if request.component.kind == Kind::Package {
            let docs = load(text, request)?;
            return rewrite_chart_version(text, request, &docs, "version");
        }
        let line = crate::formats::written::line_span_text(text, request.line).unwrap_or("");
        let trimmed = line.trim_start().trim_start_matches("- ");
        if trimmed.starts_with("name:") || trimmed.starts_with("newName:") {
            let docs = load(text, request)?;
            if kustomize_entry(&docs, "newName") || kustomize_entry(&docs, "name") {
                return rewrite_split_image(
                    text,
                    request,
                    &docs,
                    &["newName", "name"],
                    "newTag",
                    "digest",
                );
            }
        }
        rewrite_image(text, request, column_of(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Location};

    fn image(name: &str, version: &str, digest: Option<&str>, line: u32, column: u32) -> Component {
        let mut c = Component::new(
            Kind::Image,
            Ecosystem::Docker,
            name,
            Format::Kubernetes,
            Location::new("k.yaml", line).with_column(column),
        )
        .with_version(version);
        c.integrity = digest.map(str::to_string);
        c
    }

    fn run(text: &str, c: &Component, v: &str, d: Option<&str>) -> Result<Outcome, RewriteError> {
        let target = Target {
            version: v.into(),
            digest: d.map(str::to_string),
        };
        let request = Request {
            component: c,
            path: "k.yaml",
            line: c.locations[0].line,
            target: &target,
            bump_ranges: false,
        };
        KubernetesRewriter.rewrite(text, &request)
    }

    #[test]
    fn pod_images_with_digest_in_a_second_document() {
        let text = "kind: Service\n---\nkind: Pod\nspec:\n  containers:\n  - name: busybox\n    image: busybox:1.38.0@sha256:fd8d\n";
        let c = image("busybox", "1.38.0", Some("sha256:fd8d"), 7, 12);
        let Ok(Outcome::Rewritten(out)) = run(text, &c, "1.39.0", Some("sha256:0001")) else {
            panic!()
        };
        assert!(out.ends_with("    image: busybox:1.39.0@sha256:0001\n"));
        // The container's `name:` line is not an image entry.
        assert!(out.contains("  - name: busybox\n"));
    }

    #[test]
    fn kustomize_images_entries() {
        let text = "images:\n- name: nginx\n  newTag: \"1.25\"\n- name: app\n  newName: reg.io/app\n  newTag: v1.0.0 # pinned\n";
        let c = image("nginx", "1.25", None, 2, 9);
        let Ok(Outcome::Rewritten(out)) = run(text, &c, "1.27", None) else {
            panic!()
        };
        assert!(out.contains("  newTag: \"1.27\"\n"));
        let c = image("reg.io/app", "v1.0.0", None, 5, 12);
        let Ok(Outcome::Rewritten(out)) = run(text, &c, "v1.1.0", None) else {
            panic!()
        };
        assert!(out.ends_with("  newTag: v1.1.0 # pinned\n"));
    }
}
