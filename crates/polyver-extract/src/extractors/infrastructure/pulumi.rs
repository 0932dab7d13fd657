//! Pulumi projects: `Pulumi.yaml` (also `Pulumi.yml`).
//!
//! The project file says which language runtime runs the program: `runtime: python` or
//! `runtime: {name: nodejs, options: {...}}`. That is a `runtime` component (ecosystem
//! `generic`, named as version files name runtimes: `nodejs` becomes `node`), without a
//! version — Pulumi.yaml never pins one; the version comes from `.python-version`, `.nvmrc`
//! or the toolchain. The project's own `name` is what the repository defines, not a
//! dependency, and is not reported. Stack files (`Pulumi.<stack>.yaml`) hold configuration
//! values only and are not read.
//!
//! Pulumi's providers are packages of the program's language (`@pulumi/aws` on npm,
//! `pulumi-aws` on PyPI, `github.com/pulumi/pulumi-aws/sdk` in go.mod), so they are found by
//! those ecosystems' extractors; marking them as `provider`s needs a view across files: the
//! scan's post-pass (`polyver_model::project::mark_pulumi_providers`) does it for the manifests beside a
//! `Pulumi.yaml`.

use crate::yaml::{self, locate};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind};
use std::path::Path;

pub struct PulumiExtractor;

const ID: Format = Format::Pulumi;

impl Extractor for PulumiExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&["pulumi.yaml", "pulumi.yml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        matches!(file_name(path), "Pulumi.yaml" | "Pulumi.yml")
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let loaded = yaml::load_file(file, &mut out.diagnostics);
        for doc in loaded.mappings() {
            let Some(runtime) = doc.get("runtime") else {
                out.diagnose(Diagnostic::warning(
                    DiagnosticCode::InvalidValue,
                    file.path(),
                    doc.line,
                    "Pulumi project has no `runtime`",
                ));
                continue;
            };
            let name_node = match runtime.as_mapping() {
                Some(_) => runtime.get("name"),
                None => Some(runtime),
            };
            let Some((name, at)) = name_node.and_then(|n| Some((n.as_str()?.trim(), n))) else {
                out.diagnose(
                    Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        file.path(),
                        runtime.line,
                        "`runtime` should be a name or a mapping with `name`",
                    )
                    .with_column(runtime.column),
                );
                continue;
            };
            if name.is_empty() {
                continue;
            }
            let name = match name {
                "nodejs" => "node",
                other => other,
            };
            let c = Component::new(
                Kind::Runtime,
                Ecosystem::Generic,
                name,
                ID,
                file.location(at.line),
            );
            out.push(locate(c, file, at));
        }
        out
    }
}
