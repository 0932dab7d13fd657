//! What a job runs on and with: the `runs-on` runner image, and the tool versions given to
//! setup actions as inputs (`node-version`, golangci-lint-action's `version`, ...).
//!
//! Why: a workflow pinned to `ubuntu-22.04` builds on a different system than one on
//! `ubuntu-latest`, which GitHub moves to each new LTS; and a `setup-*` input decides the
//! compiler or linter version as much as a version file does. A GitHub-hosted runner label
//! (`ubuntu-24.04`, `macos-14`, `windows-2022`, `ubuntu-24.04-arm`, `macos-14-large`) is a
//! `tool` named `<os>-runner` (`ubuntu-runner`) with the image version; `ubuntu-latest` (or
//! `ubuntu-slim`) has no version, its label as the constraint. Self-hosted and third-party
//! labels name no image anyone publishes: an info diagnostic says so.

use super::{Context, Expanded, Scanner, ID};
use crate::yaml::Node;
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Kind, Scope, Severity};

/// Setup actions whose `with:` inputs name a runtime or tool version: (action, input, name).
/// Languages are `runtime` components, the rest `tool`, as version files name them.
pub(super) const SETUP_ACTIONS: &[(&str, &str, &str)] = &[
    ("actions/setup-python", "python-version", "python"),
    ("actions/setup-node", "node-version", "node"),
    ("actions/setup-go", "go-version", "go"),
    ("actions/setup-java", "java-version", "java"),
    ("actions/setup-dotnet", "dotnet-version", "dotnet"),
    ("ruby/setup-ruby", "ruby-version", "ruby"),
    ("oven-sh/setup-bun", "bun-version", "bun"),
    ("denoland/setup-deno", "deno-version", "deno"),
    ("shivammathur/setup-php", "php-version", "php"),
    ("erlef/setup-beam", "otp-version", "erlang"),
    ("erlef/setup-beam", "elixir-version", "elixir"),
    ("dtolnay/rust-toolchain", "toolchain", "rust"),
    ("golangci/golangci-lint-action", "version", "golangci-lint"),
    ("pnpm/action-setup", "version", "pnpm"),
    ("astral-sh/setup-uv", "version", "uv"),
    (
        "hashicorp/setup-terraform",
        "terraform_version",
        "terraform",
    ),
    ("azure/setup-helm", "version", "helm"),
    ("azure/setup-kubectl", "version", "kubectl"),
    ("helm/kind-action", "version", "kind"),
    ("goreleaser/goreleaser-action", "version", "goreleaser"),
    ("bufbuild/buf-setup-action", "version", "buf"),
    ("bufbuild/buf-action", "version", "buf"),
    ("gradle/actions/setup-gradle", "gradle-version", "gradle"),
    ("docker/setup-buildx-action", "version", "buildx"),
    ("sigstore/cosign-installer", "cosign-release", "cosign"),
    ("google-github-actions/setup-gcloud", "version", "gcloud"),
];

/// The kind of what a setup action installs.
pub(super) fn setup_kind(name: &str) -> Kind {
    if crate::extractors::version_files::RUNTIMES.contains(&name) {
        Kind::Runtime
    } else {
        Kind::Tool
    }
}

/// A GitHub-hosted runner label: (`ubuntu`, version or `None`, extras), or `None` when the
/// label is not one (self-hosted, larger-runner names, other providers).
fn hosted_runner(label: &str) -> Option<(&'static str, Option<&str>, Vec<String>)> {
    let (os, rest) = ["ubuntu", "macos", "windows"]
        .into_iter()
        .find_map(|os| Some((os, label.strip_prefix(os)?.strip_prefix('-')?)))?;
    let mut parts = rest.split('-');
    let version = parts.next().filter(|v| !v.is_empty())?;
    let mut extras = Vec::new();
    for suffix in parts {
        match suffix {
            "arm" => extras.push("arch:arm64".to_string()),
            "large" | "xlarge" => extras.push(format!("size:{suffix}")),
            _ => return None,
        }
    }
    if version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        Some((os, Some(version), extras))
    } else if matches!(version, "latest" | "slim") && extras.is_empty() {
        Some((os, None, extras))
    } else {
        None
    }
}

impl Scanner<'_, '_> {
    /// `runs-on`: a label, a list of labels, or `{group, labels}`.
    pub(super) fn runs_on(&mut self, node: &Node, ctx: &Context) {
        let labels: Vec<&Node> = if let Some(items) = node.as_sequence() {
            items.iter().collect()
        } else if node.as_mapping().is_some() {
            match node.get("labels") {
                Some(l) => l
                    .as_sequence()
                    .map_or_else(|| vec![l], |i| i.iter().collect()),
                None => {
                    self.info(node, "`runs-on` names a runner group only; no runner image");
                    return;
                }
            }
        } else {
            vec![node]
        };
        if labels.iter().any(|l| l.as_str() == Some("self-hosted")) {
            self.info(
                node,
                "the job runs on a self-hosted runner; no runner image",
            );
            return;
        }
        for label in labels {
            if label.as_str().is_none() {
                self.invalid(label, "a `runs-on` label should be a string");
                continue;
            }
            for Expanded {
                value,
                at,
                condition,
            } in self.expand(label, ctx)
            {
                if value.contains("${{") {
                    continue; // known only at run time, warned by `expand`
                }
                let value = value.trim();
                let Some((os, version, extras)) = hosted_runner(value) else {
                    self.info(
                        at,
                        &format!(
                            "runner label `{value}` is not a GitHub-hosted runner image \
                             (self-hosted, larger or third-party runner); no component"
                        ),
                    );
                    continue;
                };
                let location = self.file.location(at.line).with_column(at.column);
                let mut c = Component::new(
                    Kind::Tool,
                    Ecosystem::Generic,
                    format!("{os}-runner"),
                    ID,
                    location,
                )
                .with_scope(Scope::Build);
                c = match version {
                    Some(v) => c.with_version(v),
                    None => c.with_constraint(value),
                };
                c.extras = extras;
                c.marker = condition;
                self.out.push(c);
            }
        }
    }

    fn info(&mut self, node: &Node, message: &str) {
        self.out.diagnose(
            Diagnostic::new(
                Severity::Info,
                DiagnosticCode::Unsupported,
                self.file.path(),
                node.line,
                message,
            )
            .with_column(node.column),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_runner_labels() {
        assert_eq!(
            hosted_runner("ubuntu-22.04"),
            Some(("ubuntu", Some("22.04"), vec![]))
        );
        assert_eq!(
            hosted_runner("windows-2022"),
            Some(("windows", Some("2022"), vec![]))
        );
        assert_eq!(
            hosted_runner("ubuntu-24.04-arm"),
            Some(("ubuntu", Some("24.04"), vec!["arch:arm64".to_string()]))
        );
        assert_eq!(
            hosted_runner("macos-14-xlarge"),
            Some(("macos", Some("14"), vec!["size:xlarge".to_string()]))
        );
        assert_eq!(
            hosted_runner("ubuntu-latest"),
            Some(("ubuntu", None, vec![]))
        );
        assert_eq!(hosted_runner("oracle-vm-16cpu-64gb-x86-64"), None);
        assert_eq!(hosted_runner("ubuntu-latest-8-cores"), None);
        assert_eq!(hosted_runner("linux"), None);
    }
}
