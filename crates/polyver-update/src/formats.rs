//! One rewriter per file format, like the extractors: adding a format is one module here
//! and one entry in [`REWRITERS`].

use polyver_model::Format;

use crate::rewrite::Rewriter;

mod cargo_toml;
pub mod compose;
mod composer_json;
pub mod dockerfile;
mod gemfile;
pub mod github_actions;
pub mod gitlab_ci;
mod go_mod;
mod gradle;
mod gradle_catalog;
pub mod helm;
pub(crate) mod image_ref;
pub mod kubernetes;
mod msbuild;
mod package_json;
mod pipfile;
mod pom;
mod pyproject;
mod requirements;
mod setup_cfg;
pub mod terraform;
mod toml_spans;
pub mod version_files;
pub(crate) mod written;
pub(crate) mod yaml_pos;

/// Every rewriter. A format with no entry here is reported as "cannot rewrite yet".
pub static REWRITERS: &[&dyn Rewriter] = &[
    // Package manifests.
    &requirements::RequirementsRewriter,
    &pyproject::PyprojectRewriter,
    &pipfile::PipfileRewriter,
    &setup_cfg::SetupCfgRewriter,
    &package_json::PackageJsonRewriter,
    &cargo_toml::CargoTomlRewriter,
    &go_mod::GoModRewriter,
    &pom::PomRewriter,
    &gradle::GradleRewriter,
    &gradle_catalog::GradleCatalogRewriter,
    &gemfile::GemfileRewriter,
    &composer_json::ComposerJsonRewriter,
    &msbuild::MsbuildRewriter,
    // Images, CI, infrastructure and runtime version files.
    &dockerfile::DockerfileRewriter,
    &compose::ComposeRewriter,
    &kubernetes::KubernetesRewriter,
    &helm::HelmRewriter,
    &github_actions::GithubActionsRewriter,
    &gitlab_ci::GitlabCiRewriter,
    &terraform::TerraformRewriter,
    &version_files::VersionFileRewriter,
];

/// The rewriter for a format, if there is one.
pub fn rewriter_for(format: Format) -> Option<&'static dyn Rewriter> {
    REWRITERS
        .iter()
        .copied()
        .find(|r| r.formats().contains(&format))
}
